/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-guest-state.h"
#include "corral-gvir-autoptr.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_GUEST (corral_guest_get_type ())

G_DECLARE_FINAL_TYPE (CorralGuest, corral_guest, CORRAL, GUEST, GObject)

typedef struct _CorralConnection CorralConnection;

/* A disk of a guest, as the delete dialog lists it. */
typedef struct
{
  char     *path;        /* file or device path as the domain XML names it */
  char     *target;      /* e.g. "vda" */
  gboolean  is_volume;   /* a libvirt storage volume: Corral can delete it */
} CorralGuestDisk;

void              corral_guest_disk_free          (CorralGuestDisk *disk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralGuestDisk, corral_guest_disk_free)

const char       *corral_guest_get_name           (CorralGuest *self);
const char       *corral_guest_get_uuid           (CorralGuest *self);
CorralGuestState  corral_guest_get_state          (CorralGuest *self);
const char       *corral_guest_get_state_label    (CorralGuest *self);
const char       *corral_guest_get_state_icon     (CorralGuest *self);
guint64           corral_guest_get_memory         (CorralGuest *self);
guint             corral_guest_get_vcpus          (CorralGuest *self);
const char       *corral_guest_get_os_id          (CorralGuest *self);
const char       *corral_guest_get_ip_address     (CorralGuest *self);
const char       *corral_guest_get_forwards_summary (CorralGuest *self);
const char       *corral_guest_get_group          (CorralGuest *self);
const char       *corral_guest_get_cloud_user     (CorralGuest *self);
char             *corral_guest_dup_ssh_command    (CorralGuest *self);
gboolean          corral_guest_get_persistent     (CorralGuest *self);
CorralConnection *corral_guest_get_connection     (CorralGuest *self);
GVirDomain       *corral_guest_get_domain         (CorralGuest *self);
int               corral_guest_compare            (gconstpointer      a,
                                                   gconstpointer      b,
                                                   gpointer           user_data);
gboolean          corral_guest_is_installing      (CorralGuest       *self);
gboolean          corral_guest_is_action_allowed  (CorralGuest       *self,
                                                   CorralGuestAction  action);

void              corral_guest_run_action_async   (CorralGuest          *self,
                                                   CorralGuestAction     action,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean          corral_guest_run_action_finish  (CorralGuest          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void              corral_guest_list_disks_async   (CorralGuest          *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GPtrArray        *corral_guest_list_disks_finish  (CorralGuest          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void              corral_guest_delete_async       (CorralGuest          *self,
                                                   gboolean              delete_volumes,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean          corral_guest_delete_finish      (CorralGuest          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void              corral_guest_load_details_async (CorralGuest          *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean          corral_guest_load_details_finish (CorralGuest         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
