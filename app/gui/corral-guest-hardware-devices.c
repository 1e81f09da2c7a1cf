/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hardware view's device rows: CD/DVD drives (insert, eject; the ISO readability check and
 * "Allow Access" as in the wizard), disks (their dialogs in -disks.c) and network cards (-nics.c).
 * Rows are rebuilt only when what libvirt has for them changed, so an open row or combo is not
 * swapped under the user. The host's pools, networks and volume groups come
 * from the wizard's queries. */
#define G_LOG_DOMAIN "corral-guest-hardware"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "corral-a11y.h"
#include "corral-connection.h"
#include "corral-guest-spec-access.h"
#include "corral-guest-hardware-private.h"

static char *
format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

GtkWindow *
_corral_guest_hardware_toplevel (CorralGuestHardware *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

CorralGuestDiskInfo *
_corral_guest_hardware_find_disk (CorralGuestHardware *self,
           const char          *target)
{
  GPtrArray *disks;

  if (self->config == NULL || target == NULL)
    return NULL;
  disks = corral_guest_config_get_disks (self->config);
  for (guint i = 0; i < disks->len; i++)
    if (g_strcmp0 (((CorralGuestDiskInfo *) g_ptr_array_index (disks, i))->target, target) == 0)
      return g_ptr_array_index (disks, i);
  return NULL;
}

CorralStoragePlace *
_corral_guest_hardware_find_pool (CorralGuestHardware *self,
           const char          *name)
{
  if (self->host == NULL || name == NULL)
    return NULL;
  for (guint i = 0; i < self->host->pools->len; i++)
    if (g_strcmp0 (((CorralStoragePlace *) g_ptr_array_index (self->host->pools, i))->name, name) == 0)
      return g_ptr_array_index (self->host->pools, i);
  return NULL;
}

GtkWidget *
_corral_guest_hardware_flat_button (const char *label,
                                    const char *icon_name,
                                    const char *tooltip,
                                    const char *action,
                                    const char *target)
{
  GtkWidget *button = label != NULL ? gtk_button_new_with_mnemonic (label)
                                    : gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  if (tooltip != NULL)
    {
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
    }
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
  return button;
}

void
_corral_guest_hardware_add_row (CorralGuestHardware *self,
                                AdwPreferencesGroup *group,
                                GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->device_rows, row);
}

void
_corral_guest_hardware_clear_devices (CorralGuestHardware *self)
{
  if (self->device_rows == NULL)
    return;
  for (guint i = 0; i < self->device_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->device_rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->device_rows, 0);
  g_clear_pointer (&self->devices_signature, g_free);
}

/* --- rows --- */

static void
add_cdrom_row (CorralGuestHardware *self,
               CorralGuestDiskInfo *disk)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_strdup_printf (_("Drive %s"), disk->target);
  g_autofree char *insert_tip = g_strdup_printf (_("Insert an ISO image into drive %s"), disk->target);
  g_autofree char *eject_tip = g_strdup_printf (_("Eject the medium of drive %s"), disk->target);
  g_autoptr(GString) subtitle = g_string_new (disk->source != NULL ? disk->source : _("Empty"));
  GtkWidget *eject;

  if (disk->pending)
    g_string_append_printf (subtitle, "\n%s", _("Applies when the guest restarts"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             _corral_guest_hardware_flat_button (_("_Insert…"), NULL, insert_tip,
                                                                 "hardware.cdrom-insert", disk->target));
  /* An empty drive has nothing to eject: no action, so that the button stays insensitive. */
  eject = _corral_guest_hardware_flat_button (NULL, "media-eject-symbolic", eject_tip,
                                              disk->source != NULL ? "hardware.cdrom-eject" : NULL,
                                              disk->target);
  gtk_widget_set_sensitive (eject, disk->source != NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), eject);
  gtk_widget_set_name (row, disk->target);
  _corral_guest_hardware_add_row (self, self->cdrom_group, row);
}

static void
add_disk_row (CorralGuestHardware *self,
              CorralGuestDiskInfo *disk)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_strdup_printf (_("Disk %s"), disk->target);
  g_autofree char *grow_tip = g_strdup_printf (_("Grow disk %s"), disk->target);
  g_autofree char *remove_tip = g_strdup_printf (_("Remove disk %s"), disk->target);
  g_autoptr(GString) subtitle = g_string_new (NULL);

  if (disk->capacity > 0)
    {
      g_autofree char *size = format_size (disk->capacity);

      g_string_append_printf (subtitle, "%s · ", size);
    }
  if (disk->pool != NULL && disk->volume != NULL)
    /* Translators: a disk's storage, e.g. "Volume guest.qcow2 in pool default" */
    g_string_append_printf (subtitle, _("Volume %s in pool %s"), disk->volume, disk->pool);
  else if (disk->lvm_group != NULL && disk->lvm_name != NULL)
    g_string_append_printf (subtitle, _("Logical volume %s in volume group %s"), disk->lvm_name,
                            disk->lvm_group);
  else
    g_string_append (subtitle, disk->source != NULL ? disk->source : _("No storage"));
  if (disk->pending)
    g_string_append_printf (subtitle, "\n%s", _("Applies when the guest restarts"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             _corral_guest_hardware_flat_button (_("_Grow…"), NULL, grow_tip,
                                                                 "hardware.disk-grow", disk->target));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             _corral_guest_hardware_flat_button (NULL, "user-trash-symbolic", remove_tip,
                                                                 "hardware.disk-remove", disk->target));
  gtk_widget_set_name (row, disk->target);
  _corral_guest_hardware_add_row (self, self->disks_group, row);
}

static char *
devices_signature (CorralGuestHardware *self)
{
  GString *s = g_string_new (NULL);
  GPtrArray *disks = corral_guest_config_get_disks (self->config);
  GPtrArray *nics = corral_guest_config_get_nics (self->config);

  for (guint i = 0; i < disks->len; i++)
    {
      CorralGuestDiskInfo *d = g_ptr_array_index (disks, i);

      g_string_append_printf (s, "d%s|%s|%d|%s|%s|%s|%s|%s|%" G_GUINT64_FORMAT "|%d;", d->target, d->bus,
                              d->is_cdrom, d->source, d->pool, d->volume, d->lvm_group, d->lvm_name,
                              d->capacity, d->pending);
    }
  for (guint i = 0; i < nics->len; i++)
    {
      CorralGuestNicInfo *n = g_ptr_array_index (nics, i);

      g_string_append_printf (s, "n%s|%s|%s|%s|%d;", n->mac, n->type, n->source, n->model, n->pending);
    }
  return g_string_free (s, FALSE);
}

void
_corral_guest_hardware_update_devices (CorralGuestHardware *self,
                                       gboolean             force)
{
  g_autofree char *signature = NULL;
  GPtrArray *disks, *nics;
  gboolean had_cdrom = FALSE;
  gboolean was_updating = self->updating;

  if (self->config == NULL)
    {
      _corral_guest_hardware_clear_devices (self);
      return;
    }
  signature = devices_signature (self);
  if (!force && g_strcmp0 (signature, self->devices_signature) == 0)
    return;
  _corral_guest_hardware_clear_devices (self);
  self->devices_signature = g_steal_pointer (&signature);

  self->updating = TRUE;
  disks = corral_guest_config_get_disks (self->config);
  for (guint i = 0; i < disks->len; i++)
    {
      CorralGuestDiskInfo *disk = g_ptr_array_index (disks, i);

      if (disk->is_cdrom)
        {
          add_cdrom_row (self, disk);
          had_cdrom = TRUE;
        }
      else
        add_disk_row (self, disk);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->cdrom_group), had_cdrom);
  nics = corral_guest_config_get_nics (self->config);
  for (guint i = 0; i < nics->len; i++)
    _corral_guest_hardware_add_nic_row (self, g_ptr_array_index (nics, i));
  if (nics->len == 0)
    adw_preferences_group_set_description (self->nics_group, _("The guest has no network card."));
  else
    adw_preferences_group_set_description (self->nics_group, NULL);
  /* the rows just made: one accessible name per button, as everywhere else */
  corral_a11y_fix_names (GTK_WIDGET (self));
  self->updating = was_updating;
}

/* --- CD/DVD --- */

static void
insert_media (CorralGuestHardware *self,
              const char          *target,
              const char          *path)
{
  g_autoptr(CorralGuestEdit) edit = corral_guest_edit_new ();
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *message = g_strdup_printf (_("%s inserted"), base);

  corral_guest_edit_set_cdrom_media (edit, target, path);
  _corral_guest_hardware_apply (self, edit, self->cdrom_error, message);
}

typedef struct
{
  CorralGuestHardware *self;
  char                *target;
  char                *path;
} MediaData;

static void
media_data_free (MediaData *data)
{
  g_clear_object (&data->self);
  g_free (data->target);
  g_free (data->path);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaData, media_data_free)

static void
access_granted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MediaData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!corral_guest_spec_access_grant_finish (result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Access could not be allowed: %s"), error->message);
      _corral_guest_hardware_show_error (data->self, data->self->cdrom_error, message);
      return;
    }
  insert_media (data->self, data->target, data->path);
}

static void
access_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    MediaData        *data)
{
  MediaData *copy;

  if (g_strcmp0 (response, "allow") != 0)
    return;
  copy = g_new0 (MediaData, 1);
  copy->self = g_object_ref (data->self);
  copy->target = g_strdup (data->target);
  copy->path = g_strdup (data->path);
  corral_guest_spec_access_grant_async (data->path, CORRAL_QEMU_USER, data->self->guest_cancellable,
                                        access_granted_cb, copy);
}

static void
access_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MediaData) data = user_data;
  CorralGuestHardware *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) blockers = corral_guest_spec_access_blockers_finish (result, &error);
  g_autofree char *message = NULL;
  GtkWidget *dialog;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* As in the wizard: a failed check does not stop the user; libvirt will say. */
  if (blockers == NULL || blockers->len == 0)
    {
      insert_media (self, data->target, data->path);
      return;
    }
  message = corral_guest_spec_access_describe (data->path, CORRAL_QEMU_USER, blockers);
  dialog = adw_message_dialog_new (_corral_guest_hardware_toplevel (self),
                                   _("The virtual machine cannot read this file"), message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "allow", _("_Allow Access"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "allow", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "allow");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (access_response_cb), g_steal_pointer (&data),
                         (GClosureNotify) media_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Inserts @path into drive @target, first checking (local system connection) that QEMU may read it. */
static void
choose_media (CorralGuestHardware *self,
              const char          *target,
              const char          *path)
{
  CorralConnection *connection = self->guest != NULL ? corral_guest_get_connection (self->guest) : NULL;
  MediaData *data;

  _corral_guest_hardware_show_error (self, self->cdrom_error, NULL);
  if (connection == NULL || !corral_connection_is_system (connection)
      || !corral_connection_is_local (connection))
    {
      insert_media (self, target, path);
      return;
    }
  data = g_new0 (MediaData, 1);
  data->self = g_object_ref (self);
  data->target = g_strdup (target);
  data->path = g_strdup (path);
  corral_guest_spec_access_blockers_async (path, CORRAL_QEMU_USER, self->guest_cancellable,
                                           access_checked_cb, data);
}

static void
chooser_response_cb (CorralGuestHardware *self,
                     int                  response,
                     GtkNativeDialog     *chooser)
{
  const char *target = g_object_get_data (G_OBJECT (chooser), "corral-target");

  if (response == GTK_RESPONSE_ACCEPT && self->guest != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        choose_media (self, target, path);
    }
  g_clear_object (&self->chooser);
}

static void
cdrom_insert_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (widget);
  const char *target = g_variant_get_string (parameter, NULL);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL || _corral_guest_hardware_find_disk (self, target) == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Insert an ISO Image"), _corral_guest_hardware_toplevel (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Insert"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("ISO images"));
  gtk_file_filter_add_mime_type (filter, "application/x-cd-image");
  gtk_file_filter_add_suffix (filter, "iso");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_set_data_full (G_OBJECT (chooser), "corral-target", g_strdup (target), g_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

/* Tests: what the file chooser would give (it cannot be driven under Xvfb without a portal). */
static void
cdrom_insert_path_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  const char *target = NULL, *path = NULL;

  g_variant_get (parameter, "(&s&s)", &target, &path);
  choose_media (CORRAL_GUEST_HARDWARE (widget), target, path);
}

static void
cdrom_eject_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (widget);
  g_autoptr(CorralGuestEdit) edit = corral_guest_edit_new ();

  _corral_guest_hardware_show_error (self, self->cdrom_error, NULL);
  corral_guest_edit_set_cdrom_media (edit, g_variant_get_string (parameter, NULL), NULL);
  _corral_guest_hardware_apply (self, edit, self->cdrom_error, _("Ejected"));
}

/* --- the host --- */

static void
host_info_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CorralGuestHardware *self;
  g_autoptr(GError) error = NULL;
  CorralHostInfo *info = corral_host_info_query_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_GUEST_HARDWARE (user_data);
  if (info == NULL)
    {
      g_debug ("The host could not be asked: %s", error->message);
      return;
    }
  g_clear_pointer (&self->host, corral_host_info_free);
  self->host = info;
  /* The network combos list the host's networks now. */
  _corral_guest_hardware_update_devices (self, TRUE);
}

static void
volume_groups_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CorralGuestHardware *self;
  g_autoptr(GError) error = NULL;
  GPtrArray *groups;

  groups = corral_helper_client_list_volume_groups_finish (CORRAL_HELPER_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_GUEST_HARDWARE (user_data);
  g_clear_pointer (&self->volume_groups, g_ptr_array_unref);
  g_clear_pointer (&self->volume_groups_error, g_free);
  self->volume_groups = groups;
  if (groups == NULL)
    self->volume_groups_error = g_strdup (error->message);
}

/* The pools, networks and bridges (libvirt) and, for the local system connection, the volume groups
 * (corral-helper): the wizard's queries, cancelled when the guest changes. */
void
_corral_guest_hardware_query_host (CorralGuestHardware *self)
{
  CorralConnection *connection = corral_guest_get_connection (self->guest);

  if (connection == NULL || corral_connection_get_gvir (connection) == NULL)
    return;
  corral_host_info_query_async (connection, self->guest_cancellable, host_info_cb, self);
  if (corral_connection_is_system (connection) && corral_connection_is_local (connection))
    corral_helper_client_list_volume_groups_async (corral_helper_client_get_default (), self->guest_cancellable,
                                                   volume_groups_cb, self);
}

void
_corral_guest_hardware_class_init_devices (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "hardware.cdrom-insert", "s", cdrom_insert_action);
  gtk_widget_class_install_action (widget_class, "hardware.cdrom-insert-path", "(ss)", cdrom_insert_path_action);
  gtk_widget_class_install_action (widget_class, "hardware.cdrom-eject", "s", cdrom_eject_action);
}
