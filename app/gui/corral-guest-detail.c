/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-connection.h"
#include "corral-clone-dialog.h"
#include "corral-forwards-dialog.h"
#include "corral-guest-detail.h"
#include "corral-guest-hardware.h"
#include "corral-osinfo.h"
#include "corral-guest-snapshots.h"

/* While a running guest has no known address yet (DHCP takes a few seconds after boot), look again this
 * often, a bounded number of times, and only while its details are on screen. */
#define ADDRESS_RETRY_MS    3000
#define ADDRESS_RETRY_COUNT 40

struct _CorralGuestDetail
{
  GtkWidget     parent_instance;

  CorralGuest  *guest;
  GCancellable *cancellable;
  guint         address_source;
  guint         address_tries;
  char         *forwards_reason;   /* why forwards cannot apply to the guest; NULL: they can */
  gboolean      forwards_checked;
  gboolean      os_db_loading;     /* the OS database is being loaded for the OS row's name */
  gboolean      os_db_failed;

  /* template children */
  GtkWidget    *scroller;
  GtkImage     *state_image;
  GtkLabel     *name_label;
  GtkLabel     *state_label;
  GtkWidget    *start_button;
  GtkWidget    *shutdown_button;
  GtkWidget    *resume_button;
  GtkWidget    *pause_button;
  GtkWidget    *more_button;
  GtkLabel     *os_label;
  GtkLabel     *ip_label;
  GtkWidget    *ip_copy_button;
  GtkWidget    *ssh_row;
  GtkLabel     *ssh_label;
  GtkWidget    *ssh_copy_button;
  GtkLabel     *connection_label;
  GtkLabel     *uuid_label;
  CorralGuestHardware *hardware;
  CorralGuestSnapshots *snapshots;
  AdwActionRow *forwards_row;
  GtkImage *forwards_arrow;
};

enum {
  PROP_0,
  PROP_GUEST,
  N_PROPS
};

enum {
  OPEN_CONSOLE,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CorralGuestDetail, corral_guest_detail, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const struct {
  const char        *name;
  CorralGuestAction  action;
} action_names[] = {
  { "guest.start", CORRAL_GUEST_ACTION_START },
  { "guest.shutdown", CORRAL_GUEST_ACTION_SHUTDOWN },
  { "guest.force-off", CORRAL_GUEST_ACTION_FORCE_OFF },
  { "guest.reboot", CORRAL_GUEST_ACTION_REBOOT },
  { "guest.pause", CORRAL_GUEST_ACTION_PAUSE },
  { "guest.resume", CORRAL_GUEST_ACTION_RESUME },
  { "guest.delete", CORRAL_GUEST_ACTION_DELETE },
};

static void
show_toast (CorralGuestDetail *self,
            const char        *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL)
    {
      g_message ("%s", message);
      return;
    }
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static void update_os (CorralGuestDetail *self);

static void
os_db_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsinfoDb) db = corral_osinfo_load_db_finish (result, &error);
  CorralGuestDetail *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_GUEST_DETAIL (user_data);
  self->os_db_loading = FALSE;
  if (db == NULL)
    {
      /* then the row shows the id's readable part */
      g_debug ("No operating system names: %s", error->message);
      self->os_db_failed = TRUE;
    }
  update_os (self);
}

/* The OS row: the name libosinfo gives the guest's OS ("Generic Linux 2022"), from its database
 * loaded off the main thread (once per process); until then the row stays empty rather than
 * showing the id. */
static void
update_os (CorralGuestDetail *self)
{
  const char *os_id = self->guest != NULL ? corral_guest_get_os_id (self->guest) : NULL;
  g_autofree char *name = NULL;

  if (os_id == NULL)
    {
      gtk_label_set_label (self->os_label, _("Unknown"));
      return;
    }
  if (!corral_osinfo_db_is_loaded () && !self->os_db_failed)
    {
      gtk_label_set_label (self->os_label, "");
      if (!self->os_db_loading)
        {
          self->os_db_loading = TRUE;
          corral_osinfo_load_db_async (self->cancellable, os_db_loaded_cb, self);
        }
      return;
    }
  name = corral_osinfo_dup_os_name (os_id);
  gtk_label_set_label (self->os_label, name);
}

/* The "Port Forwards" row: enabled where forwards can apply, else it says why not. */
static void
update_forwards (CorralGuestDetail *self)
{
  const char *summary;
  gboolean can = self->guest != NULL && self->forwards_checked && self->forwards_reason == NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "guest.forwards", can);
  /* Where forwards cannot apply, the row only explains why: not a disabled (faint) button whose
   * explanation is hard to read, but a plain row with no arrow (HIG: dim only secondary text). */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->forwards_row),
                                  self->forwards_reason == NULL ? "guest.forwards" : NULL);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->forwards_row), self->forwards_reason == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->forwards_arrow), self->forwards_reason == NULL);
  if (self->forwards_reason != NULL)
    gtk_widget_set_sensitive (GTK_WIDGET (self->forwards_row), TRUE);
  if (self->guest == NULL)
    return;
  if (!self->forwards_checked)
    adw_action_row_set_subtitle (self->forwards_row, _("Checking the guest’s network…"));
  else if (self->forwards_reason != NULL)
    adw_action_row_set_subtitle (self->forwards_row, self->forwards_reason);
  else if ((summary = corral_guest_get_forwards_summary (self->guest)) != NULL)
    adw_action_row_set_subtitle (self->forwards_row, summary);
  else
    adw_action_row_set_subtitle (self->forwards_row, _("None: forward ports of this computer to the guest"));
}

static void
forwards_check_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CorralGuest *guest = CORRAL_GUEST (object);
  CorralGuestDetail *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;

  reason = corral_forwards_check_guest_finish (guest, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (self->guest != guest)
    return;
  g_free (self->forwards_reason);
  self->forwards_reason = error != NULL ? g_strdup (error->message) : g_steal_pointer (&reason);
  self->forwards_checked = TRUE;
  update_forwards (self);
}

/* A guest made from a cloud image: how to log in to it, once its address is known. */
static void
update_ssh (CorralGuestDetail *self)
{
  const char *user = corral_guest_get_cloud_user (self->guest);
  g_autofree char *command = corral_guest_dup_ssh_command (self->guest);

  gtk_widget_set_visible (self->ssh_row, user != NULL);
  if (command != NULL)
    gtk_label_set_label (self->ssh_label, command);
  else if (user != NULL)
    {
      /* Translators: %s is the user name cloud-init made, e.g. "As alice, once the address is
       * known" */
      g_autofree char *text = corral_guest_state_is_active (corral_guest_get_state (self->guest))
                              ? g_strdup_printf (_("As %s, once the address is known"), user)
                              : g_strdup_printf (_("As %s, while the guest runs"), user);

      gtk_label_set_label (self->ssh_label, text);
    }
  gtk_widget_set_visible (self->ssh_copy_button, command != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "guest.copy-ssh", command != NULL);
}

static void
update (CorralGuestDetail *self)
{
  CorralConnection *connection;
  CorralGuestState state;
  const char *ip;

  update_forwards (self);
  if (self->guest == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (action_names); i++)
        gtk_widget_action_set_enabled (GTK_WIDGET (self), action_names[i].name, FALSE);
      gtk_widget_set_visible (self->shutdown_button, FALSE);
      gtk_widget_set_visible (self->resume_button, FALSE);
      gtk_widget_set_visible (self->pause_button, FALSE);
      gtk_widget_set_visible (self->more_button, FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "guest.copy-ip", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "guest.copy-ssh", FALSE);
      gtk_widget_set_visible (self->ssh_row, FALSE);
      return;
    }

  state = corral_guest_get_state (self->guest);
  connection = corral_guest_get_connection (self->guest);
  ip = corral_guest_get_ip_address (self->guest);

  gtk_label_set_label (self->name_label, corral_guest_get_name (self->guest));
  gtk_label_set_label (self->state_label, corral_guest_get_state_label (self->guest));
  gtk_image_set_from_icon_name (self->state_image, corral_guest_get_state_icon (self->guest));

  update_os (self);
  if (ip != NULL)
    gtk_label_set_label (self->ip_label, ip);
  else if (corral_guest_state_is_active (state))
    gtk_label_set_label (self->ip_label, _("Not known yet"));
  else
    gtk_label_set_label (self->ip_label, _("None while the guest is not running"));
  gtk_widget_set_visible (self->ip_copy_button, ip != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "guest.copy-ip", ip != NULL);
  update_ssh (self);
  gtk_label_set_label (self->connection_label,
                       connection != NULL ? corral_connection_get_title (connection) : "");
  gtk_label_set_label (self->uuid_label, corral_guest_get_uuid (self->guest));

  for (guint i = 0; i < G_N_ELEMENTS (action_names); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), action_names[i].name,
                                   corral_guest_is_action_allowed (self->guest, action_names[i].action));

  /* One order whatever the state, the primary action first (Start or Shut Down, then Resume or
   * Pause, then Console, then the menu); of each pair only the one that applies is shown, and nothing
   * is shown disabled only to say it does not apply (issue 19, point 13). */
  gtk_widget_set_visible (self->start_button, !corral_guest_state_is_active (state));
  gtk_widget_set_visible (self->shutdown_button, corral_guest_state_is_active (state));
  gtk_widget_set_visible (self->resume_button, state == CORRAL_GUEST_STATE_PAUSED);
  gtk_widget_set_visible (self->pause_button, corral_guest_state_is_active (state)
                                              && state != CORRAL_GUEST_STATE_PAUSED);
  gtk_widget_set_visible (self->more_button,
                          corral_guest_is_action_allowed (self->guest, CORRAL_GUEST_ACTION_REBOOT)
                          || corral_guest_is_action_allowed (self->guest, CORRAL_GUEST_ACTION_FORCE_OFF));
}

/* --- details loaded on demand --- */

static void load_details (CorralGuestDetail *self);

static gboolean
address_retry_cb (gpointer user_data)
{
  CorralGuestDetail *self = user_data;

  self->address_source = 0;
  load_details (self);
  return G_SOURCE_REMOVE;
}

static void
load_details_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CorralGuest *guest = CORRAL_GUEST (object);
  CorralGuestDetail *self;
  g_autoptr(GError) error = NULL;

  if (!corral_guest_load_details_finish (guest, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Could not read details of %s: %s", corral_guest_get_name (guest), error->message);
    }

  self = user_data;
  if (self->guest != guest)
    return;

  if (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING &&
      corral_guest_get_ip_address (guest) == NULL &&
      self->address_tries++ < ADDRESS_RETRY_COUNT &&
      self->address_source == 0)
    self->address_source = g_timeout_add (ADDRESS_RETRY_MS, address_retry_cb, self);
}

static void
load_details (CorralGuestDetail *self)
{
  if (self->guest == NULL || corral_guest_get_domain (self->guest) == NULL)
    return;
  corral_guest_load_details_async (self->guest, self->cancellable, load_details_cb, self);
}

static void
guest_notify_cb (CorralGuestDetail *self,
                 GParamSpec        *pspec,
                 CorralGuest       *guest)
{
  update (self);
}

static void
guest_state_cb (CorralGuestDetail *self,
                GParamSpec        *pspec,
                CorralGuest       *guest)
{
  g_clear_handle_id (&self->address_source, g_source_remove);
  self->address_tries = 0;
  if (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING)
    load_details (self);
}

/* --- actions --- */

static void
action_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CorralGuestDetail) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!corral_guest_run_action_finish (CORRAL_GUEST (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_toast (self, error->message);
}

static void
run_action (CorralGuestDetail *self,
            CorralGuestAction  action)
{
  if (self->guest == NULL)
    return;
  corral_guest_run_action_async (self->guest, action, self->cancellable, action_done_cb, g_object_ref (self));
}

static void
simple_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CorralGuestDetail *self = CORRAL_GUEST_DETAIL (widget);

  for (guint i = 0; i < G_N_ELEMENTS (action_names); i++)
    if (g_str_equal (action_names[i].name, action_name))
      run_action (self, action_names[i].action);
}

static void
force_off_response_cb (CorralGuestDetail *self,
                       const char        *response,
                       AdwMessageDialog  *dialog)
{
  if (g_strcmp0 (response, "force-off") == 0)
    run_action (self, CORRAL_GUEST_ACTION_FORCE_OFF);
}

static void
force_off_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CorralGuestDetail *self = CORRAL_GUEST_DETAIL (widget);
  GtkWidget *dialog;

  if (self->guest == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Force Off “%s”?"),
                                     corral_guest_get_name (self->guest));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("The guest is turned off at once, like pulling its power plug. "
                                 "Work not saved inside the guest is lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "force-off", _("_Force Off"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "force-off",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (force_off_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  CorralGuestDetail *self;
  CorralGuest       *guest;
  GtkCheckButton    *storage_check;
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->guest);
  g_free (data);
}

static void
delete_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CorralGuestDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!corral_guest_delete_finish (CORRAL_GUEST (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }
  message = g_strdup_printf (_("“%s” was deleted"), corral_guest_get_name (CORRAL_GUEST (object)));
  show_toast (self, message);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    DeleteData       *data)
{
  gboolean with_storage;

  if (g_strcmp0 (response, "delete") != 0)
    return;

  with_storage = data->storage_check != NULL && gtk_check_button_get_active (data->storage_check);
  /* Not cancelled with the page: a deletion the user confirmed runs to its end. */
  corral_guest_delete_async (data->guest, with_storage, NULL, delete_done_cb, g_object_ref (data->self));
}

static void
delete_disks_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CorralGuestDetail) self = user_data;
  CorralGuest *guest = CORRAL_GUEST (object);
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog, *box;
  DeleteData *data;
  guint volumes = 0;

  disks = corral_guest_list_disks_finish (guest, result, &error);
  if (disks == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }
  if (self->guest != guest)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"),
                                     corral_guest_get_name (guest));
  g_string_append (body, _("The guest is removed from this connection for good."));
  if (corral_guest_state_is_active (corral_guest_get_state (guest)))
    g_string_append_printf (body, " %s", _("The guest is running and will be forced off first."));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body->str);

  data = g_new0 (DeleteData, 1);
  data->self = g_object_ref (self);
  data->guest = g_object_ref (guest);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  for (guint i = 0; i < disks->len; i++)
    if (((CorralGuestDisk *) g_ptr_array_index (disks, i))->is_volume)
      volumes++;

  if (volumes > 0)
    {
      GtkWidget *check = gtk_check_button_new_with_mnemonic (_("Also delete the guest’s _storage"));
      gtk_box_append (GTK_BOX (box), check);
      data->storage_check = GTK_CHECK_BUTTON (check);
    }
  for (guint i = 0; i < disks->len; i++)
    {
      CorralGuestDisk *disk = g_ptr_array_index (disks, i);
      g_autofree char *text = NULL;
      GtkWidget *label;

      if (disk->is_volume)
        text = g_strdup_printf ("%s", disk->path);
      else
        /* Translators: a disk that Corral will not delete, e.g. "/dev/sdb (kept: not a libvirt volume)" */
        text = g_strdup_printf (_("%s (kept: not a libvirt storage volume)"), disk->path);
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_set_margin_start (label, 24);
      gtk_box_append (GTK_BOX (box), label);
    }
  if (disks->len > 0)
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  else
    g_object_ref_sink (box), g_object_unref (box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (delete_response_cb), data,
                         (GClosureNotify) delete_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CorralGuestDetail *self = CORRAL_GUEST_DETAIL (widget);

  if (self->guest == NULL)
    return;
  /* List the disks first, so the question names exactly what would go. */
  corral_guest_list_disks_async (self->guest, self->cancellable, delete_disks_cb, g_object_ref (self));
}

static void
forwards_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CorralGuestDetail *self = CORRAL_GUEST_DETAIL (widget);
  CorralForwardsDialog *dialog;

  if (self->guest == NULL)
    return;
  dialog = corral_forwards_dialog_new (self->guest, NULL);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (widget)));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
clone_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CorralGuestDetail *self = CORRAL_GUEST_DETAIL (widget);
  CorralCloneDialog *dialog;

  if (self->guest == NULL)
    return;
  dialog = corral_clone_dialog_new (self->guest);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (widget)));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
copy_value (CorralGuestDetail *self,
            GtkLabel          *label,
            const char        *done)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), gtk_label_get_label (label));
  show_toast (self, done);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CorralGuestDetail *self = CORRAL_GUEST_DETAIL (widget);

  if (self->guest == NULL)
    return;
  if (g_str_equal (action_name, "guest.copy-ip"))
    copy_value (self, self->ip_label, _("IP address copied"));
  else if (g_str_equal (action_name, "guest.copy-ssh"))
    copy_value (self, self->ssh_label, _("SSH command copied"));
  else
    copy_value (self, self->uuid_label, _("UUID copied"));
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CorralGuestDetail *self = CORRAL_GUEST_DETAIL (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->hardware), "hardware.rename", NULL);
}

static void
show_console_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CorralGuestDetail *self = CORRAL_GUEST_DETAIL (widget);

  if (self->guest != NULL)
    g_signal_emit (self, signals[OPEN_CONSOLE], 0, self->guest);
}

/* --- GObject --- */

static void
corral_guest_detail_dispose (GObject *object)
{
  CorralGuestDetail *self = CORRAL_GUEST_DETAIL (object);

  corral_guest_detail_set_guest (self, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->forwards_reason, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CORRAL_TYPE_GUEST_DETAIL);

  G_OBJECT_CLASS (corral_guest_detail_parent_class)->dispose (object);
}

static void
corral_guest_detail_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CorralGuestDetail *self = CORRAL_GUEST_DETAIL (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_value_set_object (value, self->guest);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_guest_detail_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CorralGuestDetail *self = CORRAL_GUEST_DETAIL (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      corral_guest_detail_set_guest (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_guest_detail_class_init (CorralGuestDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = corral_guest_detail_dispose;
  object_class->get_property = corral_guest_detail_get_property;
  object_class->set_property = corral_guest_detail_set_property;

  properties[PROP_GUEST] = g_param_spec_object ("guest", NULL, NULL, CORRAL_TYPE_GUEST,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[OPEN_CONSOLE] = g_signal_new ("open-console", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, CORRAL_TYPE_GUEST);

  gtk_widget_class_install_action (widget_class, "guest.start", NULL, simple_action);
  gtk_widget_class_install_action (widget_class, "guest.shutdown", NULL, simple_action);
  gtk_widget_class_install_action (widget_class, "guest.reboot", NULL, simple_action);
  gtk_widget_class_install_action (widget_class, "guest.pause", NULL, simple_action);
  gtk_widget_class_install_action (widget_class, "guest.resume", NULL, simple_action);
  gtk_widget_class_install_action (widget_class, "guest.force-off", NULL, force_off_action);
  gtk_widget_class_install_action (widget_class, "guest.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "guest.show-console", NULL, show_console_action);
  gtk_widget_class_install_action (widget_class, "guest.forwards", NULL, forwards_action);
  gtk_widget_class_install_action (widget_class, "guest.clone", NULL, clone_action);
  gtk_widget_class_install_action (widget_class, "guest.copy-ip", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "guest.copy-uuid", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "guest.copy-ssh", NULL, copy_action);

  /* F2 anywhere on the page: to the name field of its hardware view. */
  gtk_widget_class_install_action (widget_class, "guest.rename", NULL, rename_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "guest.rename", NULL);

  g_type_ensure (CORRAL_TYPE_GUEST_HARDWARE);
  g_type_ensure (CORRAL_TYPE_GUEST_SNAPSHOTS);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/corralvm/Corral/corral-guest-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, scroller);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, state_image);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, name_label);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, state_label);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, start_button);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, shutdown_button);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, resume_button);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, pause_button);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, more_button);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, os_label);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, ip_label);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, ip_copy_button);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, ssh_row);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, ssh_label);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, ssh_copy_button);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, connection_label);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, uuid_label);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, hardware);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, snapshots);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, forwards_row);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestDetail, forwards_arrow);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
corral_guest_detail_init (CorralGuestDetail *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

CorralGuest *
corral_guest_detail_get_guest (CorralGuestDetail *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST_DETAIL (self), NULL);
  return self->guest;
}

void
corral_guest_detail_set_guest (CorralGuestDetail *self,
                               CorralGuest       *guest)
{
  g_return_if_fail (CORRAL_IS_GUEST_DETAIL (self));
  g_return_if_fail (guest == NULL || CORRAL_IS_GUEST (guest));

  if (self->guest == guest)
    return;

  g_clear_handle_id (&self->address_source, g_source_remove);
  self->address_tries = 0;
  g_clear_pointer (&self->forwards_reason, g_free);
  self->forwards_checked = FALSE;
  if (self->guest != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->guest, guest_notify_cb, self);
      g_signal_handlers_disconnect_by_func (self->guest, guest_state_cb, self);
    }
  g_set_object (&self->guest, guest);
  corral_guest_hardware_set_guest (self->hardware, guest);
  corral_guest_snapshots_set_guest (self->snapshots, guest);
  /* Another guest's page starts at its top: its name and buttons (issue 19, point 9). */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
  if (guest != NULL)
    {
      g_signal_connect_object (guest, "notify", G_CALLBACK (guest_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (guest, "notify::state", G_CALLBACK (guest_state_cb), self, G_CONNECT_SWAPPED);
      load_details (self);
      corral_forwards_check_guest_async (guest, self->cancellable, forwards_check_cb, self);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST]);
}
