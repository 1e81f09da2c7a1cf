/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What kind of connection a URI is (CorralConnection's is_local / is_system / is_session / is_test,
 * its driver and ssh target), decided once in core for the wizard, the forwards checks, the console and
 * the add-connection dialog; and the one check of an ssh target, for the dialog and the ssh tunnel. No
 * connection is opened. */
#include "config.h"

#include "corral-connection.h"

typedef struct
{
  const char *uri;
  gboolean    local;
  gboolean    system;
  gboolean    session;
  gboolean    test;
  const char *driver;
  const char *ssh_target;
} Kind;

static void
test_kinds (void)
{
  static const Kind kinds[] = {
    { "qemu:///system", TRUE, TRUE, FALSE, FALSE, "qemu", NULL },
    { "qemu:///session", TRUE, FALSE, TRUE, FALSE, "qemu", NULL },
    { "qemu+ssh://user@host:22/system", FALSE, TRUE, FALSE, FALSE, "qemu", "user@host:22" },
    { "qemu+ssh://vmhost.example/system?keyfile=/home/a/.ssh/id", FALSE, TRUE, FALSE, FALSE, "qemu", "vmhost.example" },
    { "qemu+ssh://ann@[::1]:2222/session", FALSE, FALSE, TRUE, FALSE, "qemu", "ann@[::1]:2222" },
    { "qemu+unix:///system?socket=/tmp/corral%20x/libvirt-sock", TRUE, TRUE, FALSE, FALSE, "qemu", NULL },
    { "qemu://localhost/system", TRUE, TRUE, FALSE, FALSE, "qemu", NULL },
    { "qemu+tcp://10.0.0.2/system", FALSE, TRUE, FALSE, FALSE, "qemu", NULL },
    { "lxc:///system", TRUE, TRUE, FALSE, FALSE, "lxc", NULL },
    { "test:///default", TRUE, FALSE, FALSE, TRUE, "test", NULL },
    { "test:///abs/path/node.xml", TRUE, FALSE, FALSE, TRUE, "test", NULL },
    { "test+unix:///default", TRUE, FALSE, FALSE, TRUE, "test", NULL },
    /* ssh, but not to anywhere ssh could be told to go as it is */
    { "qemu+ssh://-oProxyCommand=x/system", FALSE, TRUE, FALSE, FALSE, "qemu", NULL },
    { "qemu+ssh://-l@vmhost/system", FALSE, TRUE, FALSE, FALSE, "qemu", NULL },
    { "qemu+ssh:///system", TRUE, TRUE, FALSE, FALSE, "qemu", NULL },
    /* not a URI at all */
    { "not a uri", FALSE, FALSE, FALSE, FALSE, NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      const Kind *k = &kinds[i];
      g_autoptr(CorralConnection) connection = corral_connection_new (k->uri);
      g_autofree char *target = corral_connection_dup_ssh_target (connection);

      g_test_message ("%s", k->uri);
      g_assert_cmpint (corral_connection_is_local (connection), ==, k->local);
      g_assert_cmpint (corral_connection_is_system (connection), ==, k->system);
      g_assert_cmpint (corral_connection_is_session (connection), ==, k->session);
      g_assert_cmpint (corral_connection_is_test (connection), ==, k->test);
      g_assert_cmpstr (corral_connection_get_driver (connection), ==, k->driver);
      g_assert_cmpstr (target, ==, k->ssh_target);
    }
}

/* The titles follow from the same parse. */
static void
test_titles (void)
{
  static const char * const titles[][2] = {
    { "qemu:///system", "This computer" },
    { "qemu:///session", "This computer (user session)" },
    { "qemu+unix:///system?socket=/run/x/libvirt-sock", "This computer" },
    { "qemu+ssh://ann@vmhost.example/system", "vmhost.example" },
    { "qemu+ssh://ann@vmhost.example/session", "vmhost.example (user session)" },
    { "test:///default", "libvirt test driver" },
    { "test:///abs/path/node.xml", "Test driver (/abs/path/node.xml)" },
    { "not a uri", "not a uri" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(CorralConnection) connection = corral_connection_new (titles[i][0]);
      g_assert_cmpstr (corral_connection_get_title (connection), ==, titles[i][1]);
    }
}

static void
test_ssh_target_valid (void)
{
  static const char * const good[] = {
    "vmhost", "vmhost.example.org", "root@vmhost", "ann.lee@10.0.0.5", "my_user@my-host", "fe80::1",
    "ann@::1", "vmhost:2222",
  };
  static const char * const bad[] = {
    "",                    /* nothing */
    "-oProxyCommand=x",    /* an ssh option */
    "ann@-oProxyCommand",  /* ... after the user */
    "-l@vmhost",           /* ... as the user */
    "@vmhost",             /* no user */
    "ann@",                /* no host */
    "a@b@c",               /* two users */
    "vm host",             /* white space */
    "vmhost;reboot",       /* a shell's word separator */
    "vmhost/system",       /* read as a URI's path */
    "ann:pw@vmhost",       /* a password in the URI */
    "[::1]",               /* brackets: not what the dialog puts in a URI */
    "ann$(id)@vmhost",
  };
  g_autofree char *long_host = g_strnfill (256, 'a');

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    if (!corral_ssh_target_is_valid (good[i]))
      g_error ("“%s” refused", good[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    if (corral_ssh_target_is_valid (bad[i]))
      g_error ("“%s” accepted", bad[i]);
  g_assert_false (corral_ssh_target_is_valid (NULL));
  g_assert_false (corral_ssh_target_is_valid (long_host));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/connection-kind/kinds", test_kinds);
  g_test_add_func ("/core/connection-kind/titles", test_titles);
  g_test_add_func ("/core/connection-kind/ssh-target", test_ssh_target_valid);

  return g_test_run ();
}
