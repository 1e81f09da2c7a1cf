/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hardware view's network cards: one expander row each (the MAC shown, selectable and copyable;
 * the network or bridge and the model as combo rows; Remove…), and Add Network Card. Removing a card,
 * or moving it off its NAT network, while the guest has port forwards asks first, naming them. */
#define G_LOG_DOMAIN "corral-guest-hardware"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-guest-hardware-private.h"

static const struct {
  const char *model;
  const char *label;
} nic_models[] = {
  { "virtio", N_("VirtIO (fastest)") },
  { "e1000e", N_("Intel e1000e") },
  { "rtl8139", N_("Realtek RTL8139") },
};

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

void
_corral_guest_hardware_add_nic_row (CorralGuestHardware *self,
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
                               _corral_guest_hardware_flat_button (NULL, "user-trash-symbolic", remove_tip,
                                                                   "hardware.nic-remove", nic->mac));
  gtk_widget_set_name (row, nic->mac);

  /* The MAC: selectable, with a copy button (issue 19, point 7). */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (mac_row), _("MAC Address"));
  gtk_label_set_selectable (GTK_LABEL (mac_label), TRUE);
  gtk_widget_set_focusable (mac_label, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (mac_row), mac_label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (mac_row),
                             _corral_guest_hardware_flat_button (NULL, "edit-copy-symbolic", copy_tip,
                                                                 "hardware.copy-mac", nic->mac));
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

  _corral_guest_hardware_add_row (self, self->nics_group, row);
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
  dialog = adw_message_dialog_new (_corral_guest_hardware_toplevel (self),
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
  if (g_strv_length (parts) != 2
      || (g_strcmp0 (parts[0], nic->type) == 0 && g_strcmp0 (parts[1], nic->source) == 0))
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

void
_corral_guest_hardware_class_init_nics (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "hardware.add-nic", NULL, add_nic_action);
  gtk_widget_class_install_action (widget_class, "hardware.nic-remove", "s", nic_remove_action);
  gtk_widget_class_install_action (widget_class, "hardware.copy-mac", "s", copy_mac_action);
}
