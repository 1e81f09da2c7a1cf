/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Clones of a guest made from a cloud image, against a real libvirtd (tests/system/harness/with-libvirtd;
 * a tiny qcow2 made with qemu-img, not booted). Two guests made as a group (cl1, cl2: <corral:cloud/>
 * inside <corral:group/>); cl1 cloned ×2:
 *   each clone has a seed volume of its own (CLONE-cidata.iso, downloaded back through libvirt and read
 *   with libisofs) whose meta-data has an instance-id of its own and local-hostname = its name, whose
 *   user-data says its name as hostname and is byte for byte the guest's otherwise; its CD-ROM is that
 *   volume; it keeps <corral:cloud user/>; the guest's seed and definition are unchanged;
 *   refused before anything is made: a clone name that is no host name, a seed volume of its name,
 *   a seed whose user-data is not as Corral writes it;
 *   a clone failing at the second clone's seed (a file of its name in the pool directory that libvirt
 *   has not listed): nothing of the run left, the clone made before it removed with its seed;
 *   a clone deleted with its storage: its disk and its own seed go, the guest's seed stays. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-cloud-init.h"
#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-clone.h"
#include "corral-guest-creator.h"
#include "corral-guest.h"

#define TIMEOUT_S 240

#include "corral-test-util.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)
#define POOL "clone-cloud-pool"
#define POOL_DIR "/var/lib/libvirt/images/clone-cloud-pool"

typedef struct
{
  CorralConnection *connection;
  virConnectPtr     conn;
  char             *dir;
  char             *image;
} Fixture;

static Fixture fx;

static void
run_argv (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The pool's volumes' names (refreshed), sorted and joined with spaces. */
static char *
pool_volumes (void)
{
  return corral_test_pool_volumes (fx.conn, POOL);
}

/* The volume's bytes, downloaded through libvirt. */
static GBytes *
download (const char *name)
{
  return corral_test_volume_download (fx.conn, POOL, name);
}

/* @bytes written over the start of the volume, through libvirt. */
static void
upload (const char *name,
        GBytes     *bytes)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (fx.conn, POOL);
  virStorageVolPtr vol = virStorageVolLookupByName (pool, name);
  virStreamPtr stream = virStreamNew (fx.conn, 0);
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  g_assert_nonnull (vol);
  g_assert_cmpint (virStorageVolUpload (vol, stream, 0, size, 0), ==, 0);
  for (gsize sent = 0; sent < size;)
    {
      int n = virStreamSend (stream, data + sent, size - sent);

      g_assert_cmpint (n, >, 0);
      sent += n;
    }
  g_assert_cmpint (virStreamFinish (stream), ==, 0);
  virStreamFree (stream);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
}

static void
read_seed (const char  *volume,
           char       **meta_data,
           char       **user_data)
{
  g_autoptr(GBytes) iso = download (volume);
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_cloud_read_seed (iso, meta_data, user_data, &error));
  g_assert_no_error (error);
}

static char *
xml_of (const char *name)
{
  virDomainPtr vdom = virDomainLookupByName (fx.conn, name);
  char *xml, *copy;

  g_assert_nonnull (vdom);
  xml = virDomainGetXMLDesc (vdom, VIR_DOMAIN_XML_INACTIVE);
  copy = g_strdup (xml);
  free (xml);
  virDomainFree (vdom);
  return copy;
}

static gboolean
domain_exists (const char *name)
{
  virDomainPtr vdom = virDomainLookupByName (fx.conn, name);

  virResetLastError ();
  if (vdom == NULL)
    return FALSE;
  virDomainFree (vdom);
  return TRUE;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” not in:\n%s", needle, haystack);
}

/* The line of @text that starts with @key. */
static char *
line_of (const char *text,
         const char *key)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], key))
      return g_strdup (lines[i]);
  g_error ("no “%s” line in:\n%s", key, text);
  return NULL;
}

static gboolean
clone (const char         *name,
       const char * const *names,
       GError            **error)
{
  CorralGuest *guest;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  WAIT_FOR ((guest = corral_test_find_guest (fx.connection, name)) != NULL);
  corral_guest_clone_async (guest, names, CORRAL_CLONE_FULL, NULL, NULL, NULL, NULL, corral_test_keep_result,
                            &result);
  WAIT_FOR (result != NULL);
  ok = corral_guest_clone_finish (guest, result, error);
  corral_test_drain (50);
  return ok;
}

static void
test_two_clones (void)
{
  const char *names[] = { "cla", "clb", NULL };
  g_autoptr(GBytes) seed_before = download ("cl1-cidata.iso");
  g_autoptr(GBytes) seed_after = NULL;
  g_autofree char *xml_before = xml_of ("cl1");
  g_autofree char *xml_after = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *user = NULL;
  g_autofree char *volumes = NULL;
  g_autofree char *instance_id = NULL;
  g_autofree char *id_a = NULL;
  g_autofree char *id_b = NULL;
  char **ids[2] = { &id_a, &id_b };
  g_autoptr(GError) error = NULL;
  const char *user_rest;

  read_seed ("cl1-cidata.iso", &meta, &user);
  instance_id = line_of (meta, "instance-id: ");
  user_rest = strstr (user, "\npreserve_hostname:");
  g_assert_nonnull (user_rest);
  assert_contains (user, "\nhostname: \"cl1\"\n");

  g_assert_true (clone ("cl1", names, &error));
  g_assert_no_error (error);

  volumes = pool_volumes ();
  g_assert_cmpstr (volumes, ==, "cl1-cidata.iso cl1.qcow2 cl2-cidata.iso cl2.qcow2 cla-cidata.iso "
                                "cla-vda.qcow2 clb-cidata.iso clb-vda.qcow2 tiny-cloud.qcow2");
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *seed = g_strdup_printf ("%s-cidata.iso", names[i]);
      g_autofree char *clone_meta = NULL;
      g_autofree char *clone_user = NULL;
      g_autofree char *expected_meta_host = g_strdup_printf ("local-hostname: \"%s\"", names[i]);
      g_autofree char *expected_host = g_strdup_printf ("#cloud-config\nhostname: \"%s\"", names[i]);
      g_autofree char *host = NULL;
      g_autofree char *xml = xml_of (names[i]);
      g_autofree char *source = g_strdup_printf ("<source file='" POOL_DIR "/%s'/>", seed);
      virDomainPtr vdom = virDomainLookupByName (fx.conn, names[i]);
      char *metadata;

      read_seed (seed, &clone_meta, &clone_user);
      g_test_message ("%s's meta-data:\n%s", names[i], clone_meta);
      /* meta-data: an instance-id of its own, its own name */
      *ids[i] = line_of (clone_meta, "instance-id: ");
      g_assert_true (g_str_has_prefix (*ids[i], "instance-id: \"iid-"));
      g_assert_cmpstr (*ids[i], !=, instance_id);
      host = line_of (clone_meta, "local-hostname: ");
      g_assert_cmpstr (host, ==, expected_meta_host);
      /* user-data: its name as hostname, the rest the guest's byte for byte */
      g_assert_true (g_str_has_prefix (clone_user, expected_host));
      g_assert_cmpstr (clone_user + strlen (expected_host), ==, user_rest);
      /* its CD-ROM is that seed, read-only; the guest's seed is in no clone */
      assert_contains (xml, source);
      assert_contains (xml, "<readonly/>");
      g_assert_null (strstr (xml, "cl1-cidata.iso"));
      /* the cloud user kept, the group not */
      g_assert_nonnull (vdom);
      metadata = virDomainGetMetadata (vdom, VIR_DOMAIN_METADATA_ELEMENT,
                                       "https://corralvm.org/xmlns/corral/1.0", VIR_DOMAIN_AFFECT_CONFIG);
      g_assert_nonnull (metadata);
      g_test_message ("%s's metadata: %s", names[i], metadata);
      assert_contains (metadata, "<cloud user=\"tester\"/>");
      g_assert_null (strstr (metadata, "group"));
      free (metadata);
      virDomainFree (vdom);
    }
  g_assert_cmpstr (id_a, !=, id_b);

  /* the guest unchanged, its seed too */
  seed_after = download ("cl1-cidata.iso");
  g_assert_true (g_bytes_equal (seed_after, seed_before));
  xml_after = xml_of ("cl1");
  g_assert_cmpstr (xml_after, ==, xml_before);
}

/* Refused before anything is made: a clone's name that is no host name, a seed volume of its name there. */
static void
test_refusals (void)
{
  g_autofree char *before = pool_volumes ();
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  virStoragePoolPtr pool;
  virStorageVolPtr vol;

  g_assert_false (clone ("cl1", (const char *[]) { "cl_x", NULL }, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_HOST_NAME);
  g_assert_cmpstr (error->message, ==, "“cl_x” cannot be a host name: it contains “_”. Use only letters, "
                                       "digits and “-”");
  g_clear_error (&error);

  pool = virStoragePoolLookupByName (fx.conn, POOL);
  vol = virStorageVolCreateXML (pool, "<volume><name>cle-cidata.iso</name><capacity>1024</capacity>"
                                      "<target><format type='raw'/></target></volume>", 0);
  g_assert_nonnull (vol);
  g_assert_false (clone ("cl1", (const char *[]) { "cle", NULL }, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "The storage pool “" POOL "” has a volume called “cle-cidata.iso” "
                                       "already: choose another name");
  g_assert_cmpint (virStorageVolDelete (vol, 0), ==, 0);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
  g_clear_error (&error);

  /* a guest whose seed's user-data is not as Corral writes it (here: no hostname line) */
  {
    g_autoptr(GBytes) saved = download ("cl2-cidata.iso");
    g_autoptr(GBytes) odd = corral_cloud_build_seed ("instance-id: \"x\"\n", "#cloud-config\nusers: []\n",
                                                     &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (odd), <=, g_bytes_get_size (saved));
    upload ("cl2-cidata.iso", odd);
    g_assert_false (clone ("cl2", (const char *[]) { "clf", NULL }, &error));
    g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED);
    g_assert_cmpstr (error->message, ==, "The cloud-init seed of “cl2”: The cloud-init user-data is not as "
                                         "Corral writes it (“#cloud-config”, then one “hostname:” line, then "
                                         "“preserve_hostname: false”): Corral cannot give the clone a host "
                                         "name of its own");
    upload ("cl2-cidata.iso", saved);
  }
  g_assert_false (domain_exists ("cl_x"));
  g_assert_false (domain_exists ("cle"));
  g_assert_false (domain_exists ("clf"));
  after = pool_volumes ();
  g_assert_cmpstr (after, ==, before);
}

/* The second clone's seed cannot be made: the run removes all it made, the first clone with its seed. */
static void
test_failure_midway (void)
{
  const char *names[] = { "clc", "cld", NULL };
  g_autofree char *before = pool_volumes ();
  g_autofree char *after = NULL;
  g_autofree char *stray = NULL;
  g_autoptr(GError) error = NULL;

  /* a file where cld's seed would go, that libvirt has not listed (the pool not refreshed) */
  if (!g_file_set_contents (POOL_DIR "/cld-cidata.iso", "in the way", -1, &error))
    {
      g_test_skip (error->message);
      return;
    }
  g_assert_false (clone ("cl1", names, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED);
  g_test_message ("%s", error->message);
  assert_contains (error->message, "Could not make the cloud-init seed “cld-cidata.iso” in the storage pool "
                                   "“" POOL "”: ");
  g_assert_false (domain_exists ("clc"));
  g_assert_false (domain_exists ("cld"));
  g_assert_true (g_file_get_contents (POOL_DIR "/cld-cidata.iso", &stray, NULL, NULL));
  g_assert_cmpstr (stray, ==, "in the way");
  g_assert_cmpint (g_unlink (POOL_DIR "/cld-cidata.iso"), ==, 0);
  after = pool_volumes ();
  g_assert_cmpstr (after, ==, before);
}

/* A clone deleted with its storage takes its own seed, never the guest's. */
static void
test_delete_clone (void)
{
  CorralGuest *guest;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *volumes = NULL;

  WAIT_FOR ((guest = corral_test_find_guest (fx.connection, "cla")) != NULL);
  corral_guest_delete_async (guest, TRUE, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (corral_guest_delete_finish (guest, result, &error));
  g_assert_no_error (error);
  volumes = pool_volumes ();
  g_assert_cmpstr (volumes, ==, "cl1-cidata.iso cl1.qcow2 cl2-cidata.iso cl2.qcow2 clb-cidata.iso "
                                "clb-vda.qcow2 tiny-cloud.qcow2");
}

static void
make_guests (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  g_autoptr(CorralGuestCreator) creator = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uuids = NULL;

  spec->name = g_strdup ("cl");
  spec->count = 2;
  spec->source = CORRAL_INSTALL_SOURCE_CLOUD_IMAGE;
  spec->image_path = g_strdup (fx.image);
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
  creator = corral_guest_creator_new (fx.connection, spec);
  corral_guest_creator_set_virt_type (creator, "qemu");
  corral_guest_creator_run_async (creator, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  uuids = corral_guest_creator_run_finish (creator, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (uuids), ==, 2);
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
  if (skip != NULL || g_find_program_in_path ("qemu-img") == NULL)
    {
      g_test_add_data_func ("/clone/cloud-real", skip != NULL ? skip : "needs qemu-img",
                            (GTestDataFunc) g_test_skip);
      return g_test_run ();
    }

  fx.dir = g_dir_make_tmp ("corral-clone-cloud-XXXXXX", &error);
  g_assert_no_error (error);
  fx.image = g_build_filename (fx.dir, "tiny-cloud.qcow2", NULL);
  {
    const char *make[] = { "qemu-img", "create", "-q", "-f", "qcow2", fx.image, "64M", NULL };

    run_argv (make);
  }
  fx.connection = corral_test_open_connection (g_getenv ("CORRAL_TEST_LIBVIRT_URI"));
  fx.conn = _corral_connection_ref_handle (fx.connection);
  pool = virStoragePoolDefineXML (fx.conn, "<pool type='dir'><name>" POOL "</name><target><path>"
                                           POOL_DIR "</path></target></pool>", 0);
  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolBuild (pool, 0), ==, 0);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);
  virStoragePoolFree (pool);
  make_guests ();

  /* in this order: each builds on what the one before left */
  g_test_add_func ("/clone/cloud-real/two-clones", test_two_clones);
  g_test_add_func ("/clone/cloud-real/refusals", test_refusals);
  g_test_add_func ("/clone/cloud-real/failure-midway", test_failure_midway);
  g_test_add_func ("/clone/cloud-real/delete-clone", test_delete_clone);
  ret = g_test_run ();

  virConnectClose (fx.conn);
  g_clear_object (&fx.connection);
  {
    const char *rm[] = { "rm", "-rf", fx.dir, NULL };

    run_argv (rm);
  }
  g_free (fx.image);
  g_free (fx.dir);
  return ret;
}
