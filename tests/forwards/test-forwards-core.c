/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GLib-only side of port forwards: where forwards cannot apply and why (checked against networks and
 * guests of libvirt's test driver), ports as typed, what a list row and the dialog say about a forward,
 * and whether a host port is taken by a program. No display, no root, no helper. */
#include "config.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-forward.h"
#include "corral-connection.h"
#include "corral-forwards-check.h"
#include "corral-forwards-check-private.h"
#include "corral-helper-validate.h"
#include "corral-helper-error.h"

static const char node_xml[] =
  "<node>"
  "  <network><name>nat</name><forward mode='nat'/><bridge name='tb0'/>"
  "    <ip address='10.240.0.1' netmask='255.255.255.0'/></network>"
  "  <network><name>plain</name><forward/><bridge name='tb1'/>"
  "    <ip address='10.241.0.1' netmask='255.255.255.0'/></network>"
  "  <network><name>isolated</name><bridge name='tb2'/>"
  "    <ip address='10.242.0.1' netmask='255.255.255.0'/></network>"
  "  <network><name>routed</name><forward mode='route'/><bridge name='tb3'/>"
  "    <ip address='10.243.0.1' netmask='255.255.255.0'/></network>"
  "</node>";

static char *
domain_with (const char *interface)
{
  return g_strdup_printf ("<domain type='test'><name>g</name><memory>65536</memory><os><type>hvm</type></os>"
                          "<devices><disk type='file' device='disk'><source file='/x'/><target dev='vda'/></disk>"
                          "%s</devices></domain>", interface);
}

static void
assert_reason (virConnectPtr  conn,
               const char    *interface,
               const char    *expected)
{
  g_autofree char *xml = domain_with (interface);
  g_autofree char *reason = _corral_forwards_check_domain (conn, xml);

  if (expected == NULL)
    g_assert_null (reason);
  else
    {
      g_assert_nonnull (reason);
      if (strstr (reason, expected) == NULL)
        g_error ("“%s” does not say “%s”", reason, expected);
    }
}

static void
test_check_domain (void)
{
  g_autofree char *dir = g_dir_make_tmp ("corral-forwards-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "node.xml", NULL);
  g_autofree char *uri = g_strconcat ("test://", path, NULL);
  virConnectPtr conn;

  g_assert_true (g_file_set_contents (path, node_xml, -1, NULL));
  conn = virConnectOpen (uri);
  g_assert_nonnull (conn);

  assert_reason (conn, "<interface type='network'><source network='nat'/></interface>", NULL);
  assert_reason (conn, "<interface type='network'><source network='plain'/></interface>", NULL);
  assert_reason (conn, "<interface type='network'><source network='isolated'/></interface>",
                 "“isolated” is isolated");
  assert_reason (conn, "<interface type='network'><source network='routed'/></interface>",
                 "not a NAT network (its mode is “route”)");
  assert_reason (conn, "<interface type='network'><source network='gone'/></interface>", "“gone” does not exist");
  assert_reason (conn, "<interface type='bridge'><source bridge='br0'/></interface>", "bridged to br0");
  assert_reason (conn, "<interface type='direct'><source dev='eth0' mode='bridge'/></interface>",
                 "bridged to eth0");
  assert_reason (conn, "<interface type='user'/>", "user-mode networking");
  assert_reason (conn, "", "no network interface");
  /* Only the first interface counts: the helper forwards to that one. */
  assert_reason (conn, "<interface type='bridge'><source bridge='br0'/></interface>"
                       "<interface type='network'><source network='nat'/></interface>", "bridged");

  virConnectClose (conn);
  g_unlink (path);
  g_rmdir (dir);
}

/* What a connection's kind alone says: no connection is opened. */
static char *
check_connection (const char *uri)
{
  g_autoptr(CorralConnection) connection = corral_connection_new (uri);

  return corral_forwards_check_connection (connection);
}

static void
test_check_connection (void)
{
  g_autofree char *demo = check_connection ("test:///default");
  g_autofree char *remote = check_connection ("qemu+ssh://root@server/system");
  g_autofree char *session = check_connection ("qemu:///session");
  g_autofree char *lxc = check_connection ("lxc:///system");
  g_autofree char *system = check_connection ("qemu:///system");

  g_assert_nonnull (strstr (demo, "demo connection"));
  g_assert_nonnull (strstr (remote, "another host"));
  g_assert_nonnull (strstr (session, "session connection"));
  g_assert_nonnull (strstr (lxc, "QEMU/KVM"));
  g_assert_null (system);
}

static void
test_parse_port (void)
{
  const char *bad[] = { "0", "65536", "99999", "12a", "-1", " 80", "80 ", "0x50", "123456", "+80" };
  guint port = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (corral_parse_port (bad[i], "Host port", &port, &error));
      g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, "Host port must be a number from 1 to 65535");
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (corral_parse_port ("", "Guest port", &port, &error));
    g_assert_cmpstr (error->message, ==, "Guest port: enter a port number");
  }
  g_assert_true (corral_parse_port ("1", "x", &port, NULL));
  g_assert_cmpuint (port, ==, 1);
  g_assert_true (corral_parse_port ("65535", "x", &port, NULL));
  g_assert_cmpuint (port, ==, 65535);
  g_assert_true (corral_parse_port ("08080", "x", &port, NULL));
  g_assert_cmpuint (port, ==, 8080);
}

static void
test_labels (void)
{
  const char *uuid = "6c3b0d7e-1f4a-4c59-9d2e-0a1b2c3d4e01";
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CorralForward) on_address = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *title = NULL;
  g_autofree char *active = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *failing = NULL;

  g_assert_null (corral_forwards_summarize (list));
  g_ptr_array_add (list, corral_forward_new (uuid, "tcp", "", 8765, "10.0.0.5", 1337, TRUE));
  summary = corral_forwards_summarize (list);
  g_assert_cmpstr (summary, ==, "8765→1337");
  g_clear_pointer (&summary, g_free);
  g_ptr_array_add (list, corral_forward_new (uuid, "udp", "", 5353, "10.0.0.5", 53, FALSE));
  g_ptr_array_add (list, corral_forward_new (uuid, "tcp", "", 2222, "10.0.0.5", 22, FALSE));
  summary = corral_forwards_summarize (list);
  g_assert_cmpstr (summary, ==, "8765→1337, 5353→53/udp +1");

  title = corral_forward_dup_title (g_ptr_array_index (list, 0));
  g_assert_cmpstr (title, ==, "TCP 8765 → guest 1337");
  g_clear_pointer (&title, g_free);
  on_address = corral_forward_new (uuid, "udp", "192.168.1.5", 5353, "10.0.0.5", 53, FALSE);
  title = corral_forward_dup_title (on_address);
  g_assert_cmpstr (title, ==, "UDP 192.168.1.5:5353 → guest 53");

  active = corral_forward_dup_state_label (g_ptr_array_index (list, 0), TRUE);
  g_assert_cmpstr (active, ==, "Active, to 10.0.0.5");
  waiting = corral_forward_dup_state_label (g_ptr_array_index (list, 1), FALSE);
  g_assert_cmpstr (waiting, ==, "Waiting for the guest to start");
  failing = corral_forward_dup_state_label (g_ptr_array_index (list, 1), TRUE);
  g_assert_true (g_str_has_prefix (failing, "Failing: "));
  g_assert_nonnull (strstr (failing, "restart libvirtd"));
  g_assert_cmpint (corral_forward_get_state (g_ptr_array_index (list, 1), TRUE), ==, CORRAL_FORWARD_STATE_FAILING);
}

static void
ignore_libvirt_errors (void        *user_data,
                       virErrorPtr  error)
{
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  virSetErrorFunc (NULL, ignore_libvirt_errors);

  g_test_add_func ("/forwards/core/check-domain", test_check_domain);
  g_test_add_func ("/forwards/core/check-connection", test_check_connection);
  g_test_add_func ("/forwards/core/parse-port", test_parse_port);
  g_test_add_func ("/forwards/core/labels", test_labels);

  return g_test_run ();
}
