/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The clone dialog under Xvfb, on libvirt's test driver with a node of its own (a pool of 100 GiB with
 * 20 GiB used; "web" shut off with a qcow2 disk of 20 GiB allocated, "db" running): opened from the guest
 * list's Clone… action, its defaults, a name in use refused inline, a running guest offered a shut-down,
 * a clone made and appearing in the list. Screenshots of the dialog, its progress and an error go to
 * the build tree. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-clone-dialog.h"
#include "corral-window.h"

#define TIMEOUT_S 30

#include "corral-test-gtk.h"

static const char node_xml[] =
  "<node>"
  "  <cpu><mhz>2000</mhz><model>x86_64</model><active>4</active><nodes>1</nodes><sockets>1</sockets>"
  "    <cores>4</cores><threads>1</threads></cpu>"
  "  <memory>4194304</memory>"
  "  <network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>"
  "    <ip address='192.168.122.1' netmask='255.255.255.0'/></network>"
  "  <pool type='dir'><name>default</name>"
  "    <target><path>/var/lib/libvirt/images</path></target>"
  "    <volume type='file'><name>web.qcow2</name><capacity unit='GiB'>40</capacity>"
  "      <allocation unit='GiB'>20</allocation>"
  "      <target><path>/var/lib/libvirt/images/web.qcow2</path><format type='qcow2'/></target></volume>"
  "  </pool>"
  "  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>web</name>"
  "    <memory unit='GiB'>1</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
  "    <devices>"
  "      <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
  "        <source file='/var/lib/libvirt/images/web.qcow2'/><target dev='vda' bus='virtio'/></disk>"
  "      <interface type='network'><mac address='52:54:00:aa:bb:01'/><source network='default'/></interface>"
  "    </devices>"
  "    <test:runstate>5</test:runstate>"
  "  </domain>"
  "  <domain type='test'><name>db</name><memory unit='GiB'>1</memory><vcpu>1</vcpu>"
  "    <os><type arch='x86_64'>hvm</type></os></domain>"
  "</node>";

typedef struct
{
  char             *dir;
  CorralManager    *manager;
  CorralConnection *connection;
  CorralWindow     *window;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("corral-clone-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "node.xml", NULL);
  g_assert_true (g_file_set_contents (path, node_xml, -1, &error));
  uri = g_strconcat ("test://", path, NULL);

  fixture->manager = corral_manager_new ();
  fixture->window = g_object_ref (corral_window_new (NULL, fixture->manager));
  gtk_window_present (GTK_WINDOW (fixture->window));
  fixture->connection = corral_manager_add_connection (fixture->manager, uri);
  corral_connection_open_async (fixture->connection, NULL, NULL, NULL);
  WAIT_FOR (corral_connection_get_status (fixture->connection) == CORRAL_CONNECTION_STATUS_CONNECTED);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "node.xml", NULL);

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  corral_test_drain (100);
  g_assert_finalize_object (fixture->window);
  g_clear_object (&fixture->manager);
  g_unlink (path);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* The Clone button follows the clone.clone action. */
static gboolean
clone_enabled (gpointer dialog)
{
  GtkWidget *label = corral_test_find_label (GTK_WIDGET (dialog), "C_lone");
  GtkWidget *button = label != NULL ? gtk_widget_get_ancestor (label, GTK_TYPE_BUTTON) : NULL;

  return button != NULL && gtk_widget_is_sensitive (button);
}

/* Clone… for @name, from the list's menu or (@from_page) the guest page's button; returns the dialog
 * once it shows what it read of the guest. */
static CorralCloneDialog *
open_dialog (Fixture    *fixture,
             const char *name,
             gboolean    from_page)
{
  CorralGuest *guest = NULL;
  GtkWindow *dialog = NULL;

  WAIT_FOR ((guest = corral_test_find_guest (fixture->connection, name)) != NULL);
  g_assert_true (corral_window_select_guest (fixture->window, guest));
  if (from_page)
    {
      GtkWidget *label = NULL;

      WAIT_FOR ((label = corral_test_find_label (corral_window_get_detail (fixture->window),
                                                 "C_lone Guest…")) != NULL);
      corral_test_screenshot (gtk_widget_get_ancestor (label, ADW_TYPE_PREFERENCES_GROUP), "clone-page-button.png");
      g_assert_true (gtk_widget_activate (gtk_widget_get_ancestor (label, GTK_TYPE_BUTTON)));
    }
  else
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.guest-clone", NULL));
  WAIT_FOR ((dialog = corral_test_find_toplevel (CORRAL_TYPE_CLONE_DIALOG)) != NULL
            && gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_true (corral_clone_dialog_get_guest (CORRAL_CLONE_DIALOG (dialog)) == guest);
  WAIT_FOR (corral_test_find_label (GTK_WIDGET (dialog), "Space Needed") != NULL
            && clone_enabled (dialog) ==
               (corral_guest_get_state (guest) != CORRAL_GUEST_STATE_RUNNING));
  corral_test_drain (100);
  return CORRAL_CLONE_DIALOG (dialog);
}

static GtkEditable *
name_entry (CorralCloneDialog *dialog)
{
  GtkWidget *row = corral_test_find_type (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW);

  g_assert_nonnull (row);
  return GTK_EDITABLE (row);
}

static void
test_defaults_and_clone (Fixture       *fixture,
                         gconstpointer  data)
{
  CorralCloneDialog *dialog = open_dialog (fixture, "web", FALSE);
  GtkWidget *spin = corral_test_find_type (GTK_WIDGET (dialog), GTK_TYPE_SPIN_BUTTON);
  const char *in_use = "A guest called “db” exists already: choose another name";
  g_autoptr(GMainContext) held = g_main_context_new ();
  g_autoptr(GtkWidget) watched = NULL;
  CorralGuest *copy;

  /* defaults: "web-clone", one, full copies; what they take */
  g_assert_cmpstr (gtk_editable_get_text (name_entry (dialog)), ==, "web-clone");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 1);
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog), "_Full Copies"));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog),
                                            "20.0\u00a0GiB, with 80.0\u00a0GiB free in the storage pool"));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog),
                                            "Each clone gets its own copy of every disk: independent of the "
                                            "guest, and as large as its disks are now."));
  g_assert_true (clone_enabled (dialog));
  corral_test_screenshot (GTK_WIDGET (dialog), "clone-dialog.png");

  /* ×3: the names it will make, and the space */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 3);
  corral_test_drain (50);
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog), "web-clone-1, web-clone-2, web-clone-3"));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog),
                                            "60.0\u00a0GiB, with 80.0\u00a0GiB free in the storage pool"));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 5);
  corral_test_drain (50);
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog),
                                            "Not enough space in the storage pool “default”: the clones need "
                                            "100.0\u00a0GiB, 80.0\u00a0GiB are free"));
  g_assert_false (clone_enabled (dialog));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 1);

  /* a name in use: said under the form, Clone disabled */
  gtk_editable_set_text (name_entry (dialog), "db");
  corral_test_drain (50);
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog), in_use));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (name_entry (dialog)), "error"));
  g_assert_false (clone_enabled (dialog));
  corral_test_screenshot (GTK_WIDGET (dialog), "clone-error.png");

  gtk_editable_set_text (name_entry (dialog), "web-copy");
  corral_test_drain (50);
  g_assert_null (corral_test_find_label (GTK_WIDGET (dialog), in_use));
  g_assert_true (clone_enabled (dialog));

  /* Clone: the copy's result is held back on a context of the test's own until the progress is seen */
  watched = g_object_ref (GTK_WIDGET (dialog));
  g_main_context_push_thread_default (held);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "clone.clone", NULL));
  g_main_context_pop_thread_default (held);
  g_assert_true (corral_clone_dialog_is_busy (dialog));
  g_assert_nonnull (corral_test_find_type (GTK_WIDGET (dialog), GTK_TYPE_PROGRESS_BAR));
  corral_test_screenshot (GTK_WIDGET (dialog), "clone-progress.png");
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog), "Making web-copy"));
  WAIT_FOR ((g_main_context_iteration (held, FALSE), !gtk_widget_get_visible (watched)));

  /* the dialog closed; the clone is in the list */
  WAIT_FOR ((copy = corral_test_find_guest (fixture->connection, "web-copy")) != NULL);
  g_assert_true (corral_window_select_guest (fixture->window, copy));
  corral_test_drain (100);
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (fixture->window), "web-copy"));
  g_clear_object (&watched);
  g_assert_null (corral_test_find_toplevel (CORRAL_TYPE_CLONE_DIALOG));
}

static void
test_running (Fixture       *fixture,
              gconstpointer  data)
{
  CorralCloneDialog *dialog = open_dialog (fixture, "db", TRUE);
  GtkWidget *button;

  /* no error under the form: the warning row says it, with the way out */
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog), "“db” is running"));
  g_assert_null (corral_test_find_label (GTK_WIDGET (dialog), "“db” is running: shut it down before cloning it"));
  button = gtk_widget_get_ancestor (corral_test_find_label (GTK_WIDGET (dialog), "_Shut Down First"),
                                    GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_false (clone_enabled (dialog));
  corral_test_screenshot (GTK_WIDGET (dialog), "clone-running.png");

  /* shut down from the dialog: then it can clone */
  gtk_widget_activate (button);
  WAIT_FOR (clone_enabled (dialog));
  g_assert_null (corral_test_find_label (GTK_WIDGET (dialog), "“db” is running"));
  gtk_window_close (GTK_WINDOW (dialog));
  corral_test_drain (100);
  g_assert_null (corral_test_find_toplevel (CORRAL_TYPE_CLONE_DIALOG));
}

static void
test_linked_asks_first (Fixture       *fixture,
                        gconstpointer  data)
{
  CorralCloneDialog *dialog = open_dialog (fixture, "web", FALSE);
  GtkWidget *linked = gtk_widget_get_ancestor (corral_test_find_label (GTK_WIDGET (dialog), "_Linked Clones"),
                                               ADW_TYPE_ACTION_ROW);
  GtkWindow *ask = NULL;

  g_assert_nonnull (linked);
  g_assert_true (gtk_widget_is_sensitive (linked));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (corral_test_find_type (linked, GTK_TYPE_CHECK_BUTTON)), TRUE);
  corral_test_drain (50);
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (dialog),
                                            "2.0\u00a0MiB, with 80.0\u00a0GiB free in the storage pool"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "clone.clone", NULL));
  WAIT_FOR ((ask = corral_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL
            && gtk_widget_get_mapped (GTK_WIDGET (ask)));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (ask)), ==, "Make “web”’s Disks a Base?");
  g_assert_false (corral_clone_dialog_is_busy (dialog));
  corral_test_screenshot (GTK_WIDGET (ask), "clone-linked-confirm.png");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (ask), "link");
  gtk_window_close (ask);
  WAIT_FOR (corral_test_find_guest (fixture->connection, "web-clone") != NULL
            && corral_test_find_toplevel (CORRAL_TYPE_CLONE_DIALOG) == NULL);
}

/* The dialog destroyed (its window closed) while a clone is under way: the clone ends (made or undone),
 * the dialog goes once it has, nothing touches it in between. */
static void
test_destroyed_while_cloning (Fixture       *fixture,
                              gconstpointer  data)
{
  CorralCloneDialog *dialog = open_dialog (fixture, "web", FALSE);
  g_autoptr(GMainContext) held = g_main_context_new ();
  gpointer alive = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &alive);
  g_main_context_push_thread_default (held);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "clone.clone", NULL));
  g_main_context_pop_thread_default (held);
  g_assert_true (corral_clone_dialog_is_busy (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  corral_test_drain (100);
  /* the clone's callback still holds it */
  g_assert_nonnull (alive);
  WAIT_FOR ((g_main_context_iteration (held, FALSE), alive == NULL));
  g_assert_null (corral_test_find_toplevel (CORRAL_TYPE_CLONE_DIALOG));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run under xvfb-run (the README's test command does)");
      return g_test_run ();
    }
  adw_init ();
  gvir_init_object (NULL, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add ("/gui/clone/defaults-and-clone", Fixture, NULL, fixture_setup, test_defaults_and_clone,
              fixture_teardown);
  g_test_add ("/gui/clone/running", Fixture, NULL, fixture_setup, test_running, fixture_teardown);
  g_test_add ("/gui/clone/linked-asks-first", Fixture, NULL, fixture_setup, test_linked_asks_first,
              fixture_teardown);
  g_test_add ("/gui/clone/destroyed-while-cloning", Fixture, NULL, fixture_setup, test_destroyed_while_cloning,
              fixture_teardown);
  return g_test_run ();
}
