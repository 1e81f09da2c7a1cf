/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Snapshots against a real libvirtd and the harness's TCG guest (tests/system/harness --guest: the busybox
 * guest e2e-guest, a root shell on its serial line). The guest gets a qcow2 disk (vda) in a dir pool; the
 * test types into its console_shell (virDomainOpenConsole) to write markers to /dev/vda:
 *   running: marker M1, snapshot with memory, marker M2, revert: the guest runs, its shell answers, vda has M1;
 *   shut off: marker M3, shut off, snapshot, start, marker M4, revert: the guest is shut off; started, vda
 *   has M3. Timings printed with g_test_message. */
#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-config.h"
#include "corral-guest-snapshot.h"
#include "real-guest-util.h"

#define TIMEOUT_S 240

#include "corral-test-util.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)


static Console *
boot (virConnectPtr  conn,
      virDomainPtr   vdom,
      const char    *name,
      gboolean       start)
{
  Console *console;
  gint64 t0 = g_get_monotonic_time ();

  if (start)
    g_assert_cmpint (virDomainCreate (vdom), ==, 0);
  console = console_open (conn, name);
  WAIT_FOR (console_has (console, "CORRAL-GUEST-CD="));
  g_usleep (G_USEC_PER_SEC);
  g_test_message ("boot to the shell: %.1f s", seconds_since (t0));
  return console;
}

static void
run_ok (CorralGuest *guest,
        int          what,
        const char  *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok;

  if (what == 0)
    corral_guest_take_snapshot_async (guest, name, "real test", NULL, async_cb, &result);
  else
    corral_guest_revert_snapshot_async (guest, name, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  ok = what == 0 ? corral_guest_take_snapshot_finish (guest, result, &error)
                 : corral_guest_revert_snapshot_finish (guest, result, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("%s “%s”: %.1f s", what == 0 ? "take" : "revert", name, seconds_since (t0));
}

static int
state_of (virDomainPtr vdom)
{
  int state = -1, reason;

  g_assert_cmpint (virDomainGetState (vdom, &state, &reason, 0), ==, 0);
  return state;
}

static void
test_snapshot_real (void)
{
  const char *skip = g_getenv ("CORRAL_TEST_SKIP_REASON");
  const char *name = g_getenv ("CORRAL_TEST_GUEST");
  g_autoptr(CorralConnection) connection = NULL;
  g_autoptr(CorralGuestEdit) edit = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Console) console = NULL;
  g_autofree char *out = NULL;
  CorralGuest *guest;
  virConnectPtr conn;
  virDomainPtr vdom;
  virStoragePoolPtr pool;

  if (skip != NULL)
    {
      g_test_skip (skip);
      return;
    }
  connection = corral_test_open_connection (g_getenv ("CORRAL_TEST_LIBVIRT_URI"));
  conn = _corral_connection_ref_handle (connection);
  pool = virStoragePoolDefineXML (conn, "<pool type='dir'><name>snap-pool</name><target>"
                                        "<path>/var/lib/libvirt/images/snap-pool</path></target></pool>", 0);
  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolBuild (pool, 0), ==, 0);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);
  virStoragePoolFree (pool);
  WAIT_FOR ((guest = corral_test_find_guest (connection, name)) != NULL);
  vdom = virDomainLookupByName (conn, name);

  edit = corral_guest_edit_new ();
  corral_guest_edit_add_disk (edit, CORRAL_NEW_DISK_POOL_VOLUME, "snap-pool", 16 * MiB);
  corral_guest_apply_edit_async (guest, edit, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (corral_guest_apply_edit_finish (guest, result, NULL, &error));
  g_assert_no_error (error);

  /* running, with memory */
  console = boot (conn, vdom, name, TRUE);
  out = console_shell (console, "printf M1 | dd of=/dev/vda conv=fsync 2>/dev/null; sync");
  g_assert_cmpstr (out, ==, "M1");
  g_clear_pointer (&out, g_free);
  run_ok (guest, 0, "warm");
  out = console_shell (console, "printf M2 | dd of=/dev/vda conv=fsync 2>/dev/null; sync");
  g_assert_cmpstr (out, ==, "M2");
  g_clear_pointer (&out, g_free);
  run_ok (guest, 1, "warm");
  g_assert_cmpint (state_of (vdom), ==, VIR_DOMAIN_RUNNING);
  g_clear_pointer (&console, console_free);
  console = console_open (conn, name);
  console_send (console, "\n");
  out = console_shell (console, "true");
  g_assert_cmpstr (out, ==, "M1");
  g_clear_pointer (&out, g_free);

  /* shut off */
  out = console_shell (console, "printf M3 | dd of=/dev/vda conv=fsync 2>/dev/null; sync");
  g_assert_cmpstr (out, ==, "M3");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&console, console_free);
  g_assert_cmpint (virDomainDestroy (vdom), ==, 0);
  run_ok (guest, 0, "cold");
  console = boot (conn, vdom, name, TRUE);
  out = console_shell (console, "printf M4 | dd of=/dev/vda conv=fsync 2>/dev/null; sync");
  g_assert_cmpstr (out, ==, "M4");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&console, console_free);
  run_ok (guest, 1, "cold");
  g_assert_cmpint (state_of (vdom), ==, VIR_DOMAIN_SHUTOFF);
  console = boot (conn, vdom, name, TRUE);
  out = console_shell (console, "true");
  g_assert_cmpstr (out, ==, "M3");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&console, console_free);
  virDomainDestroy (vdom);
  virDomainFree (vdom);
  virConnectClose (conn);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* libvirt-gobject 4.0's domain_event_cb has no case for the events of a revert (g_warn_if_reached,
   * on libvirt's event thread): a warning in Corral, fatal under G_DEBUG=fatal-warnings. Here warnings
   * are not fatal (criticals still are); what the test checks is libvirt's state and the guest's disk. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_add_func ("/snapshot/real", test_snapshot_real);
  return g_test_run ();
}
