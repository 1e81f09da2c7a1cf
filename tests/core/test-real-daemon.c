/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Corral's core against a real libvirtd with a real QEMU guest (TCG), run by tests/system/harness/with-libvirtd
 * inside private network and mount namespaces: the core starts and stops the guest, and after libvirtd is
 * killed with SIGKILL and started again, it reconnects by itself and lists exactly the daemon's guests. */
#include "config.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "corral-connection-private.h"

#define TIMEOUT_S 90

#include "corral-test-util.h"

static const char *skip_reason;



static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
harness (const char *tool,
         const char *arg)
{
  g_autofree char *path = g_build_filename (g_getenv ("CORRAL_HARNESS"), tool, NULL);
  const char *argv[] = { path, arg, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The daemon's own view: guest names from `virsh list --all --name`. */
static char *
virsh_names (void)
{
  const char *argv[] = { "virsh", "-q", "-c", g_getenv ("CORRAL_TEST_LIBVIRT_URI"), "list", "--all", "--name", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      g_ptr_array_add (names, lines[i]);
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

static char *
corral_names (CorralConnection *connection)
{
  GListModel *guests = corral_connection_get_guests (connection);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (guests); i++)
    {
      g_autoptr(CorralGuest) guest = g_list_model_get_item (guests, i);
      g_ptr_array_add (names, g_strdup (corral_guest_get_name (guest)));
    }
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

/* Whether the daemon's capabilities offer KVM, read the way a person would: virsh capabilities. */
static gboolean
virsh_offers_kvm (void)
{
  const char *argv[] = { "virsh", "-q", "-c", g_getenv ("CORRAL_TEST_LIBVIRT_URI"), "capabilities", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return strstr (out, "<domain type='kvm'") != NULL;
}


static void
action_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_guest_run_action_finish (CORRAL_GUEST (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
run_action (CorralGuest       *guest,
            CorralGuestAction  action)
{
  gboolean done = FALSE;

  corral_guest_run_action_async (guest, action, NULL, action_cb, &done);
  WAIT_FOR (done);
}


static void
write_domain (const char *name,
              const char *uuid)
{
  g_autofree char *path = g_strdup_printf ("/etc/libvirt/qemu/%s.xml", name);
  g_autofree char *xml = g_strdup_printf (
    "<domain type='qemu'><name>%s</name><uuid>%s</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
    "<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>\n", name, uuid);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, xml, -1, &error);
  g_assert_no_error (error);
}

static void
define_domain (virConnectPtr  conn,
               const char    *name,
               const char    *uuid)
{
  g_autofree char *xml = g_strdup_printf (
    "<domain type='qemu'><name>%s</name><uuid>%s</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
    "<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>", name, uuid);
  virDomainPtr dom = virDomainDefineXML (conn, xml);

  g_assert_nonnull (dom);
  virDomainFree (dom);
}

static void
test_real_daemon (void)
{
  g_autoptr(CorralConnection) connection = NULL;
  const char *guest_name = g_getenv ("CORRAL_TEST_GUEST");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *ours = NULL;
  CorralGuest *guest;
  virConnectPtr conn;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }

  connection = corral_test_open_connection (g_getenv ("CORRAL_TEST_LIBVIRT_URI"));
  corral_connection_set_reconnect_delays (connection, 250, 2000);

  /* Host check: Corral's verdict matches the daemon's capabilities. */
  WAIT_FOR (corral_connection_get_acceleration (connection) != CORRAL_ACCELERATION_UNKNOWN);
  g_test_message ("acceleration: %s", virsh_offers_kvm () ? "kvm" : "emulation only");
  g_assert_cmpint (corral_connection_get_acceleration (connection), ==,
                   virsh_offers_kvm () ? CORRAL_ACCELERATION_KVM : CORRAL_ACCELERATION_EMULATION_ONLY);

  conn = _corral_connection_ref_handle (connection);
  define_domain (conn, "leaving", "0c0a11ed-0000-4000-8000-000000000001");
  virConnectClose (conn);
  WAIT_FOR (corral_test_find_guest (connection, "leaving") != NULL);

  /* Start and stop a real QEMU guest through the core. */
  guest = corral_test_find_guest (connection, guest_name);
  g_assert_nonnull (guest);
  g_assert_cmpint (corral_guest_get_state (guest), ==, CORRAL_GUEST_STATE_SHUTOFF);
  run_action (guest, CORRAL_GUEST_ACTION_START);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  run_action (guest, CORRAL_GUEST_ACTION_FORCE_OFF);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);
  run_action (guest, CORRAL_GUEST_ACTION_START);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);

  /* The daemon dies: the guests show as disconnected. */
  harness ("libvirtd-ctl", "kill9");
  WAIT_FOR (corral_connection_get_status (connection) == CORRAL_CONNECTION_STATUS_DISCONNECTED);
  g_assert_cmpint (corral_guest_get_state (guest), ==, CORRAL_GUEST_STATE_DISCONNECTED);

  /* While it is down, one guest's definition goes away and another one appears. */
  g_assert_cmpint (g_unlink ("/etc/libvirt/qemu/leaving.xml"), ==, 0);
  write_domain ("newcomer", "0c0a11ed-0000-4000-8000-000000000002");

  /* It comes back: Corral reconnects by itself and lists exactly what the daemon has. */
  harness ("libvirtd-ctl", "start");
  WAIT_FOR (corral_connection_get_status (connection) == CORRAL_CONNECTION_STATUS_CONNECTED);
  before = virsh_names ();
  WAIT_FOR (corral_test_find_guest (connection, "newcomer") != NULL);
  ours = corral_names (connection);
  g_assert_cmpstr (ours, ==, before);
  g_assert_null (corral_test_find_guest (connection, "leaving"));

  /* Same guest object, now running again (QEMU kept running while libvirtd was away). */
  g_assert_true (corral_test_find_guest (connection, guest_name) == guest);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  run_action (guest, CORRAL_GUEST_ACTION_FORCE_OFF);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);

  /* And it still follows events on the new connection. */
  conn = _corral_connection_ref_handle (connection);
  define_domain (conn, "late", "0c0a11ed-0000-4000-8000-000000000003");
  virConnectClose (conn);
  WAIT_FOR (corral_test_find_guest (connection, "late") != NULL);
  /* A guest defined a moment ago shows its real state, and can be started. */
  WAIT_FOR (corral_guest_get_state (corral_test_find_guest (connection, "late")) == CORRAL_GUEST_STATE_SHUTOFF);
  g_assert_true (corral_guest_is_action_allowed (corral_test_find_guest (connection, "late"), CORRAL_GUEST_ACTION_START));
  after = virsh_names ();
  g_free (ours);
  ours = corral_names (connection);
  g_assert_cmpstr (ours, ==, after);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gvir_init_object (NULL, NULL);

  skip_reason = g_getenv ("CORRAL_TEST_SKIP_REASON");
  if (skip_reason == NULL && g_getenv ("CORRAL_TEST_LIBVIRT_URI") == NULL)
    skip_reason = "Needs a real libvirtd: run through tests/system/harness/with-libvirtd --guest";

  g_test_add_func ("/core/real-daemon/start-stop-reconnect", test_real_daemon);

  return g_test_run ();
}
