/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The argv of the ssh tunnel a qemu+ssh:// console goes through: the command line only, including what
 * must be refused. The tunnel itself runs, end to end against a private sshd and Xvnc, in
 * test-console-ssh-tunnel.c (suite console). */
#include "config.h"

#include "corral-console-page.h"

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

  assert_argv (corral_console_build_ssh_argv ("qemu+ssh://root@vmhost/system", NULL, NULL, 5901, &error),
               "ssh -T -e none -o BatchMode=yes -l root -W 127.0.0.1:5901 -- vmhost");
  g_assert_no_error (error);
  assert_argv (corral_console_build_ssh_argv ("qemu+ssh://vmhost:2222/system", NULL, "0.0.0.0", 5900, &error),
               "ssh -T -e none -o BatchMode=yes -p 2222 -W 127.0.0.1:5900 -- vmhost");
  assert_argv (corral_console_build_ssh_argv ("qemu+ssh://vmhost/system", NULL, "::1", 5900, &error),
               "ssh -T -e none -o BatchMode=yes -W [::1]:5900 -- vmhost");
}

static void
test_ssh_socket (void)
{
  g_autoptr(GError) error = NULL;

  assert_argv (corral_console_build_ssh_argv ("qemu+ssh://admin@10.0.0.5/system?keyfile=/home/a/.ssh/id_vm&no_verify=1",
                                              "/var/lib/libvirt/qemu/domain-3-web/vnc.sock", NULL, -1, &error),
               "ssh -T -e none -o BatchMode=yes -l admin -i /home/a/.ssh/id_vm -o StrictHostKeyChecking=no "
               "-- 10.0.0.5 nc -U /var/lib/libvirt/qemu/domain-3-web/vnc.sock");
  g_assert_no_error (error);
}

static void
test_ssh_known_hosts (void)
{
  g_autoptr(GError) error = NULL;

  assert_argv (corral_console_build_ssh_argv ("qemu+ssh://vmhost/system?known_hosts=/home/a/.ssh/vm_hosts",
                                              NULL, NULL, 5900, &error),
               "ssh -T -e none -o BatchMode=yes -o UserKnownHostsFile=/home/a/.ssh/vm_hosts "
               "-W 127.0.0.1:5900 -- vmhost");
  g_assert_no_error (error);

  /* ssh would split the value at the space, or take the quote: refused */
  g_assert_null (corral_console_build_ssh_argv ("qemu+ssh://vmhost/system?known_hosts=/tmp/a%20b", NULL, NULL,
                                                5900, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (corral_console_build_ssh_argv ("qemu+ssh://vmhost/system?known_hosts=relative", NULL, NULL,
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
      char **argv = corral_console_build_ssh_argv (bad[i].uri, bad[i].socket, NULL, bad[i].port, &error);

      if (argv != NULL)
        g_error ("%s accepted", bad[i].uri);
      g_assert_nonnull (error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/console/ssh-argv/port", test_ssh_port);
  g_test_add_func ("/console/ssh-argv/socket", test_ssh_socket);
  g_test_add_func ("/console/ssh-argv/known-hosts", test_ssh_known_hosts);
  g_test_add_func ("/console/ssh-argv/refused", test_ssh_refused);

  return g_test_run ();
}
