/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gvnc.h>

#include "corral-vnc-display.h"

G_BEGIN_DECLS

/* CorralVncDisplay is one widget in four files, one concern each:
 *   corral-vnc-display.c              the widget: properties, signals, sizing, open/close
 *   corral-vnc-display-framebuffer.c  the framebuffer, its tiles, drawing and frame scheduling
 *   corral-vnc-display-connection.c   the gvnc connection: its callbacks, authentication, encodings
 *   corral-vnc-display-input.c        pointer, keys, keyboard grab, scroll
 * This header is what they share. Tests and the benchmark include it for the hooks at its end. */

struct _CorralVncDisplay
{
  GtkWidget         parent_instance;

  VncConnection    *conn;
  gboolean          initialized;

  /* framebuffer, 32 bpp, 0xXXRRGGBB in host byte order (the X byte is whatever the server sent);
   * fb_bytes owns the memory and lends it to the tiles' textures (see make_texture_tile()) */
  GBytes           *fb_bytes;
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
  GArray           *encodings;     /* gint32; NULL: the list for the link */
  CorralVncLink     link;          /* as set */
  CorralVncLink     active_link;   /* LOCAL or REMOTE once a connection is open (AUTO resolved) */
  gboolean          lossy;         /* remote link: let the server send JPEG */
  gboolean          server_format; /* the framebuffer takes the server's pixel format (no SetPixelFormat) */

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
  PROP_LINK,
  PROP_ACTIVE_LINK,
  PROP_LOSSY,
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

/* defined in corral-vnc-display.c, notified and emitted by all four files */
extern GParamSpec *_corral_vnc_display_properties[N_PROPS];
extern guint       _corral_vnc_display_signals[N_SIGNALS];

/* corral-vnc-display.c */
void      _corral_vnc_display_maybe_resize_guest     (CorralVncDisplay *self);

/* corral-vnc-display-framebuffer.c */
void      _corral_vnc_display_local_pixel_format     (VncPixelFormat   *fmt);
gboolean  _corral_vnc_display_format_is_local        (const VncPixelFormat *fmt);
void      _corral_vnc_display_alloc_framebuffer      (CorralVncDisplay *self);
void      _corral_vnc_display_framebuffer_dispose    (CorralVncDisplay *self);
void      _corral_vnc_display_damage                 (CorralVncDisplay *self,
                                                      int               x,
                                                      int               y,
                                                      int               w,
                                                      int               h);
void      _corral_vnc_display_queue_frame            (CorralVncDisplay *self);
void      _corral_vnc_display_get_geometry           (CorralVncDisplay *self,
                                                      double           *scale,
                                                      double           *ox,
                                                      double           *oy);
void      _corral_vnc_display_snapshot               (GtkWidget        *widget,
                                                      GtkSnapshot      *snapshot);
void      _corral_vnc_display_framebuffer_realize    (CorralVncDisplay *self);
void      _corral_vnc_display_framebuffer_unrealize  (CorralVncDisplay *self);

/* corral-vnc-display-connection.c */
void      _corral_vnc_display_new_connection         (CorralVncDisplay *self);
void      _corral_vnc_display_drop_connection        (CorralVncDisplay *self);
void      _corral_vnc_display_send_encodings         (CorralVncDisplay *self);
void      _corral_vnc_display_resolve_link           (CorralVncDisplay *self,
                                                      int               fd,
                                                      const char       *host);

/* corral-vnc-display-input.c */
void      _corral_vnc_display_input_init             (CorralVncDisplay *self);
void      _corral_vnc_display_set_pointer_mode       (CorralVncDisplay *self,
                                                      gboolean          absolute);

/* Hooks for tests and the benchmark: what the widget does with an event, without the event. */
gboolean  _corral_vnc_display_process_key            (CorralVncDisplay *self,
                                                      gboolean          pressed,
                                                      guint             keyval,
                                                      guint             hardware_keycode);
void      _corral_vnc_display_process_pointer        (CorralVncDisplay *self,
                                                      double            x,
                                                      double            y,
                                                      guint             button_mask);
gboolean  _corral_vnc_display_widget_to_guest        (CorralVncDisplay *self,
                                                      double            wx,
                                                      double            wy,
                                                      double           *gx,
                                                      double           *gy);
guint64   _corral_vnc_display_get_frames_drawn       (CorralVncDisplay *self);
void      _corral_vnc_display_set_encodings          (CorralVncDisplay *self,
                                                      const gint32     *encodings,
                                                      gsize             n_encodings);
/* the encodings (pseudo-encodings included) the widget asks for on its link, in order */
GArray   *_corral_vnc_display_get_encodings          (CorralVncDisplay *self);

G_END_DECLS
