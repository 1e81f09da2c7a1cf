/* SPDX-License-Identifier: GPL-3.0-or-later */
/* End to end through the dialog's code path, with real everything (test-forwards-e2e.py runs it inside
 * tests/system/harness): a real libvirtd with Corral's hooks, its NAT network and a real QEMU guest that
 * serves a page on :1337 once booted, corral-helper on a private system bus with mock polkit. The
 * forward 8765 -> 1337 is added by typing into the dialog and clicking Add; a client namespace then
 * gets the guest's page from host:8765; the guest is stopped and started and it still works. */
#include "config.h"

#include <glib/gstdio.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-connection.h"
#include "corral-forwards-dialog.h"
#include "corral-guest-detail.h"
#include "corral-guest-row.h"
#include "forwards-test-util.h"

static CorralConnection *connection;
static CorralGuest *guest;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

#define RUN_ASYNC(call, result) G_STMT_START { \
    result = NULL;                             \
    call;                                      \
    WAIT_FOR (result != NULL);                 \
  } G_STMT_END

static char *
harness_tool (const char *tool)
{
  return g_build_filename (g_getenv ("CORRAL_HARNESS"), tool, NULL);
}

/* The guest's page as a computer in the client namespace gets it from the host's port 8765. */
static gboolean
client_gets_page (void)
{
  g_autofree char *client_ns = harness_tool ("client-ns");
  const char *argv[] = { client_ns, "exec", "curl", "-s", "--max-time", "3", "http://10.232.0.1:8765/", NULL };
  g_autofree char *out = NULL;
  int status = -1;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
                     NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL) && strstr (out, g_getenv ("CORRAL_TEST_GUEST_MARKER")) != NULL;
}

static void
wait_guest_serving (void)
{
  g_autofree char *tool = harness_tool ("guest-wait-http");
  const char *argv[] = { tool, "120", NULL };
  g_autoptr(GError) error = NULL;
  int status = -1;
  gint64 start = g_get_monotonic_time ();

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                               &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  g_test_message ("guest serving after %.1f s", (g_get_monotonic_time () - start) / 1e6);
}

static void
guest_action (CorralGuestAction action,
              CorralGuestState  state)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  RUN_ASYNC (corral_guest_run_action_async (guest, action, NULL, done_cb, &result), result);
  corral_guest_run_action_finish (guest, result, &error);
  g_assert_no_error (error);
  WAIT_FOR (corral_guest_get_state (guest) == state);
}

/* The guest list's row and the guest's page say what forwards it has; the page's row opens the dialog. */
static void
test_list_and_page (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *row = corral_guest_row_new ();
  GtkWidget *detail = g_object_new (CORRAL_TYPE_GUEST_DETAIL, NULL);
  CorralForwardsDialog *opened = NULL;
  GList *toplevels;

  gtk_widget_set_vexpand (detail, TRUE);
  gtk_box_append (GTK_BOX (box), row);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 900);
  corral_guest_row_set_guest (CORRAL_GUEST_ROW (row), guest);
  corral_guest_detail_set_guest (CORRAL_GUEST_DETAIL (detail), guest);
  gtk_window_present (GTK_WINDOW (window));

  WAIT_FOR (SEES_PART (row, " · 8765→1337"));
  WAIT_FOR (SEES (detail, "8765→1337"));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (find_row (detail, "Port Forwards"))));
  corral_test_screenshot (window, "forwards-e2e-list-and-page.png");

  g_assert_true (gtk_widget_activate_action (detail, "guest.forwards", NULL));
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (CORRAL_IS_FORWARDS_DIALOG (l->data) &&
        gtk_window_get_transient_for (GTK_WINDOW (l->data)) == GTK_WINDOW (window))
      opened = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (opened);
  g_assert_true (corral_forwards_dialog_get_guest (opened) == guest);
  WAIT_FOR (!corral_forwards_dialog_is_busy (opened));
  gtk_window_destroy (GTK_WINDOW (opened));
  gtk_window_destroy (GTK_WINDOW (window));
  corral_test_drain (50);
}

static void
test_e2e (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *active = g_strdup_printf ("Active, to %s", g_getenv ("CORRAL_TEST_GUEST_IP"));
  g_autofree char *reserved = g_strdup_printf ("%s, reserved for this guest on its network",
                                               g_getenv ("CORRAL_TEST_GUEST_IP"));
  CorralForwardsDialog *dialog;
  gint64 start;

  /* A guest on a libvirt NAT network of the system connection: forwards apply. */
  RUN_ASYNC (corral_forwards_check_guest_async (guest, NULL, done_cb, &result), result);
  reason = corral_forwards_check_guest_finish (guest, result, &error);
  g_assert_no_error (error);
  g_assert_null (reason);

  /* Added while the guest is off: the address is pinned, the forward waits. */
  dialog = corral_forwards_dialog_new (guest, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)) && !corral_forwards_dialog_is_busy (dialog));
  corral_test_drain (100);
  g_assert_false (SEES (dialog, "Forwards are not applied when guests start"));
  g_assert_false (SEES (dialog, "Port forwards are not available"));
  type_into (dialog, "Guest Port", g_getenv ("CORRAL_TEST_GUEST_PORT"));
  type_into (dialog, "Host Port", "8765");
  click (dialog, "forwards.add");
  WAIT_FOR (SEES (dialog, "TCP 8765 → guest 1337"));
  WAIT_FOR (!corral_forwards_dialog_is_busy (dialog));
  g_assert_true (SEES (dialog, "Waiting for the guest to start"));
  g_assert_true (SEES (dialog, reserved));
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-e2e-waiting.png");
  test_list_and_page ();

  /* The guest starts: libvirt runs the hook, the dialog sees the forward active, a client gets the page. */
  start = g_get_monotonic_time ();
  guest_action (CORRAL_GUEST_ACTION_START, CORRAL_GUEST_STATE_RUNNING);
  WAIT_FOR (SEES (dialog, active));
  wait_guest_serving ();
  g_assert_true (client_gets_page ());
  g_test_message ("start to page through the forward: %.1f s", (g_get_monotonic_time () - start) / 1e6);
  click (dialog, "forwards.test");
  WAIT_FOR (!corral_forwards_dialog_is_busy (dialog));
  g_assert_true (SEES (dialog, "Port 8765 works: the guest answered on port 1337"));
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-e2e-active.png");

  /* Stopped: the forward waits again and nothing answers. */
  guest_action (CORRAL_GUEST_ACTION_FORCE_OFF, CORRAL_GUEST_STATE_SHUTOFF);
  WAIT_FOR (SEES (dialog, "Waiting for the guest to start"));
  g_assert_false (client_gets_page ());

  /* Started again: it works again. */
  guest_action (CORRAL_GUEST_ACTION_START, CORRAL_GUEST_STATE_RUNNING);
  WAIT_FOR (SEES (dialog, active));
  wait_guest_serving ();
  g_assert_true (client_gets_page ());

  guest_action (CORRAL_GUEST_ACTION_FORCE_OFF, CORRAL_GUEST_STATE_SHUTOFF);
  gtk_window_destroy (GTK_WINDOW (dialog));
  corral_test_drain (50);
}

static CorralGuest *
find_guest_by_name (const char *name)
{
  GListModel *guests = corral_connection_get_guests (connection);

  for (guint i = 0; i < g_list_model_get_n_items (guests); i++)
    {
      g_autoptr(CorralGuest) candidate = g_list_model_get_item (guests, i);

      if (g_strcmp0 (corral_guest_get_name (candidate), name) == 0)
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *reason = g_getenv ("CORRAL_TEST_SKIP_REASON");
  int status;

  g_test_init (&argc, &argv, NULL);

  if (reason != NULL || g_getenv ("CORRAL_TEST_LIBVIRT_URI") == NULL || g_getenv ("CORRAL_HARNESS") == NULL)
    {
      g_print ("1..0 # SKIP %s\n", reason != NULL ? reason : "needs test-forwards-e2e.py (tests/system/harness)");
      return 0;
    }
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display: run under xvfb-run (the README's test command does)\n");
      return 0;
    }
  adw_init ();
  gvir_init_object (NULL, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  connection = corral_connection_new (g_getenv ("CORRAL_TEST_LIBVIRT_URI"));
  RUN_ASYNC (corral_connection_open_async (connection, NULL, done_cb, &result), result);
  corral_connection_open_finish (connection, result, &error);
  g_assert_no_error (error);
  WAIT_FOR ((guest = find_guest_by_name (g_getenv ("CORRAL_TEST_GUEST"))) != NULL);

  g_test_add_func ("/forwards/e2e/dialog-real-guest", test_e2e);
  status = g_test_run ();

  g_clear_object (&guest);
  corral_connection_close (connection);
  g_clear_object (&connection);
  return status;
}
