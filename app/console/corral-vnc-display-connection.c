/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CorralVncDisplay's gvnc connection: its signals, authentication (type, VeNCrypt subtype,
 * credentials, the TLS client certificate's name) and the encodings asked for. */
#define G_LOG_DOMAIN "corral-vnc-display"

#include "config.h"

#include <arpa/inet.h>
#include <glib/gi18n.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "corral-vnc-display-private.h"

/* What we ask for, best first, by link (corral_vnc_display_set_link()).
 *
 * Local (an fd from libvirt, a UNIX socket, loopback): bandwidth costs nothing and decoding costs
 * everything. libgvnc 1.3 decodes Tight's and ZRLE's palettes and RLE runs with a call per pixel,
 * while Raw in a local pixel format identical to the server's is read row by row straight into the
 * framebuffer (measured with tests/bench/console: a quarter of the client's CPU per update, and
 * QEMU's VNC thread spends less too, since it compresses nothing). Raw is offered alone with CopyRect:
 * TigerVNC fills whatever class of rectangle is left unassigned with ZRLE or Tight. */
static const gint32 local_encodings[] = {
  VNC_CONNECTION_ENCODING_COPY_RECT,
  VNC_CONNECTION_ENCODING_RAW,
};

/* Remote (an ssh tunnel, TCP to another host): compressing encodings, lossless unless the user lets
 * JPEG in for a slow link (corral_vnc_display_set_lossy()). */
static const gint32 remote_encodings[] = {
  VNC_CONNECTION_ENCODING_TIGHT,
  VNC_CONNECTION_ENCODING_ZRLE,
  VNC_CONNECTION_ENCODING_HEXTILE,
  VNC_CONNECTION_ENCODING_RRE,
  VNC_CONNECTION_ENCODING_COPY_RECT,
  VNC_CONNECTION_ENCODING_RAW,
};

/* Tight's JPEG quality pseudo-encoding sent with the lossy option: quality 6 of 0..9, the middle ground
 * TigerVNC's viewer picks by default for its automatic JPEG choice. */
#define LOSSY_JPEG_QUALITY VNC_CONNECTION_ENCODING_TIGHT_JPEG6

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

/* Everything asked for on the link now, pseudo-encodings included. Returns: (transfer full) */
GArray *
_corral_vnc_display_get_encodings (CorralVncDisplay *self)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (gint32));
  gboolean remote = self->active_link == CORRAL_VNC_LINK_REMOTE;

  if (self->encodings != NULL)
    g_array_append_vals (all, self->encodings->data, self->encodings->len);
  else if (remote)
    g_array_append_vals (all, remote_encodings, G_N_ELEMENTS (remote_encodings));
  else
    g_array_append_vals (all, local_encodings, G_N_ELEMENTS (local_encodings));
  if (remote && self->lossy)
    {
      gint32 q = LOSSY_JPEG_QUALITY;
      g_array_append_val (all, q);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (pseudo_encodings); i++)
    if (self->scancodes || pseudo_encodings[i] != VNC_CONNECTION_ENCODING_EXT_KEY_EVENT)
      g_array_append_val (all, pseudo_encodings[i]);
  return all;
}

void
_corral_vnc_display_send_encodings (CorralVncDisplay *self)
{
  g_autoptr(GArray) all = _corral_vnc_display_get_encodings (self);

  vnc_connection_set_encodings (self->conn, all->len, (gint32 *) all->data);
}

static gboolean
sockaddr_is_loopback (const struct sockaddr_storage *ss)
{
  if (ss->ss_family == AF_INET)
    return (ntohl (((const struct sockaddr_in *) ss)->sin_addr.s_addr) >> 24) == 127;
  if (ss->ss_family == AF_INET6)
    {
      const struct in6_addr *a = &((const struct sockaddr_in6 *) ss)->sin6_addr;
      return IN6_IS_ADDR_LOOPBACK (a) ||
             (IN6_IS_ADDR_V4MAPPED (a) && a->s6_addr[12] == 127);
    }
  return FALSE;
}

/* Decides the link of a connection about to open on @fd or to @host: the link as set, or for
 * CORRAL_VNC_LINK_AUTO local for a UNIX socket (what libvirt hands over) or a loopback peer. A
 * socketpair to a tunnel is a UNIX socket too: whoever opens one sets the link to remote. */
void
_corral_vnc_display_resolve_link (CorralVncDisplay *self,
                                  int               fd,
                                  const char       *host)
{
  CorralVncLink link = self->link;

  if (link == CORRAL_VNC_LINK_AUTO)
    {
      struct sockaddr_storage ss = { 0 };
      socklen_t len = sizeof ss;

      link = CORRAL_VNC_LINK_REMOTE;
      if (fd >= 0)
        {
          if (getsockname (fd, (struct sockaddr *) &ss, &len) == 0 && ss.ss_family == AF_UNIX)
            link = CORRAL_VNC_LINK_LOCAL;
          len = sizeof ss;
          if (link != CORRAL_VNC_LINK_LOCAL && getpeername (fd, (struct sockaddr *) &ss, &len) == 0 &&
              sockaddr_is_loopback (&ss))
            link = CORRAL_VNC_LINK_LOCAL;
        }
      else if (host != NULL)
        {
          g_autoptr(GInetAddress) addr = g_inet_address_new_from_string (host);

          if (g_ascii_strcasecmp (host, "localhost") == 0 || host[0] == '/' ||
              (addr != NULL && g_inet_address_get_is_loopback (addr)))
            link = CORRAL_VNC_LINK_LOCAL;
        }
    }

  if (link != self->active_link)
    {
      self->active_link = link;
      g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_ACTIVE_LINK]);
    }
}

static void
request_full_update (CorralVncDisplay *self)
{
  vnc_connection_framebuffer_update_request (self->conn, FALSE, 0, 0,
                                             vnc_connection_get_width (self->conn),
                                             vnc_connection_get_height (self->conn));
}

/* ---- connection callbacks --------------------------------------------------------------------- */

static void
vnc_connected_cb (CorralVncDisplay *self,
                  VncConnection    *conn)
{
  g_signal_emit (self, _corral_vnc_display_signals[SIGNAL_CONNECTED], 0);
}

static void
vnc_initialized_cb (CorralVncDisplay *self,
                    VncConnection    *conn)
{
  VncPixelFormat local;

  /* Locally the server's own pixel format is kept whatever it is (no SetPixelFormat), so that a
   * server sends its pixels as it holds them (QEMU's Raw is then a copy of its surface) and gvnc
   * reads them as they are when they are ours already (see _corral_vnc_display_alloc_framebuffer()).
   * A server in another format is converted by gvnc as it decodes. Remotely bytes count: the server
   * is asked for ours, 32 bits a pixel. */
  self->server_format = self->active_link == CORRAL_VNC_LINK_LOCAL &&
                        vnc_connection_get_pixel_format (conn)->true_color_flag;
  if (!self->server_format)
    {
      _corral_vnc_display_local_pixel_format (&local);
      if (!vnc_connection_set_pixel_format (conn, &local))
        goto fail;
    }
  _corral_vnc_display_send_encodings (self);
  _corral_vnc_display_alloc_framebuffer (self);
  request_full_update (self);
  if (vnc_connection_has_error (conn))
    goto fail;

  self->initialized = TRUE;
  self->absolute = vnc_connection_get_abs_pointer (conn);
  g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_GUEST_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_INITIALIZED]);
  g_signal_emit (self, _corral_vnc_display_signals[SIGNAL_INITIALIZED], 0);
  _corral_vnc_display_maybe_resize_guest (self);
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
  _corral_vnc_display_damage (self, x, y, w, h);
  /* Ask for the next one at once, as gtk-vnc does: the server sends when it has something. */
  vnc_connection_framebuffer_update_request (conn, TRUE, 0, 0,
                                             vnc_connection_get_width (conn),
                                             vnc_connection_get_height (conn));
  /* per rectangle: only when someone listens (tests, the benchmark) */
  if (g_signal_has_handler_pending (self, _corral_vnc_display_signals[SIGNAL_FRAMEBUFFER_UPDATED],
                                    0, TRUE))
    g_signal_emit (self, _corral_vnc_display_signals[SIGNAL_FRAMEBUFFER_UPDATED], 0,
                   (guint) x, (guint) y, (guint) w, (guint) h);
}

static void
vnc_desktop_resize_cb (CorralVncDisplay *self,
                       guint16           width,
                       guint16           height,
                       VncConnection    *conn)
{
  _corral_vnc_display_alloc_framebuffer (self);
  request_full_update (self);
}

static void
vnc_pixel_format_changed_cb (CorralVncDisplay *self,
                             VncPixelFormat   *format,
                             VncConnection    *conn)
{
  _corral_vnc_display_alloc_framebuffer (self);
  request_full_update (self);
}

static void
vnc_desktop_rename_cb (CorralVncDisplay *self,
                       const char       *name,
                       VncConnection    *conn)
{
  g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_GUEST_NAME]);
}

/* Whether gvnc's cursor bytes are straight (not premultiplied) RGBA: since gvnc 1.5. */
static gboolean
cursor_is_straight_alpha (void)
{
  return vnc_util_check_version (1, 5, 0);
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
      /* gvnc hands the cursor over as RGBA bytes. Before 1.5 an alpha cursor (what QEMU and Xvnc
       * send) comes premultiplied, as the server sent it, and a rich cursor with a 1-bit mask whose
       * clear pixels may keep their colour: clamping each channel to alpha makes both valid
       * premultiplied RGBA. gvnc 1.5 reverses the premultiplication itself ("Fix alpha cursor
       * encoding"): its bytes are straight RGBA, whatever the encoding. Which gvnc runs is asked at
       * run time, as the library may be newer than the headers. */
      const guint8 *data = vnc_cursor_get_data (cursor);
      gsize size = (gsize) w * h * 4;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GdkTexture) texture = NULL;

      if (cursor_is_straight_alpha ())
        {
          bytes = g_bytes_new (data, size);
          texture = gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8A8, bytes, w * 4);
        }
      else
        {
          guint8 *rgba = g_malloc (size);

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
        }

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
  _corral_vnc_display_set_pointer_mode (self, absolute);
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
  g_signal_emit (self, _corral_vnc_display_signals[SIGNAL_SERVER_CUT_TEXT], 0, utf8);
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

  g_signal_emit (self, _corral_vnc_display_signals[SIGNAL_ERROR], 0,
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

  g_signal_emit (self, _corral_vnc_display_signals[SIGNAL_ERROR], 0,
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
    g_signal_emit (self, _corral_vnc_display_signals[SIGNAL_CREDENTIALS_REQUIRED], 0,
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
  g_signal_emit (self, _corral_vnc_display_signals[SIGNAL_AUTH_FAILED], 0,
                 reason != NULL && *reason != '\0' ? reason : _("Authentication failed"));
}

static void
vnc_auth_unsupported_cb (CorralVncDisplay *self,
                         guint             auth_type,
                         VncConnection    *conn)
{
  g_autofree char *message =
    g_strdup_printf (_("The console server asks for an unsupported authentication method (%u)"), auth_type);

  g_signal_emit (self, _corral_vnc_display_signals[SIGNAL_AUTH_FAILED], 0, message);
}

static void
vnc_error_cb (CorralVncDisplay *self,
              const char       *message,
              VncConnection    *conn)
{
  g_debug ("VNC error: %s", message);
  g_signal_emit (self, _corral_vnc_display_signals[SIGNAL_ERROR], 0, message);
}

void
_corral_vnc_display_drop_connection (CorralVncDisplay *self)
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
    g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_INITIALIZED]);
  g_signal_emit (self, _corral_vnc_display_signals[SIGNAL_DISCONNECTED], 0);
  g_object_unref (self);
}

/* ---- opening ---------------------------------------------------------------------------------- */

void
_corral_vnc_display_new_connection (CorralVncDisplay *self)
{
  _corral_vnc_display_drop_connection (self);
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

/* ---- public API ------------------------------------------------------------------------------- */

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
 * NULL/0 restores the link's list. Pseudo-encodings are always added. Takes effect at the next
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
    _corral_vnc_display_send_encodings (self);
}
