/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Clones against a real libvirtd and the harness's TCG guest (tests/system/harness --guest: the busybox
 * guest e2e-guest, a root shell on its serial line, DHCP on the run's NAT network). The guest gets a qcow2
 * disk (vda) in a dir pool, with a marker written to it through its shell; then:
 *   two full clones: both boot, their shells answer, their disks have the marker, their MAC addresses and
 *   leased addresses differ from each other and from the guest's; a marker written in one clone is not in
 *   the guest, whose definition is unchanged;
 *   a linked clone: the guest moves onto an overlay of its old disk, both boot with the marker; the base
 *   is not deleted while the clone uses it;
 *   a full clone of the guest now on an overlay: a disk of its own with no backing file, with the marker.
 * Timings printed with g_test_message. */
#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-clone.h"
#include "corral-guest-config.h"
#include "real-guest-util.h"

#define TIMEOUT_S 240

#include "corral-test-util.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)


/* The address the guest reported it leased ("CORRAL-GUEST-IP=10.231.0.123 port …"). */
static char *
leased_address (Console *console)
{
  const char *p;

  WAIT_FOR ((p = strstr (console->text->str, "CORRAL-GUEST-IP=")) != NULL && strchr (p, ' ') != NULL);
  p += strlen ("CORRAL-GUEST-IP=");
  return g_strndup (p, strchr (p, ' ') - p);
}

static Console *
boot (virConnectPtr  conn,
      const char    *name)
{
  virDomainPtr vdom = virDomainLookupByName (conn, name);
  Console *console;

  g_assert_nonnull (vdom);
  g_assert_cmpint (virDomainCreate (vdom), ==, 0);
  virDomainFree (vdom);
  console = console_open (conn, name);
  return console;
}

static void
wait_shell (Console    *console,
            const char *name,
            gint64      t0)
{
  WAIT_FOR (console_has (console, "CORRAL-GUEST-CD="));
  g_usleep (G_USEC_PER_SEC);
  g_test_message ("%s: boot to the shell %.1f s", name, seconds_since (t0));
}

static void
destroy (virConnectPtr  conn,
         const char    *name)
{
  virDomainPtr vdom = virDomainLookupByName (conn, name);

  g_assert_nonnull (vdom);
  g_assert_cmpint (virDomainDestroy (vdom), ==, 0);
  virDomainFree (vdom);
}

static char *
xml_of (virConnectPtr  conn,
        const char    *name)
{
  virDomainPtr vdom = virDomainLookupByName (conn, name);
  char *xml, *copy;

  g_assert_nonnull (vdom);
  xml = virDomainGetXMLDesc (vdom, VIR_DOMAIN_XML_INACTIVE);
  copy = g_strdup (xml);
  free (xml);
  virDomainFree (vdom);
  return copy;
}

/* The value of attribute @attr of the first <@element …> in @xml after @after (a crude look, enough here). */
static char *
attr_after (const char *xml,
            const char *after,
            const char *attr)
{
  const char *p = strstr (xml, after);
  g_autofree char *key = g_strdup_printf ("%s='", attr);
  const char *end;

  g_assert_nonnull (p);
  p = strstr (p, key);
  g_assert_nonnull (p);
  p += strlen (key);
  end = strchr (p, '\'');
  return g_strndup (p, end - p);
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  GString *seen = user_data;

  g_assert_cmpfloat (fraction, >=, 0.0);
  g_assert_cmpfloat (fraction, <=, 1.0);
  g_string_append_printf (seen, " %.2f", fraction);
}

static void
clone_ok (CorralGuest        *guest,
          const char * const *names,
          CorralCloneMode     mode)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);
  gint64 t0 = g_get_monotonic_time ();

  corral_guest_clone_async (guest, names, mode, NULL, progress_cb, seen, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (corral_guest_clone_finish (guest, result, &error));
  g_assert_no_error (error);
  corral_test_drain (50);
  /* what the progress said (polled every 250 ms while libvirt copies: how many depends on the speed) */
  g_test_message ("%s clone ×%u: %.1f s; progress:%s", mode == CORRAL_CLONE_FULL ? "full" : "linked",
                  g_strv_length ((char **) names), seconds_since (t0), seen->str);
  g_assert_true (g_str_has_suffix (seen->str, " 1.00"));
}

static void
test_clone_real (void)
{
  const char *skip = g_getenv ("CORRAL_TEST_SKIP_REASON");
  const char *name = g_getenv ("CORRAL_TEST_GUEST");
  const char *full[] = { "clone-a", "clone-b", NULL };
  const char *linked[] = { "clone-l", NULL };
  const char *flat[] = { "clone-f", NULL };
  g_autoptr(CorralConnection) connection = NULL;
  g_autoptr(CorralGuestEdit) edit = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Console) console = NULL;
  g_autoptr(Console) console_a = NULL;
  g_autoptr(Console) console_b = NULL;
  g_autofree char *out = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *base = NULL;
  g_autofree char *overlay = NULL;
  g_autofree char *mac = NULL, *mac_a = NULL, *mac_b = NULL;
  g_autofree char *ip_a = NULL, *ip_b = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *direct_xml = NULL;
  CorralGuest *guest;
  CorralGuest *direct;
  virConnectPtr conn;
  virStoragePoolPtr pool;
  virDomainPtr vdom;
  virStorageVolPtr vol;
  gint64 t0;

  if (skip != NULL)
    {
      g_test_skip (skip);
      return;
    }
  connection = corral_test_open_connection (g_getenv ("CORRAL_TEST_LIBVIRT_URI"));
  conn = _corral_connection_ref_handle (connection);
  pool = virStoragePoolDefineXML (conn, "<pool type='dir'><name>clone-pool</name><target>"
                                        "<path>/var/lib/libvirt/images/clone-pool</path></target></pool>", 0);
  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolBuild (pool, 0), ==, 0);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);
  virStoragePoolFree (pool);
  WAIT_FOR ((guest = corral_test_find_guest (connection, name)) != NULL);

  edit = corral_guest_edit_new ();
  corral_guest_edit_add_disk (edit, CORRAL_NEW_DISK_POOL_VOLUME, "clone-pool", 160 * MiB);
  corral_guest_apply_edit_async (guest, edit, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (corral_guest_apply_edit_finish (guest, result, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* the guest writes M1 to its disk, then shuts off */
  t0 = g_get_monotonic_time ();
  console = boot (conn, name);
  wait_shell (console, name, t0);
  /* 128 MiB of data after the marker, so that a copy takes long enough for its progress to show */
  out = console_shell (console, "dd if=/dev/urandom of=/dev/vda bs=1M seek=1 count=128 conv=fsync 2>/dev/null; "
                        "printf M1 | dd of=/dev/vda conv=fsync 2>/dev/null; sync");
  g_assert_cmpstr (out, ==, "M1");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&console, console_free);
  destroy (conn, name);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);
  before = xml_of (conn, name);
  mac = attr_after (before, "<interface", "address");

  /* two full copies */
  clone_ok (guest, full, CORRAL_CLONE_FULL);
  after = xml_of (conn, name);
  g_assert_cmpstr (after, ==, before);
  t0 = g_get_monotonic_time ();
  console_a = boot (conn, "clone-a");
  console_b = boot (conn, "clone-b");
  wait_shell (console_a, "clone-a", t0);
  wait_shell (console_b, "clone-b", t0);
  out = console_shell (console_a, "printf M2 | dd of=/dev/vda conv=fsync 2>/dev/null; sync");
  g_assert_cmpstr (out, ==, "M2");
  g_clear_pointer (&out, g_free);
  out = console_shell (console_b, "true");
  g_assert_cmpstr (out, ==, "M1");
  g_clear_pointer (&out, g_free);
  xml = xml_of (conn, "clone-a");
  mac_a = attr_after (xml, "<interface", "address");
  g_clear_pointer (&xml, g_free);
  xml = xml_of (conn, "clone-b");
  mac_b = attr_after (xml, "<interface", "address");
  g_clear_pointer (&xml, g_free);
  g_test_message ("MAC addresses: %s %s %s", mac, mac_a, mac_b);
  g_assert_cmpstr (mac_a, !=, mac);
  g_assert_cmpstr (mac_b, !=, mac);
  g_assert_cmpstr (mac_a, !=, mac_b);
  ip_a = leased_address (console_a);
  ip_b = leased_address (console_b);
  g_test_message ("addresses: %s %s (the guest's own is reserved: %s)", ip_a, ip_b, g_getenv ("CORRAL_TEST_GUEST_IP"));
  g_assert_cmpstr (ip_a, !=, ip_b);
  g_assert_cmpstr (ip_a, !=, g_getenv ("CORRAL_TEST_GUEST_IP"));
  g_assert_cmpstr (ip_b, !=, g_getenv ("CORRAL_TEST_GUEST_IP"));
  g_clear_pointer (&console_a, console_free);
  g_clear_pointer (&console_b, console_free);
  destroy (conn, "clone-a");
  destroy (conn, "clone-b");

  /* the guest: still M1 (clone-a's M2 went to clone-a's own copy) */
  t0 = g_get_monotonic_time ();
  console = boot (conn, name);
  wait_shell (console, name, t0);
  out = console_shell (console, "true");
  g_assert_cmpstr (out, ==, "M1");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&console, console_free);
  destroy (conn, name);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);

  /* a linked clone: the guest's disk becomes the base, both boot on overlays of it */
  base = attr_after (before, "<disk type='file' device='disk'", "file");
  clone_ok (guest, linked, CORRAL_CLONE_LINKED);
  g_free (after);
  after = xml_of (conn, name);
  overlay = attr_after (after, "<disk type='file' device='disk'", "file");
  g_test_message ("base %s, the guest's overlay %s", base, overlay);
  g_assert_cmpstr (overlay, !=, base);
  vol = virStorageVolLookupByPath (conn, overlay);
  g_assert_nonnull (vol);
  xml = virStorageVolGetXMLDesc (vol, 0);
  g_assert_nonnull (strstr (xml, base));
  free (g_steal_pointer (&xml));
  virStorageVolFree (vol);
  t0 = g_get_monotonic_time ();
  console = boot (conn, name);
  console_a = boot (conn, "clone-l");
  wait_shell (console, name, t0);
  wait_shell (console_a, "clone-l", t0);
  out = console_shell (console_a, "printf M3 | dd of=/dev/vda conv=fsync 2>/dev/null; sync");
  g_assert_cmpstr (out, ==, "M3");
  g_clear_pointer (&out, g_free);
  out = console_shell (console, "true");
  g_assert_cmpstr (out, ==, "M1");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&console, console_free);
  g_clear_pointer (&console_a, console_free);
  destroy (conn, name);
  destroy (conn, "clone-l");

  /* the base is no guest's disk now; a guest that used it as its own disk could not be deleted with its
   * storage while clone-l is based on it */
  direct_xml = g_strdup_printf ("<domain type='qemu'><name>direct</name><memory unit='MiB'>64</memory>"
                                "<os><type arch='x86_64'>hvm</type></os><devices><disk type='file' "
                                "device='disk'><driver name='qemu' type='qcow2'/><source file='%s'/>"
                                "<target dev='vda' bus='virtio'/></disk></devices></domain>", base);
  vdom = virDomainDefineXML (conn, direct_xml);
  g_assert_nonnull (vdom);
  virDomainFree (vdom);
  WAIT_FOR ((direct = corral_test_find_guest (connection, "direct")) != NULL &&
            corral_guest_get_state (direct) == CORRAL_GUEST_STATE_SHUTOFF);
  corral_guest_delete_async (direct, TRUE, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_false (corral_guest_delete_finish (direct, result, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_BASE_IN_USE);
  g_test_message ("%s", error->message);
  {
    /* both clone-l and the guest itself are on overlays of it: either is named */
    g_autofree char *by_clone = g_strdup_printf ("is the base of “clone-l”’s disk");
    g_autofree char *by_guest = g_strdup_printf ("is the base of “%s”’s disk", name);

    g_assert_true (strstr (error->message, by_clone) != NULL || strstr (error->message, by_guest) != NULL);
  }
  g_clear_error (&error);
  g_clear_object (&result);
  vol = virStorageVolLookupByPath (conn, base);
  g_assert_nonnull (vol);
  virStorageVolFree (vol);

  /* a full copy of the guest on its overlay stands alone */
  clone_ok (guest, flat, CORRAL_CLONE_FULL);
  xml = xml_of (conn, "clone-f");
  g_free (overlay);
  overlay = attr_after (xml, "<disk type='file' device='disk'", "file");
  g_clear_pointer (&xml, g_free);
  vol = virStorageVolLookupByPath (conn, overlay);
  g_assert_nonnull (vol);
  xml = virStorageVolGetXMLDesc (vol, 0);
  g_test_message ("clone-f's disk %s: %s", overlay, strstr (xml, "<backingStore") ? "has a backing file" : "stands alone");
  g_assert_null (strstr (xml, "<backingStore"));
  free (g_steal_pointer (&xml));
  virStorageVolFree (vol);
  t0 = g_get_monotonic_time ();
  console = boot (conn, "clone-f");
  wait_shell (console, "clone-f", t0);
  out = console_shell (console, "true");
  g_assert_cmpstr (out, ==, "M1");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&console, console_free);
  destroy (conn, "clone-f");

  virConnectClose (conn);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/clone/real", test_clone_real);
  return g_test_run ();
}
