/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the guest is made and what that host offers the wizard: the connection row (the manager's
 * connected connections), the host's storage pools, networks and bridges, memory and processors
 * (from libvirt), and LVM volume groups (from corral-helper, for the local system connection);
 * which of them the pages have selected. */
#define G_LOG_DOMAIN "corral-new-guest-window"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-new-guest-window-private.h"

CorralStoragePlace *
_corral_new_guest_window_selected_pool (CorralNewGuestWindow *self)
{
  guint pos = adw_combo_row_get_selected (self->pool_combo);

  if (self->host == NULL || pos == GTK_INVALID_LIST_POSITION || pos >= self->host->pools->len)
    return NULL;
  return g_ptr_array_index (self->host->pools, pos);
}

CorralVolumeGroup *
_corral_new_guest_window_selected_vg (CorralNewGuestWindow *self)
{
  guint pos = adw_combo_row_get_selected (self->vg_combo);

  if (self->volume_groups == NULL || pos == GTK_INVALID_LIST_POSITION
      || pos >= self->volume_groups->len)
    return NULL;
  return g_ptr_array_index (self->volume_groups, pos);
}

const char *
_corral_new_guest_window_selected_network (CorralNewGuestWindow *self)
{
  guint pos = adw_combo_row_get_selected (self->network_combo);

  if (self->host == NULL || pos == GTK_INVALID_LIST_POSITION || pos >= self->host->networks->len)
    return NULL;
  return g_ptr_array_index (self->host->networks, pos);
}

const char *
_corral_new_guest_window_selected_bridge (CorralNewGuestWindow *self)
{
  guint pos = adw_combo_row_get_selected (self->bridge_combo);

  if (self->host == NULL || pos == GTK_INVALID_LIST_POSITION || pos >= self->host->bridges->len)
    return NULL;
  return g_ptr_array_index (self->host->bridges, pos);
}

static void
fill_model (GtkStringList *model,
            GPtrArray     *strings)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();

  for (guint i = 0; i < strings->len; i++)
    g_ptr_array_add (items, g_ptr_array_index (strings, i));
  g_ptr_array_add (items, NULL);
  gtk_string_list_splice (model, 0, g_list_model_get_n_items (G_LIST_MODEL (model)),
                          (const char * const *) items->pdata);
}

static void
host_info_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CorralNewGuestWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pool_labels = g_ptr_array_new_with_free_func (g_free);
  CorralHostInfo *info = corral_host_info_query_finish (result, &error);
  guint default_net;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
      return;
    }
  g_clear_pointer (&self->host, corral_host_info_free);
  self->host = info;
  _corral_new_guest_window_update_firmware (self);

  for (guint i = 0; i < info->pools->len; i++)
    {
      CorralStoragePlace *pool = g_ptr_array_index (info->pools, i);
      g_autofree char *free_str = corral_format_size (pool->available);

      g_ptr_array_add (pool_labels, g_strdup_printf (_("%s (%s free)"), pool->name, free_str));
    }
  fill_model (self->pool_model, pool_labels);
  for (guint i = 0; i < info->pools->len; i++)
    {
      if (g_str_equal (((CorralStoragePlace *) g_ptr_array_index (info->pools, i))->name,
                       "default"))
        adw_combo_row_set_selected (self->pool_combo, i);
    }
  fill_model (self->network_model, info->networks);
  if (g_ptr_array_find_with_equal_func (info->networks, "default", g_str_equal, &default_net))
    adw_combo_row_set_selected (self->network_combo, default_net);
  fill_model (self->bridge_model, info->bridges);
  gtk_widget_set_sensitive (GTK_WIDGET (self->bridge_check), info->bridges->len > 0);
  if (info->bridges->len == 0)
    adw_action_row_set_subtitle (self->bridge_row, _("This host has no bridge"));

  if (info->memory > 0)
    gtk_spin_button_set_range (self->memory_spin, CORRAL_GUEST_SPEC_MIN_MEMORY / MiB,
                               info->memory / MiB);
  if (info->cpus > 0)
    gtk_spin_button_set_range (self->cpus_spin, 1, info->cpus);
  /* another host: what the chosen OS asks for, within what this one has */
  if (self->reapply_os)
    {
      self->reapply_os = FALSE;
      _corral_new_guest_window_apply_os_defaults (self);
    }

  _corral_new_guest_window_suggest_name (self);
  _corral_new_guest_window_update (self);
}

static void
volume_groups_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CorralNewGuestWindow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  groups = corral_helper_client_list_volume_groups_finish (CORRAL_HELPER_CLIENT (object), result,
                                                           &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_NEW_GUEST_WINDOW (user_data);
  if (groups == NULL)
    {
      adw_action_row_set_subtitle (self->lvm_row, error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->lvm_check), FALSE);
      return;
    }
  if (groups->len == 0)
    {
      adw_action_row_set_subtitle (self->lvm_row, _("This host has no LVM volume group"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->lvm_check), FALSE);
      return;
    }
  for (guint i = 0; i < groups->len; i++)
    {
      CorralVolumeGroup *vg = g_ptr_array_index (groups, i);
      g_autofree char *free_str = corral_format_size (vg->free);

      g_ptr_array_add (labels, g_strdup_printf (_("%s (%s free)"), vg->name, free_str));
    }
  g_clear_pointer (&self->volume_groups, g_ptr_array_unref);
  self->volume_groups = g_steal_pointer (&groups);
  fill_model (self->vg_model, labels);
  adw_action_row_set_subtitle (self->lvm_row, _("A block device managed by corral-helper"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->lvm_check), TRUE);
  _corral_new_guest_window_update (self);
}

/* Forgets what the last connection's host offered. */
static void
clear_host (CorralNewGuestWindow *self)
{
  g_clear_pointer (&self->host, corral_host_info_free);
  g_clear_pointer (&self->volume_groups, g_ptr_array_unref);
  g_clear_object (&self->helper);
  gtk_string_list_splice (self->pool_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->pool_model)), NULL);
  gtk_string_list_splice (self->vg_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->vg_model)), NULL);
  gtk_string_list_splice (self->network_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->network_model)), NULL);
  gtk_string_list_splice (self->bridge_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->bridge_model)), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->bridge_check), TRUE);
  adw_action_row_set_subtitle (self->bridge_row, _("The guest appears on the host’s LAN"));
  adw_action_row_set_subtitle (self->lvm_row, "");
}

/* Asks libvirt what the connection's host has and, for the local system connection, corral-helper
 * for its volume groups; a query for the connection before is cancelled, and so are both with the
 * window. Asynchronous: the pages wait for the facts (page_ready), the UI does not. */
void
_corral_new_guest_window_query_host (CorralNewGuestWindow *self)
{
  gboolean system = corral_connection_is_system (self->connection)
                    && corral_connection_is_local (self->connection);

  g_cancellable_cancel (self->host_cancellable);
  g_clear_object (&self->host_cancellable);
  self->host_cancellable = g_cancellable_new ();
  clear_host (self);

  corral_host_info_query_async (self->connection, self->host_cancellable, host_info_cb, self);
  if (system)
    {
      self->helper = g_object_ref (corral_helper_client_get_default ());
      corral_helper_client_list_volume_groups_async (self->helper, self->host_cancellable,
                                                     volume_groups_cb, self);
    }
  else
    {
      adw_action_row_set_subtitle (self->lvm_row,
                                   _("Only for guests of this computer’s system connection "
                                     "(qemu:///system)"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->lvm_check), FALSE);
    }
}

/* --- the connection: where the guest is made --- */

static void
update_connection_rows (CorralNewGuestWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  /* a choice only where there is one to make */
  gtk_widget_set_visible (GTK_WIDGET (self->connection_combo), n > 1);
  gtk_widget_set_visible (GTK_WIDGET (self->connection_row), n <= 1);
  adw_action_row_set_subtitle (self->connection_row,
                               corral_connection_get_title (self->connection));
}

/* The connections the row offers: those of the manager that are connected, and always the chosen
 * one, in the manager's order. */
void
_corral_new_guest_window_fill_connections (CorralNewGuestWindow *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint selected = 0;

  if (self->manager != NULL)
    {
      GListModel *all = corral_manager_get_connections (self->manager);

      for (guint i = 0; i < g_list_model_get_n_items (all); i++)
        {
          g_autoptr(CorralConnection) connection = g_list_model_get_item (all, i);

          if (connection == self->connection
              || corral_connection_get_status (connection) == CORRAL_CONNECTION_STATUS_CONNECTED)
            {
              if (connection == self->connection)
                selected = items->len;
              g_ptr_array_add (items, g_steal_pointer (&connection));
            }
        }
    }
  if (items->len == 0 || g_ptr_array_index (items, selected) != self->connection)
    {
      selected = items->len;
      g_ptr_array_add (items, g_object_ref (self->connection));
    }

  self->filling_connections = TRUE;
  g_list_store_splice (self->connections, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->connections)),
                       items->pdata, items->len);
  adw_combo_row_set_selected (self->connection_combo, selected);
  self->filling_connections = FALSE;
  update_connection_rows (self);
}

static void
connection_status_cb (CorralNewGuestWindow *self)
{
  _corral_new_guest_window_fill_connections (self);
}

/* a connection's status decides whether the row offers it */
static void
connections_changed_cb (GListModel           *all,
                        guint                 position,
                        guint                 removed,
                        guint                 added,
                        CorralNewGuestWindow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(CorralConnection) connection = g_list_model_get_item (all, i);

      g_signal_connect_object (connection, "notify::status", G_CALLBACK (connection_status_cb),
                               self, G_CONNECT_SWAPPED);
    }
  _corral_new_guest_window_fill_connections (self);
}

/* Makes the guest on @connection: what the host offers is asked anew (off the main thread), the
 * source file looked at again (whether it is local, whether that host's QEMU may read it), and the
 * OS's defaults applied again for that host once it has answered. */
void
_corral_new_guest_window_set_connection (CorralNewGuestWindow *self,
                                         CorralConnection     *connection)
{
  if (!g_set_object (&self->connection, connection))
    return;
  g_object_notify (G_OBJECT (self), "connection");
  update_connection_rows (self);
  self->reapply_os = self->os != NULL;
  _corral_new_guest_window_query_host (self);
  _corral_new_guest_window_check_source (self);
  _corral_new_guest_window_update (self);
}

static void
connection_selected_cb (CorralNewGuestWindow *self)
{
  CorralConnection *connection = adw_combo_row_get_selected_item (self->connection_combo);

  if (self->filling_connections || connection == NULL)
    return;
  _corral_new_guest_window_set_connection (self, connection);
}

/* The connection row: offers the connected connections of the manager (when there is one), follows
 * their comings and goings, and makes the guest on the one chosen. */
void
_corral_new_guest_window_init_connections (CorralNewGuestWindow *self)
{
  if (self->manager != NULL)
    {
      GListModel *all = corral_manager_get_connections (self->manager);

      g_signal_connect_object (all, "items-changed", G_CALLBACK (connections_changed_cb), self, 0);
      connections_changed_cb (all, 0, 0, g_list_model_get_n_items (all), self);
    }
  else
    _corral_new_guest_window_fill_connections (self);
  g_signal_connect_object (self->connection_combo, "notify::selected",
                           G_CALLBACK (connection_selected_cb), self, G_CONNECT_SWAPPED);
}
