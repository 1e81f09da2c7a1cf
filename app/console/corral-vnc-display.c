/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-vnc-display"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <gvnc.h>
#include <linux/input-event-codes.h>
#include <math.h>
#include <string.h>

#include "corral-vnc-display-private.h"
#include "corral-vnc-keymap.h"

#if defined(GDK_WINDOWING_X11) && defined(CORRAL_HAVE_CAIRO_XLIB)
# include <cairo-xlib.h>
# include <gdk/x11/gdkx.h>
# define CORRAL_X11_SHM_POOL 1
#endif

/* The guest's screen is cut into square tiles, each its own render node kept from frame to frame. A
 * damaged tile gets a new node at the next frame, so the renderer redraws and uploads only what changed.
 * The node's kind follows the renderer, as measured with the console benchmark: for the GL renderer a
 * texture node (the texture is uploaded once and cached); for the cairo renderer a cairo node that
 * paints from one image surface over the framebuffer, kept for the framebuffer's life (a texture node
 * would be converted pixel by pixel on every frame in GTK 4.8, and a surface destroyed after recording
 * makes cairo copy the tile's pixels first). */
#define TILE_SIZE 256
/* Longest a screen waits to be drawn while the server keeps sending (see damage()). */
#define MAX_FRAME_DELAY_US (100 * 1000)
#define RESIZE_GUEST_DELAY_MS 250
#define RELATIVE_CENTER 0x7fff

struct _CorralVncDisplay
{
  GtkWidget         parent_instance;

  VncConnection    *conn;
  gboolean          initialized;

  /* framebuffer, in the local format (32 bpp, 0x00RRGGBB in host byte order) */
  guint8           *fb;
  int               fb_width;
  int               fb_height;
  int               fb_stride;
  cairo_surface_t  *fb_surface;    /* the same memory, for cairo tiles */
  cairo_surface_t  *shm_pin;       /* see pin_x11_shm_pool() */
  gsize             shm_pin_capacity;

  /* tiles */
  int               n_tiles_x;
  int               n_tiles_y;
  GskRenderNode   **tiles;
  guint8           *tile_dirty;
  int               tile_zoom;     /* tiles are made this many times larger (crisp integer zoom) */
  gboolean          tile_cairo;    /* cairo nodes rather than texture nodes */
  gboolean          draw_queued;
  guint             flush_id;
  gint64            last_frame_time;
  guint64           frames_drawn;

  /* options */
  CorralVncScaling  scaling;
  gboolean          resize_guest;
  gboolean          grab_keyboard;
  gboolean          keyboard_grabbed;
  gboolean          scancodes;
  GArray           *encodings;     /* gint32; NULL: the default list */

  /* credentials */
  char             *username;
  char             *password;
  gboolean          want_username;
  gboolean          want_password;

  /* input */
  guint             button_mask;
  double            last_x;
  double            last_y;
  double            rel_wx;        /* relative mode: the last pointer position in the widget */
  double            rel_wy;
  gboolean          rel_valid;
  gboolean          absolute;
  GHashTable       *held_keys;     /* hardware keycode -> keysym sent down */
  gboolean          ctrl_down;
  gboolean          alt_down;
  double            scroll_dx;
  double            scroll_dy;

  guint             resize_timeout_id;
  int               requested_width;
  int               requested_height;
};

enum {
  PROP_0,
  PROP_SCALING,
  PROP_RESIZE_GUEST,
  PROP_GRAB_KEYBOARD,
  PROP_KEYBOARD_GRABBED,
  PROP_GUEST_WIDTH,
  PROP_GUEST_HEIGHT,
  PROP_GUEST_NAME,
  PROP_INITIALIZED,
  PROP_SCANCODES,
  N_PROPS
};

enum {
  SIGNAL_CONNECTED,
  SIGNAL_INITIALIZED,
  SIGNAL_DISCONNECTED,
  SIGNAL_ERROR,
  SIGNAL_AUTH_FAILED,
  SIGNAL_CREDENTIALS_REQUIRED,
  SIGNAL_SERVER_CUT_TEXT,
  SIGNAL_FRAMEBUFFER_UPDATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CorralVncDisplay, corral_vnc_display, GTK_TYPE_WIDGET)
G_DEFINE_ENUM_TYPE (CorralVncScaling, corral_vnc_scaling,
                    G_DEFINE_ENUM_VALUE (CORRAL_VNC_SCALING_FIT, "fit"),
                    G_DEFINE_ENUM_VALUE (CORRAL_VNC_SCALING_ONE_TO_ONE, "one-to-one"))

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What we ask for, best first. No lossy JPEG: the guest's pixels arrive as it drew them. */
static const gint32 default_encodings[] = {
  VNC_CONNECTION_ENCODING_TIGHT,
  VNC_CONNECTION_ENCODING_ZRLE,
  VNC_CONNECTION_ENCODING_HEXTILE,
  VNC_CONNECTION_ENCODING_RRE,
  VNC_CONNECTION_ENCODING_COPY_RECT,
  VNC_CONNECTION_ENCODING_RAW,
};

/* Pseudo-encodings: features, always asked for. */
static const gint32 pseudo_encodings[] = {
  VNC_CONNECTION_ENCODING_EXT_KEY_EVENT,
  VNC_CONNECTION_ENCODING_EXTENDED_DESKTOP_RESIZE,
  VNC_CONNECTION_ENCODING_DESKTOP_RESIZE,
  VNC_CONNECTION_ENCODING_DESKTOP_NAME,
  VNC_CONNECTION_ENCODING_LAST_RECT,
  VNC_CONNECTION_ENCODING_WMVi,
  VNC_CONNECTION_ENCODING_ALPHA_CURSOR,
  VNC_CONNECTION_ENCODING_RICH_CURSOR,
  VNC_CONNECTION_ENCODING_XCURSOR,
  VNC_CONNECTION_ENCODING_POINTER_CHANGE,
  VNC_CONNECTION_ENCODING_LED_STATE,
};

/* The authentication types we answer, best first (what gvnc implements). */
static const guint auth_preference[] = {
  VNC_CONNECTION_AUTH_VENCRYPT,
  VNC_CONNECTION_AUTH_SASL,
  VNC_CONNECTION_AUTH_TLS,
  VNC_CONNECTION_AUTH_VNC,
  VNC_CONNECTION_AUTH_ARD,
  VNC_CONNECTION_AUTH_MSLOGONII,
  VNC_CONNECTION_AUTH_MSLOGON,
  VNC_CONNECTION_AUTH_NONE,
};

static const guint vencrypt_preference[] = {
  VNC_CONNECTION_AUTH_VENCRYPT_X509SASL,
  VNC_CONNECTION_AUTH_VENCRYPT_X509VNC,
  VNC_CONNECTION_AUTH_VENCRYPT_X509PLAIN,
  VNC_CONNECTION_AUTH_VENCRYPT_X509NONE,
  VNC_CONNECTION_AUTH_VENCRYPT_TLSSASL,
  VNC_CONNECTION_AUTH_VENCRYPT_TLSVNC,
  VNC_CONNECTION_AUTH_VENCRYPT_TLSPLAIN,
  VNC_CONNECTION_AUTH_VENCRYPT_TLSNONE,
  VNC_CONNECTION_AUTH_VENCRYPT_PLAIN,
};

static void
local_pixel_format (VncPixelFormat *fmt)
{
  memset (fmt, 0, sizeof *fmt);
  fmt->bits_per_pixel = 32;
  fmt->depth = 24;
  fmt->byte_order = G_BYTE_ORDER;
  fmt->true_color_flag = 1;
  fmt->red_max = 255;
  fmt->green_max = 255;
  fmt->blue_max = 255;
  fmt->red_shift = 16;
  fmt->green_shift = 8;
  fmt->blue_shift = 0;
}

/* 0xAARRGGBB in host order is B,G,R,A in memory on little-endian hosts, A,R,G,B on big-endian ones.
 * Alpha is forced to 0xff, so premultiplied and straight are the same. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
# define LOCAL_MEMORY_FORMAT GDK_MEMORY_B8G8R8A8_PREMULTIPLIED
#else
# define LOCAL_MEMORY_FORMAT GDK_MEMORY_A8R8G8B8_PREMULTIPLIED
#endif

/* ---- tiles ------------------------------------------------------------------------------------ */

static void
free_tiles (CorralVncDisplay *self)
{
  if (self->tiles != NULL)
    {
      for (int i = 0; i < self->n_tiles_x * self->n_tiles_y; i++)
        g_clear_pointer (&self->tiles[i], gsk_render_node_unref);
    }
  g_clear_pointer (&self->tiles, g_free);
  g_clear_pointer (&self->tile_dirty, g_free);
  self->n_tiles_x = self->n_tiles_y = 0;
}

static void
mark_all_dirty (CorralVncDisplay *self)
{
  if (self->tile_dirty != NULL)
    memset (self->tile_dirty, 1, (gsize) self->n_tiles_x * self->n_tiles_y);
}

static void
queue_frame (CorralVncDisplay *self)
{
  if (!self->draw_queued)
    {
      self->draw_queued = TRUE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static gboolean
flush_cb (gpointer user_data)
{
  CorralVncDisplay *self = user_data;

  self->flush_id = 0;
  queue_frame (self);
  return G_SOURCE_REMOVE;
}

static void
damage (CorralVncDisplay *self,
        int               x,
        int               y,
        int               w,
        int               h)
{
  int tx0, ty0, tx1, ty1;

  if (self->tile_dirty == NULL || w <= 0 || h <= 0)
    return;

  x = CLAMP (x, 0, self->fb_width);
  y = CLAMP (y, 0, self->fb_height);
  w = MIN (w, self->fb_width - x);
  h = MIN (h, self->fb_height - y);
  if (w <= 0 || h <= 0)
    return;

  tx0 = x / TILE_SIZE;
  ty0 = y / TILE_SIZE;
  tx1 = (x + w - 1) / TILE_SIZE;
  ty1 = (y + h - 1) / TILE_SIZE;
  for (int ty = ty0; ty <= ty1; ty++)
    memset (self->tile_dirty + ty * self->n_tiles_x + tx0, 1, tx1 - tx0 + 1);

  /* gvnc hands over an update rectangle by rectangle, each through a main-loop idle, and GTK's redraw
   * runs before idles: drawing at once would draw once per rectangle (a full-screen update has
   * hundreds). So the frame is asked for when the connection has nothing more to decode (a
   * low-priority idle), or when the last frame is getting old. */
  if (g_get_monotonic_time () - self->last_frame_time > MAX_FRAME_DELAY_US)
    queue_frame (self);
  else if (self->flush_id == 0)
    self->flush_id = g_idle_add_full (G_PRIORITY_LOW, flush_cb, self, NULL);
}

/* Copy a rectangle of the framebuffer into new memory, alpha forced opaque (gvnc copies the server's
 * bytes verbatim when the formats match, and the padding byte is often 0), each pixel repeated
 * @zoom times in both directions. */
static GBytes *
copy_region (CorralVncDisplay *self,
             int               x0,
             int               y0,
             int               w,
             int               h,
             int               zoom,
             gsize            *out_stride)
{
  gsize stride = (gsize) w * zoom * 4;
  guint8 *data = g_malloc (stride * h * zoom);

  for (int y = 0; y < h; y++)
    {
      const guint32 *src = (const guint32 *) (self->fb + (gsize) (y0 + y) * self->fb_stride) + x0;
      guint32 *dst = (guint32 *) (data + (gsize) y * zoom * stride);

      if (zoom == 1)
        {
          for (int x = 0; x < w; x++)
            dst[x] = src[x] | 0xff000000u;
        }
      else
        {
          for (int x = 0; x < w; x++)
            {
              guint32 p = src[x] | 0xff000000u;
              for (int z = 0; z < zoom; z++)
                dst[x * zoom + z] = p;
            }
          for (int z = 1; z < zoom; z++)
            memcpy ((guint8 *) dst + z * stride, dst, stride);
        }
    }

  *out_stride = stride;
  return g_bytes_new_take (data, stride * h * zoom);
}

static GskRenderNode *
make_cairo_tile (CorralVncDisplay *self,
                 int               x0,
                 int               y0,
                 int               w,
                 int               h,
                 int               zoom)
{
  GskRenderNode *node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (x0 * zoom, y0 * zoom, w * zoom, h * zoom));
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);

  /* The node records a reference to fb_surface, not a copy: when the renderer replays it, it reads
   * the framebuffer as it is then, which is never older than this frame. RGB24 ignores the padding
   * byte, so the tile comes out opaque whatever the server sent there. */
  cairo_scale (cr, zoom, zoom);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_surface (cr, self->fb_surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, x0, y0, w, h);
  cairo_fill (cr);
  cairo_destroy (cr);
  return node;
}

static GskRenderNode *
make_texture_tile (CorralVncDisplay *self,
                   int               x0,
                   int               y0,
                   int               w,
                   int               h,
                   int               zoom)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gsize stride;

  bytes = copy_region (self, x0, y0, w, h, zoom, &stride);
  texture = gdk_memory_texture_new (w * zoom, h * zoom, LOCAL_MEMORY_FORMAT, bytes, stride);
  return gsk_texture_node_new (texture, &GRAPHENE_RECT_INIT (x0 * zoom, y0 * zoom, w * zoom, h * zoom));
}

static void
update_tiles (CorralVncDisplay *self,
              int               zoom,
              gboolean          use_cairo)
{
  if (zoom != self->tile_zoom || use_cairo != self->tile_cairo)
    {
      self->tile_zoom = zoom;
      self->tile_cairo = use_cairo;
      mark_all_dirty (self);
    }

  for (int ty = 0; ty < self->n_tiles_y; ty++)
    for (int tx = 0; tx < self->n_tiles_x; tx++)
      {
        int i = ty * self->n_tiles_x + tx;
        int x0 = tx * TILE_SIZE, y0 = ty * TILE_SIZE;
        int w = MIN (TILE_SIZE, self->fb_width - x0);
        int h = MIN (TILE_SIZE, self->fb_height - y0);

        if (!self->tile_dirty[i] && self->tiles[i] != NULL)
          continue;

        g_clear_pointer (&self->tiles[i], gsk_render_node_unref);
        self->tiles[i] = use_cairo ? make_cairo_tile (self, x0, y0, w, h, zoom)
                                   : make_texture_tile (self, x0, y0, w, h, zoom);
        self->tile_dirty[i] = 0;
      }
}

/* ---- geometry --------------------------------------------------------------------------------- */

static void
get_geometry (CorralVncDisplay *self,
              double           *scale,
              double           *ox,
              double           *oy)
{
  int ww = gtk_widget_get_width (GTK_WIDGET (self));
  int wh = gtk_widget_get_height (GTK_WIDGET (self));
  double s = 1.0;

  if (self->fb_width <= 0 || self->fb_height <= 0)
    {
      *scale = 1.0;
      *ox = *oy = 0;
      return;
    }

  if (self->scaling == CORRAL_VNC_SCALING_FIT)
    s = MIN ((double) ww / self->fb_width, (double) wh / self->fb_height);
  if (s <= 0)
    s = 1.0;

  *scale = s;
  /* whole pixels, so that 1:1 and integer zooms stay sharp */
  *ox = MAX (0, floor ((ww - self->fb_width * s) / 2));
  *oy = MAX (0, floor ((wh - self->fb_height * s) / 2));
}

gboolean
_corral_vnc_display_widget_to_guest (CorralVncDisplay *self,
                                     double            wx,
                                     double            wy,
                                     double           *gx,
                                     double           *gy)
{
  double s, ox, oy, x, y;
  gboolean inside;

  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);

  get_geometry (self, &s, &ox, &oy);
  x = (wx - ox) / s;
  y = (wy - oy) / s;
  inside = x >= 0 && y >= 0 && x < self->fb_width && y < self->fb_height;
  *gx = CLAMP (floor (x), 0, MAX (0, self->fb_width - 1));
  *gy = CLAMP (floor (y), 0, MAX (0, self->fb_height - 1));
  return inside;
}

/* ---- framebuffer ------------------------------------------------------------------------------ */

static void
free_framebuffer (CorralVncDisplay *self)
{
  free_tiles (self);
  /* Render nodes GTK still holds (the last frame) refer to this surface: destroying it makes cairo
   * give them their own copy of the pixels, so it goes before the memory does. */
  g_clear_pointer (&self->fb_surface, cairo_surface_destroy);
  g_clear_pointer (&self->fb, g_free);
  self->fb_width = self->fb_height = self->fb_stride = 0;
}

/* (Re)attaches gvnc to our framebuffer. The memory is kept while the size stays: servers announce
 * their size again (QEMU sends an extended desktop resize of the same size), change the pixel format
 * (WMVi), and after a resize gvnc lets no full update be asked for, so dropping the pixels here would
 * leave the screen black until the guest redraws. */
static void
alloc_framebuffer (CorralVncDisplay *self)
{
  VncPixelFormat local;
  const VncPixelFormat *remote;
  VncBaseFramebuffer *vfb;
  int w = vnc_connection_get_width (self->conn);
  int h = vnc_connection_get_height (self->conn);
  gboolean changed = w != self->fb_width || h != self->fb_height || self->fb == NULL;

  if (w <= 0 || h <= 0)
    {
      free_framebuffer (self);
      return;
    }

  if (changed)
    {
      free_framebuffer (self);
      self->fb_width = w;
      self->fb_height = h;
      self->fb_stride = w * 4;
      self->fb = g_malloc0 ((gsize) self->fb_stride * h);
      self->fb_surface = cairo_image_surface_create_for_data (self->fb, CAIRO_FORMAT_RGB24, w, h,
                                                              self->fb_stride);

      self->n_tiles_x = (w + TILE_SIZE - 1) / TILE_SIZE;
      self->n_tiles_y = (h + TILE_SIZE - 1) / TILE_SIZE;
      self->tiles = g_new0 (GskRenderNode *, self->n_tiles_x * self->n_tiles_y);
      self->tile_dirty = g_malloc ((gsize) self->n_tiles_x * self->n_tiles_y);
      mark_all_dirty (self);
    }

  local_pixel_format (&local);
  remote = vnc_connection_get_pixel_format (self->conn);
  vfb = vnc_base_framebuffer_new (self->fb, w, h, self->fb_stride, &local, remote);
  vnc_connection_set_framebuffer (self->conn, VNC_FRAMEBUFFER (vfb));
  g_object_unref (vfb);

  if (changed)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_WIDTH]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_HEIGHT]);
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
  queue_frame (self);
}

static void
send_encodings (CorralVncDisplay *self)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint32));

  if (self->encodings != NULL)
    g_array_append_vals (all, self->encodings->data, self->encodings->len);
  else
    g_array_append_vals (all, default_encodings, G_N_ELEMENTS (default_encodings));
  for (gsize i = 0; i < G_N_ELEMENTS (pseudo_encodings); i++)
    if (self->scancodes || pseudo_encodings[i] != VNC_CONNECTION_ENCODING_EXT_KEY_EVENT)
      g_array_append_val (all, pseudo_encodings[i]);

  vnc_connection_set_encodings (self->conn, all->len, (gint32 *) all->data);
}

static void
request_full_update (CorralVncDisplay *self)
{
  vnc_connection_framebuffer_update_request (self->conn, FALSE, 0, 0,
                                             vnc_connection_get_width (self->conn),
                                             vnc_connection_get_height (self->conn));
}

static void maybe_resize_guest (CorralVncDisplay *self);

/* ---- connection callbacks --------------------------------------------------------------------- */

static void
vnc_connected_cb (CorralVncDisplay *self,
                  VncConnection    *conn)
{
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
}

static void
vnc_initialized_cb (CorralVncDisplay *self,
                    VncConnection    *conn)
{
  VncPixelFormat local;

  local_pixel_format (&local);
  if (!vnc_connection_set_pixel_format (conn, &local))
    goto fail;
  send_encodings (self);
  alloc_framebuffer (self);
  request_full_update (self);
  if (vnc_connection_has_error (conn))
    goto fail;

  self->initialized = TRUE;
  self->absolute = vnc_connection_get_abs_pointer (conn);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INITIALIZED]);
  g_signal_emit (self, signals[SIGNAL_INITIALIZED], 0);
  maybe_resize_guest (self);
  return;

fail:
  vnc_connection_shutdown (conn);
}

static void
vnc_framebuffer_update_cb (CorralVncDisplay *self,
                           guint16           x,
                           guint16           y,
                           guint16           w,
                           guint16           h,
                           VncConnection    *conn)
{
  damage (self, x, y, w, h);
  /* Ask for the next one at once, as gtk-vnc does: the server sends when it has something. */
  vnc_connection_framebuffer_update_request (conn, TRUE, 0, 0,
                                             vnc_connection_get_width (conn),
                                             vnc_connection_get_height (conn));
  /* per rectangle: only when someone listens (tests, the benchmark) */
  if (g_signal_has_handler_pending (self, signals[SIGNAL_FRAMEBUFFER_UPDATED], 0, TRUE))
    g_signal_emit (self, signals[SIGNAL_FRAMEBUFFER_UPDATED], 0, (guint) x, (guint) y, (guint) w, (guint) h);
}

static void
vnc_desktop_resize_cb (CorralVncDisplay *self,
                       guint16           width,
                       guint16           height,
                       VncConnection    *conn)
{
  alloc_framebuffer (self);
  request_full_update (self);
}

static void
vnc_pixel_format_changed_cb (CorralVncDisplay *self,
                             VncPixelFormat   *format,
                             VncConnection    *conn)
{
  alloc_framebuffer (self);
  request_full_update (self);
}

static void
vnc_desktop_rename_cb (CorralVncDisplay *self,
                       const char       *name,
                       VncConnection    *conn)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_NAME]);
}

static void
vnc_cursor_changed_cb (CorralVncDisplay *self,
                       VncCursor        *cursor,
                       VncConnection    *conn)
{
  g_autoptr(GdkCursor) gcursor = NULL;
  int w, h;

  if (cursor == NULL)
    {
      gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
      return;
    }

  w = vnc_cursor_get_width (cursor);
  h = vnc_cursor_get_height (cursor);
  if (w == 0 || h == 0)
    {
      gcursor = gdk_cursor_new_from_name ("none", NULL);
    }
  else
    {
      /* gvnc hands the cursor over as RGBA bytes: premultiplied as the server sent them for an alpha
       * cursor (what QEMU and Xvnc send), a 1-bit mask for a rich cursor, where a clear pixel may keep
       * its colour. Clamping each channel to alpha makes both valid premultiplied RGBA. */
      const guint8 *data = vnc_cursor_get_data (cursor);
      gsize size = (gsize) w * h * 4;
      guint8 *rgba = g_malloc (size);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GdkTexture) texture = NULL;

      for (gsize i = 0; i < size; i += 4)
        {
          guint8 a = data[i + 3];

          rgba[i] = MIN (data[i], a);
          rgba[i + 1] = MIN (data[i + 1], a);
          rgba[i + 2] = MIN (data[i + 2], a);
          rgba[i + 3] = a;
        }
      bytes = g_bytes_new_take (rgba, size);
      texture = gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8A8_PREMULTIPLIED, bytes, w * 4);

      gcursor = gdk_cursor_new_from_texture (texture,
                                             MIN (vnc_cursor_get_hotx (cursor), w - 1),
                                             MIN (vnc_cursor_get_hoty (cursor), h - 1),
                                             NULL);
    }
  gtk_widget_set_cursor (GTK_WIDGET (self), gcursor);
}

static void
vnc_pointer_mode_changed_cb (CorralVncDisplay *self,
                             gboolean          absolute,
                             VncConnection    *conn)
{
  self->absolute = absolute;
  self->rel_valid = FALSE;
  /* a button or wheel event before the next motion must not carry the other mode's position: in
   * relative mode that would be a huge movement, in absolute mode a point off the screen */
  if (absolute)
    {
      self->last_x = MAX (self->fb_width / 2, 0);
      self->last_y = MAX (self->fb_height / 2, 0);
    }
  else
    {
      self->last_x = RELATIVE_CENTER;
      self->last_y = RELATIVE_CENTER;
    }
}

static void
vnc_bell_cb (CorralVncDisplay *self,
             VncConnection    *conn)
{
  gtk_widget_error_bell (GTK_WIDGET (self));
}

/* The class struct says GString, but the signal is declared and emitted with a plain string. */
static void
vnc_server_cut_text_cb (CorralVncDisplay *self,
                        const char       *text,
                        VncConnection    *conn)
{
  g_autofree char *utf8 = NULL;

  if (text == NULL || *text == '\0')
    return;

  /* RFB cut text is ISO 8859-1 */
  utf8 = g_convert (text, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  if (utf8 == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), utf8);
  g_signal_emit (self, signals[SIGNAL_SERVER_CUT_TEXT], 0, utf8);
}

static gboolean
value_array_has (GValueArray *values,
                 guint        wanted)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  for (guint i = 0; i < values->n_values; i++)
    {
      GValue *v = g_value_array_get_nth (values, i);
      if ((guint) g_value_get_enum (v) == wanted)
        return TRUE;
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  return FALSE;
}

static void
vnc_auth_choose_type_cb (CorralVncDisplay *self,
                         GValueArray      *types,
                         VncConnection    *conn)
{
  for (guint i = 0; i < G_N_ELEMENTS (auth_preference); i++)
    if (value_array_has (types, auth_preference[i]))
      {
        vnc_connection_set_auth_type (conn, auth_preference[i]);
        return;
      }

  g_signal_emit (self, signals[SIGNAL_ERROR], 0,
                 _("The console server asks for an authentication method Corral does not support"));
  vnc_connection_shutdown (conn);
}

static void
vnc_auth_choose_subtype_cb (CorralVncDisplay *self,
                            guint             type,
                            GValueArray      *subtypes,
                            VncConnection    *conn)
{
  const guint *prefs = auth_preference;
  gsize n_prefs = G_N_ELEMENTS (auth_preference);

  if (type == VNC_CONNECTION_AUTH_VENCRYPT)
    {
      prefs = vencrypt_preference;
      n_prefs = G_N_ELEMENTS (vencrypt_preference);
    }

  for (gsize i = 0; i < n_prefs; i++)
    if (value_array_has (subtypes, prefs[i]))
      {
        vnc_connection_set_auth_subtype (conn, prefs[i]);
        return;
      }

  g_signal_emit (self, signals[SIGNAL_ERROR], 0,
                 _("The console server asks for an authentication method Corral does not support"));
  vnc_connection_shutdown (conn);
}

static void
supply_credentials (CorralVncDisplay *self)
{
  if (self->conn == NULL)
    return;
  if (self->want_username && self->username != NULL)
    {
      vnc_connection_set_credential (self->conn, VNC_CONNECTION_CREDENTIAL_USERNAME, self->username);
      self->want_username = FALSE;
    }
  if (self->want_password && self->password != NULL)
    {
      vnc_connection_set_credential (self->conn, VNC_CONNECTION_CREDENTIAL_PASSWORD, self->password);
      self->want_password = FALSE;
    }
}

static void
vnc_auth_credential_cb (CorralVncDisplay *self,
                        GValueArray      *creds,
                        VncConnection    *conn)
{
  /* TLS with certificates: gvnc looks for the CA in {/etc,~}/pki/CA/cacert.pem and for a client
   * certificate in {/etc,~}/pki/NAME/clientcert.pem and NAME/private/clientkey.pem; libvirt's
   * documentation (and virt-manager) put VNC client certificates under the name libvirt-vnc. */
  if (value_array_has (creds, VNC_CONNECTION_CREDENTIAL_CLIENTNAME))
    vnc_connection_set_credential (conn, VNC_CONNECTION_CREDENTIAL_CLIENTNAME, "libvirt-vnc");
  self->want_username = value_array_has (creds, VNC_CONNECTION_CREDENTIAL_USERNAME);
  self->want_password = value_array_has (creds, VNC_CONNECTION_CREDENTIAL_PASSWORD);

  supply_credentials (self);
  /* gvnc waits until every credential is set: ask whoever shows the dialog */
  if (self->want_username || self->want_password)
    g_signal_emit (self, signals[SIGNAL_CREDENTIALS_REQUIRED], 0,
                   self->want_username, self->want_password);
}

static void
vnc_auth_failure_cb (CorralVncDisplay *self,
                     const char       *reason,
                     VncConnection    *conn)
{
  /* credentials that did not work are not tried again; the user name may be what was wrong, so the
   * next attempt asks for both */
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->password, g_free);
  g_signal_emit (self, signals[SIGNAL_AUTH_FAILED], 0,
                 reason != NULL && *reason != '\0' ? reason : _("Authentication failed"));
}

static void
vnc_auth_unsupported_cb (CorralVncDisplay *self,
                         guint             auth_type,
                         VncConnection    *conn)
{
  g_autofree char *message =
    g_strdup_printf (_("The console server asks for an unsupported authentication method (%u)"), auth_type);

  g_signal_emit (self, signals[SIGNAL_AUTH_FAILED], 0, message);
}

static void
vnc_error_cb (CorralVncDisplay *self,
              const char       *message,
              VncConnection    *conn)
{
  g_debug ("VNC error: %s", message);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, message);
}

static void
drop_connection (CorralVncDisplay *self)
{
  if (self->conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->conn, self);
  vnc_connection_shutdown (self->conn);
  g_clear_object (&self->conn);
}

static void
vnc_disconnected_cb (CorralVncDisplay *self,
                     VncConnection    *conn)
{
  gboolean was_initialized = self->initialized;

  g_object_ref (self);
  self->initialized = FALSE;
  g_hash_table_remove_all (self->held_keys);
  self->button_mask = 0;
  g_signal_handlers_disconnect_by_data (conn, self);
  if (conn == self->conn)
    g_clear_object (&self->conn);
  corral_vnc_display_release_keyboard (self);
  if (was_initialized)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INITIALIZED]);
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0);
  g_object_unref (self);
}

/* ---- opening ---------------------------------------------------------------------------------- */

static void
new_connection (CorralVncDisplay *self)
{
  drop_connection (self);
  self->initialized = FALSE;
  self->want_username = self->want_password = FALSE;

  self->conn = vnc_connection_new ();
  g_signal_connect_swapped (self->conn, "vnc-connected", G_CALLBACK (vnc_connected_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-initialized", G_CALLBACK (vnc_initialized_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-disconnected", G_CALLBACK (vnc_disconnected_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-error", G_CALLBACK (vnc_error_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-framebuffer-update",
                            G_CALLBACK (vnc_framebuffer_update_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-desktop-resize", G_CALLBACK (vnc_desktop_resize_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-desktop-rename", G_CALLBACK (vnc_desktop_rename_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-pixel-format-changed",
                            G_CALLBACK (vnc_pixel_format_changed_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-cursor-changed", G_CALLBACK (vnc_cursor_changed_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-pointer-mode-changed",
                            G_CALLBACK (vnc_pointer_mode_changed_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-bell", G_CALLBACK (vnc_bell_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-server-cut-text", G_CALLBACK (vnc_server_cut_text_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-auth-choose-type", G_CALLBACK (vnc_auth_choose_type_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-auth-choose-subtype",
                            G_CALLBACK (vnc_auth_choose_subtype_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-auth-credential", G_CALLBACK (vnc_auth_credential_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-auth-failure", G_CALLBACK (vnc_auth_failure_cb), self);
  g_signal_connect_swapped (self->conn, "vnc-auth-unsupported",
                            G_CALLBACK (vnc_auth_unsupported_cb), self);
}

/* ---- input ------------------------------------------------------------------------------------ */

static void
send_pointer (CorralVncDisplay *self,
              double            gx,
              double            gy)
{
  if (!self->initialized || self->conn == NULL)
    return;
  self->last_x = gx;
  self->last_y = gy;
  vnc_connection_pointer_event (self->conn, self->button_mask,
                                (guint16) CLAMP (gx, 0, G_MAXUINT16),
                                (guint16) CLAMP (gy, 0, G_MAXUINT16));
  if (!self->absolute)
    {
      /* a button or wheel event that follows moves nothing */
      self->last_x = RELATIVE_CENTER;
      self->last_y = RELATIVE_CENTER;
    }
}

static void
pointer_at (CorralVncDisplay *self,
            double            wx,
            double            wy)
{
  double gx, gy;

  if (self->absolute)
    {
      _corral_vnc_display_widget_to_guest (self, wx, wy, &gx, &gy);
    }
  else
    {
      /* Relative mode (a guest with a PS/2 mouse): with the pointer-type-change extension the server
       * takes each position as a movement from RELATIVE_CENTER. GTK 4 cannot warp the host pointer,
       * so the guest's pointer moves as the host's does while it is over the widget. */
      double s, ox, oy, dx = 0, dy = 0;

      get_geometry (self, &s, &ox, &oy);
      if (!self->rel_valid)
        {
          self->rel_wx = wx;
          self->rel_wy = wy;
          self->rel_valid = TRUE;
        }
      /* Whole guest pixels are sent and the rest is kept for the next event (the reference point
       * advances by what was sent), so that slow motion on a zoomed screen adds up instead of
       * rounding away to nothing. */
      dx = CLAMP (round ((wx - self->rel_wx) / s), -RELATIVE_CENTER, RELATIVE_CENTER);
      dy = CLAMP (round ((wy - self->rel_wy) / s), -RELATIVE_CENTER, RELATIVE_CENTER);
      self->rel_wx += dx * s;
      self->rel_wy += dy * s;
      /* a movement too large for one event is cut, not carried over */
      if (fabs (wx - self->rel_wx) >= s)
        self->rel_wx = wx;
      if (fabs (wy - self->rel_wy) >= s)
        self->rel_wy = wy;
      gx = RELATIVE_CENTER + dx;
      gy = RELATIVE_CENTER + dy;
    }
  send_pointer (self, gx, gy);
}

static void
motion_cb (CorralVncDisplay         *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  pointer_at (self, x, y);
}

static void
motion_leave_cb (CorralVncDisplay         *self,
                 GtkEventControllerMotion *motion)
{
  /* coming back in elsewhere is no movement */
  self->rel_valid = FALSE;
}

static guint
button_bit (guint button)
{
  switch (button)
    {
    case GDK_BUTTON_PRIMARY:   return 1 << 0;
    case GDK_BUTTON_MIDDLE:    return 1 << 1;
    case GDK_BUTTON_SECONDARY: return 1 << 2;
    default:                   return 0;
    }
}

static void
grab_keyboard_now (CorralVncDisplay *self,
                   GdkEvent         *event);

static void
pressed_cb (CorralVncDisplay *self,
            int               n_press,
            double            x,
            double            y,
            GtkGestureClick  *gesture)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  if (!gtk_widget_has_focus (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->grab_keyboard && !self->keyboard_grabbed)
    grab_keyboard_now (self, gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (gesture)));

  self->button_mask |= button_bit (button);
  pointer_at (self, x, y);
}

static void
released_cb (CorralVncDisplay *self,
             int               n_press,
             double            x,
             double            y,
             GtkGestureClick  *gesture)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  self->button_mask &= ~button_bit (button);
  pointer_at (self, x, y);
}

static void
click_stopped_cb (CorralVncDisplay *self,
                  GtkGestureClick  *gesture)
{
  /* a click that GTK gave up on (grab moved elsewhere): do not leave buttons stuck down */
  if (self->button_mask != 0)
    {
      self->button_mask = 0;
      send_pointer (self, self->last_x, self->last_y);
    }
}

static void
wheel_click (CorralVncDisplay *self,
             guint             bit)
{
  guint saved = self->button_mask;

  self->button_mask = saved | bit;
  send_pointer (self, self->last_x, self->last_y);
  self->button_mask = saved;
  send_pointer (self, self->last_x, self->last_y);
}

static gboolean
scroll_cb (CorralVncDisplay         *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *scroll)
{
  /* wheel as buttons 4 (up), 5 (down), 6 (left), 7 (right); smooth scrolling is added up into clicks */
  self->scroll_dx += dx;
  self->scroll_dy += dy;
  while (self->scroll_dy <= -1.0)
    {
      wheel_click (self, 1 << 3);
      self->scroll_dy += 1.0;
    }
  while (self->scroll_dy >= 1.0)
    {
      wheel_click (self, 1 << 4);
      self->scroll_dy -= 1.0;
    }
  while (self->scroll_dx <= -1.0)
    {
      wheel_click (self, 1 << 5);
      self->scroll_dx += 1.0;
    }
  while (self->scroll_dx >= 1.0)
    {
      wheel_click (self, 1 << 6);
      self->scroll_dx -= 1.0;
    }
  return TRUE;
}

static GdkToplevel *
get_toplevel (CorralVncDisplay *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;

  if (surface == NULL || !GDK_IS_TOPLEVEL (surface))
    return NULL;
  return GDK_TOPLEVEL (surface);
}

static void
grab_keyboard_now (CorralVncDisplay *self,
                   GdkEvent         *event)
{
  GdkToplevel *toplevel = get_toplevel (self);

  if (toplevel == NULL || self->keyboard_grabbed)
    return;
  gdk_toplevel_inhibit_system_shortcuts (toplevel, event);
  self->keyboard_grabbed = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYBOARD_GRABBED]);
}

static gboolean
key_pressed_cb (CorralVncDisplay      *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *key)
{
  return _corral_vnc_display_process_key (self, TRUE, keyval, keycode);
}

static void
key_released_cb (CorralVncDisplay      *self,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 GtkEventControllerKey *key)
{
  _corral_vnc_display_process_key (self, FALSE, keyval, keycode);
}

static void
focus_enter_cb (CorralVncDisplay        *self,
                GtkEventControllerFocus *focus)
{
  if (self->grab_keyboard)
    grab_keyboard_now (self, NULL);
}

static void
focus_leave_cb (CorralVncDisplay        *self,
                GtkEventControllerFocus *focus)
{
  corral_vnc_display_release_keys (self);
  corral_vnc_display_release_keyboard (self);
}

static gboolean
resize_guest_timeout_cb (gpointer user_data)
{
  CorralVncDisplay *self = user_data;
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  self->resize_timeout_id = 0;
  if (!self->initialized || self->conn == NULL || w < 64 || h < 64)
    return G_SOURCE_REMOVE;

  w *= scale;
  h *= scale;
  /* guests want even sizes */
  w &= ~1;
  h &= ~1;
  if (w == self->fb_width && h == self->fb_height)
    return G_SOURCE_REMOVE;
  if (w == self->requested_width && h == self->requested_height)
    return G_SOURCE_REMOVE;

  self->requested_width = w;
  self->requested_height = h;
  vnc_connection_set_size (self->conn, w, h);
  return G_SOURCE_REMOVE;
}

static void
maybe_resize_guest (CorralVncDisplay *self)
{
  if (!self->resize_guest || self->scaling != CORRAL_VNC_SCALING_FIT || !self->initialized)
    return;
  g_clear_handle_id (&self->resize_timeout_id, g_source_remove);
  self->resize_timeout_id = g_timeout_add (RESIZE_GUEST_DELAY_MS, resize_guest_timeout_cb, self);
}

/* ---- X11 shared memory -------------------------------------------------------------------------- */

#ifdef CORRAL_X11_SHM_POOL
/* GTK 4.8's cairo renderer on X11 paints each frame into an image that cairo-xlib copies into a
 * MIT-SHM segment for XShmPutImage. cairo gives a segment back as soon as nothing in it is in use, so
 * with a full-window upload every frame, every frame gets a new segment: shmget, XShmAttach and a
 * window's worth of fresh pages for the kernel to fault in and zero (measured with the console
 * benchmark: about 40% of the client's drawing cost and over half the X server's). A tiny image kept
 * alive in a segment that has room for a full-window upload makes cairo reuse that segment. The
 * segment is sized for the toplevel as it is now and made again when the toplevel grows past it. */
static void
pin_x11_shm_pool (CorralVncDisplay *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));
  GdkSurface *surface;
  Display *xdisplay;
  cairo_surface_t *window, *sizer;
  gsize needed;
  int width, height, scale;

  if (native == NULL || !GDK_IS_X11_DISPLAY (display))
    return;
  surface = gtk_native_get_surface (native);
  if (surface == NULL || !GDK_IS_X11_SURFACE (surface))
    return;

  scale = gdk_surface_get_scale_factor (surface);
  width = MAX (gdk_surface_get_width (surface) * scale, 64);
  height = MAX (gdk_surface_get_height (surface) * scale, 64);
  needed = (gsize) width * height * 4;
  if (self->shm_pin != NULL && needed <= self->shm_pin_capacity)
    return;

  g_clear_pointer (&self->shm_pin, cairo_surface_destroy);
  xdisplay = gdk_x11_display_get_xdisplay (display);
  window = cairo_xlib_surface_create (xdisplay, gdk_x11_surface_get_xid (surface),
                                      DefaultVisual (xdisplay, DefaultScreen (xdisplay)), 1, 1);
  /* cairo sizes a new segment after the first image in it: the sizer, then the pin beside it */
  sizer = cairo_surface_create_similar_image (window, CAIRO_FORMAT_ARGB32, width, height);
  self->shm_pin = cairo_surface_create_similar_image (window, CAIRO_FORMAT_ARGB32, 8, 8);
  self->shm_pin_capacity = needed;
  cairo_surface_destroy (sizer);
  cairo_surface_destroy (window);
}
#endif

/* ---- GtkWidget -------------------------------------------------------------------------------- */

static void
corral_vnc_display_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  CorralVncDisplay *self = CORRAL_VNC_DISPLAY (widget);
  int size = orientation == GTK_ORIENTATION_HORIZONTAL ? self->fb_width : self->fb_height;

  if (self->scaling == CORRAL_VNC_SCALING_ONE_TO_ONE)
    {
      int scale = gtk_widget_get_scale_factor (widget);
      *minimum = *natural = (size + scale - 1) / scale;
    }
  else
    {
      *minimum = 1;
      *natural = MAX (size, 1);
    }
}

static void
corral_vnc_display_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  maybe_resize_guest (CORRAL_VNC_DISPLAY (widget));
}

static void
corral_vnc_display_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  CorralVncDisplay *self = CORRAL_VNC_DISPLAY (widget);
  int ww = gtk_widget_get_width (widget);
  int wh = gtk_widget_get_height (widget);
  int sf = gtk_widget_get_scale_factor (widget);
  double s, ox, oy, device_scale;
  int zoom = 1;
  GtkNative *native;
  GskRenderer *renderer;
  gboolean use_cairo;

  self->draw_queued = FALSE;

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 1 },
                             &GRAPHENE_RECT_INIT (0, 0, ww, wh));
  if (self->fb == NULL || self->tiles == NULL)
    return;

  get_geometry (self, &s, &ox, &oy);

  /* At an integer zoom (2x, 3x... device pixels per guest pixel) the tiles are enlarged here,
   * pixel by pixel, so the renderer's linear filter has nothing to blur. */
  device_scale = s * sf;
  if (device_scale > 1.5 && fabs (device_scale - round (device_scale)) < 0.001 && device_scale <= 4)
    zoom = (int) round (device_scale);

  native = gtk_widget_get_native (widget);
  renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  use_cairo = renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
#ifdef CORRAL_X11_SHM_POOL
  if (use_cairo)
    pin_x11_shm_pool (self);
#endif
  update_tiles (self, zoom, use_cairo);
  self->frames_drawn++;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (ox, oy));
  gtk_snapshot_scale (snapshot, s / zoom, s / zoom);
  for (int i = 0; i < self->n_tiles_x * self->n_tiles_y; i++)
    gtk_snapshot_append_node (snapshot, self->tiles[i]);
  gtk_snapshot_restore (snapshot);
}

/* When a frame is on screen (rendering included: it can take long on software GL). */
static void
after_paint_cb (CorralVncDisplay *self,
                GdkFrameClock    *clock)
{
  self->last_frame_time = g_get_monotonic_time ();
}

static void
corral_vnc_display_realize (GtkWidget *widget)
{
  CorralVncDisplay *self = CORRAL_VNC_DISPLAY (widget);

  GTK_WIDGET_CLASS (corral_vnc_display_parent_class)->realize (widget);
  g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                           G_CALLBACK (after_paint_cb), self, G_CONNECT_SWAPPED);
}

static void
corral_vnc_display_unrealize (GtkWidget *widget)
{
  CorralVncDisplay *self = CORRAL_VNC_DISPLAY (widget);

  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (widget), after_paint_cb, self);
  corral_vnc_display_release_keyboard (self);
  g_clear_pointer (&self->shm_pin, cairo_surface_destroy);
  GTK_WIDGET_CLASS (corral_vnc_display_parent_class)->unrealize (widget);
}

static void
corral_vnc_display_dispose (GObject *object)
{
  CorralVncDisplay *self = CORRAL_VNC_DISPLAY (object);

  g_clear_handle_id (&self->resize_timeout_id, g_source_remove);
  g_clear_handle_id (&self->flush_id, g_source_remove);
  drop_connection (self);
  free_framebuffer (self);

  G_OBJECT_CLASS (corral_vnc_display_parent_class)->dispose (object);
}

static void
corral_vnc_display_finalize (GObject *object)
{
  CorralVncDisplay *self = CORRAL_VNC_DISPLAY (object);

  g_clear_pointer (&self->held_keys, g_hash_table_unref);
  g_clear_pointer (&self->encodings, g_array_unref);
  g_clear_pointer (&self->username, g_free);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);

  G_OBJECT_CLASS (corral_vnc_display_parent_class)->finalize (object);
}

static void
corral_vnc_display_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CorralVncDisplay *self = CORRAL_VNC_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_SCALING:
      g_value_set_enum (value, self->scaling);
      break;
    case PROP_RESIZE_GUEST:
      g_value_set_boolean (value, self->resize_guest);
      break;
    case PROP_GRAB_KEYBOARD:
      g_value_set_boolean (value, self->grab_keyboard);
      break;
    case PROP_KEYBOARD_GRABBED:
      g_value_set_boolean (value, self->keyboard_grabbed);
      break;
    case PROP_GUEST_WIDTH:
      g_value_set_int (value, self->fb_width);
      break;
    case PROP_GUEST_HEIGHT:
      g_value_set_int (value, self->fb_height);
      break;
    case PROP_GUEST_NAME:
      g_value_set_string (value, corral_vnc_display_get_guest_name (self));
      break;
    case PROP_INITIALIZED:
      g_value_set_boolean (value, self->initialized);
      break;
    case PROP_SCANCODES:
      g_value_set_boolean (value, self->scancodes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_vnc_display_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CorralVncDisplay *self = CORRAL_VNC_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_SCALING:
      corral_vnc_display_set_scaling (self, g_value_get_enum (value));
      break;
    case PROP_RESIZE_GUEST:
      corral_vnc_display_set_resize_guest (self, g_value_get_boolean (value));
      break;
    case PROP_GRAB_KEYBOARD:
      corral_vnc_display_set_grab_keyboard (self, g_value_get_boolean (value));
      break;
    case PROP_SCANCODES:
      if (self->scancodes != g_value_get_boolean (value))
        {
          self->scancodes = g_value_get_boolean (value);
          if (self->initialized)
            send_encodings (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_vnc_display_class_init (CorralVncDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = corral_vnc_display_dispose;
  object_class->finalize = corral_vnc_display_finalize;
  object_class->get_property = corral_vnc_display_get_property;
  object_class->set_property = corral_vnc_display_set_property;

  widget_class->measure = corral_vnc_display_measure;
  widget_class->size_allocate = corral_vnc_display_size_allocate;
  widget_class->snapshot = corral_vnc_display_snapshot;
  widget_class->realize = corral_vnc_display_realize;
  widget_class->unrealize = corral_vnc_display_unrealize;

  properties[PROP_SCALING] =
    g_param_spec_enum ("scaling", NULL, NULL,
                       CORRAL_TYPE_VNC_SCALING, CORRAL_VNC_SCALING_FIT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESIZE_GUEST] =
    g_param_spec_boolean ("resize-guest", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GRAB_KEYBOARD] =
    g_param_spec_boolean ("grab-keyboard", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEYBOARD_GRABBED] =
    g_param_spec_boolean ("keyboard-grabbed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GUEST_WIDTH] =
    g_param_spec_int ("guest-width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GUEST_HEIGHT] =
    g_param_spec_int ("guest-height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GUEST_NAME] =
    g_param_spec_string ("guest-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INITIALIZED] =
    g_param_spec_boolean ("initialized", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Send keys as scancodes (QEMU extended key events) when the server takes them; keysyms otherwise. */
  properties[PROP_SCANCODES] =
    g_param_spec_boolean ("scancodes", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_INITIALIZED] =
    g_signal_new ("initialized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_AUTH_FAILED] =
    g_signal_new ("auth-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_CREDENTIALS_REQUIRED] =
    g_signal_new ("credentials-required", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
  signals[SIGNAL_SERVER_CUT_TEXT] =
    g_signal_new ("server-cut-text", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_FRAMEBUFFER_UPDATED] =
    g_signal_new ("framebuffer-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "corral-vnc-display");

  /* libgvnc's own protocol trace, for debugging a server */
  if (g_getenv ("CORRAL_VNC_DEBUG") != NULL)
    vnc_util_set_debug (TRUE);
}

static void
corral_vnc_display_init (CorralVncDisplay *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->scaling = CORRAL_VNC_SCALING_FIT;
  self->scancodes = TRUE;
  self->absolute = TRUE;
  self->tile_zoom = 1;
  self->held_keys = g_hash_table_new (NULL, NULL);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (motion_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (pressed_cb), self);
  g_signal_connect_swapped (click, "released", G_CALLBACK (released_cb), self);
  g_signal_connect_swapped (click, "stopped", G_CALLBACK (click_stopped_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect_swapped (controller, "key-released", G_CALLBACK (key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "enter", G_CALLBACK (focus_enter_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* ---- public API ------------------------------------------------------------------------------- */

GtkWidget *
corral_vnc_display_new (void)
{
  return g_object_new (CORRAL_TYPE_VNC_DISPLAY, NULL);
}

/**
 * corral_vnc_display_open_fd:
 * @fd: a connected stream socket; the display owns it from now on and closes it
 *
 * Speaks VNC over @fd (from virDomainOpenGraphicsFD, a tunnel, a socketpair...).
 */
gboolean
corral_vnc_display_open_fd (CorralVncDisplay  *self,
                            int                fd,
                            GError           **error)
{
  return corral_vnc_display_open_fd_with_hostname (self, fd, NULL, error);
}

/**
 * corral_vnc_display_open_fd_with_hostname:
 * @fd: a connected stream socket; the display owns it from now on
 * @hostname: (nullable): the name the server's TLS certificate must carry (NULL: "localhost")
 *
 * Like corral_vnc_display_open_fd(), for a stream that leads to @hostname (an ssh tunnel, say).
 */
gboolean
corral_vnc_display_open_fd_with_hostname (CorralVncDisplay  *self,
                                          int                fd,
                                          const char        *hostname,
                                          GError           **error)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);

  if (fd < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("No console connection"));
      return FALSE;
    }

  new_connection (self);
  if (!vnc_connection_open_fd_with_hostname (self->conn, fd, hostname))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not open the console connection"));
      drop_connection (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
corral_vnc_display_open_host (CorralVncDisplay  *self,
                              const char        *host,
                              const char        *port,
                              GError           **error)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (port != NULL, FALSE);

  new_connection (self);
  if (!vnc_connection_open_host (self->conn, host, port))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not connect to the console at %s:%s"), host, port);
      drop_connection (self);
      return FALSE;
    }
  return TRUE;
}

/* Closes the connection; "disconnected" is emitted when it is down. */
void
corral_vnc_display_close (CorralVncDisplay *self)
{
  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  corral_vnc_display_release_keys (self);
  if (self->conn != NULL)
    vnc_connection_shutdown (self->conn);
}

gboolean
corral_vnc_display_is_open (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  return self->conn != NULL && vnc_connection_is_open (self->conn);
}

gboolean
corral_vnc_display_is_initialized (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  return self->initialized;
}

/* Credentials for the server; used now if the server is waiting for them, else at the next login. */
void
corral_vnc_display_set_credentials (CorralVncDisplay *self,
                                    const char       *username,
                                    const char       *password)
{
  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  g_free (self->username);
  self->username = g_strdup (username);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
  supply_credentials (self);
}

/* The encodings to ask for, best first (VNC_CONNECTION_ENCODING_*), for example to force one;
 * NULL/0 restores the default list. Pseudo-encodings are always added. Takes effect at the next
 * connection or immediately when connected. */
void
_corral_vnc_display_set_encodings (CorralVncDisplay *self,
                                   const gint32     *encodings,
                                   gsize             n_encodings)
{
  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  g_clear_pointer (&self->encodings, g_array_unref);
  if (encodings != NULL && n_encodings > 0)
    {
      self->encodings = g_array_sized_new (FALSE, FALSE, sizeof (gint32), n_encodings);
      g_array_append_vals (self->encodings, encodings, n_encodings);
    }
  if (self->initialized)
    send_encodings (self);
}

int
corral_vnc_display_get_guest_width (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), 0);
  return self->fb_width;
}

int
corral_vnc_display_get_guest_height (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), 0);
  return self->fb_height;
}

const char *
corral_vnc_display_get_guest_name (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), NULL);
  if (self->conn == NULL || !self->initialized)
    return NULL;
  return vnc_connection_get_name (self->conn);
}

gboolean
corral_vnc_display_get_absolute_pointer (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  return self->absolute;
}

/* Whether keys go to the server as scancodes (QEMU extended key events) rather than keysyms. */
gboolean
corral_vnc_display_has_scancodes (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  return self->conn != NULL && self->initialized && vnc_connection_get_ext_key_event (self->conn);
}

CorralVncScaling
corral_vnc_display_get_scaling (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), CORRAL_VNC_SCALING_FIT);
  return self->scaling;
}

void
corral_vnc_display_set_scaling (CorralVncDisplay *self,
                                CorralVncScaling  scaling)
{
  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  if (self->scaling == scaling)
    return;
  self->scaling = scaling;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  queue_frame (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALING]);
}

gboolean
corral_vnc_display_get_resize_guest (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  return self->resize_guest;
}

/* Ask the server (extended desktop resize) to make the guest's screen the size of the widget. */
void
corral_vnc_display_set_resize_guest (CorralVncDisplay *self,
                                     gboolean          resize_guest)
{
  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  resize_guest = !!resize_guest;
  if (self->resize_guest == resize_guest)
    return;
  self->resize_guest = resize_guest;
  self->requested_width = self->requested_height = 0;
  maybe_resize_guest (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESIZE_GUEST]);
}

gboolean
corral_vnc_display_get_grab_keyboard (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  return self->grab_keyboard;
}

/* Take the keyboard (system shortcuts go to the guest) whenever the display has the focus.
 * Left Ctrl+Alt gives it back. */
void
corral_vnc_display_set_grab_keyboard (CorralVncDisplay *self,
                                      gboolean          grab_keyboard)
{
  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  grab_keyboard = !!grab_keyboard;
  if (self->grab_keyboard == grab_keyboard)
    return;
  self->grab_keyboard = grab_keyboard;
  if (!grab_keyboard)
    corral_vnc_display_release_keyboard (self);
  else if (gtk_widget_has_focus (GTK_WIDGET (self)))
    grab_keyboard_now (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRAB_KEYBOARD]);
}

gboolean
corral_vnc_display_get_keyboard_grabbed (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  return self->keyboard_grabbed;
}

void
corral_vnc_display_release_keyboard (CorralVncDisplay *self)
{
  GdkToplevel *toplevel;

  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  if (!self->keyboard_grabbed)
    return;
  toplevel = get_toplevel (self);
  if (toplevel != NULL)
    gdk_toplevel_restore_system_shortcuts (toplevel);
  self->keyboard_grabbed = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYBOARD_GRABBED]);
}

/**
 * _corral_vnc_display_process_key:
 * @keyval: the GDK keyval (an X keysym), used when the server takes no scancodes
 * @hardware_keycode: GDK's hardware keycode (evdev code + 8 on X11 and Wayland)
 *
 * What the display does with a key event; the key controller calls it, and so can a test.
 * Returns: whether the key went to the guest.
 */
gboolean
_corral_vnc_display_process_key (CorralVncDisplay *self,
                                 gboolean          pressed,
                                 guint             keyval,
                                 guint             hardware_keycode)
{
  guint16 qnum;
  guint keysym = keyval;

  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);

  /* Left Ctrl+Alt releases a grabbed keyboard (the keys still reach the guest). */
  if (keyval == GDK_KEY_Control_L)
    self->ctrl_down = pressed;
  else if (keyval == GDK_KEY_Alt_L || keyval == GDK_KEY_Meta_L)
    self->alt_down = pressed;
  if (pressed && self->ctrl_down && self->alt_down && self->keyboard_grabbed)
    corral_vnc_display_release_keyboard (self);

  if (!self->initialized || self->conn == NULL)
    return FALSE;

  qnum = corral_vnc_keymap_keycode_to_qnum (hardware_keycode);

  if (pressed)
    {
      g_hash_table_insert (self->held_keys, GUINT_TO_POINTER (hardware_keycode), GUINT_TO_POINTER (keysym));
    }
  else
    {
      gpointer down_keysym;

      /* release with the keysym the key went down with (Shift may have changed in between) */
      if (g_hash_table_lookup_extended (self->held_keys, GUINT_TO_POINTER (hardware_keycode),
                                        NULL, &down_keysym))
        {
          keysym = GPOINTER_TO_UINT (down_keysym);
          g_hash_table_remove (self->held_keys, GUINT_TO_POINTER (hardware_keycode));
        }
    }

  /* gvnc sends a QEMU extended key event (scancode + keysym) when the server announced it, else a
   * plain keysym event. */
  vnc_connection_key_event (self->conn, pressed, keysym, qnum);
  return TRUE;
}

/* Releases every key the guest still sees held (on focus loss: the host got the key-up). */
void
corral_vnc_display_release_keys (CorralVncDisplay *self)
{
  GHashTableIter iter;
  gpointer keycode, keysym;

  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  self->ctrl_down = self->alt_down = FALSE;
  if (self->conn != NULL && self->initialized)
    {
      g_hash_table_iter_init (&iter, self->held_keys);
      while (g_hash_table_iter_next (&iter, &keycode, &keysym))
        vnc_connection_key_event (self->conn, FALSE, GPOINTER_TO_UINT (keysym),
                                  corral_vnc_keymap_keycode_to_qnum (GPOINTER_TO_UINT (keycode)));
    }
  g_hash_table_remove_all (self->held_keys);
}

static void
send_combo (CorralVncDisplay *self,
            const guint      *keysyms,
            const guint      *evdev,
            gsize             n)
{
  for (gsize i = 0; i < n; i++)
    vnc_connection_key_event (self->conn, TRUE, keysyms[i], corral_vnc_keymap_evdev_to_qnum (evdev[i]));
  for (gsize i = n; i > 0; i--)
    vnc_connection_key_event (self->conn, FALSE, keysyms[i - 1],
                              corral_vnc_keymap_evdev_to_qnum (evdev[i - 1]));
}

void
corral_vnc_display_send_keys (CorralVncDisplay  *self,
                              CorralVncSendKeys  keys)
{
  static const guint f_keysyms[12] = {
    GDK_KEY_F1, GDK_KEY_F2, GDK_KEY_F3, GDK_KEY_F4, GDK_KEY_F5, GDK_KEY_F6,
    GDK_KEY_F7, GDK_KEY_F8, GDK_KEY_F9, GDK_KEY_F10, GDK_KEY_F11, GDK_KEY_F12,
  };
  static const guint f_evdev[12] = {
    KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8, KEY_F9, KEY_F10, KEY_F11, KEY_F12,
  };
  guint keysyms[3] = { GDK_KEY_Control_L, GDK_KEY_Alt_L, 0 };
  guint evdev[3] = { KEY_LEFTCTRL, KEY_LEFTALT, 0 };

  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  if (!self->initialized || self->conn == NULL)
    return;

  if (keys == CORRAL_VNC_SEND_PRINT_SCREEN)
    {
      keysyms[0] = GDK_KEY_Print;
      evdev[0] = KEY_SYSRQ;
      send_combo (self, keysyms, evdev, 1);
      return;
    }
  if (keys == CORRAL_VNC_SEND_CTRL_ALT_DEL)
    {
      keysyms[2] = GDK_KEY_Delete;
      evdev[2] = KEY_DELETE;
    }
  else if (keys == CORRAL_VNC_SEND_CTRL_ALT_BACKSPACE)
    {
      keysyms[2] = GDK_KEY_BackSpace;
      evdev[2] = KEY_BACKSPACE;
    }
  else if (keys >= CORRAL_VNC_SEND_CTRL_ALT_F1 && keys <= CORRAL_VNC_SEND_CTRL_ALT_F12)
    {
      keysyms[2] = f_keysyms[keys - CORRAL_VNC_SEND_CTRL_ALT_F1];
      evdev[2] = f_evdev[keys - CORRAL_VNC_SEND_CTRL_ALT_F1];
    }
  else
    {
      g_return_if_reached ();
    }
  send_combo (self, keysyms, evdev, 3);
}

/* Sends the pointer at widget coordinates (@x, @y) with @button_mask (bit 0 left, 1 middle, 2 right,
 * 3-6 wheel) as the pointer controllers do. */
void
_corral_vnc_display_process_pointer (CorralVncDisplay *self,
                                     double            x,
                                     double            y,
                                     guint             button_mask)
{
  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  self->button_mask = button_mask & 0x7f;
  pointer_at (self, x, y);
}

/* The guest's screen as it is now, opaque. Returns: (transfer full) (nullable) */
GdkTexture *
corral_vnc_display_get_image (CorralVncDisplay *self)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize stride;

  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), NULL);

  if (self->fb == NULL)
    return NULL;
  bytes = copy_region (self, 0, 0, self->fb_width, self->fb_height, 1, &stride);
  return gdk_memory_texture_new (self->fb_width, self->fb_height, LOCAL_MEMORY_FORMAT, bytes, stride);
}

gboolean
corral_vnc_display_save_screenshot (CorralVncDisplay  *self,
                                    const char        *path,
                                    GError           **error)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;

  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  texture = corral_vnc_display_get_image (self);
  if (texture == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, _("There is no screen to save yet"));
      return FALSE;
    }
  png = gdk_texture_save_to_png_bytes (texture);
  /* written to a temporary file and renamed: never a half-written PNG */
  return g_file_set_contents_full (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* How many frames the widget has drawn (for tests and the benchmark). */
guint64
_corral_vnc_display_get_frames_drawn (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), 0);
  return self->frames_drawn;
}
