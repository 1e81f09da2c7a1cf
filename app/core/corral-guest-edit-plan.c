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

#include "corral-error.h"
#include "corral-guest-edit-private.h"
#include "corral-guest-spec-access.h"
#include "corral-guest-spec.h"

/* Stage 1 of applying a CorralGuestEdit (see corral-guest-edit.c): every change checked against the
 * guest as libvirt has it now and against the host, in a fixed order (memory, processors, name, each
 * device change as asked, firmware, TPM, boot order), the first refusal returned as a CORRAL_ERROR a
 * user can act on; and the next start's definition built from the current inactive XML with only the
 * touched elements changed. Nothing is changed in libvirt here. */

/* --- XML --- */

char *
_corral_edit_node_xml (xmlNodePtr node)
{
  xmlBufferPtr buf = xmlBufferCreate ();
  char *xml;

  xmlNodeDump (buf, node->doc, node, 0, 0);
  xml = g_strdup ((const char *) xmlBufferContent (buf));
  xmlBufferFree (buf);
  return xml;
}

static xmlNodePtr
devices_of (xmlDocPtr doc)
{
  xmlNodePtr root = xmlDocGetRootElement (doc);
  xmlNodePtr devices = _corral_xml_child (root, "devices");

  if (devices == NULL)
    devices = xmlNewChild (root, NULL, (const xmlChar *) "devices", NULL);
  return devices;
}

xmlNodePtr
_corral_edit_find_device (xmlDocPtr   doc,
             const char *element,
             const char *key)
{
  if (doc == NULL)
    return NULL;
  for (xmlNodePtr c = devices_of (doc)->children; c != NULL; c = c->next)
    {
      g_autofree char *value = NULL;

      if (c->type != XML_ELEMENT_NODE || strcmp ((const char *) c->name, element) != 0)
        continue;
      if (strcmp (element, "disk") == 0)
        value = _corral_xml_prop (_corral_xml_child (c, "target"), "dev");
      else
        value = _corral_xml_prop (_corral_xml_child (c, "mac"), "address");
      if (value != NULL && g_ascii_strcasecmp (value, key) == 0)
        return c;
    }
  return NULL;
}

static xmlNodePtr
ensure_child (xmlNodePtr  parent,
              const char *name)
{
  xmlNodePtr node = _corral_xml_child (parent, name);

  return node != NULL ? node : xmlNewChild (parent, NULL, (const xmlChar *) name, NULL);
}

static void
set_text (xmlNodePtr  node,
          const char *text)
{
  xmlChar *escaped = xmlEncodeSpecialChars (node->doc, (const xmlChar *) text);

  xmlNodeSetContent (node, escaped);
  xmlFree (escaped);
}

static void
set_memory_element (xmlNodePtr  root,
                    const char *name,
                    guint64     bytes)
{
  xmlNodePtr node = ensure_child (root, name);
  g_autofree char *kib = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes / 1024);

  xmlSetProp (node, (const xmlChar *) "unit", (const xmlChar *) "KiB");
  set_text (node, kib);
}

static void
unlink_node (xmlNodePtr node)
{
  xmlUnlinkNode (node);
  xmlFreeNode (node);
}

static void
remove_children (xmlNodePtr  parent,
                 const char *name)
{
  xmlNodePtr c = parent != NULL ? parent->children : NULL;

  while (c != NULL)
    {
      xmlNodePtr next = c->next;

      if (c->type == XML_ELEMENT_NODE && strcmp ((const char *) c->name, name) == 0)
        unlink_node (c);
      c = next;
    }
}

/* Where <title> and <description> go: after <name> and <uuid>. */
static void
set_text_element (xmlNodePtr  root,
                  const char *name,
                  const char *text)
{
  xmlNodePtr node = _corral_xml_child (root, name);

  if (text == NULL || *text == '\0')
    {
      if (node != NULL)
        unlink_node (node);
      return;
    }
  if (node == NULL)
    {
      xmlNodePtr after = _corral_xml_child (root, "uuid");

      if (after == NULL)
        after = _corral_xml_child (root, "name");
      node = xmlNewNode (NULL, (const xmlChar *) name);
      if (after != NULL)
        xmlAddNextSibling (after, node);
      else
        xmlAddChild (root, node);
    }
  set_text (node, text);
}

/* --- helper calls from the worker: run on the main context, waited for here --- */


typedef struct
{
  GMutex              lock;
  GCond               cond;
  gboolean            done;
  GAsyncResult       *result;
  HelperWhat          what;
  CorralHelperClient *helper;
  const char         *group;
  const char         *name;
  guint64             size;
} HelperWait;

static void
helper_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  HelperWait *w = user_data;

  g_mutex_lock (&w->lock);
  w->result = g_object_ref (result);
  w->done = TRUE;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
}

static gboolean
helper_start_cb (gpointer user_data)
{
  HelperWait *w = user_data;

  switch (w->what)
    {
    case HELPER_GROUPS:
      corral_helper_client_list_volume_groups_async (w->helper, NULL, helper_done_cb, w);
      break;
    case HELPER_VOLUMES:
      corral_helper_client_list_volumes_async (w->helper, NULL, helper_done_cb, w);
      break;
    case HELPER_CREATE:
      corral_helper_client_create_volume_async (w->helper, w->group, w->name, w->size, NULL,
                                                helper_done_cb, w);
      break;
    case HELPER_RESIZE:
      corral_helper_client_resize_volume_async (w->helper, w->group, w->name, w->size, NULL,
                                                helper_done_cb, w);
      break;
    case HELPER_REMOVE:
    default:
      corral_helper_client_remove_volume_async (w->helper, w->group, w->name, NULL, helper_done_cb, w);
      break;
    }
  return G_SOURCE_REMOVE;
}

/* The call's result (owned); finish it with the matching _finish. */
GAsyncResult *
_corral_edit_helper_call (Apply      *a,
             HelperWhat  what,
             const char *group,
             const char *name,
             guint64     size)
{
  HelperWait w = { .what = what, .helper = a->helper, .group = group, .name = name, .size = size };

  g_mutex_init (&w.lock);
  g_cond_init (&w.cond);
  g_main_context_invoke (a->context, helper_start_cb, &w);
  g_mutex_lock (&w.lock);
  while (!w.done)
    g_cond_wait (&w.cond, &w.lock);
  g_mutex_unlock (&w.lock);
  g_mutex_clear (&w.lock);
  g_cond_clear (&w.cond);
  return w.result;
}

static CorralVolumeGroup *
find_group (Apply       *a,
            const char  *name,
            GError     **error)
{
  if (a->groups == NULL)
    {
      g_autoptr(GAsyncResult) result = _corral_edit_helper_call (a, HELPER_GROUPS, NULL, NULL, 0);

      a->groups = corral_helper_client_list_volume_groups_finish (a->helper, result, error);
      if (a->groups == NULL)
        return NULL;
    }
  for (guint i = 0; i < a->groups->len; i++)
    {
      CorralVolumeGroup *group = g_ptr_array_index (a->groups, i);

      if (g_strcmp0 (group->name, name) == 0)
        return group;
    }
  g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NOT_FOUND, _("There is no volume group “%s”"), name);
  return NULL;
}

/* The size LVM gives @group/@name now, if it is one of Corral's volumes (the helper's own list): it
 * is what the helper will grow, whatever libvirt's block info says. 0 if not listed or not asked. */
static guint64
logical_volume_size (Apply      *a,
                     const char *group,
                     const char *name)
{
  g_autoptr(GAsyncResult) result = _corral_edit_helper_call (a, HELPER_VOLUMES, NULL, NULL, 0);
  g_autoptr(GPtrArray) volumes = corral_helper_client_list_volumes_finish (a->helper, result, NULL);

  for (guint i = 0; volumes != NULL && i < volumes->len; i++)
    {
      CorralLogicalVolume *volume = g_ptr_array_index (volumes, i);

      if (g_strcmp0 (volume->group, group) == 0 && g_strcmp0 (volume->name, name) == 0)
        return volume->size;
    }
  return 0;
}

/* --- checks --- */

static gboolean
check_space (Apply       *a,
             const char  *key,
             const char  *where,
             guint64      available,
             guint64      bytes,
             GError     **error)
{
  guint64 *needed = g_hash_table_lookup (a->needed, key);

  if (needed == NULL)
    {
      needed = g_new0 (guint64, 1);
      g_hash_table_insert (a->needed, g_strdup (key), needed);
    }
  *needed += bytes;
  if (*needed > available)
    {
      g_autofree char *need = corral_format_size (*needed);
      g_autofree char *have = corral_format_size (available);

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NO_SPACE,
                   _("Not enough free space in “%s”: %s needed, %s free"), where, need, have);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_pool_space (Apply       *a,
                  const char  *pool_name,
                  guint64      bytes,
                  GError     **error)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (a->conn, pool_name);
  virStoragePoolInfo info;
  gboolean ok;

  if (pool == NULL || virStoragePoolGetInfo (pool, &info) < 0 || info.state != VIR_STORAGE_POOL_RUNNING)
    {
      virResetLastError ();
      if (pool != NULL)
        virStoragePoolFree (pool);
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NOT_FOUND,
                   _("There is no active storage pool “%s”"), pool_name);
      return FALSE;
    }
  virStoragePoolRefresh (pool, 0);
  if (virStoragePoolGetInfo (pool, &info) < 0)
    virResetLastError ();
  ok = check_space (a, pool_name, pool_name, info.available, bytes, error);
  virStoragePoolFree (pool);
  return ok;
}

static gboolean
check_group_space (Apply       *a,
                   const char  *group_name,
                   guint64      bytes,
                   GError     **error)
{
  g_autofree char *key = g_strconcat ("lvm:", group_name, NULL);
  CorralVolumeGroup *group = find_group (a, group_name, error);

  return group != NULL && check_space (a, key, group_name, group->free, bytes, error);
}

static gboolean
is_mac (const char *mac)
{
  if (mac == NULL || strlen (mac) != 17)
    return FALSE;
  for (int i = 0; i < 17; i++)
    if ((i % 3 == 2) ? mac[i] != ':' : !g_ascii_isxdigit (mac[i]))
      return FALSE;
  return TRUE;
}

/* QEMU under the system libvirt runs as CORRAL_QEMU_USER: can it read @path? (The wizard's check.) */
static gboolean
check_readable (Apply       *a,
                const char  *path,
                GError     **error)
{
  g_autoptr(GPtrArray) blockers = NULL;
  g_autofree char *message = NULL;

  if (!a->local_system)
    return TRUE;
  blockers = corral_guest_spec_access_blockers (path, CORRAL_QEMU_USER, NULL);
  if (blockers == NULL || blockers->len == 0)
    return TRUE;
  message = corral_guest_spec_access_describe (path, CORRAL_QEMU_USER, blockers);
  g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_ACCESS, message);
  return FALSE;
}

static CorralGuestDiskInfo *
config_disk (Apply      *a,
             const char *target)
{
  for (guint i = 0; i < a->now->config->disks->len; i++)
    {
      CorralGuestDiskInfo *disk = g_ptr_array_index (a->now->config->disks, i);

      if (g_strcmp0 (disk->target, target) == 0)
        {
          /* the merged list has the pool, volume and capacity */
          for (guint j = 0; j < a->now->disks->len; j++)
            {
              CorralGuestDiskInfo *full = g_ptr_array_index (a->now->disks, j);

              if (g_strcmp0 (full->target, target) == 0)
                return full;
            }
          return disk;
        }
    }
  return NULL;
}

static char *
next_target (Apply *a)
{
  for (char c = 'a'; c <= 'z'; c++)
    {
      char *target = g_strdup_printf ("vd%c", c);

      if (!g_hash_table_contains (a->targets, target))
        {
          g_hash_table_add (a->targets, g_strdup (target));
          return target;
        }
      g_free (target);
    }
  return NULL;
}

/* An LVM or volume name from the guest's: letters, digits and + _ . - */
static char *
storage_name (Apply      *a,
              const char *target,
              const char *suffix)
{
  GString *name = g_string_new (NULL);

  for (const char *p = _corral_edit_guest_name (a); *p != '\0'; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) || strchr ("+_.-", *p) ? *p : '_');
  g_string_append_printf (name, "-%s%s", target, suffix);
  return g_string_free (name, FALSE);
}

static gboolean
pool_has_volume (const char    *pool_name,
                 const char    *name,
                 virConnectPtr  conn)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, pool_name);
  virStorageVolPtr *vols = NULL;
  gboolean found = FALSE;
  int n;

  if (pool == NULL)
    {
      virResetLastError ();
      return FALSE;
    }
  n = virStoragePoolListAllVolumes (pool, &vols, 0);
  for (int i = 0; i < n; i++)
    {
      found = found || g_strcmp0 (virStorageVolGetName (vols[i]), name) == 0;
      virStorageVolFree (vols[i]);
    }
  free (vols);
  virStoragePoolFree (pool);
  return found;
}

static gboolean
disk_in_use (Apply      *a,
             const char *path)
{
  GPtrArray *lists[] = { a->now->config->disks, a->now->live != NULL ? a->now->live->disks : NULL };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      if (g_strcmp0 (((CorralGuestDiskInfo *) g_ptr_array_index (lists[l], i))->source, path) == 0)
        return TRUE;
  return FALSE;
}

static gboolean
plan_add_disk (Apply       *a,
               Step        *step,
               GError     **error)
{
  CorralEditOp *op = step->op;

  step->target = next_target (a);
  if (step->target == NULL)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_DISK, _("“%s” has no room for another disk"),
                   _corral_edit_guest_name (a));
      return FALSE;
    }
  if (op->disk_kind != CORRAL_NEW_DISK_EXISTING && op->bytes == 0)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_DISK, _("A new disk needs a size"));
      return FALSE;
    }

  switch (op->disk_kind)
    {
    case CORRAL_NEW_DISK_POOL_VOLUME:
      if (!check_pool_space (a, op->path, op->bytes, error))
        return FALSE;
      step->pool = g_strdup (op->path);
      step->volume = storage_name (a, step->target, ".qcow2");
      for (guint n = 2; pool_has_volume (step->pool, step->volume, a->conn); n++)
        {
          g_autofree char *suffix = g_strdup_printf ("-%u.qcow2", n);

          g_free (step->volume);
          step->volume = storage_name (a, step->target, suffix);
        }
      step->format = g_strdup ("qcow2");
      break;

    case CORRAL_NEW_DISK_LVM:
      /* whole sectors: LVM's unit */
      op->bytes = (op->bytes + 511) / 512 * 512;
      if (!check_group_space (a, op->path, op->bytes, error))
        return FALSE;
      step->lvm_group = g_strdup (op->path);
      step->lvm_name = storage_name (a, step->target, "");
      step->format = g_strdup ("raw");
      step->block = TRUE;
      break;

    case CORRAL_NEW_DISK_EXISTING:
    default:
      if (a->local && !g_file_test (op->path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NOT_FOUND,
                       _("There is no file or device “%s”"), op->path);
          return FALSE;
        }
      if (disk_in_use (a, op->path))
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_DISK, _("“%s” already uses “%s”"),
                       _corral_edit_guest_name (a), op->path);
          return FALSE;
        }
      if (!check_readable (a, op->path, error))
        return FALSE;
      step->path = g_strdup (op->path);
      step->format = g_strdup (a->local ? corral_disk_image_format (op->path, &step->block) : "raw");
      break;
    }

  step->live = a->now->running;
  return TRUE;
}

/* The <disk> element for a new disk, once its storage has a path. */
void
_corral_edit_build_disk_node (Apply *a,
                 Step  *step)
{
  xmlNodePtr disk = xmlNewNode (NULL, (const xmlChar *) "disk");
  xmlNodePtr node;

  xmlSetProp (disk, (const xmlChar *) "type", (const xmlChar *) (step->block ? "block" : "file"));
  xmlSetProp (disk, (const xmlChar *) "device", (const xmlChar *) "disk");
  node = xmlNewChild (disk, NULL, (const xmlChar *) "driver", NULL);
  xmlSetProp (node, (const xmlChar *) "name", (const xmlChar *) "qemu");
  xmlSetProp (node, (const xmlChar *) "type", (const xmlChar *) step->format);
  node = xmlNewChild (disk, NULL, (const xmlChar *) "source", NULL);
  xmlSetProp (node, (const xmlChar *) (step->block ? "dev" : "file"), (const xmlChar *) step->path);
  node = xmlNewChild (disk, NULL, (const xmlChar *) "target", NULL);
  xmlSetProp (node, (const xmlChar *) "dev", (const xmlChar *) step->target);
  xmlSetProp (node, (const xmlChar *) "bus", (const xmlChar *) "virtio");
  xmlAddChild (devices_of (a->doc), disk);
  step->node = disk;
  step->live_after = _corral_edit_node_xml (disk);
}

static gboolean
plan_resize_disk (Apply       *a,
                  Step        *step,
                  GError     **error)
{
  CorralEditOp *op = step->op;
  CorralGuestDiskInfo *disk = config_disk (a, op->target);
  guint64 capacity;

  if (disk == NULL)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NOT_FOUND, _("“%s” has no disk “%s”"),
                   _corral_edit_guest_name (a), op->target);
      return FALSE;
    }
  if (disk->is_cdrom)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_DISK,
                   _("“%s” is a CD/DVD drive: it has no size to change"), op->target);
      return FALSE;
    }
  capacity = disk->capacity;
  if (disk->pool == NULL && disk->lvm_group != NULL && a->helper != NULL)
    capacity = logical_volume_size (a, disk->lvm_group, disk->lvm_name) ?: capacity;
  if (capacity > 0 && op->bytes <= capacity)
    {
      g_autofree char *size = corral_format_size (capacity);

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_DISK, _("Disks only grow: “%s” has %s already"),
                   op->target, size);
      return FALSE;
    }
  step->target = g_strdup (op->target);
  step->path = g_strdup (disk->source);
  step->old_capacity = capacity;
  if (disk->pool != NULL && disk->volume != NULL)
    {
      if (!check_pool_space (a, disk->pool, op->bytes - capacity, error))
        return FALSE;
      step->pool = g_strdup (disk->pool);
      step->volume = g_strdup (disk->volume);
    }
  else if (disk->lvm_group != NULL && a->helper != NULL)
    {
      op->bytes = (op->bytes + 511) / 512 * 512;
      if (!check_group_space (a, disk->lvm_group, op->bytes - capacity, error))
        return FALSE;
      step->lvm_group = g_strdup (disk->lvm_group);
      step->lvm_name = g_strdup (disk->lvm_name);
    }
  else
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_DISK,
                   _("“%s” is neither in a storage pool nor a logical volume: Corral cannot grow it"),
                   disk->source != NULL ? disk->source : op->target);
      return FALSE;
    }
  step->live = a->now->running && _corral_edit_find_device (a->live_doc, "disk", op->target) != NULL;
  return TRUE;
}

static gboolean
plan_remove_disk (Apply       *a,
                  Step        *step,
                  GError     **error)
{
  CorralEditOp *op = step->op;
  CorralGuestDiskInfo *disk = config_disk (a, op->target);
  xmlNodePtr live_node;

  if (disk == NULL || (step->node = _corral_edit_find_device (a->doc, "disk", op->target)) == NULL)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NOT_FOUND, _("“%s” has no disk “%s”"),
                   _corral_edit_guest_name (a), op->target);
      return FALSE;
    }
  step->target = g_strdup (op->target);
  live_node = _corral_edit_find_device (a->live_doc, "disk", op->target);
  if (live_node != NULL)
    {
      if (!disk->is_cdrom && g_strcmp0 (disk->bus, "virtio") == 0)
        {
          step->live = TRUE;
          step->live_before = _corral_edit_node_xml (live_node);
        }
      else
        a->needs_restart = TRUE;
    }

  if (op->flag)
    {
      if (disk->is_cdrom)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_DISK,
                       _("“%s” is a CD/DVD drive: its image is not the guest’s storage"), op->target);
          return FALSE;
        }
      if ((disk->pool == NULL || disk->volume == NULL) && (disk->lvm_group == NULL || a->helper == NULL))
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_DISK,
                       _("Corral deletes only volumes of a storage pool and its own logical volumes, "
                         "and “%s” is neither: remove the disk without deleting it"),
                       disk->source != NULL ? disk->source : op->target);
          return FALSE;
        }
      if (live_node != NULL && !step->live)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_DISK,
                       _("“%s” stays in use until “%s” shuts down: shut it down first to delete its "
                         "storage"), op->target, _corral_edit_guest_name (a));
          return FALSE;
        }
      step->path = g_strdup (disk->source);
      if (disk->pool != NULL && disk->volume != NULL)
        {
          step->pool = g_strdup (disk->pool);
          step->volume = g_strdup (disk->volume);
        }
      else
        {
          step->lvm_group = g_strdup (disk->lvm_group);
          step->lvm_name = g_strdup (disk->lvm_name);
        }
    }

  unlink_node (step->node);
  step->node = NULL;
  return TRUE;
}

static void
set_cd_source (xmlNodePtr  disk,
               const char *iso)
{
  remove_children (disk, "source");
  if (iso != NULL)
    {
      xmlNodePtr source = xmlNewNode (NULL, (const xmlChar *) "source");
      xmlNodePtr target = _corral_xml_child (disk, "target");

      xmlSetProp (source, (const xmlChar *) "file", (const xmlChar *) iso);
      xmlSetProp (disk, (const xmlChar *) "type", (const xmlChar *) "file");
      if (target != NULL)
        xmlAddPrevSibling (target, source);
      else
        xmlAddChild (disk, source);
    }
}

static gboolean
plan_cdrom (Apply       *a,
            Step        *step,
            GError     **error)
{
  CorralEditOp *op = step->op;
  CorralGuestDiskInfo *disk = config_disk (a, op->target);
  xmlNodePtr live_node;

  if (disk == NULL || (step->node = _corral_edit_find_device (a->doc, "disk", op->target)) == NULL)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NOT_FOUND, _("“%s” has no drive “%s”"),
                   _corral_edit_guest_name (a), op->target);
      return FALSE;
    }
  if (!disk->is_cdrom)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_MEDIA, _("The drive “%s” is not a CD/DVD drive"),
                   op->target);
      return FALSE;
    }
  if (op->path != NULL)
    {
      if (a->local && !g_file_test (op->path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_MEDIA,
                       _("There is no file “%s”: choose another one"), op->path);
          return FALSE;
        }
      if (!check_readable (a, op->path, error))
        return FALSE;
    }
  step->target = g_strdup (op->target);
  set_cd_source (step->node, op->path);

  live_node = _corral_edit_find_device (a->live_doc, "disk", op->target);
  if (live_node != NULL)
    {
      step->live = TRUE;
      step->live_before = _corral_edit_node_xml (live_node);
      set_cd_source (live_node, op->path);
      step->live_after = _corral_edit_node_xml (live_node);
    }
  return TRUE;
}

static const char * const nic_models[] = { "virtio", "e1000e", "e1000", "rtl8139", NULL };

static gboolean
check_nic_target (Apply       *a,
                  const char  *type,
                  const char  *source,
                  const char  *model,
                  GError     **error)
{
  if (g_strcmp0 (type, "network") != 0 && g_strcmp0 (type, "bridge") != 0)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NIC,
                   _("A network card connects to a “network” or a “bridge”, not “%s”"), type);
      return FALSE;
    }
  if (source == NULL || *source == '\0')
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NIC,
                           g_str_equal (type, "bridge") ? _("Choose a bridge for the network")
                                                        : _("Choose a network"));
      return FALSE;
    }
  if (g_str_equal (type, "network"))
    {
      virNetworkPtr net = virNetworkLookupByName (a->conn, source);

      if (net == NULL)
        {
          virResetLastError ();
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NOT_FOUND, _("There is no network “%s”"),
                       source);
          return FALSE;
        }
      virNetworkFree (net);
    }
  if (model != NULL && !g_strv_contains (nic_models, model))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NIC,
                   _("“%s” is not a network card model Corral knows"), model);
      return FALSE;
    }
  return TRUE;
}

static void
set_nic (xmlNodePtr  iface,
         const char *type,
         const char *source,
         const char *model)
{
  xmlNodePtr node;

  xmlSetProp (iface, (const xmlChar *) "type", (const xmlChar *) type);
  remove_children (iface, "source");
  node = xmlNewNode (NULL, (const xmlChar *) "source");
  xmlSetProp (node, (const xmlChar *) type, (const xmlChar *) source);
  node = xmlAddNextSibling (_corral_xml_child (iface, "mac"), node);
  if (model != NULL)
    {
      node = ensure_child (iface, "model");
      xmlSetProp (node, (const xmlChar *) "type", (const xmlChar *) model);
    }
}

static char *
new_mac (Apply *a)
{
  for (;;)
    {
      char *mac = g_strdup_printf ("52:54:00:%02x:%02x:%02x", g_random_int_range (0, 256),
                                   g_random_int_range (0, 256), g_random_int_range (0, 256));

      if (_corral_edit_find_device (a->doc, "interface", mac) == NULL && _corral_edit_find_device (a->live_doc, "interface", mac) == NULL)
        return mac;
      g_free (mac);
    }
}

static gboolean
plan_nic (Apply       *a,
          Step        *step,
          GError     **error)
{
  CorralEditOp *op = step->op;
  xmlNodePtr live_node = NULL;

  if (op->kind == EDIT_ADD_NIC)
    {
      const char *type = op->type != NULL ? op->type : "network";
      const char *model = op->model != NULL ? op->model : "virtio";
      xmlNodePtr mac;

      if (!check_nic_target (a, type, op->source, model, error))
        return FALSE;
      step->node = xmlNewNode (NULL, (const xmlChar *) "interface");
      step->target = new_mac (a);
      mac = xmlNewChild (step->node, NULL, (const xmlChar *) "mac", NULL);
      xmlSetProp (mac, (const xmlChar *) "address", (const xmlChar *) step->target);
      set_nic (step->node, type, op->source, model);
      xmlAddChild (devices_of (a->doc), step->node);
      step->live = a->now->running;
      step->live_after = _corral_edit_node_xml (step->node);
      return TRUE;
    }

  if (!is_mac (op->target))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NIC, _("“%s” is not a MAC address"), op->target);
      return FALSE;
    }
  if ((step->node = _corral_edit_find_device (a->doc, "interface", op->target)) == NULL)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NOT_FOUND, _("“%s” has no network card %s"),
                   _corral_edit_guest_name (a), op->target);
      return FALSE;
    }
  step->target = g_strdup (op->target);
  live_node = _corral_edit_find_device (a->live_doc, "interface", op->target);

  if (op->kind == EDIT_REMOVE_NIC)
    {
      unlink_node (step->node);
      step->node = NULL;
      if (live_node != NULL)
        {
          step->live = TRUE;
          step->live_before = _corral_edit_node_xml (live_node);
        }
      return TRUE;
    }

  /* change: what is not given stays */
  {
    g_autofree char *old_type = _corral_xml_prop (step->node, "type");
    g_autofree char *old_model = _corral_xml_prop (_corral_xml_child (step->node, "model"), "type");
    g_autofree char *live_model = _corral_xml_prop (_corral_xml_child (live_node, "model"), "type");
    const char *type = op->type != NULL ? op->type : old_type;
    g_autofree char *old_source = _corral_xml_prop (_corral_xml_child (step->node, "source"), type);
    const char *source = op->source != NULL ? op->source : old_source;
    const char *model = op->model != NULL ? op->model : old_model;

    if (!check_nic_target (a, type, source, model, error))
      return FALSE;
    set_nic (step->node, type, source, model);
    if (live_node != NULL)
      {
        if (g_strcmp0 (model, live_model) == 0)
          {
            step->live = TRUE;
            step->live_before = _corral_edit_node_xml (live_node);
            set_nic (live_node, type, source, NULL);
            step->live_after = _corral_edit_node_xml (live_node);
          }
        else
          a->needs_restart = TRUE;   /* a new model is a new device: the next start */
      }
  }
  return TRUE;
}

static gboolean
plan_firmware (Apply       *a,
               GError     **error)
{
  CorralFirmware firmware = a->edit->firmware;
  xmlNodePtr root = xmlDocGetRootElement (a->doc);
  xmlNodePtr os, node;

  if (firmware == a->now->config->firmware)
    return TRUE;
  if (a->now->running)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NEEDS_SHUTOFF,
                   _("The firmware of “%s” can be changed only while it is shut off"), _corral_edit_guest_name (a));
      return FALSE;
    }
  os = ensure_child (root, "os");
  xmlUnsetProp (os, (const xmlChar *) "firmware");
  remove_children (os, "loader");
  remove_children (os, "nvram");
  remove_children (os, "firmware");
  if (firmware == CORRAL_FIRMWARE_BIOS)
    return TRUE;

  xmlSetProp (os, (const xmlChar *) "firmware", (const xmlChar *) "efi");
  node = xmlNewChild (os, NULL, (const xmlChar *) "firmware", NULL);
  for (guint i = 0; i < 2; i++)
    {
      xmlNodePtr feature = xmlNewChild (node, NULL, (const xmlChar *) "feature", NULL);

      xmlSetProp (feature, (const xmlChar *) "enabled",
                  (const xmlChar *) (firmware == CORRAL_FIRMWARE_UEFI_SECURE_BOOT ? "yes" : "no"));
      xmlSetProp (feature, (const xmlChar *) "name",
                  (const xmlChar *) (i == 0 ? "enrolled-keys" : "secure-boot"));
    }
  if (firmware == CORRAL_FIRMWARE_UEFI_SECURE_BOOT)
    {
      xmlNodePtr smm = ensure_child (ensure_child (root, "features"), "smm");

      xmlSetProp (smm, (const xmlChar *) "state", (const xmlChar *) "on");
    }
  return TRUE;
}

static void
plan_tpm (Apply *a)
{
  xmlNodePtr devices = devices_of (a->doc);

  if (a->edit->tpm == a->now->config->tpm)
    return;
  if (a->edit->tpm)
    {
      xmlNodePtr tpm = xmlNewChild (devices, NULL, (const xmlChar *) "tpm", NULL);
      xmlNodePtr backend = xmlNewChild (tpm, NULL, (const xmlChar *) "backend", NULL);

      xmlSetProp (tpm, (const xmlChar *) "model", (const xmlChar *) "tpm-crb");
      xmlSetProp (backend, (const xmlChar *) "type", (const xmlChar *) "emulator");
      xmlSetProp (backend, (const xmlChar *) "version", (const xmlChar *) "2.0");
    }
  else
    remove_children (devices, "tpm");
  if (a->now->running)
    a->needs_restart = TRUE;
}

static gboolean
plan_boot (Apply       *a,
           GError     **error)
{
  static const char * const devices[] = { "hd", "cdrom", "network", "fd", NULL };
  char **order = a->edit->boot_order;
  xmlNodePtr os = ensure_child (xmlDocGetRootElement (a->doc), "os");

  if (order == NULL || order[0] == NULL)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_BOOT, _("Choose at least one boot device"));
      return FALSE;
    }
  for (guint i = 0; order[i] != NULL; i++)
    if (!g_strv_contains (devices, order[i]))
      {
        g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_BOOT,
                     _("“%s” is not a boot device (hd, cdrom, network, fd)"), order[i]);
        return FALSE;
      }
  if (g_strv_equal ((const char * const *) order, (const char * const *) a->now->config->boot_order))
    return TRUE;

  /* libvirt takes either <os><boot/> or per-device <boot order/>, not both */
  for (xmlNodePtr c = devices_of (a->doc)->children; c != NULL; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      remove_children (c, "boot");
  remove_children (os, "boot");
  for (guint i = 0; order[i] != NULL; i++)
    {
      xmlNodePtr boot = xmlNewChild (os, NULL, (const xmlChar *) "boot", NULL);

      xmlSetProp (boot, (const xmlChar *) "dev", (const xmlChar *) order[i]);
    }
  if (a->now->running)
    a->needs_restart = TRUE;
  return TRUE;
}

static gboolean
other_guest_named (Apply      *a,
                   const char *name)
{
  virDomainPtr *domains = NULL;
  gboolean found = FALSE;
  int n = virConnectListAllDomains (a->conn, &domains, 0);

  for (int i = 0; i < n; i++)
    {
      char uuid[VIR_UUID_STRING_BUFLEN] = "";

      if (g_strcmp0 (virDomainGetName (domains[i]), name) == 0 &&
          virDomainGetUUIDString (domains[i], uuid) == 0 && g_ascii_strcasecmp (uuid, a->uuid) != 0)
        found = TRUE;
      virDomainFree (domains[i]);
    }
  free (domains);
  virResetLastError ();
  return found;
}

static gboolean
plan_memory_and_vcpus (Apply       *a,
                       GError     **error)
{
  CorralGuestEdit *edit = a->edit;
  CorralDomainFacts *config = a->now->config, *live = a->now->live;
  xmlNodePtr root = xmlDocGetRootElement (a->doc);
  CorralGuestLimits limits = { .host_memory = a->now->host_memory, .host_cpus = a->now->host_cpus };

  if (edit->set_memory)
    {
      guint64 bytes = (edit->memory + 1023) / 1024 * 1024;

      if (!corral_guest_spec_check_memory (bytes, 1, &limits, error))
        return FALSE;
      if (live != NULL && bytes <= live->max_memory)
        {
          /* the balloon, up to the running guest's maximum; the maximum stays */
          a->memory_live = bytes != live->memory;
          set_memory_element (root, "memory", MAX (config->max_memory, bytes));
        }
      else
        {
          set_memory_element (root, "memory", bytes);
          if (live != NULL)
            a->needs_restart = TRUE;
        }
      set_memory_element (root, "currentMemory", bytes);
    }

  if (edit->set_vcpus)
    {
      xmlNodePtr vcpu = ensure_child (root, "vcpu");
      guint max = a->now->hypervisor_max_vcpus;

      if (!corral_guest_spec_check_vcpus (edit->vcpus, &limits, error))
        return FALSE;
      if (max > 0 && edit->vcpus > max)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_VCPUS,
                       _("More processors than this hypervisor allows a guest (%u): choose fewer"), max);
          return FALSE;
        }
      if (live != NULL && edit->vcpus > live->vcpus && edit->vcpus <= live->max_vcpus)
        {
          /* hotplug up to the running guest's maximum */
          g_autofree char *current = g_strdup_printf ("%u", edit->vcpus);

          a->vcpus_live = TRUE;
          if (edit->vcpus == config->max_vcpus)
            xmlUnsetProp (vcpu, (const xmlChar *) "current");
          else
            xmlSetProp (vcpu, (const xmlChar *) "current", (const xmlChar *) current);
        }
      else if (live == NULL && edit->vcpus < config->max_vcpus && config->vcpus != config->max_vcpus)
        {
          /* a guest set up for hotplug keeps its maximum */
          g_autofree char *current = g_strdup_printf ("%u", edit->vcpus);

          xmlSetProp (vcpu, (const xmlChar *) "current", (const xmlChar *) current);
        }
      else
        {
          g_autofree char *count = g_strdup_printf ("%u", edit->vcpus);

          xmlUnsetProp (vcpu, (const xmlChar *) "current");
          set_text (vcpu, count);
          if (live != NULL && edit->vcpus != live->vcpus)
            a->needs_restart = TRUE;
        }
    }
  return TRUE;
}

gboolean
_corral_edit_plan (Apply   *a,
                   GError **error)
{
  CorralGuestEdit *edit = a->edit;
  xmlNodePtr root = xmlDocGetRootElement (a->doc);

  a->targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < a->now->disks->len; i++)
    g_hash_table_add (a->targets, g_strdup (((CorralGuestDiskInfo *) g_ptr_array_index (a->now->disks, i))->target));
  a->needed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  a->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) _corral_edit_step_free);

  if (!plan_memory_and_vcpus (a, error))
    return FALSE;

  if (edit->set_name && g_strcmp0 (edit->name, _corral_edit_guest_name (a)) != 0)
    {
      if (!corral_guest_spec_check_name (edit->name, 1, NULL, error))
        return FALSE;
      if (other_guest_named (a, edit->name))
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME_TAKEN,
                       _("A guest called “%s” exists already: choose another name"), edit->name);
          return FALSE;
        }
      if (a->now->running)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NEEDS_SHUTOFF,
                       _("“%s” can be renamed only while it is shut off"), _corral_edit_guest_name (a));
          return FALSE;
        }
    }

  for (guint i = 0; i < edit->ops->len; i++)
    {
      Step *step = g_new0 (Step, 1);
      gboolean ok;

      step->op = g_ptr_array_index (edit->ops, i);
      g_ptr_array_add (a->steps, step);
      switch (step->op->kind)
        {
        case EDIT_CDROM:
          ok = plan_cdrom (a, step, error);
          break;
        case EDIT_ADD_DISK:
          ok = plan_add_disk (a, step, error);
          break;
        case EDIT_RESIZE_DISK:
          ok = plan_resize_disk (a, step, error);
          break;
        case EDIT_REMOVE_DISK:
          ok = plan_remove_disk (a, step, error);
          break;
        case EDIT_ADD_NIC:
        case EDIT_CHANGE_NIC:
        case EDIT_REMOVE_NIC:
        default:
          ok = plan_nic (a, step, error);
          break;
        }
      if (!ok)
        return FALSE;
    }

  if (edit->set_firmware && !plan_firmware (a, error))
    return FALSE;
  if (edit->set_tpm)
    plan_tpm (a);
  if (edit->set_boot && !plan_boot (a, error))
    return FALSE;

  if (edit->set_title)
    {
      set_text_element (root, "title", edit->title);
      a->title_live = a->now->running;
    }
  if (edit->set_description)
    {
      set_text_element (root, "description", edit->description);
      a->description_live = a->now->running;
    }
  return TRUE;
}

