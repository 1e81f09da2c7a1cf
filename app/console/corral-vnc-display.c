/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CorralVncDisplay, the GTK4 VNC widget on libgvnc: its properties and signals, its size (and the
 * guest's, when it follows the widget), opening and closing. The framebuffer, the connection and
 * input are its siblings (see corral-vnc-display-private.h). */
#define G_LOG_DOMAIN "corral-vnc-display"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "corral-vnc-display-private.h"

#define RESIZE_GUEST_DELAY_MS 250

G_DEFINE_FINAL_TYPE (CorralVncDisplay, corral_vnc_display, GTK_TYPE_WIDGET)
G_DEFINE_ENUM_TYPE (CorralVncScaling, corral_vnc_scaling,
                    G_DEFINE_ENUM_VALUE (CORRAL_VNC_SCALING_FIT, "fit"),
                    G_DEFINE_ENUM_VALUE (CORRAL_VNC_SCALING_ONE_TO_ONE, "one-to-one"))
G_DEFINE_ENUM_TYPE (CorralVncLink, corral_vnc_link,
                    G_DEFINE_ENUM_VALUE (CORRAL_VNC_LINK_AUTO, "auto"),
                    G_DEFINE_ENUM_VALUE (CORRAL_VNC_LINK_LOCAL, "local"),
                    G_DEFINE_ENUM_VALUE (CORRAL_VNC_LINK_REMOTE, "remote"))

GParamSpec *_corral_vnc_display_properties[N_PROPS];
guint _corral_vnc_display_signals[N_SIGNALS];

/* ---- resizing the guest ----------------------------------------------------------------------- */

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

void
_corral_vnc_display_maybe_resize_guest (CorralVncDisplay *self)
{
  if (!self->resize_guest || self->scaling != CORRAL_VNC_SCALING_FIT || !self->initialized)
    return;
  g_clear_handle_id (&self->resize_timeout_id, g_source_remove);
  self->resize_timeout_id = g_timeout_add (RESIZE_GUEST_DELAY_MS, resize_guest_timeout_cb, self);
}

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
  _corral_vnc_display_maybe_resize_guest (CORRAL_VNC_DISPLAY (widget));
}

static void
corral_vnc_display_realize (GtkWidget *widget)
{
  CorralVncDisplay *self = CORRAL_VNC_DISPLAY (widget);

  GTK_WIDGET_CLASS (corral_vnc_display_parent_class)->realize (widget);
  _corral_vnc_display_framebuffer_realize (self);
}

static void
corral_vnc_display_unrealize (GtkWidget *widget)
{
  CorralVncDisplay *self = CORRAL_VNC_DISPLAY (widget);

  corral_vnc_display_release_keyboard (self);
  _corral_vnc_display_framebuffer_unrealize (self);
  GTK_WIDGET_CLASS (corral_vnc_display_parent_class)->unrealize (widget);
}

static void
corral_vnc_display_dispose (GObject *object)
{
  CorralVncDisplay *self = CORRAL_VNC_DISPLAY (object);

  g_clear_handle_id (&self->resize_timeout_id, g_source_remove);
  _corral_vnc_display_drop_connection (self);
  _corral_vnc_display_framebuffer_dispose (self);

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
    case PROP_LINK:
      g_value_set_enum (value, self->link);
      break;
    case PROP_ACTIVE_LINK:
      g_value_set_enum (value, self->active_link);
      break;
    case PROP_LOSSY:
      g_value_set_boolean (value, self->lossy);
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
            _corral_vnc_display_send_encodings (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_LINK:
      corral_vnc_display_set_link (self, g_value_get_enum (value));
      break;
    case PROP_LOSSY:
      corral_vnc_display_set_lossy (self, g_value_get_boolean (value));
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
  widget_class->snapshot = _corral_vnc_display_snapshot;
  widget_class->realize = corral_vnc_display_realize;
  widget_class->unrealize = corral_vnc_display_unrealize;

  _corral_vnc_display_properties[PROP_SCALING] =
    g_param_spec_enum ("scaling", NULL, NULL,
                       CORRAL_TYPE_VNC_SCALING, CORRAL_VNC_SCALING_FIT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _corral_vnc_display_properties[PROP_RESIZE_GUEST] =
    g_param_spec_boolean ("resize-guest", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _corral_vnc_display_properties[PROP_GRAB_KEYBOARD] =
    g_param_spec_boolean ("grab-keyboard", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _corral_vnc_display_properties[PROP_KEYBOARD_GRABBED] =
    g_param_spec_boolean ("keyboard-grabbed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _corral_vnc_display_properties[PROP_GUEST_WIDTH] =
    g_param_spec_int ("guest-width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _corral_vnc_display_properties[PROP_GUEST_HEIGHT] =
    g_param_spec_int ("guest-height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _corral_vnc_display_properties[PROP_GUEST_NAME] =
    g_param_spec_string ("guest-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  _corral_vnc_display_properties[PROP_INITIALIZED] =
    g_param_spec_boolean ("initialized", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Send keys as scancodes (QEMU extended key events) when the server takes them; keysyms otherwise. */
  _corral_vnc_display_properties[PROP_SCANCODES] =
    g_param_spec_boolean ("scancodes", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What the link to the server is, which decides the encodings and pixel format asked for (see
   * corral-vnc-display-connection.c); read when a connection opens. */
  _corral_vnc_display_properties[PROP_LINK] =
    g_param_spec_enum ("link", NULL, NULL,
                       CORRAL_TYPE_VNC_LINK, CORRAL_VNC_LINK_AUTO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The link of the connection open now (or last open): local or remote, never auto. */
  _corral_vnc_display_properties[PROP_ACTIVE_LINK] =
    g_param_spec_enum ("active-link", NULL, NULL,
                       CORRAL_TYPE_VNC_LINK, CORRAL_VNC_LINK_REMOTE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* On a remote link, let the server send lossy JPEG (for slow links). */
  _corral_vnc_display_properties[PROP_LOSSY] =
    g_param_spec_boolean ("lossy", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, _corral_vnc_display_properties);

  _corral_vnc_display_signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  _corral_vnc_display_signals[SIGNAL_INITIALIZED] =
    g_signal_new ("initialized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  _corral_vnc_display_signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  _corral_vnc_display_signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  _corral_vnc_display_signals[SIGNAL_AUTH_FAILED] =
    g_signal_new ("auth-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  _corral_vnc_display_signals[SIGNAL_CREDENTIALS_REQUIRED] =
    g_signal_new ("credentials-required", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
  _corral_vnc_display_signals[SIGNAL_SERVER_CUT_TEXT] =
    g_signal_new ("server-cut-text", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  _corral_vnc_display_signals[SIGNAL_FRAMEBUFFER_UPDATED] =
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
  self->scaling = CORRAL_VNC_SCALING_FIT;
  self->scancodes = TRUE;
  self->link = CORRAL_VNC_LINK_AUTO;
  self->active_link = CORRAL_VNC_LINK_REMOTE;
  self->absolute = TRUE;
  self->tile_zoom = 1;
  self->held_keys = g_hash_table_new (NULL, NULL);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  _corral_vnc_display_input_init (self);
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
 * Speaks VNC over @fd (from virDomainOpenGraphicsFD, a tunnel, a socketpair...). With the link
 * on auto, a UNIX socket or a loopback peer is a local link: set the link to remote first for a
 * socketpair that leads to a tunnel.
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

  _corral_vnc_display_new_connection (self);
  _corral_vnc_display_resolve_link (self, fd, NULL);
  if (!vnc_connection_open_fd_with_hostname (self->conn, fd, hostname))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not open the console connection"));
      _corral_vnc_display_drop_connection (self);
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

  _corral_vnc_display_new_connection (self);
  _corral_vnc_display_resolve_link (self, -1, host);
  if (!vnc_connection_open_host (self->conn, host, port))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not connect to the console at %s:%s"), host, port);
      _corral_vnc_display_drop_connection (self);
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
  _corral_vnc_display_queue_frame (self);
  g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_SCALING]);
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
  _corral_vnc_display_maybe_resize_guest (self);
  g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_RESIZE_GUEST]);
}

CorralVncLink
corral_vnc_display_get_link (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), CORRAL_VNC_LINK_AUTO);
  return self->link;
}

/* The link of the next connection (what core knows: an fd from libvirt is local, an ssh tunnel is
 * remote); CORRAL_VNC_LINK_AUTO looks at the socket. */
void
corral_vnc_display_set_link (CorralVncDisplay *self,
                             CorralVncLink     link)
{
  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  if (self->link == link)
    return;
  self->link = link;
  g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_LINK]);
}

/* The link of the connection open now, or of the last one: never CORRAL_VNC_LINK_AUTO. */
CorralVncLink
corral_vnc_display_get_active_link (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), CORRAL_VNC_LINK_REMOTE);
  return self->active_link;
}

gboolean
corral_vnc_display_get_lossy (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  return self->lossy;
}

/* On a remote link, lets the server send JPEG (Tight's quality pseudo-encoding): fewer bytes for a slow
 * link, at the cost of exact pixels. Takes effect at once when connected. */
void
corral_vnc_display_set_lossy (CorralVncDisplay *self,
                              gboolean          lossy)
{
  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  lossy = !!lossy;
  if (self->lossy == lossy)
    return;
  self->lossy = lossy;
  if (self->initialized)
    _corral_vnc_display_send_encodings (self);
  g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_LOSSY]);
}
