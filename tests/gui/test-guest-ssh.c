/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A guest made from a cloud image (its <corral:cloud user="…"/> metadata, issue 17) shows how to log
 * in to it on its page: "ssh USER@ADDRESS", selectable, with a copy button, once the address is known
 * (libvirt's test driver gives a running guest with a network interface an address); without the
 * address it says whom as, and a guest not made from a cloud image has no such row. Under Xvfb on the
 * test driver with a node file of the test's own. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "corral-guest-detail.h"
#include "corral-window.h"

#define TIMEOUT_S 30

#include "corral-test-gtk.h"

#define CORRAL_NS "xmlns:corral='https://corralvm.org/xmlns/corral/1.0'"

static const char node_xml[] =
  "<node>\n"
  "  <cpu><mhz>2000</mhz><model>i686</model><nodes>1</nodes><sockets>1</sockets><cores>2</cores>"
  "<threads>1</threads><active>2</active></cpu>\n"
  "  <memory>4194304</memory>\n"
  "  <network><name>default</name><bridge name='virbr0'/><forward/>"
  "<ip address='192.168.122.1' netmask='255.255.255.0'><dhcp><range start='192.168.122.2' "
  "end='192.168.122.254'/></dhcp></ip></network>\n"
  "%s"
  "</node>\n";

/* name, metadata, runstate (1 running, 5 shut off) */
static const char domain_xml[] =
  "  <domain type='test'><name>%s</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>"
  "<metadata>%s</metadata><os><type>hvm</type></os>"
  "<devices><interface type='network'><mac address='52:54:00:00:00:%02x'/>"
  "<source network='default'/></interface></devices>"
  "<test:runstate xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>%d</test:runstate>"
  "</domain>\n";

static GtkWidget *
detail_child (CorralWindow *window,
              const char   *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (corral_window_get_detail (window),
                                                    CORRAL_TYPE_GUEST_DETAIL, name));
}

static const char *
ssh_text (CorralWindow *window,
          CorralGuest  *guest)
{
  GtkWidget *detail = corral_window_get_detail (window);

  if (corral_guest_detail_get_guest (CORRAL_GUEST_DETAIL (detail)) != guest)
    return NULL;
  return gtk_label_get_label (GTK_LABEL (detail_child (window, "ssh_label")));
}

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static CorralGuest *
show_guest (CorralWindow     *window,
            CorralConnection *connection,
            const char       *name)
{
  CorralGuest *guest;

  WAIT_FOR ((guest = corral_test_find_guest (connection, name)) != NULL);
  g_assert_true (corral_window_select_guest (window, guest));
  WAIT_FOR (corral_guest_detail_get_guest (CORRAL_GUEST_DETAIL (corral_window_get_detail (window)))
            == guest);
  return guest;
}

static void
test_ssh_row (void)
{
  g_autoptr(CorralManager) manager = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL, *path = NULL, *uri = NULL, *xml = NULL, *domains = NULL;
  g_autofree char *d1 = NULL, *d2 = NULL, *d3 = NULL, *d4 = NULL;
  g_autofree char *expected = NULL, *copied = NULL;
  CorralConnection *connection;
  CorralWindow *window;
  CorralGuest *guest;
  GtkWidget *row, *copy;

  if (!gtk_init_check ())
    {
      g_test_skip ("no display: run under xvfb-run");
      return;
    }
  adw_init ();

  /* the element on its own, and inside a <corral:group/> (libvirt keeps one element per namespace) */
  d1 = g_strdup_printf (domain_xml, "web", "<corral:cloud " CORRAL_NS " user='alice'/>", 1, 1);
  d2 = g_strdup_printf (domain_xml, "node1", "<corral:group " CORRAL_NS " name='node'>"
                        "<corral:cloud user='bob'/></corral:group>", 2, 1);
  d3 = g_strdup_printf (domain_xml, "stopped", "<corral:cloud " CORRAL_NS " user='carol'/>", 3, 5);
  d4 = g_strdup_printf (domain_xml, "plain", "", 4, 1);
  domains = g_strconcat (d1, d2, d3, d4, NULL);
  xml = g_strdup_printf (node_xml, domains);
  dir = g_dir_make_tmp ("corral-guest-ssh-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "node.xml", NULL);
  g_assert_true (g_file_set_contents (path, xml, -1, NULL));
  uri = g_strconcat ("test://", path, NULL);

  manager = corral_manager_new ();
  connection = corral_manager_add_connection (manager, uri);
  corral_connection_open_async (connection, NULL, NULL, NULL);
  WAIT_FOR (corral_connection_get_status (connection) == CORRAL_CONNECTION_STATUS_CONNECTED);
  window = g_object_ref (corral_window_new (NULL, manager));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));

  row = detail_child (window, "ssh_row");
  copy = detail_child (window, "ssh_copy_button");

  /* running, with an address: the command, copyable */
  guest = show_guest (window, connection, "web");
  WAIT_FOR (corral_guest_get_ip_address (guest) != NULL && corral_guest_get_cloud_user (guest) != NULL);
  expected = g_strdup_printf ("ssh alice@%s", corral_guest_get_ip_address (guest));
  WAIT_FOR (g_strcmp0 (ssh_text (window, guest), expected) == 0);
  g_assert_true (gtk_widget_get_mapped (row));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (detail_child (window, "ssh_label"))));
  g_assert_true (gtk_widget_get_mapped (copy));
  g_assert_true (gtk_widget_is_sensitive (copy));
  corral_test_screenshot (GTK_WIDGET (window), "guest-ssh-running.png");
  g_signal_emit_by_name (copy, "clicked");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL,
                                 clipboard_read_cb, &copied);
  WAIT_FOR (copied != NULL);
  g_assert_cmpstr (copied, ==, expected);
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (window), "SSH command copied"));

  /* one of a group */
  guest = show_guest (window, connection, "node1");
  WAIT_FOR (corral_guest_get_ip_address (guest) != NULL && corral_guest_get_cloud_user (guest) != NULL);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("ssh bob@%s", corral_guest_get_ip_address (guest));
  WAIT_FOR (g_strcmp0 (ssh_text (window, guest), expected) == 0);
  g_assert_cmpstr (corral_guest_get_group (guest), ==, "node");

  /* not running: no address, so nothing to copy; it says whom as */
  guest = show_guest (window, connection, "stopped");
  WAIT_FOR (g_strcmp0 (ssh_text (window, guest), "As carol, while the guest runs") == 0);
  g_assert_true (gtk_widget_get_mapped (row));
  g_assert_false (gtk_widget_get_visible (copy));
  corral_test_screenshot (GTK_WIDGET (window), "guest-ssh-stopped.png");

  /* not made from a cloud image: no row */
  guest = show_guest (window, connection, "plain");
  WAIT_FOR (corral_guest_get_ip_address (guest) != NULL);
  corral_test_drain (200);
  g_assert_null (corral_guest_get_cloud_user (guest));
  g_assert_false (gtk_widget_get_visible (row));

  gtk_window_destroy (GTK_WINDOW (window));
  corral_test_drain (100);
  g_assert_finalize_object (window);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gui/guest-detail/ssh", test_ssh_row);
  return g_test_run ();
}
