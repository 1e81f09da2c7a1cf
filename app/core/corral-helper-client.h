/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The one client of corral-helper (org.corralvm.Helper1, on the system bus by default): every
 * helper method, async on the generated proxy (made once, on first use). Errors are CORRAL_ERROR
 * codes with one wording per condition (HELPER_MISSING, NOT_AUTHORIZED, INVALID_ARGUMENT,
 * CONFLICT, NOT_FOUND, UNSUPPORTED, NO_SPACE, FAILED). It also keeps the list of all guests'
 * forwards, fetched on first use and after each change made through it ("changed"). */

typedef struct
{
  char    *name;
  guint64  size;  /* bytes */
  guint64  free;  /* bytes */
} CorralVolumeGroup;

void corral_volume_group_free (CorralVolumeGroup *group);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralVolumeGroup, corral_volume_group_free)

/* A logical volume Corral made (tagged as Corral's), as LVM reports it now. */
typedef struct
{
  char    *group;
  char    *name;
  guint64  size;  /* bytes */
  char    *path;
} CorralLogicalVolume;

void corral_logical_volume_free (CorralLogicalVolume *volume);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralLogicalVolume, corral_logical_volume_free)

/* What the helper says about forwarding on this host, worst first. */
typedef enum {
  CORRAL_FORWARDS_READY,
  CORRAL_FORWARDS_NO_IP_FORWARDING,  /* IPv4 forwarding is off: only the host reaches forwards */
  CORRAL_FORWARDS_HOOK_INACTIVE,     /* installed after libvirtd started: libvirtd ignores it */
  CORRAL_FORWARDS_HOOK_MISSING,      /* the helper runs but its libvirt hook is not installed */
} CorralForwardsReadiness;

#define CORRAL_TYPE_HELPER_CLIENT (corral_helper_client_get_type ())

G_DECLARE_FINAL_TYPE (CorralHelperClient, corral_helper_client, CORRAL, HELPER_CLIENT, GObject)

CorralHelperClient     *corral_helper_client_new                       (GDBusConnection     *bus);
CorralHelperClient     *corral_helper_client_get_default               (void);

/* --- status --- */
void                    corral_helper_client_get_readiness_async       (CorralHelperClient  *self,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
CorralForwardsReadiness corral_helper_client_get_readiness_finish      (CorralHelperClient  *self,
                                                                        GAsyncResult        *result,
                                                                        char               **message,
                                                                        GError             **error);

/* --- forwards --- */
void                    corral_helper_client_list_forwards_async       (CorralHelperClient  *self,
                                                                        const char          *guest_uuid,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
GPtrArray              *corral_helper_client_list_forwards_finish      (CorralHelperClient  *self,
                                                                        GAsyncResult        *result,
                                                                        GError             **error);
void                    corral_helper_client_add_forward_async         (CorralHelperClient  *self,
                                                                        const char          *guest_uuid,
                                                                        const char          *protocol,
                                                                        const char          *host_address,
                                                                        guint                host_port,
                                                                        guint                guest_port,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
char                   *corral_helper_client_add_forward_finish        (CorralHelperClient  *self,
                                                                        GAsyncResult        *result,
                                                                        GError             **error);
void                    corral_helper_client_remove_forward_async      (CorralHelperClient  *self,
                                                                        const char          *protocol,
                                                                        const char          *host_address,
                                                                        guint                host_port,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
gboolean                corral_helper_client_remove_forward_finish     (CorralHelperClient  *self,
                                                                        GAsyncResult        *result,
                                                                        GError             **error);
/* The ports (guint16, ascending) on which a forward from @host_address ("" for every address)
 * would conflict with a host process listening (tcp) or bound (udp) there. */
void                    corral_helper_client_list_host_ports_async     (CorralHelperClient  *self,
                                                                        const char          *protocol,
                                                                        const char          *host_address,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
GArray                 *corral_helper_client_list_host_ports_finish    (CorralHelperClient  *self,
                                                                        GAsyncResult        *result,
                                                                        GError             **error);

/* The cache of all guests' forwards. */
void                    corral_helper_client_refresh_forwards          (CorralHelperClient  *self);
GPtrArray              *corral_helper_client_get_cached_forwards       (CorralHelperClient  *self,
                                                                        const char          *guest_uuid);
char                   *corral_helper_client_dup_forwards_summary      (CorralHelperClient  *self,
                                                                        const char          *guest_uuid);
gboolean                corral_helper_client_host_port_taken           (CorralHelperClient  *self,
                                                                        const char          *protocol,
                                                                        guint                port,
                                                                        GArray              *host_ports);
guint                   corral_helper_client_suggest_host_port         (CorralHelperClient  *self,
                                                                        const char          *protocol,
                                                                        guint                guest_port,
                                                                        GArray              *host_ports);

/* --- volumes --- */
void                    corral_helper_client_list_volume_groups_async  (CorralHelperClient  *self,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
GPtrArray              *corral_helper_client_list_volume_groups_finish (CorralHelperClient  *self,
                                                                        GAsyncResult        *result,
                                                                        GError             **error);
void                    corral_helper_client_list_volumes_async        (CorralHelperClient  *self,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
GPtrArray              *corral_helper_client_list_volumes_finish       (CorralHelperClient  *self,
                                                                        GAsyncResult        *result,
                                                                        GError             **error);
void                    corral_helper_client_create_volume_async       (CorralHelperClient  *self,
                                                                        const char          *group,
                                                                        const char          *name,
                                                                        guint64              size,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
char                   *corral_helper_client_create_volume_finish      (CorralHelperClient  *self,
                                                                        GAsyncResult        *result,
                                                                        GError             **error);
void                    corral_helper_client_remove_volume_async       (CorralHelperClient  *self,
                                                                        const char          *group,
                                                                        const char          *name,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
gboolean                corral_helper_client_remove_volume_finish      (CorralHelperClient  *self,
                                                                        GAsyncResult        *result,
                                                                        GError             **error);
/* Grows a Corral-tagged logical volume to @size bytes (a multiple of 512; never shrinks). */
void                    corral_helper_client_resize_volume_async       (CorralHelperClient  *self,
                                                                        const char          *group,
                                                                        const char          *name,
                                                                        guint64              size,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
gboolean                corral_helper_client_resize_volume_finish      (CorralHelperClient  *self,
                                                                        GAsyncResult        *result,
                                                                        GError             **error);

G_END_DECLS
