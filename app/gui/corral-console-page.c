/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-console-page"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "corral-connection.h"
#include "corral-console-page.h"
#include "corral-error.h"
#include "corral-guest-graphics.h"

/* A guest's screen in a tab. Watches the guest's state: connects when it runs, says so when it does
 * not (with a Start button), reconnects when it comes back. Where the VNC stream comes from is core's
 * answer (corral_guest_open_graphics_async): a file descriptor from libvirt on a local connection, or
 * the argv of an ssh tunnel for qemu+ssh://, which the page spawns with the display on its far end. */

#define RECONNECT_DELAY_MS 1000
#define FULLSCREEN_REVEAL_EDGE 6
/* the login dialog's fields: the width of an AdwMessageDialog's message area at its narrowest */
#define CREDENTIALS_FIELDS_WIDTH 240

struct _CorralConsolePage
{
  GtkWidget         parent_instance;

  CorralGuest      *guest;
  GCancellable     *cancellable;    /* the connection attempt under way */
  GSubprocess      *tunnel;
  char             *status;         /* the stack page shown: "display", "connecting", ... */
  guint             reconnect_id;
  gboolean          connecting;
  gboolean          fullscreen;
  gboolean          auth_failed;
  gboolean          shown;          /* this connection got as far as showing the screen */
  char             *display_error;  /* what went wrong with this connection, if anything did */
  char             *last_username;  /* the user name last given, offered again when asked again */

  /* template children */
  GtkWidget        *main_box;
  GtkRevealer      *toolbar_revealer;
  GtkWidget        *toolbar;
  GtkWidget        *send_keys_button;
  GtkWidget        *screenshot_button;
  GtkWidget        *grab_label;
  GtkWidget        *spacer;
  GtkWidget        *view_button;
  GtkWidget        *fullscreen_button;
  GtkStack         *stack;
  GtkWidget        *scroller;
  CorralVncDisplay *display;
  AdwStatusPage    *connecting_page;
  GtkSpinner       *connecting_spinner;
  AdwStatusPage    *not_running_page;
  GtkWidget        *start_button;
  AdwStatusPage    *disconnected_page;
  GtkWidget        *reconnect_button;
  AdwStatusPage    *auth_failed_page;
  GtkWidget        *retry_button;
  AdwStatusPage    *no_graphics_page;
  AdwStatusPage    *error_page;
  GtkWidget        *error_retry_button;
  GMenu            *link_section;
};

enum {
  PROP_0,
  PROP_GUEST,
  PROP_TITLE,
  PROP_STATUS,
  PROP_SCALE_TO_WINDOW,
  PROP_RESIZE_GUEST,
  PROP_GRAB_KEYBOARD,
  PROP_FULLSCREEN,
  PROP_LOSSY_COMPRESSION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CorralConsolePage, corral_console_page, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* ---- status ----------------------------------------------------------------------------------- */

static void
set_status (CorralConsolePage *self,
            const char        *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;

  g_free (self->status);
  self->status = g_strdup (status);
  gtk_stack_set_visible_child_name (self->stack, status);
  gtk_spinner_set_spinning (self->connecting_spinner, g_str_equal (status, "connecting"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.send-keys", g_str_equal (status, "display"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.screenshot", g_str_equal (status, "display"));
  gtk_widget_set_sensitive (self->send_keys_button, g_str_equal (status, "display"));
  if (g_str_equal (status, "display"))
    gtk_widget_grab_focus (GTK_WIDGET (self->display));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
show_error (CorralConsolePage *self,
            const char        *message)
{
  g_debug ("console of %s: %s", self->guest != NULL ? corral_guest_get_name (self->guest) : "-", message);
  adw_status_page_set_description (self->error_page, message);
  set_status (self, "error");
}

static void
show_toast (CorralConsolePage *self,
            const char        *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay == NULL)
    {
      g_message ("%s", message);
      return;
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

/* ---- connecting ------------------------------------------------------------------------------- */

static void start_connect (CorralConsolePage *self);

static gboolean
reconnect_timeout_cb (gpointer user_data)
{
  CorralConsolePage *self = user_data;

  self->reconnect_id = 0;
  if (self->guest != NULL && corral_guest_get_state (self->guest) == CORRAL_GUEST_STATE_RUNNING)
    start_connect (self);
  return G_SOURCE_REMOVE;
}

static gboolean
open_tunnel (CorralConsolePage   *self,
             const char * const  *ssh_argv,
             const char          *hostname,
             GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  int sv[2], in_fd;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "socketpair: %s", g_strerror (errsv));
      return FALSE;
    }

  in_fd = dup (sv[1]);
  if (in_fd < 0)
    {
      int errsv = errno;
      close (sv[0]);
      close (sv[1]);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "dup: %s", g_strerror (errsv));
      return FALSE;
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_take_stdin_fd (launcher, in_fd);
  g_subprocess_launcher_take_stdout_fd (launcher, sv[1]);
  if (self->tunnel != NULL)
    {
      g_subprocess_force_exit (self->tunnel);
      g_clear_object (&self->tunnel);
    }
  self->tunnel = g_subprocess_launcher_spawnv (launcher, ssh_argv, error);
  if (self->tunnel == NULL)
    {
      close (sv[0]);
      return FALSE;
    }
  return corral_vnc_display_open_fd_with_hostname (self->display, sv[0], hostname, error);
}

static void
open_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr(CorralConsolePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralGraphics) graphics = corral_guest_open_graphics_finish (CORRAL_GUEST (source), res, &error);
  int fd;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->connecting = FALSE;

  if (graphics == NULL)
    {
      CorralConnection *connection = self->guest != NULL ? corral_guest_get_connection (self->guest) : NULL;

      if (connection != NULL && corral_connection_is_demo (connection))
        {
          /* libvirt's test driver runs no guest: it has no screen (NO_GRAPHICS, or "virDomainOpenGraphicsFD"
           * not supported), and trying again can never work. */
          adw_status_page_set_description (self->no_graphics_page,
                                           _("The demo connection uses libvirt’s test driver, which has no "
                                             "screens: its guests do not really run. On a real connection, "
                                             "the guest’s screen shows here."));
          set_status (self, "no-graphics");
        }
      else if (g_error_matches (error, CORRAL_ERROR, CORRAL_ERROR_NO_GRAPHICS))
        set_status (self, "no-graphics");
      else if (self->guest != NULL && !corral_guest_state_is_active (corral_guest_get_state (self->guest)))
        set_status (self, "not-running");
      else
        show_error (self, error->message);
      return;
    }

  /* core hands over an fd from libvirt for a local connection, an ssh tunnel for a remote one: that
   * decides what the display asks the server for */
  fd = corral_graphics_steal_fd (graphics);
  corral_vnc_display_set_link (self->display, fd >= 0 ? CORRAL_VNC_LINK_LOCAL : CORRAL_VNC_LINK_REMOTE);
  if (fd >= 0)
    {
      /* the display owns it now */
      if (!corral_vnc_display_open_fd (self->display, fd, &error))
        show_error (self, error->message);
    }
  else if (!open_tunnel (self, corral_graphics_get_ssh_argv (graphics),
                         corral_graphics_get_tls_hostname (graphics), &error))
    {
      show_error (self, error->message);
    }
}

static void
start_connect (CorralConsolePage *self)
{
  if (self->guest == NULL || self->connecting || corral_vnc_display_is_open (self->display))
    return;

  if (corral_guest_get_connection (self->guest) == NULL || corral_guest_get_domain (self->guest) == NULL)
    {
      set_status (self, "disconnected");
      return;
    }

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->connecting = TRUE;
  self->auth_failed = FALSE;
  self->shown = FALSE;
  g_clear_pointer (&self->display_error, g_free);
  set_status (self, "connecting");

  corral_guest_open_graphics_async (self->guest, self->cancellable, open_cb, g_object_ref (self));
}

static void
update_for_state (CorralConsolePage *self)
{
  CorralGuestState state;

  if (self->guest == NULL)
    return;

  state = corral_guest_get_state (self->guest);
  if (state == CORRAL_GUEST_STATE_DISCONNECTED)
    {
      /* libvirtd went away: wait for it */
      if (!corral_vnc_display_is_open (self->display))
        set_status (self, "disconnected");
    }
  else if (!corral_guest_state_is_active (state))
    {
      g_clear_handle_id (&self->reconnect_id, g_source_remove);
      if (corral_vnc_display_is_open (self->display))
        corral_vnc_display_close (self->display);
      set_status (self, "not-running");
    }
  else if (state == CORRAL_GUEST_STATE_RUNNING || state == CORRAL_GUEST_STATE_PAUSED)
    {
      if (!self->auth_failed && !corral_vnc_display_is_open (self->display))
        start_connect (self);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.start",
                                 corral_guest_is_action_allowed (self->guest, CORRAL_GUEST_ACTION_START));
}

/* ---- display callbacks ------------------------------------------------------------------------ */

static void
display_initialized_cb (CorralConsolePage *self,
                        CorralVncDisplay  *display)
{
  self->shown = TRUE;
  set_status (self, "display");
}

static void
display_disconnected_cb (CorralConsolePage *self,
                         CorralVncDisplay  *display)
{
  if (self->tunnel != NULL)
    {
      g_subprocess_force_exit (self->tunnel);
      g_clear_object (&self->tunnel);
    }
  if (self->auth_failed || g_strcmp0 (self->status, "error") == 0)
    return;
  /* refused before the screen came (a certificate not trusted, a protocol error): trying again by
   * itself would only fail the same way, so say why and let the user try again */
  if (!self->shown && self->display_error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The console connection failed: %s"), self->display_error);
      show_error (self, message);
      return;
    }

  if (self->guest != NULL && corral_guest_get_state (self->guest) == CORRAL_GUEST_STATE_RUNNING)
    {
      /* the guest still runs (a reboot, a busy daemon): try again shortly */
      set_status (self, "disconnected");
      g_clear_handle_id (&self->reconnect_id, g_source_remove);
      self->reconnect_id = g_timeout_add (RECONNECT_DELAY_MS, reconnect_timeout_cb, self);
    }
  else
    {
      update_for_state (self);
    }
}

static void
display_error_cb (CorralConsolePage *self,
                  const char        *message,
                  CorralVncDisplay  *display)
{
  g_debug ("console: %s", message);
  g_free (self->display_error);
  self->display_error = g_strdup (message);
}

static void
display_auth_failed_cb (CorralConsolePage *self,
                        const char        *reason,
                        CorralVncDisplay  *display)
{
  self->auth_failed = TRUE;
  adw_status_page_set_description (self->auth_failed_page, reason);
  set_status (self, "auth-failed");
}

static void
credentials_response_cb (CorralConsolePage *self,
                         const char        *response,
                         AdwMessageDialog  *dialog)
{
  GtkEditable *username = g_object_get_data (G_OBJECT (dialog), "username");
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "password");

  if (g_strcmp0 (response, "connect") == 0)
    {
      if (username != NULL)
        {
          g_free (self->last_username);
          self->last_username = g_strdup (gtk_editable_get_text (username));
        }
      corral_vnc_display_set_credentials (self->display, username != NULL ? self->last_username : NULL,
                                          password != NULL ? gtk_editable_get_text (password) : NULL);
    }
  else
    {
      self->auth_failed = TRUE;
      adw_status_page_set_description (self->auth_failed_page, _("No credentials were given."));
      set_status (self, "auth-failed");
      corral_vnc_display_close (self->display);
    }
}

static void
display_credentials_cb (CorralConsolePage *self,
                        gboolean           want_username,
                        gboolean           want_password,
                        CorralVncDisplay  *display)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog, *list, *row = NULL;
  const char *body;

  if (want_username && want_password)
    body = _("The guest's screen asks for a user name and a password.");
  else if (want_username)
    body = _("The guest's screen asks for a user name.");
  else
    body = _("The guest's screen is protected by a VNC password.");

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   want_username ? _("Console Login") : _("Console Password"), body);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  /* An AdwMessageDialog is never narrower than 300 px, its message area 240 px inside its margins;
   * left to the entry rows, that area's minimum width would be less than the unwrapped heading's,
   * and libadwaita measures that heading at any width the area allows (GTK >= 4.10 warns: "Trying
   * to measure GtkLabel ... for width of 122, but it needs at least 143"). The fields ask for the
   * width the dialog gives them anyway. */
  gtk_widget_set_size_request (list, CREDENTIALS_FIELDS_WIDTH, -1);
  if (want_username)
    {
      row = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("User Name"));
      if (self->last_username != NULL)
        gtk_editable_set_text (GTK_EDITABLE (row), self->last_username);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      g_object_set_data (G_OBJECT (dialog), "username", row);
    }
  if (want_password)
    {
      row = adw_password_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Password"));
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      g_object_set_data (G_OBJECT (dialog), "password", row);
    }
  /* Enter in the last field connects */
  if (row != NULL)
    adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "connect", _("C_onnect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "connect",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "connect");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (credentials_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  /* the user name is there already: type the password */
  if (want_username && want_password && self->last_username != NULL)
    gtk_widget_grab_focus (row);
}

static void
display_grabbed_cb (CorralConsolePage *self,
                    GParamSpec        *pspec,
                    CorralVncDisplay  *display)
{
  gtk_widget_set_visible (self->grab_label, corral_vnc_display_get_keyboard_grabbed (display));
}

static void
guest_state_cb (CorralConsolePage *self,
                GParamSpec        *pspec,
                CorralGuest       *guest)
{
  update_for_state (self);
}

static void
guest_name_cb (CorralConsolePage *self,
               GParamSpec        *pspec,
               CorralGuest       *guest)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/* The view menu says which link the console is on (what the display asks the server for), and offers
 * JPEG only where it can be used: on a remote link. */
static void
update_link_menu (CorralConsolePage *self)
{
  gboolean remote = corral_vnc_display_get_active_link (self->display) == CORRAL_VNC_LINK_REMOTE;
  g_autoptr(GMenuItem) item = NULL;

  item = g_menu_item_new (remote ? _("Remote Connection: Compressed") : _("Local Connection: Uncompressed"),
                          "console.link");
  if (g_menu_model_get_n_items (G_MENU_MODEL (self->link_section)) > 1)
    g_menu_remove (self->link_section, 0);
  g_menu_prepend_item (self->link_section, item);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.lossy-compression", remote);
}

/* ---- actions ---------------------------------------------------------------------------------- */

static void
link_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  /* an item that informs: the action stays disabled */
}

static void
send_keys_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  CorralConsolePage *self = CORRAL_CONSOLE_PAGE (widget);
  const char *which = g_variant_get_string (param, NULL);

  if (g_str_equal (which, "ctrl-alt-del"))
    corral_vnc_display_send_keys (self->display, CORRAL_VNC_SEND_CTRL_ALT_DEL);
  else if (g_str_equal (which, "ctrl-alt-backspace"))
    corral_vnc_display_send_keys (self->display, CORRAL_VNC_SEND_CTRL_ALT_BACKSPACE);
  else if (g_str_equal (which, "print"))
    corral_vnc_display_send_keys (self->display, CORRAL_VNC_SEND_PRINT_SCREEN);
  else if (g_str_has_prefix (which, "ctrl-alt-f"))
    {
      guint64 n = 0;
      if (g_ascii_string_to_unsigned (which + strlen ("ctrl-alt-f"), 10, 1, 12, &n, NULL))
        corral_vnc_display_send_keys (self->display, CORRAL_VNC_SEND_CTRL_ALT_F1 + (int) n - 1);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->display));
}

static void
screenshot_response_cb (CorralConsolePage    *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path == NULL || !corral_vnc_display_save_screenshot (self->display, path, &error))
        {
          g_autofree char *message =
            g_strdup_printf (_("The screenshot could not be saved: %s"),
                             error != NULL ? error->message : _("not a local file"));
          show_toast (self, message);
        }
    }
  g_object_unref (chooser);
}

static void
screenshot_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  CorralConsolePage *self = CORRAL_CONSOLE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H-%M-%S");
  g_autofree char *name = g_strdup_printf ("%s %s.png", corral_console_page_get_title (self), stamp);

  chooser = gtk_file_chooser_native_new (_("Save Screenshot"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (screenshot_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
set_fullscreen (CorralConsolePage *self,
                gboolean           fullscreen)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->fullscreen == fullscreen)
    return;
  self->fullscreen = fullscreen;
  if (GTK_IS_WINDOW (root))
    {
      if (fullscreen)
        gtk_window_fullscreen (GTK_WINDOW (root));
      else
        gtk_window_unfullscreen (GTK_WINDOW (root));
    }
  /* in fullscreen the toolbar hides, and comes back while the pointer is at the top edge */
  gtk_revealer_set_reveal_child (self->toolbar_revealer, !fullscreen);
  gtk_button_set_icon_name (GTK_BUTTON (self->fullscreen_button),
                            fullscreen ? "view-restore-symbolic" : "view-fullscreen-symbolic");
  gtk_widget_set_tooltip_text (self->fullscreen_button, fullscreen ? _("Leave Fullscreen") : _("Fullscreen"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FULLSCREEN]);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  CorralConsolePage *self = CORRAL_CONSOLE_PAGE (widget);

  set_fullscreen (self, !self->fullscreen);
  gtk_widget_grab_focus (GTK_WIDGET (self->display));
}

static void
start_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(CorralConsolePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!corral_guest_run_action_finish (CORRAL_GUEST (source), res, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The guest could not be started: %s"), error->message);
      show_toast (self, message);
    }
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  CorralConsolePage *self = CORRAL_CONSOLE_PAGE (widget);

  if (self->guest == NULL)
    return;
  corral_guest_run_action_async (self->guest, CORRAL_GUEST_ACTION_START, NULL, start_cb, g_object_ref (self));
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  CorralConsolePage *self = CORRAL_CONSOLE_PAGE (widget);

  self->auth_failed = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (corral_vnc_display_is_open (self->display))
    {
      /* the disconnected handler comes back here through update_for_state */
      corral_vnc_display_close (self->display);
      return;
    }
  update_for_state (self);
}

static void
motion_cb (CorralConsolePage        *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  int toolbar_height;

  if (!self->fullscreen)
    return;
  toolbar_height = gtk_widget_get_height (self->toolbar);
  if (y <= FULLSCREEN_REVEAL_EDGE)
    gtk_revealer_set_reveal_child (self->toolbar_revealer, TRUE);
  else if (y > toolbar_height + 24)
    gtk_revealer_set_reveal_child (self->toolbar_revealer, FALSE);
}

/* ---- GObject ---------------------------------------------------------------------------------- */

static void
corral_console_page_set_guest (CorralConsolePage *self,
                               CorralGuest       *guest)
{
  if (self->guest == guest)
    return;

  if (self->guest != NULL)
    g_signal_handlers_disconnect_by_data (self->guest, self);
  g_set_object (&self->guest, guest);
  if (guest != NULL)
    {
      g_signal_connect_object (guest, "notify::state", G_CALLBACK (guest_state_cb), self, G_CONNECT_SWAPPED);
      /* a new GVirDomain after libvirtd came back: what can be done may have changed */
      g_signal_connect_object (guest, "notify::domain", G_CALLBACK (guest_state_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (guest, "notify::name", G_CALLBACK (guest_name_cb), self, G_CONNECT_SWAPPED);
      update_for_state (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
corral_console_page_dispose (GObject *object)
{
  CorralConsolePage *self = CORRAL_CONSOLE_PAGE (object);

  if (self->fullscreen)
    set_fullscreen (self, FALSE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->display != NULL)
    g_signal_handlers_disconnect_by_data (self->display, self);
  if (self->tunnel != NULL)
    {
      g_subprocess_force_exit (self->tunnel);
      g_clear_object (&self->tunnel);
    }
  if (self->guest != NULL)
    g_signal_handlers_disconnect_by_data (self->guest, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), CORRAL_TYPE_CONSOLE_PAGE);
  g_clear_object (&self->guest);

  G_OBJECT_CLASS (corral_console_page_parent_class)->dispose (object);
}

static void
corral_console_page_finalize (GObject *object)
{
  CorralConsolePage *self = CORRAL_CONSOLE_PAGE (object);

  g_free (self->status);
  g_free (self->display_error);
  g_free (self->last_username);

  G_OBJECT_CLASS (corral_console_page_parent_class)->finalize (object);
}

static void
corral_console_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CorralConsolePage *self = CORRAL_CONSOLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_value_set_object (value, self->guest);
      break;
    case PROP_TITLE:
      g_value_set_string (value, corral_console_page_get_title (self));
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_SCALE_TO_WINDOW:
      g_value_set_boolean (value, corral_vnc_display_get_scaling (self->display) == CORRAL_VNC_SCALING_FIT);
      break;
    case PROP_RESIZE_GUEST:
      g_value_set_boolean (value, corral_vnc_display_get_resize_guest (self->display));
      break;
    case PROP_GRAB_KEYBOARD:
      g_value_set_boolean (value, corral_vnc_display_get_grab_keyboard (self->display));
      break;
    case PROP_FULLSCREEN:
      g_value_set_boolean (value, self->fullscreen);
      break;
    case PROP_LOSSY_COMPRESSION:
      g_value_set_boolean (value, corral_vnc_display_get_lossy (self->display));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_console_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CorralConsolePage *self = CORRAL_CONSOLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      corral_console_page_set_guest (self, g_value_get_object (value));
      break;
    case PROP_SCALE_TO_WINDOW:
      {
        gboolean fit = g_value_get_boolean (value);
        if (fit == (corral_vnc_display_get_scaling (self->display) == CORRAL_VNC_SCALING_FIT))
          break;
        corral_vnc_display_set_scaling (self->display,
                                        fit ? CORRAL_VNC_SCALING_FIT : CORRAL_VNC_SCALING_ONE_TO_ONE);
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    case PROP_RESIZE_GUEST:
      if (g_value_get_boolean (value) != corral_vnc_display_get_resize_guest (self->display))
        {
          corral_vnc_display_set_resize_guest (self->display, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_GRAB_KEYBOARD:
      if (g_value_get_boolean (value) != corral_vnc_display_get_grab_keyboard (self->display))
        {
          corral_vnc_display_set_grab_keyboard (self->display, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_FULLSCREEN:
      set_fullscreen (self, g_value_get_boolean (value));
      break;
    case PROP_LOSSY_COMPRESSION:
      if (g_value_get_boolean (value) != corral_vnc_display_get_lossy (self->display))
        {
          corral_vnc_display_set_lossy (self->display, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_console_page_class_init (CorralConsolePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = corral_console_page_dispose;
  object_class->finalize = corral_console_page_finalize;
  object_class->get_property = corral_console_page_get_property;
  object_class->set_property = corral_console_page_set_property;

  properties[PROP_GUEST] =
    g_param_spec_object ("guest", NULL, NULL, CORRAL_TYPE_GUEST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE_TO_WINDOW] =
    g_param_spec_boolean ("scale-to-window", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESIZE_GUEST] =
    g_param_spec_boolean ("resize-guest", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GRAB_KEYBOARD] =
    g_param_spec_boolean ("grab-keyboard", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FULLSCREEN] =
    g_param_spec_boolean ("fullscreen", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* JPEG on a remote link (the display's "lossy"), off by default */
  properties[PROP_LOSSY_COMPRESSION] =
    g_param_spec_boolean ("lossy-compression", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CORRAL_TYPE_VNC_DISPLAY);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/corralvm/Corral/console/corral-console-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, main_box);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, toolbar_revealer);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, send_keys_button);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, screenshot_button);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, grab_label);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, spacer);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, view_button);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, fullscreen_button);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, stack);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, display);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, connecting_page);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, connecting_spinner);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, not_running_page);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, start_button);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, disconnected_page);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, auth_failed_page);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, no_graphics_page);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, error_retry_button);
  gtk_widget_class_bind_template_child (widget_class, CorralConsolePage, link_section);

  gtk_widget_class_install_action (widget_class, "console.send-keys", "s", send_keys_action);
  gtk_widget_class_install_action (widget_class, "console.screenshot", NULL, screenshot_action);
  gtk_widget_class_install_action (widget_class, "console.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "console.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "console.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_property_action (widget_class, "console.scale-to-window", "scale-to-window");
  gtk_widget_class_install_property_action (widget_class, "console.resize-guest", "resize-guest");
  gtk_widget_class_install_property_action (widget_class, "console.grab-keyboard", "grab-keyboard");
  gtk_widget_class_install_property_action (widget_class, "console.lossy-compression", "lossy-compression");
  /* never enabled: the menu item that says which link is in use */
  gtk_widget_class_install_action (widget_class, "console.link", NULL, link_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
corral_console_page_init (CorralConsolePage *self)
{
  GtkEventController *motion;

  gtk_widget_init_template (GTK_WIDGET (self));

  corral_vnc_display_set_resize_guest (self->display, TRUE);
  corral_vnc_display_set_grab_keyboard (self->display, TRUE);

  g_signal_connect_object (self->display, "initialized", G_CALLBACK (display_initialized_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->display, "disconnected", G_CALLBACK (display_disconnected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->display, "error", G_CALLBACK (display_error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->display, "auth-failed", G_CALLBACK (display_auth_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->display, "credentials-required", G_CALLBACK (display_credentials_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->display, "notify::keyboard-grabbed", G_CALLBACK (display_grabbed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->display, "notify::active-link", G_CALLBACK (update_link_menu), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "console.link", FALSE);
  update_link_menu (self);

  motion = gtk_event_controller_motion_new ();
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  set_status (self, "connecting");
}

GtkWidget *
corral_console_page_new (CorralGuest *guest)
{
  g_return_val_if_fail (guest == NULL || CORRAL_IS_GUEST (guest), NULL);

  return g_object_new (CORRAL_TYPE_CONSOLE_PAGE, "guest", guest, NULL);
}

CorralGuest *
corral_console_page_get_guest (CorralConsolePage *self)
{
  g_return_val_if_fail (CORRAL_IS_CONSOLE_PAGE (self), NULL);
  return self->guest;
}

const char *
corral_console_page_get_title (CorralConsolePage *self)
{
  g_return_val_if_fail (CORRAL_IS_CONSOLE_PAGE (self), NULL);
  return self->guest != NULL ? corral_guest_get_name (self->guest) : _("Console");
}

/* Which overlay shows: "display", "connecting", "not-running", "disconnected", "auth-failed",
 * "no-graphics" or "error". */
const char *
corral_console_page_get_status (CorralConsolePage *self)
{
  g_return_val_if_fail (CORRAL_IS_CONSOLE_PAGE (self), NULL);
  return self->status;
}

CorralVncDisplay *
corral_console_page_get_display (CorralConsolePage *self)
{
  g_return_val_if_fail (CORRAL_IS_CONSOLE_PAGE (self), NULL);
  return self->display;
}

gboolean
corral_console_page_get_fullscreen (CorralConsolePage *self)
{
  g_return_val_if_fail (CORRAL_IS_CONSOLE_PAGE (self), FALSE);
  return self->fullscreen;
}
