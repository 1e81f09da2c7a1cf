/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A GLib-only client of corral-helper (org.corralvm.Helper1 on the system bus). Errors come back as
 * CORRAL_HELPER_ERROR codes with messages that say what to do; a missing helper is reported as
 * CORRAL_HELPER_ERROR_UNSUPPORTED ("install corral-helper"). The _sync calls are for worker
 * threads. */

typedef struct
{
  char    *name;
  guint64  size;  /* bytes */
  guint64  free;  /* bytes */
} CorralVolumeGroup;

void corral_volume_group_free (CorralVolumeGroup *group);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralVolumeGroup, corral_volume_group_free)

#define CORRAL_TYPE_HELPER_CLIENT (corral_helper_client_get_type ())

G_DECLARE_FINAL_TYPE (CorralHelperClient, corral_helper_client, CORRAL, HELPER_CLIENT, GObject)

CorralHelperClient *corral_helper_client_new                       (GDBusConnection    *bus);
void                corral_helper_client_list_volume_groups_async  (CorralHelperClient *self,
                                                                    GCancellable       *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer            user_data);
GPtrArray          *corral_helper_client_list_volume_groups_finish (CorralHelperClient *self,
                                                                    GAsyncResult       *result,
                                                                    GError            **error);
void                corral_helper_client_create_volume_async       (CorralHelperClient *self,
                                                                    const char         *group,
                                                                    const char         *name,
                                                                    guint64             size,
                                                                    GCancellable       *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer            user_data);
char               *corral_helper_client_create_volume_finish      (CorralHelperClient *self,
                                                                    GAsyncResult       *result,
                                                                    GError            **error);
void                corral_helper_client_remove_volume_async       (CorralHelperClient *self,
                                                                    const char         *group,
                                                                    const char         *name,
                                                                    GCancellable       *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer            user_data);
gboolean            corral_helper_client_remove_volume_finish      (CorralHelperClient *self,
                                                                    GAsyncResult       *result,
                                                                    GError            **error);
GPtrArray          *corral_helper_client_list_volume_groups_sync   (CorralHelperClient *self,
                                                                    GCancellable       *cancellable,
                                                                    GError            **error);
char               *corral_helper_client_create_volume_sync        (CorralHelperClient *self,
                                                                    const char         *group,
                                                                    const char         *name,
                                                                    guint64             size,
                                                                    GCancellable       *cancellable,
                                                                    GError            **error);
gboolean            corral_helper_client_remove_volume_sync        (CorralHelperClient *self,
                                                                    const char         *group,
                                                                    const char         *name,
                                                                    GCancellable       *cancellable,
                                                                    GError            **error);

G_END_DECLS
