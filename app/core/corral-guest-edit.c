/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-edit"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-edit-private.h"
#include "corral-guest-private.h"
#include "corral-guest-spec-access.h"
#include "corral-guest-spec.h"

/* Applying a CorralGuestEdit, in a worker thread, in four stages:
 *  1. read the guest afresh and check every change, building the next start's definition from the
 *     current inactive XML with only the touched elements changed (nothing is changed yet);
 *  2. storage: new volumes created and grown ones grown (a running guest's pool volume is grown by
 *     QEMU in stage 4: it holds the image's lock);
 *  3. the definition in one virDomainDefineXML;
 *  4. on a running guest, what can change live, with VIR_DOMAIN_AFFECT_LIVE; then autostart and
 *     rename; last, the storage of removed disks is deleted.
 * A failure in 2-4 undoes what was done before it (the old definition defined again, live steps
 * reversed, new storage deleted, grown pool volumes shrunk back; a grown logical volume stays
 * grown: the helper never shrinks one). */

void
_corral_edit_step_free (Step *step)
{
  g_free (step->target);
  g_free (step->live_before);
  g_free (step->live_after);
  g_free (step->path);
  g_free (step->format);
  g_free (step->pool);
  g_free (step->volume);
  g_free (step->lvm_group);
  g_free (step->lvm_name);
  g_free (step);
}

static void
apply_free (Apply *a)
{
  if (a->vdom != NULL)
    virDomainFree (a->vdom);
  if (a->conn != NULL)
    virConnectClose (a->conn);
  g_free (a->uuid);
  g_clear_pointer (&a->edit, corral_guest_edit_unref);
  g_clear_object (&a->helper);
  g_clear_pointer (&a->context, g_main_context_unref);
  g_clear_pointer (&a->now, corral_guest_config_unref);
  g_clear_pointer (&a->doc, xmlFreeDoc);
  g_clear_pointer (&a->live_doc, xmlFreeDoc);
  g_clear_pointer (&a->steps, g_ptr_array_unref);
  g_clear_pointer (&a->groups, g_ptr_array_unref);
  g_clear_pointer (&a->needed, g_hash_table_unref);
  g_clear_pointer (&a->targets, g_hash_table_unref);
  g_free (a);
}

/* --- storage --- */

static virStorageVolPtr
lookup_volume (Apply      *a,
               const char *pool_name,
               const char *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (a->conn, pool_name);
  virStorageVolPtr vol = pool != NULL ? virStorageVolLookupByName (pool, name) : NULL;

  if (pool != NULL)
    virStoragePoolFree (pool);
  return vol;
}

static gboolean
create_storage (Apply   *a,
                Step    *step,
                GError **error)
{
  if (step->pool != NULL)
    {
      virStoragePoolPtr pool = virStoragePoolLookupByName (a->conn, step->pool);
      g_autofree char *xml = g_markup_printf_escaped (
        "<volume><name>%s</name><capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>"
        "<target><format type='qcow2'/></target></volume>", step->volume, step->op->bytes);
      virStorageVolPtr vol = pool != NULL ? virStorageVolCreateXML (pool, xml, 0) : NULL;
      char *path = vol != NULL ? virStorageVolGetPath (vol) : NULL;

      if (pool != NULL)
        virStoragePoolFree (pool);
      if (path == NULL)
        {
          g_autofree char *message = _corral_edit_last_error ();

          if (vol != NULL)
            {
              virStorageVolDelete (vol, 0);
              virStorageVolFree (vol);
            }
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_FAILED,
                       _("Could not create the disk “%s” in “%s”: %s"), step->volume, step->pool, message);
          return FALSE;
        }
      step->path = g_strdup (path);
      free (path);
      virStorageVolFree (vol);
    }
  else
    {
      g_autoptr(GAsyncResult) result = _corral_edit_helper_call (a, HELPER_CREATE, step->lvm_group, step->lvm_name,
                                                    step->op->bytes);

      step->path = corral_helper_client_create_volume_finish (a->helper, result, error);
      if (step->path == NULL)
        return FALSE;
    }
  step->storage_done = TRUE;
  return TRUE;
}

static gboolean
grow_storage (Apply   *a,
              Step    *step,
              GError **error)
{
  /* A running QEMU holds its image's write lock (qemu-img cannot resize it): QEMU grows it itself,
   * virDomainBlockResize in the live step. A logical volume's device grows first, then QEMU's view. */
  if (step->pool != NULL && step->live)
    return TRUE;
  if (step->pool != NULL)
    {
      virStorageVolPtr vol = lookup_volume (a, step->pool, step->volume);

      if (vol == NULL || virStorageVolResize (vol, step->op->bytes, 0) < 0)
        {
          g_autofree char *message = _corral_edit_last_error ();

          if (vol != NULL)
            virStorageVolFree (vol);
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_FAILED, _("Could not grow “%s”: %s"),
                       step->target, message);
          return FALSE;
        }
      virStorageVolFree (vol);
    }
  else
    {
      g_autoptr(GAsyncResult) result = _corral_edit_helper_call (a, HELPER_RESIZE, step->lvm_group, step->lvm_name,
                                                    step->op->bytes);

      if (!corral_helper_client_resize_volume_finish (a->helper, result, error))
        return FALSE;
    }
  step->storage_done = TRUE;
  return TRUE;
}

static gboolean
delete_storage (Apply   *a,
                Step    *step,
                GError **error)
{
  if (step->pool != NULL)
    {
      virStorageVolPtr vol = lookup_volume (a, step->pool, step->volume);

      if (vol == NULL || virStorageVolDelete (vol, 0) < 0)
        {
          g_autofree char *message = _corral_edit_last_error ();

          if (vol != NULL)
            virStorageVolFree (vol);
          g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_FAILED, message);
          return FALSE;
        }
      virStorageVolFree (vol);
      return TRUE;
    }
  else
    {
      g_autoptr(GAsyncResult) result = _corral_edit_helper_call (a, HELPER_REMOVE, step->lvm_group, step->lvm_name, 0);

      return corral_helper_client_remove_volume_finish (a->helper, result, error);
    }
}

static void
undo_storage (Apply *a)
{
  for (guint i = a->steps->len; i-- > 0;)
    {
      Step *step = g_ptr_array_index (a->steps, i);
      g_autoptr(GError) error = NULL;

      if (!step->storage_done)
        continue;
      step->storage_done = FALSE;
      if (step->op->kind == EDIT_ADD_DISK)
        {
          if (!delete_storage (a, step, &error))
            g_warning ("Could not delete %s after a failed edit: %s", step->path, error->message);
        }
      else if (step->op->kind == EDIT_RESIZE_DISK && step->pool != NULL)
        {
          virStorageVolPtr vol = lookup_volume (a, step->pool, step->volume);

          if (vol == NULL || virStorageVolResize (vol, step->old_capacity, VIR_STORAGE_VOL_RESIZE_SHRINK) < 0)
            g_warning ("Could not shrink %s back after a failed edit: %s", step->volume,
                       virGetLastErrorMessage ());
          virResetLastError ();
          if (vol != NULL)
            virStorageVolFree (vol);
        }
    }
}

/* --- live --- */

static gboolean
live_step (Apply   *a,
           Step    *step,
           GError **error)
{
  const unsigned int flags = VIR_DOMAIN_AFFECT_LIVE;
  int rc = 0;

  switch (step->op->kind)
    {
    case EDIT_CDROM:
    case EDIT_CHANGE_NIC:
      rc = virDomainUpdateDeviceFlags (a->vdom, step->live_after, flags);
      break;
    case EDIT_ADD_DISK:
    case EDIT_ADD_NIC:
      if (virDomainAttachDeviceFlags (a->vdom, step->live_after, flags) < 0)
        {
          /* no hotplug here (no free slot, or the bus cannot): at the next start */
          g_debug ("Hot-adding to %s failed, at the next start: %s", _corral_edit_guest_name (a), virGetLastErrorMessage ());
          virResetLastError ();
          step->attach_failed = TRUE;
          a->needs_restart = TRUE;
          return TRUE;
        }
      break;
    case EDIT_REMOVE_DISK:
    case EDIT_REMOVE_NIC:
      rc = virDomainDetachDeviceFlags (a->vdom, step->live_before, flags);
      break;
    case EDIT_RESIZE_DISK:
      rc = virDomainBlockResize (a->vdom, step->target, step->op->bytes, VIR_DOMAIN_BLOCK_RESIZE_BYTES);
      break;
    default:
      break;
    }
  if (rc < 0)
    {
      g_autofree char *message = _corral_edit_last_error ();

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_FAILED,
                   _("Could not change the running “%s”, so nothing was changed: %s"), _corral_edit_guest_name (a),
                   message);
      return FALSE;
    }
  step->live_done = TRUE;
  return TRUE;
}

static void
undo_live_step (Apply *a,
                Step  *step)
{
  const unsigned int flags = VIR_DOMAIN_AFFECT_LIVE;
  int rc = 0;

  switch (step->op->kind)
    {
    case EDIT_CDROM:
    case EDIT_CHANGE_NIC:
      rc = virDomainUpdateDeviceFlags (a->vdom, step->live_before, flags);
      break;
    case EDIT_ADD_DISK:
    case EDIT_ADD_NIC:
      rc = virDomainDetachDeviceFlags (a->vdom, step->live_after, flags);
      break;
    case EDIT_REMOVE_DISK:
    case EDIT_REMOVE_NIC:
      rc = virDomainAttachDeviceFlags (a->vdom, step->live_before, flags);
      break;
    case EDIT_RESIZE_DISK:
    default:
      break;   /* a grown disk stays grown */
    }
  if (rc < 0)
    g_warning ("Could not undo a live change of %s: %s", _corral_edit_guest_name (a), virGetLastErrorMessage ());
  virResetLastError ();
}

static void
undo (Apply *a)
{
  for (guint i = a->steps->len; i-- > 0;)
    {
      Step *step = g_ptr_array_index (a->steps, i);

      if (step->live_done)
        undo_live_step (a, step);
    }
  if (a->vcpus_live && a->old_live_vcpus > 0)
    virDomainSetVcpusFlags (a->vdom, a->old_live_vcpus, VIR_DOMAIN_AFFECT_LIVE);
  if (a->memory_live && a->old_live_memory > 0)
    virDomainSetMemoryFlags (a->vdom, a->old_live_memory / 1024, VIR_DOMAIN_AFFECT_LIVE);
  if (a->autostart_done)
    virDomainSetAutostart (a->vdom, a->now->autostart);
  if (a->defined)
    {
      virDomainPtr old = virDomainDefineXML (a->conn, a->now->inactive_xml);

      if (old == NULL)
        g_warning ("Could not define %s as it was: %s", _corral_edit_guest_name (a), virGetLastErrorMessage ());
      else
        virDomainFree (old);
    }
  virResetLastError ();
  undo_storage (a);
}

static gboolean
set_metadata_live (Apply       *a,
                   int          type,
                   const char  *text,
                   GError     **error)
{
  if (virDomainSetMetadata (a->vdom, type, text != NULL && *text != '\0' ? text : NULL, NULL, NULL,
                            VIR_DOMAIN_AFFECT_LIVE) < 0)
    {
      g_autofree char *message = _corral_edit_last_error ();

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_FAILED,
                   _("Could not change the running “%s”, so nothing was changed: %s"), _corral_edit_guest_name (a),
                   message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_live (Apply   *a,
            GError **error)
{
  CorralGuestEdit *edit = a->edit;

  if (a->memory_live)
    {
      a->old_live_memory = a->now->live->memory;
      if (virDomainSetMemoryFlags (a->vdom, edit->memory / 1024, VIR_DOMAIN_AFFECT_LIVE) < 0)
        {
          g_autofree char *message = _corral_edit_last_error ();

          a->memory_live = FALSE;
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_FAILED,
                       _("Could not change the running “%s”, so nothing was changed: %s"), _corral_edit_guest_name (a),
                       message);
          return FALSE;
        }
    }
  if (a->vcpus_live)
    {
      a->old_live_vcpus = a->now->live->vcpus;
      if (virDomainSetVcpusFlags (a->vdom, edit->vcpus, VIR_DOMAIN_AFFECT_LIVE) < 0)
        {
          g_autofree char *message = _corral_edit_last_error ();

          a->vcpus_live = FALSE;
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_FAILED,
                       _("Could not change the running “%s”, so nothing was changed: %s"), _corral_edit_guest_name (a),
                       message);
          return FALSE;
        }
    }
  for (guint i = 0; i < a->steps->len; i++)
    {
      Step *step = g_ptr_array_index (a->steps, i);

      if (step->live && !live_step (a, step, error))
        return FALSE;
    }
  if (a->title_live && !set_metadata_live (a, VIR_DOMAIN_METADATA_TITLE, edit->title, error))
    return FALSE;
  if (a->description_live &&
      !set_metadata_live (a, VIR_DOMAIN_METADATA_DESCRIPTION, edit->description, error))
    return FALSE;
  return TRUE;
}

/* A hot-removed device the guest has not let go of yet stays until it does, or until the next start. */
static gboolean
still_live (Apply *a,
            Step  *step)
{
  char *xml = virDomainGetXMLDesc (a->vdom, 0);
  xmlDocPtr doc;
  gboolean found;

  if (xml == NULL)
    {
      virResetLastError ();
      return TRUE;
    }
  doc = xmlReadMemory (xml, strlen (xml), "domain.xml", NULL, XML_PARSE_NONET);
  free (xml);
  if (doc == NULL)
    return TRUE;
  found = _corral_edit_find_device (doc, step->op->kind == EDIT_REMOVE_DISK ? "disk" : "interface", step->target) != NULL;
  xmlFreeDoc (doc);
  return found;
}

static void
apply_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Apply *a = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) kept = NULL;
  g_autofree char *xml = NULL;
  virDomainPtr defined;

  a->vdom = virDomainLookupByUUIDString (a->conn, a->uuid);
  if (a->vdom == NULL)
    {
      g_autofree char *message = _corral_edit_last_error ();

      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_FOUND, _("The guest is gone: %s"), message);
      return;
    }

  /* 1. read afresh, check everything, build the new definition */
  a->now = _corral_guest_config_read (a->conn, a->vdom, &error);
  if (a->now == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  a->doc = xmlReadMemory (a->now->inactive_xml, strlen (a->now->inactive_xml), "domain.xml", NULL,
                          XML_PARSE_NONET);
  if (a->now->live_xml != NULL)
    a->live_doc = xmlReadMemory (a->now->live_xml, strlen (a->now->live_xml), "domain.xml", NULL,
                                 XML_PARSE_NONET);
  if (a->doc == NULL || (a->now->live_xml != NULL && a->live_doc == NULL))
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                               _("libvirt gave a guest definition Corral cannot read"));
      return;
    }
  if (!_corral_edit_plan (a, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* 2. storage */
  for (guint i = 0; i < a->steps->len; i++)
    {
      Step *step = g_ptr_array_index (a->steps, i);
      gboolean ok = TRUE;

      if (step->op->kind == EDIT_ADD_DISK)
        {
          if (step->op->disk_kind != CORRAL_NEW_DISK_EXISTING)
            ok = create_storage (a, step, &error);
          if (ok)
            _corral_edit_build_disk_node (a, step);
        }
      else if (step->op->kind == EDIT_RESIZE_DISK)
        ok = grow_storage (a, step, &error);
      if (!ok)
        {
          undo_storage (a);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  /* 3. the next start's definition, in one step */
  xml = _corral_edit_node_xml (xmlDocGetRootElement (a->doc));
  if (g_strcmp0 (xml, a->now->inactive_xml) != 0)
    {
      defined = virDomainDefineXML (a->conn, xml);
      if (defined == NULL)
        {
          g_autofree char *message = _corral_edit_last_error ();

          undo_storage (a);
          g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_EDIT_FAILED,
                                   _("libvirt refused the new definition of “%s”, so nothing was "
                                     "changed: %s"), _corral_edit_guest_name (a), message);
          return;
        }
      virDomainFree (defined);
      a->defined = TRUE;
    }

  /* 4. live, then autostart and the name */
  if (a->now->running && !apply_live (a, &error))
    {
      undo (a);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (a->edit->set_autostart && a->edit->autostart != a->now->autostart)
    {
      if (virDomainSetAutostart (a->vdom, a->edit->autostart) < 0)
        {
          g_autofree char *message = _corral_edit_last_error ();

          undo (a);
          g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_EDIT_FAILED,
                                   _("Could not change whether “%s” starts with the host, so nothing "
                                     "was changed: %s"), _corral_edit_guest_name (a), message);
          return;
        }
      a->autostart_done = TRUE;
    }
  if (a->edit->set_name && g_strcmp0 (a->edit->name, _corral_edit_guest_name (a)) != 0)
    {
      if (virDomainRename (a->vdom, a->edit->name, 0) < 0)
        {
          g_autofree char *message = _corral_edit_last_error ();

          undo (a);
          g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_EDIT_FAILED,
                                   _("Could not rename “%s”, so nothing was changed: %s"), _corral_edit_guest_name (a),
                                   message);
          return;
        }
      a->renamed = TRUE;
    }

  /* last: the storage of removed disks, now that nothing uses it */
  for (guint i = 0; i < a->steps->len; i++)
    {
      Step *step = g_ptr_array_index (a->steps, i);
      g_autoptr(GError) local_error = NULL;

      if (step->op->kind == EDIT_REMOVE_DISK || step->op->kind == EDIT_REMOVE_NIC)
        {
          if (step->live_done && still_live (a, step))
            {
              a->needs_restart = TRUE;
              if (step->op->flag && step->op->kind == EDIT_REMOVE_DISK)
                {
                  if (kept == NULL)
                    kept = g_string_new (NULL);
                  g_string_append_printf (kept, "%s%s (%s)", kept->len ? ", " : "", step->path,
                                          _("the guest has not let go of it yet"));
                }
              continue;
            }
        }
      if (step->op->kind != EDIT_REMOVE_DISK || !step->op->flag)
        continue;
      if (!delete_storage (a, step, &local_error))
        {
          if (kept == NULL)
            kept = g_string_new (NULL);
          g_string_append_printf (kept, "%s%s (%s)", kept->len ? ", " : "", step->path, local_error->message);
        }
    }
  if (kept != NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_EDIT_STORAGE_KEPT,
                               _("The changes to “%s” were made, but this storage was kept: %s"),
                               a->renamed ? a->edit->name : _corral_edit_guest_name (a), kept->str);
      return;
    }

  g_task_return_int (task, a->needs_restart ? 1 : 0);
}

static void
apply_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CorralGuest *guest = CORRAL_GUEST (object);
  Apply *a = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  gssize rc;

  /* libvirt's events update the guest as well; this makes sure it follows at once */
  _corral_guest_refresh (guest, a->renamed ? a->edit->name : NULL);

  rc = g_task_propagate_int (G_TASK (result), &error);
  if (rc < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, rc);
}

void
corral_guest_apply_edit_async (CorralGuest         *guest,
                               CorralGuestEdit     *edit,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  CorralConnection *connection;
  Apply *a;

  g_return_if_fail (CORRAL_IS_GUEST (guest));
  g_return_if_fail (edit != NULL);

  /* Once started, an edit runs to its end (or its undoing): the result says what happened, even
   * when @cancellable was cancelled meanwhile. */
  task = g_task_new (guest, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_apply_edit_async);
  g_task_set_check_cancellable (task, FALSE);

  connection = corral_guest_get_connection (guest);
  a = g_new0 (Apply, 1);
  a->uuid = g_strdup (corral_guest_get_uuid (guest));
  a->conn = connection != NULL ? _corral_connection_ref_handle (connection) : NULL;
  a->edit = corral_guest_edit_ref (edit);
  a->helper = edit->helper != NULL ? g_object_ref (edit->helper)
                                   : g_object_ref (corral_helper_client_get_default ());
  a->context = g_main_context_ref_thread_default ();
  a->local = connection != NULL && corral_connection_is_local (connection);
  a->local_system = a->local && corral_connection_is_system (connection) &&
                    g_strcmp0 (corral_connection_get_driver (connection), "qemu") == 0;
  if (a->conn == NULL || a->uuid == NULL)
    {
      apply_free (a);
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("The connection to “%s”’s host is down"), corral_guest_get_name (guest));
      return;
    }
  if (corral_guest_edit_is_empty (edit))
    {
      apply_free (a);
      g_task_return_int (task, 0);
      return;
    }

  worker = g_task_new (guest, NULL, apply_done_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, corral_guest_apply_edit_async);
  g_task_set_task_data (worker, a, (GDestroyNotify) apply_free);
  g_task_run_in_thread (worker, apply_thread);
}

gboolean
corral_guest_apply_edit_finish (CorralGuest   *guest,
                                GAsyncResult  *result,
                                gboolean      *needs_restart,
                                GError       **error)
{
  gssize rc;

  g_return_val_if_fail (g_task_is_valid (result, guest), FALSE);

  rc = g_task_propagate_int (G_TASK (result), error);
  if (needs_restart != NULL)
    *needs_restart = rc > 0;
  return rc >= 0;
}
