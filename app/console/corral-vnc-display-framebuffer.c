/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CorralVncDisplay's framebuffer: gvnc decodes into it, it is drawn as tiles of render nodes,
 * and damage from the server decides which tiles are made again and when a frame is asked for. */
#define G_LOG_DOMAIN "corral-vnc-display"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "corral-vnc-display-private.h"

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
/* Longest a screen waits to be drawn while the server keeps sending
 * (see _corral_vnc_display_damage()). */
#define MAX_FRAME_DELAY_US (100 * 1000)

/* The framebuffer holds 0xXXRRGGBB in host order: B,G,R,X in memory on little-endian hosts, X,R,G,B
 * on big-endian ones. The X byte is whatever the server sent (QEMU and Xvnc send 0, a Raw rectangle is
 * read into the framebuffer as it arrives), and GTK 4.8 has no memory format that ignores it
 * (GDK_MEMORY_B8G8R8X8 is 4.14). Forcing it to 0xff would be a pass over every pixel of every damaged
 * tile, so nothing touches it:
 *   - cairo tiles read the memory as CAIRO_FORMAT_RGB24, which ignores the byte;
 *   - texture tiles declare it as premultiplied alpha and are drawn over the opaque black the widget
 *     paints first. Premultiplied "over" gives src + dst × (1 − a) = src for a black dst whatever a is,
 *     and an opaque result, so the pixels on screen are the server's exactly (the console tests compare
 *     them with Xvnc's own xwd) and the texture is handed to GL as it is (GL_BGRA, the framebuffer's
 *     stride as GL_UNPACK_ROW_LENGTH): no copy and no conversion on Corral's side.
 *   - corral_vnc_display_get_image() (screenshots, tests) does force the byte, once, in its own copy. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
# define LOCAL_MEMORY_FORMAT GDK_MEMORY_B8G8R8A8_PREMULTIPLIED
#else
# define LOCAL_MEMORY_FORMAT GDK_MEMORY_A8R8G8B8_PREMULTIPLIED
#endif

void
_corral_vnc_display_local_pixel_format (VncPixelFormat *fmt)
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

/* Whether pixels in @fmt have the framebuffer's layout in memory: 32 bits, 8 per channel, R, G and B
 * where 0xXXRRGGBB in host order puts them (in either byte order: a byte-swapped format with mirrored
 * shifts is the same bytes). gvnc then copies a Raw rectangle's rows as they are. */
gboolean
_corral_vnc_display_format_is_local (const VncPixelFormat *fmt)
{
  gboolean host_order = fmt->byte_order == G_BYTE_ORDER;

  if (fmt->bits_per_pixel != 32 || !fmt->true_color_flag ||
      fmt->red_max != 255 || fmt->green_max != 255 || fmt->blue_max != 255)
    return FALSE;
  if (host_order)
    return fmt->red_shift == 16 && fmt->green_shift == 8 && fmt->blue_shift == 0;
  return fmt->red_shift == 8 && fmt->green_shift == 16 && fmt->blue_shift == 24;
}

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

void
_corral_vnc_display_queue_frame (CorralVncDisplay *self)
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
  _corral_vnc_display_queue_frame (self);
  return G_SOURCE_REMOVE;
}

void
_corral_vnc_display_damage (CorralVncDisplay *self,
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
    _corral_vnc_display_queue_frame (self);
  else if (self->flush_id == 0)
    self->flush_id = g_idle_add_full (G_PRIORITY_LOW, flush_cb, self, NULL);
}

/* Copy a rectangle of the framebuffer into new memory, alpha forced opaque, each pixel repeated
 * @zoom times in both directions: for integer zooms and corral_vnc_display_get_image(), never for a
 * tile at 1:1. */
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

  if (zoom == 1)
    {
      /* The texture is a window on the framebuffer itself (see LOCAL_MEMORY_FORMAT). Its memory is
       * read when the renderer uploads it, in the same frame, before gvnc runs again on this main
       * loop, so it holds what it held at this snapshot; fb_bytes keeps it alive for the texture. */
      gsize offset = (gsize) y0 * self->fb_stride + (gsize) x0 * 4;

      stride = self->fb_stride;
      bytes = g_bytes_new_from_bytes (self->fb_bytes, offset, (gsize) (h - 1) * stride + (gsize) w * 4);
    }
  else
    {
      bytes = copy_region (self, x0, y0, w, h, zoom, &stride);
    }
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

void
_corral_vnc_display_get_geometry (CorralVncDisplay *self,
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

  _corral_vnc_display_get_geometry (self, &s, &ox, &oy);
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
  self->fb = NULL;
  g_clear_pointer (&self->fb_bytes, g_bytes_unref);
  self->fb_width = self->fb_height = self->fb_stride = 0;
}

/* (Re)attaches gvnc to our framebuffer. The memory is kept while the size stays: servers announce
 * their size again (QEMU sends an extended desktop resize of the same size), change the pixel format
 * (WMVi), and after a resize gvnc lets no full update be asked for, so dropping the pixels here would
 * leave the screen black until the guest redraws. */
void
_corral_vnc_display_alloc_framebuffer (CorralVncDisplay *self)
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
      self->fb_bytes = g_bytes_new_take (self->fb, (gsize) self->fb_stride * h);
      self->fb_surface = cairo_image_surface_create_for_data (self->fb, CAIRO_FORMAT_RGB24, w, h,
                                                              self->fb_stride);

      self->n_tiles_x = (w + TILE_SIZE - 1) / TILE_SIZE;
      self->n_tiles_y = (h + TILE_SIZE - 1) / TILE_SIZE;
      self->tiles = g_new0 (GskRenderNode *, self->n_tiles_x * self->n_tiles_y);
      self->tile_dirty = g_malloc ((gsize) self->n_tiles_x * self->n_tiles_y);
      mark_all_dirty (self);
    }

  /* The server's format when it is the framebuffer's layout (it is for QEMU and Xvnc), so that gvnc
   * sees a perfect match and reads Raw rows straight in; ours otherwise, gvnc converting. */
  remote = vnc_connection_get_pixel_format (self->conn);
  if (_corral_vnc_display_format_is_local (remote))
    local = *remote;
  else
    _corral_vnc_display_local_pixel_format (&local);
  vfb = vnc_base_framebuffer_new (self->fb, w, h, self->fb_stride, &local, remote);
  vnc_connection_set_framebuffer (self->conn, VNC_FRAMEBUFFER (vfb));
  g_object_unref (vfb);

  if (changed)
    {
      g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_GUEST_WIDTH]);
      g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_GUEST_HEIGHT]);
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
  _corral_vnc_display_queue_frame (self);
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

/* ---- drawing ---------------------------------------------------------------------------------- */

void
_corral_vnc_display_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  static const GdkRGBA black = { 0, 0, 0, 1 };
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

  if (self->fb == NULL || self->tiles == NULL)
    {
      gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, ww, wh));
      return;
    }

  _corral_vnc_display_get_geometry (self, &s, &ox, &oy);

  /* At an integer zoom (2x, 3x... device pixels per guest pixel) the tiles are enlarged here,
   * pixel by pixel, so the renderer's linear filter has nothing to blur. */
  device_scale = s * sf;
  if (device_scale > 1.5 && fabs (device_scale - round (device_scale)) < 0.001 && device_scale <= 4)
    zoom = (int) round (device_scale);

  native = gtk_widget_get_native (widget);
  renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  use_cairo = renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);

  /* Black around the screen. Texture tiles need it under them too (see LOCAL_MEMORY_FORMAT); cairo
   * tiles are opaque, and a fill under them would be one more pass over the window each frame (the
   * console benchmark's profile showed it), so there it covers only the margins. */
  if (!use_cairo)
    {
      gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, ww, wh));
    }
  else
    {
      double fw = self->fb_width * s, fh = self->fb_height * s;

      if (oy > 0)
        gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, ww, oy));
      if (oy + fh < wh)
        gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, oy + fh, ww, wh - oy - fh));
      if (ox > 0)
        gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, oy, ox, fh));
      if (ox + fw < ww)
        gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (ox + fw, oy, ww - ox - fw, fh));
    }
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

void
_corral_vnc_display_framebuffer_realize (CorralVncDisplay *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                           G_CALLBACK (after_paint_cb), self, G_CONNECT_SWAPPED);
}

void
_corral_vnc_display_framebuffer_unrealize (CorralVncDisplay *self)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (GTK_WIDGET (self)),
                                        after_paint_cb, self);
  g_clear_pointer (&self->shm_pin, cairo_surface_destroy);
}

void
_corral_vnc_display_framebuffer_dispose (CorralVncDisplay *self)
{
  g_clear_handle_id (&self->flush_id, g_source_remove);
  free_framebuffer (self);
}

/* ---- public API ------------------------------------------------------------------------------- */

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
