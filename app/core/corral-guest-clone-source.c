/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-clone"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "corral-cloud-init.h"
#include "corral-error.h"
#include "corral-guest-clone.h"
#include "corral-guest-clone-private.h"
#include "corral-guest-config-private.h"
#include "corral-guest-spec.h"

/* What cloning a guest needs to know, read before anything is made: its disks, pools and names in use
 * (CorralCloneSource), the checks on it, the default names; and which guest's disk a volume is the base
 * of. Making the clones is corral-guest-clone.c. */

/* What a qcow2 overlay takes at first (its header and tables); counted for linked clones. */
#define OVERLAY_BYTES (1024 * 1024)

G_DEFINE_BOXED_TYPE (CorralCloneSource, corral_clone_source,
                     corral_clone_source_ref, corral_clone_source_unref)

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
  g_clear_pointer (&self->seed, clone_disk_free);
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

xmlDocPtr
_corral_clone_parse_xml (const char  *xml,
                         GError     **error)
{
  xmlDocPtr doc = xml != NULL ? xmlReadMemory (xml, strlen (xml), "domain.xml", NULL,
                                               XML_PARSE_NONET | XML_PARSE_NOBLANKS) : NULL;

  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      if (doc != NULL)
        xmlFreeDoc (doc);
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                           _("libvirt gave an unreadable definition"));
      return NULL;
    }
  return doc;
}

static char *backing_of (virConnectPtr  conn,
                         const char    *path);

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
          g_autofree char *current = g_strdup (disk->path);
          guint64 own = info.allocation;

          disk->capacity = info.capacity;
          disk->allocation = info.allocation;
          /* a full copy of an overlay holds what its backing files hold too (qemu-img convert) */
          for (guint depth = 0; current != NULL && depth < 16; depth++)
            {
              char *next = backing_of (conn, current);
              virStorageVolPtr backing = next != NULL ? virStorageVolLookupByPath (conn, next) : NULL;

              if (backing != NULL && virStorageVolGetInfo (backing, &info) == 0)
                disk->allocation += info.allocation;
              if (backing != NULL)
                virStorageVolFree (backing);
              virResetLastError ();
              g_free (current);
              current = next;
            }
          if (disk->capacity > 0)
            disk->allocation = MIN (disk->allocation, MAX (disk->capacity, own));
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

/* A CD-ROM whose ISO is the guest's own cloud-init seed: "NAME-cidata.iso", as the cloud image
 * creator names it (corral_guest_list_disks counts it as the guest's storage for that reason). */
static gboolean
is_own_seed (CorralCloneSource   *source,
             CorralGuestDiskInfo *info)
{
  g_autofree char *seed = g_strconcat (source->name, "-cidata.iso", NULL);
  g_autofree char *base = info->source != NULL ? g_path_get_basename (info->source) : NULL;

  return g_strcmp0 (base, seed) == 0 || g_strcmp0 (info->volume, seed) == 0;
}

CorralCloneSource *
_corral_clone_source_read (virConnectPtr   conn,
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

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED, _("Could not read “%s”: %s"),
                   source->name, message);
      return NULL;
    }
  source->xml = g_strdup (xml);
  free (xml);
  virResetLastError ();

  if (virDomainGetState (vdom, &state, NULL, 0) < 0)
    state = VIR_DOMAIN_NOSTATE;
  source->running = state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_NOSTATE &&
                    state != VIR_DOMAIN_CRASHED;
  source->has_snapshots = virDomainSnapshotNum (vdom, 0) > 0;
  virResetLastError ();

  doc = _corral_clone_parse_xml (source->xml, error);
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
      info = _corral_disk_info_from_node (node);
      if (g_strcmp0 (device, "cdrom") == 0 && source->seed == NULL && is_own_seed (source, info))
        {
          /* the cloud-init seed made with the guest: each clone gets one of its own */
          disk = g_new0 (CloneDisk, 1);
          disk->target = g_strdup (info->target);
          disk->type = _corral_xml_prop (node, "type");
          disk->path = g_strdup (info->source);
          disk->pool = g_strdup (info->pool);
          disk->volume = g_strdup (info->volume);
          read_disk_storage (conn, source, disk);
          source->seed = disk;
          continue;
        }
      if (g_strcmp0 (device, "cdrom") == 0 || g_strcmp0 (device, "floppy") == 0)
        continue;
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
  if (self->seed != NULL && self->seed->pool == NULL)
    {
      if (reason != NULL)
        *reason = g_strdup_printf (_("The cloud-init seed %s (%s) is not in a storage pool: "
                                     "Corral makes each clone a seed of its own through "
                                     "libvirt’s storage pools only"), self->seed->target,
                                   self->seed->path != NULL ? self->seed->path : _("no source"));
      return FALSE;
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
  if (self->seed != NULL)
    needed += self->seed->capacity * count;
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

/* The group's highest number (@number, the guest's own, at least) when another guest is named @prefix
 * and a number; 0 when none is (a lone "debian12" is no group's member). */
static guint64
group_after (CorralCloneSource *self,
             const char        *prefix,
             guint64            number)
{
  guint64 highest = 0;

  for (guint i = 0; self->taken[i] != NULL; i++)
    {
      g_autofree char *other_prefix = NULL;
      guint64 other;

      if (strcmp (self->taken[i], self->name) != 0 &&
          split_member_name (self->taken[i], &other_prefix, &other) && strcmp (other_prefix, prefix) == 0)
        highest = MAX (highest, other);
    }
  return highest > 0 ? MAX (highest, number) : 0;
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
  else if (split_member_name (self->name, &prefix, &number) && group_after (self, prefix, number) > 0)
    {
      /* after the group's highest member: node1…node3 cloned ×2 from any of them gives node4, node5 */
      guint64 highest = group_after (self, prefix, number);

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

char *
_corral_clone_volume_name (const char      *clone,
                           CloneDisk       *disk,
                           CorralCloneMode  mode)
{
  gboolean qcow2 = mode == CORRAL_CLONE_LINKED || g_strcmp0 (disk->format, "qcow2") == 0;

  return g_strdup_printf ("%s-%s.%s", clone, disk->target, qcow2 ? "qcow2" : "img");
}

gboolean
_corral_clone_source_has_volume (CorralCloneSource *self,
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

  /* a clone of a cloud-init guest is its own host: its name goes into its seed */
  for (guint i = 0; self->seed != NULL && i < count; i++)
    if (!corral_cloud_check_host_name (names[i], error))
      return FALSE;

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
          g_autofree char *volume = _corral_clone_volume_name (names[i], disk, mode);

          if (_corral_clone_source_has_volume (self, disk->pool, volume))
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

  if (self->seed != NULL)
    {
      guint64 *sum = g_hash_table_lookup (needed, self->seed->pool);

      for (guint i = 0; i < count; i++)
        {
          g_autofree char *volume = _corral_clone_seed_volume_name (names[i]);

          if (_corral_clone_source_has_volume (self, self->seed->pool, volume))
            {
              g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CONFLICT,
                           _("The storage pool “%s” has a volume called “%s” already: choose "
                             "another name"), self->seed->pool, volume);
              return FALSE;
            }
        }
      if (sum == NULL)
        {
          sum = g_new0 (guint64, 1);
          g_hash_table_insert (needed, self->seed->pool, sum);
        }
      *sum += self->seed->capacity * count;
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

