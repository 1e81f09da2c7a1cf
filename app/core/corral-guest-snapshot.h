/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "corral-guest.h"
#include "corral-guest-config.h"

G_BEGIN_DECLS

/* A guest's snapshots. Corral takes internal snapshots only (Debian 12's libvirt 9.0 cannot revert
 * external ones): a running guest's with its memory, so that reverting brings it back running; a shut-off
 * guest's of its disks. Internal snapshots need every disk in qcow2 (a CD/DVD drive does not count). */

typedef struct
{
  char      *name;
  char      *description;   /* "" when none */
  gint64     creation_time; /* seconds since the epoch */
  gboolean   running;       /* the guest was running when taken (memory kept); else shut off */
  char      *parent;        /* the parent snapshot's name, or NULL */
  gboolean   is_current;
} CorralSnapshotInfo;

void corral_snapshot_info_free (CorralSnapshotInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralSnapshotInfo, corral_snapshot_info_free)

/* Whether snapshots can be taken of a guest with @config's disks; if not, @reason (optional) gets one
 * sentence why, naming the disks. */
gboolean   corral_guest_snapshot_support        (CorralGuestConfig    *config,
                                                 char                **reason);

/* Oldest first: a GPtrArray of CorralSnapshotInfo. */
void       corral_guest_fetch_snapshots_async   (CorralGuest          *guest,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray *corral_guest_fetch_snapshots_finish  (CorralGuest          *guest,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* Refuses, before asking libvirt, an empty name, one with '/', one in use, and a guest whose disks
 * cannot have internal snapshots (CORRAL_ERROR_SNAPSHOT_*). */
void       corral_guest_take_snapshot_async     (CorralGuest          *guest,
                                                 const char           *name,
                                                 const char           *description,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean   corral_guest_take_snapshot_finish    (CorralGuest          *guest,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* A running snapshot leaves the guest running, a shut-off one shut off. */
void       corral_guest_revert_snapshot_async   (CorralGuest          *guest,
                                                 const char           *name,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean   corral_guest_revert_snapshot_finish  (CorralGuest          *guest,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* That snapshot only: its children are kept (they become its parent's). */
void       corral_guest_delete_snapshot_async   (CorralGuest          *guest,
                                                 const char           *name,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean   corral_guest_delete_snapshot_finish  (CorralGuest          *guest,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
