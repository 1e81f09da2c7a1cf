/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-config-private.h"
#include "corral-guest-snapshot.h"

typedef enum { OP_FETCH, OP_TAKE, OP_REVERT, OP_DELETE } OpKind;

typedef struct
{
  OpKind         kind;
  char          *uuid;
  char          *guest_name;
  virConnectPtr  conn;
  char          *name;
  char          *description;
} Op;

static void
op_free (Op *op)
{
  g_free (op->uuid);
  g_free (op->guest_name);
  if (op->conn != NULL)
    virConnectClose (op->conn);
  g_free (op->name);
  g_free (op->description);
  g_free (op);
}

void
corral_snapshot_info_free (CorralSnapshotInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->description);
  g_free (info->parent);
  g_free (info);
}

static char *
last_error (void)
{
  char *message = g_strdup (virGetLastErrorMessage ());

  virResetLastError ();
  return message;
}

gboolean
corral_guest_snapshot_support (CorralGuestConfig  *config,
                               char              **reason)
{
  GPtrArray *disks;
  g_autoptr(GString) why = NULL;

  g_return_val_if_fail (config != NULL, FALSE);

  disks = corral_guest_config_get_disks (config);
  for (guint i = 0; i < disks->len; i++)
    {
      CorralGuestDiskInfo *disk = g_ptr_array_index (disks, i);
      const char *what;

      if (disk->is_cdrom || g_strcmp0 (disk->format, "qcow2") == 0)
        continue;
      if (disk->lvm_group != NULL)
        what = _("an LVM volume");
      else if (disk->source != NULL && g_str_has_prefix (disk->source, "/dev/"))
        what = _("a block device");
      else if (g_strcmp0 (disk->format, "raw") == 0 || disk->format == NULL)
        what = _("a raw file");
      else
        what = disk->format;
      if (why == NULL)
        why = g_string_new (NULL);
      else
        g_string_append (why, ", ");
      /* TRANSLATORS: a disk's target ("vda") and what it is ("a raw file") */
      g_string_append_printf (why, _("%s is %s"), disk->target, what);
    }
  if (why == NULL)
    return TRUE;
  if (reason != NULL)
    *reason = g_strdup_printf (_("Snapshots need every disk in qcow2 (%s): Corral takes internal snapshots, "
                                 "which live inside qcow2 disks (libvirt before 9.7, such as Debian 12's, "
                                 "cannot revert external ones)."), why->str);
  return FALSE;
}

static CorralSnapshotInfo *
read_snapshot (virDomainSnapshotPtr snap)
{
  CorralSnapshotInfo *info = g_new0 (CorralSnapshotInfo, 1);
  char *xml = virDomainSnapshotGetXMLDesc (snap, 0);
  virDomainSnapshotPtr parent;

  info->name = g_strdup (virDomainSnapshotGetName (snap));
  info->description = g_strdup ("");
  info->is_current = virDomainSnapshotIsCurrent (snap, 0) == 1;
  parent = virDomainSnapshotGetParent (snap, 0);
  if (parent != NULL)
    {
      info->parent = g_strdup (virDomainSnapshotGetName (parent));
      virDomainSnapshotFree (parent);
    }
  else
    virResetLastError ();
  if (xml != NULL)
    {
      xmlDocPtr doc = xmlReadMemory (xml, strlen (xml), "snapshot.xml", NULL, XML_PARSE_NONET);

      free (xml);
      if (doc != NULL)
        {
          xmlNodePtr root = xmlDocGetRootElement (doc);

          for (xmlNodePtr n = root ? root->children : NULL; n != NULL; n = n->next)
            {
              g_autofree char *text = NULL;
              xmlChar *content;

              if (n->type != XML_ELEMENT_NODE)
                continue;
              content = xmlNodeGetContent (n);
              text = g_strdup ((const char *) content);
              xmlFree (content);
              if (g_strcmp0 ((const char *) n->name, "description") == 0)
                {
                  g_free (info->description);
                  info->description = g_steal_pointer (&text);
                }
              else if (g_strcmp0 ((const char *) n->name, "creationTime") == 0)
                info->creation_time = g_ascii_strtoll (text, NULL, 10);
              else if (g_strcmp0 ((const char *) n->name, "state") == 0)
                info->running = g_strcmp0 (text, "running") == 0 || g_strcmp0 (text, "paused") == 0;
            }
          xmlFreeDoc (doc);
        }
    }
  else
    virResetLastError ();
  return info;
}

static gint
by_time (gconstpointer a,
         gconstpointer b)
{
  const CorralSnapshotInfo *x = *(CorralSnapshotInfo * const *) a;
  const CorralSnapshotInfo *y = *(CorralSnapshotInfo * const *) b;

  if (x->creation_time != y->creation_time)
    return x->creation_time < y->creation_time ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

static void
op_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Op *op = task_data;
  virDomainPtr vdom;
  virDomainSnapshotPtr snap = NULL;

  vdom = virDomainLookupByUUIDString (op->conn, op->uuid);
  if (vdom == NULL)
    {
      g_autofree char *message = last_error ();

      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_FOUND, _("The guest is gone: %s"), message);
      return;
    }

  if (op->kind == OP_FETCH)
    {
      virDomainSnapshotPtr *snaps = NULL;
      int n = virDomainListAllSnapshots (vdom, &snaps, 0);
      GPtrArray *list;

      if (n < 0)
        {
          g_autofree char *message = last_error ();

          virDomainFree (vdom);
          g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_FAILED,
                                   _("Could not read the snapshots of “%s”: %s"), op->guest_name, message);
          return;
        }
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_snapshot_info_free);
      for (int i = 0; i < n; i++)
        {
          g_ptr_array_add (list, read_snapshot (snaps[i]));
          virDomainSnapshotFree (snaps[i]);
        }
      free (snaps);
      g_ptr_array_sort (list, by_time);
      virDomainFree (vdom);
      g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  if (op->kind == OP_TAKE)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CorralGuestConfig) config = NULL;
      g_autofree char *reason = NULL;
      g_autofree char *esc_name = NULL;
      g_autofree char *esc_desc = NULL;
      g_autofree char *xml = NULL;

      snap = virDomainSnapshotLookupByName (vdom, op->name, 0);
      if (snap != NULL)
        {
          virDomainSnapshotFree (snap);
          virDomainFree (vdom);
          g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_NAME_TAKEN,
                                   _("“%s” has a snapshot named “%s” already"), op->guest_name, op->name);
          return;
        }
      virResetLastError ();
      config = _corral_guest_config_read (op->conn, vdom, &error);
      if (config == NULL)
        {
          virDomainFree (vdom);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (!corral_guest_snapshot_support (config, &reason))
        {
          virDomainFree (vdom);
          g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_UNSUPPORTED, "%s", reason);
          return;
        }
      esc_name = g_markup_escape_text (op->name, -1);
      esc_desc = g_markup_escape_text (op->description != NULL ? op->description : "", -1);
      /* no flags: internal, with the memory of a running guest, of the disks of a shut-off one */
      xml = g_strdup_printf ("<domainsnapshot><name>%s</name><description>%s</description></domainsnapshot>",
                             esc_name, esc_desc);
      snap = virDomainSnapshotCreateXML (vdom, xml, 0);
      if (snap == NULL)
        {
          g_autofree char *message = last_error ();

          virDomainFree (vdom);
          g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_FAILED,
                                   _("Could not take the snapshot “%s” of “%s”: %s"), op->name, op->guest_name,
                                   message);
          return;
        }
      virDomainSnapshotFree (snap);
      virDomainFree (vdom);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* revert, delete */
  snap = virDomainSnapshotLookupByName (vdom, op->name, 0);
  if (snap == NULL)
    {
      virResetLastError ();
      virDomainFree (vdom);
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_NOT_FOUND,
                               _("“%s” has no snapshot named “%s”"), op->guest_name, op->name);
      return;
    }
  if ((op->kind == OP_REVERT ? virDomainRevertToSnapshot (snap, 0) : virDomainSnapshotDelete (snap, 0)) < 0)
    {
      g_autofree char *message = last_error ();

      virDomainSnapshotFree (snap);
      virDomainFree (vdom);
      if (op->kind == OP_REVERT)
        g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_FAILED,
                                 _("Could not revert “%s” to the snapshot “%s”: %s"), op->guest_name, op->name,
                                 message);
      else
        g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_FAILED,
                                 _("Could not delete the snapshot “%s” of “%s”: %s"), op->name, op->guest_name,
                                 message);
      return;
    }
  virDomainSnapshotFree (snap);
  virDomainFree (vdom);
  g_task_return_boolean (task, TRUE);
}

static void
start (CorralGuest         *guest,
       OpKind               kind,
       const char          *name,
       const char          *description,
       gpointer             source_tag,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (guest, cancellable, callback, user_data);
  CorralConnection *connection = corral_guest_get_connection (guest);
  Op *op;

  g_task_set_source_tag (task, source_tag);
  if (kind != OP_FETCH)
    g_task_set_check_cancellable (task, FALSE);

  if (kind == OP_TAKE)
    {
      if (name == NULL || *name == '\0')
        {
          g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_NAME,
                                   _("A snapshot needs a name"));
          return;
        }
      if (strchr (name, '/') != NULL)
        {
          g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_NAME,
                                   _("A snapshot’s name cannot contain “/”"));
          return;
        }
    }

  op = g_new0 (Op, 1);
  op->kind = kind;
  op->uuid = g_strdup (corral_guest_get_uuid (guest));
  op->guest_name = g_strdup (corral_guest_get_name (guest));
  op->conn = connection != NULL ? _corral_connection_ref_handle (connection) : NULL;
  op->name = g_strdup (name);
  op->description = g_strdup (description);
  if (op->conn == NULL || op->uuid == NULL)
    {
      op_free (op);
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("The connection to “%s”’s host is down"), corral_guest_get_name (guest));
      return;
    }
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  g_task_run_in_thread (task, op_thread);
}

void
corral_guest_fetch_snapshots_async (CorralGuest         *guest,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_GUEST (guest));
  start (guest, OP_FETCH, NULL, NULL, corral_guest_fetch_snapshots_async, cancellable, callback, user_data);
}

GPtrArray *
corral_guest_fetch_snapshots_finish (CorralGuest   *guest,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
corral_guest_take_snapshot_async (CorralGuest         *guest,
                                  const char          *name,
                                  const char          *description,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_GUEST (guest));
  start (guest, OP_TAKE, name, description, corral_guest_take_snapshot_async, cancellable, callback, user_data);
}

gboolean
corral_guest_take_snapshot_finish (CorralGuest   *guest,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
corral_guest_revert_snapshot_async (CorralGuest         *guest,
                                    const char          *name,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_GUEST (guest));
  g_return_if_fail (name != NULL);
  start (guest, OP_REVERT, name, NULL, corral_guest_revert_snapshot_async, cancellable, callback, user_data);
}

gboolean
corral_guest_revert_snapshot_finish (CorralGuest   *guest,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
corral_guest_delete_snapshot_async (CorralGuest         *guest,
                                    const char          *name,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_GUEST (guest));
  g_return_if_fail (name != NULL);
  start (guest, OP_DELETE, name, NULL, corral_guest_delete_snapshot_async, cancellable, callback, user_data);
}

gboolean
corral_guest_delete_snapshot_finish (CorralGuest   *guest,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
