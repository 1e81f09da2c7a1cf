/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CorralVncDisplay against a real VNC server: Xvnc (TigerVNC) on loopback, showing a known pattern
 * drawn by xpattern. The widget runs in a window under Xvfb (DISPLAY), and what it renders is compared
 * pixel by pixel with the server's own screen (xwd -root of the Xvnc display), once per encoding.
 * Keys and clicks go through the widget's own input path and are checked on the X server side. */
#include "config.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <X11/Xlib.h>
#include <X11/cursorfont.h>
#include <X11/extensions/Xfixes.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif
#include <gvnc.h>
#include <string.h>
#include <linux/magic.h>
#include <pwd.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "console-test-util.h"
#include "corral-test-util.h"
#include "corral-vnc-display-private.h"

#ifdef GDK_WINDOWING_X11
# include <gdk/x11/gdkx.h>
#endif

#define SCREEN_W 640
#define SCREEN_H 480

typedef struct
{
  char            *tmpdir;
  GSubprocess     *xvnc;
  GSubprocess     *pattern;
  GPtrArray       *lines;        /* what xpattern printed */
  GCancellable    *cancellable;
  int              display;
  int              port;
  char            *port_str;
  char            *log_path;

  GtkWidget       *window;
  CorralVncDisplay *vnc;
  ConsoleTestSignals seen;
  gboolean         auth_failed;
  guint            credentials_asked;
  const char      *username;     /* what credentials_cb answers with (a user name only if asked) */
  const char      *password;
  char            *cut_text;
} Fixture;

typedef struct
{
  const char *security;   /* -SecurityTypes */
  const char *clipboard;  /* xpattern --clipboard TEXT */
  int         width;      /* the server's screen, SCREEN_W x SCREEN_H if 0 */
  int         height;
} FixtureOptions;

static const FixtureOptions no_auth = { "None", NULL, 0, 0 };
static const FixtureOptions tls_anonymous = { "TLSNone", NULL, 0, 0 };
static const FixtureOptions tls_x509 = { "X509None", NULL, 0, 0 };
static const FixtureOptions small_screen = { "None", NULL, SCREEN_W / 2, SCREEN_H / 2 };
static const FixtureOptions vnc_auth = { "VncAuth", NULL, 0, 0 };
static const FixtureOptions tls_plain = { "TLSPlain", NULL, 0, 0 };
static const FixtureOptions with_clipboard = { "None", "Corral clipboard test \xc3\xa9", 0, 0 };

/* TRUE once xpattern printed a line starting with prefix (what the X server saw), FALSE if it did not
 * within timeout_ms. */
static gboolean
wait_for_line (Fixture    *f,
               const char *prefix,
               guint       timeout_ms)
{
  return WAIT_UNTIL (console_test_has_line (f->lines, prefix), timeout_ms);
}

/* Runs a command to completion; FALSE (and the test skipped) if it is not installed. */
static gboolean
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *program = g_find_program_in_path (argv[0]);

  if (program == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("%s not installed", argv[0]);
      g_test_skip (reason);
      return FALSE;
    }
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
  return TRUE;
}

/* A test CA and a server certificate it signed, for 127.0.0.1 and localhost, in the fixture's
 * directory: ca.pem, server.pem, server.key. */
static gboolean
make_certificates (Fixture *f)
{
  g_autofree char *ca_key = g_build_filename (f->tmpdir, "ca.key", NULL);
  g_autofree char *ca = g_build_filename (f->tmpdir, "ca.pem", NULL);
  g_autofree char *key = g_build_filename (f->tmpdir, "server.key", NULL);
  g_autofree char *csr = g_build_filename (f->tmpdir, "server.csr", NULL);
  g_autofree char *cert = g_build_filename (f->tmpdir, "server.pem", NULL);
  const char *make_ca[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=Corral test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL
  };
  const char *make_csr[] = {
    "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", NULL
  };
  const char *sign[] = {
    "openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
    "-copy_extensions", "copy", "-days", "2", "-out", cert, NULL
  };

  return run_tool (make_ca) && run_tool (make_csr) && run_tool (sign);
}

/* VeNCrypt Plain: Xvnc checks the user name and password with PAM, through a service of the test's
 * own in the private /etc/pam.d (with-private-home), whose check is a script that accepts
 * PLAIN_USER with PLAIN_PASSWORD only. */
#define PLAIN_USER "corral"
#define PLAIN_PASSWORD "secret2"
#define PLAIN_PAM_SERVICE "corral-test-vnc"

/* VNC authentication: the server's password (vncpasswd) */
#define VNC_PASSWORD "secret1"

static gboolean
add_plain_login (Fixture   *f,
                 GPtrArray *args)
{
  const char *pamd = g_getenv ("CORRAL_TEST_PRIVATE_PAMD");
  g_autofree char *check = NULL;
  g_autofree char *service = NULL;
  g_autofree char *service_text = NULL;
  g_autoptr(GError) error = NULL;

  if (pamd == NULL)
    {
      g_test_skip ("no private /etc/pam.d for the server's PAM service (run through with-private-home, "
                   "as root or with user namespaces)");
      return FALSE;
    }
  check = g_build_filename (f->tmpdir, "check-login", NULL);
  /* pam_exec's expose_authtok writes the password to stdin, NUL-terminated */
  g_file_set_contents (check,
                       "#!/bin/sh\n"
                       "password=$(head -c 512 | tr -d '\\000\\n')\n"
                       "[ \"$PAM_USER\" = " PLAIN_USER " ] && [ \"$password\" = " PLAIN_PASSWORD " ]\n",
                       -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (check, 0755), ==, 0);
  service = g_build_filename (pamd, PLAIN_PAM_SERVICE, NULL);
  service_text = g_strdup_printf ("auth required pam_exec.so quiet expose_authtok %s\n"
                                  "account required pam_permit.so\n", check);
  g_file_set_contents (service, service_text, -1, &error);
  g_assert_no_error (error);
  g_ptr_array_add (args, g_strdup ("-PAMService"));
  g_ptr_array_add (args, g_strdup (PLAIN_PAM_SERVICE));
  g_ptr_array_add (args, g_strdup ("-PlainUsers"));
  g_ptr_array_add (args, g_strdup (PLAIN_USER));
  return TRUE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const FixtureOptions *opts = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *xvnc = NULL;
  ConsoleTestXvncOptions xvnc_opts;

  memset (f, 0, sizeof *f);
  f->lines = g_ptr_array_new_with_free_func (g_free);
  f->cancellable = g_cancellable_new ();

  if (!console_test_init_display () || (xvnc = console_test_find_xvnc ()) == NULL)
    return;

  f->tmpdir = g_dir_make_tmp ("corral-console-XXXXXX", &error);
  g_assert_no_error (error);
  f->log_path = g_build_filename (f->tmpdir, "xvnc.log", NULL);
  f->port = console_test_free_tcp_port ();
  f->port_str = g_strdup_printf ("%d", f->port);

  if (g_str_has_prefix (opts->security, "X509"))
    {
      if (!make_certificates (f))
        return;
      g_ptr_array_add (args, g_strdup ("-X509Cert"));
      g_ptr_array_add (args, g_build_filename (f->tmpdir, "server.pem", NULL));
      g_ptr_array_add (args, g_strdup ("-X509Key"));
      g_ptr_array_add (args, g_build_filename (f->tmpdir, "server.key", NULL));
    }
  if (g_str_has_suffix (opts->security, "Plain") && !add_plain_login (f, args))
    return;
  if (g_str_equal (opts->security, "VncAuth"))
    {
      g_autofree char *passwd = g_build_filename (f->tmpdir, "passwd", NULL);
      g_autoptr(GSubprocess) vncpasswd = NULL;
      g_autoptr(GBytes) input = g_bytes_new_static (VNC_PASSWORD "\n", strlen (VNC_PASSWORD) + 1);
      g_autoptr(GBytes) output = NULL;

      vncpasswd = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                    "vncpasswd", "-f", NULL);
      if (vncpasswd == NULL)
        {
          g_test_skip ("vncpasswd not installed (tigervnc-tools)");
          return;
        }
      g_subprocess_communicate (vncpasswd, input, NULL, &output, NULL, &error);
      g_assert_no_error (error);
      g_file_set_contents (passwd, g_bytes_get_data (output, NULL), g_bytes_get_size (output), &error);
      g_assert_no_error (error);
      g_ptr_array_add (args, g_strdup ("-PasswordFile"));
      g_ptr_array_add (args, g_steal_pointer (&passwd));
    }
  g_ptr_array_add (args, NULL);

  xvnc_opts = (ConsoleTestXvncOptions) {
    .width = opts->width > 0 ? opts->width : SCREEN_W,
    .height = opts->height > 0 ? opts->height : SCREEN_H,
    .port = f->port,
    .security = opts->security,
    .log_level = 100,
    .log_path = f->log_path,
    .args = (const char * const *) args->pdata,
  };
  f->display = console_test_start_xvnc (xvnc, &xvnc_opts, &f->xvnc);
  if (f->display < 0)
    {
      g_autofree char *log = NULL;
      g_file_get_contents (f->log_path, &log, NULL, NULL);
      g_error ("Xvnc did not start: %s", log != NULL ? log : "(no log)");
    }

  f->pattern = console_test_start_xpattern (f->display, opts->clipboard, f->lines, f->cancellable);
  g_assert_true (wait_for_line (f, "ready", 10000));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  console_test_destroy_window (f->window, &f->vnc);
  g_cancellable_cancel (f->cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  console_test_stop_process (&f->pattern);
  console_test_stop_process (&f->xvnc);
  g_clear_object (&f->cancellable);
  g_clear_pointer (&f->lines, g_ptr_array_unref);
  if (f->tmpdir != NULL)
    {
      static const char * const files[] = {
        "passwd", "check-login", "shot.png", "xvnc.log", "ca.key", "ca.pem", "ca.srl", "server.key",
        "server.csr", "server.pem",
      };
      for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *path = g_build_filename (f->tmpdir, files[i], NULL);
          g_unlink (path);
        }
      g_rmdir (f->tmpdir);
    }
  g_free (f->tmpdir);
  console_test_signals_clear (&f->seen);
  g_free (f->log_path);
  g_free (f->port_str);
  g_free (f->cut_text);
}

/* ---- the widget ------------------------------------------------------------------------------- */

static void
auth_failed_cb (CorralVncDisplay *vnc,
                const char       *reason,
                Fixture          *f)
{
  f->auth_failed = TRUE;
}

static void
cut_text_cb (CorralVncDisplay *vnc,
             const char       *text,
             Fixture          *f)
{
  g_free (f->cut_text);
  f->cut_text = g_strdup (text);
}

static void
make_window (Fixture          *f,
             CorralVncScaling  scaling,
             int               width,
             int               height)
{
  f->window = console_test_display_window (scaling, width, height, &f->seen, &f->vnc);
  g_signal_connect (f->vnc, "auth-failed", G_CALLBACK (auth_failed_cb), f);
  g_signal_connect (f->vnc, "server-cut-text", G_CALLBACK (cut_text_cb), f);
  gtk_window_present (GTK_WINDOW (f->window));
}

static gboolean
is_drawn (Fixture *f)
{
  /* the window is up (a loaded machine can take a while) and the widget has drawn the screen */
  return gtk_widget_get_mapped (GTK_WIDGET (f->vnc)) && gtk_widget_get_width (GTK_WIDGET (f->vnc)) > 0 &&
         _corral_vnc_display_get_frames_drawn (f->vnc) > 0;
}

/* Waits for the connection just opened to be up, and its screen drawn. */
static void
wait_shown (Fixture *f)
{
  g_assert_true (WAIT_UNTIL (f->seen.initialized, 10000));
  g_assert_true (WAIT_UNTIL (console_test_is_settled (&f->seen), 10000));
  g_assert_true (WAIT_UNTIL (is_drawn (f), 10000));
}

static void
connect_host (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_vnc_display_open_host (f->vnc, "127.0.0.1", f->port_str, &error));
  g_assert_no_error (error);
  wait_shown (f);
}

/* What the widget shows, rendered by its own window's renderer. */
static guint8 *
render_widget (Fixture *f,
               int     *width,
               int     *height)
{
  GtkWidget *widget = GTK_WIDGET (f->vnc);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  int w, h;
  guint8 *data;

  /* The widget's paintable draws nothing while the widget waits for an allocation: under Wayland the
   * compositor's configure events can come after the first frame. */
  do
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      while (g_main_context_iteration (NULL, FALSE))
        ;
      w = gtk_widget_get_width (widget);
      h = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        g_usleep (10000);
    }
  while (node == NULL && g_get_monotonic_time () < until);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, w);
  data = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, data, (gsize) w * 4);   /* cairo ARGB32: 0xAARRGGBB per pixel */
  *width = w;
  *height = h;
  return data;
}

static void
assert_same_pixels (Fixture    *f,
                    const char *what)
{
  g_autofree guint8 *shown = NULL;
  g_autofree guint32 *server = NULL;
  int sw, sh, ww, wh;
  guint64 mismatches;
  gsize first = 0;

  server = console_test_server_screen (f->display, &sw, &sh, NULL);
  g_assert_nonnull (server);
  shown = render_widget (f, &ww, &wh);
  g_assert_cmpint (ww, ==, sw);
  g_assert_cmpint (wh, ==, sh);

  /* every pixel opaque, and the server's */
  mismatches = console_test_count_differences ((guint32 *) shown, server, (gsize) sw * sh, TRUE, &first);
  if (mismatches != 0)
    g_error ("%s: %" G_GUINT64_FORMAT " of %d pixels differ; first at %d,%d: widget #%06x, server #%06x",
             what, mismatches, sw * sh, (int) (first % sw), (int) (first / sw),
             ((guint32 *) shown)[first] & 0xffffff, server[first]);
}

/* ---- tests ------------------------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  gint32      encoding;
  const char *log_name;    /* how Xvnc's statistics name it */
} EncodingCase;

static const EncodingCase encoding_cases[] = {
  { "tight", VNC_CONNECTION_ENCODING_TIGHT, "Tight" },
  { "zrle", VNC_CONNECTION_ENCODING_ZRLE, "ZRLE" },
  { "hextile", VNC_CONNECTION_ENCODING_HEXTILE, "Hextile" },
  { "raw", VNC_CONNECTION_ENCODING_RAW, "Raw" },
};

static void
test_pixels (Fixture       *f,
             gconstpointer  data)
{
  const EncodingCase *ec = NULL;
  const char *path = g_test_get_path ();

  if (g_test_failed () || f->xvnc == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (encoding_cases); i++)
    if (g_str_has_suffix (path, encoding_cases[i].name))
      ec = &encoding_cases[i];
  g_assert_nonnull (ec);

  make_window (f, CORRAL_VNC_SCALING_ONE_TO_ONE, SCREEN_W, SCREEN_H);
  _corral_vnc_display_set_encodings (f->vnc, &ec->encoding, 1);
  connect_host (f);
  g_assert_cmpint (corral_vnc_display_get_guest_width (f->vnc), ==, SCREEN_W);
  g_assert_cmpint (corral_vnc_display_get_guest_height (f->vnc), ==, SCREEN_H);
  g_assert_cmpuint (_corral_vnc_display_get_frames_drawn (f->vnc), >, 0);

  assert_same_pixels (f, ec->name);

  /* The server used the encoding we forced: its statistics name it when the client leaves. */
  corral_vnc_display_close (f->vnc);
  g_assert_true (WAIT_UNTIL (f->seen.disconnected, 5000));
  {
    g_autofree char *log = NULL;
    g_autofree char *needle = g_strdup_printf ("  %s:", ec->log_name);
    g_usleep (200 * 1000);
    g_assert_true (g_file_get_contents (f->log_path, &log, NULL, NULL));
    if (strstr (log, needle) == NULL)
      g_error ("Xvnc's statistics do not mention %s:\n%s", ec->log_name, log);
  }
}

/* Xvnc's statistics, written when a client leaves: which encodings it sent. */
static char *
xvnc_stats_after_close (Fixture *f)
{
  g_autofree char *log = NULL;

  corral_vnc_display_close (f->vnc);
  g_assert_true (WAIT_UNTIL (f->seen.disconnected, 5000));
  for (int i = 0; i < 50; i++)
    {
      g_usleep (100 * 1000);
      g_clear_pointer (&log, g_free);
      g_assert_true (g_file_get_contents (f->log_path, &log, NULL, NULL));
      if (strstr (log, "Framebuffer updates:") != NULL)
        break;
    }
  return g_steal_pointer (&log);
}

/* The local link (loopback, with the link left on auto): Raw alone, which Xvnc's statistics show, and
 * the server's pixels exactly. */
static void
test_link_loopback (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *log = NULL;

  if (f->xvnc == NULL)
    return;

  make_window (f, CORRAL_VNC_SCALING_ONE_TO_ONE, SCREEN_W, SCREEN_H);
  g_assert_cmpint (corral_vnc_display_get_link (f->vnc), ==, CORRAL_VNC_LINK_AUTO);
  connect_host (f);
  g_assert_cmpint (corral_vnc_display_get_active_link (f->vnc), ==, CORRAL_VNC_LINK_LOCAL);
  assert_same_pixels (f, "link-loopback");
  log = xvnc_stats_after_close (f);
  if (strstr (log, "  Raw:") == NULL || strstr (log, "  Tight:") != NULL || strstr (log, "  ZRLE:") != NULL)
    g_error ("on loopback Xvnc should have sent Raw only:\n%s", log);
}

/* The remote link forced on loopback: Tight, as through an ssh tunnel. */
static void
test_link_remote (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *log = NULL;

  if (f->xvnc == NULL)
    return;

  make_window (f, CORRAL_VNC_SCALING_ONE_TO_ONE, SCREEN_W, SCREEN_H);
  corral_vnc_display_set_link (f->vnc, CORRAL_VNC_LINK_REMOTE);
  connect_host (f);
  g_assert_cmpint (corral_vnc_display_get_active_link (f->vnc), ==, CORRAL_VNC_LINK_REMOTE);
  assert_same_pixels (f, "link-remote");
  log = xvnc_stats_after_close (f);
  if (strstr (log, "  Tight:") == NULL)
    g_error ("on a remote link Xvnc should have sent Tight:\n%s", log);
}

static void
test_fd (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  int fd;

  if (f->xvnc == NULL)
    return;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", f->port, NULL, &error);
  g_assert_no_error (error);
  fd = dup (g_socket_get_fd (g_socket_connection_get_socket (conn)));
  g_clear_object (&conn);

  make_window (f, CORRAL_VNC_SCALING_ONE_TO_ONE, SCREEN_W, SCREEN_H);
  g_assert_true (corral_vnc_display_open_fd (f->vnc, fd, &error));
  g_assert_no_error (error);
  wait_shown (f);
  /* a TCP socket to loopback: local */
  g_assert_cmpint (corral_vnc_display_get_active_link (f->vnc), ==, CORRAL_VNC_LINK_LOCAL);
  assert_same_pixels (f, "fd");

  /* the display owns the fd: it is closed once the connection is down */
  corral_vnc_display_close (f->vnc);
  g_assert_true (WAIT_UNTIL (f->seen.disconnected, 5000));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);
}

static void
assert_lines (Fixture            *f,
              const char * const *expected)
{
  guint j = 0;

  for (guint i = 0; i < f->lines->len && expected[j] != NULL; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->lines, i), expected[j]))
      j++;
  if (expected[j] != NULL)
    {
      g_autofree char *all = NULL;
      g_ptr_array_add (f->lines, NULL);
      all = g_strjoinv ("\n", (char **) f->lines->pdata);
      g_error ("expected \"%s\" (in order) among what the X server saw:\n%s", expected[j], all);
    }
}

static void
test_keys_scancodes (Fixture       *f,
                     gconstpointer  data)
{
  static const char * const expected[] = {
    "key-press a 38", "key-release a 38",
    "key-press Up 111", "key-release Up 111",
    "key-press Shift_L 50", "key-press A 38", "key-release A 38", "key-release Shift_L 50",
    "key-press Control_R 105", "key-release Control_R 105",
    "key-press b 56", "key-release b 56",
    NULL
  };

  if (f->xvnc == NULL)
    return;

  make_window (f, CORRAL_VNC_SCALING_FIT, SCREEN_W, SCREEN_H);
  connect_host (f);
  g_assert_true (corral_vnc_display_has_scancodes (f->vnc));

  _corral_vnc_display_process_key (f->vnc, TRUE, GDK_KEY_a, 38);
  _corral_vnc_display_process_key (f->vnc, FALSE, GDK_KEY_a, 38);
  _corral_vnc_display_process_key (f->vnc, TRUE, GDK_KEY_Up, 111);
  _corral_vnc_display_process_key (f->vnc, FALSE, GDK_KEY_Up, 111);
  _corral_vnc_display_process_key (f->vnc, TRUE, GDK_KEY_Shift_L, 50);
  _corral_vnc_display_process_key (f->vnc, TRUE, GDK_KEY_A, 38);
  _corral_vnc_display_process_key (f->vnc, FALSE, GDK_KEY_A, 38);
  _corral_vnc_display_process_key (f->vnc, FALSE, GDK_KEY_Shift_L, 50);
  _corral_vnc_display_process_key (f->vnc, TRUE, GDK_KEY_Control_R, 105);
  _corral_vnc_display_process_key (f->vnc, FALSE, GDK_KEY_Control_R, 105);
  _corral_vnc_display_process_key (f->vnc, TRUE, GDK_KEY_b, 56);
  _corral_vnc_display_process_key (f->vnc, FALSE, GDK_KEY_b, 56);

  g_assert_true (wait_for_line (f, "key-release b", 5000));
  assert_lines (f, expected);
}

static void
test_keys_keysyms (Fixture       *f,
                   gconstpointer  data)
{
  /* Without the extended key event the keysym goes: keyval b on a's key types a b. */
  static const gint32 plain[] = { VNC_CONNECTION_ENCODING_RAW };
  static const char * const expected[] = {
    "key-press Up", "key-release Up",
    "key-press b", "key-release b",
    NULL
  };

  if (f->xvnc == NULL)
    return;

  make_window (f, CORRAL_VNC_SCALING_FIT, SCREEN_W, SCREEN_H);
  _corral_vnc_display_set_encodings (f->vnc, plain, 1);
  g_object_set (f->vnc, "scancodes", FALSE, NULL);
  connect_host (f);
  g_assert_false (corral_vnc_display_has_scancodes (f->vnc));

  _corral_vnc_display_process_key (f->vnc, TRUE, GDK_KEY_Up, 111);
  _corral_vnc_display_process_key (f->vnc, FALSE, GDK_KEY_Up, 111);
  _corral_vnc_display_process_key (f->vnc, TRUE, GDK_KEY_b, 38);
  _corral_vnc_display_process_key (f->vnc, FALSE, GDK_KEY_b, 38);

  g_assert_true (wait_for_line (f, "key-release b", 5000));
  assert_lines (f, expected);
}

static void
test_keys_released_on_focus_loss (Fixture       *f,
                                  gconstpointer  data)
{
  GtkWidget *box, *button;

  if (f->xvnc == NULL)
    return;

  make_window (f, CORRAL_VNC_SCALING_FIT, SCREEN_W, SCREEN_H);
  /* a second focusable widget to move the focus to */
  g_object_ref (f->vnc);
  gtk_window_set_child (GTK_WINDOW (f->window), NULL);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  button = gtk_button_new_with_label ("elsewhere");
  gtk_widget_set_vexpand (GTK_WIDGET (f->vnc), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->vnc));
  gtk_box_append (GTK_BOX (box), button);
  gtk_window_set_child (GTK_WINDOW (f->window), box);
  g_object_unref (f->vnc);
  connect_host (f);

  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (f->vnc)));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  _corral_vnc_display_process_key (f->vnc, TRUE, GDK_KEY_Shift_L, 50);
  g_assert_true (wait_for_line (f, "key-press Shift_L 50", 5000));
  g_assert_false (console_test_has_line (f->lines, "key-release Shift_L"));

  /* the host keeps the key-up for itself when the focus moves away */
  g_assert_true (gtk_widget_grab_focus (button));
  g_assert_true (wait_for_line (f, "key-release Shift_L", 5000));

  /* send keys: Ctrl+Alt+Del reaches the guest as one combination, released in reverse */
  corral_vnc_display_send_keys (f->vnc, CORRAL_VNC_SEND_CTRL_ALT_DEL);
  g_assert_true (wait_for_line (f, "key-release Control_L", 5000));
  {
    static const char * const expected[] = {
      "key-press Control_L 37", "key-press Alt_L 64", "key-press Delete 119",
      "key-release Delete 119", "key-release Alt_L 64", "key-release Control_L 37",
      NULL
    };
    assert_lines (f, expected);
  }
}

/* Under Xvfb no window manager hands out the focus, and X's own (it follows the pointer) rarely
 * lands on the test window: give it the focus as a window manager would. */
static void
give_x_focus (Fixture *f)
{
#ifdef GDK_WINDOWING_X11
  GdkDisplay *display = gtk_widget_get_display (f->window);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f->window));

  if (!GDK_IS_X11_DISPLAY (display) || surface == NULL)
    return;
  XSetInputFocus (gdk_x11_display_get_xdisplay (display), gdk_x11_surface_get_xid (surface),
                  RevertToParent, CurrentTime);
  XSync (gdk_x11_display_get_xdisplay (display), False);
#endif
}

static gboolean
is_grabbed (Fixture *f)
{
  return corral_vnc_display_get_keyboard_grabbed (f->vnc);
}

static void
test_keyboard_grab (Fixture       *f,
                    gconstpointer  data)
{
  static const char * const expected[] = {
    "key-press Control_L 37", "key-press Alt_L 64", "key-release Alt_L 64", "key-release Control_L 37",
    NULL
  };

  if (f->xvnc == NULL)
    return;

  make_window (f, CORRAL_VNC_SCALING_FIT, SCREEN_W, SCREEN_H);
  connect_host (f);
  give_x_focus (f);
  corral_vnc_display_set_grab_keyboard (f->vnc, TRUE);
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (f->vnc)));
  /* focused with grabbing on: the keyboard is taken (what the page's "press left Ctrl+Alt" shows) */
  if (!WAIT_UNTIL (is_grabbed (f), 5000))
    {
      if (!gtk_widget_has_focus (GTK_WIDGET (f->vnc)))
        {
          /* the window is not active: without a window manager X may not give it the focus */
          g_test_skip ("the test window never got the keyboard focus from the X server");
          return;
        }
      g_assert_true (corral_vnc_display_get_keyboard_grabbed (f->vnc));
    }

  /* left Ctrl+Alt gives it back; the guest still sees both keys */
  _corral_vnc_display_process_key (f->vnc, TRUE, GDK_KEY_Control_L, 37);
  g_assert_true (corral_vnc_display_get_keyboard_grabbed (f->vnc));
  _corral_vnc_display_process_key (f->vnc, TRUE, GDK_KEY_Alt_L, 64);
  g_assert_false (corral_vnc_display_get_keyboard_grabbed (f->vnc));
  _corral_vnc_display_process_key (f->vnc, FALSE, GDK_KEY_Alt_L, 64);
  _corral_vnc_display_process_key (f->vnc, FALSE, GDK_KEY_Control_L, 37);
  g_assert_true (wait_for_line (f, "key-release Control_L", 5000));
  assert_lines (f, expected);

  /* switching grabbing off never leaves it taken */
  corral_vnc_display_set_grab_keyboard (f->vnc, FALSE);
  g_assert_false (corral_vnc_display_get_keyboard_grabbed (f->vnc));
}

static void
test_pointer (Fixture       *f,
              gconstpointer  data)
{
  static const char * const expected[] = {
    "button-press 1 100 50", "button-release 1 100 50",
    "button-press 4", "button-release 4",
    "button-press 3 639 479", "button-release 3 639 479",
    NULL
  };

  if (f->xvnc == NULL)
    return;

  /* half size: the widget scales the guest's 640x480 into 320x240 */
  make_window (f, CORRAL_VNC_SCALING_FIT, SCREEN_W / 2, SCREEN_H / 2);
  connect_host (f);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->vnc)), ==, SCREEN_W / 2);

  _corral_vnc_display_process_pointer (f->vnc, 50.2, 25.2, 1 << 0);
  _corral_vnc_display_process_pointer (f->vnc, 50.2, 25.2, 0);
  _corral_vnc_display_process_pointer (f->vnc, 50.2, 25.2, 1 << 3);
  _corral_vnc_display_process_pointer (f->vnc, 50.2, 25.2, 0);
  /* outside the guest's screen: clamped to its last pixel */
  _corral_vnc_display_process_pointer (f->vnc, 5000, 5000, 1 << 2);
  _corral_vnc_display_process_pointer (f->vnc, 5000, 5000, 0);

  g_assert_true (wait_for_line (f, "button-release 3", 5000));
  assert_lines (f, expected);
}

static void
test_scaled_rendering (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree guint8 *shown = NULL;
  g_autofree guint32 *server = NULL;
  int ww, wh, sw, sh;
  guint64 far = 0;

  if (f->xvnc == NULL)
    return;

  /* 2x is an integer zoom: every guest pixel becomes a sharp 2x2 block (the server is 320x240 here) */
  make_window (f, CORRAL_VNC_SCALING_FIT, SCREEN_W, SCREEN_H);
  connect_host (f);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->vnc)), ==, SCREEN_W);
  g_assert_cmpint (corral_vnc_display_get_guest_width (f->vnc), ==, SCREEN_W / 2);

  server = console_test_server_screen (f->display, &sw, &sh, NULL);
  shown = render_widget (f, &ww, &wh);
  g_assert_cmpint (ww, ==, sw * 2);
  g_assert_cmpint (wh, ==, sh * 2);
  for (int y = 0; y < wh; y++)
    for (int x = 0; x < ww; x++)
      if ((((guint32 *) shown)[(gsize) y * ww + x] & 0xffffff) != server[(gsize) (y / 2) * sw + x / 2])
        far++;
  g_assert_cmpuint (far, ==, 0);
}

static gboolean
guest_resized (Fixture *f)
{
  return corral_vnc_display_get_guest_width (f->vnc) == 500 &&
         corral_vnc_display_get_guest_height (f->vnc) == 400;
}

static void
test_resize_guest (Fixture       *f,
                   gconstpointer  data)
{
  if (f->xvnc == NULL)
    return;

  make_window (f, CORRAL_VNC_SCALING_FIT, 500, 400);
  connect_host (f);
  g_assert_cmpint (corral_vnc_display_get_guest_width (f->vnc), ==, SCREEN_W);
  corral_vnc_display_set_resize_guest (f->vnc, TRUE);
  g_assert_true (WAIT_UNTIL (guest_resized (f), 10000));
}

/* Answers the server: "wrong" the first time, the test's password after; a user name is asked for
 * exactly when the test has one. */
static void
credentials_cb (CorralVncDisplay *vnc,
                gboolean          want_username,
                gboolean          want_password,
                Fixture          *f)
{
  g_assert_cmpint (!!want_username, ==, f->username != NULL);
  g_assert_true (want_password);
  f->credentials_asked++;
  corral_vnc_display_set_credentials (vnc, f->username, f->credentials_asked == 1 ? "wrong" : f->password);
}

static gboolean
auth_failed_or_disconnected (Fixture *f)
{
  return f->auth_failed && f->seen.disconnected;
}

/* A login the server checks: first the wrong password, which the server refuses, then the right one,
 * which shows the screen. */
static void
check_login (Fixture    *f,
             const char *username,
             const char *password,
             const char *name)
{
  g_autoptr(GError) error = NULL;

  f->username = username;
  f->password = password;
  make_window (f, CORRAL_VNC_SCALING_ONE_TO_ONE, SCREEN_W, SCREEN_H);
  g_signal_connect (f->vnc, "credentials-required", G_CALLBACK (credentials_cb), f);

  g_assert_true (corral_vnc_display_open_host (f->vnc, "127.0.0.1", f->port_str, &error));
  g_assert_true (WAIT_UNTIL (auth_failed_or_disconnected (f), 10000));
  g_assert_false (f->seen.initialized);
  g_assert_cmpuint (f->credentials_asked, ==, 1);

  f->seen.disconnected = FALSE;
  g_assert_true (corral_vnc_display_open_host (f->vnc, "127.0.0.1", f->port_str, &error));
  g_assert_true (WAIT_UNTIL (f->seen.initialized, 10000));
  g_assert_true (WAIT_UNTIL (console_test_is_settled (&f->seen), 10000));
  g_assert_cmpuint (f->credentials_asked, ==, 2);
  g_assert_true (WAIT_UNTIL (is_drawn (f), 10000));
  assert_same_pixels (f, name);
}

/* VNC authentication: a password only */
static void
test_password (Fixture       *f,
               gconstpointer  data)
{
  if (f->xvnc != NULL)
    check_login (f, NULL, VNC_PASSWORD, "password");
}

/* VeNCrypt TLSPlain, Xvnc checking with PAM: a user name and a password */
static void
test_tls_plain (Fixture       *f,
                gconstpointer  data)
{
  if (f->xvnc != NULL)
    check_login (f, PLAIN_USER, PLAIN_PASSWORD, "tls-plain");
}

static void
test_clipboard (Fixture       *f,
                gconstpointer  data)
{
  if (f->xvnc == NULL)
    return;

  make_window (f, CORRAL_VNC_SCALING_FIT, SCREEN_W, SCREEN_H);
  connect_host (f);
  /* xpattern takes the selections again on a middle click; Xvnc sends their text to its viewers */
  _corral_vnc_display_process_pointer (f->vnc, 10, 10, 1 << 1);
  _corral_vnc_display_process_pointer (f->vnc, 10, 10, 0);
  g_assert_true (WAIT_UNTIL (f->cut_text != NULL, 5000));
  g_assert_cmpstr (f->cut_text, ==, with_clipboard.clipboard);
}

/* TRUE once the widget's cursor is the X server's current cursor (XFixes). Xvnc sends a cursor cut
 * to the box of its visible pixels, so the server's image is cut the same way first; then the size,
 * hotspot and pixels must agree (premultiplied ARGB on both sides; a channel may round by a
 * little on the way). */
static gboolean
cursor_matches_server (Fixture *f,
                       Display *xdisplay,
                       char   **why)
{
  GdkCursor *cursor = gtk_widget_get_cursor (GTK_WIDGET (f->vnc));
  GdkTexture *texture = cursor != NULL ? gdk_cursor_get_texture (cursor) : NULL;
  XFixesCursorImage *image;
  g_autofree guint32 *pixels = NULL;
  int x0, y0, x1, y1, w, h, max_diff = 0, worst_x = 0, worst_y = 0;
  guint32 worst_ours = 0, worst_theirs = 0;
  gboolean same;

  g_clear_pointer (why, g_free);
  if (texture == NULL)
    {
      *why = g_strdup (cursor == NULL ? "no cursor set" : "a named cursor, not the server's image");
      return FALSE;
    }
  image = XFixesGetCursorImage (xdisplay);
  g_assert_nonnull (image);
  x0 = image->width;
  y0 = image->height;
  x1 = y1 = -1;
  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      if ((image->pixels[y * image->width + x] >> 24) != 0)
        {
          x0 = MIN (x0, x);
          y0 = MIN (y0, y);
          x1 = MAX (x1, x);
          y1 = MAX (y1, y);
        }
  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  *why = g_strdup_printf ("server %ux%u hotspot %u,%u, visible %dx%d at %d,%d; widget %dx%d hotspot %d,%d",
                          image->width, image->height, image->xhot, image->yhot, x1 - x0 + 1, y1 - y0 + 1, x0,
                          y0, w, h, gdk_cursor_get_hotspot_x (cursor), gdk_cursor_get_hotspot_y (cursor));
  same = x1 >= 0 && w == x1 - x0 + 1 && h == y1 - y0 + 1 &&
         gdk_cursor_get_hotspot_x (cursor) == (int) image->xhot - x0 &&
         gdk_cursor_get_hotspot_y (cursor) == (int) image->yhot - y0;
  if (same)
    {
      pixels = g_new (guint32, (gsize) w * h);
      gdk_texture_download (texture, (guchar *) pixels, (gsize) w * 4);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            guint32 ours = pixels[y * w + x];
            guint32 theirs = (guint32) image->pixels[(y + y0) * image->width + x + x0];

            for (int shift = 0; shift < 32; shift += 8)
              {
                int diff = ABS ((int) ((ours >> shift) & 0xff) - (int) ((theirs >> shift) & 0xff));

                if (diff > max_diff)
                  {
                    max_diff = diff;
                    worst_x = x;
                    worst_y = y;
                    worst_ours = ours;
                    worst_theirs = theirs;
                  }
              }
          }
      same = max_diff <= 2;
      g_free (*why);
      if (max_diff == 0)
        *why = g_strdup_printf ("%dx%d hotspot %d,%d, largest channel difference 0", w, h,
                                gdk_cursor_get_hotspot_x (cursor), gdk_cursor_get_hotspot_y (cursor));
      else
        *why = g_strdup_printf ("%dx%d hotspot %d,%d, largest channel difference %d (at %d,%d: widget "
                                "%08x, server %08x, premultiplied ARGB)", w, h, gdk_cursor_get_hotspot_x (cursor),
                                gdk_cursor_get_hotspot_y (cursor), max_diff, worst_x, worst_y, worst_ours,
                                worst_theirs);
    }
  XFree (image);
  return same;
}

/* The server's cursor is the widget's, and follows it when it changes. XCreateFontCursor takes the
 * cursor theme's image where libXcursor finds one (Adwaita's crosshair has translucent pixels), so
 * the alpha channel is checked, not only a 1-bit mask. */
static void
test_cursor (Fixture       *f,
             gconstpointer  data)
{
  static const unsigned int shapes[] = { XC_pirate, XC_crosshair };
  g_autofree char *name = NULL;
  g_autofree char *why = NULL;
  Display *xdisplay;
  int event_base, error_base;

  if (f->xvnc == NULL)
    return;

  make_window (f, CORRAL_VNC_SCALING_ONE_TO_ONE, SCREEN_W, SCREEN_H);
  connect_host (f);
  name = g_strdup_printf (":%d", f->display);
  xdisplay = XOpenDisplay (name);
  g_assert_nonnull (xdisplay);
  g_assert_true (XFixesQueryExtension (xdisplay, &event_base, &error_base));

  /* the pointer over the pattern's window; each new cursor for that window reaches the widget */
  _corral_vnc_display_process_pointer (f->vnc, SCREEN_W / 3, SCREEN_H / 3, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Window root, child;
      int rx, ry, wx, wy;
      unsigned int mask;
      gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      g_assert_true (XQueryPointer (xdisplay, DefaultRootWindow (xdisplay), &root, &child, &rx, &ry, &wx, &wy,
                                    &mask));
      g_assert_cmpuint (child, !=, None);
      XDefineCursor (xdisplay, child, XCreateFontCursor (xdisplay, shapes[i]));
      XSync (xdisplay, False);
      while (!cursor_matches_server (f, xdisplay, &why) && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), TRUE);
      if (!cursor_matches_server (f, xdisplay, &why))
        g_error ("cursor %u: the widget's is not the server's: %s", shapes[i], why);
      g_test_message ("cursor %u: %s", shapes[i], why);
    }
  XCloseDisplay (xdisplay);
}

static void
test_screenshot (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GdkTexture) saved = NULL;
  g_autofree guint32 *server = NULL;
  g_autofree guint32 *pixels = NULL;
  gsize first = 0;
  int sw, sh;

  if (f->xvnc == NULL)
    return;

  make_window (f, CORRAL_VNC_SCALING_FIT, SCREEN_W / 2, SCREEN_H / 2);
  connect_host (f);

  path = g_build_filename (f->tmpdir, "shot.png", NULL);
  g_assert_true (corral_vnc_display_save_screenshot (f->vnc, path, &error));
  g_assert_no_error (error);
  saved = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);

  /* the PNG is the guest's full screen, whatever the widget's size */
  server = console_test_server_screen (f->display, &sw, &sh, NULL);
  g_assert_cmpint (gdk_texture_get_width (saved), ==, sw);
  g_assert_cmpint (gdk_texture_get_height (saved), ==, sh);
  pixels = g_new (guint32, (gsize) sw * sh);
  gdk_texture_download (saved, (guint8 *) pixels, (gsize) sw * 4);
  if (console_test_count_differences (pixels, server, (gsize) sw * sh, TRUE, &first) != 0)
    g_error ("screenshot pixel %" G_GSIZE_FORMAT " is #%06x, server has #%06x", first,
             pixels[first] & 0xffffff, server[first]);
}

/* ---- drawing through cairo-xlib ------------------------------------------------------------------ */

/* Adds the System V shared memory segments this process has mapped now (their shmids, from
 * /proc/self/maps) to @ids. */
static void
add_shm_segments (GHashTable *ids)
{
  g_autofree char *maps = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "/SYSV") != NULL)
      {
        g_auto(GStrv) fields = g_strsplit_set (lines[i], " ", -1);
        guint n = 0;
        /* address perms offset device inode(= shmid) path */
        for (guint k = 0; fields[k] != NULL; k++)
          if (*fields[k] != '\0' && ++n == 5)
            g_hash_table_add (ids, g_strdup (fields[k]));
      }
}

static void
after_paint_shm_cb (GdkFrameClock *clock,
                    GHashTable    *ids)
{
  add_shm_segments (ids);
}

/* Under the cairo renderer on X11, frames reach the X server through cairo-xlib's MIT-SHM segments.
 * cairo frees a segment the moment nothing in it is in use, so without the widget's pin every
 * full-window frame gets a new one (and the kernel zeroes a window's worth of fresh pages): across
 * redraws of the whole window, one segment must serve every frame. */
static void
test_cairo_shm_reuse (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) seen = g_string_new (NULL);
  GdkFrameClock *clock;
  GHashTableIter iter;
  gpointer id;

  if (f->xvnc == NULL)
    return;
  if (g_strcmp0 (g_getenv ("GSK_RENDERER"), "cairo") != 0)
    {
      g_test_skip ("only the cairo renderer draws through cairo-xlib (run with --renderer=cairo)");
      return;
    }
#ifdef GDK_WINDOWING_X11
  {
    GdkDisplay *display = gdk_display_get_default ();
    int opcode, event, error;

    if (!GDK_IS_X11_DISPLAY (display) ||
        !XQueryExtension (gdk_x11_display_get_xdisplay (display), "MIT-SHM", &opcode, &event, &error))
      {
        g_test_skip ("not an X server with MIT-SHM");
        return;
      }
  }
#else
  g_test_skip ("GTK without X11");
  return;
#endif

  make_window (f, CORRAL_VNC_SCALING_FIT, SCREEN_W, SCREEN_H);
  connect_host (f);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->vnc));
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_shm_cb), ids);
  for (int i = 0; i < 8; i++)
    {
      guint64 frames = _corral_vnc_display_get_frames_drawn (f->vnc);

      /* 2x then 1:1 and back: every tile is made again, the whole window is uploaded */
      corral_vnc_display_set_scaling (f->vnc, i % 2 == 0 ? CORRAL_VNC_SCALING_ONE_TO_ONE : CORRAL_VNC_SCALING_FIT);
      while (_corral_vnc_display_get_frames_drawn (f->vnc) == frames)
        g_main_context_iteration (NULL, TRUE);
      for (gint64 end = g_get_monotonic_time () + 50 * 1000; g_get_monotonic_time () < end;)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (1000);
    }
  g_signal_handlers_disconnect_by_func (clock, after_paint_shm_cb, ids);

  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_string_append_printf (seen, " %s", (const char *) id);
  g_test_message ("shared memory segments seen after frames:%s", seen->str);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 1);
}

/* ---- TLS -------------------------------------------------------------------------------------- */

/* VeNCrypt with anonymous TLS: encrypted, nothing to verify. */
static void
test_tls_anonymous (Fixture       *f,
                    gconstpointer  data)
{
  if (f->xvnc == NULL)
    return;

  make_window (f, CORRAL_VNC_SCALING_ONE_TO_ONE, SCREEN_W, SCREEN_H);
  connect_host (f);
  assert_same_pixels (f, "tls-anonymous");
}

static gboolean
failed_with_error (Fixture *f)
{
  return f->seen.disconnected && f->seen.error != NULL;
}

/* Opens a fresh display on a socket to the server, as if it led to @hostname. */
static void
open_fd_as (Fixture    *f,
            const char *hostname)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", f->port, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (corral_vnc_display_open_fd_with_hostname (f->vnc,
                                                           dup (g_socket_get_fd (g_socket_connection_get_socket (conn))),
                                                           hostname, &error));
  g_assert_no_error (error);
}

/* X.509: a certificate no trusted CA signed is refused, with a message that says why. */
static void
test_tls_x509_untrusted (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *lower = NULL;

  if (f->xvnc == NULL)
    return;
  if (g_file_test ("/etc/pki/CA/cacert.pem", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("this machine trusts its own CA for VNC (/etc/pki/CA/cacert.pem)");
      return;
    }

  make_window (f, CORRAL_VNC_SCALING_ONE_TO_ONE, SCREEN_W, SCREEN_H);
  g_assert_true (corral_vnc_display_open_host (f->vnc, "127.0.0.1", f->port_str, &error));
  g_assert_true (WAIT_UNTIL (failed_with_error (f), 10000));
  g_assert_false (f->seen.initialized);
  lower = g_ascii_strdown (f->seen.error, -1);
  if (strstr (lower, "certificate") == NULL)
    g_error ("the error does not say it is the certificate: %s", f->seen.error);
}

/* X.509 with the CA where libvirt's documentation puts it (~/.pki/CA/cacert.pem, read by gvnc):
 * the connection is made, the picture comes through, and the certificate must name the host. Needs a
 * home directory of its own (tests/console/with-private-home) so as not to touch the real one. */
static void
test_tls_x509 (Fixture       *f,
               gconstpointer  data)
{
  const char *home = g_getenv ("CORRAL_TEST_PRIVATE_HOME");
  struct passwd *pw = getpwuid (getuid ());
  struct statfs st;
  g_autofree char *pki = NULL;
  g_autofree char *cacert = NULL;
  g_autofree char *ca = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  if (f->xvnc == NULL)
    return;
  if (home == NULL || pw == NULL || g_strcmp0 (home, pw->pw_dir) != 0 ||
      statfs (home, &st) != 0 || st.f_type != TMPFS_MAGIC)
    {
      g_test_skip ("needs a private home directory: run through tests/console/with-private-home");
      return;
    }
  if (g_file_test ("/etc/pki/CA/cacert.pem", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("this machine has its own /etc/pki/CA/cacert.pem, which gvnc reads first");
      return;
    }

  pki = g_build_filename (home, ".pki", "CA", NULL);
  g_assert_cmpint (g_mkdir_with_parents (pki, 0700), ==, 0);
  cacert = g_build_filename (pki, "cacert.pem", NULL);
  ca = g_build_filename (f->tmpdir, "ca.pem", NULL);
  g_file_get_contents (ca, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (cacert, contents, len, &error);
  g_assert_no_error (error);

  make_window (f, CORRAL_VNC_SCALING_ONE_TO_ONE, SCREEN_W, SCREEN_H);
  connect_host (f);
  assert_same_pixels (f, "tls-x509");
  corral_vnc_display_close (f->vnc);
  g_assert_true (WAIT_UNTIL (f->seen.disconnected, 5000));

  /* through a socket that leads to "localhost" (the certificate names it) */
  f->seen.initialized = f->seen.disconnected = FALSE;
  open_fd_as (f, "localhost");
  g_assert_true (WAIT_UNTIL (f->seen.initialized, 10000));
  corral_vnc_display_close (f->vnc);
  g_assert_true (WAIT_UNTIL (f->seen.disconnected, 5000));

  /* ... and one said to lead elsewhere: refused */
  f->seen.initialized = f->seen.disconnected = FALSE;
  g_clear_pointer (&f->seen.error, g_free);
  open_fd_as (f, "vmhost.example");
  g_assert_true (WAIT_UNTIL (failed_with_error (f), 10000));
  g_assert_false (f->seen.initialized);
  g_assert_nonnull (strstr (f->seen.error, "vmhost.example"));

  g_unlink (cacert);
}

int
main (int   argc,
      char *argv[])
{
  /* --renderer=NAME: run everything with that GSK renderer (the widget draws differently for cairo) */
  if (argc > 1 && g_str_has_prefix (argv[1], "--renderer="))
    {
      g_setenv ("GSK_RENDERER", argv[1] + strlen ("--renderer="), TRUE);
      argv[1] = argv[0];
      argv++;
      argc--;
    }
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (encoding_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/console/display/pixels/%s", encoding_cases[i].name);
      g_test_add (path, Fixture, &no_auth, fixture_setup, test_pixels, fixture_teardown);
    }
  g_test_add ("/console/display/open-fd", Fixture, &no_auth, fixture_setup, test_fd, fixture_teardown);
  g_test_add ("/console/display/link/loopback", Fixture, &no_auth, fixture_setup, test_link_loopback,
              fixture_teardown);
  g_test_add ("/console/display/link/remote", Fixture, &no_auth, fixture_setup, test_link_remote,
              fixture_teardown);
  g_test_add ("/console/display/scaled-2x", Fixture, &small_screen, fixture_setup, test_scaled_rendering,
              fixture_teardown);
  g_test_add ("/console/display/keys/scancodes", Fixture, &no_auth, fixture_setup, test_keys_scancodes,
              fixture_teardown);
  g_test_add ("/console/display/keys/keysyms", Fixture, &no_auth, fixture_setup, test_keys_keysyms,
              fixture_teardown);
  g_test_add ("/console/display/keys/focus-loss-and-send-keys", Fixture, &no_auth, fixture_setup,
              test_keys_released_on_focus_loss, fixture_teardown);
  g_test_add ("/console/display/keys/grab-and-release", Fixture, &no_auth, fixture_setup, test_keyboard_grab,
              fixture_teardown);
  g_test_add ("/console/display/pointer", Fixture, &no_auth, fixture_setup, test_pointer, fixture_teardown);
  g_test_add ("/console/display/resize-guest", Fixture, &no_auth, fixture_setup, test_resize_guest,
              fixture_teardown);
  g_test_add ("/console/display/password", Fixture, &vnc_auth, fixture_setup, test_password,
              fixture_teardown);
  g_test_add ("/console/display/clipboard", Fixture, &with_clipboard, fixture_setup, test_clipboard,
              fixture_teardown);
  g_test_add ("/console/display/cursor", Fixture, &no_auth, fixture_setup, test_cursor, fixture_teardown);
  g_test_add ("/console/display/screenshot", Fixture, &no_auth, fixture_setup, test_screenshot,
              fixture_teardown);
  g_test_add ("/console/display/cairo-shm-reuse", Fixture, &small_screen, fixture_setup, test_cairo_shm_reuse,
              fixture_teardown);
  g_test_add ("/console/display/tls/anonymous", Fixture, &tls_anonymous, fixture_setup, test_tls_anonymous,
              fixture_teardown);
  g_test_add ("/console/display/tls/x509-untrusted", Fixture, &tls_x509, fixture_setup,
              test_tls_x509_untrusted, fixture_teardown);
  g_test_add ("/console/display/tls/x509", Fixture, &tls_x509, fixture_setup, test_tls_x509,
              fixture_teardown);
  g_test_add ("/console/display/tls/plain", Fixture, &tls_plain, fixture_setup, test_tls_plain,
              fixture_teardown);

  return g_test_run ();
}
