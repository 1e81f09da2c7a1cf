/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper-client"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-helper-client.h"
#include "corral-helper-dbus.h"
#include "corral-helper-error.h"

#define PROXY_FLAGS (G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES          \
                     | G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS       \
                     | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION)

/* Long enough for a polkit password prompt. */
#define CALL_TIMEOUT_MS (5 * 60 * 1000)

struct _CorralHelperClient
{
  GObject          parent_instance;

  GDBusConnection *bus;   /* NULL: the system bus, fetched on first use */
  GMutex           lock;
};

G_DEFINE_FINAL_TYPE (CorralHelperClient, corral_helper_client, G_TYPE_OBJECT)

void
corral_volume_group_free (CorralVolumeGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->name);
  g_free (group);
}

/* The message a user reads when the helper cannot be reached or says no. */
static GError *
translate_error (GError *error)
{
  GError *result;

  g_dbus_error_strip_remote_error (error);
  if (error->domain == CORRAL_HELPER_ERROR || g_error_matches (error, G_IO_ERROR,
                                                               G_IO_ERROR_CANCELLED))
    {
      if (g_error_matches (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_AUTHORIZED))
        {
          result = g_error_new (CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_AUTHORIZED,
                                _("Not allowed to manage volumes (%s): ask an administrator, or "
                                  "authenticate "
                                  "when asked"), error->message);
          g_error_free (error);
          return result;
        }
      return error;
    }
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT))
    result = g_error_new (CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_UNSUPPORTED,
                          _("The Corral helper is not installed or not running: install "
                            "corral-helper to use "
                            "LVM volumes"));
  else
    result = g_error_new (CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                          _("The Corral helper could not be reached: %s"), error->message);
  g_error_free (error);
  return result;
}

static CorralDBusHelper1 *
get_proxy (CorralHelperClient  *self,
           GCancellable        *cancellable,
           GError             **error)
{
  g_autoptr(GDBusConnection) bus = NULL;
  CorralDBusHelper1 *proxy;
  GError *local_error = NULL;

  (void) corral_helper_error_quark ();  /* registers the D-Bus error names */

  g_mutex_lock (&self->lock);
  if (self->bus == NULL)
    self->bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, cancellable, &local_error);
  bus = self->bus != NULL ? g_object_ref (self->bus) : NULL;
  g_mutex_unlock (&self->lock);

  if (bus == NULL)
    {
      g_propagate_error (error, translate_error (local_error));
      return NULL;
    }

  proxy = corral_dbus_helper1_proxy_new_sync (bus, PROXY_FLAGS, CORRAL_HELPER_DBUS_NAME,
                                              CORRAL_HELPER_DBUS_PATH, cancellable, &local_error);
  if (proxy == NULL)
    {
      g_propagate_error (error, translate_error (local_error));
      return NULL;
    }
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy), CALL_TIMEOUT_MS);
  return proxy;
}

/* --- synchronous calls (worker threads) --- */

GPtrArray *
corral_helper_client_list_volume_groups_sync (CorralHelperClient  *self,
                                              GCancellable        *cancellable,
                                              GError             **error)
{
  g_autoptr(CorralDBusHelper1) proxy = NULL;
  g_autoptr(GVariant) groups = NULL;
  g_autoptr(GPtrArray) result = NULL;
  GError *local_error = NULL;
  GVariantIter iter;
  const char *name;
  guint64 size, free_bytes;

  g_return_val_if_fail (CORRAL_IS_HELPER_CLIENT (self), NULL);

  proxy = get_proxy (self, cancellable, error);
  if (proxy == NULL)
    return NULL;
  if (!corral_dbus_helper1_call_list_volume_groups_sync (proxy, &groups, cancellable, &local_error))
    {
      g_propagate_error (error, translate_error (local_error));
      return NULL;
    }

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_volume_group_free);
  g_variant_iter_init (&iter, groups);
  while (g_variant_iter_next (&iter, "(&stt)", &name, &size, &free_bytes))
    {
      CorralVolumeGroup *group = g_new0 (CorralVolumeGroup, 1);

      group->name = g_strdup (name);
      group->size = size;
      group->free = free_bytes;
      g_ptr_array_add (result, group);
    }
  return g_steal_pointer (&result);
}

char *
corral_helper_client_create_volume_sync (CorralHelperClient  *self,
                                         const char          *volume_group,
                                         const char          *name,
                                         guint64              size,
                                         GCancellable        *cancellable,
                                         GError             **error)
{
  g_autoptr(CorralDBusHelper1) proxy = NULL;
  GError *local_error = NULL;
  char *path = NULL;

  g_return_val_if_fail (CORRAL_IS_HELPER_CLIENT (self), NULL);
  g_return_val_if_fail (volume_group != NULL && name != NULL, NULL);

  proxy = get_proxy (self, cancellable, error);
  if (proxy == NULL)
    return NULL;
  if (!corral_dbus_helper1_call_create_volume_sync (proxy, volume_group, name, size, &path,
                                                    cancellable,
                                                    &local_error))
    {
      g_propagate_error (error, translate_error (local_error));
      return NULL;
    }
  return path;
}

gboolean
corral_helper_client_remove_volume_sync (CorralHelperClient  *self,
                                         const char          *volume_group,
                                         const char          *name,
                                         GCancellable        *cancellable,
                                         GError             **error)
{
  g_autoptr(CorralDBusHelper1) proxy = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (CORRAL_IS_HELPER_CLIENT (self), FALSE);
  g_return_val_if_fail (volume_group != NULL && name != NULL, FALSE);

  proxy = get_proxy (self, cancellable, error);
  if (proxy == NULL)
    return FALSE;
  if (!corral_dbus_helper1_call_remove_volume_sync (proxy, volume_group, name, cancellable,
                                                    &local_error))
    {
      g_propagate_error (error, translate_error (local_error));
      return FALSE;
    }
  return TRUE;
}

/* --- asynchronous calls: the synchronous ones in a thread, so the UI never waits --- */

typedef struct
{
  char    *volume_group;
  char    *name;
  guint64  size;
} CallData;

static void
call_data_free (CallData *data)
{
  g_free (data->volume_group);
  g_free (data->name);
  g_free (data);
}

static void
list_groups_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *groups = corral_helper_client_list_volume_groups_sync (source, cancellable, &error);

  if (groups == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, groups, (GDestroyNotify) g_ptr_array_unref);
}

static void
create_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CallData *data = task_data;
  GError *error = NULL;
  char *path = corral_helper_client_create_volume_sync (source, data->volume_group, data->name,
                                                        data->size,
                                                        cancellable, &error);

  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

static void
remove_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CallData *data = task_data;
  GError *error = NULL;

  if (corral_helper_client_remove_volume_sync (source, data->volume_group, data->name, cancellable,
                                               &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
run (CorralHelperClient  *self,
     gpointer             source_tag,
     CallData            *data,
     GTaskThreadFunc      func,
     GCancellable        *cancellable,
     GAsyncReadyCallback  callback,
     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (data != NULL)
    g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);
  g_task_run_in_thread (task, func);
}

void
corral_helper_client_list_volume_groups_async (CorralHelperClient  *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));

  run (self, corral_helper_client_list_volume_groups_async, NULL, list_groups_thread, cancellable,
       callback,
       user_data);
}

GPtrArray *
corral_helper_client_list_volume_groups_finish (CorralHelperClient  *self,
                                                GAsyncResult        *result,
                                                GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
corral_helper_client_create_volume_async (CorralHelperClient  *self,
                                          const char          *volume_group,
                                          const char          *name,
                                          guint64              size,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  CallData *data;

  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));

  data = g_new0 (CallData, 1);
  data->volume_group = g_strdup (volume_group);
  data->name = g_strdup (name);
  data->size = size;
  run (self, corral_helper_client_create_volume_async, data, create_thread, cancellable, callback,
       user_data);
}

char *
corral_helper_client_create_volume_finish (CorralHelperClient  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
corral_helper_client_remove_volume_async (CorralHelperClient  *self,
                                          const char          *volume_group,
                                          const char          *name,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  CallData *data;

  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));

  data = g_new0 (CallData, 1);
  data->volume_group = g_strdup (volume_group);
  data->name = g_strdup (name);
  run (self, corral_helper_client_remove_volume_async, data, remove_thread, cancellable, callback,
       user_data);
}

gboolean
corral_helper_client_remove_volume_finish (CorralHelperClient  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- object --- */

static void
corral_helper_client_finalize (GObject *object)
{
  CorralHelperClient *self = CORRAL_HELPER_CLIENT (object);

  g_clear_object (&self->bus);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (corral_helper_client_parent_class)->finalize (object);
}

static void
corral_helper_client_class_init (CorralHelperClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = corral_helper_client_finalize;
}

static void
corral_helper_client_init (CorralHelperClient *self)
{
  g_mutex_init (&self->lock);
}

/* @bus: the bus the helper is on, or NULL for the system bus. */
CorralHelperClient *
corral_helper_client_new (GDBusConnection *bus)
{
  CorralHelperClient *self = g_object_new (CORRAL_TYPE_HELPER_CLIENT, NULL);

  g_return_val_if_fail (bus == NULL || G_IS_DBUS_CONNECTION (bus), NULL);

  if (bus != NULL)
    self->bus = g_object_ref (bus);
  return self;
}
