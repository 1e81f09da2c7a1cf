/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Corral's main window under Xvfb, mostly on libvirt's demo connection: the guest list and what its rows
 * say as guests stop and start through the window's own actions, search, console tabs and fullscreen, an
 * idle window drawing nothing, the no-libvirt page and the add-connection dialog. Each test's window must
 * be finalized when it closes. Screenshots go to the build tree. */
#include "config.h"

#include <adwaita.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-add-connection-dialog.h"
#include "corral-connection-dialog.h"
#include "corral-connection-row.h"
#include "corral-console-page.h"
#include "corral-guest-detail.h"
#include "corral-guest-row.h"
#include "corral-window.h"

#define TIMEOUT_S 20
#define DEMO_GUEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"
/* data/demo-node.xml: the test driver's own "test" and eleven more, sorted by name as the list is */
#define DEMO_GUESTS 12

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
  /* The richer demo: a dozen guests in mixed states, each with a state dot that reads as state. */
  WAIT_FOR (corral_test_find_label (list, "win-office") != NULL);
  WAIT_FOR (g_str_has_prefix (row_subtitle (list, "webserver"), "Running"));
  g_assert_cmpstr (row_subtitle (list, "mail"), ==, "Paused");
  g_assert_cmpstr (row_subtitle (list, "backup"), ==, "Shut off");
  {
    GtkWidget *running = gtk_widget_get_ancestor (corral_test_find_label (list, "webserver"), CORRAL_TYPE_GUEST_ROW);
    GtkWidget *off = gtk_widget_get_ancestor (corral_test_find_label (list, "backup"), CORRAL_TYPE_GUEST_ROW);
    GtkWidget *paused = gtk_widget_get_ancestor (corral_test_find_label (list, "mail"), CORRAL_TYPE_GUEST_ROW);

    g_assert_null (corral_test_find_type (running, GTK_TYPE_IMAGE));   /* no play/pause/stop glyphs */
    g_assert_true (gtk_widget_has_css_class (gtk_widget_get_first_child (gtk_widget_get_first_child (running)),
                                             "corral-state-running"));
    g_assert_true (gtk_widget_has_css_class (gtk_widget_get_first_child (gtk_widget_get_first_child (paused)),
                                             "corral-state-paused"));
    g_assert_true (gtk_widget_has_css_class (gtk_widget_get_first_child (gtk_widget_get_first_child (off)),
                                             "corral-state-off"));
  }
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

  /* The details tab is pinned (no close button), and the bar shows only beside a console tab. */
  g_assert_true (adw_tab_page_get_pinned (adw_tab_view_get_nth_page (tabs, 0)));
  g_assert_false (gtk_widget_get_visible (corral_test_find_type (GTK_WIDGET (window), ADW_TYPE_TAB_BAR)));

  corral_window_open_console (window, guest);
  /* A tab named after the guest, selected; opening it again shows the same tab. */
  g_assert_cmpint (adw_tab_view_get_n_pages (tabs), ==, 2);
  g_assert_cmpstr (adw_tab_page_get_title (adw_tab_view_get_selected_page (tabs)), ==, "test");
  g_assert_cmpstr (adw_tab_page_get_tooltip (adw_tab_view_get_selected_page (tabs)), ==,
                   "Console of test on libvirt test driver");
  g_assert_nonnull (adw_tab_page_get_icon (adw_tab_view_get_selected_page (tabs)));
  g_assert_true (gtk_widget_get_visible (corral_test_find_type (GTK_WIDGET (window), ADW_TYPE_TAB_BAR)));
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

  /* The demo's guests have no screens: the page says so, with no Try Again that could never work. */
  {
    CorralGuest *web = corral_test_find_guest (demo, "webserver");
    GtkWidget *page;

    corral_window_open_console (window, web);
    page = adw_tab_page_get_child (adw_tab_view_get_selected_page (tabs));
    WAIT_FOR (g_strcmp0 (corral_console_page_get_status (CORRAL_CONSOLE_PAGE (page)), "no-graphics") == 0);
    g_assert_nonnull (corral_test_find_label (page, "The demo connection uses libvirt’s test driver, which has "
                                                    "no screens: its guests do not really run. On a real "
                                                    "connection, the guest’s screen shows here."));
    g_assert_null (corral_test_find_label (page, "Try Again"));
    corral_test_drain (200);
    corral_test_screenshot (GTK_WIDGET (window), "window-console-demo.png");

    /* Selecting a guest shows its details, also the guest already selected (the window's click path). */
    g_assert_true (corral_window_select_guest (window, web));
    g_assert_true (adw_tab_view_get_selected_page (tabs) == adw_tab_view_get_nth_page (tabs, 0));
    adw_tab_view_set_selected_page (tabs, adw_tab_view_get_nth_page (tabs, 2));
    corral_window_show_details (window);
    g_assert_true (adw_tab_view_get_selected_page (tabs) == adw_tab_view_get_nth_page (tabs, 0));
    adw_tab_view_close_page (tabs, adw_tab_view_get_nth_page (tabs, 2));
  }

  /* The details tab cannot be closed; the console tab can. */
  adw_tab_view_close_page (tabs, adw_tab_view_get_nth_page (tabs, 0));
  adw_tab_view_close_page (tabs, adw_tab_view_get_nth_page (tabs, 1));
  corral_test_drain (100);
  g_assert_cmpint (adw_tab_view_get_n_pages (tabs), ==, 1);
  g_assert_false (gtk_widget_get_visible (corral_test_find_type (GTK_WIDGET (window), ADW_TYPE_TAB_BAR)));
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
  WAIT_FOR (g_list_model_get_n_items (model) == 1 + DEMO_GUESTS);   /* header + guests */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  gtk_editable_set_text (GTK_EDITABLE (gtk_window_get_focus (GTK_WINDOW (window))), "nomatch");
  WAIT_FOR (g_list_model_get_n_items (model) == 1);             /* the header stays */
  /* ... but the sidebar says there are no results, and for what */
  WAIT_FOR (corral_test_find_label (GTK_WIDGET (window), "No Guests Found") != NULL);
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (window),
                                            "No guest’s name or operating system contains “nomatch”."));
  g_assert_false (gtk_widget_get_mapped (list));
  corral_test_drain (200);
  corral_test_screenshot (GTK_WIDGET (window), "window-search-no-results.png");
  gtk_editable_set_text (GTK_EDITABLE (gtk_window_get_focus (GTK_WINDOW (window))), "TE");
  WAIT_FOR (g_list_model_get_n_items (model) == 2);             /* "test" */
  WAIT_FOR (gtk_widget_get_mapped (list));
  g_assert_null (corral_test_find_label (GTK_WIDGET (window), "No Guests Found"));

  /* The operating system matches too: webserver, database, mail and monitoring run Debian. */
  gtk_editable_set_text (GTK_EDITABLE (gtk_window_get_focus (GTK_WINDOW (window))), "debian");
  WAIT_FOR (g_list_model_get_n_items (model) == 1 + 4);
  g_assert_nonnull (corral_test_find_label (list, "database"));
  g_assert_null (corral_test_find_label (list, "test"));
  corral_test_drain (200);
  corral_test_screenshot (GTK_WIDGET (window), "window-search-os.png");
}

/* A button below @root whose action is @action (and, if given, whose target is the string @target). */
static GtkWidget *
find_action_button (GtkWidget  *root,
                    const char *action,
                    const char *target)
{
  if (GTK_IS_ACTIONABLE (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    {
      GVariant *value = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (root));

      if (target == NULL || (value != NULL && g_strcmp0 (g_variant_get_string (value, NULL), target) == 0))
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action, target);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
clipboard_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(char **) user_data = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
}

static void
test_no_libvirt_page (Fixture       *fixture,
                      gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  static const char *commands[] = { "sudo apt install libvirt-daemon-system qemu-system-x86",
                                    "sudo systemctl start libvirtd" };
  GtkWidget *expander, *retry, *new_guest;

  corral_window_set_no_libvirt (window, "qemu:///system: Failed to connect socket");
  corral_test_drain (300);
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (window), "libvirt Is Not Running"));
  corral_test_screenshot (GTK_WIDGET (window), "window-no-libvirt.png");

  /* "+" is off while no connection can make a guest (it only showed a toast). */
  new_guest = find_action_button (GTK_WIDGET (window), "win.new-guest", NULL);
  g_assert_nonnull (new_guest);
  g_assert_false (gtk_widget_is_sensitive (new_guest));

  /* The details are on the page, selectable (not a tooltip over the buttons). */
  g_assert_null (gtk_widget_get_tooltip_text (GTK_WIDGET (corral_test_find_type (GTK_WIDGET (window),
                                                                                  ADW_TYPE_STATUS_PAGE))));
  expander = corral_test_find_type (GTK_WIDGET (window), GTK_TYPE_EXPANDER);
  g_assert_nonnull (expander);
  gtk_expander_set_expanded (GTK_EXPANDER (expander), TRUE);
  corral_test_drain (200);
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (window), "qemu:///system: Failed to connect socket"));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (corral_test_find_label (GTK_WIDGET (window),
                                                      "qemu:///system: Failed to connect socket"))));
  corral_test_screenshot (GTK_WIDGET (window), "window-no-libvirt-details.png");

  /* Each command, shown in full and copied by its button. */
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *copied = NULL;
      GtkWidget *copy = find_action_button (GTK_WIDGET (window), "win.copy", commands[i]);

      g_assert_nonnull (copy);
      g_assert_nonnull (corral_test_find_label (GTK_WIDGET (window), commands[i]));
      g_signal_emit_by_name (copy, "clicked");
      gdk_clipboard_read_text_async (gtk_widget_get_clipboard (copy), NULL, clipboard_cb, &copied);
      WAIT_FOR (copied != NULL);
      g_assert_cmpstr (copied, ==, commands[i]);
    }

  /* Try Again: the page stays and says it is trying (the application clears the details first), then
   * what came of it. */
  retry = find_action_button (GTK_WIDGET (window), "win.retry-default", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.retry-default", NULL));
  corral_window_set_no_libvirt (window, NULL);
  corral_test_drain (100);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (retry)), ==, "Trying…");
  g_assert_false (gtk_widget_is_sensitive (retry));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (window), "libvirt Is Not Running"));
  corral_test_screenshot (GTK_WIDGET (window), "window-no-libvirt-trying.png");
  corral_window_set_no_libvirt (window, "qemu:///system: Failed to connect socket, again");
  corral_test_drain (100);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (retry)), ==, "_Try Again");
  g_assert_true (gtk_widget_is_sensitive (retry));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (window), "qemu:///system: Failed to connect socket, again"));
  {
    GtkWidget *result = gtk_widget_get_next_sibling (gtk_widget_get_parent (retry));

    g_assert_true (GTK_IS_LABEL (result));
    g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (result)), "Tried again at "));
    g_assert_true (g_str_has_suffix (gtk_label_get_label (GTK_LABEL (result)), ": still no answer."));
  }
  corral_test_screenshot (GTK_WIDGET (window), "window-no-libvirt-tried.png");

  /* The demo button gives a newcomer guests to try; and then "+" works. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.connect-demo", NULL));
  WAIT_FOR (corral_test_find_label (GTK_WIDGET (corral_window_get_list_view (window)), "test") != NULL);
  WAIT_FOR (gtk_widget_is_sensitive (new_guest));
}

/* A narrow window folds to one pane: without a daemon it shows the explanation and its demo button, not
 * the empty list. */
static void
test_no_libvirt_folded (Fixture       *fixture,
                        gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  AdwLeaflet *leaflet = ADW_LEAFLET (corral_test_find_type (GTK_WIDGET (window), ADW_TYPE_LEAFLET));
  GtkWidget *page;

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  WAIT_FOR (adw_leaflet_get_folded (leaflet));
  corral_window_set_no_libvirt (window, "qemu:///system: Failed to connect socket");
  corral_test_drain (300);
  page = gtk_widget_get_ancestor (corral_test_find_label (GTK_WIDGET (window), "libvirt Is Not Running"),
                                  ADW_TYPE_STATUS_PAGE);
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (page));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (window), "Open _Demo Connection"));
  corral_test_screenshot (GTK_WIDGET (window), "window-no-libvirt-folded.png");

  /* The demo's list comes back in front. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.connect-demo", NULL));
  WAIT_FOR (corral_test_find_label (GTK_WIDGET (corral_window_get_list_view (window)), "test") != NULL);
  corral_test_drain (200);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (corral_window_get_list_view (window))));
  corral_test_screenshot (GTK_WIDGET (window), "window-folded-demo.png");
}

/* The row widget of the list that holds @name's guest row (what takes focus and what Enter activates). */
static guint
row_position (CorralWindow *window,
              const char   *name)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (corral_window_get_list_view (window)));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (CORRAL_IS_GUEST (item) && g_str_equal (corral_guest_get_name (CORRAL_GUEST (item)), name))
        return i;
    }
  g_assert_not_reached ();
}

/* Enter on a row opens that row's guest: after Tab to another row, the focused one, not the selected one. */
static void
test_activate_focused (Fixture       *fixture,
                       gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  CorralConnection *demo = open_demo (fixture, TRUE);
  GtkListView *list = corral_window_get_list_view (window);
  AdwTabView *tabs = ADW_TAB_VIEW (corral_test_find_type (GTK_WIDGET (window), ADW_TYPE_TAB_VIEW));
  GtkWidget *page;

  WAIT_FOR (corral_test_find_label (GTK_WIDGET (list), "webserver") != NULL);
  g_assert_true (corral_window_select_guest (window, corral_test_find_guest (demo, "database")));
  /* what the list view emits for Enter (or a double click) on the row at that position */
  g_signal_emit_by_name (list, "activate", row_position (window, "webserver"));
  corral_test_drain (100);
  page = adw_tab_page_get_child (adw_tab_view_get_selected_page (tabs));
  g_assert_true (CORRAL_IS_CONSOLE_PAGE (page));
  g_assert_cmpstr (corral_guest_get_name (corral_console_page_get_guest (CORRAL_CONSOLE_PAGE (page))), ==,
                   "webserver");
  g_assert_cmpstr (corral_guest_get_name (corral_guest_detail_get_guest (
                     CORRAL_GUEST_DETAIL (corral_window_get_detail (window)))), ==, "webserver");
}

static void
delete_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(gboolean *) user_data = corral_guest_delete_finish (CORRAL_GUEST (source), result, NULL);
}

/* After a delete, the next guest is selected (not nothing); a search hiding the selected guest does not
 * move the selection elsewhere. The list's context menu and the window's Delete use the same actions. */
static void
test_delete_selects_next (Fixture       *fixture,
                          gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  CorralConnection *demo = open_demo (fixture, TRUE);
  GtkWidget *detail = corral_window_get_detail (window);
  CorralGuest *database = corral_test_find_guest (demo, "database");
  gboolean deleted = FALSE;

  WAIT_FOR (corral_test_find_label (GTK_WIDGET (corral_window_get_list_view (window)), "database") != NULL);
  g_assert_true (corral_window_select_guest (window, database));
  g_assert_true (corral_guest_detail_get_guest (CORRAL_GUEST_DETAIL (detail)) == database);

  /* The per-row menu's actions follow the selected guest's state. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.guest-shutdown", NULL));
  WAIT_FOR (corral_guest_get_state (database) == CORRAL_GUEST_STATE_SHUTOFF);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.guest-start", NULL));
  WAIT_FOR (corral_guest_get_state (database) == CORRAL_GUEST_STATE_RUNNING);

  corral_guest_delete_async (database, FALSE, NULL, delete_cb, &deleted);
  WAIT_FOR (deleted);
  WAIT_FOR (corral_guest_detail_get_guest (CORRAL_GUEST_DETAIL (detail)) != NULL);
  g_assert_cmpstr (corral_guest_get_name (corral_guest_detail_get_guest (CORRAL_GUEST_DETAIL (detail))), ==,
                   "dev-desktop");
  corral_test_drain (200);
  corral_test_screenshot (GTK_WIDGET (window), "window-after-delete.png");

  /* hidden by a search: unselected, nothing else selected */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  gtk_editable_set_text (GTK_EDITABLE (gtk_window_get_focus (GTK_WINDOW (window))), "mail");
  WAIT_FOR (corral_guest_detail_get_guest (CORRAL_GUEST_DETAIL (detail)) == NULL);
  corral_test_drain (100);
  g_assert_null (corral_guest_detail_get_guest (CORRAL_GUEST_DETAIL (detail)));
}

/* Each connection's header has a menu: Reconnect, Disconnect, Properties, Remove. */
static void
test_connection_menu (Fixture       *fixture,
                      gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  CorralConnection *demo = open_demo (fixture, TRUE);
  GtkWidget *list = GTK_WIDGET (corral_window_get_list_view (window));
  GtkWidget *row, *menu_button;
  GMenuModel *menu;
  GtkWindow *dialog;

  WAIT_FOR (corral_test_find_type (list, CORRAL_TYPE_CONNECTION_ROW) != NULL);
  row = corral_test_find_type (list, CORRAL_TYPE_CONNECTION_ROW);
  menu_button = corral_test_find_type (row, GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (menu_button);
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button));
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);   /* two sections */
  g_assert_cmpint (g_menu_model_get_n_items (g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION)), ==, 3);

  g_assert_true (gtk_widget_activate_action (row, "connection.disconnect", NULL));
  WAIT_FOR (corral_connection_get_status (demo) == CORRAL_CONNECTION_STATUS_IDLE);
  g_assert_true (gtk_widget_activate_action (row, "connection.reconnect", NULL));
  WAIT_FOR (corral_connection_get_status (demo) == CORRAL_CONNECTION_STATUS_CONNECTED);
  WAIT_FOR (corral_test_find_label (list, "webserver") != NULL);

  row = corral_test_find_type (list, CORRAL_TYPE_CONNECTION_ROW);
  g_assert_true (gtk_widget_activate_action (row, "connection.properties", NULL));
  WAIT_FOR (corral_test_find_toplevel (CORRAL_TYPE_CONNECTION_DIALOG) != NULL);
  dialog = corral_test_find_toplevel (CORRAL_TYPE_CONNECTION_DIALOG);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog), corral_connection_get_uri (demo)));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog), "Connected"));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog), "12"));
  corral_test_drain (200);
  corral_test_screenshot (GTK_WIDGET (dialog), "connection-properties.png");
  gtk_window_destroy (dialog);

  /* Remove: gone from the list (and, in the program, from the saved connections). */
  g_assert_true (gtk_widget_activate_action (row, "connection.remove", NULL));
  WAIT_FOR (g_list_model_get_n_items (corral_manager_get_connections (fixture->manager)) == 0);
  WAIT_FOR (corral_test_find_type (list, CORRAL_TYPE_CONNECTION_ROW) == NULL);
}

/* The shortcuts window gives every shortcut its key, and the keys it lists are the window's. */
static void
test_shortcuts (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/corralvm/Corral/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  GtkWidget *new_guest;

  g_ptr_array_add (stack, overlay);
  while (stack->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
        {
          g_autofree char *title = NULL, *accel = NULL;

          g_object_get (widget, "title", &title, "accelerator", &accel, NULL);
          g_test_message ("%s: %s", title, accel);
          g_assert_nonnull (accel);
          g_assert_cmpstr (accel, !=, "");
          g_hash_table_insert (keys, g_steal_pointer (&title), g_steal_pointer (&accel));
        }
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (stack, child);
    }
  g_assert_cmpstr (g_hash_table_lookup (keys, "Search guests"), ==, "<Control>f");
  g_assert_cmpstr (g_hash_table_lookup (keys, "New guest"), ==, "<Control>n");
  g_assert_cmpstr (g_hash_table_lookup (keys, "Delete the selected guest"), ==, "Delete");
  gtk_window_set_transient_for (GTK_WINDOW (overlay), GTK_WINDOW (fixture->window));
  gtk_window_present (GTK_WINDOW (overlay));
  corral_test_drain (400);
  corral_test_screenshot (overlay, "shortcuts.png");
  gtk_window_destroy (GTK_WINDOW (overlay));

  /* Ctrl+N is the window's: "+" works through it (enabled once a connection can make guests). */
  new_guest = find_action_button (GTK_WIDGET (fixture->window), "win.new-guest", NULL);
  g_assert_false (gtk_widget_is_sensitive (new_guest));
  open_demo (fixture, TRUE);
  WAIT_FOR (gtk_widget_is_sensitive (new_guest));
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             GPtrArray        *responses)
{
  g_ptr_array_add (responses, g_strdup (response));
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
  g_autoptr(GPtrArray) responses = g_ptr_array_new_with_free_func (g_free);
  int width;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-connection", NULL));
  WAIT_FOR (corral_test_find_toplevel (CORRAL_TYPE_ADD_CONNECTION_DIALOG) != NULL);
  dialog = corral_test_find_toplevel (CORRAL_TYPE_ADD_CONNECTION_DIALOG);

  /* Default: this computer. */
  uri = corral_add_connection_dialog_get_uri (CORRAL_ADD_CONNECTION_DIALOG (dialog), NULL);
  g_assert_cmpstr (uri, ==, "qemu:///system");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  g_clear_pointer (&uri, g_free);

  WAIT_FOR (gtk_widget_get_width (GTK_WIDGET (dialog)) > 0);
  corral_test_drain (200);
  width = gtk_widget_get_width (GTK_WIDGET (dialog));

  /* Over SSH: a bad host is refused as typed, and says why; a good one gives the URI. Nothing is red
   * before anything is typed. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (corral_test_find_label (GTK_WIDGET (dialog), "Where") != NULL
                                             ? gtk_widget_get_ancestor (corral_test_find_label (GTK_WIDGET (dialog), "Where"),
                                                                        ADW_TYPE_COMBO_ROW)
                                             : NULL), 2);
  corral_test_drain (100);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  entry = gtk_widget_get_ancestor (corral_test_find_label (GTK_WIDGET (dialog), "User and host (user@host)"),
                                   ADW_TYPE_ENTRY_ROW);
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  corral_test_drain (200);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), ==, width);   /* one width whatever the choice */
  corral_test_screenshot (GTK_WIDGET (dialog), "add-connection-ssh-empty.png");
  gtk_editable_set_text (GTK_EDITABLE (entry), "-oProxyCommand=evil");
  corral_test_drain (100);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_null (corral_add_connection_dialog_get_uri (CORRAL_ADD_CONNECTION_DIALOG (dialog), &error));
  g_clear_error (&error);
  gtk_editable_set_text (GTK_EDITABLE (entry), "ann@vmhost.example");
  corral_test_drain (300);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog), "qemu+ssh://ann@vmhost.example/system"));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  corral_test_screenshot (GTK_WIDGET (dialog), "add-connection.png");

  /* Custom URI: not red before typing; Enter in the field presses Add (and closes the dialog). */
  adw_combo_row_set_selected (ADW_COMBO_ROW (gtk_widget_get_ancestor (corral_test_find_label (GTK_WIDGET (dialog),
                                                                                               "Where"),
                                                                      ADW_TYPE_COMBO_ROW)), 3);
  corral_test_drain (200);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), ==, width);
  entry = gtk_widget_get_ancestor (corral_test_find_label (GTK_WIDGET (dialog), "URI"), ADW_TYPE_ENTRY_ROW);
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_signal_emit_by_name (corral_test_find_type (entry, GTK_TYPE_TEXT), "activate");   /* Enter, invalid: stays */
  corral_test_drain (100);
  g_assert_nonnull (corral_test_find_toplevel (CORRAL_TYPE_ADD_CONNECTION_DIALOG));
  gtk_editable_set_text (GTK_EDITABLE (entry), "qemu+ssh://ann@vmhost.example/session");
  corral_test_drain (100);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), responses);
  g_signal_emit_by_name (corral_test_find_type (entry, GTK_TYPE_TEXT), "activate");
  WAIT_FOR (corral_test_find_toplevel (CORRAL_TYPE_ADD_CONNECTION_DIALOG) == NULL);
  g_assert_cmpuint (responses->len, >=, 1);
  g_assert_cmpstr (g_ptr_array_index (responses, 0), ==, "add");
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
  ADD ("/gui/window/no-libvirt-folded", test_no_libvirt_folded);
  ADD ("/gui/window/activate-focused", test_activate_focused);
  ADD ("/gui/window/delete-selects-next", test_delete_selects_next);
  ADD ("/gui/window/connection-menu", test_connection_menu);
  ADD ("/gui/window/shortcuts", test_shortcuts);
  ADD ("/gui/add-connection/dialog", test_add_connection_dialog);
#undef ADD

  return g_test_run ();
}
