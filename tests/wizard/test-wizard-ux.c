/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a new user trips on in the new-guest wizard (issue 19), under Xvfb on libvirt's test driver
 * and GTK's test accessibility backend: the connection the guest will be made on, chosen on the
 * first page and named in the summary (two test-driver hosts); no error before any input; importing
 * a disk image (no "new volume" rows, the count marked when two guests would share it); the chosen
 * OS row marked and exposed as selected. Screenshots go to the build tree. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <osinfo/osinfo.h>

#include "corral-new-guest-window.h"
#include "corral-window.h"

#define TIMEOUT_S 30

#include "corral-test-gtk.h"
#include "wizard-test-util.h"

static char *iso_dir;
static char *iso_path;
static const char *skip_reason;
static char *data_dir;

typedef struct
{
  CorralManager *manager;
  CorralWindow  *window;
  CorralConnection *demo;
  CorralConnection *other;   /* tests/edit/node.xml, when the test asks for two hosts */
} Fixture;

static CorralConnection *
add_open (CorralManager *manager,
          const char    *uri)
{
  CorralConnection *connection = corral_manager_add_connection (manager, uri);

  corral_connection_open_async (connection, NULL, NULL, NULL);
  WAIT_FOR (corral_connection_get_status (connection) == CORRAL_CONNECTION_STATUS_CONNECTED);
  return connection;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  gboolean two = GPOINTER_TO_INT (data);

  if (skip_reason != NULL)
    return;
  fixture->manager = corral_manager_new ();
  fixture->demo = add_open (fixture->manager, CORRAL_DEMO_URI);
  if (two)
    {
      g_autofree char *node = g_build_filename (g_getenv ("CORRAL_SOURCE_DIR"), "tests", "edit",
                                                "node.xml", NULL);
      g_autofree char *uri = g_strconcat ("test://", node, NULL);

      fixture->other = add_open (fixture->manager, uri);
    }
  fixture->window = g_object_ref (corral_window_new (NULL, fixture->manager));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->window == NULL)
    return;
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  corral_test_drain (100);
  g_assert_finalize_object (fixture->window);
  g_clear_object (&fixture->manager);
}

static GObject *
template_object (CorralNewGuestWindow *wizard,
                 const char           *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (wizard), CORRAL_TYPE_NEW_GUEST_WINDOW, name);
}

static gboolean
has_error_style (GtkWidget *widget)
{
  return gtk_widget_has_css_class (widget, "error");
}

/* Whether a user sees @widget: shown, and inside a shown page */
static gboolean
shown (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget);
}

static void
pick_os (CorralNewGuestWindow *wizard,
         const char           *search,
         const char           *name)
{
  GtkSingleSelection *selection =
    GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (child (wizard, "os_list"))));

  WAIT_FOR (selection != NULL
            || (selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (
                  GTK_LIST_VIEW (child (wizard, "os_list"))))) != NULL);
  set_text (wizard, "os_search", search);
  WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (selection)) >= 1
            && g_list_model_get_n_items (G_LIST_MODEL (selection)) < 100);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (selection)); i++)
    {
      g_autoptr(OsinfoProduct) item = g_list_model_get_item (G_LIST_MODEL (selection), i);

      if (g_strcmp0 (osinfo_product_get_name (item), name) == 0)
        gtk_single_selection_set_selected (selection, i);
    }
  g_assert_cmpstr (osinfo_product_get_name (gtk_single_selection_get_selected_item (selection)),
                   ==, name);
  corral_test_drain (50);
}

/* Point 10: the wizard opens without an error; the errors show once the user has typed, or pressed
 * Enter (Next) on the empty field. Point 3 with one connection: shown, read-only. */
static void
test_first_page (Fixture       *fixture,
                 gconstpointer  data)
{
  CorralNewGuestWindow *wizard;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  wizard = open_wizard (GTK_WIDGET (fixture->window));
  page_screenshot (wizard, "ux-1-source-untouched.png");

  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "source");
  g_assert_null (error_text (wizard));
  g_assert_false (has_error_style (child (wizard, "iso_entry")));
  g_assert_false (next_enabled (wizard));

  /* one connection: named, not a choice */
  g_assert_true (shown (child (wizard, "connection_row")));
  g_assert_false (shown (child (wizard, "connection_combo")));
  g_assert_cmpstr (row_subtitle (wizard, "connection_row"), ==,
                   corral_connection_get_title (fixture->demo));

  /* typed: the errors show as before */
  set_text (wizard, "iso_entry", "/nonexistent/x.iso");
  WAIT_FOR (g_strcmp0 (error_text (wizard),
                       "There is no file “/nonexistent/x.iso”: choose another one") == 0);
  set_text (wizard, "iso_entry", "");
  g_assert_cmpstr (error_text (wizard), ==, "Choose an install image (ISO file), or drop one here");
  page_screenshot (wizard, "ux-1-source-touched.png");
  close_wizard (wizard);

  /* Enter in the empty field is pressing Next: now the user is told what is missing */
  wizard = open_wizard (GTK_WIDGET (fixture->window));
  g_assert_null (error_text (wizard));
  g_signal_emit_by_name (child (wizard, "iso_entry"), "entry-activated");
  corral_test_drain (50);
  g_assert_cmpstr (error_text (wizard), ==, "Choose an install image (ISO file), or drop one here");
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "source");
  close_wizard (wizard);
}

/* Point 3: two hosts. The first page offers both, the core's pick first; choosing the other one
 * brings its pools and networks; the summary names it; the guest is made there. */
static void
test_connection_choice (Fixture       *fixture,
                        gconstpointer  data)
{
  CorralNewGuestWindow *wizard;
  AdwComboRow *combo;
  GListModel *connections, *networks;
  GtkWidget *next;
  gboolean other_network = FALSE;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  g_assert_true (corral_manager_pick_connection_for_new_guest (fixture->manager) == fixture->demo);
  wizard = open_wizard (GTK_WIDGET (fixture->window));
  g_object_add_weak_pointer (G_OBJECT (wizard), (gpointer *) &wizard);
  page_screenshot (wizard, "ux-2-source-two-hosts.png");
  next = child (wizard, "next_button");

  combo = ADW_COMBO_ROW (child (wizard, "connection_combo"));
  g_assert_true (shown (GTK_WIDGET (combo)));
  g_assert_false (shown (child (wizard, "connection_row")));
  connections = adw_combo_row_get_model (combo);
  g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 2);
  g_assert_true (adw_combo_row_get_selected_item (combo) == (gpointer) fixture->demo);
  WAIT_FOR (combo_text (wizard, "pool_combo") != NULL);
  g_assert_nonnull (strstr (combo_text (wizard, "pool_combo"), "default-pool"));

  /* the other host: its own pool and networks, fetched anew */
  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (connections, i);

      if (item == (gpointer) fixture->other)
        adw_combo_row_set_selected (combo, i);
    }
  g_assert_true (adw_combo_row_get_selected_item (combo) == (gpointer) fixture->other);
  WAIT_FOR (combo_text (wizard, "pool_combo") != NULL
            && strstr (combo_text (wizard, "pool_combo"), "edit-pool") != NULL);
  networks = G_LIST_MODEL (template_object (wizard, "network_model"));
  for (guint i = 0; i < g_list_model_get_n_items (networks); i++)
    other_network |= g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (networks), i),
                                "other") == 0;
  g_assert_true (other_network);
  page_screenshot (wizard, "ux-2-source-other-host.png");

  set_text (wizard, "iso_entry", iso_path);
  WAIT_FOR (next_enabled (wizard));
  click (next);
  WAIT_FOR (next_enabled (wizard));   /* detected */
  for (guint i = 0; i < 4; i++)   /* OS, resources, disk, network */
    click (next);
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "review");
  g_assert_cmpstr (row_subtitle (wizard, "summary_connection"), ==,
                   corral_connection_get_title (fixture->other));
  g_assert_nonnull (strstr (row_subtitle (wizard, "summary_disk"), "edit-pool"));
  /* a name ending in a digit: the guests are told apart by a separator (point 5) */
  set_text (wizard, "name_entry", "debian11");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (wizard, "count_spin")), 3);
  corral_test_drain (50);
  g_assert_cmpstr (row_subtitle (wizard, "count_row"), ==,
                   "Each with its own disk, named debian11-1 … debian11-3");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (wizard, "count_spin")), 1);
  gtk_switch_set_active (GTK_SWITCH (child (wizard, "start_switch")), FALSE);
  set_text (wizard, "name_entry", "elsewhere");
  WAIT_FOR (next_enabled (wizard));
  page_screenshot (wizard, "ux-2-review-other-host.png");

  /* Enter in the name field presses Create */
  g_signal_emit_by_name (child (wizard, "name_entry"), "entry-activated");
  WAIT_FOR (wizard == NULL);
  WAIT_FOR (corral_test_find_guest (fixture->other, "elsewhere") != NULL);
  g_assert_null (corral_test_find_guest (fixture->demo, "elsewhere"));
}

/* Point 5: a disk image to import. The disk page offers no new volume and says the image is used;
 * two guests cannot share it, and the count says so, not the name. */
static void
test_import_disk (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *image = NULL;
  CorralNewGuestWindow *wizard;
  GtkWidget *next;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  image = g_build_filename (iso_dir, "old-server.qcow2", NULL);
  g_assert_true (g_file_set_contents (image, "QFI\xfb", 4, NULL));

  wizard = open_wizard (GTK_WIDGET (fixture->window));
  next = child (wizard, "next_button");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (wizard, "import_check")), TRUE);
  set_text (wizard, "import_entry", image);
  WAIT_FOR (next_enabled (wizard));
  click (next);
  pick_os (wizard, "generic linux", "Generic Linux 2022");
  g_assert_true (next_enabled (wizard));
  click (next);   /* resources */
  click (next);
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "disk");
  page_screenshot (wizard, "ux-3-disk-import.png");
  g_assert_false (shown (child (wizard, "size_row")));
  g_assert_false (shown (child (wizard, "pool_combo")));
  g_assert_false (shown (child (wizard, "pool_check")));
  g_assert_false (shown (child (wizard, "nodisk_check")));
  g_assert_true (shown (child (wizard, "imported_row")));
  g_assert_cmpstr (row_subtitle (wizard, "imported_row"), ==, image);
  g_assert_true (next_enabled (wizard));
  click (next);   /* network */
  click (next);
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "review");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (wizard, "name_entry"))), ==,
                   "linux2022");
  g_assert_cmpstr (row_subtitle (wizard, "summary_disk"), ==, image);
  g_assert_true (next_enabled (wizard));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (wizard, "count_spin")), 2);
  corral_test_drain (50);
  page_screenshot (wizard, "ux-3-review-import-two.png");
  g_assert_nonnull (error_text (wizard));
  g_assert_true (g_str_has_prefix (error_text (wizard),
                                   "Several guests cannot share one existing disk"));
  g_assert_false (next_enabled (wizard));
  g_assert_true (has_error_style (child (wizard, "count_spin")));
  g_assert_false (has_error_style (child (wizard, "name_entry")));

  /* a taken name still marks the name */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (wizard, "count_spin")), 1);
  set_text (wizard, "name_entry", "test");
  g_assert_true (has_error_style (child (wizard, "name_entry")));
  g_assert_false (has_error_style (child (wizard, "count_spin")));

  close_wizard (wizard);
  g_unlink (image);
}

/* Point 6: the chosen OS row is marked with a check, and a screen reader hears it selected. */
static void
test_os_row_selected (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *image = NULL;
  CorralNewGuestWindow *wizard;
  GtkWidget *label, *item = NULL, *check;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  image = g_build_filename (iso_dir, "any.img", NULL);
  g_assert_true (g_file_set_contents (image, "", 0, NULL));
  wizard = open_wizard (GTK_WIDGET (fixture->window));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (wizard, "import_check")), TRUE);
  set_text (wizard, "import_entry", image);
  WAIT_FOR (next_enabled (wizard));
  click (child (wizard, "next_button"));
  pick_os (wizard, "debian", "Debian 11");
  page_screenshot (wizard, "ux-4-os-chosen.png");

  WAIT_FOR ((label = corral_test_find_label (child (wizard, "os_list"), "Debian 11")) != NULL);
  /* the row around the label: the list's own row widget */
  for (GtkWidget *w = label; w != NULL && w != child (wizard, "os_list"); w = gtk_widget_get_parent (w))
    if (gtk_widget_get_parent (w) == child (wizard, "os_list"))
      item = w;
  g_assert_nonnull (item);
  check = corral_test_find_type (item, GTK_TYPE_IMAGE);
  g_assert_nonnull (check);
  g_assert_true (gtk_widget_get_visible (check));
  g_assert_true (gtk_widget_get_mapped (check));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_STATE_SELECTED, TRUE);

  /* another row: no check */
  label = corral_test_find_label (child (wizard, "os_list"), "Debian 10");
  g_assert_nonnull (label);
  for (GtkWidget *w = label; w != NULL; w = gtk_widget_get_parent (w))
    if (gtk_widget_get_parent (w) == child (wizard, "os_list"))
      item = w;
  check = corral_test_find_type (item, GTK_TYPE_IMAGE);
  g_assert_true (check == NULL || !gtk_widget_get_visible (check));
  /* GTK 4.8 leaves a row that was never selected "undefined", which reads as not selected */
  if (gtk_test_accessible_has_state (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_STATE_SELECTED))
    {
      g_autofree char *differs = gtk_test_accessible_check_state (GTK_ACCESSIBLE (item),
                                                                  GTK_ACCESSIBLE_STATE_SELECTED,
                                                                  FALSE);

      g_assert_null (differs);
    }

  close_wizard (wizard);
  g_unlink (image);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status = 0, ret;

  /* GTK's test accessibility backend, for what a screen reader would be told */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_test_init (&argc, &argv, NULL);

  data_dir = g_dir_make_tmp ("corral-wizard-ux-data-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);

  if (!gtk_init_check ())
    skip_reason = "no display: run under xvfb-run";
  else
    {
      g_autofree char *script = g_build_filename (g_getenv ("CORRAL_SOURCE_DIR"), "tests", "wizard",
                                                  "make-test-iso", NULL);
      const char *iso_argv[] = { script, NULL, NULL };

      adw_init ();
      iso_dir = g_dir_make_tmp ("corral-wizard-ux-XXXXXX", &error);
      g_assert_no_error (error);
      iso_path = g_build_filename (iso_dir, "debian-11.5.0-amd64-netinst.iso", NULL);
      iso_argv[1] = iso_path;
      g_spawn_sync (NULL, (char **) iso_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                    &status, &error);
      g_assert_no_error (error);
      if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
        skip_reason = "cannot build the test ISO: install isolinux, syslinux-common and xorriso";
      else
        g_assert_true (g_spawn_check_wait_status (status, NULL));
    }

  g_test_add ("/wizard/ux/first-page", Fixture, GINT_TO_POINTER (FALSE), fixture_setup,
              test_first_page, fixture_teardown);
  g_test_add ("/wizard/ux/connection-choice", Fixture, GINT_TO_POINTER (TRUE), fixture_setup,
              test_connection_choice, fixture_teardown);
  g_test_add ("/wizard/ux/import-disk", Fixture, GINT_TO_POINTER (FALSE), fixture_setup,
              test_import_disk, fixture_teardown);
  g_test_add ("/wizard/ux/os-row-selected", Fixture, GINT_TO_POINTER (FALSE), fixture_setup,
              test_os_row_selected, fixture_teardown);
  ret = g_test_run ();

  {
    g_autofree char *xbel = g_build_filename (data_dir, "recently-used.xbel", NULL);

    g_unlink (xbel);
    g_rmdir (data_dir);
  }
  if (iso_path != NULL)
    g_unlink (iso_path);
  if (iso_dir != NULL)
    g_rmdir (iso_dir);
  return ret;
}
