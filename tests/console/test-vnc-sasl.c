/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CorralVncDisplay against QEMU's own VNC server with SASL authentication: DIGEST-MD5 (which also
 * encrypts the session, as QEMU requires without TLS) against a sasldb of the test's own, pointed to
 * by SASL_CONF_PATH. QEMU listens on loopback TCP: its SASL needs an IP address for both ends (on a
 * UNIX socket it refuses every login, "Cannot format local IP"). The guest itself never runs (-S):
 * the screen is QEMU's own "not initialized" one, which is enough to see that the session works.
 * DIGEST-MD5 is a plugin of Cyrus SASL (libsasl2-modules; Debian 13 still has it): where it is missing,
 * QEMU offers no mechanism and closes the connection before asking anything, and gvnc says only
 * "Unknown authentication failure", so the test looks for it first and says which package it needs. */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <sasl/sasl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console-test-util.h"
#include "corral-test-util.h"
#include "corral-vnc-display-private.h"

#define SASL_USER "corral"
#define SASL_PASSWORD "secret3"

typedef struct
{
  char               *tmpdir;
  char                port[8];
  GSubprocess        *qemu;
  GtkWidget          *window;
  CorralVncDisplay   *vnc;
  ConsoleTestSignals  seen;
  guint               credentials_asked;
  gboolean            want_username;
  gboolean            auth_failed;
} Fixture;

static char *
tmp_path (Fixture    *f,
          const char *name)
{
  return g_build_filename (f->tmpdir, name, NULL);
}

/* QEMU takes a display number, port 5900 + N: a free one on loopback. */
static gboolean
free_vnc_port (Fixture *f)
{
  for (int port = 5910; port < 6000; port++)
    {
      g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_DEFAULT, NULL);
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

      if (socket != NULL && g_socket_bind (socket, address, FALSE, NULL))
        {
          g_snprintf (f->port, sizeof f->port, "%d", port);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
port_listening (Fixture *f)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", atoi (f->port), NULL, NULL);
  return connection != NULL;
}

/* Whether Cyrus SASL has the DIGEST-MD5 plugin (the client's and QEMU's: the same library here). */
static gboolean
have_digest_md5 (void)
{
  const char **mechs;
  g_autofree char *list = NULL;
  gboolean found = FALSE;

  if (sasl_client_init (NULL) != SASL_OK)
    return FALSE;
  mechs = sasl_global_listmech ();
  for (gsize i = 0; mechs != NULL && mechs[i] != NULL; i++)
    found = found || g_ascii_strcasecmp (mechs[i], "DIGEST-MD5") == 0;
  list = mechs != NULL ? g_strjoinv (" ", (char **) mechs) : NULL;
  g_test_message ("Cyrus SASL's mechanisms: %s", list != NULL ? list : "(none)");
  sasl_client_done ();
  return found;
}

/* QEMU with a paused guest whose VNC display takes SASL logins from the test's own sasldb. FALSE
 * (and the test skipped) when a tool is missing. */
static gboolean
start_qemu (Fixture *f)
{
  g_autofree char *qemu = g_find_program_in_path ("qemu-system-x86_64");
  g_autofree char *saslpasswd = g_find_program_in_path ("saslpasswd2");
  g_autofree char *db = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_text = NULL;
  g_autofree char *vnc_arg = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) passwd = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GError) error = NULL;

  if (saslpasswd == NULL)
    saslpasswd = g_strdup ("/usr/sbin/saslpasswd2");
  if (qemu == NULL || !g_file_test (saslpasswd, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("qemu-system-x86_64 (qemu-system-x86) or saslpasswd2 (sasl2-bin) not installed");
      return FALSE;
    }
  if (!have_digest_md5 ())
    {
      g_test_skip ("Cyrus SASL's DIGEST-MD5 plugin (libsasl2-modules) not installed");
      return FALSE;
    }

  f->tmpdir = g_dir_make_tmp ("corral-vnc-sasl-XXXXXX", &error);
  g_assert_no_error (error);
  db = tmp_path (f, "passwd.db");
  conf = tmp_path (f, "qemu.conf");
  if (!free_vnc_port (f))
    {
      g_test_skip ("no free VNC port on loopback (5910-5999)");
      return FALSE;
    }

  /* the user, in the default realm (the host name) that QEMU's SASL server offers too */
  passwd = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, saslpasswd, "-c", "-p", "-f", db, "-a", "qemu",
                             SASL_USER, NULL);
  g_assert_no_error (error);
  input = g_bytes_new_static (SASL_PASSWORD, strlen (SASL_PASSWORD));
  g_subprocess_communicate (passwd, input, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (passwd));

  conf_text = g_strdup_printf ("mech_list: digest-md5\nsasldb_path: %s\n", db);
  g_file_set_contents (conf, conf_text, -1, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "SASL_CONF_PATH", f->tmpdir, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, console_test_die_with_parent, NULL, NULL);
  vnc_arg = g_strdup_printf ("127.0.0.1:%d,sasl=on", atoi (f->port) - 5900);
  f->qemu = g_subprocess_launcher_spawn (launcher, &error, qemu, "-machine", "pc,accel=tcg", "-nodefaults",
                                         "-vga", "std", "-display", "none", "-S", "-vnc", vnc_arg, NULL);
  g_assert_no_error (error);
  g_assert_true (WAIT_UNTIL (port_listening (f), 20000));
  return TRUE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  if (!console_test_init_display () || !start_qemu (f))
    return;
  f->window = console_test_display_window (CORRAL_VNC_SCALING_ONE_TO_ONE, 640, 480, &f->seen, &f->vnc);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  console_test_destroy_window (f->window, &f->vnc);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  console_test_stop_process (&f->qemu);
  if (f->tmpdir != NULL)
    {
      static const char * const files[] = { "passwd.db", "qemu.conf" };

      for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *path = tmp_path (f, files[i]);
          g_unlink (path);
        }
      g_rmdir (f->tmpdir);
    }
  g_free (f->tmpdir);
  console_test_signals_clear (&f->seen);
}

static void
credentials_cb (CorralVncDisplay *vnc,
                gboolean          want_username,
                gboolean          want_password,
                Fixture          *f)
{
  f->credentials_asked++;
  f->want_username = want_username;
  g_assert_true (want_password);
  corral_vnc_display_set_credentials (vnc, SASL_USER, f->credentials_asked == 1 ? "wrong" : SASL_PASSWORD);
}

static void
auth_failed_cb (CorralVncDisplay *vnc,
                const char       *reason,
                Fixture          *f)
{
  g_test_message ("auth-failed: %s", reason);
  f->auth_failed = TRUE;
}

static gboolean
refused (Fixture *f)
{
  return f->auth_failed && f->seen.disconnected;
}

static gboolean
shown (Fixture *f)
{
  return f->seen.initialized && _corral_vnc_display_get_frames_drawn (f->vnc) > 0;
}

/* a wrong password is refused by QEMU; the right one opens the session, and the screen arrives
 * through SASL's encryption layer */
static void
test_sasl (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (f->qemu == NULL)
    return;
  g_signal_connect (f->vnc, "credentials-required", G_CALLBACK (credentials_cb), f);
  g_signal_connect (f->vnc, "auth-failed", G_CALLBACK (auth_failed_cb), f);

  g_assert_true (corral_vnc_display_open_host (f->vnc, "127.0.0.1", f->port, &error));
  g_assert_no_error (error);
  g_assert_true (WAIT_UNTIL (refused (f), 20000));
  g_assert_false (f->seen.initialized);
  g_assert_cmpuint (f->credentials_asked, ==, 1);
  g_assert_true (f->want_username);

  f->seen.disconnected = FALSE;
  g_assert_true (corral_vnc_display_open_host (f->vnc, "127.0.0.1", f->port, &error));
  g_assert_no_error (error);
  g_assert_true (WAIT_UNTIL (shown (f), 20000));
  g_assert_cmpuint (f->credentials_asked, ==, 2);
  g_assert_true (f->want_username);
  g_assert_false (f->seen.disconnected);
  g_test_message ("QEMU's screen: %dx%d", corral_vnc_display_get_guest_width (f->vnc),
                  corral_vnc_display_get_guest_height (f->vnc));
  g_assert_cmpint (corral_vnc_display_get_guest_width (f->vnc), >, 0);
  g_assert_cmpint (corral_vnc_display_get_guest_height (f->vnc), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/console/sasl/digest-md5", Fixture, NULL, fixture_setup, test_sasl, fixture_teardown);

  return g_test_run ();
}
