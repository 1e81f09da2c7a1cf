/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-clone"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-clone.h"
#include "corral-guest-clone-private.h"
#include "corral-guest-config-private.h"
#include "corral-guest-install-private.h"
#include "corral-guest-spec.h"

/* What a qcow2 overlay takes at first (its header and tables); counted for linked clones. */
#define OVERLAY_BYTES (1024 * 1024)
/* How often a full copy's progress is looked at. */
#define POLL_INTERVAL_MS 250

typedef struct
{
  char     *target;
  char     *type;       /* the <disk type=…>: "file", "block", "volume" */
  char     *path;
  char     *format;
  char     *pool;       /* NULL: not a volume of a libvirt storage pool */
  char     *volume;
  gboolean  lvm;        /* a logical volume outside libvirt's pools (corral-helper's) */
  guint64   capacity;
  guint64   allocation;
} CloneDisk;

struct _CorralCloneSource
{
  gatomicrefcount  ref_count;

  char            *name;
  char            *uuid;
  char            *xml;            /* the next start's definition, with secrets */
  gboolean         running;
  gboolean         has_snapshots;
  GPtrArray       *disks;          /* of CloneDisk: disks only, no CD/DVD drives */
  GHashTable      *pool_free;      /* pool name → guint64* free bytes */
  GHashTable      *pool_volumes;   /* pool name → set of its volumes' names */
  GStrv            taken;          /* every guest's name on the connection */
};

G_DEFINE_BOXED_TYPE (CorralCloneSource, corral_clone_source, corral_clone_source_ref, corral_clone_source_unref)

static void
clone_disk_free (CloneDisk *disk)
{
  g_free (disk->target);
  g_free (disk->type);
  g_free (disk->path);
  g_free (disk->format);
  g_free (disk->pool);
  g_free (disk->volume);
  g_free (disk);
}

CorralCloneSource *
corral_clone_source_ref (CorralCloneSource *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
corral_clone_source_unref (CorralCloneSource *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->name);
  g_free (self->uuid);
  g_free (self->xml);
  g_ptr_array_unref (self->disks);
  g_hash_table_unref (self->pool_free);
  g_hash_table_unref (self->pool_volumes);
  g_strfreev (self->taken);
  g_free (self);
}

static char *
last_error (void)
{
  const char *message = virGetLastErrorMessage ();
  char *copy = g_strdup (message != NULL ? message : _("unknown error"));

  virResetLastError ();
  return copy;
}

/* --- reading the guest --- */

static xmlDocPtr
parse_xml (const char  *xml,
           GError     **error)
{
  xmlDocPtr doc = xml != NULL ? xmlReadMemory (xml, strlen (xml), "domain.xml", NULL,
                                               XML_PARSE_NONET | XML_PARSE_NOBLANKS) : NULL;

  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      if (doc != NULL)
        xmlFreeDoc (doc);
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_FAILED, _("libvirt gave an unreadable definition"));
      return NULL;
    }
  return doc;
}

static void
read_disk_storage (virConnectPtr      conn,
                   CorralCloneSource *source,
                   CloneDisk         *disk)
{
  virStorageVolPtr vol = NULL;
  virStoragePoolPtr pool = NULL;
  virStorageVolInfo info;

  if (disk->path == NULL && disk->pool != NULL && disk->volume != NULL)
    {
      pool = virStoragePoolLookupByName (conn, disk->pool);
      if (pool != NULL)
        vol = virStorageVolLookupByName (pool, disk->volume);
    }
  else if (disk->path != NULL)
    {
      vol = virStorageVolLookupByPath (conn, disk->path);
      if (vol != NULL)
        pool = virStoragePoolLookupByVolume (vol);
    }
  virResetLastError ();

  g_clear_pointer (&disk->pool, g_free);
  g_clear_pointer (&disk->volume, g_free);
  if (vol != NULL && pool != NULL)
    {
      const char *pool_name = virStoragePoolGetName (pool);
      virStoragePoolInfo pool_info;

      disk->pool = g_strdup (pool_name);
      disk->volume = g_strdup (virStorageVolGetName (vol));
      if (disk->path == NULL)
        {
          char *path = virStorageVolGetPath (vol);

          disk->path = g_strdup (path);
          free (path);
        }
      if (virStorageVolGetInfo (vol, &info) == 0)
        {
          disk->capacity = info.capacity;
          disk->allocation = info.allocation;
        }
      if (!g_hash_table_contains (source->pool_free, pool_name) &&
          virStoragePoolGetInfo (pool, &pool_info) == 0)
        {
          virStorageVolPtr *vols = NULL;
          GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          int n = virStoragePoolListAllVolumes (pool, &vols, 0);

          g_hash_table_insert (source->pool_free, g_strdup (pool_name), g_memdup2 (&pool_info.available,
                                                                                  sizeof (guint64)));
          for (int i = 0; i < n; i++)
            {
              g_hash_table_add (names, g_strdup (virStorageVolGetName (vols[i])));
              virStorageVolFree (vols[i]);
            }
          free (vols);
          g_hash_table_insert (source->pool_volumes, g_strdup (pool_name), names);
        }
      virResetLastError ();
    }
  if (vol != NULL)
    virStorageVolFree (vol);
  if (pool != NULL)
    virStoragePoolFree (pool);
}

static CorralCloneSource *
read_source (virConnectPtr   conn,
             virDomainPtr    vdom,
             GError        **error)
{
  g_autoptr(CorralCloneSource) source = g_new0 (CorralCloneSource, 1);
  char uuid[VIR_UUID_STRING_BUFLEN];
  virDomainPtr *domains = NULL;
  g_autoptr(GStrvBuilder) taken = g_strv_builder_new ();
  xmlDocPtr doc;
  xmlNodePtr devices;
  char *xml;
  int state = VIR_DOMAIN_NOSTATE;
  int n;

  g_atomic_ref_count_init (&source->ref_count);
  source->disks = g_ptr_array_new_with_free_func ((GDestroyNotify) clone_disk_free);
  source->pool_free = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  source->pool_volumes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
  source->name = g_strdup (virDomainGetName (vdom));
  if (virDomainGetUUIDString (vdom, uuid) == 0)
    source->uuid = g_strdup (uuid);

  xml = virDomainGetXMLDesc (vdom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if (xml == NULL)
    xml = virDomainGetXMLDesc (vdom, VIR_DOMAIN_XML_INACTIVE);
  if (xml == NULL)
    {
      g_autofree char *message = last_error ();

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED, _("Could not read “%s”: %s"), source->name, message);
      return NULL;
    }
  source->xml = g_strdup (xml);
  free (xml);
  virResetLastError ();

  if (virDomainGetState (vdom, &state, NULL, 0) < 0)
    state = VIR_DOMAIN_NOSTATE;
  source->running = state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_NOSTATE && state != VIR_DOMAIN_CRASHED;
  source->has_snapshots = virDomainSnapshotNum (vdom, 0) > 0;
  virResetLastError ();

  doc = parse_xml (source->xml, error);
  if (doc == NULL)
    return NULL;
  devices = _corral_xml_child (xmlDocGetRootElement (doc), "devices");
  for (xmlNodePtr node = devices != NULL ? devices->children : NULL; node != NULL; node = node->next)
    {
      g_autoptr(CorralGuestDiskInfo) info = NULL;
      g_autofree char *device = NULL;
      CloneDisk *disk;

      if (node->type != XML_ELEMENT_NODE || strcmp ((const char *) node->name, "disk") != 0)
        continue;
      device = _corral_xml_prop (node, "device");
      if (g_strcmp0 (device, "cdrom") == 0 || g_strcmp0 (device, "floppy") == 0)
        continue;
      info = _corral_disk_info_from_node (node);
      disk = g_new0 (CloneDisk, 1);
      disk->target = g_strdup (info->target);
      disk->type = _corral_xml_prop (node, "type");
      disk->path = g_strdup (info->source);
      disk->format = g_strdup (info->format);
      disk->pool = g_strdup (info->pool);
      disk->volume = g_strdup (info->volume);
      disk->lvm = info->lvm_group != NULL;
      read_disk_storage (conn, source, disk);
      if (disk->pool != NULL)
        disk->lvm = FALSE;
      g_ptr_array_add (source->disks, disk);
    }
  xmlFreeDoc (doc);

  n = virConnectListAllDomains (conn, &domains, 0);
  for (int i = 0; i < n; i++)
    {
      g_strv_builder_add (taken, virDomainGetName (domains[i]));
      virDomainFree (domains[i]);
    }
  free (domains);
  virResetLastError ();
  source->taken = g_strv_builder_end (taken);

  return g_steal_pointer (&source);
}

/* --- what is possible --- */

const char *
corral_clone_source_get_name (CorralCloneSource *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

gboolean
corral_clone_source_is_running (CorralCloneSource *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->running;
}

gboolean
corral_clone_source_supports (CorralCloneSource  *self,
                              CorralCloneMode     mode,
                              char              **reason)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->disks->len; i++)
    {
      CloneDisk *disk = g_ptr_array_index (self->disks, i);

      if (disk->lvm)
        {
          if (reason != NULL)
            *reason = g_strdup_printf (_("%s is an LVM volume, and corral-helper cannot copy logical volumes "
                                         "yet: Corral cannot clone this guest"), disk->target);
          return FALSE;
        }
      if (disk->pool == NULL)
        {
          if (reason != NULL)
            *reason = g_strdup_printf (_("%s (%s) is not in a storage pool: Corral copies disks through "
                                         "libvirt’s storage pools only"), disk->target,
                                       disk->path != NULL ? disk->path : _("no source"));
          return FALSE;
        }
      if (mode == CORRAL_CLONE_LINKED && g_strcmp0 (disk->format, "qcow2") != 0)
        {
          if (reason != NULL)
            *reason = g_strdup_printf (_("Linked clones need qcow2 disks, and %s is %s: make full copies "
                                         "instead"), disk->target,
                                       disk->format != NULL ? disk->format : "raw");
          return FALSE;
        }
    }
  if (mode == CORRAL_CLONE_LINKED && self->has_snapshots)
    {
      if (reason != NULL)
        *reason = g_strdup_printf (_("“%s” has snapshots, which live in its disks, and a linked clone "
                                     "turns them into a read-only base: delete the snapshots first, or "
                                     "make full copies"), self->name);
      return FALSE;
    }
  return TRUE;
}

static guint64
disk_needs (CloneDisk       *disk,
            CorralCloneMode  mode,
            guint            count)
{
  /* A full copy takes what the disk takes now (the copies stay sparse); a linked clone an overlay
   * each, and one for the guest itself. */
  if (mode == CORRAL_CLONE_LINKED)
    return (guint64) OVERLAY_BYTES * (count + 1);
  return disk->allocation * count;
}

guint64
corral_clone_source_get_needed (CorralCloneSource *self,
                                CorralCloneMode    mode,
                                guint              count)
{
  guint64 needed = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->disks->len; i++)
    needed += disk_needs (g_ptr_array_index (self->disks, i), mode, count);
  return needed;
}

guint64
corral_clone_source_get_available (CorralCloneSource *self)
{
  guint64 available = G_MAXUINT64;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->disks->len; i++)
    {
      CloneDisk *disk = g_ptr_array_index (self->disks, i);
      guint64 *free_bytes = disk->pool != NULL ? g_hash_table_lookup (self->pool_free, disk->pool) : NULL;

      if (free_bytes != NULL)
        available = MIN (available, *free_bytes);
    }
  return available;
}

/* "node3" → "node", 3; FALSE for a name that does not end in a number after a non-digit. */
static gboolean
split_member_name (const char  *name,
                   char       **prefix,
                   guint64     *number)
{
  gsize len = strlen (name);
  gsize i = len;

  while (i > 0 && g_ascii_isdigit (name[i - 1]))
    i--;
  if (i == len || i == 0 || len - i > 9)
    return FALSE;
  *prefix = g_strndup (name, i);
  *number = g_ascii_strtoull (name + i, NULL, 10);
  return TRUE;
}

GStrv
corral_clone_source_suggest_names (CorralCloneSource *self,
                                   guint              count)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autofree char *prefix = NULL;
  guint64 number;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (count >= 1, NULL);

  if (count == 1)
    {
      g_autofree char *name = g_strdup_printf ("%s-clone", self->name);

      for (guint k = 2; g_strv_contains ((const char * const *) self->taken, name); k++)
        {
          g_free (name);
          name = g_strdup_printf ("%s-clone-%u", self->name, k);
        }
      g_strv_builder_add (names, name);
    }
  else if (split_member_name (self->name, &prefix, &number))
    {
      guint64 highest = number;

      /* after the group's highest member: node1…node3 cloned ×2 from any of them gives node4, node5 */
      for (guint i = 0; self->taken[i] != NULL; i++)
        {
          g_autofree char *other_prefix = NULL;
          guint64 other;

          if (split_member_name (self->taken[i], &other_prefix, &other) &&
              strcmp (other_prefix, prefix) == 0)
            highest = MAX (highest, other);
        }
      for (guint i = 0; i < count; i++)
        {
          g_autofree char *name = g_strdup_printf ("%s%" G_GUINT64_FORMAT, prefix, highest + 1 + i);

          g_strv_builder_add (names, name);
        }
    }
  else
    for (guint i = 0; i < count; i++)
      {
        g_autofree char *name = g_strdup_printf ("%s-clone-%u", self->name, i + 1);

        g_strv_builder_add (names, name);
      }

  return g_strv_builder_end (names);
}

static char *
clone_volume_name (const char      *clone,
                   CloneDisk       *disk,
                   CorralCloneMode  mode)
{
  gboolean qcow2 = mode == CORRAL_CLONE_LINKED || g_strcmp0 (disk->format, "qcow2") == 0;

  return g_strdup_printf ("%s-%s.%s", clone, disk->target, qcow2 ? "qcow2" : "img");
}

static gboolean
pool_has_volume (CorralCloneSource *self,
                 const char        *pool,
                 const char        *volume)
{
  GHashTable *names = g_hash_table_lookup (self->pool_volumes, pool);

  return names != NULL && g_hash_table_contains (names, volume);
}

gboolean
corral_clone_source_check (CorralCloneSource  *self,
                           const char * const *names,
                           CorralCloneMode     mode,
                           GError            **error)
{
  g_autoptr(GHashTable) needed = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *reason = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint count;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (names != NULL, FALSE);

  count = g_strv_length ((char **) names);
  if (count < 1 || count > CORRAL_GUEST_SPEC_MAX_COUNT)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_COUNT,
                   _("Make between 1 and %d clones at once"), CORRAL_GUEST_SPEC_MAX_COUNT);
      return FALSE;
    }
  for (guint i = 0; i < count; i++)
    {
      if (!corral_guest_spec_check_name (names[i], 1, (const char * const *) self->taken, error))
        return FALSE;
      for (guint j = 0; j < i; j++)
        if (strcmp (names[i], names[j]) == 0)
          {
            g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME_TAKEN,
                         _("“%s” is given twice: each clone needs a name of its own"), names[i]);
            return FALSE;
          }
    }

  if (self->running)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_RUNNING,
                   _("“%s” is running: shut it down before cloning it"), self->name);
      return FALSE;
    }
  if (!corral_clone_source_supports (self, mode, &reason))
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_UNSUPPORTED, reason);
      return FALSE;
    }

  for (guint d = 0; d < self->disks->len; d++)
    {
      CloneDisk *disk = g_ptr_array_index (self->disks, d);
      guint64 *sum = g_hash_table_lookup (needed, disk->pool);

      for (guint i = 0; i < count; i++)
        {
          g_autofree char *volume = clone_volume_name (names[i], disk, mode);

          if (pool_has_volume (self, disk->pool, volume))
            {
              g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CONFLICT,
                           _("The storage pool “%s” has a volume called “%s” already: choose another "
                             "name"), disk->pool, volume);
              return FALSE;
            }
        }
      if (sum == NULL)
        {
          sum = g_new0 (guint64, 1);
          g_hash_table_insert (needed, disk->pool, sum);
        }
      *sum += disk_needs (disk, mode, count);
    }

  g_hash_table_iter_init (&iter, needed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint64 *free_bytes = g_hash_table_lookup (self->pool_free, key);
      guint64 want = *(guint64 *) value;

      if (free_bytes != NULL && want > *free_bytes)
        {
          g_autofree char *want_text = corral_format_size (want);
          g_autofree char *free_text = corral_format_size (*free_bytes);

          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_NO_SPACE,
                       _("Not enough space in the storage pool “%s”: the clones need %s, %s are free"),
                       (const char *) key, want_text, free_text);
          return FALSE;
        }
    }
  return TRUE;
}

/* --- the clone's definition --- */

static void
remove_children (xmlNodePtr  node,
                 const char *name)
{
  xmlNodePtr child = node != NULL ? node->children : NULL;

  while (child != NULL)
    {
      xmlNodePtr next = child->next;

      if (child->type == XML_ELEMENT_NODE && strcmp ((const char *) child->name, name) == 0)
        {
          xmlUnlinkNode (child);
          xmlFreeNode (child);
        }
      child = next;
    }
}

/* A file of the guest's named after it (a serial log): named after the clone instead. */
static void
rename_path_prop (xmlNodePtr  node,
                  const char *prop,
                  const char *old_name,
                  const char *new_name)
{
  g_autofree char *path = _corral_xml_prop (node, prop);
  g_autofree char *dir = NULL;
  g_autofree char *basename = NULL;
  g_autoptr(GString) base = NULL;
  g_autofree char *renamed = NULL;

  if (path == NULL)
    return;
  dir = g_path_get_dirname (path);
  basename = g_path_get_basename (path);
  base = g_string_new (basename);
  if (g_string_replace (base, old_name, new_name, 0) == 0)
    return;
  renamed = g_build_filename (dir, base->str, NULL);
  xmlSetProp (node, (const xmlChar *) prop, (const xmlChar *) renamed);
}

typedef struct
{
  char *pool;
  char *volume;
  char *path;
} NewDisk;

static void
new_disk_free (NewDisk *disk)
{
  g_free (disk->pool);
  g_free (disk->volume);
  g_free (disk->path);
  g_free (disk);
}

/* Points each disk named in @new_disks (target → NewDisk) at its new volume, as qcow2 when @qcow2. */
static void
replace_disks (xmlNodePtr  devices,
               GHashTable *new_disks,
               gboolean    qcow2)
{
  for (xmlNodePtr node = devices != NULL ? devices->children : NULL; node != NULL; node = node->next)
    {
      g_autofree char *target = NULL;
      g_autofree char *type = NULL;
      NewDisk *disk;
      xmlNodePtr source;

      if (node->type != XML_ELEMENT_NODE || strcmp ((const char *) node->name, "disk") != 0)
        continue;
      target = _corral_xml_prop (_corral_xml_child (node, "target"), "dev");
      disk = target != NULL ? g_hash_table_lookup (new_disks, target) : NULL;
      if (disk == NULL)
        continue;
      type = _corral_xml_prop (node, "type");
      remove_children (node, "source");
      remove_children (node, "backingStore");
      remove_children (node, "wwn");
      source = xmlNewNode (NULL, (const xmlChar *) "source");
      if (g_strcmp0 (type, "volume") == 0)
        {
          xmlSetProp (source, (const xmlChar *) "pool", (const xmlChar *) disk->pool);
          xmlSetProp (source, (const xmlChar *) "volume", (const xmlChar *) disk->volume);
        }
      else if (g_strcmp0 (type, "block") == 0)
        xmlSetProp (source, (const xmlChar *) "dev", (const xmlChar *) disk->path);
      else
        {
          xmlSetProp (node, (const xmlChar *) "type", (const xmlChar *) "file");
          xmlSetProp (source, (const xmlChar *) "file", (const xmlChar *) disk->path);
        }
      /* <source> right after <driver>, as libvirt writes it */
      if (_corral_xml_child (node, "driver") != NULL)
        xmlAddNextSibling (_corral_xml_child (node, "driver"), source);
      else if (node->children != NULL)
        xmlAddPrevSibling (node->children, source);
      else
        xmlAddChild (node, source);
      if (qcow2)
        {
          xmlNodePtr driver = _corral_xml_child (node, "driver");

          if (driver == NULL)
            {
              driver = xmlNewNode (NULL, (const xmlChar *) "driver");
              xmlSetProp (driver, (const xmlChar *) "name", (const xmlChar *) "qemu");
              xmlAddPrevSibling (source, driver);
            }
          xmlSetProp (driver, (const xmlChar *) "type", (const xmlChar *) "qcow2");
        }
    }
}

static char *
dump_xml (xmlDocPtr doc)
{
  xmlChar *out = NULL;
  int len = 0;
  char *xml;

  xmlDocDumpFormatMemory (doc, &out, &len, 1);
  xml = g_strndup ((const char *) out, len);
  xmlFree (out);
  return xml;
}

static char *
build_clone_xml (const char  *source_xml,
                 const char  *source_name,
                 const char  *name,
                 GHashTable  *new_disks,
                 gboolean     qcow2,
                 GError     **error)
{
  xmlDocPtr doc = parse_xml (source_xml, error);
  xmlNodePtr root, devices, metadata, os;
  char *xml;

  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);

  xmlNodeSetContent (_corral_xml_child (root, "name"), (const xmlChar *) name);
  remove_children (root, "uuid");     /* libvirt makes a new one */
  remove_children (root, "genid");

  /* Corral's own metadata (an install run's marker) is the guest's, not its clones' */
  metadata = _corral_xml_child (root, "metadata");
  for (xmlNodePtr node = metadata != NULL ? metadata->children : NULL, next; node != NULL; node = next)
    {
      next = node->next;
      if (node->ns != NULL && g_strcmp0 ((const char *) node->ns->href, CORRAL_XMLNS) == 0)
        {
          xmlUnlinkNode (node);
          xmlFreeNode (node);
        }
    }

  /* UEFI variables: libvirt makes the clone a fresh store from the firmware's template */
  os = _corral_xml_child (root, "os");
  remove_children (os, "nvram");

  devices = _corral_xml_child (root, "devices");
  replace_disks (devices, new_disks, qcow2);
  for (xmlNodePtr node = devices != NULL ? devices->children : NULL; node != NULL; node = node->next)
    {
      const char *element = (const char *) node->name;

      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (strcmp (element, "interface") == 0)
        {
          /* libvirt makes new MAC addresses (so DHCP reservations stay the guest's) and device names */
          remove_children (node, "mac");
          remove_children (node, "target");
        }
      else if (strcmp (element, "graphics") == 0)
        {
          gboolean had_port = xmlHasProp (node, (const xmlChar *) "port") != NULL;

          xmlUnsetProp (node, (const xmlChar *) "port");
          xmlUnsetProp (node, (const xmlChar *) "tlsPort");
          xmlUnsetProp (node, (const xmlChar *) "websocket");
          xmlUnsetProp (node, (const xmlChar *) "socket");
          if (had_port)
            xmlSetProp (node, (const xmlChar *) "autoport", (const xmlChar *) "yes");
          for (xmlNodePtr listen = node->children; listen != NULL; listen = listen->next)
            if (listen->type == XML_ELEMENT_NODE && strcmp ((const char *) listen->name, "listen") == 0)
              xmlUnsetProp (listen, (const xmlChar *) "socket");
        }
      else if (strcmp (element, "serial") == 0 || strcmp (element, "console") == 0 ||
               strcmp (element, "channel") == 0 || strcmp (element, "parallel") == 0)
        {
          rename_path_prop (_corral_xml_child (node, "source"), "path", source_name, name);
          rename_path_prop (_corral_xml_child (node, "log"), "file", source_name, name);
        }
    }

  xml = dump_xml (doc);
  xmlFreeDoc (doc);
  return xml;
}

/* --- making the clones --- */

typedef struct
{
  gatomicrefcount          ref_count;
  GMainContext            *context;
  CorralCloneProgressFunc  func;
  gpointer                 data;
  GDestroyNotify           notify;
} Progress;

static Progress *
progress_ref (Progress *progress)
{
  g_atomic_ref_count_inc (&progress->ref_count);
  return progress;
}

static void
progress_unref (Progress *progress)
{
  if (!g_atomic_ref_count_dec (&progress->ref_count))
    return;
  if (progress->notify != NULL)
    progress->notify (progress->data);
  g_main_context_unref (progress->context);
  g_free (progress);
}

typedef struct
{
  Progress *progress;
  double    fraction;
} Report;

static void
report_free (Report *report)
{
  progress_unref (report->progress);
  g_free (report);
}

static gboolean
report_cb (gpointer user_data)
{
  Report *report = user_data;

  report->progress->func (report->fraction, report->progress->data);
  return G_SOURCE_REMOVE;
}

static void
report (Progress *progress,
        double    fraction)
{
  Report *r;

  if (progress == NULL || progress->func == NULL)
    return;
  r = g_new0 (Report, 1);
  r->progress = progress_ref (progress);
  r->fraction = CLAMP (fraction, 0.0, 1.0);
  g_main_context_invoke_full (progress->context, G_PRIORITY_DEFAULT, report_cb, r, (GDestroyNotify) report_free);
}

/* While virStorageVolCreateXMLFrom copies (it blocks its thread), another thread looks at how much of the
 * new volume is written. */
typedef struct
{
  Progress          *progress;
  virStoragePoolPtr  pool;
  char              *volume;
  guint64            done_before;
  guint64            expected;
  guint64            total;
  gint               stop;
} Poll;

static gpointer
poll_thread (gpointer user_data)
{
  Poll *poll = user_data;

  while (!g_atomic_int_get (&poll->stop))
    {
      virStorageVolPtr vol;
      virStorageVolInfo info;

      for (guint waited = 0; waited < POLL_INTERVAL_MS && !g_atomic_int_get (&poll->stop); waited += 25)
        g_usleep (25 * 1000);
      if (g_atomic_int_get (&poll->stop))
        break;
      vol = virStorageVolLookupByName (poll->pool, poll->volume);
      if (vol != NULL && virStorageVolGetInfo (vol, &info) == 0)
        report (poll->progress, (double) (poll->done_before + MIN (info.allocation, poll->expected)) / poll->total);
      if (vol != NULL)
        virStorageVolFree (vol);
      virResetLastError ();
    }
  return NULL;
}

typedef struct
{
  char             *uuid;
  virConnectPtr     conn;
  GStrv             names;
  CorralCloneMode   mode;
  Progress         *progress;
} Op;

static void
op_free (Op *op)
{
  g_free (op->uuid);
  if (op->conn != NULL)
    virConnectClose (op->conn);
  g_strfreev (op->names);
  if (op->progress != NULL)
    progress_unref (op->progress);
  g_free (op);
}

static char *
volume_xml (const char *name,
            CloneDisk  *disk,
            const char *format,
            guint64     allocation,
            const char *backing)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autofree char *esc_name = g_markup_escape_text (name, -1);

  g_string_append_printf (xml, "<volume><name>%s</name>"
                               "<capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>"
                               "<allocation unit='bytes'>%" G_GUINT64_FORMAT "</allocation>"
                               "<target><format type='%s'/></target>",
                          esc_name, disk->capacity, allocation, format);
  if (backing != NULL)
    {
      g_autofree char *esc_backing = g_markup_escape_text (backing, -1);

      g_string_append_printf (xml, "<backingStore><path>%s</path><format type='qcow2'/></backingStore>",
                              esc_backing);
    }
  g_string_append (xml, "</volume>");
  return g_string_free (g_steal_pointer (&xml), FALSE);
}

/* Makes volume @name in @disk's pool: a copy of it, or (@linked) an overlay on it. */
static virStorageVolPtr
make_volume (virConnectPtr   conn,
             CloneDisk      *disk,
             const char     *name,
             gboolean        linked,
             Progress       *progress,
             guint64         done_before,
             guint64         total,
             GError        **error)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, disk->pool);
  virStorageVolPtr from = pool != NULL ? virStorageVolLookupByName (pool, disk->volume) : NULL;
  virStorageVolPtr vol = NULL;
  g_autofree char *xml = NULL;

  if (from == NULL)
    {
      g_autofree char *message = last_error ();

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED, _("Could not find the volume of %s: %s"),
                   disk->target, message);
      if (pool != NULL)
        virStoragePoolFree (pool);
      return NULL;
    }

  if (linked)
    {
      xml = volume_xml (name, disk, "qcow2", 0, disk->path);
      vol = virStorageVolCreateXML (pool, xml, 0);
    }
  else
    {
      Poll poll = { progress, pool, (char *) name, done_before, MAX (disk->allocation, 1), MAX (total, 1), 0 };
      GThread *poller = g_thread_new ("corral-clone-poll", poll_thread, &poll);

      xml = volume_xml (name, disk, disk->format != NULL ? disk->format : "raw", disk->allocation, NULL);
      vol = virStorageVolCreateXMLFrom (pool, xml, from, 0);
      g_atomic_int_set (&poll.stop, 1);
      g_thread_join (poller);
    }
  if (vol == NULL)
    {
      g_autofree char *message = last_error ();

      if (linked)
        g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED,
                     _("Could not make an overlay of %s in the storage pool “%s”: %s"), disk->target,
                     disk->pool, message);
      else
        g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED,
                     _("Could not copy %s in the storage pool “%s”: %s"), disk->target, disk->pool, message);
    }
  virStorageVolFree (from);
  virStoragePoolFree (pool);
  return vol;
}

static NewDisk *
new_disk_from_volume (virStorageVolPtr  vol,
                      const char       *pool)
{
  NewDisk *disk = g_new0 (NewDisk, 1);
  char *path = virStorageVolGetPath (vol);

  disk->pool = g_strdup (pool);
  disk->volume = g_strdup (virStorageVolGetName (vol));
  disk->path = g_strdup (path);
  free (path);
  return disk;
}

static void
undo (GPtrArray *domains,
      GPtrArray *volumes)
{
  for (guint i = 0; i < domains->len; i++)
    {
      virDomainPtr dom = g_ptr_array_index (domains, i);

      if (virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_NVRAM) < 0 && virDomainUndefine (dom) < 0)
        g_warning ("Could not remove the half-made clone %s: %s", virDomainGetName (dom),
                   virGetLastErrorMessage ());
      virResetLastError ();
    }
  for (guint i = 0; i < volumes->len; i++)
    {
      virStorageVolPtr vol = g_ptr_array_index (volumes, i);

      if (virStorageVolDelete (vol, 0) < 0)
        g_warning ("Could not delete the half-made volume %s: %s", virStorageVolGetName (vol),
                   virGetLastErrorMessage ());
      virResetLastError ();
    }
}

static void
clone_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Op *op = task_data;
  gboolean linked = op->mode == CORRAL_CLONE_LINKED;
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) virDomainFree);
  g_autoptr(GPtrArray) volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) virStorageVolFree);
  g_autoptr(CorralCloneSource) source = NULL;
  g_autoptr(GError) error = NULL;
  guint count = g_strv_length (op->names);
  guint64 total = 0, done = 0;
  guint steps, step = 0;
  virDomainPtr vdom;

  vdom = virDomainLookupByUUIDString (op->conn, op->uuid);
  if (vdom == NULL)
    {
      g_autofree char *message = last_error ();

      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_FOUND, _("The guest is gone: %s"), message);
      return;
    }
  source = read_source (op->conn, vdom, &error);
  virDomainFree (vdom);
  if (source == NULL || !corral_clone_source_check (source, (const char * const *) op->names, op->mode, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint d = 0; d < source->disks->len; d++)
    total += ((CloneDisk *) g_ptr_array_index (source->disks, d))->allocation * count;
  steps = source->disks->len * (count + (linked ? 1 : 0)) + count + (linked ? 1 : 0);
  report (op->progress, 0.0);

  for (guint i = 0; i < count; i++)
    {
      g_autoptr(GHashTable) new_disks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                               (GDestroyNotify) new_disk_free);
      g_autofree char *xml = NULL;
      virDomainPtr clone;

      for (guint d = 0; d < source->disks->len; d++)
        {
          CloneDisk *disk = g_ptr_array_index (source->disks, d);
          g_autofree char *name = clone_volume_name (op->names[i], disk, op->mode);
          virStorageVolPtr vol = make_volume (op->conn, disk, name, linked, op->progress, done, total, &error);

          if (vol == NULL)
            goto failed;
          g_ptr_array_add (volumes, vol);
          g_hash_table_insert (new_disks, g_strdup (disk->target), new_disk_from_volume (vol, disk->pool));
          done += disk->allocation;
          step++;
          report (op->progress, linked ? (double) step / steps : (double) done / MAX (total, 1));
          if (g_cancellable_set_error_if_cancelled (cancellable, &error))
            goto failed;
        }

      xml = build_clone_xml (source->xml, source->name, op->names[i], new_disks, linked, &error);
      if (xml == NULL)
        goto failed;
      clone = virDomainDefineXML (op->conn, xml);
      if (clone == NULL)
        {
          g_autofree char *message = last_error ();

          g_set_error (&error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED, _("Could not define “%s”: %s"),
                       op->names[i], message);
          goto failed;
        }
      g_ptr_array_add (domains, clone);
      step++;
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto failed;
    }

  if (linked && source->disks->len > 0)
    {
      /* The guest itself moves onto an overlay: its old disk, the clones' base, is written no more. */
      g_autoptr(GHashTable) new_disks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                               (GDestroyNotify) new_disk_free);
      g_autofree char *xml = NULL;
      virDomainPtr redefined;

      for (guint d = 0; d < source->disks->len; d++)
        {
          CloneDisk *disk = g_ptr_array_index (source->disks, d);
          g_autofree char *name = NULL;
          virStorageVolPtr vol;

          for (guint k = 2; name == NULL || pool_has_volume (source, disk->pool, name); k++)
            {
              g_free (name);
              name = g_strdup_printf ("%s-%s-%u.qcow2", source->name, disk->target, k);
            }
          vol = make_volume (op->conn, disk, name, TRUE, NULL, 0, 0, &error);
          if (vol == NULL)
            goto failed;
          g_ptr_array_add (volumes, vol);
          g_hash_table_insert (new_disks, g_strdup (disk->target), new_disk_from_volume (vol, disk->pool));
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto failed;

      /* the guest's own definition, with only its disks changed */
      {
        xmlDocPtr doc = parse_xml (source->xml, &error);

        if (doc == NULL)
          goto failed;
        replace_disks (_corral_xml_child (xmlDocGetRootElement (doc), "devices"), new_disks, TRUE);
        xml = dump_xml (doc);
        xmlFreeDoc (doc);
      }
      redefined = virDomainDefineXML (op->conn, xml);
      if (redefined == NULL)
        {
          g_autofree char *message = last_error ();

          g_set_error (&error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED,
                       _("Could not move “%s” onto an overlay of its disk: %s"), source->name, message);
          goto failed;
        }
      virDomainFree (redefined);
    }

  report (op->progress, 1.0);
  g_task_return_boolean (task, TRUE);
  return;

failed:
  undo (domains, volumes);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
read_source_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Op *op = task_data;
  GError *error = NULL;
  CorralCloneSource *source;
  virDomainPtr vdom = virDomainLookupByUUIDString (op->conn, op->uuid);

  if (vdom == NULL)
    {
      g_autofree char *message = last_error ();

      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_FOUND, _("The guest is gone: %s"), message);
      return;
    }
  source = read_source (op->conn, vdom, &error);
  virDomainFree (vdom);
  if (source == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, source, (GDestroyNotify) corral_clone_source_unref);
}

static Op *
new_op (CorralGuest *guest,
        GError     **error)
{
  CorralConnection *connection = corral_guest_get_connection (guest);
  Op *op = g_new0 (Op, 1);

  op->uuid = g_strdup (corral_guest_get_uuid (guest));
  op->conn = connection != NULL ? _corral_connection_ref_handle (connection) : NULL;
  if (op->conn == NULL || op->uuid == NULL)
    {
      op_free (op);
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED, _("The connection to “%s”’s host is down"),
                   corral_guest_get_name (guest));
      return NULL;
    }
  return op;
}

void
corral_guest_read_clone_source_async (CorralGuest         *guest,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Op *op;

  g_return_if_fail (CORRAL_IS_GUEST (guest));

  task = g_task_new (guest, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_read_clone_source_async);
  op = new_op (guest, &error);
  if (op == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  g_task_run_in_thread (task, read_source_thread);
}

CorralCloneSource *
corral_guest_read_clone_source_finish (CorralGuest   *guest,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
corral_guest_clone_async (CorralGuest             *guest,
                          const char * const      *names,
                          CorralCloneMode          mode,
                          GCancellable            *cancellable,
                          CorralCloneProgressFunc  progress,
                          gpointer                 progress_data,
                          GDestroyNotify           progress_notify,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Op *op;

  g_return_if_fail (CORRAL_IS_GUEST (guest));
  g_return_if_fail (names != NULL);

  task = g_task_new (guest, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_clone_async);
  /* a cancelled clone still removes what it made before it returns */
  g_task_set_check_cancellable (task, FALSE);
  op = new_op (guest, &error);
  if (op == NULL)
    {
      if (progress_notify != NULL)
        progress_notify (progress_data);
      g_task_return_error (task, error);
      return;
    }
  op->names = g_strdupv ((char **) names);
  op->mode = mode;
  op->progress = g_new0 (Progress, 1);
  g_atomic_ref_count_init (&op->progress->ref_count);
  op->progress->context = g_main_context_ref_thread_default ();
  op->progress->func = progress;
  op->progress->data = progress_data;
  op->progress->notify = progress_notify;
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  g_task_run_in_thread (task, clone_thread);
}

gboolean
corral_guest_clone_finish (CorralGuest   *guest,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- bases in use --- */

/* The backing file of the volume at @path, as the storage driver read it from the image, or NULL. */
static char *
backing_of (virConnectPtr  conn,
            const char    *path)
{
  virStorageVolPtr vol = virStorageVolLookupByPath (conn, path);
  char *xml = vol != NULL ? virStorageVolGetXMLDesc (vol, 0) : NULL;
  char *backing = NULL;
  xmlDocPtr doc;

  if (vol != NULL)
    virStorageVolFree (vol);
  virResetLastError ();
  if (xml == NULL)
    return NULL;
  doc = xmlReadMemory (xml, strlen (xml), "volume.xml", NULL, XML_PARSE_NONET);
  free (xml);
  if (doc == NULL)
    return NULL;
  {
    xmlNodePtr store = _corral_xml_child (xmlDocGetRootElement (doc), "backingStore");
    xmlNodePtr node = _corral_xml_child (store, "path");

    if (node != NULL)
      {
        xmlChar *content = xmlNodeGetContent (node);

        if (content != NULL && *content != '\0')
          backing = g_strdup ((const char *) content);
        xmlFree (content);
      }
  }
  xmlFreeDoc (doc);
  return backing;
}

char *
_corral_clone_find_base_user (virConnectPtr  conn,
                              const char    *path,
                              const char    *except_uuid)
{
  virDomainPtr *domains = NULL;
  char *user = NULL;
  int n;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  n = virConnectListAllDomains (conn, &domains, 0);
  for (int i = 0; i < n; i++)
    {
      char uuid[VIR_UUID_STRING_BUFLEN];
      g_autoptr(CorralDomainFacts) facts = NULL;
      char *xml;

      if (user == NULL && virDomainGetUUIDString (domains[i], uuid) == 0 &&
          g_strcmp0 (uuid, except_uuid) != 0 &&
          (xml = virDomainGetXMLDesc (domains[i], VIR_DOMAIN_XML_INACTIVE)) != NULL)
        {
          facts = _corral_domain_facts_parse (xml, NULL);
          free (xml);
        }
      for (guint d = 0; facts != NULL && user == NULL && d < facts->disks->len; d++)
        {
          CorralGuestDiskInfo *disk = g_ptr_array_index (facts->disks, d);
          g_autofree char *current = g_strdup (disk->source);

          if (disk->is_cdrom)
            continue;
          /* the whole chain under the disk, a few levels deep at most */
          for (guint depth = 0; current != NULL && depth < 16 && user == NULL; depth++)
            {
              char *next = backing_of (conn, current);

              if (g_strcmp0 (next, path) == 0)
                user = g_strdup (virDomainGetName (domains[i]));
              g_free (current);
              current = next;
            }
        }
      virDomainFree (domains[i]);
    }
  free (domains);
  virResetLastError ();
  return user;
}
