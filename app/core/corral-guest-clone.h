/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "corral-guest.h"

G_BEGIN_DECLS

/* Clones of a shut-off guest. A clone is the guest's definition under a new name, with a UUID and MAC
 * addresses of its own (libvirt makes them), the graphics port and sockets left to libvirt, title and
 * description kept; its forwards and DHCP reservations (corral-helper's, keyed by the guest's UUID and
 * MAC) are not copied. CD/DVD drives keep their ISO (shared read-only), but for the cloud-init seed
 * of a guest made from a cloud image (NAME-cidata.iso in a pool): each clone gets a seed of its own,
 * CLONE-cidata.iso in the same pool, with the guest's user-data but the clone's host name and a new
 * instance-id, so it comes up as itself (and keeps <corral:cloud user=…/>). Every disk is replaced:
 *
 * FULL    a copy in the same storage pool (virStorageVolCreateXMLFrom: any format, progress polled).
 * LINKED  qcow2 only: the guest's disk becomes a read-only base; each clone, and the guest itself, gets
 *         a small qcow2 overlay on it in the same pool, so they share what the base holds and each
 *         writes only its own overlay. A base is never deleted while a guest's disk is based on it.
 *
 * Logical volumes (corral-helper) cannot be copied yet: such guests are refused, naming the disk. */

typedef enum {
  CORRAL_CLONE_FULL,
  CORRAL_CLONE_LINKED,
} CorralCloneMode;

/* What cloning a guest needs to know, read once from libvirt (in a worker thread): its definition,
 * its disks' pools, sizes and free space, the names in use on its connection. */
typedef struct _CorralCloneSource CorralCloneSource;

#define CORRAL_TYPE_CLONE_SOURCE (corral_clone_source_get_type ())

GType               corral_clone_source_get_type       (void) G_GNUC_CONST;
CorralCloneSource  *corral_clone_source_ref            (CorralCloneSource    *self);
void                corral_clone_source_unref          (CorralCloneSource    *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralCloneSource, corral_clone_source_unref)

void                corral_guest_read_clone_source_async  (CorralGuest          *guest,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
CorralCloneSource  *corral_guest_read_clone_source_finish (CorralGuest          *guest,
                                                           GAsyncResult         *result,
                                                           GError              **error);

const char         *corral_clone_source_get_name       (CorralCloneSource    *self);
gboolean            corral_clone_source_is_running     (CorralCloneSource    *self);
/* Whether clones in @mode can be made of this guest's disks (running or not); if not, @reason (optional)
 * gets one sentence why, naming the disk. */
gboolean            corral_clone_source_supports       (CorralCloneSource    *self,
                                                        CorralCloneMode       mode,
                                                        char                **reason);
/* Bytes @count clones in @mode take in the guest's pools, and the free bytes there (the least free of
 * its disks' pools; G_MAXUINT64 when the guest has no disk). */
guint64             corral_clone_source_get_needed     (CorralCloneSource    *self,
                                                        CorralCloneMode       mode,
                                                        guint                 count);
guint64             corral_clone_source_get_available  (CorralCloneSource    *self);
/* The default names of @count clones: "NAME-clone" for one; for a member of a group ("node3", with
 * "node1" … on the connection too) the group's next numbers ("node4" …), else "NAME-clone-1" …
 * "NAME-clone-N". */
GStrv               corral_clone_source_suggest_names  (CorralCloneSource    *self,
                                                        guint                 count);

/* Refuses, before anything is made: an invalid name or one in use on the guest's connection (the guest
 * spec's codes and wording), for a guest with a cloud-init seed a name that is no host name
 * (CORRAL_ERROR_CLOUD_HOST_NAME), the same name twice, a running guest (CORRAL_ERROR_CLONE_RUNNING),
 * disks that cannot be cloned in @mode (CORRAL_ERROR_CLONE_UNSUPPORTED), too little free space in a pool
 * (CORRAL_ERROR_CLONE_NO_SPACE), a volume of a clone's disk's name in the pool already
 * (CORRAL_ERROR_CONFLICT). */
gboolean            corral_clone_source_check          (CorralCloneSource    *self,
                                                        const char * const   *names,
                                                        CorralCloneMode       mode,
                                                        GError              **error);

/* @fraction 0…1 of the whole; called on the main context that started the clone, never after its
 * callback. */
typedef void (*CorralCloneProgressFunc) (double      fraction,
                                         gpointer    user_data);

/* Reads the guest again and checks as corral_clone_source_check() does, then makes the clones named
 * @names. A failure or a cancellation midway removes what was made (volumes, definitions) and leaves the
 * guest as it was. A cancellation takes effect between two disk copies (libvirt cannot stop one): the
 * volume being copied is deleted when its copy ends. LINKED also moves the guest itself onto an overlay
 * of its old disk (see above). @progress_notify frees @progress_data once the clone is over. */
void                corral_guest_clone_async           (CorralGuest             *guest,
                                                        const char * const      *names,
                                                        CorralCloneMode          mode,
                                                        GCancellable            *cancellable,
                                                        CorralCloneProgressFunc  progress,
                                                        gpointer                 progress_data,
                                                        GDestroyNotify           progress_notify,
                                                        GAsyncReadyCallback      callback,
                                                        gpointer                 user_data);
gboolean            corral_guest_clone_finish          (CorralGuest             *guest,
                                                        GAsyncResult            *result,
                                                        GError                 **error);

G_END_DECLS
