/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The guest page's hardware view: what libvirt has for the guest now (fetched afresh when the guest
 * changes and when the view is shown), edited in place. Memory and processors are costly changes
 * (they may wait for a restart), applied together with an explicit Apply; switches, combo rows and
 * entry rows apply at once. Every change goes through corral_guest_apply_edit_async, whose errors are
 * shown on the group they are about; after any apply the view fetches again, so a failed one leaves
 * it showing what libvirt has. Memory is edited in GiB with one decimal, as the wizard's advice reads;
 * a value the user has not touched is applied as it is, never rounded. */
#define G_LOG_DOMAIN "corral-guest-hardware"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "corral-connection.h"
#include "corral-guest-hardware-private.h"

enum {
  PROP_0,
  PROP_GUEST,
  PROP_BUSY,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CorralGuestHardware, corral_guest_hardware, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* Boot orders offered, as libvirt names the devices, with what a person reads. */
static const struct {
  const char *order;
  const char *label;
} boot_presets[] = {
  { "hd", N_("Disk") },
  { "hd,cdrom", N_("Disk, then CD/DVD") },
  { "cdrom,hd", N_("CD/DVD, then disk") },
  { "network,hd", N_("Network, then disk") },
};

/* --- helpers --- */

gboolean
_corral_guest_hardware_is_running (CorralGuestHardware *self)
{
  return self->config != NULL && corral_guest_config_is_running (self->config);
}

void
_corral_guest_hardware_toast (CorralGuestHardware *self,
                              const char          *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL)
    {
      g_message ("%s", message);
      return;
    }
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

void
_corral_guest_hardware_show_error (CorralGuestHardware *self,
                                   GtkLabel            *error_label,
                                   const char          *message)
{
  gtk_label_set_label (error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (error_label), message != NULL);
}

static void
notify_busy (CorralGuestHardware *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Has the user put the focus in (or typed into) this widget? Then the page leaves its value alone. */
static gboolean
has_focus_within (gpointer widget)
{
  return (gtk_widget_get_state_flags (GTK_WIDGET (widget)) & GTK_STATE_FLAG_FOCUS_WITHIN) != 0;
}

static double
bytes_to_gib (guint64 bytes)
{
  return round ((double) bytes / GiB * 10) / 10;
}

static char *
format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* --- showing what libvirt has --- */

/* "Applies when the guest restarts": hidden, it takes no room (not even the box's spacing). */
static void
show_pending (CorralGuestHardware *self,
              gboolean             pending)
{
  gtk_widget_set_visible (GTK_WIDGET (self->pending_revealer), pending);
  gtk_revealer_set_reveal_child (self->pending_revealer, pending);
}

static void
update_entry (AdwEntryRow  *row,
              char        **shown,
              const char   *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  /* A field the user is editing, or has typed into without applying, keeps the user's text. */
  if (has_focus_within (row) || g_strcmp0 (text, *shown != NULL ? *shown : "") != 0)
    return;
  g_free (*shown);
  *shown = g_strdup (value != NULL ? value : "");
  gtk_editable_set_text (GTK_EDITABLE (row), *shown);
}

static void
update_boot (CorralGuestHardware *self)
{
  g_autofree char *current = NULL;
  g_autoptr(GStrvBuilder) orders = g_strv_builder_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  const char * const *devices = corral_guest_config_get_boot_order (self->config);
  guint selected = GTK_INVALID_LIST_POSITION;

  current = devices != NULL ? g_strjoinv (",", (char **) devices) : g_strdup ("");
  for (guint i = 0; i < G_N_ELEMENTS (boot_presets); i++)
    {
      g_strv_builder_add (orders, boot_presets[i].order);
      g_ptr_array_add (labels, g_strdup (_(boot_presets[i].label)));
      if (g_str_equal (current, boot_presets[i].order))
        selected = i;
    }
  if (selected == GTK_INVALID_LIST_POSITION && *current != '\0')
    {
      /* Something else (virsh edit): shown as it is, so that nothing changes it unasked. */
      g_strv_builder_add (orders, current);
      g_ptr_array_add (labels, g_strdup_printf (_("Other: %s"), current));
      selected = labels->len - 1;
    }
  g_ptr_array_add (labels, NULL);
  g_strfreev (self->boot_choices);
  self->boot_choices = g_strv_builder_end (orders);
  gtk_string_list_splice (self->boot_model, 0, g_list_model_get_n_items (G_LIST_MODEL (self->boot_model)),
                          (const char * const *) labels->pdata);
  adw_combo_row_set_selected (self->boot_combo, selected);
}

static void
update_resources_bar (CorralGuestHardware *self)
{
  gboolean dirty = self->memory_dirty || self->vcpus_dirty;

  gtk_revealer_set_reveal_child (self->resources_revealer, dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hardware.resources-apply",
                                 dirty && self->config != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hardware.resources-discard", dirty);
  gtk_label_set_label (self->resources_hint,
                       _corral_guest_hardware_is_running (self)
                       ? _("What cannot change while the guest runs applies when it restarts.")
                       : _("Takes effect when the guest starts."));
}

static void
update_resources (CorralGuestHardware *self)
{
  guint64 host_memory = corral_guest_config_get_host_memory (self->config);
  guint64 memory = corral_guest_config_get_memory (self->config, FALSE);
  guint64 live_memory = corral_guest_config_get_memory (self->config, TRUE);
  guint host_cpus = corral_guest_config_get_host_cpus (self->config);
  guint vcpus = corral_guest_config_get_vcpus (self->config, FALSE);
  guint live_vcpus = corral_guest_config_get_vcpus (self->config, TRUE);
  gboolean running = corral_guest_config_is_running (self->config);
  g_autofree char *host_str = host_memory > 0 ? format_size (host_memory) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  /* Bounded by the host, but never below what the guest has now (someone may have given it more). */
  gtk_spin_button_set_range (self->memory_spin, 0.1,
                             MAX (bytes_to_gib (MAX (host_memory, memory)), 0.1));
  if (!self->memory_dirty && !has_focus_within (self->memory_spin))
    gtk_spin_button_set_value (self->memory_spin, bytes_to_gib (memory));
  if (host_str != NULL)
    g_string_append_printf (text, _("This host has %s"), host_str);
  if (running && live_memory != memory)
    {
      g_autofree char *live_str = format_size (live_memory);
      g_autofree char *next_str = format_size (memory);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Now %s; %s from the next start"), live_str, next_str);
    }
  adw_action_row_set_subtitle (self->memory_row, text->str);

  g_string_truncate (text, 0);
  gtk_spin_button_set_range (self->vcpus_spin, 1, MAX (MAX (host_cpus, vcpus), 1));
  if (!self->vcpus_dirty && !has_focus_within (self->vcpus_spin))
    gtk_spin_button_set_value (self->vcpus_spin, vcpus);
  if (host_cpus > 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "This host has %u processor",
                                               "This host has %u processors", host_cpus), host_cpus);
  if (running && live_vcpus != vcpus)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Now %u; %u from the next start"), live_vcpus, vcpus);
    }
  adw_action_row_set_subtitle (self->vcpus_row, text->str);
  update_resources_bar (self);
}

static void
update (CorralGuestHardware *self)
{
  gboolean running;
  const char *firmware = NULL;

  gtk_widget_set_visible (self->box, self->config != NULL || self->fetching == 0);
  if (self->config == NULL)
    {
      show_pending (self, FALSE);
      for (GtkWidget *child = gtk_widget_get_first_child (self->box); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (child != GTK_WIDGET (self->fetch_error_label))
          gtk_widget_set_sensitive (child, FALSE);
      update_resources_bar (self);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (self->box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_sensitive (child, TRUE);

  self->updating = TRUE;
  running = corral_guest_config_is_running (self->config);
  show_pending (self, running && corral_guest_config_has_pending_changes (self->config));
  update_resources (self);

  switch (corral_guest_config_get_firmware (self->config))
    {
    case CORRAL_FIRMWARE_BIOS:
      firmware = _("BIOS");
      break;
    case CORRAL_FIRMWARE_UEFI:
      firmware = _("UEFI");
      break;
    case CORRAL_FIRMWARE_UEFI_SECURE_BOOT:
      firmware = _("UEFI with Secure Boot");
      break;
    default:
      g_assert_not_reached ();
    }
  gtk_label_set_label (self->firmware_label, firmware);

  gtk_switch_set_active (self->tpm_switch, corral_guest_config_has_tpm (self->config));
  gtk_widget_set_sensitive (GTK_WIDGET (self->tpm_switch), !running);
  adw_action_row_set_subtitle (self->tpm_row,
                               running ? _("Shut the guest down to add or remove it")
                                       : _("A security chip, emulated: Windows 11 needs one"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->tpm_switch),
                               running ? _("Shut the guest down to add or remove it") : NULL);
  gtk_switch_set_active (self->autostart_switch, corral_guest_config_get_autostart (self->config));
  update_boot (self);

  update_entry (self->name_row, &self->shown_name,
                corral_guest_config_get_name (self->config));
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), !running);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_row),
                               running ? _("Shut the guest down to rename it") : NULL);
  adw_preferences_group_set_description (self->identity_group,
                                         running ? _("Shut the guest down to rename it.") : NULL);
  update_entry (self->title_row, &self->shown_title, corral_guest_config_get_title (self->config));
  update_entry (self->description_row, &self->shown_description,
                corral_guest_config_get_description (self->config));

  _corral_guest_hardware_update_devices (self, FALSE);
  self->updating = FALSE;
}

/* --- fetching --- */

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  CorralGuest *guest = CORRAL_GUEST (object);
  CorralGuestHardware *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralGuestConfig) config = corral_guest_fetch_config_finish (guest, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Not cancelled: this is the fetch in flight, now done. */
  self = CORRAL_GUEST_HARDWARE (user_data);
  self->fetching--;
  g_clear_object (&self->fetch_cancellable);
  if (self->guest != guest)
    return;
  if (config == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The guest’s hardware could not be read: %s"),
                                                  error->message);

      _corral_guest_hardware_show_error (self, self->fetch_error_label, message);
      g_clear_pointer (&self->config, corral_guest_config_unref);
    }
  else
    {
      _corral_guest_hardware_show_error (self, self->fetch_error_label, NULL);
      g_clear_pointer (&self->config, corral_guest_config_unref);
      self->config = g_steal_pointer (&config);
    }
  update (self);
  notify_busy (self);
}

void
_corral_guest_hardware_refresh (CorralGuestHardware *self)
{
  if (self->guest == NULL || corral_guest_get_domain (self->guest) == NULL)
    return;
  /* A newer look replaces the one in flight. */
  if (self->fetch_cancellable != NULL)
    {
      g_cancellable_cancel (self->fetch_cancellable);
      self->fetching--;
    }
  g_clear_object (&self->fetch_cancellable);
  self->fetch_cancellable = g_cancellable_new ();
  self->fetching++;
  corral_guest_fetch_config_async (self->guest, self->fetch_cancellable, fetch_cb, self);
  notify_busy (self);
}

/* --- applying --- */

typedef struct
{
  CorralGuestHardware *self;
  GtkLabel            *error_label;
  char                *done_message;
} ApplyData;

static void
apply_data_free (ApplyData *data)
{
  g_clear_object (&data->self);
  g_free (data->done_message);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApplyData, apply_data_free)

static void
apply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ApplyData) data = user_data;
  CorralGuestHardware *self = data->self;
  g_autoptr(GError) error = NULL;
  gboolean needs_restart = FALSE;

  self->applying--;
  if (!corral_guest_apply_edit_finish (CORRAL_GUEST (object), result, &needs_restart, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      _corral_guest_hardware_show_error (self, data->error_label, error->message);
    }
  else
    {
      _corral_guest_hardware_show_error (self, data->error_label, NULL);
      /* A shut-off guest's changes all wait for its start: nothing to say there. */
      if (needs_restart && _corral_guest_hardware_is_running (self))
        show_pending (self, TRUE);
      if (data->done_message != NULL)
        _corral_guest_hardware_toast (self, data->done_message);
    }
  /* Either way the page shows what libvirt has now. */
  if (CORRAL_GUEST (object) == self->guest)
    _corral_guest_hardware_refresh (self);
  notify_busy (self);
}

void
_corral_guest_hardware_apply (CorralGuestHardware *self,
                              CorralGuestEdit     *edit,
                              GtkLabel            *error_label,
                              const char          *done_message)
{
  ApplyData *data;

  if (self->guest == NULL || corral_guest_edit_is_empty (edit))
    return;
  data = g_new0 (ApplyData, 1);
  data->self = g_object_ref (self);
  data->error_label = error_label;
  data->done_message = g_strdup (done_message);
  self->applying++;
  /* Not cancelled with the guest: a change the user asked for runs to its end. */
  corral_guest_apply_edit_async (self->guest, edit, self->cancellable, apply_cb, data);
  notify_busy (self);
}

/* --- callbacks --- */

static void
memory_changed_cb (CorralGuestHardware *self)
{
  if (self->updating || self->config == NULL)
    return;
  self->memory_dirty = gtk_spin_button_get_value (self->memory_spin)
                       != bytes_to_gib (corral_guest_config_get_memory (self->config, FALSE));
  update_resources_bar (self);
}

static void
vcpus_changed_cb (CorralGuestHardware *self)
{
  if (self->updating || self->config == NULL)
    return;
  self->vcpus_dirty = (guint) gtk_spin_button_get_value_as_int (self->vcpus_spin)
                      != corral_guest_config_get_vcpus (self->config, FALSE);
  update_resources_bar (self);
}

static void
resources_apply_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (widget);
  g_autoptr(CorralGuestEdit) edit = corral_guest_edit_new ();

  if (self->config == NULL)
    return;
  gtk_spin_button_update (self->memory_spin);
  gtk_spin_button_update (self->vcpus_spin);
  if (self->memory_dirty)
    corral_guest_edit_set_memory (edit, (guint64) round (gtk_spin_button_get_value (self->memory_spin)
                                                         * 1024) * MiB);
  if (self->vcpus_dirty)
    corral_guest_edit_set_vcpus (edit, gtk_spin_button_get_value_as_int (self->vcpus_spin));
  self->memory_dirty = self->vcpus_dirty = FALSE;
  update_resources_bar (self);
  _corral_guest_hardware_apply (self, edit, self->resources_error, NULL);
}

static void
resources_discard_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (widget);

  self->memory_dirty = self->vcpus_dirty = FALSE;
  _corral_guest_hardware_show_error (self, self->resources_error, NULL);
  if (self->config != NULL)
    {
      self->updating = TRUE;
      gtk_spin_button_set_value (self->memory_spin,
                                 bytes_to_gib (corral_guest_config_get_memory (self->config, FALSE)));
      gtk_spin_button_set_value (self->vcpus_spin, corral_guest_config_get_vcpus (self->config, FALSE));
      self->updating = FALSE;
    }
  update_resources_bar (self);
}

static void
tpm_active_cb (CorralGuestHardware *self)
{
  g_autoptr(CorralGuestEdit) edit = NULL;
  gboolean active = gtk_switch_get_active (self->tpm_switch);

  if (self->updating || self->config == NULL || active == corral_guest_config_has_tpm (self->config))
    return;
  edit = corral_guest_edit_new ();
  corral_guest_edit_set_tpm (edit, active);
  _corral_guest_hardware_apply (self, edit, self->system_error,
                                active ? _("A TPM 2.0 was added") : _("The TPM was removed"));
}

static void
autostart_active_cb (CorralGuestHardware *self)
{
  g_autoptr(CorralGuestEdit) edit = NULL;
  gboolean active = gtk_switch_get_active (self->autostart_switch);

  if (self->updating || self->config == NULL || active == corral_guest_config_get_autostart (self->config))
    return;
  edit = corral_guest_edit_new ();
  corral_guest_edit_set_autostart (edit, active);
  _corral_guest_hardware_apply (self, edit, self->system_error, NULL);
}

static void
boot_selected_cb (CorralGuestHardware *self)
{
  g_autoptr(CorralGuestEdit) edit = NULL;
  g_auto(GStrv) devices = NULL;
  guint pos = adw_combo_row_get_selected (self->boot_combo);

  if (self->updating || self->config == NULL || self->boot_choices == NULL
      || pos >= g_strv_length (self->boot_choices))
    return;
  devices = g_strsplit (self->boot_choices[pos], ",", -1);
  edit = corral_guest_edit_new ();
  corral_guest_edit_set_boot_order (edit, (const char * const *) devices);
  _corral_guest_hardware_apply (self, edit, self->system_error, NULL);
}

static void
name_apply_cb (CorralGuestHardware *self)
{
  g_autoptr(CorralGuestEdit) edit = corral_guest_edit_new ();
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  if (self->guest == NULL || g_strcmp0 (name, corral_guest_get_name (self->guest)) == 0)
    return;
  /* What is applied becomes what is shown: a refetch may now put libvirt's name in. */
  g_free (self->shown_name);
  self->shown_name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  corral_guest_edit_set_name (edit, name);
  _corral_guest_hardware_apply (self, edit, self->identity_error, NULL);
}

static void
title_apply_cb (CorralGuestHardware *self)
{
  g_autoptr(CorralGuestEdit) edit = corral_guest_edit_new ();

  g_free (self->shown_title);
  self->shown_title = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
  corral_guest_edit_set_title (edit, self->shown_title);
  _corral_guest_hardware_apply (self, edit, self->identity_error, NULL);
}

static void
description_apply_cb (CorralGuestHardware *self)
{
  g_autoptr(CorralGuestEdit) edit = corral_guest_edit_new ();

  g_free (self->shown_description);
  self->shown_description = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  corral_guest_edit_set_description (edit, self->shown_description);
  _corral_guest_hardware_apply (self, edit, self->identity_error, NULL);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (widget);

  if (gtk_widget_is_sensitive (GTK_WIDGET (self->name_row)))
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  else
    _corral_guest_hardware_toast (self, _("Shut the guest down to rename it"));
}

static void
guest_changed_cb (CorralGuestHardware *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    _corral_guest_hardware_refresh (self);
}

/* --- GObject --- */

static void
corral_guest_hardware_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (corral_guest_hardware_parent_class)->map (widget);
  /* Shown again: someone may have changed the guest meanwhile. */
  _corral_guest_hardware_refresh (CORRAL_GUEST_HARDWARE (widget));
}

static void
corral_guest_hardware_dispose (GObject *object)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (object);

  corral_guest_hardware_set_guest (self, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  _corral_guest_hardware_clear_devices (self);
  g_clear_pointer (&self->device_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CORRAL_TYPE_GUEST_HARDWARE);

  G_OBJECT_CLASS (corral_guest_hardware_parent_class)->dispose (object);
}

static void
corral_guest_hardware_finalize (GObject *object)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (object);

  g_free (self->devices_signature);
  g_free (self->shown_name);
  g_free (self->shown_title);
  g_free (self->shown_description);
  g_strfreev (self->boot_choices);

  G_OBJECT_CLASS (corral_guest_hardware_parent_class)->finalize (object);
}

static void
corral_guest_hardware_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_value_set_object (value, self->guest);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, corral_guest_hardware_is_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_guest_hardware_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CorralGuestHardware *self = CORRAL_GUEST_HARDWARE (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      corral_guest_hardware_set_guest (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_guest_hardware_class_init (CorralGuestHardwareClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = corral_guest_hardware_dispose;
  object_class->finalize = corral_guest_hardware_finalize;
  object_class->get_property = corral_guest_hardware_get_property;
  object_class->set_property = corral_guest_hardware_set_property;
  widget_class->map = corral_guest_hardware_map;

  properties[PROP_GUEST] = g_param_spec_object ("guest", NULL, NULL, CORRAL_TYPE_GUEST,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                G_PARAM_STATIC_STRINGS);
  /* A fetch or a change in flight (tests wait for it to end). */
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "hardware.resources-apply", NULL, resources_apply_action);
  gtk_widget_class_install_action (widget_class, "hardware.resources-discard", NULL,
                                   resources_discard_action);
  gtk_widget_class_install_action (widget_class, "hardware.rename", NULL, rename_action);
  _corral_guest_hardware_class_init_devices (widget_class);
  _corral_guest_hardware_class_init_disks (widget_class);
  _corral_guest_hardware_class_init_nics (widget_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/corralvm/Corral/corral-guest-hardware.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CorralGuestHardware, name)
  BIND (box);
  BIND (pending_revealer);
  BIND (pending_label);
  BIND (fetch_error_label);
  BIND (resources_group);
  BIND (memory_row);
  BIND (memory_spin);
  BIND (vcpus_row);
  BIND (vcpus_spin);
  BIND (resources_revealer);
  BIND (resources_hint);
  BIND (resources_error);
  BIND (cdrom_group);
  BIND (cdrom_error);
  BIND (disks_group);
  BIND (disks_error);
  BIND (nics_group);
  BIND (nics_error);
  BIND (system_group);
  BIND (firmware_row);
  BIND (firmware_label);
  BIND (tpm_row);
  BIND (tpm_switch);
  BIND (boot_combo);
  BIND (boot_model);
  BIND (autostart_row);
  BIND (autostart_switch);
  BIND (system_error);
  BIND (identity_group);
  BIND (name_row);
  BIND (title_row);
  BIND (description_row);
  BIND (identity_error);
#undef BIND
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
corral_guest_hardware_init (CorralGuestHardware *self)
{
  self->cancellable = g_cancellable_new ();
  self->device_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->memory_spin, "value-changed", G_CALLBACK (memory_changed_cb), self);
  g_signal_connect_swapped (self->vcpus_spin, "value-changed", G_CALLBACK (vcpus_changed_cb), self);
  g_signal_connect_swapped (self->tpm_switch, "notify::active", G_CALLBACK (tpm_active_cb), self);
  g_signal_connect_swapped (self->autostart_switch, "notify::active", G_CALLBACK (autostart_active_cb), self);
  g_signal_connect_swapped (self->boot_combo, "notify::selected", G_CALLBACK (boot_selected_cb), self);
  g_signal_connect_swapped (self->name_row, "apply", G_CALLBACK (name_apply_cb), self);
  g_signal_connect_swapped (self->title_row, "apply", G_CALLBACK (title_apply_cb), self);
  g_signal_connect_swapped (self->description_row, "apply", G_CALLBACK (description_apply_cb), self);
  update (self);
}

CorralGuest *
corral_guest_hardware_get_guest (CorralGuestHardware *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST_HARDWARE (self), NULL);
  return self->guest;
}

gboolean
corral_guest_hardware_is_busy (CorralGuestHardware *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST_HARDWARE (self), FALSE);
  return self->fetching > 0 || self->applying > 0;
}

void
corral_guest_hardware_set_guest (CorralGuestHardware *self,
                                 CorralGuest         *guest)
{
  static const char *watched[] = { "notify::state", "notify::memory", "notify::vcpus", "notify::name" };

  g_return_if_fail (CORRAL_IS_GUEST_HARDWARE (self));
  g_return_if_fail (guest == NULL || CORRAL_IS_GUEST (guest));

  if (self->guest == guest)
    return;

  if (self->guest != NULL)
    g_signal_handlers_disconnect_by_func (self->guest, guest_changed_cb, self);
  /* What was in flight for the guest before is of no use now. */
  g_cancellable_cancel (self->guest_cancellable);
  g_clear_object (&self->guest_cancellable);
  if (self->fetch_cancellable != NULL)
    {
      g_cancellable_cancel (self->fetch_cancellable);
      g_clear_object (&self->fetch_cancellable);
      self->fetching--;
    }
  g_clear_pointer (&self->config, corral_guest_config_unref);
  g_clear_pointer (&self->host, corral_host_info_free);
  g_clear_pointer (&self->volume_groups, g_ptr_array_unref);
  g_clear_pointer (&self->volume_groups_error, g_free);
  self->memory_dirty = self->vcpus_dirty = FALSE;
  /* A new guest's fields are the page's to fill. */
  g_clear_pointer (&self->shown_name, g_free);
  g_clear_pointer (&self->shown_title, g_free);
  g_clear_pointer (&self->shown_description, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->title_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), "");
  _corral_guest_hardware_show_error (self, self->resources_error, NULL);
  _corral_guest_hardware_show_error (self, self->cdrom_error, NULL);
  _corral_guest_hardware_show_error (self, self->disks_error, NULL);
  _corral_guest_hardware_show_error (self, self->nics_error, NULL);
  _corral_guest_hardware_show_error (self, self->system_error, NULL);
  _corral_guest_hardware_show_error (self, self->identity_error, NULL);
  _corral_guest_hardware_show_error (self, self->fetch_error_label, NULL);
  _corral_guest_hardware_clear_devices (self);

  g_set_object (&self->guest, guest);
  if (guest != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
        g_signal_connect_object (guest, watched[i], G_CALLBACK (guest_changed_cb), self, G_CONNECT_SWAPPED);
      self->guest_cancellable = g_cancellable_new ();
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        _corral_guest_hardware_refresh (self);
      _corral_guest_hardware_query_host (self);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST]);
  notify_busy (self);
}
