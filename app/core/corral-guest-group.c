/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-group"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "corral-guest-group.h"
#include "corral-guest-snapshot.h"

void
corral_group_result_free (CorralGroupResult *result)
{
  if (result == NULL)
    return;
  g_clear_object (&result->guest);
  g_clear_error (&result->error);
  g_free (result->note);
  g_free (result);
}

typedef struct
{
  CorralGroupAction  action;
  GPtrArray         *results;   /* CorralGroupResult, in the guests' order */
  guint              pending;
} Run;

static void
run_free (Run *run)
{
  g_ptr_array_unref (run->results);
  g_free (run);
}

typedef struct
{
  GTask             *task;
  CorralGroupResult *result;
} One;

static void
one_done (One    *one,
          GError *error)
{
  g_autoptr(GTask) task = one->task;
  Run *run = g_task_get_task_data (task);

  one->result->error = error;
  g_free (one);
  if (--run->pending > 0)
    return;
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_ptr_array_ref (run->results), (GDestroyNotify) g_ptr_array_unref);
}

static void
one_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  One *one = user_data;
  Run *run = g_task_get_task_data (one->task);
  CorralGuest *guest = CORRAL_GUEST (object);
  GError *error = NULL;

  switch (run->action)
    {
    case CORRAL_GROUP_ACTION_START:
    case CORRAL_GROUP_ACTION_SHUTDOWN:
    case CORRAL_GROUP_ACTION_FORCE_OFF:
      corral_guest_run_action_finish (guest, result, &error);
      break;
    case CORRAL_GROUP_ACTION_TAKE_SNAPSHOT:
      corral_guest_take_snapshot_finish (guest, result, &error);
      break;
    case CORRAL_GROUP_ACTION_REVERT_SNAPSHOT:
      corral_guest_revert_snapshot_finish (guest, result, &error);
      break;
    case CORRAL_GROUP_ACTION_DELETE:
      corral_guest_delete_finish (guest, result, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  one_done (one, error);
}

/* Whether the guest is where the action would take it already (nothing to do). */
static const char *
done_already (CorralGuest       *guest,
              CorralGroupAction  action)
{
  CorralGuestState state = corral_guest_get_state (guest);
  gboolean active = corral_guest_state_is_active (state);

  if (action == CORRAL_GROUP_ACTION_START && active)
    return _("Running already");
  if ((action == CORRAL_GROUP_ACTION_SHUTDOWN || action == CORRAL_GROUP_ACTION_FORCE_OFF)
      && !active && state != CORRAL_GUEST_STATE_DISCONNECTED)
    return _("Shut off already");
  return NULL;
}

void
corral_guest_group_run_async (GPtrArray           *guests,
                              CorralGroupAction    action,
                              const char          *name,
                              const char          *description,
                              gboolean             delete_volumes,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (guests != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_group_run_async);
  run = g_new0 (Run, 1);
  run->action = action;
  run->results = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_group_result_free);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  /* one count for this loop, so that answers given at once do not end the run half-way */
  run->pending = 1;
  for (guint i = 0; i < guests->len; i++)
    {
      CorralGuest *guest = g_ptr_array_index (guests, i);
      CorralGroupResult *result = g_new0 (CorralGroupResult, 1);
      const char *already = done_already (guest, action);
      One *one;

      result->guest = g_object_ref (guest);
      g_ptr_array_add (run->results, result);
      if (already != NULL)
        {
          result->note = g_strdup (already);
          continue;
        }
      one = g_new0 (One, 1);
      one->task = g_object_ref (task);
      one->result = result;
      run->pending++;
      switch (action)
        {
        case CORRAL_GROUP_ACTION_START:
          corral_guest_run_action_async (guest, CORRAL_GUEST_ACTION_START, cancellable, one_cb, one);
          break;
        case CORRAL_GROUP_ACTION_SHUTDOWN:
          corral_guest_run_action_async (guest, CORRAL_GUEST_ACTION_SHUTDOWN, cancellable, one_cb, one);
          break;
        case CORRAL_GROUP_ACTION_FORCE_OFF:
          corral_guest_run_action_async (guest, CORRAL_GUEST_ACTION_FORCE_OFF, cancellable, one_cb, one);
          break;
        case CORRAL_GROUP_ACTION_TAKE_SNAPSHOT:
          corral_guest_take_snapshot_async (guest, name, description, cancellable, one_cb, one);
          break;
        case CORRAL_GROUP_ACTION_REVERT_SNAPSHOT:
          corral_guest_revert_snapshot_async (guest, name, cancellable, one_cb, one);
          break;
        case CORRAL_GROUP_ACTION_DELETE:
          corral_guest_delete_async (guest, delete_volumes, cancellable, one_cb, one);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  /* the loop's own count */
  if (--run->pending == 0 && !g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, g_ptr_array_ref (run->results), (GDestroyNotify) g_ptr_array_unref);
}

GPtrArray *
corral_guest_group_run_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the snapshots all have --- */

typedef struct
{
  GPtrArray *lists;     /* a GPtrArray of CorralSnapshotInfo per guest, NULL until fetched */
  GError    *error;     /* the first failure */
  guint      pending;
} Common;

static void
common_free (Common *common)
{
  g_ptr_array_unref (common->lists);
  g_clear_error (&common->error);
  g_free (common);
}

typedef struct
{
  GTask *task;
  guint  index;
} CommonOne;

static void
common_finish (GTask *task)
{
  Common *common = g_task_get_task_data (task);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  GPtrArray *first;

  if (common->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&common->error));
      return;
    }
  /* A guest with no snapshot at all (one whose disks cannot have any, say) does not empty the list: it
   * is the one reported when reverting. */
  first = NULL;
  for (guint j = 0; first == NULL && j < common->lists->len; j++)
    if (((GPtrArray *) g_ptr_array_index (common->lists, j))->len > 0)
      first = g_ptr_array_index (common->lists, j);
  for (guint i = first != NULL ? first->len : 0; i-- > 0;)
    {
      const char *name = ((CorralSnapshotInfo *) g_ptr_array_index (first, i))->name;
      gboolean everywhere = TRUE;

      for (guint j = 0; everywhere && j < common->lists->len; j++)
        {
          GPtrArray *list = g_ptr_array_index (common->lists, j);
          gboolean found = list->len == 0;

          for (guint k = 0; !found && k < list->len; k++)
            found = g_strcmp0 (((CorralSnapshotInfo *) g_ptr_array_index (list, k))->name, name) == 0;
          everywhere = found;
        }
      if (everywhere)
        g_strv_builder_add (names, name);
    }
  g_task_return_pointer (task, g_strv_builder_end (names), (GDestroyNotify) g_strfreev);
}

static void
common_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CommonOne *one = user_data;
  g_autoptr(GTask) task = one->task;
  Common *common = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *list;

  list = corral_guest_fetch_snapshots_finish (CORRAL_GUEST (object), result, &error);
  if (list != NULL)
    {
      g_ptr_array_unref (g_ptr_array_index (common->lists, one->index));
      common->lists->pdata[one->index] = list;
    }
  else if (common->error == NULL)
    common->error = error;
  else
    g_error_free (error);
  g_free (one);
  if (--common->pending == 0)
    common_finish (task);
}

void
corral_guest_group_fetch_common_snapshots_async (GPtrArray           *guests,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Common *common;

  g_return_if_fail (guests != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_group_fetch_common_snapshots_async);
  common = g_new0 (Common, 1);
  common->lists = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_task_set_task_data (task, common, (GDestroyNotify) common_free);
  if (guests->len == 0)
    {
      common_finish (task);
      return;
    }
  for (guint i = 0; i < guests->len; i++)
    g_ptr_array_add (common->lists, g_ptr_array_new ());
  common->pending = guests->len;
  for (guint i = 0; i < guests->len; i++)
    {
      CommonOne *one = g_new0 (CommonOne, 1);

      one->task = g_object_ref (task);
      one->index = i;
      corral_guest_fetch_snapshots_async (g_ptr_array_index (guests, i), cancellable, common_cb, one);
    }
}

GStrv
corral_guest_group_fetch_common_snapshots_finish (GAsyncResult  *result,
                                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
