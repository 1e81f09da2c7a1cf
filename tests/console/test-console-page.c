/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console page on libvirt's test driver (in-process, no daemon): what a user sees while the guest
 * runs, stops and starts again through the page's own Start button. The test driver's guest has no VNC
 * graphics, which is one of the states the page must explain. (The screen of a real guest is checked
 * in test-console-system.c against a real libvirtd.) */
#include "config.h"

#include <adwaita.h>

#include "corral-connection.h"
#include "corral-console-page.h"

#define TIMEOUT_S 20

#include "corral-test-gtk.h"



static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_connection_open_finish (CORRAL_CONNECTION (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}


static void
action_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_guest_run_action_finish (CORRAL_GUEST (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
status_is (GtkWidget  *page,
           const char *status)
{
  return g_strcmp0 (corral_console_page_get_status (CORRAL_CONSOLE_PAGE (page)), status) == 0;
}

/* The mapped AdwStatusPage's title: what a user reads. */
static const char *
shown_title (GtkWidget *widget)
{
  if (ADW_IS_STATUS_PAGE (widget) && gtk_widget_get_mapped (widget))
    return adw_status_page_get_title (ADW_STATUS_PAGE (widget));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      const char *title = shown_title (c);
      if (title != NULL)
        return title;
    }
  return NULL;
}


static void
test_page_states (void)
{
  g_autoptr(CorralConnection) connection = NULL;
  CorralGuest *guest;
  GtkWidget *window, *page, *row;
  GtkWindow *dialog;
  gboolean done = FALSE;

  if ((g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL))
    {
      g_test_skip ("no display (run under xvfb-run, or tests/with-mutter for Wayland)");
      return;
    }

  connection = corral_connection_new ("test:///default");
  corral_connection_open_async (connection, NULL, opened_cb, &done);
  WAIT_FOR (done);
  guest = corral_test_find_guest (connection, "test");
  g_assert_nonnull (guest);
  g_assert_cmpint (corral_guest_get_state (guest), ==, CORRAL_GUEST_STATE_RUNNING);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  page = corral_console_page_new (guest);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (corral_console_page_get_title (CORRAL_CONSOLE_PAGE (page)), ==, "test");

  /* a running guest without VNC graphics: the page says so */
  WAIT_FOR (status_is (page, "no-graphics"));
  WAIT_FOR (g_strcmp0 (shown_title (page), "No Screen to Show") == 0);
  corral_test_screenshot (window, "console-no-graphics.png");

  /* the guest stops: "not running", with a Start button */
  done = FALSE;
  corral_guest_run_action_async (guest, CORRAL_GUEST_ACTION_FORCE_OFF, NULL, action_done_cb, &done);
  WAIT_FOR (done);
  WAIT_FOR (status_is (page, "not-running"));
  WAIT_FOR (g_strcmp0 (shown_title (page), "The Guest Is Not Running") == 0);
  corral_test_screenshot (window, "console-not-running.png");

  /* the page's own Start button starts it, and the page tries the console again */
  g_assert_true (gtk_widget_activate_action (page, "console.start", NULL));
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  WAIT_FOR (status_is (page, "no-graphics"));

  /* a server that asks for a user name and a password (SASL, VeNCrypt Plain): the page asks for both */
  g_signal_emit_by_name (corral_console_page_get_display (CORRAL_CONSOLE_PAGE (page)), "credentials-required",
                         TRUE, TRUE);
  WAIT_FOR ((dialog = corral_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Console Login");
  row = corral_test_find_type (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "User Name");
  row = corral_test_find_type (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Password");
  corral_test_drain (300);
  corral_test_screenshot (GTK_WIDGET (dialog), "console-login.png");
  /* given... */
  gtk_editable_set_text (GTK_EDITABLE (corral_test_find_type (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW)), "alice");
  gtk_editable_set_text (GTK_EDITABLE (row), "wrong");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "connect");
  gtk_window_destroy (dialog);
  /* ...and refused: asked again, the user name is offered again and may be changed */
  g_signal_emit_by_name (corral_console_page_get_display (CORRAL_CONSOLE_PAGE (page)), "credentials-required",
                         TRUE, TRUE);
  WAIT_FOR ((dialog = corral_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  row = corral_test_find_type (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "alice");
  row = corral_test_find_type (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  corral_test_drain (300);
  g_assert_true (gtk_widget_is_focus (row) || gtk_widget_has_focus (row) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), row));
  corral_test_screenshot (GTK_WIDGET (dialog), "console-login-again.png");
  /* cancelled: the page says no credentials were given, and does not try again by itself */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  WAIT_FOR (status_is (page, "auth-failed"));
  gtk_window_destroy (dialog);

  g_object_add_weak_pointer (G_OBJECT (page), (gpointer *) &page);
  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_FOR (page == NULL);
  corral_connection_close (connection);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    adw_init ();

  g_test_add_func ("/console/page/states", test_page_states);

  return g_test_run ();
}
