/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening a guest's screen, in core, without the GUI: the argv of the ssh tunnel a qemu+ssh:// console
 * goes through (the command line only, including what must be refused), where the display listens, and
 * corral_guest_open_graphics_async() against libvirt's test driver (what a user would be told). The
 * tunnel itself runs, end to end against a private sshd and Xvnc, in tests/console/test-console-ssh-tunnel.c
 * (suite console); a real guest's screen in tests/console/test-console-system.c (suite system). */
#include "config.h"

#include <glib/gstdio.h>
#include <libvirt-gconfig/libvirt-gconfig.h>

#include "corral-error.h"
#include "corral-guest-graphics.h"
#include "corral-test-util.h"

static void
assert_argv (char       **argv,
             const char  *expected)
{
  g_autofree char *joined = NULL;

  g_assert_nonnull (argv);
  joined = g_strjoinv (" ", argv);
  g_assert_cmpstr (joined, ==, expected);
  g_strfreev (argv);
}

static void
test_ssh_port (void)
{
  g_autoptr(GError) error = NULL;

  assert_argv (corral_graphics_build_ssh_argv ("qemu+ssh://root@vmhost/system", NULL, NULL, 5901, &error),
               "ssh -T -e none -o BatchMode=yes -l root -W 127.0.0.1:5901 -- vmhost");
  g_assert_no_error (error);
  assert_argv (corral_graphics_build_ssh_argv ("qemu+ssh://vmhost:2222/system", NULL, "0.0.0.0", 5900, &error),
               "ssh -T -e none -o BatchMode=yes -p 2222 -W 127.0.0.1:5900 -- vmhost");
  assert_argv (corral_graphics_build_ssh_argv ("qemu+ssh://vmhost/system", NULL, "::1", 5900, &error),
               "ssh -T -e none -o BatchMode=yes -W [::1]:5900 -- vmhost");
}

static void
test_ssh_socket (void)
{
  g_autoptr(GError) error = NULL;

  assert_argv (corral_graphics_build_ssh_argv ("qemu+ssh://admin@10.0.0.5/system?keyfile=/home/a/.ssh/id_vm&no_verify=1",
                                              "/var/lib/libvirt/qemu/domain-3-web/vnc.sock", NULL, -1, &error),
               "ssh -T -e none -o BatchMode=yes -l admin -i /home/a/.ssh/id_vm -o StrictHostKeyChecking=no "
               "-- 10.0.0.5 nc -U /var/lib/libvirt/qemu/domain-3-web/vnc.sock");
  g_assert_no_error (error);
}

static void
test_ssh_known_hosts (void)
{
  g_autoptr(GError) error = NULL;

  assert_argv (corral_graphics_build_ssh_argv ("qemu+ssh://vmhost/system?known_hosts=/home/a/.ssh/vm_hosts",
                                              NULL, NULL, 5900, &error),
               "ssh -T -e none -o BatchMode=yes -o UserKnownHostsFile=/home/a/.ssh/vm_hosts "
               "-W 127.0.0.1:5900 -- vmhost");
  g_assert_no_error (error);

  /* ssh would split the value at the space, or take the quote: refused */
  g_assert_null (corral_graphics_build_ssh_argv ("qemu+ssh://vmhost/system?known_hosts=/tmp/a%20b", NULL, NULL,
                                                5900, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (corral_graphics_build_ssh_argv ("qemu+ssh://vmhost/system?known_hosts=relative", NULL, NULL,
                                                5900, &error));
  g_assert_nonnull (error);
}

static void
test_ssh_refused (void)
{
  static const struct {
    const char *uri;
    const char *socket;
    int         port;
  } bad[] = {
    { "qemu:///system", NULL, 5900 },                           /* not ssh */
    { "qemu+ssh:///system", NULL, 5900 },                       /* no host */
    { "qemu+ssh://-oProxyCommand=x/system", NULL, 5900 },       /* option injection through the host */
    { "qemu+ssh://-l@vmhost/system", NULL, 5900 },              /* ... or the user */
    { "qemu+ssh://vmhost/system", "/tmp/a b;rm -rf ~", -1 },    /* the remote shell would split this */
    { "qemu+ssh://vmhost/system", "relative/vnc.sock", -1 },
    { "qemu+ssh://vmhost/system", NULL, 0 },                    /* no port */
    { "qemu+ssh://vmhost/system", NULL, 70000 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      char **argv = corral_graphics_build_ssh_argv (bad[i].uri, bad[i].socket, NULL, bad[i].port, &error);

      if (argv != NULL)
        g_error ("%s accepted", bad[i].uri);
      g_assert_nonnull (error);
    }
}

static void
assert_listen (const char *graphics_xml,
               const char *expected_socket,
               const char *expected_address)
{
  g_autofree char *socket_path = NULL;
  g_autofree char *address = NULL;

  corral_graphics_vnc_listen (graphics_xml, &socket_path, &address);
  g_assert_cmpstr (socket_path, ==, expected_socket);
  g_assert_cmpstr (address, ==, expected_address);
}

/* Where the tunnel's far end connects: read from the forms libvirt writes. */
static void
test_vnc_listen (void)
{
  /* libvirt's live XML: the attribute and the child */
  assert_listen ("<graphics type='vnc' port='5901' autoport='yes' listen='192.168.122.1'>"
                 "<listen type='address' address='192.168.122.1'/></graphics>",
                 NULL, "192.168.122.1");
  /* the child alone, or of a network */
  assert_listen ("<graphics type='vnc' port='5900'><listen type='address' address='::1'/></graphics>",
                 NULL, "::1");
  assert_listen ("<graphics type='vnc' port='5900'>"
                 "<listen type='network' address='10.0.0.7' network='lan'/></graphics>",
                 NULL, "10.0.0.7");
  /* a UNIX socket, as an attribute or only as a child */
  assert_listen ("<graphics type='vnc' socket='/var/lib/libvirt/qemu/domain-3-a/vnc.sock'>"
                 "<listen type='socket' socket='/var/lib/libvirt/qemu/domain-3-a/vnc.sock'/></graphics>",
                 "/var/lib/libvirt/qemu/domain-3-a/vnc.sock", NULL);
  assert_listen ("<graphics type='vnc'><listen type='socket' socket='/run/vnc.sock'/></graphics>",
                 "/run/vnc.sock", NULL);
  /* nothing said, empty, or not what libvirt writes: no address (the tunnel then uses the loopback) */
  assert_listen ("<graphics type='vnc' port='5900' autoport='yes'/>", NULL, NULL);
  assert_listen ("<graphics type='vnc' port='5900' listen=''><listen type='none'/></graphics>", NULL, NULL);
  assert_listen ("<graphics type='vnc' port='5900'", NULL, NULL);
  assert_listen ("<disk listen='10.0.0.1'/>", NULL, NULL);
  assert_listen (NULL, NULL, NULL);
}

/* The same through libvirt-gconfig, as the console page gets the element. */
static void
test_vnc_listen_gconfig (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *socket_path = NULL;
  g_autofree char *address = NULL;
  GList *devices;

  domain = gvir_config_domain_new_from_xml ("<domain type='qemu'><name>g</name><memory>65536</memory>"
                                            "<os><type>hvm</type></os><devices>"
                                            "<graphics type='vnc' port='5902' listen='10.1.2.3'>"
                                            "<listen type='address' address='10.1.2.3'/></graphics>"
                                            "</devices></domain>", &error);
  g_assert_no_error (error);
  devices = gvir_config_domain_get_devices (domain);
  for (GList *l = devices; l != NULL; l = l->next)
    if (xml == NULL && GVIR_CONFIG_IS_DOMAIN_GRAPHICS_VNC (l->data))
      xml = gvir_config_object_to_xml (l->data);
  g_list_free_full (devices, g_object_unref);
  g_assert_nonnull (xml);

  corral_graphics_vnc_listen (xml, &socket_path, &address);
  g_assert_null (socket_path);
  g_assert_cmpstr (address, ==, "10.1.2.3");
  assert_argv (corral_graphics_build_ssh_argv ("qemu+ssh://vmhost/system", socket_path, address, 5902, &error),
               "ssh -T -e none -o BatchMode=yes -W 10.1.2.3:5902 -- vmhost");
}

/* ---- against the test driver ------------------------------------------------------------------ */

static void
graphics_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(CorralGraphics) graphics = corral_guest_open_graphics_finish (CORRAL_GUEST (object), result, error);

  /* the test driver has no screen to give */
  g_assert_null (graphics);
  g_assert_nonnull (*error);
}

static GError *
open_graphics (CorralGuest *guest)
{
  GError *error = NULL;

  corral_guest_open_graphics_async (guest, NULL, graphics_cb, &error);
  WAIT_FOR (error != NULL);
  return error;
}

/* test:///default's guest has no <graphics>: the console page shows its "no graphics" page for that. */
static void
test_open_no_graphics (void)
{
  g_autoptr(CorralConnection) connection = corral_test_open_connection (CORRAL_DEMO_URI);
  CorralGuest *guest = corral_test_find_guest (connection, "test");
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (guest);
  error = open_graphics (guest);
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_NO_GRAPHICS);
  g_assert_cmpstr (error->message, ==, "This guest has no VNC graphics device");

  corral_connection_close (connection);
  corral_test_wait_last_ref (connection);
  g_assert_finalize_object (g_steal_pointer (&connection));
}

/* A guest with a VNC display on a local connection: libvirt is asked for the stream itself
 * (virDomainOpenGraphicsFD), and the test driver says it cannot; that is what the console page shows. */
static void
test_open_local_vnc (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("corral-graphics-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "node.xml", NULL);
  g_autofree char *uri = NULL;
  g_autoptr(CorralConnection) connection = NULL;
  CorralGuest *guest;

  g_assert_no_error (error);
  g_file_set_contents (path,
                       "<node><domain type='test'><name>screen</name><memory unit='MiB'>256</memory>"
                       "<os><type>hvm</type></os>"
                       "<devices><graphics type='vnc' port='5900' autoport='no'/></devices>"
                       "</domain></node>", -1, &error);
  g_assert_no_error (error);
  uri = g_strconcat ("test://", path, NULL);
  connection = corral_test_open_connection (uri);
  g_assert_true (corral_connection_is_local (connection));
  guest = corral_test_find_guest (connection, "screen");
  g_assert_nonnull (guest);
  g_assert_cmpint (corral_guest_get_state (guest), ==, CORRAL_GUEST_STATE_RUNNING);

  error = open_graphics (guest);
  /* libvirt's own words: the test driver has no graphics to open */
  g_assert_cmpstr (g_quark_to_string (error->domain), ==, "gvir-domain");
  g_assert_cmpstr (error->message, ==, "Unable to open graphics: this function is not supported by the "
                   "connection driver: virDomainOpenGraphicsFD");

  corral_connection_close (connection);
  corral_test_wait_last_ref (connection);
  g_assert_finalize_object (g_steal_pointer (&connection));
  g_unlink (path);
  g_rmdir (dir);
}

/* While the host is not connected: said at once, no libvirt call. */
static void
test_open_not_connected (void)
{
  g_autoptr(CorralConnection) connection = corral_test_open_connection (CORRAL_DEMO_URI);
  g_autoptr(CorralGuest) guest = g_object_ref (corral_test_find_guest (connection, "test"));
  g_autoptr(GError) error = NULL;

  corral_connection_close (connection);
  g_assert_cmpint (corral_guest_get_state (guest), ==, CORRAL_GUEST_STATE_DISCONNECTED);
  error = open_graphics (guest);
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (error->message, ==, "The connection to “test”’s host is down");

  corral_test_wait_last_ref (connection);
  g_assert_finalize_object (g_steal_pointer (&connection));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gvir_init_object (NULL, NULL);

  g_test_add_func ("/core/guest-graphics/ssh-argv/port", test_ssh_port);
  g_test_add_func ("/core/guest-graphics/ssh-argv/socket", test_ssh_socket);
  g_test_add_func ("/core/guest-graphics/ssh-argv/known-hosts", test_ssh_known_hosts);
  g_test_add_func ("/core/guest-graphics/ssh-argv/refused", test_ssh_refused);
  g_test_add_func ("/core/guest-graphics/vnc-listen", test_vnc_listen);
  g_test_add_func ("/core/guest-graphics/vnc-listen/gconfig", test_vnc_listen_gconfig);
  g_test_add_func ("/core/guest-graphics/open/no-graphics", test_open_no_graphics);
  g_test_add_func ("/core/guest-graphics/open/local-vnc", test_open_local_vnc);
  g_test_add_func ("/core/guest-graphics/open/not-connected", test_open_not_connected);

  return g_test_run ();
}
