/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console benchmark's floor: a libgvnc client that only decodes into memory, asking for what
 * CorralVncDisplay asks for (the same encodings, the same local pixel format, a new incremental
 * update request after each rectangle). Whatever the widget costs above this is drawing.
 *
 *   console-floor [--raw] HOST PORT   runs until SIGTERM, then prints "rects N"
 *   console-floor [--raw] PATH -      the same on a UNIX socket (QEMU's, as libvirt hands it over)
 * --raw: ask for Raw and CopyRect only (what CorralVncDisplay asks for on a local link), with the same
 * pseudo-encodings; without it, the list CorralVncDisplay asked every server for before links. */
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib-unix.h>
#include <gvnc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static GMainLoop *loop;
static VncConnection *conn;
static guint8 *fb;
static guint64 rects;

static const gint32 encodings[] = {
  VNC_CONNECTION_ENCODING_TIGHT, VNC_CONNECTION_ENCODING_ZRLE, VNC_CONNECTION_ENCODING_HEXTILE,
  VNC_CONNECTION_ENCODING_RRE, VNC_CONNECTION_ENCODING_COPY_RECT, VNC_CONNECTION_ENCODING_RAW,
  VNC_CONNECTION_ENCODING_EXT_KEY_EVENT, VNC_CONNECTION_ENCODING_EXTENDED_DESKTOP_RESIZE,
  VNC_CONNECTION_ENCODING_DESKTOP_RESIZE, VNC_CONNECTION_ENCODING_DESKTOP_NAME,
  VNC_CONNECTION_ENCODING_LAST_RECT, VNC_CONNECTION_ENCODING_WMVi, VNC_CONNECTION_ENCODING_ALPHA_CURSOR,
  VNC_CONNECTION_ENCODING_RICH_CURSOR, VNC_CONNECTION_ENCODING_XCURSOR,
  VNC_CONNECTION_ENCODING_POINTER_CHANGE, VNC_CONNECTION_ENCODING_LED_STATE,
};

static const gint32 raw_encodings[] = {
  VNC_CONNECTION_ENCODING_COPY_RECT, VNC_CONNECTION_ENCODING_RAW,
  VNC_CONNECTION_ENCODING_EXT_KEY_EVENT, VNC_CONNECTION_ENCODING_EXTENDED_DESKTOP_RESIZE,
  VNC_CONNECTION_ENCODING_DESKTOP_RESIZE, VNC_CONNECTION_ENCODING_DESKTOP_NAME,
  VNC_CONNECTION_ENCODING_LAST_RECT, VNC_CONNECTION_ENCODING_WMVi, VNC_CONNECTION_ENCODING_ALPHA_CURSOR,
  VNC_CONNECTION_ENCODING_RICH_CURSOR, VNC_CONNECTION_ENCODING_XCURSOR,
  VNC_CONNECTION_ENCODING_POINTER_CHANGE, VNC_CONNECTION_ENCODING_LED_STATE,
};
static gboolean use_raw;

static void
local_format (VncPixelFormat *f)
{
  *f = (VncPixelFormat) { .bits_per_pixel = 32, .depth = 24, .byte_order = G_BYTE_ORDER, .true_color_flag = 1,
                          .red_max = 255, .green_max = 255, .blue_max = 255,
                          .red_shift = 16, .green_shift = 8, .blue_shift = 0 };
}

static void
make_framebuffer (void)
{
  VncPixelFormat local;
  int w = vnc_connection_get_width (conn), h = vnc_connection_get_height (conn);
  VncBaseFramebuffer *vfb;

  local_format (&local);
  g_free (fb);
  fb = g_malloc0 ((gsize) w * h * 4);
  vfb = vnc_base_framebuffer_new (fb, w, h, w * 4, &local, vnc_connection_get_pixel_format (conn));
  vnc_connection_set_framebuffer (conn, VNC_FRAMEBUFFER (vfb));
  g_object_unref (vfb);
  vnc_connection_framebuffer_update_request (conn, FALSE, 0, 0, w, h);
}

static void
initialized_cb (VncConnection *c,
                gpointer       data)
{
  VncPixelFormat local;

  local_format (&local);
  vnc_connection_set_pixel_format (c, &local);
  if (use_raw)
    vnc_connection_set_encodings (c, G_N_ELEMENTS (raw_encodings), (gint32 *) raw_encodings);
  else
    vnc_connection_set_encodings (c, G_N_ELEMENTS (encodings), (gint32 *) encodings);
  make_framebuffer ();
  g_print ("initialized %dx%d\n", vnc_connection_get_width (c), vnc_connection_get_height (c));
}

static void
update_cb (VncConnection *c,
           guint16        x,
           guint16        y,
           guint16        w,
           guint16        h,
           gpointer       data)
{
  rects++;
  vnc_connection_framebuffer_update_request (c, TRUE, 0, 0, vnc_connection_get_width (c),
                                             vnc_connection_get_height (c));
}

static void
resize_cb (VncConnection *c,
           guint16        w,
           guint16        h,
           gpointer       data)
{
  make_framebuffer ();
}

static void
choose_cb (VncConnection *c,
           GValueArray   *types,
           gpointer       data)
{
  vnc_connection_set_auth_type (c, VNC_CONNECTION_AUTH_NONE);
}

static void
disconnected_cb (VncConnection *c,
                 gpointer       data)
{
  g_main_loop_quit (loop);
}

static gboolean
term_cb (gpointer data)
{
  vnc_connection_shutdown (conn);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && strcmp (argv[1], "--raw") == 0)
    {
      use_raw = TRUE;
      argv[1] = argv[0];
      argv++;
      argc--;
    }
  if (argc != 3)
    {
      g_printerr ("usage: console-floor [--raw] HOST PORT | PATH -\n");
      return 2;
    }
  loop = g_main_loop_new (NULL, FALSE);
  conn = vnc_connection_new ();
  g_signal_connect (conn, "vnc-initialized", G_CALLBACK (initialized_cb), NULL);
  g_signal_connect (conn, "vnc-framebuffer-update", G_CALLBACK (update_cb), NULL);
  g_signal_connect (conn, "vnc-desktop-resize", G_CALLBACK (resize_cb), NULL);
  g_signal_connect (conn, "vnc-auth-choose-type", G_CALLBACK (choose_cb), NULL);
  g_signal_connect (conn, "vnc-disconnected", G_CALLBACK (disconnected_cb), NULL);
  g_unix_signal_add (SIGTERM, term_cb, NULL);
  g_unix_signal_add (SIGINT, term_cb, NULL);
  if (argv[1][0] == '/')
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketAddress) address = g_unix_socket_address_new (argv[1]);
      g_autoptr(GSocketConnection) sc = NULL;
      g_autoptr(GError) error = NULL;

      sc = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
      if (sc == NULL)
        {
          g_printerr ("%s: %s\n", argv[1], error->message);
          return 1;
        }
      vnc_connection_open_fd (conn, dup (g_socket_get_fd (g_socket_connection_get_socket (sc))));
    }
  else
    {
      vnc_connection_open_host (conn, argv[1], argv[2]);
    }
  g_main_loop_run (loop);
  printf ("rects %" G_GUINT64_FORMAT "\n", rects);
  g_object_unref (conn);
  g_free (fb);
  return 0;
}
