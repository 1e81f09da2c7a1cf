/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ssh tunnel a qemu+ssh:// console goes through, end to end: a private sshd on 127.0.0.1 (its own
 * host key, an authorized_keys holding a key made for the test), Xvnc on loopback showing xpattern's
 * known pattern, and between them the argv corral_console_build_ssh_argv() makes, spawned the way the
 * console page does it (its stdin and stdout one end of a socketpair, the CorralVncDisplay on the
 * other). Both forms are covered: `ssh -W 127.0.0.1:PORT` for a TCP port and `ssh ... nc -U SOCKET`
 * for a UNIX socket. What the widget received is compared pixel by pixel with the server's own screen
 * (xwd -root). A key the server does not know makes ssh give up, and the display says so in time.
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

#include "corral-console-page.h"
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
  GDataInputStream *pattern_out;
  gboolean          pattern_ready;
  GCancellable     *cancellable;

  GSubprocess      *tunnel;         /* the ssh */
  gboolean          tunnel_exited;

  GtkWidget        *window;
  CorralVncDisplay *vnc;
  gboolean          initialized;
  gboolean          disconnected;
  char             *error_message;
  guint64           updates;
  gint64            last_update;
} Fixture;

/* ---- plumbing --------------------------------------------------------------------------------- */

/* Helpers die with the test, even when it aborts (else meson waits on their inherited pipes). */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
wait_until (gboolean (*cond) (Fixture *f),
            Fixture  *f,
            guint     timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (f))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

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

static int
free_tcp_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  int port;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  port = ntohs (addr.sin_port);
  close (fd);
  return port;
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

static gboolean
sshd_up_or_gone (Fixture *f)
{
  return f->sshd_exited || port_accepts (f->ssh_port);
}

static void
start_sshd (Fixture    *f,
            const char *sshd,
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

      f->ssh_port = free_tcp_port ();
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
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      g_subprocess_launcher_set_stderr_file_path (launcher, f->sshd_log);
      /* sshd re-executes itself, so it wants its absolute path */
      f->sshd = g_subprocess_launcher_spawn (launcher, &error, sshd, "-D", "-e", "-f", config_path, NULL);
      g_assert_no_error (error);
      f->sshd_exited = FALSE;
      g_subprocess_wait_async (f->sshd, NULL, exited_cb, &f->sshd_exited);

      if (!wait_until (sshd_up_or_gone, f, STEP_TIMEOUT_MS))
        fail (f, "sshd did not accept connections on 127.0.0.1:%d within %d ms", f->ssh_port, STEP_TIMEOUT_MS);
      if (!f->sshd_exited)
        return;
      g_clear_object (&f->sshd);
    }
  fail (f, "sshd did not start");
}

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fixture *f = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                                    NULL, NULL);

  if (line == NULL)
    return;   /* EOF, or cancelled at teardown */
  if (g_str_has_prefix (line, "ready "))
    f->pattern_ready = TRUE;
  g_data_input_stream_read_line_async (f->pattern_out, G_PRIORITY_DEFAULT, f->cancellable, read_line_cb, f);
}

static gboolean
pattern_ready (Fixture *f)
{
  return f->pattern_ready;
}

static void
start_xvnc (Fixture    *f,
            const char *xvnc,
            gboolean    on_socket)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *xpattern = NULL;
  g_autofree char *display_str = NULL;
  int pipefd[2];
  char buf[32] = { 0 };
  gssize n = 0;

  g_ptr_array_add (argv, g_strdup (xvnc));
  g_ptr_array_add (argv, g_strdup ("-displayfd"));
  g_ptr_array_add (argv, g_strdup ("3"));
  g_ptr_array_add (argv, g_strdup ("-geometry"));
  g_ptr_array_add (argv, g_strdup_printf ("%dx%d", SCREEN_W, SCREEN_H));
  g_ptr_array_add (argv, g_strdup ("-depth"));
  g_ptr_array_add (argv, g_strdup ("24"));
  g_ptr_array_add (argv, g_strdup ("-nolisten"));
  g_ptr_array_add (argv, g_strdup ("tcp"));
  g_ptr_array_add (argv, g_strdup ("-SecurityTypes"));
  g_ptr_array_add (argv, g_strdup ("None"));
  g_ptr_array_add (argv, g_strdup ("-Log"));
  g_ptr_array_add (argv, g_strdup ("*:stderr:30"));
  g_ptr_array_add (argv, g_strdup ("-localhost"));
  g_ptr_array_add (argv, g_strdup ("-interface"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
  if (on_socket)
    {
      /* only there: without -rfbport -1 Xvnc also listens on TCP port 5900 */
      f->vnc_port = -1;
      f->vnc_socket = g_build_filename (f->tmpdir, "vnc.sock", NULL);
      g_ptr_array_add (argv, g_strdup ("-rfbunixpath"));
      g_ptr_array_add (argv, g_strdup (f->vnc_socket));
      g_ptr_array_add (argv, g_strdup ("-rfbport"));
      g_ptr_array_add (argv, g_strdup ("-1"));
    }
  else
    {
      f->vnc_port = free_tcp_port ();
      g_ptr_array_add (argv, g_strdup ("-rfbport"));
      g_ptr_array_add (argv, g_strdup_printf ("%d", f->vnc_port));
    }
  g_ptr_array_add (argv, NULL);

  g_unix_open_pipe (pipefd, FD_CLOEXEC, &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, f->xvnc_log);
  g_subprocess_launcher_take_fd (launcher, pipefd[1], 3);
  f->xvnc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);   /* closes our copy of the write end */
  g_subprocess_wait_async (f->xvnc, NULL, exited_cb, &f->xvnc_exited);

  /* Xvnc writes its display number once it listens */
  while ((gsize) n < sizeof buf - 1)
    {
      gssize r = read (pipefd[0], buf + n, sizeof buf - 1 - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      n += r;
      if (memchr (buf, '\n', n) != NULL)
        break;
    }
  close (pipefd[0]);
  if (n <= 0)
    fail (f, "Xvnc did not start");
  f->display = atoi (buf);
  if (on_socket && !g_file_test (f->vnc_socket, G_FILE_TEST_EXISTS))
    fail (f, "Xvnc made no socket %s", f->vnc_socket);

  display_str = g_strdup_printf (":%d", f->display);
  xpattern = g_test_build_filename (G_TEST_BUILT, "xpattern", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", display_str, TRUE);
  f->pattern = g_subprocess_launcher_spawn (launcher, &error, xpattern, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (f->pattern, NULL, exited_cb, &f->pattern_exited);
  f->pattern_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->pattern));
  g_data_input_stream_read_line_async (f->pattern_out, G_PRIORITY_DEFAULT, f->cancellable, read_line_cb, f);
  if (!wait_until (pattern_ready, f, STEP_TIMEOUT_MS))
    fail (f, "xpattern did not draw its pattern on :%d", f->display);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const FixtureOptions *opts = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *xvnc = find_program ("Xvnc", NULL);
  g_autofree char *sshd = find_program ("sshd", "/usr/sbin/sshd");
  g_autofree char *ssh = find_program ("ssh", NULL);
  g_autofree char *keygen = find_program ("ssh-keygen", NULL);
  g_autofree char *nc = find_program ("nc", NULL);
  g_autofree char *xwd = find_program ("xwd", NULL);
  g_autofree char *client_config = NULL;
  static int n_fixtures;

  memset (f, 0, sizeof *f);
  f->cancellable = g_cancellable_new ();

  if (g_getenv ("DISPLAY") == NULL || !gtk_init_check ())
    {
      g_test_skip ("no X display (run under xvfb-run)");
      return;
    }
  if (xvnc == NULL)
    {
      g_test_skip ("Xvnc not installed (tigervnc-standalone-server)");
      return;
    }
  if (sshd == NULL)
    {
      g_test_skip ("sshd not installed (openssh-server)");
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
  /* sshd started by root wants its privilege separation directory (made by its service otherwise) */
  if (getuid () == 0 && g_mkdir_with_parents ("/run/sshd", 0755) != 0)
    {
      g_autofree char *reason = g_strdup_printf ("cannot make /run/sshd for sshd: %s", g_strerror (errno));
      g_test_skip (reason);
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

  start_sshd (f, sshd, keygen);
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
  if (f->window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (f->vnc), (gpointer *) &f->vnc);
      gtk_window_destroy (GTK_WINDOW (f->window));
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_assert_null (f->vnc);   /* the widget was freed */
    }
  g_cancellable_cancel (f->cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  stop_process (&f->tunnel, &f->tunnel_exited);
  stop_process (&f->pattern, &f->pattern_exited);
  stop_process (&f->xvnc, &f->xvnc_exited);
  stop_process (&f->sshd, &f->sshd_exited);
  g_clear_object (&f->pattern_out);
  g_clear_object (&f->cancellable);
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
  g_free (f->error_message);
}

/* ---- the tunnel and the widget ---------------------------------------------------------------- */

static void
initialized_cb (CorralVncDisplay *vnc,
                Fixture          *f)
{
  f->initialized = TRUE;
}

static void
disconnected_cb (CorralVncDisplay *vnc,
                 Fixture          *f)
{
  f->disconnected = TRUE;
}

static void
error_cb (CorralVncDisplay *vnc,
          const char       *message,
          Fixture          *f)
{
  g_free (f->error_message);
  f->error_message = g_strdup (message);
}

static void
updated_cb (CorralVncDisplay *vnc,
            guint x, guint y, guint w, guint h,
            Fixture          *f)
{
  f->updates++;
  f->last_update = g_get_monotonic_time ();
}

static void
make_window (Fixture *f)
{
  f->window = gtk_window_new ();
  f->vnc = CORRAL_VNC_DISPLAY (corral_vnc_display_new ());
  corral_vnc_display_set_scaling (f->vnc, CORRAL_VNC_SCALING_ONE_TO_ONE);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->vnc));
  gtk_window_set_default_size (GTK_WINDOW (f->window), SCREEN_W, SCREEN_H);
  g_signal_connect (f->vnc, "initialized", G_CALLBACK (initialized_cb), f);
  g_signal_connect (f->vnc, "disconnected", G_CALLBACK (disconnected_cb), f);
  g_signal_connect (f->vnc, "error", G_CALLBACK (error_cb), f);
  g_signal_connect (f->vnc, "framebuffer-updated", G_CALLBACK (updated_cb), f);
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
    argv = corral_console_build_ssh_argv (uri, f->vnc_socket, NULL, -1, &error);
  else
    argv = corral_console_build_ssh_argv (uri, NULL, "127.0.0.1", f->vnc_port, &error);
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
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, f->ssh_log);
  g_subprocess_launcher_take_stdin_fd (launcher, dup (sv[1]));
  g_subprocess_launcher_take_stdout_fd (launcher, sv[1]);
  f->tunnel = g_subprocess_launcher_spawnv (launcher, (const char * const *) full, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);   /* closes our copies of sv[1] */
  f->tunnel_exited = FALSE;
  g_subprocess_wait_async (f->tunnel, NULL, exited_cb, &f->tunnel_exited);

  g_assert_true (corral_vnc_display_open_fd (f->vnc, sv[0], &error));
  g_assert_no_error (error);
}

static gboolean
is_initialized_or_over (Fixture *f)
{
  return f->initialized || f->disconnected || f->error_message != NULL;
}

static gboolean
is_settled (Fixture *f)
{
  /* the whole screen came, and nothing more for 300 ms */
  return f->updates > 0 && g_get_monotonic_time () - f->last_update > 300 * 1000;
}

static gboolean
is_over (Fixture *f)
{
  return f->disconnected || f->error_message != NULL;
}

static gboolean
tunnel_exited (Fixture *f)
{
  return f->tunnel_exited;
}

static gboolean
is_disconnected_and_tunnel_gone (Fixture *f)
{
  return f->disconnected && f->tunnel_exited;
}

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* The server's own screen: xwd -root of the Xvnc display, as 0x00RRGGBB per pixel. */
static guint32 *
server_screen (Fixture *f,
               int     *width,
               int     *height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) xwd = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autofree char *display = g_strdup_printf (":%d", f->display);
  const guint8 *d;
  gsize len;
  guint32 header_size, w, h, byte_order, bpp, bpl, ncolors;
  guint32 *pixels;

  xwd = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                          "xwd", "-root", "-silent", "-display", display, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (xwd, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (xwd));

  d = g_bytes_get_data (out, &len);
  g_assert_cmpuint (len, >=, 100);
  header_size = be32 (d);
  g_assert_cmpuint (be32 (d + 4), ==, 7);     /* XWD version */
  g_assert_cmpuint (be32 (d + 8), ==, 2);     /* ZPixmap */
  w = be32 (d + 16);
  h = be32 (d + 20);
  byte_order = be32 (d + 28);
  bpp = be32 (d + 44);
  bpl = be32 (d + 48);
  ncolors = be32 (d + 76);
  g_assert_cmpuint (bpp, ==, 32);
  g_assert_cmpuint (be32 (d + 56), ==, 0xff0000);
  g_assert_cmpuint (be32 (d + 60), ==, 0x00ff00);
  g_assert_cmpuint (be32 (d + 64), ==, 0x0000ff);
  g_assert_cmpuint (len, >=, header_size + ncolors * 12 + (gsize) bpl * h);

  d += header_size + ncolors * 12;
  pixels = g_new (guint32, (gsize) w * h);
  for (guint32 y = 0; y < h; y++)
    for (guint32 x = 0; x < w; x++)
      {
        const guint8 *p = d + (gsize) y * bpl + x * 4;
        guint32 v = byte_order == 0 ? (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24
                                    : be32 (p);
        pixels[(gsize) y * w + x] = v & 0xffffff;
      }
  *width = w;
  *height = h;
  return pixels;
}

/* What came through the tunnel is what the server shows, every pixel of it. */
static void
assert_same_screen (Fixture *f)
{
  g_autoptr(GdkTexture) image = corral_vnc_display_get_image (f->vnc);
  g_autofree guint32 *server = NULL;
  g_autofree guint32 *pixels = NULL;
  guint64 mismatches = 0, not_black = 0;
  gsize first = 0;
  int sw, sh;

  g_assert_nonnull (image);
  server = server_screen (f, &sw, &sh);
  g_assert_cmpint (sw, ==, SCREEN_W);
  g_assert_cmpint (sh, ==, SCREEN_H);
  g_assert_cmpint (gdk_texture_get_width (image), ==, sw);
  g_assert_cmpint (gdk_texture_get_height (image), ==, sh);

  pixels = g_new (guint32, (gsize) sw * sh);
  gdk_texture_download (image, (guint8 *) pixels, (gsize) sw * 4);   /* cairo ARGB32: 0xAARRGGBB */
  for (gsize i = 0; i < (gsize) sw * sh; i++)
    {
      if ((pixels[i] & 0xffffff) != server[i] && mismatches++ == 0)
        first = i;
      if ((pixels[i] & 0xffffff) != 0)
        not_black++;
    }
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
  if (!wait_until (is_initialized_or_over, f, STEP_TIMEOUT_MS) || !f->initialized)
    fail (f, "no VNC handshake through the tunnel within %d ms (disconnected: %d, error: %s, ssh exited: %d)",
          STEP_TIMEOUT_MS, f->disconnected, f->error_message != NULL ? f->error_message : "none",
          f->tunnel_exited);
  g_assert_cmpint (corral_vnc_display_get_guest_width (f->vnc), ==, SCREEN_W);
  g_assert_cmpint (corral_vnc_display_get_guest_height (f->vnc), ==, SCREEN_H);
  if (!wait_until (is_settled, f, STEP_TIMEOUT_MS))
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
  if (!wait_until (is_disconnected_and_tunnel_gone, f, STEP_TIMEOUT_MS))
    fail (f, "after Xvnc stopped: display disconnected %d, ssh exited %d (after %d ms)",
          f->disconnected, f->tunnel_exited, STEP_TIMEOUT_MS);
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
  if (!wait_until (is_over, f, STEP_TIMEOUT_MS))
    fail (f, "the display did not disconnect within %d ms of being closed", STEP_TIMEOUT_MS);
  if (f->vnc_socket == NULL)
    {
      /* ssh -W passes the end on to the server, which hangs up: ssh ends by itself */
      if (!wait_until (tunnel_exited, f, STEP_TIMEOUT_MS))
        fail (f, "ssh -W still runs %d ms after the display closed its end", STEP_TIMEOUT_MS);
    }
  else if (!wait_until (tunnel_exited, f, 2000))
    {
      /* nc -U (without -N or -q 0) does not pass the end on, so the server never hangs up and ssh
       * stays; the console page kills its ssh once the display is disconnected, as done here */
      g_test_message ("ssh ... nc -U still runs 2 s after the display closed its end: killed");
      g_subprocess_force_exit (f->tunnel);
      g_assert_true (wait_until (tunnel_exited, f, STEP_TIMEOUT_MS));
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
  if (!wait_until (is_over, f, STEP_TIMEOUT_MS))
    fail (f, "with a wrong key the display neither disconnected nor reported an error within %d ms", STEP_TIMEOUT_MS);
  g_assert_false (f->initialized);
  if (!wait_until (tunnel_exited, f, STEP_TIMEOUT_MS))
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
