/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "corral-guest.h"

G_BEGIN_DECLS

/* One action on several guests at once: each guest's own operation runs (all at the same time), and
 * each guest's outcome is kept, so that one failure never leaves the others unexplained. */

typedef enum
{
  CORRAL_GROUP_ACTION_START,
  CORRAL_GROUP_ACTION_SHUTDOWN,
  CORRAL_GROUP_ACTION_FORCE_OFF,
  CORRAL_GROUP_ACTION_TAKE_SNAPSHOT,
  CORRAL_GROUP_ACTION_REVERT_SNAPSHOT,
  CORRAL_GROUP_ACTION_DELETE,
} CorralGroupAction;

typedef struct
{
  CorralGuest *guest;
  GError      *error;   /* NULL: done */
  char        *note;    /* with no error, a word on how (e.g. "Running already"), or NULL */
} CorralGroupResult;

void corral_group_result_free (CorralGroupResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralGroupResult, corral_group_result_free)

/* @guests: CorralGuest. @name and @description: the snapshot's (take, revert); @delete_volumes: for
 * delete. Start on a guest that runs, or Shut Down / Force Off on one that is off, is done already (a
 * note says so). The result: a GPtrArray of CorralGroupResult in the order of @guests; the call as a
 * whole fails only when cancelled. */
void       corral_guest_group_run_async    (GPtrArray            *guests,
                                            CorralGroupAction     action,
                                            const char           *name,
                                            const char           *description,
                                            gboolean              delete_volumes,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GPtrArray *corral_guest_group_run_finish   (GAsyncResult         *result,
                                            GError              **error);

/* The names of the snapshots every one of @guests that has snapshots has, newest first: a guest with
 * none (its disks cannot have any, say) is left to be reported when reverting. A guest whose snapshots
 * cannot be read fails the call, naming it. */
void       corral_guest_group_fetch_common_snapshots_async  (GPtrArray            *guests,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
GStrv      corral_guest_group_fetch_common_snapshots_finish (GAsyncResult         *result,
                                                             GError              **error);

G_END_DECLS
