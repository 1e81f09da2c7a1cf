/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hardware view's device rows: CD/DVD drives (insert, eject; the ISO readability check and
 * "Allow Access" as in the wizard), disks (grow, remove, add: a new pool volume, a new LVM volume
 * through corral-helper, an existing path) and network cards (network or bridge, model, remove, add;
 * the MAC shown and copyable). Rows are rebuilt only when what libvirt has for them changed, so an
 * open row or combo is not swapped under the user. The host's pools, networks and volume groups come
 * from the wizard's queries. */
#define G_LOG_DOMAIN "corral-guest-hardware"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "corral-connection.h"
#include "corral-guest-spec-access.h"
#include "corral-guest-hardware-private.h"

static const struct {
  const char *model;
  const char *label;
} nic_models[] = {
  { "virtio", N_("VirtIO (fastest)") },
  { "e1000e", N_("Intel e1000e") },
  { "rtl8139", N_("Realtek RTL8139") },
};

static char *
format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static GtkWindow *
toplevel (CorralGuestHardware *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static CorralGuestDiskInfo *
find_disk (CorralGuestHardware *self,
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

static CorralGuestNicInfo *
find_nic (CorralGuestHardware *self,
          const char          *mac)
{
  GPtrArray *nics;

  if (self->config == NULL || mac == NULL)
    return NULL;
  nics = corral_guest_config_get_nics (self->config);
  for (guint i = 0; i < nics->len; i++)
    if (g_ascii_strcasecmp (((CorralGuestNicInfo *) g_ptr_array_index (nics, i))->mac, mac) == 0)
      return g_ptr_array_index (nics, i);
  return NULL;
}

static CorralStoragePlace *
find_pool (CorralGuestHardware *self,
           const char          *name)
{
  if (self->host == NULL || name == NULL)
    return NULL;
  for (guint i = 0; i < self->host->pools->len; i++)
    if (g_strcmp0 (((CorralStoragePlace *) g_ptr_array_index (self->host->pools, i))->name, name) == 0)
      return g_ptr_array_index (self->host->pools, i);
  return NULL;
}

/* The storage a disk lives in, named as a person would look for it; NULL for a plain file. */
static char *
disk_storage_name (CorralGuestDiskInfo *disk)
{
  if (disk->pool != NULL && disk->volume != NULL)
    return g_strdup_printf ("%s/%s", disk->pool, disk->volume);
  if (disk->lvm_group != NULL && disk->lvm_name != NULL)
    return g_strdup_printf ("%s/%s", disk->lvm_group, disk->lvm_name);
  return NULL;
}

static char *
nic_source_label (const char *type,
                  const char *source)
{
  if (g_strcmp0 (type, "network") == 0)
    return g_strdup_printf (_("Network “%s”"), source);
  if (g_strcmp0 (type, "bridge") == 0)
    return g_strdup_printf (_("Bridge %s"), source);
  return g_strdup_printf ("%s %s", type != NULL ? type : "", source != NULL ? source : "");
}

static GtkWidget *
flat_button (const char *label,
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

static void
add_row (CorralGuestHardware *self,
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
                             flat_button (_("_Insert…"), NULL, insert_tip, "hardware.cdrom-insert",
                                          disk->target));
  /* An empty drive has nothing to eject: no action, so that the button stays insensitive. */
  eject = flat_button (NULL, "media-eject-symbolic", eject_tip,
                       disk->source != NULL ? "hardware.cdrom-eject" : NULL, disk->target);
  gtk_widget_set_sensitive (eject, disk->source != NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), eject);
  gtk_widget_set_name (row, disk->target);
  add_row (self, self->cdrom_group, row);
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
                             flat_button (_("_Grow…"), NULL, grow_tip, "hardware.disk-grow", disk->target));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             flat_button (NULL, "user-trash-symbolic", remove_tip, "hardware.disk-remove",
                                          disk->target));
  gtk_widget_set_name (row, disk->target);
  add_row (self, self->disks_group, row);
}

static void nic_source_selected_cb (AdwComboRow *combo, GParamSpec *pspec, CorralGuestHardware *self);
static void nic_model_selected_cb (AdwComboRow *combo, GParamSpec *pspec, CorralGuestHardware *self);

/* A combo row whose items stand for @values (strings, in order), with @current selected. */
static GtkWidget *
value_combo (const char  *title,
             GPtrArray   *labels,
             GPtrArray   *values,
             const char  *current,
             const char  *mac)
{
  GtkWidget *combo = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  GStrv copy = g_new0 (char *, values->len + 1);
  guint selected = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < values->len; i++)
    {
      gtk_string_list_append (model, g_ptr_array_index (labels, i));
      copy[i] = g_strdup (g_ptr_array_index (values, i));
      if (g_strcmp0 (copy[i], current) == 0)
        selected = i;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), selected);
  g_object_set_data_full (G_OBJECT (combo), "corral-values", copy, (GDestroyNotify) g_strfreev);
  g_object_set_data_full (G_OBJECT (combo), "corral-mac", g_strdup (mac), g_free);
  return combo;
}

static void
add_nic_row (CorralGuestHardware *self,
             CorralGuestNicInfo  *nic)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *mac_row = adw_action_row_new ();
  GtkWidget *mac_label = gtk_label_new (nic->mac);
  GtkWidget *combo;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *title = nic_source_label (nic->type, nic->source);
  g_autofree char *current = g_strdup_printf ("%s\t%s", nic->type, nic->source);
  g_autofree char *copy_tip = g_strdup_printf (_("Copy the MAC address %s"), nic->mac);
  g_autofree char *remove_tip = g_strdup_printf (_("Remove the network card %s"), nic->mac);
  g_autoptr(GString) subtitle = g_string_new (nic->mac);
  gboolean listed = FALSE;

  if (nic->model != NULL)
    g_string_append_printf (subtitle, " · %s", nic->model);
  if (nic->pending)
    g_string_append_printf (subtitle, "\n%s", _("Applies when the guest restarts"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle->str);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                               flat_button (NULL, "user-trash-symbolic", remove_tip, "hardware.nic-remove",
                                            nic->mac));
  gtk_widget_set_name (row, nic->mac);

  /* The MAC: selectable, with a copy button (issue 19, point 7). */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (mac_row), _("MAC Address"));
  gtk_label_set_selectable (GTK_LABEL (mac_label), TRUE);
  gtk_widget_set_focusable (mac_label, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (mac_row), mac_label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (mac_row),
                             flat_button (NULL, "edit-copy-symbolic", copy_tip, "hardware.copy-mac", nic->mac));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), mac_row);

  /* Where it is plugged in: the host's networks and bridges. */
  if (self->host != NULL)
    {
      for (guint i = 0; i < self->host->networks->len; i++)
        {
          const char *name = g_ptr_array_index (self->host->networks, i);

          g_ptr_array_add (labels, nic_source_label ("network", name));
          g_ptr_array_add (values, g_strdup_printf ("network\t%s", name));
        }
      for (guint i = 0; i < self->host->bridges->len; i++)
        {
          const char *name = g_ptr_array_index (self->host->bridges, i);

          g_ptr_array_add (labels, nic_source_label ("bridge", name));
          g_ptr_array_add (values, g_strdup_printf ("bridge\t%s", name));
        }
    }
  for (guint i = 0; i < values->len; i++)
    listed |= g_str_equal (g_ptr_array_index (values, i), current);
  if (!listed)
    {
      g_ptr_array_insert (labels, 0, g_strdup (title));
      g_ptr_array_insert (values, 0, g_strdup (current));
    }
  combo = value_combo (_("Connected To"), labels, values, current, nic->mac);
  g_signal_connect_object (combo, "notify::selected", G_CALLBACK (nic_source_selected_cb), self, 0);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), combo);

  g_ptr_array_set_size (labels, 0);
  g_ptr_array_set_size (values, 0);
  listed = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (nic_models); i++)
    {
      g_ptr_array_add (labels, g_strdup (_(nic_models[i].label)));
      g_ptr_array_add (values, g_strdup (nic_models[i].model));
      listed |= g_strcmp0 (nic->model, nic_models[i].model) == 0;
    }
  if (!listed && nic->model != NULL)
    {
      g_ptr_array_add (labels, g_strdup (nic->model));
      g_ptr_array_add (values, g_strdup (nic->model));
    }
  combo = value_combo (_("Model"), labels, values, nic->model, nic->mac);
  g_signal_connect_object (combo, "notify::selected", G_CALLBACK (nic_model_selected_cb), self, 0);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), combo);

  add_row (self, self->nics_group, row);
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
    add_nic_row (self, g_ptr_array_index (nics, i));
  if (nics->len == 0)
    adw_preferences_group_set_description (self->nics_group, _("The guest has no network card."));
  else
    adw_preferences_group_set_description (self->nics_group, NULL);
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
  dialog = adw_message_dialog_new (toplevel (self), _("The virtual machine cannot read this file"), message);
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
  if (connection == NULL || !corral_connection_is_system (connection) || !corral_connection_is_local (connection))
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

  if (self->chooser != NULL || find_disk (self, target) == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Insert an ISO Image"), toplevel (self), GTK_FILE_CHOOSER_ACTION_OPEN,
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

/* --- disks --- */

typedef struct
{
  CorralGuestHardware *self;
  char                *target;
  guint64              current;
  GtkSpinButton       *spin;
  GtkCheckButton      *storage_check;
} DiskData;

static void
disk_data_free (DiskData *data)
{
  g_clear_object (&data->self);
  g_free (data->target);
  g_free (data);
}

static GtkWidget *
size_box (GtkSpinButton **spin_out,
          double          lower,
          double          upper,
          double          value,
          const char     *accessible_label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, 0.1);
  GtkWidget *unit = gtk_label_new (_("GiB"));

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 1);
  gtk_spin_button_set_increments (GTK_SPIN_BUTTON (spin), 1, 10);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), spin);
  gtk_box_append (GTK_BOX (box), unit);
  *spin_out = GTK_SPIN_BUTTON (spin);
  return box;
}

static guint64
spin_bytes (GtkSpinButton *spin)
{
  gtk_spin_button_update (spin);
  return (guint64) round (gtk_spin_button_get_value (spin) * 1024) * MiB;
}

static void
grow_value_cb (GtkSpinButton    *spin,
               AdwMessageDialog *dialog)
{
  DiskData *data = g_object_get_data (G_OBJECT (dialog), "corral-data");

  adw_message_dialog_set_response_enabled (dialog, "grow", spin_bytes (spin) > data->current);
}

static void
grow_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  DiskData         *data)
{
  g_autoptr(CorralGuestEdit) edit = NULL;
  g_autofree char *message = NULL;
  g_autofree char *size = NULL;
  guint64 bytes = spin_bytes (data->spin);

  if (g_strcmp0 (response, "grow") != 0 || bytes <= data->current)
    return;
  size = format_size (bytes);
  message = g_strdup_printf (_("Disk %s now has %s"), data->target, size);
  edit = corral_guest_edit_new ();
  corral_guest_edit_resize_disk (edit, data->target, bytes);
  _corral_guest_hardware_show_error (data->self, data->self->disks_error, NULL);
  _corral_guest_hardware_apply (data->self, edit, data->self->disks_error, message);
}

static void
disk_grow_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (widget);
  CorralGuestDiskInfo *disk = find_disk (self, g_variant_get_string (parameter, NULL));
  CorralStoragePlace *pool;
  g_autofree char *heading = NULL;
  g_autofree char *size = NULL;
  g_autofree char *body = NULL;
  g_autofree char *free_str = NULL;
  GtkWidget *dialog;
  DiskData *data;
  double current, upper;

  if (disk == NULL || disk->is_cdrom)
    return;
  data = g_new0 (DiskData, 1);
  data->self = g_object_ref (self);
  data->target = g_strdup (disk->target);
  data->current = disk->capacity;

  heading = g_strdup_printf (_("Grow Disk %s"), disk->target);
  size = format_size (disk->capacity);
  pool = find_pool (self, disk->pool);
  current = ceil ((double) disk->capacity / GiB * 10) / 10;
  upper = current + 4096;
  if (pool != NULL)
    {
      free_str = format_size (pool->available);
      upper = floor ((double) (disk->capacity + pool->available) / GiB * 10) / 10;
      body = g_strdup_printf (_("It has %s now, and its pool “%s” has %s free. A disk can only grow: "
                                "grow its partitions inside the guest afterwards."),
                              size, pool->name, free_str);
    }
  else
    body = g_strdup_printf (_("It has %s now. A disk can only grow: grow its partitions inside the "
                              "guest afterwards."), size);
  dialog = adw_message_dialog_new (toplevel (self), heading, body);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog),
                                      size_box (&data->spin, current, MAX (upper, current), current,
                                                _("New size in GiB")));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "grow", _("_Grow"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "grow", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "grow", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "grow");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "corral-data", data);
  g_signal_connect_object (data->spin, "value-changed", G_CALLBACK (grow_value_cb), dialog, 0);
  g_signal_connect_data (dialog, "response", G_CALLBACK (grow_response_cb), data,
                         (GClosureNotify) disk_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
remove_disk_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         DiskData         *data)
{
  g_autoptr(CorralGuestEdit) edit = NULL;
  g_autofree char *message = NULL;
  gboolean with_storage;

  if (g_strcmp0 (response, "remove") != 0)
    return;
  with_storage = data->storage_check != NULL && gtk_check_button_get_active (data->storage_check);
  edit = corral_guest_edit_new ();
  corral_guest_edit_remove_disk (edit, data->target, with_storage);
  message = g_strdup_printf (_("Disk %s was removed"), data->target);
  _corral_guest_hardware_show_error (data->self, data->self->disks_error, NULL);
  _corral_guest_hardware_apply (data->self, edit, data->self->disks_error, message);
}

static void
disk_remove_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (widget);
  CorralGuestDiskInfo *disk = find_disk (self, g_variant_get_string (parameter, NULL));
  g_autofree char *heading = NULL;
  g_autofree char *storage = NULL;
  GtkWidget *dialog;
  DiskData *data;
  const char *body;

  if (disk == NULL)
    return;
  data = g_new0 (DiskData, 1);
  data->self = g_object_ref (self);
  data->target = g_strdup (disk->target);

  heading = g_strdup_printf (_("Remove Disk %s?"), disk->target);
  body = _corral_guest_hardware_is_running (self)
         ? _("The guest loses this disk: at once where libvirt can unplug it, else when the guest restarts.")
         : _("The guest loses this disk.");
  dialog = adw_message_dialog_new (toplevel (self), heading, body);
  storage = disk_storage_name (disk);
  if (storage != NULL)
    {
      g_autofree char *label = g_strdup_printf (_("Also delete its _storage (%s)"), storage);
      GtkWidget *check = gtk_check_button_new_with_mnemonic (label);

      gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), check);
      data->storage_check = GTK_CHECK_BUTTON (check);
    }
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (remove_disk_response_cb), data,
                         (GClosureNotify) disk_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The Add Disk dialog: where the disk comes from, then the place and size, or the path. */
typedef struct
{
  CorralGuestHardware *self;
  GArray              *kinds;   /* CorralNewDiskKind, in kind_combo's order */
  AdwComboRow         *kind_combo;
  AdwComboRow         *pool_combo;
  AdwComboRow         *vg_combo;
  AdwActionRow        *size_row;
  GtkSpinButton       *size_spin;
  AdwEntryRow         *path_row;
  AdwMessageDialog    *dialog;
} AddDiskData;

static void
add_disk_data_free (AddDiskData *data)
{
  g_clear_object (&data->self);
  g_array_unref (data->kinds);
  g_free (data);
}

static CorralNewDiskKind
add_disk_kind (AddDiskData *data)
{
  guint pos = adw_combo_row_get_selected (data->kind_combo);

  return pos < data->kinds->len ? g_array_index (data->kinds, CorralNewDiskKind, pos)
                                : CORRAL_NEW_DISK_EXISTING;
}

static void
add_disk_update (AddDiskData *data)
{
  CorralNewDiskKind kind = add_disk_kind (data);
  const char *path = gtk_editable_get_text (GTK_EDITABLE (data->path_row));
  gboolean ok;

  gtk_widget_set_visible (GTK_WIDGET (data->pool_combo), kind == CORRAL_NEW_DISK_POOL_VOLUME);
  gtk_widget_set_visible (GTK_WIDGET (data->vg_combo), kind == CORRAL_NEW_DISK_LVM);
  gtk_widget_set_visible (GTK_WIDGET (data->size_row), kind != CORRAL_NEW_DISK_EXISTING);
  gtk_widget_set_visible (GTK_WIDGET (data->path_row), kind == CORRAL_NEW_DISK_EXISTING);
  switch (kind)
    {
    case CORRAL_NEW_DISK_POOL_VOLUME:
      ok = adw_combo_row_get_selected (data->pool_combo) != GTK_INVALID_LIST_POSITION;
      break;
    case CORRAL_NEW_DISK_LVM:
      ok = adw_combo_row_get_selected (data->vg_combo) != GTK_INVALID_LIST_POSITION;
      break;
    case CORRAL_NEW_DISK_EXISTING:
      ok = g_path_is_absolute (path);
      break;
    default:
      g_assert_not_reached ();
    }
  adw_message_dialog_set_response_enabled (data->dialog, "add", ok);
}

static void
add_disk_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      AddDiskData      *data)
{
  CorralGuestHardware *self = data->self;
  g_autoptr(CorralGuestEdit) edit = NULL;
  const char *location = NULL;
  guint pos;

  if (g_strcmp0 (response, "add") != 0)
    return;
  switch (add_disk_kind (data))
    {
    case CORRAL_NEW_DISK_POOL_VOLUME:
      pos = adw_combo_row_get_selected (data->pool_combo);
      if (self->host != NULL && pos < self->host->pools->len)
        location = ((CorralStoragePlace *) g_ptr_array_index (self->host->pools, pos))->name;
      break;
    case CORRAL_NEW_DISK_LVM:
      pos = adw_combo_row_get_selected (data->vg_combo);
      if (self->volume_groups != NULL && pos < self->volume_groups->len)
        location = ((CorralVolumeGroup *) g_ptr_array_index (self->volume_groups, pos))->name;
      break;
    case CORRAL_NEW_DISK_EXISTING:
      location = gtk_editable_get_text (GTK_EDITABLE (data->path_row));
      break;
    default:
      g_assert_not_reached ();
    }
  if (location == NULL)
    return;
  edit = corral_guest_edit_new ();
  corral_guest_edit_add_disk (edit, add_disk_kind (data), location, spin_bytes (data->size_spin));
  _corral_guest_hardware_show_error (self, self->disks_error, NULL);
  _corral_guest_hardware_apply (self, edit, self->disks_error, _("The disk was added"));
}

static void
add_disk_chooser_cb (AddDiskData     *data,
                     int              response,
                     GtkNativeDialog *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (data->path_row), path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
add_disk_browse_cb (GtkButton   *button,
                    AddDiskData *data)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose a Disk Image"), GTK_WINDOW (data->dialog),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  g_signal_connect_swapped (chooser, "response", G_CALLBACK (add_disk_chooser_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static GtkWidget *
place_combo (const char *title,
             GPtrArray  *labels)
{
  GtkWidget *combo = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; i < labels->len; i++)
    gtk_string_list_append (model, g_ptr_array_index (labels, i));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (model));
  return combo;
}

static void
add_disk_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (widget);
  g_autoptr(GPtrArray) kind_labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GtkStringList) kind_model = gtk_string_list_new (NULL);
  GtkWidget *dialog, *group, *browse;
  AddDiskData *data;
  CorralNewDiskKind kind;
  guint default_pool = 0;

  if (self->config == NULL)
    return;
  data = g_new0 (AddDiskData, 1);
  data->self = g_object_ref (self);
  data->kinds = g_array_new (FALSE, FALSE, sizeof (CorralNewDiskKind));
  if (self->host != NULL && self->host->pools->len > 0)
    {
      kind = CORRAL_NEW_DISK_POOL_VOLUME;
      g_array_append_val (data->kinds, kind);
      gtk_string_list_append (kind_model, _("New volume in a pool"));
    }
  if (self->volume_groups != NULL && self->volume_groups->len > 0)
    {
      kind = CORRAL_NEW_DISK_LVM;
      g_array_append_val (data->kinds, kind);
      gtk_string_list_append (kind_model, _("New LVM volume"));
    }
  kind = CORRAL_NEW_DISK_EXISTING;
  g_array_append_val (data->kinds, kind);
  gtk_string_list_append (kind_model, _("Existing file or device"));

  dialog = adw_message_dialog_new (toplevel (self), _("Add Disk"),
                                   _corral_guest_hardware_is_running (self)
                                   ? _("A virtio disk is plugged into the running guest at once; "
                                       "others are added when it restarts.")
                                   : NULL);
  data->dialog = ADW_MESSAGE_DIALOG (dialog);
  group = adw_preferences_group_new ();
  gtk_widget_set_size_request (group, 400, -1);

  data->kind_combo = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->kind_combo), _("Storage"));
  adw_combo_row_set_model (data->kind_combo, G_LIST_MODEL (kind_model));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (data->kind_combo));

  if (self->host != NULL)
    for (guint i = 0; i < self->host->pools->len; i++)
      {
        CorralStoragePlace *pool = g_ptr_array_index (self->host->pools, i);
        g_autofree char *free_str = format_size (pool->available);

        g_ptr_array_add (labels, g_strdup_printf (_("%s (%s free)"), pool->name, free_str));
        if (g_str_equal (pool->name, "default"))
          default_pool = i;
      }
  data->pool_combo = ADW_COMBO_ROW (place_combo (_("Pool"), labels));
  adw_combo_row_set_selected (data->pool_combo, labels->len > 0 ? default_pool : GTK_INVALID_LIST_POSITION);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (data->pool_combo));

  g_ptr_array_set_size (labels, 0);
  if (self->volume_groups != NULL)
    for (guint i = 0; i < self->volume_groups->len; i++)
      {
        CorralVolumeGroup *vg = g_ptr_array_index (self->volume_groups, i);
        g_autofree char *free_str = format_size (vg->free);

        g_ptr_array_add (labels, g_strdup_printf (_("%s (%s free)"), vg->name, free_str));
      }
  data->vg_combo = ADW_COMBO_ROW (place_combo (_("Volume Group"), labels));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (data->vg_combo));

  data->size_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->size_row), _("Size"));
  {
    GtkWidget *box = size_box (&data->size_spin, 0.1, 65536, 10, _("Size in GiB"));

    adw_action_row_add_suffix (data->size_row, box);
  }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (data->size_row));

  data->path_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->path_row), _("Path"));
  browse = gtk_button_new_from_icon_name ("document-open-symbolic");
  gtk_widget_set_valign (browse, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (browse, "flat");
  gtk_widget_set_tooltip_text (browse, _("Choose a file"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (browse), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose a file"), -1);
  g_signal_connect (browse, "clicked", G_CALLBACK (add_disk_browse_cb), data);
  adw_entry_row_add_suffix (data->path_row, browse);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (data->path_row));

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), group);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_swapped (data->kind_combo, "notify::selected", G_CALLBACK (add_disk_update), data);
  g_signal_connect_swapped (data->pool_combo, "notify::selected", G_CALLBACK (add_disk_update), data);
  g_signal_connect_swapped (data->vg_combo, "notify::selected", G_CALLBACK (add_disk_update), data);
  g_signal_connect_swapped (data->path_row, "changed", G_CALLBACK (add_disk_update), data);
  add_disk_update (data);
  g_signal_connect_data (dialog, "response", G_CALLBACK (add_disk_response_cb), data,
                         (GClosureNotify) add_disk_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- network cards --- */

typedef struct
{
  CorralGuestHardware *self;
  char                *mac;
  char                *type;
  char                *source;
  char                *model;
  gboolean             remove;
} NicData;

static void
nic_data_free (NicData *data)
{
  g_clear_object (&data->self);
  g_free (data->mac);
  g_free (data->type);
  g_free (data->source);
  g_free (data->model);
  g_free (data);
}

static void
nic_apply (NicData *data)
{
  g_autoptr(CorralGuestEdit) edit = corral_guest_edit_new ();

  if (data->remove)
    corral_guest_edit_remove_nic (edit, data->mac);
  else
    corral_guest_edit_change_nic (edit, data->mac, data->type, data->source, data->model);
  _corral_guest_hardware_show_error (data->self, data->self->nics_error, NULL);
  _corral_guest_hardware_apply (data->self, edit, data->self->nics_error,
                                data->remove ? _("The network card was removed") : NULL);
}

static void
nic_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 NicData          *data)
{
  if (g_strcmp0 (response, "go") == 0)
    nic_apply (data);
  else
    /* Not moved after all: the combo shows where the card is again. */
    _corral_guest_hardware_update_devices (data->self, TRUE);
}

/* Removing the card, or moving it off its NAT network, cuts the guest's port forwards off: ask first,
 * naming them. Other removals are asked too, without that line. */
static void
nic_ask (CorralGuestHardware *self,
         NicData             *data)
{
  CorralGuestNicInfo *nic = find_nic (self, data->mac);
  const char *forwards = self->guest != NULL ? corral_guest_get_forwards_summary (self->guest) : NULL;
  gboolean cuts_forwards = nic != NULL && forwards != NULL && g_strcmp0 (nic->type, "network") == 0;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *where = nic != NULL ? nic_source_label (nic->type, nic->source) : NULL;
  GtkWidget *dialog;

  if (!data->remove && !cuts_forwards)
    {
      nic_apply (data);
      nic_data_free (data);
      return;
    }
  if (data->remove)
    /* Translators: e.g. "The card 52:54:00:12:34:56 on Network “default” is taken out of the guest." */
    g_string_append_printf (body, _("The card %s on %s is taken out of the guest."), data->mac,
                            where != NULL ? where : "");
  if (cuts_forwards)
    {
      if (body->len > 0)
        g_string_append (body, "\n\n");
      g_string_append_printf (body, _("This guest’s port forwards (%s) reach it through this card’s "
                                      "network: they stop working."), forwards);
    }
  dialog = adw_message_dialog_new (toplevel (self),
                                   data->remove ? _("Remove the Network Card?") : _("Move the Network Card?"),
                                   body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "go", data->remove ? _("_Remove") : _("_Move"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "go", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (nic_response_cb), data,
                         (GClosureNotify) nic_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static NicData *
nic_data_new (CorralGuestHardware *self,
              CorralGuestNicInfo  *nic)
{
  NicData *data = g_new0 (NicData, 1);

  data->self = g_object_ref (self);
  data->mac = g_strdup (nic->mac);
  data->type = g_strdup (nic->type);
  data->source = g_strdup (nic->source);
  data->model = g_strdup (nic->model);
  return data;
}

static const char *
combo_value (AdwComboRow *combo)
{
  GStrv values = g_object_get_data (G_OBJECT (combo), "corral-values");
  guint pos = adw_combo_row_get_selected (combo);

  return values != NULL && pos < g_strv_length (values) ? values[pos] : NULL;
}

static void
nic_source_selected_cb (AdwComboRow         *combo,
                        GParamSpec          *pspec,
                        CorralGuestHardware *self)
{
  CorralGuestNicInfo *nic = find_nic (self, g_object_get_data (G_OBJECT (combo), "corral-mac"));
  const char *value = combo_value (combo);
  g_auto(GStrv) parts = NULL;
  NicData *data;

  if (self->updating || nic == NULL || value == NULL)
    return;
  parts = g_strsplit (value, "\t", 2);
  if (g_strv_length (parts) != 2 || (g_strcmp0 (parts[0], nic->type) == 0 && g_strcmp0 (parts[1], nic->source) == 0))
    return;
  data = nic_data_new (self, nic);
  g_free (data->type);
  g_free (data->source);
  data->type = g_strdup (parts[0]);
  data->source = g_strdup (parts[1]);
  nic_ask (self, data);
}

static void
nic_model_selected_cb (AdwComboRow         *combo,
                       GParamSpec          *pspec,
                       CorralGuestHardware *self)
{
  CorralGuestNicInfo *nic = find_nic (self, g_object_get_data (G_OBJECT (combo), "corral-mac"));
  const char *value = combo_value (combo);
  NicData *data;

  if (self->updating || nic == NULL || value == NULL || g_strcmp0 (value, nic->model) == 0)
    return;
  data = nic_data_new (self, nic);
  g_free (data->model);
  data->model = g_strdup (value);
  nic_apply (data);
  nic_data_free (data);
}

static void
nic_remove_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (widget);
  CorralGuestNicInfo *nic = find_nic (self, g_variant_get_string (parameter, NULL));
  NicData *data;

  if (nic == NULL)
    return;
  data = nic_data_new (self, nic);
  data->remove = TRUE;
  nic_ask (self, data);
}

static void
add_nic_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (widget);
  g_autoptr(CorralGuestEdit) edit = NULL;
  const char *type = NULL, *source = NULL;
  guint pos;

  if (self->config == NULL)
    return;
  /* On the default network where there is one; its row then offers the others. */
  if (self->host != NULL && self->host->networks->len > 0)
    {
      type = "network";
      source = g_ptr_array_find_with_equal_func (self->host->networks, "default", g_str_equal, &pos)
               ? "default" : g_ptr_array_index (self->host->networks, 0);
    }
  else if (self->host != NULL && self->host->bridges->len > 0)
    {
      type = "bridge";
      source = g_ptr_array_index (self->host->bridges, 0);
    }
  if (source == NULL)
    {
      _corral_guest_hardware_show_error (self, self->nics_error,
                                         self->host == NULL
                                         ? _("The host’s networks are not known yet: try again in a moment.")
                                         : _("This host has no network or bridge to connect a card to."));
      return;
    }
  edit = corral_guest_edit_new ();
  corral_guest_edit_add_nic (edit, type, source, NULL);
  _corral_guest_hardware_show_error (self, self->nics_error, NULL);
  _corral_guest_hardware_apply (self, edit, self->nics_error, _("A network card was added"));
}

static void
copy_mac_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), g_variant_get_string (parameter, NULL));
  _corral_guest_hardware_toast (self, _("MAC address copied"));
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
  gtk_widget_class_install_action (widget_class, "hardware.add-disk", NULL, add_disk_action);
  gtk_widget_class_install_action (widget_class, "hardware.disk-grow", "s", disk_grow_action);
  gtk_widget_class_install_action (widget_class, "hardware.disk-remove", "s", disk_remove_action);
  gtk_widget_class_install_action (widget_class, "hardware.add-nic", NULL, add_nic_action);
  gtk_widget_class_install_action (widget_class, "hardware.nic-remove", "s", nic_remove_action);
  gtk_widget_class_install_action (widget_class, "hardware.copy-mac", "s", copy_mac_action);
}
