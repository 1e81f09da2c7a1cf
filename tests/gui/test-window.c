/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Corral's main window under Xvfb, mostly on libvirt's demo connection: the guest list and what its rows
 * say as guests stop and start through the window's own actions, search, console tabs and fullscreen, an
 * idle window drawing nothing, the no-libvirt page and the add-connection dialog. Each test's window must
 * be finalized when it closes. Screenshots go to the build tree. */
#include "config.h"

#include <adwaita.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-add-connection-dialog.h"
#include "corral-guest-detail.h"
#include "corral-window.h"

#define TIMEOUT_S 20
#define DEMO_GUEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"

#include "corral-test-gtk.h"

typedef struct
{
  CorralManager    *manager;
  CorralWindow     *window;   /* a reference of the test's own, to check that closing frees it */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->manager = corral_manager_new ();
  fixture->window = g_object_ref (corral_window_new (NULL, fixture->manager));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 640);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  corral_test_drain (100);
  g_assert_finalize_object (fixture->window);
  g_clear_object (&fixture->manager);
}

/* Adds the demo connection and, unless @wait is FALSE, waits until it is connected. */
static CorralConnection *
open_demo (Fixture  *fixture,
           gboolean  wait)
{
  CorralConnection *demo = corral_manager_add_connection (fixture->manager, CORRAL_DEMO_URI);

  corral_connection_open_async (demo, NULL, NULL, NULL);
  if (wait)
    WAIT_FOR (corral_connection_get_status (demo) == CORRAL_CONNECTION_STATUS_CONNECTED);
  return demo;
}

/* The text a user reads under a guest's name in its list row. */
static const char *
row_subtitle (GtkWidget  *list,
              const char *name)
{
  GtkWidget *label = corral_test_find_label (list, name);
  GtkWidget *next;

  if (label == NULL)
    return NULL;
  next = gtk_widget_get_next_sibling (label);
  return GTK_IS_LABEL (next) ? gtk_label_get_label (GTK_LABEL (next)) : NULL;
}


static void
test_demo_window (Fixture       *fixture,
                  gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  CorralConnection *demo;
  GtkWidget *list, *detail;
  CorralGuest *guest = NULL;

  list = GTK_WIDGET (corral_window_get_list_view (window));
  detail = corral_window_get_detail (window);

  /* The demo connection's header, labelled as a demo, and its guest, as rows a user sees. */
  demo = open_demo (fixture, TRUE);
  WAIT_FOR (corral_test_find_label (list, "test") != NULL);
  g_assert_nonnull (corral_test_find_label (list, "libvirt test driver"));
  g_assert_nonnull (corral_test_find_label (list, "Demo"));
  g_assert_cmpstr (row_subtitle (list, "test"), ==, "Running");
  corral_test_drain (300);
  corral_test_screenshot (GTK_WIDGET (window), "window-demo.png");

  guest = corral_connection_find_guest (demo, DEMO_GUEST_UUID);
  g_assert_nonnull (guest);
  g_assert_true (corral_window_select_guest (window, guest));
  WAIT_FOR (corral_guest_detail_get_guest (CORRAL_GUEST_DETAIL (detail)) == guest);
  WAIT_FOR (gtk_widget_get_mapped (detail));

  /* Shut it down and start it again through the actions the buttons use; the row follows. */
  g_assert_true (gtk_widget_activate_action (detail, "guest.shutdown", NULL));
  WAIT_FOR (g_strcmp0 (row_subtitle (list, "test"), "Shut off") == 0);
  corral_test_drain (300);
  corral_test_screenshot (GTK_WIDGET (window), "window-demo-shut-off.png");

  g_assert_true (gtk_widget_activate_action (detail, "guest.start", NULL));
  WAIT_FOR (g_strcmp0 (row_subtitle (list, "test"), "Running") == 0);
  g_assert_nonnull (corral_test_find_label (detail, "Running"));
  corral_test_drain (300);
  corral_test_screenshot (GTK_WIDGET (window), "window-demo-running.png");
}

static void
test_console_tabs (Fixture       *fixture,
                   gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  CorralConnection *demo = open_demo (fixture, TRUE);
  CorralGuest *guest;
  AdwTabView *tabs;

  guest = corral_connection_find_guest (demo, DEMO_GUEST_UUID);
  g_assert_nonnull (guest);
  tabs = ADW_TAB_VIEW (corral_test_find_type (GTK_WIDGET (window), ADW_TYPE_TAB_VIEW));
  g_assert_nonnull (tabs);
  g_assert_cmpint (adw_tab_view_get_n_pages (tabs), ==, 1);

  corral_window_open_console (window, guest);
  /* A tab named after the guest, selected; opening it again shows the same tab. */
  g_assert_cmpint (adw_tab_view_get_n_pages (tabs), ==, 2);
  g_assert_cmpstr (adw_tab_page_get_title (adw_tab_view_get_selected_page (tabs)), ==, "test");
  corral_window_open_console (window, guest);
  g_assert_cmpint (adw_tab_view_get_n_pages (tabs), ==, 2);
  corral_test_drain (300);
  corral_test_screenshot (GTK_WIDGET (window), "window-console-tab.png");

  /* Fullscreen: the guest's screen alone, without the list, header bar or tabs; and back. */
  {
    GtkWidget *page = adw_tab_page_get_child (adw_tab_view_get_selected_page (tabs));
    GtkWidget *list = GTK_WIDGET (corral_window_get_list_view (window));

    g_assert_true (gtk_widget_activate_action (page, "console.fullscreen", NULL));
    WAIT_FOR (!gtk_widget_is_visible (list));
    g_assert_false (gtk_widget_is_visible (corral_test_find_type (GTK_WIDGET (window), ADW_TYPE_TAB_BAR)));
    g_assert_true (gtk_widget_activate_action (page, "console.fullscreen", NULL));
    WAIT_FOR (gtk_widget_is_visible (list));
  }

  /* The details tab cannot be closed; the console tab can. */
  adw_tab_view_close_page (tabs, adw_tab_view_get_nth_page (tabs, 0));
  adw_tab_view_close_page (tabs, adw_tab_view_get_nth_page (tabs, 1));
  corral_test_drain (100);
  g_assert_cmpint (adw_tab_view_get_n_pages (tabs), ==, 1);
}

/* Nothing animates while nothing happens: once the list is shown, an idle window draws no frames (no
 * polling, no spinner on a hidden page keeping the frame clock awake). Goes through "Connecting…" first,
 * as the program does when it starts. */
static void
test_idle_draws_nothing (Fixture       *fixture,
                         gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  CorralConnection *demo;
  GdkFrameClock *clock;
  gint64 frames;

  /* Animations on, as on a desktop: they are what could keep the clock running. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
  demo = corral_manager_add_connection (fixture->manager, CORRAL_DEMO_URI);
  WAIT_FOR (corral_test_find_label (GTK_WIDGET (window), "Connecting…") != NULL);
  corral_test_drain (200);

  corral_connection_open_async (demo, NULL, NULL, NULL);
  WAIT_FOR (corral_test_find_label (GTK_WIDGET (corral_window_get_list_view (window)), "test") != NULL);
  corral_test_drain (500);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  frames = gdk_frame_clock_get_frame_counter (clock);
  corral_test_drain (1500);
  g_test_message ("frames while idle: %" G_GINT64_FORMAT, gdk_frame_clock_get_frame_counter (clock) - frames);
  /* A stray late frame is fine; a clock kept awake draws ~90 frames here. */
  g_assert_cmpint (gdk_frame_clock_get_frame_counter (clock) - frames, <=, 3);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

static void
test_search_filter (Fixture       *fixture,
                    gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  GtkWidget *list;
  GtkListView *view;
  GListModel *model;

  open_demo (fixture, FALSE);
  view = corral_window_get_list_view (window);
  list = GTK_WIDGET (view);
  WAIT_FOR (corral_test_find_label (list, "test") != NULL);

  model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);   /* header + guest */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  gtk_editable_set_text (GTK_EDITABLE (gtk_window_get_focus (GTK_WINDOW (window))), "nomatch");
  WAIT_FOR (g_list_model_get_n_items (model) == 1);             /* the header stays */
  gtk_editable_set_text (GTK_EDITABLE (gtk_window_get_focus (GTK_WINDOW (window))), "TE");
  WAIT_FOR (g_list_model_get_n_items (model) == 2);
}

static void
test_no_libvirt_page (Fixture       *fixture,
                      gconstpointer  data)
{
  CorralWindow *window = fixture->window;

  corral_window_set_no_libvirt (window, "qemu:///system: Failed to connect socket");
  corral_test_drain (300);
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (window), "libvirt Is Not Running"));
  corral_test_screenshot (GTK_WIDGET (window), "window-no-libvirt.png");

  /* The demo button gives a newcomer guests to try. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.connect-demo", NULL));
  WAIT_FOR (corral_test_find_label (GTK_WIDGET (corral_window_get_list_view (window)), "test") != NULL);
}

static void
test_add_connection_dialog (Fixture       *fixture,
                            gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  GtkWindow *dialog;
  GtkWidget *entry;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-connection", NULL));
  WAIT_FOR (corral_test_find_toplevel (CORRAL_TYPE_ADD_CONNECTION_DIALOG) != NULL);
  dialog = corral_test_find_toplevel (CORRAL_TYPE_ADD_CONNECTION_DIALOG);

  /* Default: this computer. */
  uri = corral_add_connection_dialog_get_uri (CORRAL_ADD_CONNECTION_DIALOG (dialog), NULL);
  g_assert_cmpstr (uri, ==, "qemu:///system");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  g_clear_pointer (&uri, g_free);

  /* Over SSH: a bad host is refused as typed, and says why; a good one gives the URI. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (corral_test_find_label (GTK_WIDGET (dialog), "Where") != NULL
                                             ? gtk_widget_get_ancestor (corral_test_find_label (GTK_WIDGET (dialog), "Where"),
                                                                        ADW_TYPE_COMBO_ROW)
                                             : NULL), 2);
  corral_test_drain (100);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  entry = gtk_widget_get_ancestor (corral_test_find_label (GTK_WIDGET (dialog), "User and host (user@host)"),
                                   ADW_TYPE_ENTRY_ROW);
  gtk_editable_set_text (GTK_EDITABLE (entry), "-oProxyCommand=evil");
  corral_test_drain (100);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  g_assert_null (corral_add_connection_dialog_get_uri (CORRAL_ADD_CONNECTION_DIALOG (dialog), &error));
  g_clear_error (&error);
  gtk_editable_set_text (GTK_EDITABLE (entry), "ann@vmhost.example");
  corral_test_drain (300);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog), "qemu+ssh://ann@vmhost.example/system"));
  corral_test_screenshot (GTK_WIDGET (dialog), "add-connection.png");

  gtk_window_destroy (dialog);
}

static void
test_connection_uris (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  static const char *bad[] = { "", "-oProxyCommand=x", "a b", "host;rm", "u@", "a@b@c", "$(id)", "h/../x" };

  uri = corral_connection_uri_for (0, NULL, NULL);
  g_assert_cmpstr (uri, ==, "qemu:///system");
  g_clear_pointer (&uri, g_free);
  uri = corral_connection_uri_for (2, "ann@vmhost.example", NULL);
  g_assert_cmpstr (uri, ==, "qemu+ssh://ann@vmhost.example/system");
  g_clear_pointer (&uri, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      uri = corral_connection_uri_for (2, bad[i], &error);
      g_assert_null (uri);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
  uri = corral_connection_uri_for (3, "not a uri", &error);
  g_assert_null (uri);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gui/add-connection/uris", test_connection_uris);
  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run under xvfb-run (the README's test command does)");
      return g_test_run ();
    }
  adw_init ();
  gvir_init_object (NULL, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  {
    /* What AdwApplication loads from the resource base path in the real program. */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (css, "/org/corralvm/Corral/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/gui/window/demo", test_demo_window);
  ADD ("/gui/window/search", test_search_filter);
  ADD ("/gui/window/idle", test_idle_draws_nothing);
  ADD ("/gui/window/console-tabs", test_console_tabs);
  ADD ("/gui/window/no-libvirt", test_no_libvirt_page);
  ADD ("/gui/add-connection/dialog", test_add_connection_dialog);
#undef ADD

  return g_test_run ();
}
