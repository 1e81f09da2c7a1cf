/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hardware view's disks: Grow… (bounded below by the disk's size, above by its pool's free
 * space), Remove… (asked, offering to delete its pool or LVM volume, named), and Add Disk… (a new
 * qcow2 volume in a pool, a new LVM volume through corral-helper on the local system connection, or
 * an existing path; the pools and volume groups with their free space, from the wizard's queries). */
#define G_LOG_DOMAIN "corral-guest-hardware"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "corral-guest-hardware-private.h"

static char *
format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
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
  CorralGuestDiskInfo *disk = _corral_guest_hardware_find_disk (self, g_variant_get_string (parameter, NULL));
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
  pool = _corral_guest_hardware_find_pool (self, disk->pool);
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
  dialog = adw_message_dialog_new (_corral_guest_hardware_toplevel (self), heading, body);
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
  CorralGuestDiskInfo *disk = _corral_guest_hardware_find_disk (self, g_variant_get_string (parameter, NULL));
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
  dialog = adw_message_dialog_new (_corral_guest_hardware_toplevel (self), heading, body);
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

  dialog = adw_message_dialog_new (_corral_guest_hardware_toplevel (self), _("Add Disk"),
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
  gtk_accessible_update_property (GTK_ACCESSIBLE (browse), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Choose a file"), -1);
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

void
_corral_guest_hardware_class_init_disks (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "hardware.add-disk", NULL, add_disk_action);
  gtk_widget_class_install_action (widget_class, "hardware.disk-grow", "s", disk_grow_action);
  gtk_widget_class_install_action (widget_class, "hardware.disk-remove", "s", disk_remove_action);
}
