/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The port forwards dialog under Xvfb, talking to the real corral-helper on a private system bus with
 * mock polkit, inside network and mount namespaces of its own (run-dialog.py sets them up): the helper's
 * libvirt is libvirt's test driver, its firewall is this namespace's, and a "guest" namespace at the
 * test guest's address serves HTTP on :1337. What is checked is what a user sees: rows, labels, toasts,
 * field errors. Screenshots go to the build tree's tests/screenshots. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-connection.h"
#include "corral-forwards-dialog.h"
#include "corral-guest-detail.h"
#include "forwards-test-util.h"

static CorralConnection *connection;

static CorralGuest *
test_guest (void)
{
  CorralGuest *guest = corral_connection_find_guest (connection, g_getenv ("CORRAL_TEST_GUEST_UUID"));

  g_assert_nonnull (guest);
  return guest;
}

static CorralForwardsDialog *
open_dialog (CorralHelperClient *client)
{
  CorralForwardsDialog *dialog = corral_forwards_dialog_new (test_guest (), client);

  gtk_window_present (GTK_WINDOW (dialog));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  WAIT_FOR (!corral_forwards_dialog_is_busy (dialog));
  corral_test_drain (100);
  return dialog;
}

static void
close_dialog (CorralForwardsDialog *dialog)
{
  /* Closed, the dialog goes away: nothing it started keeps it alive. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
  WAIT_FOR (dialog == NULL);
  corral_test_drain (50);
}

/* Direct calls to the helper and to mock polkit, as another program would make them. */
static GVariant *
bus_call (const char          *dest,
          const char          *path,
          const char          *iface,
          const char          *method,
          GVariant            *args,
          GError             **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, NULL);

  g_assert_nonnull (bus);
  return g_dbus_connection_call_sync (bus, dest, path, iface, method, args, NULL, G_DBUS_CALL_FLAGS_NONE, 30000,
                                      NULL, error);
}

static void
polkit_allow (gboolean allow)
{
  const char *actions[] = { "org.corralvm.forwards.manage", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = bus_call ("org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority",
                    "org.freedesktop.DBus.Mock", "SetAllowed",
                    g_variant_new ("(^as)", allow ? actions : actions + 1), &error);
  g_assert_no_error (error);
}

static guint
helper_count_forwards (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) list = NULL;

  reply = bus_call ("org.corralvm.Helper1", "/org/corralvm/Helper1", "org.corralvm.Helper1", "ListForwards",
                    g_variant_new ("(s)", ""), &error);
  g_assert_no_error (error);
  list = g_variant_get_child_value (reply, 0);
  return g_variant_n_children (list);
}

/* --- tests --- */

static void
test_helper_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(CorralHelperClient) client = NULL;
  CorralForwardsDialog *dialog;

  bus = g_dbus_connection_new_for_address_sync (g_getenv ("CORRAL_TEST_EMPTY_BUS"),
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  client = corral_helper_client_new (bus);
  dialog = open_dialog (client);

  g_assert_true (SEES (dialog, "Port forwards are not available"));
  g_assert_true (SEES_PART (dialog, "Corral’s helper is not installed"));
  g_assert_true (SEES_PART (dialog, "install the corral-helper package"));
  g_assert_false (SEES (dialog, "No forwards yet"));
  g_assert_false (can_click (dialog, "forwards.add"));
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-helper-missing.png");
  close_dialog (dialog);
}

static void
set_ip_forward (char value)
{
  FILE *f = fopen ("/proc/sys/net/ipv4/ip_forward", "w");

  g_assert_nonnull (f);
  g_assert_cmpint (fputc (value, f), ==, value);
  g_assert_cmpint (fclose (f), ==, 0);
}

static void
test_hook_states (void)
{
  const char *hooks = g_getenv ("CORRAL_TEST_HOOKS_DIR");
  g_autofree char *qemu_d = NULL;
  g_autofree char *network_d = NULL;
  g_autofree char *qemu_hook = NULL;
  g_autofree char *network_hook = NULL;
  g_autofree char *ppid = NULL;
  g_autoptr(GError) error = NULL;
  CorralForwardsDialog *dialog;

  if (hooks == NULL)
    {
      g_test_skip ("/etc/libvirt/hooks cannot be replaced in this namespace (no /etc/libvirt here)");
      return;
    }

  /* No hook installed. */
  dialog = open_dialog (NULL);
  g_assert_true (SEES (dialog, "Forwards are not applied when guests start"));
  g_assert_true (SEES_PART (dialog, "hook is missing"));
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-hook-missing.png");
  close_dialog (dialog);

  /* Installed after libvirtd (here: this test's parent, which started earlier) started. */
  qemu_d = g_build_filename (hooks, "qemu.d", NULL);
  network_d = g_build_filename (hooks, "network.d", NULL);
  g_assert_cmpint (g_mkdir_with_parents (qemu_d, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (network_d, 0755), ==, 0);
  qemu_hook = g_build_filename (qemu_d, "corral", NULL);
  network_hook = g_build_filename (network_d, "corral", NULL);
  g_usleep (2 * G_USEC_PER_SEC);  /* the hook's ctime must be later than the "daemon's" start, in seconds */
  g_file_set_contents (qemu_hook, "#!/bin/sh\nexit 0\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (network_hook, "#!/bin/sh\nexit 0\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (qemu_hook, 0755), ==, 0);
  g_assert_cmpint (g_chmod (network_hook, 0755), ==, 0);
  ppid = g_strdup_printf ("%d\n", (int) getppid ());
  g_file_set_contents ("/run/libvirtd.pid", ppid, -1, &error);
  g_assert_no_error (error);

  dialog = open_dialog (NULL);
  g_assert_true (SEES (dialog, "Forwards are not applied when guests start"));
  g_assert_true (SEES_PART (dialog, "libvirtd was not restarted since corral-helper was installed"));
  g_assert_true (SEES_PART (dialog, "systemctl restart libvirtd"));
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-hook-inactive.png");
  close_dialog (dialog);

  /* libvirtd restarted since: no warning. */
  {
    const char *argv[] = { "sleep", "60", NULL };
    g_autofree char *pid_text = NULL;
    GPid pid;

    g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &pid, &error));
    pid_text = g_strdup_printf ("%d\n", (int) pid);
    g_file_set_contents ("/run/libvirtd.pid", pid_text, -1, &error);
    g_assert_no_error (error);
    dialog = open_dialog (NULL);
    g_assert_false (SEES (dialog, "Forwards are not applied when guests start"));
    close_dialog (dialog);
    kill (pid, SIGTERM);
    g_spawn_close_pid (pid);
  }

  /* IPv4 forwarding off (in this test's own network namespace only). */
  if (g_strcmp0 (g_getenv ("CORRAL_HELPER_TEST_PRIVATE"), "1") == 0)
    {
      set_ip_forward ('0');
      dialog = open_dialog (NULL);
      g_assert_true (SEES (dialog, "Forwards work only from this computer"));
      g_assert_true (SEES_PART (dialog, "IPv4 forwarding is off on this computer"));
      corral_test_screenshot (GTK_WIDGET (dialog), "forwards-no-ip-forwarding.png");
      close_dialog (dialog);
      set_ip_forward ('1');
    }
}

static void
test_add_list_test (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  CorralForwardsDialog *dialog;
  guint16 busy_port;

  /* A port a program on the host listens on: the dialog learns it from the helper when it opens. */
  busy_port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);

  polkit_allow (TRUE);
  dialog = open_dialog (NULL);
  g_assert_true (SEES (dialog, "No forwards yet"));
  g_assert_true (SEES_PART (dialog, ", kept for it when the first forward is added") || SEES (dialog, "Not known yet"));
  g_assert_false (can_click (dialog, "forwards.add"));

  /* The host port follows the guest port until a user types one, skipping a port in use. */
  {
    g_autofree char *text = g_strdup_printf ("%u", busy_port);

    type_into (dialog, "Guest Port", text);
    g_assert_cmpstr (field_text (dialog, "Host Port"), !=, text);
    g_assert_cmpstr (field_text (dialog, "Host Port"), !=, "");
  }
  type_into (dialog, "Guest Port", "1337");
  g_assert_cmpstr (field_text (dialog, "Host Port"), ==, "1337");
  g_assert_true (can_click (dialog, "forwards.add"));

  /* Validated as typed. */
  type_into (dialog, "Guest Port", "70000");
  g_assert_true (SEES (dialog, "Guest port must be a number from 1 to 65535"));
  g_assert_false (can_click (dialog, "forwards.add"));
  type_into (dialog, "Guest Port", "1337");
  type_into (dialog, "Host Port", "80a");
  g_assert_true (SEES (dialog, "Host port must be a number from 1 to 65535"));
  g_assert_false (can_click (dialog, "forwards.add"));
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-invalid.png");

  /* A port a program on the host listens on. */
  {
    g_autofree char *text = g_strdup_printf ("%u", busy_port);
    g_autofree char *message = g_strdup_printf ("Host port %u/tcp is in use by a program on this computer",
                                                busy_port);

    type_into (dialog, "Host Port", text);
    g_assert_true (SEES_PART (dialog, message));
    g_assert_false (can_click (dialog, "forwards.add"));
  }

  type_into (dialog, "Host Port", "8765");
  g_assert_false (SEES_PART (dialog, "must be a number"));
  g_assert_true (can_click (dialog, "forwards.add"));
  click (dialog, "forwards.add");
  WAIT_FOR (SEES (dialog, "TCP 8765 → guest 1337"));
  WAIT_FOR (!corral_forwards_dialog_is_busy (dialog));
  g_assert_true (SEES (dialog, "Active, to 10.231.0.50"));
  g_assert_true (SEES (dialog, "10.231.0.50, reserved for this guest on its network"));
  g_assert_true (SEES (dialog, "Port 8765 now leads to port 1337 of web"));
  g_assert_false (SEES (dialog, "No forwards yet"));
  g_assert_cmpstr (field_text (dialog, "Guest Port"), ==, "");
  g_assert_cmpuint (helper_count_forwards (), ==, 1);

  /* Test: the host connects to its own port 8765 and the guest's web server answers. */
  click (dialog, "forwards.test");
  WAIT_FOR (!corral_forwards_dialog_is_busy (dialog));
  g_assert_true (SEES (dialog, "Port 8765 works: the guest answered on port 1337"));
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-added.png");

  /* Conflicts with a forward it knows, and a suggestion around it. */
  type_into (dialog, "Guest Port", "22");
  type_into (dialog, "Host Port", "8765");
  g_assert_true (SEES (dialog, "Host port 8765/tcp is already forwarded to port 1337 of this guest"));
  g_assert_false (can_click (dialog, "forwards.add"));
  type_into (dialog, "Host Port", "");
  type_into (dialog, "Guest Port", "8765");
  g_assert_cmpstr (field_text (dialog, "Host Port"), ==, "8766");
  type_into (dialog, "Guest Port", "");
  close_dialog (dialog);
}

static void
test_helper_conflict (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  CorralForwardsDialog *dialog;

  dialog = open_dialog (NULL);
  /* Another program takes host port 9000 while the dialog is open: only the helper knows. */
  reply = bus_call ("org.corralvm.Helper1", "/org/corralvm/Helper1", "org.corralvm.Helper1", "AddForward",
                    g_variant_new ("(sssqq)", g_getenv ("CORRAL_TEST_OFF_UUID"), "tcp", "", 9000, 80), &error);
  g_assert_no_error (error);

  type_into (dialog, "Guest Port", "80");
  type_into (dialog, "Host Port", "9000");
  click (dialog, "forwards.add");
  WAIT_FOR (!corral_forwards_dialog_is_busy (dialog));
  g_assert_true (SEES_PART (dialog, "Host port 9000/tcp is already forwarded to another guest"));
  g_assert_false (can_click (dialog, "forwards.add"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (find_row (GTK_WIDGET (dialog), "Host Port")), "error"));
  g_assert_false (SEES (dialog, "TCP 9000 → guest 80"));
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-conflict.png");
  close_dialog (dialog);

  g_clear_pointer (&reply, g_variant_unref);
  reply = bus_call ("org.corralvm.Helper1", "/org/corralvm/Helper1", "org.corralvm.Helper1", "RemoveForward",
                    g_variant_new ("(ssq)", "tcp", "", 9000), &error);
  g_assert_no_error (error);
}

static void
test_remove_undo (void)
{
  CorralForwardsDialog *dialog;

  dialog = open_dialog (NULL);
  g_assert_true (SEES (dialog, "TCP 8765 → guest 1337"));
  click (dialog, "forwards.remove");
  WAIT_FOR (SEES (dialog, "No forwards yet"));
  WAIT_FOR (!corral_forwards_dialog_is_busy (dialog));
  g_assert_true (SEES (dialog, "Forward 8765→1337 removed"));
  g_assert_cmpuint (helper_count_forwards (), ==, 0);
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-removed.png");

  click (dialog, "forwards.undo");
  WAIT_FOR (SEES (dialog, "TCP 8765 → guest 1337"));
  WAIT_FOR (!corral_forwards_dialog_is_busy (dialog));
  g_assert_cmpuint (helper_count_forwards (), ==, 1);
  close_dialog (dialog);
}

static void
test_refused (void)
{
  CorralForwardsDialog *dialog;

  polkit_allow (FALSE);
  dialog = open_dialog (NULL);
  type_into (dialog, "Guest Port", "2222");
  g_assert_cmpstr (field_text (dialog, "Host Port"), ==, "2222");
  press_enter (dialog, "Host Port");  /* Enter in a field adds, like the button */
  WAIT_FOR (!corral_forwards_dialog_is_busy (dialog));
  g_assert_true (SEES_PART (dialog, "Authorization was refused, so nothing was changed"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (find_row (GTK_WIDGET (dialog), "TCP 8765 → guest 1337"))));
  g_assert_false (SEES (dialog, "TCP 2222 → guest 2222"));
  g_assert_cmpuint (helper_count_forwards (), ==, 1);
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-refused.png");

  click (dialog, "forwards.remove");
  WAIT_FOR (!corral_forwards_dialog_is_busy (dialog));
  g_assert_true (SEES (dialog, "TCP 8765 → guest 1337"));
  g_assert_true (SEES (dialog, "Authorization was refused: the forward was kept"));
  g_assert_cmpuint (helper_count_forwards (), ==, 1);
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-refused-remove.png");
  close_dialog (dialog);
  polkit_allow (TRUE);
}

static void
action_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  corral_guest_run_action_finish (CORRAL_GUEST (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* A running guest whose forward has no rules in place (as when libvirtd did not run the hook at its
 * start): the dialog says it is failing, and why. Here the helper's libvirt (its own copy of the test
 * driver's node) still has the guest off while the dialog's copy has started it. */
static void
test_failing (void)
{
  CorralGuest *off = corral_connection_find_guest (connection, g_getenv ("CORRAL_TEST_OFF_UUID"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  CorralForwardsDialog *dialog;
  AdwPreferencesRow *row;
  gboolean started = FALSE;

  g_assert_nonnull (off);
  reply = bus_call ("org.corralvm.Helper1", "/org/corralvm/Helper1", "org.corralvm.Helper1", "AddForward",
                    g_variant_new ("(sssqq)", g_getenv ("CORRAL_TEST_OFF_UUID"), "tcp", "", 9100, 80), &error);
  g_assert_no_error (error);

  dialog = corral_forwards_dialog_new (off, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)) && !corral_forwards_dialog_is_busy (dialog));
  WAIT_FOR (SEES (dialog, "TCP 9100 → guest 80"));
  g_assert_true (SEES (dialog, "Waiting for the guest to start"));

  corral_guest_run_action_async (off, CORRAL_GUEST_ACTION_START, NULL, action_done_cb, &started);
  WAIT_FOR (started && corral_guest_get_state (off) == CORRAL_GUEST_STATE_RUNNING);
  WAIT_FOR (SEES_PART (dialog, "Failing: the guest runs but its rules are not in place"));
  g_assert_true (SEES_PART (dialog, "restart libvirtd"));
  row = find_row (GTK_WIDGET (dialog), "TCP 9100 → guest 80");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_assert_null (find_action (GTK_WIDGET (row), "forwards.test"));
  WAIT_FOR (!corral_forwards_dialog_is_busy (dialog));
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-failing.png");
  close_dialog (dialog);

  g_clear_pointer (&reply, g_variant_unref);
  reply = bus_call ("org.corralvm.Helper1", "/org/corralvm/Helper1", "org.corralvm.Helper1", "RemoveForward",
                    g_variant_new ("(ssq)", "tcp", "", 9100), &error);
  g_assert_no_error (error);
  started = FALSE;
  corral_guest_run_action_async (off, CORRAL_GUEST_ACTION_FORCE_OFF, NULL, action_done_cb, &started);
  WAIT_FOR (started);
  corral_test_drain (50);
}

static void
details_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  corral_guest_load_details_finish (CORRAL_GUEST (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
set_cloud_user (CorralGuest *guest,
                const char  *user)
{
  g_autofree char *xml = user != NULL ? g_markup_printf_escaped ("<cloud user='%s'/>", user) : NULL;
  virDomainPtr vdom = NULL;
  gboolean loaded = FALSE;

  g_object_get (corral_guest_get_domain (guest), "handle", &vdom, NULL);
  g_assert_nonnull (vdom);
  g_assert_cmpint (virDomainSetMetadata (vdom, VIR_DOMAIN_METADATA_ELEMENT, xml, "corral",
                                         "https://corralvm.org/xmlns/corral/1.0",
                                         VIR_DOMAIN_AFFECT_CONFIG), ==, 0);
  virDomainFree (vdom);
  corral_guest_load_details_async (guest, NULL, details_done_cb, &loaded);
  WAIT_FOR (loaded);
}

/* A guest made from a cloud image (<corral:cloud user=…/>, issue 17): the dialog offers its ssh
 * port, from host port 2222; the other guests' dialogs open empty (add-list-test). */
static void
test_ssh_offer (void)
{
  CorralGuest *fresh = corral_test_find_guest (connection, "fresh");
  CorralForwardsDialog *dialog;

  g_assert_nonnull (fresh);
  set_cloud_user (fresh, "alice");
  g_assert_cmpstr (corral_guest_get_cloud_user (fresh), ==, "alice");

  polkit_allow (TRUE);
  dialog = corral_forwards_dialog_new (fresh, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)) && !corral_forwards_dialog_is_busy (dialog));
  corral_test_drain (100);
  g_assert_cmpstr (field_text (dialog, "Guest Port"), ==, "22");
  g_assert_cmpstr (field_text (dialog, "Host Port"), ==, "2222");
  g_assert_true (can_click (dialog, "forwards.add"));
  corral_test_screenshot (GTK_WIDGET (dialog), "forwards-ssh-offer.png");
  /* another guest port: the host port follows it as for any guest */
  type_into (dialog, "Guest Port", "8080");
  g_assert_cmpstr (field_text (dialog, "Host Port"), ==, "8080");
  type_into (dialog, "Guest Port", "22");
  g_assert_cmpstr (field_text (dialog, "Host Port"), ==, "2222");
  close_dialog (dialog);
  set_cloud_user (fresh, NULL);
  g_assert_null (corral_guest_get_cloud_user (fresh));
}

/* Where forwards cannot apply, the guest's page says why instead of offering the dialog. */
static void
test_page_why_not (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *detail = g_object_new (CORRAL_TYPE_GUEST_DETAIL, NULL);
  AdwPreferencesRow *row;

  gtk_window_set_child (GTK_WINDOW (window), detail);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 800);
  corral_guest_detail_set_guest (CORRAL_GUEST_DETAIL (detail), test_guest ());
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (SEES_PART (detail, "(the demo connection) have no real network"));
  row = find_row (detail, "Port Forwards");
  g_assert_nonnull (row);
  /* legible (sensitive) but not a button: it cannot be activated, and the action is off */
  g_assert_false (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  g_assert_null (gtk_actionable_get_action_name (GTK_ACTIONABLE (row)));
  gtk_widget_activate (GTK_WIDGET (row));
  gtk_widget_activate_action (detail, "guest.forwards", NULL);
  corral_test_drain (100);
  {
    GList *toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l != NULL; l = l->next)
      g_assert_false (CORRAL_IS_FORWARDS_DIALOG (l->data));
    g_list_free (toplevels);
  }
  corral_test_screenshot (window, "forwards-page-why-not.png");
  gtk_window_destroy (GTK_WINDOW (window));
  corral_test_drain (50);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  corral_connection_open_finish (CORRAL_CONNECTION (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  gboolean opened = FALSE;
  int status;

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("CORRAL_TEST_LIBVIRT_URI") == NULL)
    {
      g_print ("1..0 # SKIP needs run-dialog.py (root: namespaces, a private system bus, corral-helper)\n");
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
  corral_connection_open_async (connection, NULL, open_cb, &opened);
  WAIT_FOR (opened);

  g_test_add_func ("/forwards/dialog/helper-missing", test_helper_missing);
  g_test_add_func ("/forwards/dialog/hook-states", test_hook_states);
  g_test_add_func ("/forwards/dialog/add-list-test", test_add_list_test);
  g_test_add_func ("/forwards/dialog/helper-conflict", test_helper_conflict);
  g_test_add_func ("/forwards/dialog/remove-undo", test_remove_undo);
  g_test_add_func ("/forwards/dialog/refused", test_refused);
  g_test_add_func ("/forwards/dialog/failing", test_failing);
  g_test_add_func ("/forwards/page/why-not", test_page_why_not);
  g_test_add_func ("/forwards/dialog/ssh-offer", test_ssh_offer);

  status = g_test_run ();
  corral_connection_close (connection);
  g_clear_object (&connection);
  return status;
}
