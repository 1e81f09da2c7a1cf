/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Guests from a cloud image against a real libvirtd (tests/system/harness/with-libvirtd), with a small
 * qcow2 the test makes with qemu-img (it need not boot):
 *   two guests: the image uploaded once as the base volume, two qcow2 overlays backed by it with the
 *   chosen capacity, two seed volumes that blkid (on their content downloaded back with
 *   virStorageVolDownload) calls LABEL=cidata, the <corral:cloud user/> metadata in the group's;
 *   a full copy: the kept base used again (not uploaded again), a disk with no backing file;
 *   a file that is no disk image: refused saying what qemu-img sees, nothing left in the pool;
 *   cancel during the upload: no partial volume;
 *   deleting one guest with its storage: its overlay and seed go, the base and the other guest stay;
 *   an image that is a volume of the pool already: used as the base, nothing copied;
 *   a run failing midway: what it made removed, the base it did not make kept;
 *   a guest started: QEMU runs it (the overlay's backing chain, the seed on virtio-scsi);
 *   a guest whose disk is the base of another's: not deleted with its storage (BASE_IN_USE). */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-creator.h"
#include "corral-guest.h"

#define TIMEOUT_S 240

#include "corral-test-util.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)
#define POOL "cloud-pool"
#define POOL_DIR "/var/lib/libvirt/images/cloud-pool"

typedef struct
{
  CorralConnection *connection;
  virConnectPtr     conn;
  char             *dir;
  char             *image;
} Fixture;

static Fixture fx;

static void
run_argv (const char * const *argv,
          char              **out)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static CorralGuestSpec *
cloud_spec (const char *name,
            guint       count,
            const char *image)
{
  CorralGuestSpec *spec = corral_guest_spec_new ();

  spec->name = g_strdup (name);
  spec->count = count;
  spec->source = CORRAL_INSTALL_SOURCE_CLOUD_IMAGE;
  spec->image_path = g_strdup (image);
  spec->disk_kind = CORRAL_DISK_POOL;
  g_free (spec->disk_location);
  spec->disk_location = g_strdup (POOL);
  spec->disk_size = 256 * MiB;
  spec->memory = 256 * MiB;
  spec->network_kind = CORRAL_NETWORK_NONE;
  spec->start = FALSE;
  spec->identity = corral_cloud_identity_new ();
  spec->identity->user_name = g_strdup ("tester");
  spec->identity->password = g_strdup ("secret");
  return spec;
}

typedef struct
{
  GString      *statuses;
  GCancellable *cancel_on_copy;
} Watch;

static void
status_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  Watch *watch = user_data;
  const char *status = corral_guest_creator_get_status (CORRAL_GUEST_CREATOR (object));

  if (watch->statuses != NULL)
    g_string_append_printf (watch->statuses, "%s\n", status);
  if (watch->cancel_on_copy != NULL && g_str_has_prefix (status, "Copying"))
    g_cancellable_cancel (watch->cancel_on_copy);
}

/* Runs a creator for @spec; returns its UUIDs, or NULL with @error. */
static GStrv
create (CorralGuestSpec  *spec,
        GString          *statuses,
        GCancellable     *cancel_on_copy,
        GError          **error)
{
  g_autoptr(CorralGuestCreator) creator = corral_guest_creator_new (fx.connection, spec);
  g_autoptr(GAsyncResult) result = NULL;
  Watch watch = { statuses, cancel_on_copy };

  corral_guest_creator_set_virt_type (creator, "qemu");
  g_signal_connect (creator, "notify::status", G_CALLBACK (status_cb), &watch);
  corral_guest_creator_run_async (creator, cancel_on_copy, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  g_signal_handlers_disconnect_by_data (creator, &watch);
  return corral_guest_creator_run_finish (creator, result, error);
}

/* The pool's volumes' names, sorted and joined with spaces. */
static char *
pool_volumes (void)
{
  return corral_test_pool_volumes (fx.conn, POOL);
}

static char *
volume_xml (const char *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (fx.conn, POOL);
  virStorageVolPtr vol = virStorageVolLookupByName (pool, name);
  char *xml;

  g_assert_nonnull (vol);
  xml = virStorageVolGetXMLDesc (vol, 0);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
  return xml;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” not in:\n%s", needle, haystack);
}

/* The volume's content downloaded back through libvirt into a file; blkid's LABEL of it. */
static char *
seed_label (const char *name)
{
  g_autoptr(GBytes) bytes = corral_test_volume_download (fx.conn, POOL, name);
  g_autofree char *path = g_build_filename (fx.dir, name, NULL);
  const char *argv[] = { "blkid", "-o", "value", "-s", "LABEL", path, NULL };
  char *out = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
  run_argv (argv, &out);
  return g_strstrip (out);
}

static void
test_two_guests (void)
{
  g_autoptr(CorralGuestSpec) spec = cloud_spec ("node", 2, fx.image);
  g_autoptr(GString) statuses = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uuids = NULL;
  g_autofree char *volumes = NULL;
  g_autofree char *base_xml = NULL;
  g_autofree char *base_path = g_build_filename (POOL_DIR, "tiny-cloud.qcow2", NULL);

  uuids = create (spec, statuses, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (uuids), ==, 2);
  g_test_message ("statuses:\n%s", statuses->str);
  assert_contains (statuses->str, "Copying “tiny-cloud.qcow2” into the pool…");

  volumes = pool_volumes ();
  g_assert_cmpstr (volumes, ==, "node1-cidata.iso node1.qcow2 node2-cidata.iso node2.qcow2 "
                                "tiny-cloud.qcow2");
  base_xml = volume_xml ("tiny-cloud.qcow2");
  assert_contains (base_xml, "<format type='qcow2'/>");
  assert_contains (base_xml, "<capacity unit='bytes'>67108864</capacity>");
  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *disk = g_strdup_printf ("node%u.qcow2", i);
      g_autofree char *seed = g_strdup_printf ("node%u-cidata.iso", i);
      g_autofree char *xml = volume_xml (disk);
      g_autofree char *backing = g_strdup_printf ("<backingStore>\n    <path>%s</path>\n    "
                                                  "<format type='qcow2'/>", base_path);
      g_autofree char *label = seed_label (seed);
      g_autofree char *name = g_strdup_printf ("node%u", i);
      virDomainPtr dom = virDomainLookupByName (fx.conn, name);
      g_autofree char *metadata = NULL;
      g_autofree char *dom_xml = NULL;
      g_autofree char *seed_source = g_strdup_printf ("<source file='%s/%s'/>", POOL_DIR, seed);

      assert_contains (xml, "<capacity unit='bytes'>268435456</capacity>");
      assert_contains (xml, backing);
      g_assert_cmpstr (label, ==, "cidata");
      g_assert_nonnull (dom);
      metadata = virDomainGetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT,
                                       "https://corralvm.org/xmlns/corral/1.0",
                                       VIR_DOMAIN_AFFECT_CONFIG);
      g_assert_nonnull (metadata);
      assert_contains (metadata, "name=\"node\"");
      assert_contains (metadata, "<cloud user=\"tester\"/>");
      dom_xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
      assert_contains (dom_xml, "<controller type='scsi' index='0' model='virtio-scsi'>");
      assert_contains (dom_xml, seed_source);
      assert_contains (dom_xml, "<target dev='sda' bus='scsi'/>");
      virDomainFree (dom);
    }
}

static void
test_full_copy (void)
{
  g_autoptr(CorralGuestSpec) spec = cloud_spec ("full", 1, fx.image);
  g_autoptr(GString) statuses = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uuids = NULL;
  g_autofree char *volumes = NULL;
  g_autofree char *xml = NULL;

  spec->full_copy = TRUE;
  uuids = create (spec, statuses, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("statuses:\n%s", statuses->str);
  /* the base kept from the first run, not copied again */
  assert_contains (statuses->str, "Using the copy of “tiny-cloud.qcow2” kept in “" POOL "”");
  g_assert_null (strstr (statuses->str, "Copying"));
  volumes = pool_volumes ();
  g_assert_cmpstr (volumes, ==, "full-cidata.iso full.qcow2 node1-cidata.iso node1.qcow2 "
                                "node2-cidata.iso node2.qcow2 tiny-cloud.qcow2");
  xml = volume_xml ("full.qcow2");
  assert_contains (xml, "<capacity unit='bytes'>268435456</capacity>");
  assert_contains (xml, "<format type='qcow2'/>");
  g_assert_null (strstr (xml, "<backingStore>"));
}

static void
test_not_an_image (void)
{
  g_autofree char *path = g_build_filename (fx.dir, "notes.txt", NULL);
  g_autoptr(CorralGuestSpec) spec = cloud_spec ("bad", 1, path);
  g_autoptr(GString) statuses = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = pool_volumes ();
  g_autofree char *after = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) uuids = NULL;
  virDomainPtr dom;

  g_assert_true (g_file_set_contents (path, "just some notes, no disk\n", -1, NULL));
  uuids = create (spec, statuses, NULL, &error);
  g_assert_null (uuids);
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_IMAGE);
  expected = g_strdup_printf ("“%s” is no disk image: qemu-img sees only raw data in it (no "
                              "partition table, no file system). Choose a qcow2 or raw cloud image",
                              path);
  g_assert_cmpstr (error->message, ==, expected);
  after = pool_volumes ();
  g_assert_cmpstr (after, ==, before);
  dom = virDomainLookupByName (fx.conn, "bad");
  g_assert_null (dom);
  virResetLastError ();
}

static void
test_cancel_upload (void)
{
  g_autofree char *path = g_build_filename (fx.dir, "big-cloud.img", NULL);
  g_autoptr(CorralGuestSpec) spec = cloud_spec ("cancelled", 1, path);
  g_autoptr(GString) statuses = g_string_new (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = pool_volumes ();
  g_autofree char *after = NULL;
  g_auto(GStrv) uuids = NULL;
  const char *argv[] = { "qemu-img", "create", "-q", "-f", "raw", path, "1G", NULL };
  const guchar mbr[2] = { 0x55, 0xaa };
  int fd;

  run_argv (argv, NULL);
  /* a raw disk: an (empty) MBR */
  fd = open (path, O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (pwrite (fd, mbr, 2, 510), ==, 2);
  close (fd);
  spec->disk_size = 2048 * MiB;

  uuids = create (spec, statuses, cancellable, &error);
  g_test_message ("statuses:\n%s", statuses->str);
  g_assert_null (uuids);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_contains (statuses->str, "Copying “big-cloud.img” into the pool…");
  after = pool_volumes ();
  g_assert_cmpstr (after, ==, before);
  g_assert_false (g_file_test (POOL_DIR "/big-cloud.img", G_FILE_TEST_EXISTS));
}

static void
test_delete_keeps_base (void)
{
  CorralGuest *guest;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *volumes = NULL;
  g_autofree char *listed = NULL;
  g_autoptr(GString) paths = g_string_new (NULL);

  WAIT_FOR ((guest = corral_test_find_guest (fx.connection, "node1")) != NULL);
  corral_guest_list_disks_async (guest, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  disks = corral_guest_list_disks_finish (guest, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  for (guint i = 0; i < disks->len; i++)
    {
      CorralGuestDisk *disk = g_ptr_array_index (disks, i);

      g_assert_true (disk->is_volume);
      g_string_append_printf (paths, "%s ", disk->path);
    }
  g_assert_cmpstr (paths->str, ==, POOL_DIR "/node1.qcow2 " POOL_DIR "/node1-cidata.iso ");

  corral_guest_delete_async (guest, TRUE, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (corral_guest_delete_finish (guest, result, &error));
  g_assert_no_error (error);
  volumes = pool_volumes ();
  g_assert_cmpstr (volumes, ==, "full-cidata.iso full.qcow2 node2-cidata.iso node2.qcow2 "
                                "tiny-cloud.qcow2");
}

/* The image is a volume of the pool already: the guests' base as it is, nothing copied. */
static void
test_image_is_volume (void)
{
  g_autoptr(CorralGuestSpec) spec = cloud_spec ("onvol", 1, POOL_DIR "/tiny-cloud.qcow2");
  g_autoptr(GString) statuses = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uuids = NULL;
  g_autofree char *xml = NULL;

  uuids = create (spec, statuses, NULL, &error);
  g_assert_no_error (error);
  assert_contains (statuses->str, "The cloud image is in “" POOL "” already");
  g_assert_null (strstr (statuses->str, "Copying"));
  xml = volume_xml ("onvol.qcow2");
  assert_contains (xml, "<path>" POOL_DIR "/tiny-cloud.qcow2</path>");
}

/* A run that fails after the base was found removes what it made, never the base it did not make. */
static void
test_failure_keeps_base (void)
{
  g_autoptr(CorralGuestSpec) spec = cloud_spec ("node", 2, fx.image);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = pool_volumes ();
  g_autofree char *after = NULL;
  g_auto(GStrv) uuids = NULL;

  /* node1 is gone, node2's disk is there: node1 is made, node2 fails, node1 is removed again */
  uuids = create (spec, NULL, NULL, &error);
  g_assert_null (uuids);
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED);
  assert_contains (error->message, "The storage pool “" POOL "” already has a volume "
                                   "“node2.qcow2”: choose another guest name, or delete that volume");
  assert_contains (error->message, "Removed the disk “" POOL_DIR "/node1.qcow2” made for it.");
  assert_contains (error->message, "Removed its cloud-init seed “" POOL_DIR "/node1-cidata.iso”.");
  g_assert_null (strstr (error->message, "tiny-cloud"));
  after = pool_volumes ();
  g_assert_cmpstr (after, ==, before);
}

/* Started: QEMU takes the definition (the overlay's backing chain, the seed on virtio-scsi). */
static void
test_starts (void)
{
  g_autoptr(CorralGuestSpec) spec = cloud_spec ("started", 1, fx.image);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uuids = NULL;
  virDomainPtr dom;

  spec->start = TRUE;
  uuids = create (spec, NULL, NULL, &error);
  g_assert_no_error (error);
  dom = virDomainLookupByName (fx.conn, "started");
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainIsActive (dom), ==, 1);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  virDomainFree (dom);
}

/* A guest's disk made the base of others (the image chosen is that volume): deleting the guest with
 * its storage is refused while they use it (CORRAL_ERROR_BASE_IN_USE), and nothing is deleted. */
static void
test_base_in_use (void)
{
  g_autoptr(CorralGuestSpec) spec = cloud_spec ("child", 1, POOL_DIR "/node2.qcow2");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uuids = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  CorralGuest *guest;

  uuids = create (spec, NULL, NULL, &error);
  g_assert_no_error (error);
  before = pool_volumes ();
  WAIT_FOR ((guest = corral_test_find_guest (fx.connection, "node2")) != NULL);
  corral_guest_delete_async (guest, TRUE, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  g_assert_false (corral_guest_delete_finish (guest, result, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_BASE_IN_USE);
  g_assert_cmpstr (error->message, ==, "“node2” cannot be deleted with its storage: its disk "
                   POOL_DIR "/node2.qcow2 is the base of “child”’s disk. Delete “child” first, or "
                   "keep the storage.");
  after = pool_volumes ();
  g_assert_cmpstr (after, ==, before);
  g_assert_nonnull (corral_test_find_guest (fx.connection, "node2"));
}

int
main (int   argc,
      char *argv[])
{
  const char *skip = g_getenv ("CORRAL_TEST_SKIP_REASON");
  g_autoptr(GError) error = NULL;
  virStoragePoolPtr pool;
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (skip != NULL || g_find_program_in_path ("qemu-img") == NULL
      || g_find_program_in_path ("blkid") == NULL)
    {
      g_test_add_data_func ("/cloud/create-real", skip != NULL ? skip : "needs qemu-img and blkid",
                            (GTestDataFunc) g_test_skip);
      return g_test_run ();
    }

  fx.dir = g_dir_make_tmp ("corral-cloud-XXXXXX", &error);
  g_assert_no_error (error);
  fx.image = g_build_filename (fx.dir, "tiny-cloud.qcow2", NULL);
  {
    const char *make[] = { "qemu-img", "create", "-q", "-f", "qcow2", fx.image, "64M", NULL };

    run_argv (make, NULL);
  }
  fx.connection = corral_test_open_connection (g_getenv ("CORRAL_TEST_LIBVIRT_URI"));
  fx.conn = _corral_connection_ref_handle (fx.connection);
  pool = virStoragePoolDefineXML (fx.conn, "<pool type='dir'><name>" POOL "</name><target><path>"
                                           POOL_DIR "</path></target></pool>", 0);
  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolBuild (pool, 0), ==, 0);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);
  virStoragePoolFree (pool);

  /* in this order: each builds on what the one before left in the pool */
  g_test_add_func ("/cloud/create-real/two-guests", test_two_guests);
  g_test_add_func ("/cloud/create-real/full-copy", test_full_copy);
  g_test_add_func ("/cloud/create-real/not-an-image", test_not_an_image);
  g_test_add_func ("/cloud/create-real/cancel-upload", test_cancel_upload);
  g_test_add_func ("/cloud/create-real/delete-keeps-base", test_delete_keeps_base);
  g_test_add_func ("/cloud/create-real/image-is-volume", test_image_is_volume);
  g_test_add_func ("/cloud/create-real/failure-keeps-base", test_failure_keeps_base);
  g_test_add_func ("/cloud/create-real/starts", test_starts);
  g_test_add_func ("/cloud/create-real/base-in-use", test_base_in_use);
  ret = g_test_run ();

  virConnectClose (fx.conn);
  g_clear_object (&fx.connection);
  {
    const char *rm[] = { "rm", "-rf", fx.dir, NULL };

    run_argv (rm, NULL);
  }
  g_free (fx.image);
  g_free (fx.dir);
  return ret;
}
