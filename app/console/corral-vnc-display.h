/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* How the guest's screen fills the widget. */
typedef enum {
  CORRAL_VNC_SCALING_FIT,         /* scale to the widget, keeping the aspect ratio (default) */
  CORRAL_VNC_SCALING_ONE_TO_ONE,  /* one guest pixel per device pixel; put the widget in a GtkScrolledWindow */
} CorralVncScaling;

/* The kind of link to the server, which decides what is asked of it. */
typedef enum {
  CORRAL_VNC_LINK_AUTO,    /* decided when the connection opens: a UNIX socket or loopback is local */
  CORRAL_VNC_LINK_LOCAL,   /* bandwidth is free, decoding is not: Raw in the server's own pixel format */
  CORRAL_VNC_LINK_REMOTE,  /* a network between: compressing encodings (Tight, ZRLE...), optional JPEG */
} CorralVncLink;

/* Keys a user cannot type into a guest because the host takes them. */
typedef enum {
  CORRAL_VNC_SEND_CTRL_ALT_DEL,
  CORRAL_VNC_SEND_CTRL_ALT_BACKSPACE,
  CORRAL_VNC_SEND_CTRL_ALT_F1,    /* ... through F12: CORRAL_VNC_SEND_CTRL_ALT_F1 + n - 1 */
  CORRAL_VNC_SEND_CTRL_ALT_F12 = CORRAL_VNC_SEND_CTRL_ALT_F1 + 11,
  CORRAL_VNC_SEND_PRINT_SCREEN,
} CorralVncSendKeys;

#define CORRAL_TYPE_VNC_SCALING (corral_vnc_scaling_get_type ())
#define CORRAL_TYPE_VNC_LINK (corral_vnc_link_get_type ())
#define CORRAL_TYPE_VNC_DISPLAY (corral_vnc_display_get_type ())

GType corral_vnc_scaling_get_type (void) G_GNUC_CONST;
GType corral_vnc_link_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (CorralVncDisplay, corral_vnc_display, CORRAL, VNC_DISPLAY, GtkWidget)

GtkWidget        *corral_vnc_display_new                  (void);

gboolean          corral_vnc_display_open_fd              (CorralVncDisplay  *self,
                                                           int                fd,
                                                           GError           **error);
gboolean          corral_vnc_display_open_fd_with_hostname (CorralVncDisplay  *self,
                                                            int                fd,
                                                            const char        *hostname,
                                                            GError           **error);
gboolean          corral_vnc_display_open_host            (CorralVncDisplay  *self,
                                                           const char        *host,
                                                           const char        *port,
                                                           GError           **error);
void              corral_vnc_display_close                (CorralVncDisplay  *self);
gboolean          corral_vnc_display_is_open              (CorralVncDisplay  *self);
gboolean          corral_vnc_display_is_initialized       (CorralVncDisplay  *self);

void              corral_vnc_display_set_credentials      (CorralVncDisplay  *self,
                                                           const char        *username,
                                                           const char        *password);

int               corral_vnc_display_get_guest_width      (CorralVncDisplay  *self);
int               corral_vnc_display_get_guest_height     (CorralVncDisplay  *self);
const char       *corral_vnc_display_get_guest_name       (CorralVncDisplay  *self);
gboolean          corral_vnc_display_get_absolute_pointer (CorralVncDisplay  *self);
gboolean          corral_vnc_display_has_scancodes        (CorralVncDisplay  *self);

CorralVncScaling  corral_vnc_display_get_scaling          (CorralVncDisplay  *self);
void              corral_vnc_display_set_scaling          (CorralVncDisplay  *self,
                                                           CorralVncScaling   scaling);
gboolean          corral_vnc_display_get_resize_guest     (CorralVncDisplay  *self);
void              corral_vnc_display_set_resize_guest     (CorralVncDisplay  *self,
                                                           gboolean           resize_guest);
gboolean          corral_vnc_display_get_grab_keyboard    (CorralVncDisplay  *self);
void              corral_vnc_display_set_grab_keyboard    (CorralVncDisplay  *self,
                                                           gboolean           grab_keyboard);
CorralVncLink     corral_vnc_display_get_link             (CorralVncDisplay  *self);
void              corral_vnc_display_set_link             (CorralVncDisplay  *self,
                                                           CorralVncLink      link);
CorralVncLink     corral_vnc_display_get_active_link      (CorralVncDisplay  *self);
gboolean          corral_vnc_display_get_lossy            (CorralVncDisplay  *self);
void              corral_vnc_display_set_lossy            (CorralVncDisplay  *self,
                                                           gboolean           lossy);
gboolean          corral_vnc_display_get_keyboard_grabbed (CorralVncDisplay  *self);
void              corral_vnc_display_release_keyboard     (CorralVncDisplay  *self);

void              corral_vnc_display_release_keys         (CorralVncDisplay  *self);
void              corral_vnc_display_send_keys            (CorralVncDisplay  *self,
                                                           CorralVncSendKeys  keys);

GdkTexture       *corral_vnc_display_get_image            (CorralVncDisplay  *self);
gboolean          corral_vnc_display_save_screenshot      (CorralVncDisplay  *self,
                                                           const char        *path,
                                                           GError           **error);

G_END_DECLS
