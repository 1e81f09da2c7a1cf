/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The wizard under Xvfb against a real libvirtd + QEMU (tests/system/harness/with-libvirtd, private
 * namespaces), with the ISO where system libvirt's QEMU user cannot reach it (a private folder):
 * the source page says so; without the fix, starting fails, the user reads why and nothing is left
 * behind; "Allow Access" adds ACLs for that user alone, and then the guest is created, started and
 * listed as running. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "corral-connection-private.h"
#include "corral-new-guest-window.h"
#include "corral-window.h"

#define TIMEOUT_S 60

#include "corral-test-gtk.h"
#include "wizard-test-util.h"
#define POOL_DIR "/var/lib/libvirt/images/corral-wizard-ui-pool"

static char *iso_dir;
static char *iso_path;
static const char *skip_reason;
static char *data_dir;














static gboolean
guest_running (CorralConnection *connection,
               const char       *name)
{
  GListModel *guests = corral_connection_get_guests (connection);

  for (guint i = 0; i < g_list_model_get_n_items (guests); i++)
    {
      g_autoptr(CorralGuest) guest = g_list_model_get_item (guests, i);

      if (g_strcmp0 (corral_guest_get_name (guest), name) == 0)
        return corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING;
    }
  return FALSE;
}

/* From the source page to the review page, with the name set. */
static void
to_review (CorralNewGuestWindow *wizard,
           const char           *name)
{
  GtkWidget *next = child (wizard, "next_button");

  g_assert_cmpstr (corral_new_guest_window_get_page (wizard), ==, "source");
  click (next);
  WAIT_FOR (next_enabled (wizard));   /* detected as Debian 11 */
  click (next);                        /* resources: Debian 11's 1 GiB */
  click (next);                        /* disk: 1 GiB, whatever the pool's free space allows for 20 */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (wizard, "size_spin")), 1);
  WAIT_FOR (next_enabled (wizard));
  click (next);                        /* network */
  WAIT_FOR (next_enabled (wizard));
  click (next);                        /* review */
  set_text (wizard, "name_entry", name);
  WAIT_FOR (next_enabled (wizard));
}

static void
test_wizard_real (void)
{
  const char *uri = g_getenv ("CORRAL_TEST_LIBVIRT_URI");
  g_autoptr(CorralManager) manager = NULL;
  CorralConnection *connection;
  CorralWindow *window;
  CorralNewGuestWindow *wizard;
  GtkWidget *list;
  virConnectPtr conn;
  virStoragePoolPtr pool;
  const char *description;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }

  manager = corral_manager_new ();
  connection = corral_manager_add_connection (manager, uri);
  corral_connection_open_async (connection, NULL, NULL, NULL);
  WAIT_FOR (corral_connection_get_status (connection) == CORRAL_CONNECTION_STATUS_CONNECTED);

  conn = _corral_connection_ref_handle (connection);
  g_assert_cmpint (g_mkdir_with_parents (POOL_DIR, 0755), ==, 0);
  pool = virStoragePoolCreateXML (conn, "<pool type='dir'><name>wizard-ui</name>"
                                        "<target><path>" POOL_DIR "</path></target></pool>", 0);
  g_assert_nonnull (pool);

  window = corral_window_new (NULL, manager);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  list = GTK_WIDGET (corral_window_get_list_view (window));

  /* 1. the ISO in a private folder: the wizard says so */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-guest", NULL));
  WAIT_FOR ((wizard = find_wizard ()) != NULL);
  g_object_add_weak_pointer (G_OBJECT (wizard), (gpointer *) &wizard);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (wizard)));
  set_text (wizard, "iso_entry", iso_path);
  WAIT_FOR (next_enabled (wizard));
  g_assert_true (gtk_widget_get_visible (child (wizard, "access_group")));
  g_assert_true (g_str_has_prefix (row_subtitle (wizard, "access_row"),
                                   "Guests run as the user “libvirt-qemu”, who may not open the "
                                   "folder “"));
  page_screenshot (wizard, "wizard-real-1-access.png");

  /* 2. going on regardless: QEMU cannot open the ISO, the start fails, the user is told, all is
   * undone */
  to_review (wizard, "denied");
  click (child (wizard, "next_button"));
  WAIT_FOR (g_strcmp0 (corral_new_guest_window_get_page (wizard), "failed") == 0);
  description = adw_status_page_get_description (ADW_STATUS_PAGE (child (wizard, "failed_page")));
  g_test_message ("the user reads: %s", description);
  g_assert_true (g_str_has_prefix (description, "Could not start the guest “denied”: "));
  g_assert_nonnull (strstr (description,
                            "Permission denied\nThe virtual machine may not read a file it needs: "
                                         "allow access on the Install Source page, or copy the "
                                         "file into a "
                                         "storage pool.\n"));
  g_assert_nonnull (strstr (description, "Removed the guest “denied”."));
  g_assert_nonnull (strstr (description,
                            "Removed the disk “" POOL_DIR "/denied.qcow2” made for it."));
  g_assert_false (g_file_test (POOL_DIR "/denied.qcow2", G_FILE_TEST_EXISTS));
  page_screenshot (wizard, "wizard-real-2-start-failed.png");
  gtk_window_destroy (GTK_WINDOW (wizard));
  WAIT_FOR (wizard == NULL);

  /* 3. with "Allow Access": created, started and listed as running */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-guest", NULL));
  WAIT_FOR ((wizard = find_wizard ()) != NULL);
  g_object_add_weak_pointer (G_OBJECT (wizard), (gpointer *) &wizard);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (wizard)));
  set_text (wizard, "iso_entry", iso_path);
  WAIT_FOR (next_enabled (wizard));
  click (child (wizard, "access_button"));
  /* the ACLs are written off the main thread; the button waits meanwhile */
  g_assert_false (gtk_widget_get_sensitive (child (wizard, "access_button")));
  WAIT_FOR (g_strcmp0 (row_title (wizard, "access_row"), "Access allowed") == 0);
  g_assert_false (gtk_widget_get_sensitive (child (wizard, "access_button")));
  page_screenshot (wizard, "wizard-real-3-access-allowed.png");
  to_review (wizard, "allowed");
  click (child (wizard, "next_button"));
  WAIT_FOR (wizard == NULL);
  WAIT_FOR (guest_running (connection, "allowed"));
  WAIT_FOR (corral_test_find_label (list, "allowed") != NULL);
  corral_test_screenshot (GTK_WIDGET (window), "wizard-real-4-running.png");

  {
    virDomainPtr dom = virDomainLookupByName (conn, "allowed");

    virDomainDestroy (dom);
    virDomainUndefine (dom);
    virDomainFree (dom);
  }
  virStoragePoolDestroy (pool);
  virStoragePoolFree (pool);
  virConnectClose (conn);
  gtk_window_destroy (GTK_WINDOW (window));
  corral_test_drain (100);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status = 0, ret;

  g_test_init (&argc, &argv, NULL);

  /* recent files (the wizard records ISOs there) go to a data dir of the test's own, not the user's
   */
  data_dir = g_dir_make_tmp ("corral-wizard-data-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);

  if (g_getenv ("CORRAL_TEST_LIBVIRT_URI") == NULL)
    skip_reason = g_getenv ("CORRAL_TEST_SKIP_REASON") ?: "no private libvirtd (run through "
                                                          "with-libvirtd)";
  else if (!gtk_init_check ())
    skip_reason = "no display: run under xvfb-run";
  else
    {
      g_autofree char *script = g_build_filename (g_getenv ("CORRAL_SOURCE_DIR"), "tests", "wizard",
                                                  "make-test-iso", NULL);
      g_autofree char *private_dir = NULL;
      const char *iso_argv[] = { script, NULL, NULL };

      adw_init ();
      /* a private folder, as a home directory is: the QEMU user may not enter it */
      iso_dir = g_dir_make_tmp ("corral-wizard-home-XXXXXX", &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_chmod (iso_dir, 0700), ==, 0);
      private_dir = g_build_filename (iso_dir, "Downloads", NULL);
      g_assert_cmpint (g_mkdir (private_dir, 0700), ==, 0);
      iso_path = g_build_filename (private_dir, "debian-11.5.0-amd64-netinst.iso", NULL);
      iso_argv[1] = iso_path;
      g_spawn_sync (NULL, (char **) iso_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                    &status, &error);
      g_assert_no_error (error);
      if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
        skip_reason = "cannot build the test ISO: install isolinux, syslinux-common and xorriso";
      else
        g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_chmod (iso_path, 0600);
    }

  g_test_add_func ("/wizard/real-ui/iso-access-and-create", test_wizard_real);
  ret = g_test_run ();

  {
    g_autofree char *xbel = g_build_filename (data_dir, "recently-used.xbel", NULL);

    g_unlink (xbel);
    g_rmdir (data_dir);
  }

  if (iso_path != NULL)
    {
      g_autofree char *private_dir = g_path_get_dirname (iso_path);

      g_unlink (iso_path);
      g_rmdir (private_dir);
      g_rmdir (iso_dir);
    }
  return ret;
}
