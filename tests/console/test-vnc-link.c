/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What CorralVncDisplay asks a server for on each link, and that it shows what a server sends in a pixel
 * format other than its own. The server is rfb-pointer-server.py on a UNIX socket (as libvirt's
 * virDomainOpenGraphicsFD hands one over): it prints the client's SetEncodings and SetPixelFormat and
 * answers every full update request with Raw in the format in use, whatever the list asked for. The
 * expected pixels are the server's pattern (colour() in rfb-pointer-server.py), computed here again. */
#include "config.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "console-test-util.h"
#include "corral-vnc-display-private.h"

#include "corral-test-util.h"

#define FB_W 96
#define FB_H 64

static const char *python_path;
static const char *server_path;

typedef struct
{
  const char   *pixel_format;  /* --pixel-format */
  CorralVncLink link;
  int           bits[3];       /* the server format's bits of red, green, blue */
} Case;

typedef struct
{
  const Case         *c;
  char               *tmpdir;
  char               *socket_path;
  GSubprocess        *server;
  GDataInputStream   *server_out;
  GCancellable       *cancellable;
  GPtrArray          *lines;
  GtkWidget          *window;
  CorralVncDisplay   *vnc;
  ConsoleTestSignals  seen;
} Fixture;

static void
server_line (const char *line,
             gpointer    user_data)
{
  if (g_str_has_prefix (line, "error"))
    g_error ("the server did not understand the client: %s", line);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;

  memset (f, 0, sizeof *f);
  f->c = data;
  f->lines = g_ptr_array_new_with_free_func (g_free);
  f->cancellable = g_cancellable_new ();
  if (!console_test_init_display ())
    return;
  if (python_path == NULL)
    {
      g_test_skip ("python3 not found");
      return;
    }

  f->tmpdir = g_dir_make_tmp ("corral-vnc-link-XXXXXX", &error);
  g_assert_no_error (error);
  f->socket_path = g_build_filename (f->tmpdir, "vnc.sock", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, console_test_die_with_parent, NULL, NULL);
  f->server = g_subprocess_launcher_spawn (launcher, &error, python_path, "-u", server_path,
                                           "--width", G_STRINGIFY (FB_W), "--height", G_STRINGIFY (FB_H),
                                           "--mode", "absolute", "--unix", f->socket_path,
                                           "--pixel-format", f->c->pixel_format, NULL);
  g_assert_no_error (error);
  f->server_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  first = g_data_input_stream_read_line_utf8 (f->server_out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, "listening");
  console_test_read_lines (f->server_out, f->lines, f->cancellable, "server", server_line, f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  console_test_destroy_window (f->window, &f->vnc);
  g_cancellable_cancel (f->cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  console_test_stop_process (&f->server);
  g_clear_object (&f->server_out);
  g_clear_object (&f->cancellable);
  g_clear_pointer (&f->lines, g_ptr_array_unref);
  if (f->socket_path != NULL)
    g_unlink (f->socket_path);
  if (f->tmpdir != NULL)
    g_rmdir (f->tmpdir);
  g_free (f->socket_path);
  g_free (f->tmpdir);
  console_test_signals_clear (&f->seen);
}

/* The encodings of the server's last "encodings" line. */
static GArray *
last_encodings (Fixture *f)
{
  GArray *list = g_array_new (FALSE, FALSE, sizeof (gint32));

  for (guint i = f->lines->len; i > 0; i--)
    {
      const char *line = g_ptr_array_index (f->lines, i - 1);
      g_auto(GStrv) words = NULL;

      if (!g_str_has_prefix (line, "encodings "))
        continue;
      words = g_strsplit (line + strlen ("encodings "), " ", -1);
      for (int j = 0; words[j] != NULL; j++)
        {
          gint32 e = (gint32) g_ascii_strtoll (words[j], NULL, 10);
          g_array_append_val (list, e);
        }
      break;
    }
  return list;
}

static gboolean
has (GArray *list,
     gint32  e)
{
  for (guint i = 0; i < list->len; i++)
    if (g_array_index (list, gint32, i) == e)
      return TRUE;
  return FALSE;
}

/* Opens the display on the server's UNIX socket, as an fd (what libvirt hands over). */
static void
connect_fd (Fixture *f)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (f->socket_path);
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  f->window = console_test_display_window (CORRAL_VNC_SCALING_ONE_TO_ONE, FB_W, FB_H, &f->seen, &f->vnc);
  corral_vnc_display_set_link (f->vnc, f->c->link);
  conn = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_no_error (error);
  fd = dup (g_socket_get_fd (g_socket_connection_get_socket (conn)));
  g_clear_object (&conn);
  g_assert_true (corral_vnc_display_open_fd (f->vnc, fd, &error));
  g_assert_no_error (error);
  g_assert_true (WAIT_UNTIL (f->seen.initialized && f->seen.updates > 0, 5000));
  g_assert_true (WAIT_UNTIL (console_test_is_settled (&f->seen), 5000));
}

/* A channel as the server holds it: the 8-bit value scaled to its maximum, rounded down (as the
 * server script does), and what a client shows for it, with the same top bits. */
static int
quantize (int value,
          int bits)
{
  return value * ((1 << bits) - 1) / 255;
}

/* What the widget holds is the server's pattern: each channel's top bits are the server's value
 * (all eight for a 32-bit format). */
static void
assert_pattern (Fixture *f)
{
  g_autoptr(GdkTexture) image = corral_vnc_display_get_image (f->vnc);
  g_autofree guint8 *pixels = NULL;
  gsize stride = FB_W * 4;

  g_assert_nonnull (image);
  g_assert_cmpint (gdk_texture_get_width (image), ==, FB_W);
  g_assert_cmpint (gdk_texture_get_height (image), ==, FB_H);
  pixels = g_malloc (stride * FB_H);
  gdk_texture_download (image, pixels, stride);   /* B, G, R, A in memory (CAIRO_FORMAT_ARGB32) */
  for (int y = 0; y < FB_H; y++)
    for (int x = 0; x < FB_W; x++)
      {
        const guint8 *p = pixels + y * stride + x * 4;
        guint32 argb = *(const guint32 *) p;
        int r = (argb >> 16) & 0xff, g = (argb >> 8) & 0xff, b = argb & 0xff;
        int er = (x * 7 + y) & 0xff, eg = (y * 3 + x * 2) & 0xff, eb = (x ^ y) & 0xff;
        const int *bits = f->c->bits;

        g_assert_cmpuint (argb >> 24, ==, 0xff);
        if (r >> (8 - bits[0]) != quantize (er, bits[0]) || g >> (8 - bits[1]) != quantize (eg, bits[1]) ||
            b >> (8 - bits[2]) != quantize (eb, bits[2]))
          g_error ("pixel %d,%d is %02x%02x%02x, the server sent %02x%02x%02x at %d:%d:%d bits (%s)",
                   x, y, r, g, b, er, eg, eb, bits[0], bits[1], bits[2], f->c->pixel_format);
      }
}

/* A UNIX socket: the local path, Raw and CopyRect only, no SetPixelFormat (the server's format is the
 * framebuffer's), the pixels exact. */
static void
test_local (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GArray) list = NULL;

  if (f->server == NULL)
    return;
  connect_fd (f);
  g_assert_cmpint (corral_vnc_display_get_active_link (f->vnc), ==, CORRAL_VNC_LINK_LOCAL);
  list = last_encodings (f);
  g_assert_cmpuint (list->len, >, 2);
  g_assert_cmpint (g_array_index (list, gint32, 0), ==, VNC_CONNECTION_ENCODING_COPY_RECT);
  g_assert_cmpint (g_array_index (list, gint32, 1), ==, VNC_CONNECTION_ENCODING_RAW);
  for (gint32 e = VNC_CONNECTION_ENCODING_RRE; e <= VNC_CONNECTION_ENCODING_ZRLE; e++)
    g_assert_false (has (list, e));
  for (gint32 q = VNC_CONNECTION_ENCODING_TIGHT_JPEG0; q <= VNC_CONNECTION_ENCODING_TIGHT_JPEG9; q++)
    g_assert_false (has (list, q));
  g_assert_true (has (list, VNC_CONNECTION_ENCODING_EXTENDED_DESKTOP_RESIZE));
  g_assert_false (console_test_has_line (f->lines, "pixel-format"));
  /* a lossy choice has no effect on a local link */
  corral_vnc_display_set_lossy (f->vnc, TRUE);
  g_clear_pointer (&list, g_array_unref);
  corral_test_drain (300);
  list = last_encodings (f);
  for (gint32 q = VNC_CONNECTION_ENCODING_TIGHT_JPEG0; q <= VNC_CONNECTION_ENCODING_TIGHT_JPEG9; q++)
    g_assert_false (has (list, q));
  assert_pattern (f);
}

/* The remote path (as for the ssh tunnel, which is a socketpair): the compressing list, our pixel
 * format asked for, JPEG only when chosen; the server sends Raw anyway and that still shows. */
static void
test_remote (Fixture       *f,
             gconstpointer  data)
{
  static const gint32 expected[] = {
    VNC_CONNECTION_ENCODING_TIGHT, VNC_CONNECTION_ENCODING_ZRLE, VNC_CONNECTION_ENCODING_HEXTILE,
    VNC_CONNECTION_ENCODING_RRE, VNC_CONNECTION_ENCODING_COPY_RECT, VNC_CONNECTION_ENCODING_RAW,
  };
  g_autoptr(GArray) list = NULL;
  guint n_lines;

  if (f->server == NULL)
    return;
  connect_fd (f);
  g_assert_cmpint (corral_vnc_display_get_active_link (f->vnc), ==, CORRAL_VNC_LINK_REMOTE);
  list = last_encodings (f);
  g_assert_cmpuint (list->len, >, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (g_array_index (list, gint32, i), ==, expected[i]);
  for (gint32 q = VNC_CONNECTION_ENCODING_TIGHT_JPEG0; q <= VNC_CONNECTION_ENCODING_TIGHT_JPEG9; q++)
    g_assert_false (has (list, q));
  g_assert_true (console_test_has_line (f->lines, "pixel-format 32"));
  assert_pattern (f);

  /* JPEG for a slow link: sent at once, and taken back */
  n_lines = f->lines->len;
  corral_vnc_display_set_lossy (f->vnc, TRUE);
  g_assert_true (WAIT_UNTIL (f->lines->len > n_lines, 5000));
  g_clear_pointer (&list, g_array_unref);
  list = last_encodings (f);
  g_assert_true (has (list, VNC_CONNECTION_ENCODING_TIGHT_JPEG6));
  g_assert_cmpint (g_array_index (list, gint32, 0), ==, VNC_CONNECTION_ENCODING_TIGHT);
  n_lines = f->lines->len;
  corral_vnc_display_set_lossy (f->vnc, FALSE);
  g_assert_true (WAIT_UNTIL (f->lines->len > n_lines, 5000));
  g_clear_pointer (&list, g_array_unref);
  list = last_encodings (f);
  g_assert_false (has (list, VNC_CONNECTION_ENCODING_TIGHT_JPEG6));
}

static const Case local_native = { "native", CORRAL_VNC_LINK_AUTO, { 8, 8, 8 } };
static const Case local_bgrx32 = { "bgrx32", CORRAL_VNC_LINK_AUTO, { 8, 8, 8 } };
static const Case local_be32 = { "be32", CORRAL_VNC_LINK_AUTO, { 8, 8, 8 } };
static const Case local_rgb565 = { "rgb565", CORRAL_VNC_LINK_LOCAL, { 5, 6, 5 } };
/* remotely the client asks for 32 bits: the server converts (and the client gets all 8) */
static const Case remote_native = { "native", CORRAL_VNC_LINK_REMOTE, { 8, 8, 8 } };
static const Case remote_rgb565 = { "rgb565", CORRAL_VNC_LINK_REMOTE, { 8, 8, 8 } };

int
main (int   argc,
      char *argv[])
{
  g_autofree char *default_python = g_find_program_in_path ("python3");
  g_autofree char *default_server = NULL;

  /* --python=PATH --server=PATH (from meson); else python3 from PATH and the script beside the source */
  python_path = default_python;
  while (argc > 1 && (g_str_has_prefix (argv[1], "--python=") || g_str_has_prefix (argv[1], "--server=")))
    {
      if (g_str_has_prefix (argv[1], "--python="))
        python_path = argv[1] + strlen ("--python=");
      else
        server_path = argv[1] + strlen ("--server=");
      argv[1] = argv[0];
      argv++;
      argc--;
    }
  if (server_path == NULL)
    {
      const char *srcdir = g_getenv ("CORRAL_SOURCE_DIR");
      default_server = g_build_filename (srcdir != NULL ? srcdir : ".", "tests", "console",
                                         "rfb-pointer-server.py", NULL);
      server_path = default_server;
    }

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/console/link/local/unix-fd", Fixture, &local_native, fixture_setup, test_local,
              fixture_teardown);
  g_test_add ("/console/link/local/server-format/bgrx32", Fixture, &local_bgrx32, fixture_setup, test_local,
              fixture_teardown);
  g_test_add ("/console/link/local/server-format/be32", Fixture, &local_be32, fixture_setup, test_local,
              fixture_teardown);
  g_test_add ("/console/link/local/server-format/rgb565", Fixture, &local_rgb565, fixture_setup, test_local,
              fixture_teardown);
  g_test_add ("/console/link/remote/unix-fd", Fixture, &remote_native, fixture_setup, test_remote,
              fixture_teardown);
  g_test_add ("/console/link/remote/server-format/rgb565", Fixture, &remote_rgb565, fixture_setup,
              test_remote, fixture_teardown);
  return g_test_run ();
}
