/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a screen reader and a keyboard-only user get from Corral's main window, checked with GTK's test
 * accessibility backend (GTK_A11Y=test) under Xvfb, on the demo connection:
 * - every interactive widget shown (buttons, toggles, menu buttons, switches, check buttons, entries,
 *   activatable rows, the list's rows) has an accessible name of its own, the right role, and no name
 *   like "GtkImage", "AdwGizmo" or one with a mnemonic underscore; in the window with a guest selected,
 *   the no-libvirt page, the Add Connection dialog, a connection's Properties, the shortcuts window and
 *   each page of the new-guest wizard;
 * - each row of the guest list is named after its guest and its state, and follows state changes;
 * - the window can be driven by the keyboard alone: Tab reaches the list and the header's buttons, real
 *   key presses (xdotool, XTEST) move through the list and open the focused guest's console, open a row's
 *   menu, and press the demo button of the no-libvirt page. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gdk/x11/gdkx.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-a11y.h"
#include "corral-add-connection-dialog.h"
#include "corral-connection-dialog.h"
#include "corral-connection-row.h"
#include "corral-console-page.h"
#include "corral-guest-detail.h"
#include "corral-guest-row.h"
#include "corral-new-guest-window.h"
#include "corral-window.h"

#define TIMEOUT_S 20

#include "corral-test-gtk.h"

typedef struct
{
  CorralManager *manager;
  CorralWindow  *window;
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

static CorralConnection *
open_demo (Fixture *fixture)
{
  CorralConnection *demo = corral_manager_add_connection (fixture->manager, CORRAL_DEMO_URI);

  corral_connection_open_async (demo, NULL, NULL, NULL);
  WAIT_FOR (corral_connection_get_status (demo) == CORRAL_CONNECTION_STATUS_CONNECTED);
  WAIT_FOR (corral_test_find_label (GTK_WIDGET (corral_window_get_list_view (fixture->window)), "webserver") != NULL);
  return demo;
}

/* The accessible label @widget carries, or NULL when it has none. (The test API's check_property gives
 * back the value it found when that is not the one asked for.) */
static char *
accessible_label (GtkWidget *widget)
{
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return NULL;
  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, "\001");
}

/* A row of a GtkListView: the widget that takes focus, that Enter activates, that a reader announces. */
static gboolean
is_list_row (GtkWidget *widget)
{
  /* (not the value an AdwComboRow shows in a list view of its own: the combo row is the control) */
  return GTK_IS_LIST_VIEW (gtk_widget_get_parent (widget)) && gtk_widget_get_focusable (widget) &&
         gtk_widget_get_ancestor (widget, ADW_TYPE_COMBO_ROW) == NULL;
}

static gboolean
is_interactive (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) || GTK_IS_SWITCH (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_TEXT (widget) ||
      GTK_IS_EXPANDER (widget))
    return TRUE;
  if (GTK_IS_LIST_BOX_ROW (widget))
    return gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)) && gtk_widget_get_focusable (widget);
  return is_list_row (widget);
}

/* A role newer GTK has and GTK 4.8's headers do not name, by its nick; -1 where this GTK has none. */
static int
role_by_nick (const char *nick)
{
  g_autoptr(GEnumClass) roles = g_type_class_ref (GTK_TYPE_ACCESSIBLE_ROLE);
  GEnumValue *value = g_enum_get_value_by_nick (roles, nick);

  return value != NULL ? value->value : -1;
}

static gboolean
role_is_right (GtkWidget *widget)
{
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));

  /* GTK 4.8 has no toggle-button role: a button, "pressed"; GTK 4.10 and later have one */
  if (GTK_IS_TOGGLE_BUTTON (widget))
    return role == GTK_ACCESSIBLE_ROLE_BUTTON || (int) role == role_by_nick ("toggle-button");
  if (GTK_IS_BUTTON (widget))
    return role == GTK_ACCESSIBLE_ROLE_BUTTON || role == GTK_ACCESSIBLE_ROLE_LINK;
  if (GTK_IS_SWITCH (widget))
    return role == GTK_ACCESSIBLE_ROLE_SWITCH;
  if (GTK_IS_CHECK_BUTTON (widget))
    return role == GTK_ACCESSIBLE_ROLE_CHECKBOX || role == GTK_ACCESSIBLE_ROLE_RADIO;
  if (GTK_IS_TEXT (widget) && GTK_IS_SPIN_BUTTON (gtk_widget_get_parent (widget)))
    return role == GTK_ACCESSIBLE_ROLE_SPIN_BUTTON;
  if (GTK_IS_TEXT (widget))
    return role == GTK_ACCESSIBLE_ROLE_TEXT_BOX || role == GTK_ACCESSIBLE_ROLE_SEARCH_BOX;
  /* libadwaita 1.2 makes the row the text box (its GtkText has the role "none"); newer ones make the
   * row a list item and its GtkText the text box, which this walk checks as a text of its own */
  if (ADW_IS_ENTRY_ROW (widget))
    return role == GTK_ACCESSIBLE_ROLE_TEXT_BOX
           || (adw_get_minor_version () > 2 && role == GTK_ACCESSIBLE_ROLE_LIST_ITEM);
  if (ADW_IS_COMBO_ROW (widget))
    return role == GTK_ACCESSIBLE_ROLE_COMBO_BOX;
  if (GTK_IS_LIST_BOX_ROW (widget))
    return role == GTK_ACCESSIBLE_ROLE_LIST_ITEM || role == GTK_ACCESSIBLE_ROLE_BUTTON;
  if (is_list_row (widget))
    return role == GTK_ACCESSIBLE_ROLE_LIST_ITEM || role == GTK_ACCESSIBLE_ROLE_ROW;
  return TRUE;
}

/* What is wrong with @widget's name, or NULL. */
static char *
name_problem (GtkWidget *widget)
{
  g_autofree char *label = accessible_label (widget);

  /* A libadwaita row is labelled by its title label (and described by its subtitle). */
  if ((label == NULL || *label == '\0') && ADW_IS_PREFERENCES_ROW (widget) &&
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

      if (title == NULL || *title == '\0')
        return g_strdup ("a row without a title");
      if (adw_preferences_row_get_use_underline (ADW_PREFERENCES_ROW (widget)) && strchr (title, '_') != NULL)
        return g_strdup_printf ("mnemonic underscore in “%s”", title);
      return NULL;
    }
  if (label == NULL || *label == '\0')
    {
      /* A row's check button or switch may be labelled by the row's title. */
      if ((GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SWITCH (widget)) &&
          gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        return NULL;
      /* An entry's text is named by its row or entry (labelled-by), as GTK sets it up. */
      if (GTK_IS_TEXT (widget) &&
          gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        return NULL;
      if (GTK_IS_TEXT (widget) &&
          gtk_test_accessible_has_property (GTK_ACCESSIBLE (gtk_widget_get_parent (widget)),
                                            GTK_ACCESSIBLE_PROPERTY_LABEL))
        return NULL;
      return g_strdup ("no accessible name");
    }
  if (strstr (label, "GtkImage") != NULL || strstr (label, "AdwGizmo") != NULL)
    return g_strdup_printf ("named “%s”", label);
  if (GTK_IS_BUTTON (widget) && gtk_button_get_use_underline (GTK_BUTTON (widget)) && strchr (label, '_') != NULL)
    return g_strdup_printf ("mnemonic underscore in “%s”", label);
  /* Named by the label property and also labelled by a child: GTK 4.8 reads both ("_Console Console"),
   * or the child's empty image name ("GtkImage"). */
  if (GTK_IS_BUTTON (widget) &&
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return g_strdup_printf ("“%s”, but also labelled by its child", label);
  /* the same with a row's title: AT-SPI reads "TPM 2.0 TPM 2.0" */
  if ((GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
       GTK_IS_SPIN_BUTTON (gtk_widget_get_parent (widget)) || GTK_IS_SPIN_BUTTON (widget)) &&
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return g_strdup_printf ("“%s”, but also labelled by its row", label);
  return NULL;
}

static void
describe (GtkWidget *widget,
          GString   *path)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      g_string_prepend (path, G_OBJECT_TYPE_NAME (w));
      if (gtk_widget_get_parent (w) != NULL)
        g_string_prepend (path, " > ");
      if (CORRAL_IS_WINDOW (w) || GTK_IS_WINDOW (w))
        break;
    }
}

/* Walks what is shown below @root; adds a line per problem to @problems. Returns how many interactive
 * widgets it checked. */
static guint
check_tree (GtkWidget *root,
            GString   *problems)
{
  guint checked = 0;

  if (!gtk_widget_get_mapped (root))
    return 0;
  /* A widget with the role "none" is not exposed to assistive technologies at all (GTK 4.8 gives the
   * text and buttons inside a GtkSpinButton, and an AdwEntryRow's text, that role; their owner is what a
   * screen reader reads): nothing to check there. */
  if (is_interactive (root) &&
      gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (root)) != GTK_ACCESSIBLE_ROLE_NONE)
    {
      g_autofree char *problem = name_problem (root);

      checked++;
      if (problem == NULL && !role_is_right (root))
        problem = g_strdup_printf ("role %d", gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (root)));
      if (problem != NULL)
        {
          g_autoptr(GString) path = g_string_new (NULL);

          describe (root, path);
          g_string_append_printf (problems, "  %s: %s\n", path->str, problem);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    checked += check_tree (child, problems);
  return checked;
}

static void
assert_tree_named (GtkWidget  *root,
                   const char *what)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  guint checked = check_tree (root, problems);

  g_test_message ("%s: %u interactive widgets checked", what, checked);
  g_assert_cmpuint (checked, >, 0);
  if (problems->len > 0)
    g_error ("%s: interactive widgets a screen reader gets wrong:\n%s", what, problems->str);
}

/* The list row around @name's guest row. */
static GtkWidget *
list_row_of (CorralWindow *window,
             const char   *name)
{
  GtkWidget *label = corral_test_find_label (GTK_WIDGET (corral_window_get_list_view (window)), name);
  GtkWidget *row = label != NULL ? gtk_widget_get_ancestor (label, CORRAL_TYPE_GUEST_ROW) : NULL;

  return row != NULL ? gtk_widget_get_parent (row) : NULL;
}

static void
test_window_names (Fixture       *fixture,
                   gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  CorralConnection *demo = open_demo (fixture);
  CorralGuest *database = corral_test_find_guest (demo, "database");
  GtkWidget *detail = corral_window_get_detail (window);
  GtkWidget *row;
  g_autofree char *name = NULL;

  g_assert_true (corral_window_select_guest (window, database));
  WAIT_FOR (gtk_widget_get_mapped (detail));
  corral_test_drain (300);
  assert_tree_named (GTK_WIDGET (window), "window, a guest selected");

  /* Each guest row says the guest and its state, and follows the state. */
  row = list_row_of (window, "database");
  name = accessible_label (row);
  /* with the address the test driver makes up for it */
  g_assert_true (g_str_has_prefix (name, "database, Running · 192.168.122."));
  g_clear_pointer (&name, g_free);
  name = accessible_label (list_row_of (window, "mail"));
  g_assert_cmpstr (name, ==, "mail, Paused");
  g_clear_pointer (&name, g_free);
  name = accessible_label (list_row_of (window, "backup"));
  g_assert_cmpstr (name, ==, "backup, Shut off");
  g_clear_pointer (&name, g_free);

  g_assert_true (gtk_widget_activate_action (detail, "guest.shutdown", NULL));
  WAIT_FOR (corral_guest_get_state (database) == CORRAL_GUEST_STATE_SHUTOFF);
  corral_test_drain (100);
  name = accessible_label (list_row_of (window, "database"));
  g_assert_cmpstr (name, ==, "database, Shut off");

  /* a console tab open: the tab bar's buttons too */
  corral_window_open_console (window, database);
  corral_test_drain (300);
  assert_tree_named (GTK_WIDGET (window), "window, a console tab open");
}

static void
test_no_libvirt_names (Fixture       *fixture,
                       gconstpointer  data)
{
  corral_window_set_no_libvirt (fixture->window, "qemu:///system: Failed to connect socket");
  corral_test_drain (300);
  assert_tree_named (GTK_WIDGET (fixture->window), "no-libvirt page");
}

static void
test_dialog_names (Fixture       *fixture,
                   gconstpointer  data)
{
  CorralConnection *demo = open_demo (fixture);
  GtkWindow *dialog;
  GtkWidget *row;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-connection", NULL));
  WAIT_FOR ((dialog = corral_test_find_toplevel (CORRAL_TYPE_ADD_CONNECTION_DIALOG)) != NULL);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  corral_test_drain (200);
  assert_tree_named (GTK_WIDGET (dialog), "Add Connection");
  gtk_window_destroy (dialog);

  row = corral_test_find_type (GTK_WIDGET (corral_window_get_list_view (fixture->window)), CORRAL_TYPE_CONNECTION_ROW);
  g_assert_true (gtk_widget_activate_action (row, "connection.properties", NULL));
  WAIT_FOR ((dialog = corral_test_find_toplevel (CORRAL_TYPE_CONNECTION_DIALOG)) != NULL);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  corral_test_drain (200);
  assert_tree_named (GTK_WIDGET (dialog), "connection properties");
  g_assert_true (corral_connection_dialog_get_connection (CORRAL_CONNECTION_DIALOG (dialog)) == demo);
  gtk_window_destroy (dialog);

  {
    g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/corralvm/Corral/gtk/help-overlay.ui");
    GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));

    gtk_window_set_transient_for (GTK_WINDOW (overlay), GTK_WINDOW (fixture->window));
    /* as corral_application_activate () does for the one GTK loads */
    corral_a11y_fix_names (overlay);
    gtk_window_present (GTK_WINDOW (overlay));
    WAIT_FOR (gtk_widget_get_mapped (overlay));
    corral_test_drain (200);
    assert_tree_named (overlay, "shortcuts window");
    gtk_window_destroy (GTK_WINDOW (overlay));
  }
}

static GtkWidget *
wizard_child (GtkWidget  *wizard,
              const char *name)
{
  GObject *object = gtk_widget_get_template_child (wizard, CORRAL_TYPE_NEW_GUEST_WINDOW, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

/* The new-guest wizard, page by page, with two connections (so that its connection row is a choice)
 * and a disk image to import (so that every page can be reached without an ISO). */
static void
test_wizard_names (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char * const pages[] = { "source", "os", "resources", "disk", "network", "review" };
  g_autofree char *node = g_build_filename (g_getenv ("CORRAL_SOURCE_DIR"), "tests", "edit", "node.xml",
                                            NULL);
  g_autofree char *uri = g_strconcat ("test://", node, NULL);
  g_autofree char *dir = g_dir_make_tmp ("corral-a11y-XXXXXX", NULL);
  g_autofree char *image = g_build_filename (dir, "old.img", NULL);
  CorralConnection *other;
  GtkWidget *wizard;
  GtkSingleSelection *os;

  open_demo (fixture);
  other = corral_manager_add_connection (fixture->manager, uri);
  corral_connection_open_async (other, NULL, NULL, NULL);
  WAIT_FOR (corral_connection_get_status (other) == CORRAL_CONNECTION_STATUS_CONNECTED);
  g_assert_true (g_file_set_contents (image, "", 0, NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-guest", NULL));
  WAIT_FOR ((wizard = GTK_WIDGET (corral_test_find_toplevel (CORRAL_TYPE_NEW_GUEST_WINDOW))) != NULL);
  g_object_add_weak_pointer (G_OBJECT (wizard), (gpointer *) &wizard);
  WAIT_FOR (gtk_widget_get_mapped (wizard));
  g_assert_true (gtk_widget_get_mapped (wizard_child (wizard, "connection_combo")));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (wizard_child (wizard, "import_check")), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (wizard_child (wizard, "import_entry")), image);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *what = g_strdup_printf ("wizard page “%s”", pages[i]);

      WAIT_FOR (g_strcmp0 (corral_new_guest_window_get_page (CORRAL_NEW_GUEST_WINDOW (wizard)),
                           pages[i]) == 0);
      WAIT_FOR (!gtk_stack_get_transition_running (GTK_STACK (wizard_child (wizard, "stack"))));
      if (g_str_equal (pages[i], "os"))
        {
          WAIT_FOR ((os = GTK_SINGLE_SELECTION (gtk_list_view_get_model (
                       GTK_LIST_VIEW (wizard_child (wizard, "os_list"))))) != NULL);
          gtk_single_selection_set_selected (os, 0);
        }
      corral_test_drain (200);
      assert_tree_named (wizard, what);
      if (i + 1 < G_N_ELEMENTS (pages))
        {
          WAIT_FOR (gtk_widget_is_sensitive (wizard_child (wizard, "next_button")));
          g_assert_true (gtk_widget_activate_action (wizard, "wizard.next", NULL));
        }
    }
  gtk_window_destroy (GTK_WINDOW (wizard));
  WAIT_FOR (wizard == NULL);
  g_unlink (image);
  g_rmdir (dir);
}

/* --- keyboard only --- */

static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) "xdotool");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  corral_test_drain (150);
}

static char *
focus_window (GtkWindow *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  char *id;

  if (!GDK_IS_X11_SURFACE (surface))
    return NULL;
  id = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  xdotool ("windowfocus", "--sync", id, NULL);
  return id;
}

static GtkWidget *
focus (CorralWindow *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

/* The focus is on @name's row of the list: the row itself (GTK 4.8), or the row's own widget inside
 * it (newer GTK moves the list's keyboard focus into its items). */
static gboolean
focus_on_row (CorralWindow *window,
              const char   *name)
{
  GtkWidget *row = list_row_of (window, name);
  GtkWidget *widget = focus (window);

  return row != NULL && widget != NULL && (widget == row || gtk_widget_is_ancestor (widget, row));
}

/* Tab order (as GTK moves focus for Tab): the header's buttons, the list and its rows are all stops. */
static void
test_keyboard_tab_order (Fixture       *fixture,
                         gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  gboolean search = FALSE, menu = FALSE, new_guest = FALSE, guest_row = FALSE, connection_menu = FALSE;

  open_demo (fixture);
  corral_test_drain (200);
  for (guint i = 0; i < 80; i++)
    {
      GtkWidget *widget;

      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        continue;   /* wrapped around */
      widget = focus (window);
      g_assert_nonnull (widget);
      if (GTK_IS_TOGGLE_BUTTON (widget) && GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
        {
          if (gtk_widget_get_ancestor (widget, CORRAL_TYPE_CONNECTION_ROW) != NULL)
            connection_menu = TRUE;
          else
            menu = TRUE;
        }
      else if (GTK_IS_TOGGLE_BUTTON (widget))
        search = TRUE;
      else if (GTK_IS_ACTIONABLE (widget) &&
               g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.new-guest") == 0)
        new_guest = TRUE;
      else if (CORRAL_IS_GUEST_ROW (gtk_widget_get_first_child (widget)))
        guest_row = TRUE;
      /* a connection header is no stop of its own (its menu button is) */
      g_assert_false (CORRAL_IS_CONNECTION_ROW (gtk_widget_get_first_child (widget)));
    }
  g_assert_true (search);
  g_assert_true (menu);
  g_assert_true (new_guest);
  g_assert_true (guest_row);
  g_assert_true (connection_menu);
}

/* Real keys: Down moves through the list, Enter opens the focused guest's console (not the selected one),
 * Menu opens that row's menu, Ctrl+F searches. */
static void
test_keyboard_list (Fixture       *fixture,
                    gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  CorralConnection *demo = open_demo (fixture);
  AdwTabView *tabs = ADW_TAB_VIEW (corral_test_find_type (GTK_WIDGET (window), ADW_TYPE_TAB_VIEW));
  g_autofree char *id = NULL;
  GtkWidget *page, *popover;

  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)));
  corral_test_drain (300);
  id = focus_window (GTK_WINDOW (window));
  if (id == NULL)
    {
      g_test_skip ("Not an X11 display: real key presses need xdotool on X11");
      return;
    }
  g_assert_true (corral_window_select_guest (window, corral_test_find_guest (demo, "backup")));
  /* the focus onto "database" with a real click, as a user moves it (newer GTK's list follows its own
   * cursor for the arrow keys, which a plain grab_focus on a row does not move) */
  {
    graphene_point_t point;
    g_autofree char *x = NULL, *y = NULL;

    g_assert_true (gtk_widget_compute_point (list_row_of (window, "database"), GTK_WIDGET (window),
                                             &GRAPHENE_POINT_INIT (20, 10), &point));
    x = g_strdup_printf ("%d", (int) point.x);
    y = g_strdup_printf ("%d", (int) point.y);
    xdotool ("mousemove", "--window", id, x, y, "click", "1", NULL);
    WAIT_FOR (focus_on_row (window, "database"));
  }
  corral_test_drain (100);
  g_assert_true (focus_on_row (window, "database"));
  xdotool ("key", "Down", NULL);
  WAIT_FOR (focus_on_row (window, "dev-desktop"));
  xdotool ("key", "Return", NULL);
  WAIT_FOR (CORRAL_IS_CONSOLE_PAGE (adw_tab_page_get_child (adw_tab_view_get_selected_page (tabs))));
  page = adw_tab_page_get_child (adw_tab_view_get_selected_page (tabs));
  g_assert_cmpstr (corral_guest_get_name (corral_console_page_get_guest (CORRAL_CONSOLE_PAGE (page))), ==,
                   "dev-desktop");

  /* A click on the guest already selected, while its console is in front: its details again. */
  {
    GtkWidget *row = list_row_of (window, "dev-desktop");
    graphene_point_t point;
    g_autofree char *x = NULL, *y = NULL;

    g_assert_true (gtk_widget_compute_point (row, GTK_WIDGET (window), &GRAPHENE_POINT_INIT (20, 10), &point));
    x = g_strdup_printf ("%d", (int) point.x);
    y = g_strdup_printf ("%d", (int) point.y);
    xdotool ("mousemove", "--window", id, x, y, "click", "1", NULL);
    WAIT_FOR (adw_tab_view_get_selected_page (tabs) == adw_tab_view_get_nth_page (tabs, 0));
    corral_test_drain (200);
    corral_test_screenshot (GTK_WIDGET (window), "window-click-selected-shows-details.png");
  }

  /* Menu on a row: its context menu, for that guest. */
  gtk_widget_grab_focus (list_row_of (window, "webserver"));
  corral_test_drain (100);
  xdotool ("key", "Menu", NULL);
  WAIT_FOR ((popover = corral_test_find_type (list_row_of (window, "webserver"), GTK_TYPE_POPOVER_MENU)) != NULL &&
            gtk_widget_get_mapped (popover));
  g_assert_cmpstr (corral_guest_get_name (corral_guest_detail_get_guest (
                     CORRAL_GUEST_DETAIL (corral_window_get_detail (window)))), ==, "webserver");
  corral_test_screenshot (GTK_WIDGET (window), "window-row-menu.png");
  corral_test_screenshot (popover, "window-row-menu-popover.png");
  xdotool ("key", "Escape", NULL);
  WAIT_FOR (!gtk_widget_get_mapped (popover));

  /* Delete on the focused row: the guest page's confirmation for that guest (answered No here). */
  gtk_widget_grab_focus (list_row_of (window, "webserver"));
  corral_test_drain (100);
  xdotool ("key", "Delete", NULL);
  WAIT_FOR (corral_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL);
  gtk_window_destroy (corral_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  corral_test_drain (100);
  g_assert_nonnull (corral_test_find_guest (demo, "webserver"));
  focus_window (GTK_WINDOW (window));

  /* Ctrl+F: the search entry, focused */
  xdotool ("key", "ctrl+f", NULL);
  WAIT_FOR (GTK_IS_TEXT (focus (window)) && gtk_widget_get_ancestor (focus (window), GTK_TYPE_SEARCH_ENTRY) != NULL);
}

/* Without a daemon, Tab alone reaches the demo button, and Space presses it. */
static void
test_keyboard_demo_button (Fixture       *fixture,
                           gconstpointer  data)
{
  CorralWindow *window = fixture->window;
  g_autofree char *id = NULL;
  gboolean reached = FALSE;

  corral_window_set_no_libvirt (window, "qemu:///system: Failed to connect socket");
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)));
  corral_test_drain (300);
  id = focus_window (GTK_WINDOW (window));
  if (id == NULL)
    {
      g_test_skip ("Not an X11 display: real key presses need xdotool on X11");
      return;
    }
  for (guint i = 0; i < 30 && !reached; i++)
    {
      GtkWidget *widget;

      xdotool ("key", "Tab", NULL);
      widget = focus (window);
      reached = GTK_IS_ACTIONABLE (widget) &&
                g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.connect-demo") == 0;
    }
  g_assert_true (reached);
  corral_test_screenshot (GTK_WIDGET (window), "keyboard-demo-button-focused.png");
  xdotool ("key", "space", NULL);
  WAIT_FOR (g_list_model_get_n_items (corral_manager_get_connections (fixture->manager)) == 1);
  WAIT_FOR (corral_test_find_label (GTK_WIDGET (corral_window_get_list_view (window)), "webserver") != NULL);
}

int
main (int   argc,
      char *argv[])
{
  /* GTK's test accessibility backend: accessible properties, roles and relations are kept and can be
   * asked (tests/meson.build sets GTK_A11Y=none for the other UI tests). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run under xvfb-run (the README's test command does)");
      return g_test_run ();
    }
  adw_init ();
  gvir_init_object (NULL, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (css, "/org/corralvm/Corral/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/gui/a11y/window", test_window_names);
  ADD ("/gui/a11y/no-libvirt", test_no_libvirt_names);
  ADD ("/gui/a11y/dialogs", test_dialog_names);
  ADD ("/gui/a11y/wizard", test_wizard_names);
  ADD ("/gui/a11y/keyboard/tab-order", test_keyboard_tab_order);
  ADD ("/gui/a11y/keyboard/list", test_keyboard_list);
  ADD ("/gui/a11y/keyboard/demo-button", test_keyboard_demo_button);
#undef ADD

  return g_test_run ();
}
