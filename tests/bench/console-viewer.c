/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console benchmark's Corral client: CorralVncDisplay in a window, as the console page shows it.
 *
 *   console-viewer [--link local|remote] HOST PORT   runs until SIGTERM, then prints "frames N"
 *                                            (HOST a path and PORT "-": a UNIX socket, opened as an fd
 *                                            as libvirt hands one over; --link: the link forced, else
 *                                            auto: local for a UNIX socket or loopback)
 *   console-viewer --latency N HOST PORT     sends N key presses/releases to a console-workload --keys
 *                                            and prints, per key, the time from the key to the first
 *                                            update of the changed square, and from that update to
 *                                            the end of the frame that painted it */
#include <gio/gunixsocketaddress.h>
#include <glib-unix.h>
#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "corral-vnc-display-private.h"

static GtkWidget *window;
static CorralVncDisplay *vnc;
static guint64 rects;
static gboolean quit;
static int latency_keys;
static int keys_sent;
static gint64 t_key, t_update;
static guint64 frames_at_update;
static GArray *key_to_update, *update_to_paint;

static void
update_cb (CorralVncDisplay *display,
           guint x, guint y, guint w, guint h,
           gpointer data)
{
  rects++;
  if (t_key != 0 && t_update == 0 && x == 0 && y == 0)
    {
      t_update = g_get_monotonic_time ();
      frames_at_update = _corral_vnc_display_get_frames_drawn (vnc);
    }
}

static gboolean send_key (gpointer data);

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  if (t_update != 0 && _corral_vnc_display_get_frames_drawn (vnc) > frames_at_update)
    {
      gint64 now = g_get_monotonic_time ();
      double a = (t_update - t_key) / 1000.0, b = (now - t_update) / 1000.0;

      g_array_append_val (key_to_update, a);
      g_array_append_val (update_to_paint, b);
      t_key = t_update = 0;
      g_timeout_add (150, send_key, NULL);
    }
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *a)
{
  g_array_sort (a, cmp_double);
  return a->len ? g_array_index (a, double, a->len / 2) : -1;
}

static gboolean
send_key (gpointer data)
{
  if (keys_sent >= latency_keys)
    {
      g_array_sort (update_to_paint, cmp_double);
      printf ("latency keys %u key_to_update_ms %.2f update_to_painted_ms %.2f max_update_to_painted_ms %.2f\n",
              key_to_update->len, median (key_to_update), median (update_to_paint),
              update_to_paint->len ? g_array_index (update_to_paint, double, update_to_paint->len - 1) : -1);
      quit = TRUE;
      return G_SOURCE_REMOVE;
    }
  /* alternately press and release 'a': the workload paints the square white, then black */
  t_key = g_get_monotonic_time ();
  t_update = 0;
  _corral_vnc_display_process_key (vnc, keys_sent % 2 == 0, GDK_KEY_a, 38);
  keys_sent++;
  return G_SOURCE_REMOVE;
}

static void
initialized_cb (CorralVncDisplay *display,
                gpointer          data)
{
  printf ("initialized %dx%d\n", corral_vnc_display_get_guest_width (display),
          corral_vnc_display_get_guest_height (display));
  if (latency_keys > 0)
    g_timeout_add (1000, send_key, NULL);
}

static void
disconnected_cb (CorralVncDisplay *display,
                 gpointer          data)
{
  quit = TRUE;
}

static gboolean
term_cb (gpointer data)
{
  corral_vnc_display_close (vnc);
  return G_SOURCE_REMOVE;
}

static void
realize_cb (GtkWidget *widget,
            gpointer   data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

int
main (int   argc,
      char *argv[])
{
  const char *host, *port;
  g_autoptr(GError) error = NULL;
  CorralVncLink link = CORRAL_VNC_LINK_AUTO;
  gboolean opened;

  if (argc >= 3 && strcmp (argv[1], "--link") == 0)
    {
      link = g_str_equal (argv[2], "local") ? CORRAL_VNC_LINK_LOCAL : CORRAL_VNC_LINK_REMOTE;
      argv[2] = argv[0];
      argv += 2;
      argc -= 2;
    }
  if (argc == 5 && g_str_equal (argv[1], "--latency"))
    {
      latency_keys = atoi (argv[2]);
      host = argv[3];
      port = argv[4];
    }
  else if (argc == 3)
    {
      host = argv[1];
      port = argv[2];
    }
  else
    {
      g_printerr ("usage: console-viewer [--link local|remote] [--latency N] HOST PORT | PATH -\n");
      return 2;
    }

  gtk_init ();
  key_to_update = g_array_new (FALSE, FALSE, sizeof (double));
  update_to_paint = g_array_new (FALSE, FALSE, sizeof (double));

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "Corral console benchmark");
  vnc = CORRAL_VNC_DISPLAY (corral_vnc_display_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (vnc));
  gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1080);
  /* a handler on this per-rectangle signal costs CPU: only the latency run needs it */
  if (latency_keys > 0)
    g_signal_connect (vnc, "framebuffer-updated", G_CALLBACK (update_cb), NULL);
  g_signal_connect (vnc, "initialized", G_CALLBACK (initialized_cb), NULL);
  g_signal_connect (vnc, "disconnected", G_CALLBACK (disconnected_cb), NULL);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), NULL);
  g_unix_signal_add (SIGTERM, term_cb, NULL);
  g_unix_signal_add (SIGINT, term_cb, NULL);
  gtk_window_present (GTK_WINDOW (window));

  corral_vnc_display_set_link (vnc, link);
  if (host[0] == '/')
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketAddress) address = g_unix_socket_address_new (host);
      g_autoptr(GSocketConnection) sc = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address),
                                                                 NULL, &error);

      opened = sc != NULL &&
               corral_vnc_display_open_fd (vnc, dup (g_socket_get_fd (g_socket_connection_get_socket (sc))),
                                           &error);
    }
  else
    {
      opened = corral_vnc_display_open_host (vnc, host, port, &error);
    }
  if (!opened)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  while (!quit)
    g_main_context_iteration (NULL, TRUE);

  printf ("frames %" G_GUINT64_FORMAT "\n", _corral_vnc_display_get_frames_drawn (vnc));
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
