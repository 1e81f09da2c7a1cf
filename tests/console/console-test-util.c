/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console-test-util.h"

/* ---- processes -------------------------------------------------------------------------------- */

/* A child setup (g_subprocess_launcher_set_child_setup): helpers die with the test, even when it aborts
 * (else meson waits on their inherited pipes). */
void
console_test_die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* SIGTERM, and waits for it to end. */
void
console_test_stop_process (GSubprocess **proc)
{
  if (*proc == NULL)
    return;
  g_subprocess_send_signal (*proc, SIGTERM);
  g_subprocess_wait (*proc, NULL, NULL);
  g_clear_object (proc);
}

/* GTK on $DISPLAY; FALSE, with the test skipped, where there is none. */
gboolean
console_test_init_display (void)
{
  if ((g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL) || !gtk_init_check ())
    {
      g_test_skip ("no display (run under xvfb-run, or tests/with-mutter for Wayland)");
      return FALSE;
    }
  return TRUE;
}

/* Xvnc's path; NULL, with the test skipped, where it is not installed. */
char *
console_test_find_xvnc (void)
{
  char *xvnc = g_find_program_in_path ("Xvnc");

  if (xvnc == NULL)
    g_test_skip ("Xvnc not installed (tigervnc-standalone-server)");
  return xvnc;
}

/* A TCP port on 127.0.0.1 that nothing listens on (now: another process may take it before ours does). */
int
console_test_free_tcp_port (void)
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

typedef struct
{
  GDataInputStream   *stream;
  GPtrArray          *lines;
  GCancellable       *cancellable;
  char               *name;
  ConsoleTestLineFunc func;
  gpointer            user_data;
} LineReader;

static void
line_reader_free (LineReader *reader)
{
  g_object_unref (reader->stream);
  g_ptr_array_unref (reader->lines);
  g_clear_object (&reader->cancellable);
  g_free (reader->name);
  g_free (reader);
}

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineReader *reader = user_data;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);

  if (line == NULL)
    {
      line_reader_free (reader);   /* EOF, or cancelled at teardown */
      return;
    }
  if (g_test_verbose () && reader->name != NULL)
    g_printerr ("%s: %s\n", reader->name, line);
  if (reader->func != NULL)
    reader->func (line, reader->user_data);
  g_ptr_array_add (reader->lines, line);
  g_data_input_stream_read_line_async (reader->stream, G_PRIORITY_DEFAULT, reader->cancellable, read_line_cb,
                                       reader);
}

/* Reads what a helper prints on the main loop, into lines (of strings it frees) line by line until its
 * end or until cancellable is cancelled; func, unless NULL, sees each line first. Under --verbose each
 * line is also printed after name. */
void
console_test_read_lines (GDataInputStream   *stream,
                         GPtrArray          *lines,
                         GCancellable       *cancellable,
                         const char         *name,
                         ConsoleTestLineFunc func,
                         gpointer            user_data)
{
  LineReader *reader = g_new0 (LineReader, 1);

  reader->stream = g_object_ref (stream);
  reader->lines = g_ptr_array_ref (lines);
  reader->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  reader->name = g_strdup (name);
  reader->func = func;
  reader->user_data = user_data;
  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, cancellable, read_line_cb, reader);
}

gboolean
console_test_has_line (GPtrArray  *lines,
                       const char *prefix)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (lines, i), prefix))
      return TRUE;
  return FALSE;
}

/* Starts Xvnc (at the path xvnc) on the loopback only, with a 24-bit screen, no X11 over TCP and what
 * opts says. Returns its display number once it listens, or -1 if it ended first (its log says why);
 * *proc is the process either way. */
int
console_test_start_xvnc (const char                   *xvnc,
                         const ConsoleTestXvncOptions *opts,
                         GSubprocess                 **proc)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  int pipefd[2];
  char buf[32] = { 0 };
  gssize n = 0;

  g_ptr_array_add (argv, g_strdup (xvnc));
  g_ptr_array_add (argv, g_strdup ("-displayfd"));
  g_ptr_array_add (argv, g_strdup ("3"));
  g_ptr_array_add (argv, g_strdup ("-geometry"));
  g_ptr_array_add (argv, g_strdup_printf ("%dx%d", opts->width, opts->height));
  g_ptr_array_add (argv, g_strdup ("-depth"));
  g_ptr_array_add (argv, g_strdup ("24"));
  g_ptr_array_add (argv, g_strdup ("-localhost"));
  g_ptr_array_add (argv, g_strdup ("-interface"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
  g_ptr_array_add (argv, g_strdup ("-rfbport"));
  g_ptr_array_add (argv, g_strdup_printf ("%d", opts->port));
  g_ptr_array_add (argv, g_strdup ("-nolisten"));
  g_ptr_array_add (argv, g_strdup ("tcp"));
  g_ptr_array_add (argv, g_strdup ("-SecurityTypes"));
  g_ptr_array_add (argv, g_strdup (opts->security));
  g_ptr_array_add (argv, g_strdup ("-Log"));
  g_ptr_array_add (argv, g_strdup_printf ("*:stderr:%d", opts->log_level));
  for (guint i = 0; opts->args != NULL && opts->args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (opts->args[i]));
  g_ptr_array_add (argv, NULL);

  g_unix_open_pipe (pipefd, FD_CLOEXEC, &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, console_test_die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, opts->log_path);
  g_subprocess_launcher_take_fd (launcher, pipefd[1], 3);
  *proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);   /* closes our copy of the write end */

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
    return -1;
  return atoi (buf);
}

/* Starts xpattern (built beside the tests) on Xvnc's display :display, owning the clipboard with
 * clipboard unless NULL; what it prints goes to lines (console_test_read_lines()). */
GSubprocess *
console_test_start_xpattern (int           display,
                             const char   *clipboard,
                             GPtrArray    *lines,
                             GCancellable *cancellable)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *xpattern = g_test_build_filename (G_TEST_BUILT, "xpattern", NULL);
  g_autofree char *display_str = g_strdup_printf (":%d", display);
  GSubprocess *proc;

  g_subprocess_launcher_set_child_setup (launcher, console_test_die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", display_str, TRUE);
  if (clipboard != NULL)
    proc = g_subprocess_launcher_spawn (launcher, &error, xpattern, "--clipboard", clipboard, NULL);
  else
    proc = g_subprocess_launcher_spawn (launcher, &error, xpattern, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  console_test_read_lines (out, lines, cancellable, "xpattern", NULL, NULL);
  return proc;
}

/* ---- the widget ------------------------------------------------------------------------------- */

static void
initialized_cb (CorralVncDisplay   *vnc,
                ConsoleTestSignals *seen)
{
  seen->initialized = TRUE;
  /* a new connection: its screen comes anew */
  g_clear_pointer (&seen->covered, g_free);
}

static void
disconnected_cb (CorralVncDisplay   *vnc,
                 ConsoleTestSignals *seen)
{
  seen->disconnected = TRUE;
}

static void
error_cb (CorralVncDisplay   *vnc,
          const char         *message,
          ConsoleTestSignals *seen)
{
  g_free (seen->error);
  seen->error = g_strdup (message);
}

static void
updated_cb (CorralVncDisplay   *vnc,
            guint x, guint y, guint w, guint h,
            ConsoleTestSignals *seen)
{
  int sw = corral_vnc_display_get_guest_width (vnc);
  int sh = corral_vnc_display_get_guest_height (vnc);

  seen->updates++;
  seen->last_update = g_get_monotonic_time ();
  /* which of the screen's pixels came (a resized screen comes anew) */
  if (sw <= 0 || sh <= 0)
    return;
  if (seen->covered == NULL || seen->covered_w != sw || seen->covered_h != sh)
    {
      g_free (seen->covered);
      seen->covered = g_malloc0 ((gsize) sw * sh);
      seen->covered_w = sw;
      seen->covered_h = sh;
      seen->uncovered = (guint64) sw * sh;
    }
  for (guint row = y; row < y + h && row < (guint) sh; row++)
    for (guint col = x; col < x + w && col < (guint) sw; col++)
      if (!seen->covered[(gsize) row * sw + col])
        {
          seen->covered[(gsize) row * sw + col] = 1;
          seen->uncovered--;
        }
}

/* A window of width x height (not shown yet) holding a new display (*vnc) with scaling, whose signals
 * go to seen. */
GtkWidget *
console_test_display_window (CorralVncScaling    scaling,
                             int                 width,
                             int                 height,
                             ConsoleTestSignals *seen,
                             CorralVncDisplay  **vnc)
{
  GtkWidget *window = gtk_window_new ();

  *vnc = CORRAL_VNC_DISPLAY (corral_vnc_display_new ());
  corral_vnc_display_set_scaling (*vnc, scaling);
  /* no title bar: under Wayland (mutter draws none) GTK would draw its own inside the size asked for, and the
   * display would get less than width x height; Xvfb has no window manager, so the same there */
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (*vnc));
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  g_signal_connect (*vnc, "initialized", G_CALLBACK (initialized_cb), seen);
  g_signal_connect (*vnc, "disconnected", G_CALLBACK (disconnected_cb), seen);
  g_signal_connect (*vnc, "error", G_CALLBACK (error_cb), seen);
  g_signal_connect (*vnc, "framebuffer-updated", G_CALLBACK (updated_cb), seen);
  return window;
}

/* Destroys window (if any) and checks that the display it held (*vnc) was freed with it. */
void
console_test_destroy_window (GtkWidget         *window,
                             CorralVncDisplay **vnc)
{
  if (window == NULL)
    return;
  g_object_add_weak_pointer (G_OBJECT (*vnc), (gpointer *) vnc);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (*vnc);   /* the widget was freed */
}

gboolean
console_test_is_settled (const ConsoleTestSignals *seen)
{
  /* the whole screen came, and nothing more for 300 ms */
  return seen->updates > 0 && seen->covered != NULL && seen->uncovered == 0 &&
         g_get_monotonic_time () - seen->last_update > 300 * 1000;
}

void
console_test_signals_clear (ConsoleTestSignals *seen)
{
  g_clear_pointer (&seen->error, g_free);
  g_clear_pointer (&seen->covered, g_free);
}

/* ---- the server's screen ---------------------------------------------------------------------- */

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* The server's own screen: xwd -root of the Xvnc display :display, as 0x00RRGGBB per pixel. NULL, with
 * error set, only if xwd could not be run; anything else amiss fails the test. */
guint32 *
console_test_server_screen (int      display,
                            int     *width,
                            int     *height,
                            GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSubprocess) xwd = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autofree char *display_str = g_strdup_printf (":%d", display);
  const guint8 *d;
  gsize len;
  guint32 header_size, w, h, byte_order, bpp, bpl, ncolors, rmask, gmask, bmask;
  guint32 *pixels;

  xwd = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error,
                          "xwd", "-root", "-silent", "-display", display_str, NULL);
  if (xwd == NULL)
    return NULL;
  g_subprocess_communicate (xwd, NULL, NULL, &out, NULL, &local_error);
  g_assert_no_error (local_error);
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
  rmask = be32 (d + 56);
  gmask = be32 (d + 60);
  bmask = be32 (d + 64);
  ncolors = be32 (d + 76);
  g_assert_cmpuint (bpp, ==, 32);
  g_assert_cmpuint (rmask, ==, 0xff0000);
  g_assert_cmpuint (gmask, ==, 0x00ff00);
  g_assert_cmpuint (bmask, ==, 0x0000ff);
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

/* Compares n pixels as gdk_texture_download() gives them (cairo ARGB32: 0xAARRGGBB) with the server's
 * (0x00RRGGBB): how many differ, the first of them at *first (untouched if none). With opaque, every
 * pixel shown must be opaque. */
guint64
console_test_count_differences (const guint32 *shown,
                                const guint32 *server,
                                gsize          n,
                                gboolean       opaque,
                                gsize         *first)
{
  guint64 mismatches = 0;

  for (gsize i = 0; i < n; i++)
    {
      if (opaque)
        g_assert_cmphex (shown[i] >> 24, ==, 0xff);
      if ((shown[i] & 0xffffff) != server[i] && mismatches++ == 0)
        *first = i;
    }
  return mismatches;
}
