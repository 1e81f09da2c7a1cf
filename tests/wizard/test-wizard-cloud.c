/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The wizard's cloud-image path (issue 17) under Xvfb on libvirt's test driver: the Cloud image
 * source, the login page (the user's keys from a temporary HOME's ~/.ssh, made by ssh-keygen, with
 * private keys there and one under a .pub name that must not be offered; a pasted key; a password),
 * the disk page (a pool only, overlay or full copy), the review page's rows and the spec Create
 * would make. Bad input is refused with the message a user reads: a user name that breaks the rules,
 * a pasted private key (taken out of the field), passwords that differ; Create only once all is
 * valid. Screenshots of every page go to the build tree's tests/screenshots. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <osinfo/osinfo.h>

#include "corral-cloud-init.h"
#include "corral-new-guest-window.h"
#include "corral-window.h"

#define TIMEOUT_S 30

#include "corral-test-gtk.h"
#include "wizard-test-util.h"

static const char *skip_reason;
static char *work_dir;      /* HOME, XDG_DATA_HOME, the image and the keys made for the test */
static char *image_path;
static char *ed25519_pub;   /* the lines of the two keys in ~/.ssh and of the one pasted */
static char *rsa_pub;
static char *pasted_pub;
static char *private_key;   /* ~/.ssh/id_ed25519 */

typedef struct
{
  CorralManager *manager;
  CorralWindow  *window;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  CorralConnection *connection;

  if (skip_reason != NULL)
    return;
  fixture->manager = corral_manager_new ();
  connection = corral_manager_add_connection (fixture->manager, CORRAL_DEMO_URI);
  corral_connection_open_async (connection, NULL, NULL, NULL);
  WAIT_FOR (corral_connection_get_status (connection) == CORRAL_CONNECTION_STATUS_CONNECTED);
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

static gboolean
has_error_style (CorralNewGuestWindow *wizard,
                 const char           *name)
{
  return gtk_widget_has_css_class (child (wizard, name), "error");
}

static const char *
step_text (CorralNewGuestWindow *wizard)
{
  return adw_window_title_get_subtitle (ADW_WINDOW_TITLE (child (wizard, "window_title")));
}

static void
pick_os (CorralNewGuestWindow *wizard,
         const char           *search,
         const char           *name)
{
  GtkSingleSelection *selection = NULL;

  WAIT_FOR ((selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (
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

/* The key rows of the login page: title → row */
static GHashTable *
key_rows (CorralNewGuestWindow *wizard)
{
  GHashTable *rows = g_hash_table_new (g_str_hash, g_str_equal);
  GtkWidget *list = child (wizard, "keys_list");

  for (GtkWidget *w = gtk_widget_get_first_child (list); w != NULL; w = gtk_widget_get_next_sibling (w))
    if (ADW_IS_ACTION_ROW (w) && gtk_widget_get_parent (w) == list && gtk_widget_get_mapped (w))
      g_hash_table_insert (rows, (gpointer) adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), w);
  return rows;
}

static guint
count_key_rows (CorralNewGuestWindow *wizard)
{
  g_autoptr(GHashTable) rows = key_rows (wizard);

  return g_hash_table_size (rows);
}

static GtkCheckButton *
row_check (GtkWidget *row)
{
  GtkWidget *check = corral_test_find_type (row, GTK_TYPE_CHECK_BUTTON);

  g_assert_nonnull (check);
  return GTK_CHECK_BUTTON (check);
}

static char *
fingerprint (const char *line)
{
  g_autoptr(CorralSshKey) key = corral_cloud_parse_public_key (line, NULL);

  g_assert_nonnull (key);
  return g_strdup_printf ("%s · %s", key->type, key->fingerprint);
}

static char *
first_line (const char *text)
{
  return g_strstrip (g_strndup (text, strcspn (text, "\n")));
}

static void
test_cloud_path (Fixture       *fixture,
                 gconstpointer  data)
{
  CorralNewGuestWindow *wizard;
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(CorralGuestSpec) spec = NULL;
  g_autoptr(GError) user_error = NULL;
  g_autoptr(GError) private_error = NULL;
  g_autoptr(CorralSshKey) refused = NULL;
  g_autofree char *ed25519_line = first_line (ed25519_pub);
  g_autofree char *pasted_line = first_line (pasted_pub);
  g_autofree char *subtitle = NULL;
  const char *user = g_get_user_name ();
  GtkWidget *next, *row;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  wizard = open_wizard (GTK_WIDGET (fixture->window));
  next = child (wizard, "next_button");

  /* the source page: the third choice, its file looked at as for the others */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (wizard, "cloud_check")), TRUE);
  corral_test_drain (50);
  g_assert_true (gtk_widget_get_mapped (child (wizard, "cloud_entry")));
  g_assert_true (gtk_widget_is_sensitive (child (wizard, "cloud_entry")));
  g_assert_false (next_enabled (wizard));
  g_assert_cmpstr (error_text (wizard), ==, "Choose a cloud image (a qcow2 or raw disk image file)");
  set_text (wizard, "cloud_entry", "/nonexistent/debian-12-genericcloud-amd64.qcow2");
  WAIT_FOR (g_strcmp0 (error_text (wizard), "There is no file "
                       "“/nonexistent/debian-12-genericcloud-amd64.qcow2”: choose another one") == 0);
  g_assert_false (next_enabled (wizard));
  /* a file that is no disk image: what qemu-img makes of it, before Next */
  {
    g_autofree char *dir = g_path_get_dirname (image_path);
    g_autofree char *text = g_build_filename (dir, "notes.txt", NULL);
    g_autofree char *expected = g_strdup_printf ("“%s” is no disk image", text);

    g_assert_true (g_file_set_contents (text, "not a disk image\n", -1, NULL));
    set_text (wizard, "cloud_entry", text);
    WAIT_FOR (error_text (wizard) != NULL && g_str_has_prefix (error_text (wizard), expected));
    g_assert_false (next_enabled (wizard));
    g_unlink (text);
  }
  set_text (wizard, "cloud_entry", image_path);
  WAIT_FOR (next_enabled (wizard));
  g_assert_null (error_text (wizard));
  g_assert_cmpstr (step_text (wizard), ==, "Step 1 of 7: Install Source");
  page_screenshot (wizard, "cloud-1-source.png");
  click (next);

  /* the OS page: a cloud image is not examined */
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "os");
  g_assert_cmpstr (row_title (wizard, "detected_row"), ==, "Choose the system of the cloud image");
  pick_os (wizard, "debian", "Debian 11");
  WAIT_FOR (next_enabled (wizard));
  click (next);

  /* the login page: the user's name, their keys, all checked; no error before input */
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "identity");
  g_assert_cmpstr (step_text (wizard), ==, "Step 3 of 7: Login");
  WAIT_FOR (!gtk_stack_get_transition_running (GTK_STACK (child (wizard, "stack"))));
  WAIT_UNTIL (count_key_rows (wizard) == 2, 5000);
  rows = key_rows (wizard);
  g_assert_cmpuint (g_hash_table_size (rows), ==, 2);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (wizard, "user_entry"))), ==,
                   corral_cloud_check_user_name (user, NULL) ? user : "");
  g_assert_null (error_text (wizard));
  g_assert_false (has_error_style (wizard, "user_entry"));
  /* the two .pub files, by their comments; not the private keys, not a private key named .pub */
  row = g_hash_table_lookup (rows, "alice@laptop");
  g_assert_nonnull (row);
  subtitle = fingerprint (ed25519_pub);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, subtitle);
  g_assert_true (g_str_has_prefix (subtitle, "ssh-ed25519 · SHA256:"));
  g_assert_true (gtk_check_button_get_active (row_check (row)));
  row = g_hash_table_lookup (rows, "work@desk");
  g_assert_nonnull (row);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "ssh-rsa · SHA256:"));
  g_assert_true (gtk_check_button_get_active (row_check (row)));
  g_assert_null (corral_test_find_label (child (wizard, "keys_list"), "oops.pub"));
  page_screenshot (wizard, "cloud-2-login.png");

  /* a user name that breaks the rules: the core's message, the field marked, no Next */
  set_text (wizard, "user_entry", "Alice Smith");
  g_assert_false (corral_cloud_check_user_name ("Alice Smith", &user_error));
  g_assert_nonnull (user_error);
  g_assert_cmpstr (error_text (wizard), ==, user_error->message);
  g_assert_true (has_error_style (wizard, "user_entry"));
  g_assert_false (next_enabled (wizard));
  page_screenshot (wizard, "cloud-2-login-bad-user.png");
  set_text (wizard, "user_entry", "root");
  g_assert_nonnull (error_text (wizard));
  g_assert_false (next_enabled (wizard));
  set_text (wizard, "user_entry", "alice");
  g_assert_null (error_text (wizard));
  g_assert_false (has_error_style (wizard, "user_entry"));
  g_assert_true (next_enabled (wizard));

  /* Add Key…: a pasted private key is refused with why, and taken out of the field */
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (child (wizard, "paste_revealer"))));
  g_assert_false (gtk_widget_get_mapped (child (wizard, "paste_entry")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.add-key", NULL));
  WAIT_FOR (gtk_widget_get_mapped (child (wizard, "paste_entry")));
  g_assert_false (gtk_widget_get_visible (child (wizard, "paste_error_label")));   /* not before input */
  refused = corral_cloud_parse_public_key (private_key, &private_error);
  g_assert_null (refused);
  g_assert_nonnull (private_error);
  set_text (wizard, "paste_entry", private_key);
  g_assert_true (gtk_widget_get_visible (child (wizard, "paste_error_label")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child (wizard, "paste_error_label"))), ==,
                   private_error->message);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (wizard, "paste_entry"))), ==, "");
  g_assert_true (has_error_style (wizard, "paste_entry"));
  page_screenshot (wizard, "cloud-2-login-private-key.png");
  g_signal_emit_by_name (child (wizard, "paste_entry"), "apply");
  corral_test_drain (50);
  g_clear_pointer (&rows, g_hash_table_unref);
  g_assert_cmpuint (g_hash_table_size (rows = key_rows (wizard)), ==, 2);   /* nothing added */
  /* not a key at all */
  set_text (wizard, "paste_entry", "ssh-ed25519 this-is-no-key");
  g_assert_true (gtk_widget_get_visible (child (wizard, "paste_error_label")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child (wizard, "paste_error_label"))), !=, "");
  /* a public key: added, checked */
  set_text (wizard, "paste_entry", pasted_pub);
  g_assert_false (gtk_widget_get_visible (child (wizard, "paste_error_label")));
  g_signal_emit_by_name (child (wizard, "paste_entry"), "apply");
  corral_test_drain (300);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (child (wizard, "paste_revealer"))));
  g_clear_pointer (&rows, g_hash_table_unref);
  rows = key_rows (wizard);
  g_assert_cmpuint (g_hash_table_size (rows), ==, 3);
  row = g_hash_table_lookup (rows, "pasted@elsewhere");
  g_assert_nonnull (row);
  g_assert_true (gtk_check_button_get_active (row_check (row)));
  /* one of the user's keys left out */
  gtk_check_button_set_active (row_check (g_hash_table_lookup (rows, "work@desk")), FALSE);

  /* a password, confirmed */
  set_text (wizard, "password_entry", "s3cret pass");
  g_assert_cmpstr (error_text (wizard), ==, "Type the password again to confirm it");
  g_assert_false (next_enabled (wizard));
  set_text (wizard, "confirm_entry", "s3cret pas");
  g_assert_cmpstr (error_text (wizard), ==, "The passwords differ: type the same one twice");
  g_assert_true (has_error_style (wizard, "confirm_entry"));
  g_assert_false (next_enabled (wizard));
  set_text (wizard, "confirm_entry", "s3cret pass");
  g_assert_null (error_text (wizard));
  g_assert_true (next_enabled (wizard));
  g_assert_cmpstr (row_subtitle (wizard, "host_name_row"), ==,
                   "The guest’s name: debian11");
  page_screenshot (wizard, "cloud-2-login-filled.png");
  click (next);

  /* resources, then the disk page: a pool only, the size it is grown to, overlay or copy */
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "resources");
  click (next);
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "disk");
  WAIT_FOR (!gtk_stack_get_transition_running (GTK_STACK (child (wizard, "stack"))));
  g_assert_true (gtk_widget_get_mapped (child (wizard, "pool_combo")));
  g_assert_false (gtk_widget_get_mapped (child (wizard, "pool_row")));   /* the one kind: no choice */
  g_assert_true (gtk_widget_get_mapped (child (wizard, "size_row")));
  g_assert_cmpstr (row_subtitle (wizard, "size_row"), ==, "Each guest’s disk is grown to this size");
  g_assert_false (gtk_widget_get_mapped (child (wizard, "lvm_row")));
  g_assert_false (gtk_widget_get_mapped (child (wizard, "existing_row")));
  g_assert_false (gtk_widget_get_mapped (child (wizard, "nodisk_row")));
  g_assert_false (gtk_widget_get_mapped (child (wizard, "imported_row")));
  g_assert_true (gtk_widget_get_mapped (child (wizard, "cloud_disk_group")));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (child (wizard, "overlay_check"))));
  g_assert_nonnull (corral_test_find_label (child (wizard, "cloud_disk_group"),
                                            "Copy-on-write overlay (small, fast)"));
  page_screenshot (wizard, "cloud-3-disk.png");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (wizard, "full_copy_check")), TRUE);
  /* the disks are grown from the image (3 GiB, as qemu-img said): not smaller */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (wizard, "size_spin")), 2);
  corral_test_drain (50);
  g_assert_false (next_enabled (wizard));
  g_assert_true (g_str_has_prefix (error_text (wizard), "The disk is smaller than the cloud image ("));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (wizard, "size_spin")), 8);
  corral_test_drain (50);
  g_assert_true (next_enabled (wizard));
  click (next);
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "network");
  click (next);

  /* the review page: the image, the user, the keys, the copies */
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "review");
  g_assert_cmpstr (step_text (wizard), ==, "Step 7 of 7: Name and Review");
  set_text (wizard, "name_entry", "node");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (wizard, "count_spin")), 3);
  corral_test_drain (50);
  g_assert_cmpstr (row_title (wizard, "summary_source"), ==, "Cloud image");
  g_assert_cmpstr (row_subtitle (wizard, "summary_source"), ==, image_path);
  g_assert_true (gtk_widget_get_mapped (child (wizard, "summary_user")));
  g_assert_cmpstr (row_subtitle (wizard, "summary_user"), ==, "alice, with a password");
  g_assert_cmpstr (row_subtitle (wizard, "summary_keys"), ==, "2 keys");
  g_assert_cmpstr (row_subtitle (wizard, "summary_copy"), ==, "A full copy for each guest");
  g_assert_cmpstr (row_subtitle (wizard, "count_row"), ==, "Each with its own disk, named node1 … node3");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (next)), ==, "_Create");
  g_assert_true (next_enabled (wizard));
  page_screenshot (wizard, "cloud-4-review.png");

  /* the spec Create would make */
  spec = corral_new_guest_window_dup_spec (wizard);
  g_assert_cmpint (spec->source, ==, CORRAL_INSTALL_SOURCE_CLOUD_IMAGE);
  g_assert_cmpstr (spec->image_path, ==, image_path);
  g_assert_true (spec->full_copy);
  g_assert_cmpint (spec->disk_kind, ==, CORRAL_DISK_POOL);
  g_assert_cmpstr (spec->disk_location, ==, "default-pool");
  g_assert_true (g_str_has_prefix (combo_text (wizard, "pool_combo"), "default-pool "));
  g_assert_cmpuint (spec->disk_size, ==, G_GUINT64_CONSTANT (8) << 30);
  g_assert_cmpuint (spec->count, ==, 3);
  g_assert_nonnull (spec->identity);
  g_assert_cmpstr (spec->identity->user_name, ==, "alice");
  g_assert_cmpstr (spec->identity->password, ==, "s3cret pass");
  g_assert_cmpuint (g_strv_length (spec->identity->ssh_keys), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) spec->identity->ssh_keys, ed25519_line));
  g_assert_true (g_strv_contains ((const char * const *) spec->identity->ssh_keys, pasted_line));
  g_assert_true (corral_cloud_identity_check (spec->identity, NULL));

  /* Create only when valid */
  set_text (wizard, "name_entry", "");
  g_assert_false (next_enabled (wizard));
  set_text (wizard, "name_entry", "node");
  g_assert_true (next_enabled (wizard));

  /* back on the login page, the host names are the guests' */
  for (guint i = 0; i < 4; i++)   /* network, disk, resources, login */
    click (child (wizard, "back_button"));
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "identity");
  g_assert_cmpstr (row_subtitle (wizard, "host_name_row"), ==, "Each guest’s name: node1 … node3");
  page_screenshot (wizard, "cloud-2-login-host-names.png");
  click (child (wizard, "back_button"));
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "os");
  close_wizard (wizard);
}

/* The other sources keep their six pages: no login page, the disk page as it was. */
static void
test_other_sources (Fixture       *fixture,
                    gconstpointer  data)
{
  CorralNewGuestWindow *wizard;
  g_autoptr(CorralGuestSpec) spec = NULL;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  wizard = open_wizard (GTK_WIDGET (fixture->window));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (wizard, "import_check")), TRUE);
  set_text (wizard, "import_entry", image_path);
  WAIT_FOR (next_enabled (wizard));
  g_assert_cmpstr (step_text (wizard), ==, "Step 1 of 6: Install Source");
  click (child (wizard, "next_button"));
  pick_os (wizard, "generic linux", "Generic Linux 2022");
  click (child (wizard, "next_button"));
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "resources");
  g_assert_cmpstr (step_text (wizard), ==, "Step 3 of 6: Memory and Processors");
  click (child (wizard, "back_button"));
  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "os");
  spec = corral_new_guest_window_dup_spec (wizard);
  g_assert_cmpint (spec->source, ==, CORRAL_INSTALL_SOURCE_IMPORT);
  g_assert_null (spec->identity);
  g_assert_null (spec->image_path);
  close_wizard (wizard);
}

static gboolean
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

static char *
keygen (const char *dir,
        const char *name,
        const char *type,
        const char *comment)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *pub = g_strconcat (path, ".pub", NULL);
  const char *argv[] = { "ssh-keygen", "-q", "-t", type, "-N", "", "-C", comment, "-f", path, NULL };
  char *line = NULL;

  if (!run (argv))
    return NULL;
  g_assert_true (g_file_get_contents (pub, &line, NULL, NULL));
  return line;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child_path = g_build_filename (path, name, NULL);

      if (g_file_test (child_path, G_FILE_TEST_IS_DIR) && !g_file_test (child_path, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child_path);
      else
        g_unlink (child_path);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ssh_dir = NULL, *other_dir = NULL, *data_dir = NULL, *oops = NULL;
  g_autofree char *private_path = NULL;
  int ret;

  /* a HOME of the test's own, before anything asks GLib for it */
  work_dir = g_dir_make_tmp ("corral-wizard-cloud-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("HOME", work_dir, TRUE);
  data_dir = g_build_filename (work_dir, "data", NULL);
  g_mkdir (data_dir, 0700);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_test_init (&argc, &argv, NULL);

  ssh_dir = g_build_filename (work_dir, ".ssh", NULL);
  other_dir = g_build_filename (work_dir, "elsewhere", NULL);
  g_mkdir (ssh_dir, 0700);
  g_mkdir (other_dir, 0700);
  image_path = g_build_filename (work_dir, "debian-12-genericcloud-amd64.qcow2", NULL);

  if (!gtk_init_check ())
    skip_reason = "no display: run under xvfb-run";
  else if (g_find_program_in_path ("ssh-keygen") == NULL)
    skip_reason = "no ssh-keygen: install openssh-client";
  else
    {
      const char *img_argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", image_path, "3G", NULL };

      adw_init ();
      ed25519_pub = keygen (ssh_dir, "id_ed25519", "ed25519", "alice@laptop");
      rsa_pub = keygen (ssh_dir, "id_rsa", "rsa", "work@desk");
      pasted_pub = keygen (other_dir, "key", "ed25519", "pasted@elsewhere");
      g_assert_nonnull (ed25519_pub);
      g_assert_nonnull (rsa_pub);
      g_assert_nonnull (pasted_pub);
      private_path = g_build_filename (ssh_dir, "id_ed25519", NULL);
      g_assert_true (g_file_get_contents (private_path, &private_key, NULL, NULL));
      /* a private key under a public key's name: never offered */
      oops = g_build_filename (ssh_dir, "oops.pub", NULL);
      g_assert_true (g_file_set_contents (oops, private_key, -1, NULL));
      if (!run (img_argv))
        skip_reason = "no qemu-img: install qemu-utils";
    }

  g_test_add ("/wizard/cloud/path", Fixture, NULL, fixture_setup, test_cloud_path,
              fixture_teardown);
  g_test_add ("/wizard/cloud/other-sources", Fixture, NULL, fixture_setup, test_other_sources,
              fixture_teardown);
  ret = g_test_run ();

  remove_tree (work_dir);
  return ret;
}
