/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ssh tunnel a qemu+ssh:// console goes through, end to end: a private sshd on 127.0.0.1
 * (tests/console/private-sshd; its own host key, an authorized_keys holding a key made for the test),
 * Xvnc on loopback showing xpattern's known pattern, and between them the argv
 * corral_graphics_build_ssh_argv() makes, spawned the way the console page does it (its stdin and
 * stdout one end of a socketpair, the CorralVncDisplay on the other). Both forms are covered:
 * `ssh -W 127.0.0.1:PORT` for a TCP port and `ssh ... nc -U SOCKET` for a UNIX socket. What the widget
 * received is compared pixel by pixel with the server's own screen (xwd -root). A key the server does
 * not know makes ssh give up, and the display says so in time.
 *
 * Everything listens on the loopback only. The ssh client gets one thing the console page does not
 * give it: `-F FILE` right after argv[0], a config that keeps the host key it learns (it connects
 * with StrictHostKeyChecking=no) out of the real user's ~/.ssh/known_hosts, and keeps the user's own
 * ssh config, agent and default keys out of the test. (ssh finds ~ with getpwuid(), not $HOME, so
 * setting HOME for the child does not do that.) Every other word is the builder's, verbatim. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console-test-util.h"
#include "corral-guest-graphics.h"
#include "corral-test-util.h"
#include "corral-vnc-display.h"

#define SCREEN_W 640
#define SCREEN_H 480
/* the longest any one step may take: starting a server, the ssh login, the VNC handshake */
#define STEP_TIMEOUT_MS 10000

typedef struct
{
  gboolean unix_socket;   /* Xvnc on a UNIX socket only, reached with `nc -U` on the far side */
} FixtureOptions;

static const FixtureOptions tcp_port = { FALSE };
static const FixtureOptions unix_socket = { TRUE };

typedef struct
{
  gboolean          ready;          /* everything started; FALSE when the test was skipped */
  char             *tmpdir;
  char             *user;
  char             *client_key;     /* in authorized_keys */
  char             *wrong_key;      /* not */
  char             *ssh_config;     /* the client's -F file */
  char             *known_hosts;    /* ... where it keeps the host key */
  char             *sshd_log;
  char             *ssh_log;
  char             *xvnc_log;

  GSubprocess      *sshd;
  gboolean          sshd_exited;
  int               ssh_port;

  GSubprocess      *xvnc;
  gboolean          xvnc_exited;
  int               display;
  int               vnc_port;       /* -1 with unix_socket */
  char             *vnc_socket;     /* NULL without */

  GSubprocess      *pattern;
  gboolean          pattern_exited;
  GPtrArray        *lines;          /* what xpattern printed */
  GCancellable     *cancellable;

  GSubprocess      *tunnel;         /* the ssh */
  gboolean          tunnel_exited;

  GtkWidget        *window;
  CorralVncDisplay *vnc;
  ConsoleTestSignals seen;
} Fixture;

/* ---- plumbing --------------------------------------------------------------------------------- */

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

/* The temporary files go when the test does, however it ends: a process forked before anything else
 * runs waits for the test to close its end of a pipe (which only its death does), then removes the
 * directory. Each fixture's teardown also removes its own part as it goes. */
static char *top_tmpdir;

static void
start_reaper (void)
{
  g_autoptr(GError) error = NULL;
  int pipefd[2];
  pid_t pid;

  top_tmpdir = g_dir_make_tmp ("corral-ssh-tunnel-XXXXXX", &error);
  g_assert_no_error (error);
  g_unix_open_pipe (pipefd, FD_CLOEXEC, &error);
  g_assert_no_error (error);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      char c;
      int null = open ("/dev/null", O_RDWR);

      /* not holding meson's pipes open, and not stopped by what stops the test (meson kills the
       * test's process group when it times out) */
      dup2 (null, STDIN_FILENO);
      dup2 (null, STDOUT_FILENO);
      dup2 (null, STDERR_FILENO);
      close (pipefd[1]);
      setsid ();
      signal (SIGINT, SIG_IGN);
      signal (SIGTERM, SIG_IGN);
      signal (SIGHUP, SIG_IGN);
      prctl (PR_SET_NAME, "corral-reaper");
      while (read (pipefd[0], &c, 1) < 0 && errno == EINTR)
        ;
      remove_tree (top_tmpdir);
      _exit (0);
    }
  close (pipefd[0]);
  /* pipefd[1] stays open (close-on-exec) until this process ends */
}

static char *
read_log (const char *path)
{
  char *contents = NULL;

  if (path == NULL || !g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("(none)");
  return contents;
}

/* Fails the test with what sshd, ssh and Xvnc said. */
static void G_GNUC_PRINTF (2, 3) G_GNUC_NORETURN
fail (Fixture    *f,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  g_autofree char *sshd_log = read_log (f->sshd_log);
  g_autofree char *ssh_log = read_log (f->ssh_log);
  g_autofree char *xvnc_log = read_log (f->xvnc_log);
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_error ("%s\n--- sshd:\n%s\n--- ssh:\n%s\n--- Xvnc:\n%s", message, sshd_log, ssh_log, xvnc_log);
}

static char *
find_program (const char *name,
              const char *sbin)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL && sbin != NULL && g_file_test (sbin, G_FILE_TEST_IS_EXECUTABLE))
    path = g_strdup (sbin);
  return path;
}

/* tests/console/private-sshd: an sshd without the openssh-server package (see that script) */
static const char *private_sshd;

/* Whether private-sshd can run an sshd here, fetching it the first time; NULL when it can, else
 * why not. Asked once, with no time limit of a step: the first run may download it. */
static const char *
sshd_unavailable (void)
{
  static gboolean asked;
  static char *reason;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) check = NULL;
  g_autofree char *err = NULL;

  if (asked)
    return reason;
  asked = TRUE;
  check = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                            private_sshd, "--check", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (check, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_exited (check) && g_subprocess_get_exit_status (check) == 77)
    reason = g_strdup (g_strstrip (err));
  else if (!g_subprocess_get_successful (check))
    g_error ("%s --check failed: %s", private_sshd, err);
  return reason;
}

static gboolean
port_accepts (int port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
                              .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  g_assert_cmpint (fd, >=, 0);
  ok = connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0;
  close (fd);
  return ok;
}

static void
exited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

/* Runs argv to its end; fails the test unless it succeeded. */
static void
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *err = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc))
    g_error ("%s failed: %s", argv[0], err);
}

static char *
make_key (Fixture    *f,
          const char *keygen,
          const char *name)
{
  char *path = g_build_filename (f->tmpdir, name, NULL);
  const char *argv[] = { keygen, "-q", "-N", "", "-t", "ed25519", "-C", name, "-f", path, NULL };

  run (argv);
  return path;
}

/* ---- the servers ------------------------------------------------------------------------------ */

static void
start_sshd (Fixture    *f,
            const char *keygen)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host_key = make_key (f, keygen, "host_key");
  g_autofree char *client_pub = g_strconcat (f->client_key, ".pub", NULL);
  g_autofree char *authorized_keys = g_build_filename (f->tmpdir, "authorized_keys", NULL);
  g_autofree char *config_path = g_build_filename (f->tmpdir, "sshd_config", NULL);
  g_autofree char *pub = NULL;

  g_assert_true (g_file_get_contents (client_pub, &pub, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (authorized_keys, pub, -1, &error));
  g_assert_no_error (error);

  /* a free port can be taken before sshd binds it: try a few */
  for (int attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autofree char *config = NULL;

      f->ssh_port = console_test_free_tcp_port ();
      config = g_strdup_printf ("ListenAddress 127.0.0.1:%d\n"
                                "AddressFamily inet\n"
                                "HostKey %s\n"
                                "AuthorizedKeysFile %s\n"
                                "AllowUsers %s\n"
                                "AuthenticationMethods publickey\n"
                                "PasswordAuthentication no\n"
                                "KbdInteractiveAuthentication no\n"
                                "PermitRootLogin prohibit-password\n"
                                "StrictModes no\n"
                                "UsePAM no\n"
                                "PidFile none\n"
                                "AllowTcpForwarding local\n"
                                "AllowStreamLocalForwarding no\n"
                                "AllowAgentForwarding no\n"
                                "X11Forwarding no\n"
                                "PermitTTY no\n"
                                "PermitUserRC no\n"
                                "PrintMotd no\n"
                                "PrintLastLog no\n"
                                "LogLevel VERBOSE\n",
                                f->ssh_port, host_key, authorized_keys, f->user);
      g_assert_true (g_file_set_contents (config_path, config, -1, &error));
      g_assert_no_error (error);

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
      g_subprocess_launcher_set_child_setup (launcher, console_test_die_with_parent, NULL, NULL);
      g_subprocess_launcher_set_stderr_file_path (launcher, f->sshd_log);
      f->sshd = g_subprocess_launcher_spawn (launcher, &error, private_sshd, "-D", "-e", "-f", config_path,
                                             NULL);
      g_assert_no_error (error);
      f->sshd_exited = FALSE;
      g_subprocess_wait_async (f->sshd, NULL, exited_cb, &f->sshd_exited);

      if (!WAIT_UNTIL (f->sshd_exited || port_accepts (f->ssh_port), STEP_TIMEOUT_MS))
        fail (f, "sshd did not accept connections on 127.0.0.1:%d within %d ms", f->ssh_port, STEP_TIMEOUT_MS);
      if (!f->sshd_exited)
        return;
      g_clear_object (&f->sshd);
    }
  fail (f, "sshd did not start");
}

static void
start_xvnc (Fixture    *f,
            const char *xvnc,
            gboolean    on_socket)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  ConsoleTestXvncOptions opts = {
    .width = SCREEN_W,
    .height = SCREEN_H,
    .security = "None",
    .log_level = 30,
    .log_path = f->xvnc_log,
  };

  if (on_socket)
    {
      /* only there: without -rfbport -1 Xvnc also listens on TCP port 5900 */
      f->vnc_port = -1;
      f->vnc_socket = g_build_filename (f->tmpdir, "vnc.sock", NULL);
      g_ptr_array_add (args, g_strdup ("-rfbunixpath"));
      g_ptr_array_add (args, g_strdup (f->vnc_socket));
    }
  else
    f->vnc_port = console_test_free_tcp_port ();
  g_ptr_array_add (args, NULL);
  opts.port = f->vnc_port;
  opts.args = (const char * const *) args->pdata;

  f->display = console_test_start_xvnc (xvnc, &opts, &f->xvnc);
  g_subprocess_wait_async (f->xvnc, NULL, exited_cb, &f->xvnc_exited);
  if (f->display < 0)
    fail (f, "Xvnc did not start");
  if (on_socket && !g_file_test (f->vnc_socket, G_FILE_TEST_EXISTS))
    fail (f, "Xvnc made no socket %s", f->vnc_socket);

  f->pattern = console_test_start_xpattern (f->display, NULL, f->lines, f->cancellable);
  g_subprocess_wait_async (f->pattern, NULL, exited_cb, &f->pattern_exited);
  if (!WAIT_UNTIL (console_test_has_line (f->lines, "ready "), STEP_TIMEOUT_MS))
    fail (f, "xpattern did not draw its pattern on :%d", f->display);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const FixtureOptions *opts = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *xvnc = NULL;
  g_autofree char *ssh = find_program ("ssh", NULL);
  g_autofree char *keygen = find_program ("ssh-keygen", NULL);
  g_autofree char *nc = find_program ("nc", NULL);
  g_autofree char *xwd = find_program ("xwd", NULL);
  g_autofree char *client_config = NULL;
  static int n_fixtures;

  memset (f, 0, sizeof *f);
  f->lines = g_ptr_array_new_with_free_func (g_free);
  f->cancellable = g_cancellable_new ();

  if (!console_test_init_display () || (xvnc = console_test_find_xvnc ()) == NULL)
    return;
  if (sshd_unavailable () != NULL)
    {
      g_test_skip (sshd_unavailable ());
      return;
    }
  if (ssh == NULL || keygen == NULL)
    {
      g_test_skip ("ssh or ssh-keygen not installed (openssh-client)");
      return;
    }
  if (opts->unix_socket && nc == NULL)
    {
      g_test_skip ("nc not installed (netcat-openbsd)");
      return;
    }
  if (xwd == NULL)
    {
      g_test_skip ("xwd not installed (x11-apps)");
      return;
    }
  f->user = g_strdup (g_get_user_name ());
  f->tmpdir = g_strdup_printf ("%s/%d", top_tmpdir, ++n_fixtures);
  g_assert_cmpint (g_mkdir (f->tmpdir, 0700), ==, 0);
  f->sshd_log = g_build_filename (f->tmpdir, "sshd.log", NULL);
  f->ssh_log = g_build_filename (f->tmpdir, "ssh.log", NULL);
  f->xvnc_log = g_build_filename (f->tmpdir, "xvnc.log", NULL);
  f->client_key = make_key (f, keygen, "client_key");
  f->wrong_key = make_key (f, keygen, "wrong_key");

  /* the client's own config: see the top of this file */
  f->ssh_config = g_build_filename (f->tmpdir, "ssh_config", NULL);
  f->known_hosts = g_build_filename (f->tmpdir, "known_hosts", NULL);
  client_config = g_strdup_printf ("UserKnownHostsFile %s\n"
                                   "GlobalKnownHostsFile /dev/null\n"
                                   "IdentitiesOnly yes\n"
                                   "IdentityAgent none\n",
                                   f->known_hosts);
  g_assert_true (g_file_set_contents (f->ssh_config, client_config, -1, &error));
  g_assert_no_error (error);

  start_sshd (f, keygen);
  start_xvnc (f, xvnc, opts->unix_socket);
  f->ready = TRUE;
}

/* Stops a process whose g_subprocess_wait_async() reports to @exited: SIGTERM, then SIGKILL. */
static void
stop_process (GSubprocess **proc,
              gboolean     *exited)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  if (*proc == NULL)
    return;
  if (!*exited)
    g_subprocess_send_signal (*proc, SIGTERM);
  while (!*exited)
    {
      if (g_get_monotonic_time () > end)
        {
          g_subprocess_force_exit (*proc);
          end = G_MAXINT64;
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_clear_object (proc);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  console_test_destroy_window (f->window, &f->vnc);
  g_cancellable_cancel (f->cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  stop_process (&f->tunnel, &f->tunnel_exited);
  stop_process (&f->pattern, &f->pattern_exited);
  stop_process (&f->xvnc, &f->xvnc_exited);
  stop_process (&f->sshd, &f->sshd_exited);
  g_clear_object (&f->cancellable);
  g_clear_pointer (&f->lines, g_ptr_array_unref);
  if (f->tmpdir != NULL)
    remove_tree (f->tmpdir);
  g_free (f->tmpdir);
  g_free (f->user);
  g_free (f->client_key);
  g_free (f->wrong_key);
  g_free (f->ssh_config);
  g_free (f->known_hosts);
  g_free (f->sshd_log);
  g_free (f->ssh_log);
  g_free (f->xvnc_log);
  g_free (f->vnc_socket);
  console_test_signals_clear (&f->seen);
}

/* ---- the tunnel and the widget ---------------------------------------------------------------- */

static void
make_window (Fixture *f)
{
  f->window = console_test_display_window (CORRAL_VNC_SCALING_ONE_TO_ONE, SCREEN_W, SCREEN_H, &f->seen, &f->vnc);
  gtk_window_present (GTK_WINDOW (f->window));
}

/* The qemu+ssh:// URI of this sshd, with @key. */
static char *
ssh_uri (Fixture    *f,
         const char *key)
{
  return g_strdup_printf ("qemu+ssh://%s@127.0.0.1:%d/system?keyfile=%s&no_verify=1", f->user, f->ssh_port, key);
}

static char **
build_argv (Fixture    *f,
            const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = ssh_uri (f, key);
  char **argv;

  if (f->vnc_socket != NULL)
    argv = corral_graphics_build_ssh_argv (uri, f->vnc_socket, NULL, -1, &error);
  else
    argv = corral_graphics_build_ssh_argv (uri, NULL, "127.0.0.1", f->vnc_port, &error);
  g_assert_no_error (error);
  g_assert_nonnull (argv);
  return argv;
}

/* Spawns @argv with its stdin and stdout on one end of a socketpair and opens the display on the
 * other, as the console page's open_tunnel() does; ssh's stderr goes to a log instead of nowhere, and
 * -F gives it the test's client config. */
static void
open_tunnel (Fixture *f,
             char   **argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) full = NULL;
  g_autoptr(GError) error = NULL;
  int sv[2];

  g_assert_cmpstr (argv[0], ==, "ssh");
  g_strv_builder_add_many (builder, argv[0], "-F", f->ssh_config, NULL);
  g_strv_builder_addv (builder, (const char **) argv + 1);
  full = g_strv_builder_end (builder);
  if (g_test_verbose ())
    {
      g_autofree char *joined = g_strjoinv (" ", full);
      g_printerr ("tunnel: %s\n", joined);
    }

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (launcher, console_test_die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, f->ssh_log);
  g_subprocess_launcher_take_stdin_fd (launcher, dup (sv[1]));
  g_subprocess_launcher_take_stdout_fd (launcher, sv[1]);
  f->tunnel = g_subprocess_launcher_spawnv (launcher, (const char * const *) full, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);   /* closes our copies of sv[1] */
  f->tunnel_exited = FALSE;
  g_subprocess_wait_async (f->tunnel, NULL, exited_cb, &f->tunnel_exited);

  /* as the console page does for a CorralGraphics with an ssh argv: a socketpair looks local */
  corral_vnc_display_set_link (f->vnc, CORRAL_VNC_LINK_REMOTE);
  g_assert_true (corral_vnc_display_open_fd (f->vnc, sv[0], &error));
  g_assert_no_error (error);
  g_assert_cmpint (corral_vnc_display_get_active_link (f->vnc), ==, CORRAL_VNC_LINK_REMOTE);
}

static gboolean
is_over (Fixture *f)
{
  return f->seen.disconnected || f->seen.error != NULL;
}

/* What came through the tunnel is what the server shows, every pixel of it. */
static void
assert_same_screen (Fixture *f)
{
  g_autoptr(GdkTexture) image = corral_vnc_display_get_image (f->vnc);
  g_autoptr(GError) error = NULL;
  g_autofree guint32 *server = NULL;
  g_autofree guint32 *pixels = NULL;
  guint64 mismatches, not_black = 0;
  gsize first = 0;
  int sw, sh;

  g_assert_nonnull (image);
  server = console_test_server_screen (f->display, &sw, &sh, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sw, ==, SCREEN_W);
  g_assert_cmpint (sh, ==, SCREEN_H);
  g_assert_cmpint (gdk_texture_get_width (image), ==, sw);
  g_assert_cmpint (gdk_texture_get_height (image), ==, sh);

  pixels = g_new (guint32, (gsize) sw * sh);
  gdk_texture_download (image, (guint8 *) pixels, (gsize) sw * 4);   /* cairo ARGB32: 0xAARRGGBB */
  mismatches = console_test_count_differences (pixels, server, (gsize) sw * sh, FALSE, &first);
  for (gsize i = 0; i < (gsize) sw * sh; i++)
    if ((pixels[i] & 0xffffff) != 0)
      not_black++;
  if (mismatches != 0)
    fail (f, "%" G_GUINT64_FORMAT " of %d pixels differ; first at %d,%d: widget #%06x, server #%06x",
          mismatches, sw * sh, (int) (first % sw), (int) (first / sw), pixels[first] & 0xffffff, server[first]);
  /* xpattern covers the screen: an all-black screen would mean nothing was drawn on either side */
  g_assert_cmpuint (not_black, >, (guint64) sw * sh / 2);
}

/* The host key ssh learnt went to the test's file, not to the user's. */
static void
assert_known_hosts_private (Fixture *f)
{
  g_autofree char *needle = g_strdup_printf ("[127.0.0.1]:%d ", f->ssh_port);
  g_autofree char *ours = NULL;
  struct passwd *pw = getpwuid (getuid ());

  g_assert_true (g_file_get_contents (f->known_hosts, &ours, NULL, NULL));
  g_assert_nonnull (strstr (ours, needle));
  if (pw != NULL && pw->pw_dir != NULL)
    {
      g_autofree char *theirs_path = g_build_filename (pw->pw_dir, ".ssh", "known_hosts", NULL);
      g_autofree char *theirs = NULL;

      if (g_file_get_contents (theirs_path, &theirs, NULL, NULL))
        g_assert_null (strstr (theirs, needle));
    }
}

/* ---- tests ------------------------------------------------------------------------------------ */

static void
connect_through_tunnel (Fixture *f)
{
  g_auto(GStrv) argv = build_argv (f, f->client_key);

  /* the form the builder chose: -W for a port, nc -U on the far side for a socket */
  if (f->vnc_socket != NULL)
    {
      g_assert_cmpstr (argv[g_strv_length (argv) - 3], ==, "nc");
      g_assert_cmpstr (argv[g_strv_length (argv) - 1], ==, f->vnc_socket);
    }
  else
    {
      g_autofree char *target = g_strdup_printf ("127.0.0.1:%d", f->vnc_port);
      g_assert_true (g_strv_contains ((const char * const *) argv, "-W"));
      g_assert_true (g_strv_contains ((const char * const *) argv, target));
    }

  make_window (f);
  open_tunnel (f, argv);
  if (!WAIT_UNTIL (f->seen.initialized || is_over (f), STEP_TIMEOUT_MS) || !f->seen.initialized)
    fail (f, "no VNC handshake through the tunnel within %d ms (disconnected: %d, error: %s, ssh exited: %d)",
          STEP_TIMEOUT_MS, f->seen.disconnected, f->seen.error != NULL ? f->seen.error : "none",
          f->tunnel_exited);
  g_assert_cmpint (corral_vnc_display_get_guest_width (f->vnc), ==, SCREEN_W);
  g_assert_cmpint (corral_vnc_display_get_guest_height (f->vnc), ==, SCREEN_H);
  if (!WAIT_UNTIL (console_test_is_settled (&f->seen), STEP_TIMEOUT_MS))
    fail (f, "the screen did not come through the tunnel within %d ms", STEP_TIMEOUT_MS);
  assert_same_screen (f);
  assert_known_hosts_private (f);
  g_assert_false (f->tunnel_exited);
}

static void
test_tunnel (Fixture       *f,
             gconstpointer  data)
{
  if (!f->ready)
    return;

  connect_through_tunnel (f);

  /* the server goes away (the guest stops): the display hears of it through ssh, and ssh ends */
  stop_process (&f->pattern, &f->pattern_exited);   /* before it loses its X server and says so */
  g_subprocess_send_signal (f->xvnc, SIGTERM);
  if (!WAIT_UNTIL (f->seen.disconnected && f->tunnel_exited, STEP_TIMEOUT_MS))
    fail (f, "after Xvnc stopped: display disconnected %d, ssh exited %d (after %d ms)",
          f->seen.disconnected, f->tunnel_exited, STEP_TIMEOUT_MS);
  g_assert_false (g_subprocess_get_if_signaled (f->tunnel));
}

static void
test_viewer_closes (Fixture       *f,
                    gconstpointer  data)
{
  if (!f->ready)
    return;

  connect_through_tunnel (f);

  /* the viewer hangs up: the display is down at once, and ssh sees the end of its stdin */
  corral_vnc_display_close (f->vnc);
  if (!WAIT_UNTIL (is_over (f), STEP_TIMEOUT_MS))
    fail (f, "the display did not disconnect within %d ms of being closed", STEP_TIMEOUT_MS);
  /* through the tunnel the remote list was asked for: Xvnc's statistics (written when a client
   * leaves) say it sent Tight */
  if (f->vnc_socket == NULL)
    {
      g_autofree char *log = NULL;
      gboolean tight = FALSE;

      for (int i = 0; i < 50 && !tight; i++)
        {
          g_usleep (100 * 1000);
          g_clear_pointer (&log, g_free);
          g_assert_true (g_file_get_contents (f->xvnc_log, &log, NULL, NULL));
          tight = strstr (log, "  Tight:") != NULL;
        }
      if (!tight)
        fail (f, "Xvnc's statistics do not mention Tight through the tunnel:\n%s", log);
    }
  if (f->vnc_socket == NULL)
    {
      /* ssh -W passes the end on to the server, which hangs up: ssh ends by itself */
      if (!WAIT_UNTIL (f->tunnel_exited, STEP_TIMEOUT_MS))
        fail (f, "ssh -W still runs %d ms after the display closed its end", STEP_TIMEOUT_MS);
    }
  else if (!WAIT_UNTIL (f->tunnel_exited, 2000))
    {
      /* nc -U (without -N or -q 0) does not pass the end on, so the server never hangs up and ssh
       * stays; the console page kills its ssh once the display is disconnected, as done here */
      g_test_message ("ssh ... nc -U still runs 2 s after the display closed its end: killed");
      g_subprocess_force_exit (f->tunnel);
      g_assert_true (WAIT_UNTIL (f->tunnel_exited, STEP_TIMEOUT_MS));
    }
}

static void
test_wrong_key (Fixture       *f,
                gconstpointer  data)
{
  g_auto(GStrv) argv = NULL;
  g_autofree char *ssh_log = NULL;

  if (!f->ready)
    return;

  /* a key the server does not know: ssh gives up (BatchMode: no prompt), the stream ends before the
   * VNC handshake, and the display says so instead of waiting */
  argv = build_argv (f, f->wrong_key);
  make_window (f);
  open_tunnel (f, argv);
  if (!WAIT_UNTIL (is_over (f), STEP_TIMEOUT_MS))
    fail (f, "with a wrong key the display neither disconnected nor reported an error within %d ms", STEP_TIMEOUT_MS);
  g_assert_false (f->seen.initialized);
  if (!WAIT_UNTIL (f->tunnel_exited, STEP_TIMEOUT_MS))
    fail (f, "with a wrong key ssh did not exit within %d ms", STEP_TIMEOUT_MS);
  g_assert_true (g_subprocess_get_if_exited (f->tunnel));
  g_assert_cmpint (g_subprocess_get_exit_status (f->tunnel), ==, 255);   /* ssh's own failure */

  /* and it was the key that was refused, not something else */
  ssh_log = read_log (f->ssh_log);
  if (strstr (ssh_log, "Permission denied (publickey)") == NULL)
    fail (f, "ssh failed, but not because the server refused the key");
}

int
main (int   argc,
      char *argv[])
{
  /* before anything starts a thread */
  start_reaper ();
  g_test_init (&argc, &argv, NULL);
  /* --private-sshd=PATH (from meson); else the script beside this source */
  if (argc > 1 && g_str_has_prefix (argv[1], "--private-sshd="))
    private_sshd = argv[1] + strlen ("--private-sshd=");
  else
    private_sshd = g_test_get_filename (G_TEST_DIST, "private-sshd", NULL);

  g_test_add ("/console/ssh-tunnel/port", Fixture, &tcp_port, fixture_setup, test_tunnel, fixture_teardown);
  g_test_add ("/console/ssh-tunnel/unix-socket", Fixture, &unix_socket, fixture_setup, test_tunnel,
              fixture_teardown);
  g_test_add ("/console/ssh-tunnel/port/viewer-closes", Fixture, &tcp_port, fixture_setup, test_viewer_closes,
              fixture_teardown);
  g_test_add ("/console/ssh-tunnel/unix-socket/viewer-closes", Fixture, &unix_socket, fixture_setup,
              test_viewer_closes, fixture_teardown);
  g_test_add ("/console/ssh-tunnel/wrong-key", Fixture, &tcp_port, fixture_setup, test_wrong_key,
              fixture_teardown);

  return g_test_run ();
}
