/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The wizard's core against a real libvirtd + QEMU (TCG), run by tests/system/harness/with-libvirtd
 * in
 * private namespaces: a tiny isolinux ISO labelled like Debian 11's netinst is detected by
 * libosinfo,
 * the creator makes a qcow2 volume in a directory pool, defines and starts the guest, and the
 * guest's
 * screen (virsh screenshot) shows the ISO's boot menu: isolinux's menu box in VGA blue. */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-connection-private.h"
#include "corral-guest-creator.h"
#include "corral-osinfo.h"

#define TIMEOUT_S 60

#include "corral-test-util.h"
#define POOL_DIR "/var/lib/libvirt/images/corral-wizard-pool"
#define ISO_PATH "/var/lib/libvirt/images/debian-11.5.0-amd64-netinst.iso"
#define MiB (G_GUINT64_CONSTANT (1024) * 1024)



static void
spawn (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
async_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}


/* How many pixels of `virsh screenshot` (PNG or PPM, as QEMU gives it) are isolinux's menu blue
 * (VGA 0x0000aa). */
static guint
count_menu_blue (const char *uri,
                 const char *name,
                 const char *path)
{
  const char *argv[] = { "virsh", "-q", "-c", uri, "screenshot", name, path, NULL };
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  const guchar *pixels;
  int width, height, stride, channels;
  guint blue = 0;

  spawn (argv);
  pixbuf = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guchar *p = pixels + y * stride + x * channels;

        if (p[0] < 0x20 && p[1] < 0x20 && p[2] > 0x90 && p[2] < 0xc0)
          blue++;
      }
  g_test_message ("%s: %dx%d, %u menu-blue pixels", path, width, height, blue);
  return blue;
}

static void
test_real_create (void)
{
  const char *uri = g_getenv ("CORRAL_TEST_LIBVIRT_URI");
  const char *skip = g_getenv ("CORRAL_TEST_SKIP_REASON");
  g_autofree char *script = NULL;
  g_autoptr(CorralConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsinfoOs) os = NULL;
  g_autoptr(CorralGuestSpec) spec = NULL;
  g_autoptr(CorralGuestCreator) creator = NULL;
  g_autofree char *ppm = NULL;
  g_autofree char *xml = NULL;
  g_auto(GStrv) uuids = NULL;
  virConnectPtr conn;
  virStoragePoolPtr pool;
  virDomainPtr dom;
  CorralGuest *guest;
  gint64 start;
  guint blue = 0;

  if (uri == NULL)
    {
      g_test_skip (skip != NULL ? skip
                   : "no private libvirtd (run through tests/system/harness/with-libvirtd)");
      return;
    }

  /* the ISO, where libvirt's QEMU user can read it */
  script = g_build_filename (g_getenv ("CORRAL_SOURCE_DIR"), "tests", "wizard", "make-test-iso",
                             NULL);
  {
    const char *argv[] = { script, ISO_PATH, NULL };

    spawn (argv);
  }

  /* libosinfo names it */
  corral_osinfo_detect_media_async (ISO_PATH, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  os = corral_osinfo_detect_media_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (osinfo_entity_get_id (OSINFO_ENTITY (os)), ==, "http://debian.org/debian/11");
  g_clear_object (&result);

  connection = corral_connection_new (uri);
  corral_connection_open_async (connection, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (corral_connection_open_finish (connection, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* a directory pool, as a user's "default" would be */
  conn = _corral_connection_ref_handle (connection);
  g_assert_cmpint (g_mkdir_with_parents (POOL_DIR, 0755), ==, 0);
  pool = virStoragePoolDefineXML (conn, "<pool type='dir'><name>wizard</name>"
                                        "<target><path>" POOL_DIR "</path></target></pool>", 0);
  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);

  spec = corral_guest_spec_new ();
  spec->name = g_strdup ("wizard-guest");
  spec->os_id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (os)));
  spec->iso_path = g_strdup (ISO_PATH);
  spec->memory = 256 * MiB;
  spec->vcpus = 1;
  g_free (spec->disk_location);
  spec->disk_location = g_strdup ("wizard");
  spec->disk_size = 64 * MiB;
  spec->network_kind = CORRAL_NETWORK_LIBVIRT;
  spec->start = TRUE;

  start = g_get_monotonic_time ();
  creator = corral_guest_creator_new (connection, spec);
  /* KVM on these test machines hangs guests: emulate, as the harness's own guest does */
  corral_guest_creator_set_virt_type (creator, "qemu");
  corral_guest_creator_run_async (creator, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  uuids = corral_guest_creator_run_finish (creator, result, &error);
  g_assert_no_error (error);
  g_test_message ("created, defined and started in %.2f s",
                  (g_get_monotonic_time () - start) / 1e6);

  WAIT_FOR (corral_test_find_guest (connection, "wizard-guest") != NULL);
  guest = corral_test_find_guest (connection, "wizard-guest");
  g_assert_cmpstr (corral_guest_get_uuid (guest), ==, uuids[0]);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);

  /* the qcow2 volume in the pool, attached as the guest's virtio disk */
  g_assert_true (g_file_test (POOL_DIR "/wizard-guest.qcow2", G_FILE_TEST_IS_REGULAR));
  dom = virDomainLookupByName (conn, "wizard-guest");
  xml = virDomainGetXMLDesc (dom, 0);
  g_assert_nonnull (strstr (xml, "<source file='" POOL_DIR "/wizard-guest.qcow2'"));
  g_assert_nonnull (strstr (xml, "<libosinfo:os id=\"http://debian.org/debian/11\"/>"));
  g_test_message ("domain type: %s", strstr (xml, "<domain type='kvm'") != NULL ? "kvm" : "qemu");

  /* its screen: the ISO's boot menu (SeaBIOS draws no blue; isolinux's menu box is blue) */
  ppm = g_build_filename (g_getenv ("CORRAL_BUILD_DIR") ?: ".", "tests", "screenshots", NULL);
  g_mkdir_with_parents (ppm, 0755);
  g_free (ppm);
  ppm = g_build_filename (g_getenv ("CORRAL_BUILD_DIR") ?: ".", "tests", "screenshots",
                          "wizard-real-guest.png",
                          NULL);
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < 30 * G_USEC_PER_SEC)
    {
      blue = count_menu_blue (uri, "wizard-guest", ppm);
      if (blue > 10000)
        break;
      g_usleep (500 * 1000);
    }
  g_test_message ("boot menu seen %.1f s after start", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (blue, >, 10000);

  virDomainDestroy (dom);
  virDomainUndefine (dom);
  virDomainFree (dom);
  virStoragePoolFree (pool);
  virConnectClose (conn);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wizard/real/create-start-boot-menu", test_real_create);

  return g_test_run ();
}
