/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-manager"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "corral-error.h"
#include "corral-manager.h"

struct _CorralManager
{
  GObject     parent_instance;

  GListStore *connections;
};

G_DEFINE_FINAL_TYPE (CorralManager, corral_manager, G_TYPE_OBJECT)

static const char * const default_uris[] = { "qemu:///system", "qemu:///session" };

static void
corral_manager_dispose (GObject *object)
{
  CorralManager *self = CORRAL_MANAGER (object);

  g_clear_object (&self->connections);

  G_OBJECT_CLASS (corral_manager_parent_class)->dispose (object);
}

static void
corral_manager_class_init (CorralManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = corral_manager_dispose;
}

static void
corral_manager_init (CorralManager *self)
{
  self->connections = g_list_store_new (CORRAL_TYPE_CONNECTION);
}

CorralManager *
corral_manager_new (void)
{
  return g_object_new (CORRAL_TYPE_MANAGER, NULL);
}

GListModel *
corral_manager_get_connections (CorralManager *self)
{
  g_return_val_if_fail (CORRAL_IS_MANAGER (self), NULL);
  return G_LIST_MODEL (self->connections);
}

CorralConnection *
corral_manager_find_connection (CorralManager *self,
                                const char    *uri)
{
  guint n;

  g_return_val_if_fail (CORRAL_IS_MANAGER (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CorralConnection) connection = g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      if (g_strcmp0 (corral_connection_get_uri (connection), uri) == 0)
        return connection;
    }
  return NULL;
}

/* The guest with @uuid on any of the connections, or NULL (borrowed: its connection holds it). */
CorralGuest *
corral_manager_find_guest (CorralManager *self,
                           const char    *uuid)
{
  guint n;

  g_return_val_if_fail (CORRAL_IS_MANAGER (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CorralConnection) connection = g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      CorralGuest *guest = corral_connection_find_guest (connection, uuid);

      if (guest != NULL)
        return guest;
    }
  return NULL;
}

/* The connection new guests go to: the first connected one, local before remote; NULL when none is
 * connected (borrowed: the manager holds it). */
CorralConnection *
corral_manager_pick_connection_for_new_guest (CorralManager *self)
{
  CorralConnection *remote = NULL;
  guint n;

  g_return_val_if_fail (CORRAL_IS_MANAGER (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CorralConnection) connection = g_list_model_get_item (G_LIST_MODEL (self->connections), i);

      if (corral_connection_get_status (connection) != CORRAL_CONNECTION_STATUS_CONNECTED)
        continue;
      if (corral_connection_is_local (connection))
        return connection;
      if (remote == NULL)
        remote = connection;
    }
  return remote;
}

/* Adds a connection (once per URI) and returns it; opening it is the caller's call. */
CorralConnection *
corral_manager_add_connection (CorralManager *self,
                               const char    *uri)
{
  g_autoptr(CorralConnection) connection = NULL;
  CorralConnection *existing;

  g_return_val_if_fail (CORRAL_IS_MANAGER (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  existing = corral_manager_find_connection (self, uri);
  if (existing != NULL)
    return existing;

  connection = corral_connection_new (uri);
  g_list_store_append (self->connections, connection);
  return connection;
}

void
corral_manager_remove_connection (CorralManager    *self,
                                  CorralConnection *connection)
{
  guint position;

  g_return_if_fail (CORRAL_IS_MANAGER (self));
  g_return_if_fail (CORRAL_IS_CONNECTION (connection));

  corral_connection_close (connection);
  if (g_list_store_find (self->connections, connection, &position))
    g_list_store_remove (self->connections, position);
}

/* --- qemu:///system when reachable, else qemu:///session --- */

typedef struct
{
  guint   next;
  GString *errors;
} DefaultData;

static void
default_data_free (DefaultData *data)
{
  g_string_free (data->errors, TRUE);
  g_free (data);
}

static void try_next_default (GTask *task);

static void
default_open_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CorralManager *self = g_task_get_source_object (task);
  CorralConnection *connection = CORRAL_CONNECTION (object);
  DefaultData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (corral_connection_open_finish (connection, result, &error))
    {
      g_task_return_pointer (task, g_object_ref (connection), g_object_unref);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_string_append_printf (data->errors, "%s%s: %s", data->errors->len ? "\n" : "",
                          corral_connection_get_uri (connection), error->message);
  corral_manager_remove_connection (self, connection);
  try_next_default (g_steal_pointer (&task));
}

static void
try_next_default (GTask *task)
{
  CorralManager *self = g_task_get_source_object (task);
  DefaultData *data = g_task_get_task_data (task);
  CorralConnection *connection;

  if (data->next >= G_N_ELEMENTS (default_uris))
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_LIBVIRT_UNAVAILABLE,
                               _("No libvirt daemon could be reached:\n%s"), data->errors->str);
      g_object_unref (task);
      return;
    }

  connection = corral_manager_add_connection (self, default_uris[data->next++]);
  corral_connection_open_async (connection, g_task_get_cancellable (task), default_open_cb, task);
}

void
corral_manager_connect_default_async (CorralManager       *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;
  DefaultData *data;

  g_return_if_fail (CORRAL_IS_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_manager_connect_default_async);
  data = g_new0 (DefaultData, 1);
  data->errors = g_string_new (NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) default_data_free);
  try_next_default (task);
}

CorralConnection *
corral_manager_connect_default_finish (CorralManager  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
