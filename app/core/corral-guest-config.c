/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-config"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-config-private.h"

/* A guest's hardware as libvirt has it now (CorralGuestConfig) and the set of changes to it
 * (CorralGuestEdit, applied in corral-guest-edit.c). One parser: libxml2, on both sides, so that an
 * edit changes only the elements it is about and leaves the rest of the XML as libvirt wrote it. */

G_DEFINE_BOXED_TYPE (CorralGuestConfig, corral_guest_config, corral_guest_config_ref,
                     corral_guest_config_unref)
G_DEFINE_BOXED_TYPE (CorralGuestEdit, corral_guest_edit, corral_guest_edit_ref, corral_guest_edit_unref)

/* --- value types --- */

void
corral_guest_disk_info_free (CorralGuestDiskInfo *disk)
{
  if (disk == NULL)
    return;
  g_free (disk->target);
  g_free (disk->bus);
  g_free (disk->source);
  g_free (disk->format);
  g_free (disk->pool);
  g_free (disk->volume);
  g_free (disk->lvm_group);
  g_free (disk->lvm_name);
  g_free (disk);
}

void
corral_guest_nic_info_free (CorralGuestNicInfo *nic)
{
  if (nic == NULL)
    return;
  g_free (nic->mac);
  g_free (nic->type);
  g_free (nic->source);
  g_free (nic->model);
  g_free (nic);
}

void
_corral_domain_facts_free (CorralDomainFacts *facts)
{
  if (facts == NULL)
    return;
  g_free (facts->name);
  g_free (facts->type);
  g_clear_pointer (&facts->disks, g_ptr_array_unref);
  g_clear_pointer (&facts->nics, g_ptr_array_unref);
  g_strfreev (facts->boot_order);
  g_free (facts->title);
  g_free (facts->description);
  g_free (facts);
}

/* --- XML --- */

xmlNodePtr
_corral_xml_child (xmlNodePtr  node,
                   const char *name)
{
  for (xmlNodePtr c = node != NULL ? node->children : NULL; c != NULL; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp ((const char *) c->name, name) == 0)
      return c;
  return NULL;
}

/* g_malloc'd, or NULL. */
char *
_corral_xml_prop (xmlNodePtr  node,
                  const char *name)
{
  xmlChar *value;
  char *ret;

  if (node == NULL || (value = xmlGetProp (node, (const xmlChar *) name)) == NULL)
    return NULL;
  ret = g_strdup ((const char *) value);
  xmlFree (value);
  return ret;
}

static char *
node_text (xmlNodePtr node)
{
  xmlChar *content;
  char *ret;

  if (node == NULL || (content = xmlNodeGetContent (node)) == NULL)
    return NULL;
  ret = g_strdup (g_strstrip ((char *) content));
  xmlFree (content);
  return ret;
}

/* <memory unit='KiB'>N</memory> in bytes. */
static guint64
memory_bytes (xmlNodePtr node)
{
  static const struct { const char *unit; guint64 factor; } units[] = {
    { "b", 1 }, { "bytes", 1 },
    { "KB", 1000 }, { "k", 1024 }, { "KiB", 1024 },
    { "MB", 1000000 }, { "M", 1 << 20 }, { "MiB", 1 << 20 },
    { "GB", 1000000000 }, { "G", 1 << 30 }, { "GiB", 1 << 30 },
    { "TB", G_GUINT64_CONSTANT (1000000000000) }, { "T", G_GUINT64_CONSTANT (1) << 40 },
    { "TiB", G_GUINT64_CONSTANT (1) << 40 },
  };
  g_autofree char *text = node_text (node);
  g_autofree char *unit = _corral_xml_prop (node, "unit");
  guint64 factor = 1024;

  if (text == NULL)
    return 0;
  for (guint i = 0; unit != NULL && i < G_N_ELEMENTS (units); i++)
    if (g_ascii_strcasecmp (unit, units[i].unit) == 0 && strcmp (unit, units[i].unit) == 0)
      factor = units[i].factor;
  return g_ascii_strtoull (text, NULL, 10) * factor;
}

/* /dev/VG/LV: a logical volume's device path (not /dev/disk/…, /dev/mapper/…). */
static gboolean
split_lvm_path (const char  *path,
                char       **group,
                char       **name)
{
  static const char * const not_groups[] = { "disk", "mapper", "md", "block", "bus", "char", "cdrom",
                                             "input", "net", "shm", "pts", "snd", "dri", "hugepages",
                                             "mqueue", "vfio", "cpu", NULL };
  g_auto(GStrv) parts = NULL;

  if (path == NULL || !g_str_has_prefix (path, "/dev/"))
    return FALSE;
  parts = g_strsplit (path + strlen ("/dev/"), "/", -1);
  if (g_strv_length (parts) != 2 || parts[0][0] == '\0' || parts[1][0] == '\0' ||
      g_strv_contains (not_groups, parts[0]))
    return FALSE;
  *group = g_strdup (parts[0]);
  *name = g_strdup (parts[1]);
  return TRUE;
}

CorralGuestDiskInfo *
_corral_disk_info_from_node (xmlNodePtr disk)
{
  CorralGuestDiskInfo *info = g_new0 (CorralGuestDiskInfo, 1);
  g_autofree char *device = _corral_xml_prop (disk, "device");
  xmlNodePtr source = _corral_xml_child (disk, "source");
  xmlNodePtr target = _corral_xml_child (disk, "target");

  info->target = _corral_xml_prop (target, "dev");
  info->bus = _corral_xml_prop (target, "bus");
  info->is_cdrom = g_strcmp0 (device, "cdrom") == 0;
  info->format = _corral_xml_prop (_corral_xml_child (disk, "driver"), "type");
  info->source = _corral_xml_prop (source, "file");
  if (info->source == NULL)
    info->source = _corral_xml_prop (source, "dev");
  if (info->source == NULL)
    {
      info->pool = _corral_xml_prop (source, "pool");
      info->volume = _corral_xml_prop (source, "volume");
    }
  if (info->source != NULL && !info->is_cdrom)
    split_lvm_path (info->source, &info->lvm_group, &info->lvm_name);
  return info;
}

static CorralGuestNicInfo *
nic_info_from_node (xmlNodePtr iface)
{
  CorralGuestNicInfo *info = g_new0 (CorralGuestNicInfo, 1);
  xmlNodePtr source = _corral_xml_child (iface, "source");

  info->mac = _corral_xml_prop (_corral_xml_child (iface, "mac"), "address");
  info->type = _corral_xml_prop (iface, "type");
  info->source = _corral_xml_prop (source, g_strcmp0 (info->type, "bridge") == 0 ? "bridge"
                                           : g_strcmp0 (info->type, "network") == 0 ? "network"
                                           : "dev");
  info->model = _corral_xml_prop (_corral_xml_child (iface, "model"), "type");
  return info;
}

static CorralFirmware
firmware_from_os (xmlNodePtr os)
{
  g_autofree char *firmware = _corral_xml_prop (os, "firmware");
  xmlNodePtr loader = _corral_xml_child (os, "loader");
  g_autofree char *loader_type = _corral_xml_prop (loader, "type");
  g_autofree char *secure = _corral_xml_prop (loader, "secure");
  gboolean uefi = g_strcmp0 (firmware, "efi") == 0 || g_strcmp0 (loader_type, "pflash") == 0;

  if (!uefi)
    return CORRAL_FIRMWARE_BIOS;
  if (g_strcmp0 (secure, "yes") == 0)
    return CORRAL_FIRMWARE_UEFI_SECURE_BOOT;
  for (xmlNodePtr f = _corral_xml_child (_corral_xml_child (os, "firmware"), "feature"); f != NULL;
       f = f->next)
    {
      g_autofree char *name = NULL;
      g_autofree char *enabled = NULL;

      if (f->type != XML_ELEMENT_NODE)
        continue;
      name = _corral_xml_prop (f, "name");
      enabled = _corral_xml_prop (f, "enabled");
      if (g_strcmp0 (name, "secure-boot") == 0 && g_strcmp0 (enabled, "yes") == 0)
        return CORRAL_FIRMWARE_UEFI_SECURE_BOOT;
    }
  return CORRAL_FIRMWARE_UEFI;
}

CorralDomainFacts *
_corral_domain_facts_parse (const char  *xml,
                            GError     **error)
{
  g_autoptr(CorralDomainFacts) facts = g_new0 (CorralDomainFacts, 1);
  g_autoptr(GPtrArray) boot = g_ptr_array_new_with_free_func (g_free);
  xmlDocPtr doc;
  xmlNodePtr root, vcpu, os;
  g_autofree char *current = NULL;
  g_autofree char *vcpu_text = NULL;

  doc = xmlReadMemory (xml, strlen (xml), "domain.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING |
                       XML_PARSE_NOERROR);
  if (doc == NULL || (root = xmlDocGetRootElement (doc)) == NULL ||
      strcmp ((const char *) root->name, "domain") != 0)
    {
      if (doc != NULL)
        xmlFreeDoc (doc);
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                           _("libvirt gave a guest definition Corral cannot read"));
      return NULL;
    }

  facts->type = _corral_xml_prop (root, "type");
  facts->name = node_text (_corral_xml_child (root, "name"));
  facts->title = node_text (_corral_xml_child (root, "title"));
  facts->description = node_text (_corral_xml_child (root, "description"));
  facts->max_memory = memory_bytes (_corral_xml_child (root, "memory"));
  facts->memory = memory_bytes (_corral_xml_child (root, "currentMemory"));
  if (facts->memory == 0)
    facts->memory = facts->max_memory;

  vcpu = _corral_xml_child (root, "vcpu");
  vcpu_text = node_text (vcpu);
  current = _corral_xml_prop (vcpu, "current");
  facts->max_vcpus = vcpu_text != NULL ? (guint) g_ascii_strtoull (vcpu_text, NULL, 10) : 1;
  facts->vcpus = current != NULL ? (guint) g_ascii_strtoull (current, NULL, 10) : facts->max_vcpus;

  os = _corral_xml_child (root, "os");
  facts->firmware = firmware_from_os (os);
  for (xmlNodePtr b = os != NULL ? os->children : NULL; b != NULL; b = b->next)
    if (b->type == XML_ELEMENT_NODE && strcmp ((const char *) b->name, "boot") == 0)
      {
        char *dev = _corral_xml_prop (b, "dev");

        if (dev != NULL)
          g_ptr_array_add (boot, dev);
      }
  g_ptr_array_add (boot, NULL);
  facts->boot_order = (GStrv) g_ptr_array_free (g_steal_pointer (&boot), FALSE);

  facts->disks = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_guest_disk_info_free);
  facts->nics = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_guest_nic_info_free);
  for (xmlNodePtr d = _corral_xml_child (root, "devices"), c = d != NULL ? d->children : NULL; c != NULL;
       c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (strcmp ((const char *) c->name, "disk") == 0)
        g_ptr_array_add (facts->disks, _corral_disk_info_from_node (c));
      else if (strcmp ((const char *) c->name, "interface") == 0)
        g_ptr_array_add (facts->nics, nic_info_from_node (c));
      else if (strcmp ((const char *) c->name, "tpm") == 0)
        facts->tpm = TRUE;
    }

  xmlFreeDoc (doc);
  return g_steal_pointer (&facts);
}

/* --- reading a guest --- */

static CorralGuestDiskInfo *
find_disk (GPtrArray  *disks,
           const char *target)
{
  for (guint i = 0; disks != NULL && i < disks->len; i++)
    {
      CorralGuestDiskInfo *disk = g_ptr_array_index (disks, i);

      if (g_strcmp0 (disk->target, target) == 0)
        return disk;
    }
  return NULL;
}

static CorralGuestNicInfo *
find_nic (GPtrArray  *nics,
          const char *mac)
{
  for (guint i = 0; nics != NULL && i < nics->len; i++)
    {
      CorralGuestNicInfo *nic = g_ptr_array_index (nics, i);

      if (nic->mac != NULL && mac != NULL && g_ascii_strcasecmp (nic->mac, mac) == 0)
        return nic;
    }
  return NULL;
}

static CorralGuestDiskInfo *
disk_info_copy (const CorralGuestDiskInfo *disk)
{
  CorralGuestDiskInfo *copy = g_memdup2 (disk, sizeof *disk);

  copy->target = g_strdup (disk->target);
  copy->bus = g_strdup (disk->bus);
  copy->source = g_strdup (disk->source);
  copy->format = g_strdup (disk->format);
  copy->pool = g_strdup (disk->pool);
  copy->volume = g_strdup (disk->volume);
  copy->lvm_group = g_strdup (disk->lvm_group);
  copy->lvm_name = g_strdup (disk->lvm_name);
  return copy;
}

static CorralGuestNicInfo *
nic_info_copy (const CorralGuestNicInfo *nic)
{
  CorralGuestNicInfo *copy = g_new0 (CorralGuestNicInfo, 1);

  copy->mac = g_strdup (nic->mac);
  copy->type = g_strdup (nic->type);
  copy->source = g_strdup (nic->source);
  copy->model = g_strdup (nic->model);
  copy->pending = nic->pending;
  return copy;
}

/* Pool, volume and capacity of a disk, as the storage driver knows it (else the block info). */
static void
look_up_storage (virConnectPtr        conn,
                 virDomainPtr         vdom,
                 CorralGuestDiskInfo *disk)
{
  virStorageVolPtr vol = NULL;
  virStorageVolInfo info;

  if (disk->source == NULL && disk->pool != NULL && disk->volume != NULL)
    {
      virStoragePoolPtr pool = virStoragePoolLookupByName (conn, disk->pool);

      if (pool != NULL)
        {
          vol = virStorageVolLookupByName (pool, disk->volume);
          virStoragePoolFree (pool);
        }
      if (vol != NULL)
        {
          char *path = virStorageVolGetPath (vol);

          disk->source = g_strdup (path);
          free (path);
        }
    }
  else if (disk->source != NULL)
    vol = virStorageVolLookupByPath (conn, disk->source);

  if (vol != NULL)
    {
      virStoragePoolPtr pool = virStoragePoolLookupByVolume (vol);

      if (pool != NULL && disk->pool == NULL)
        disk->pool = g_strdup (virStoragePoolGetName (pool));
      if (disk->volume == NULL)
        disk->volume = g_strdup (virStorageVolGetName (vol));
      if (virStorageVolGetInfo (vol, &info) == 0)
        disk->capacity = info.capacity;
      if (pool != NULL)
        virStoragePoolFree (pool);
      virStorageVolFree (vol);
    }
  else if (disk->source != NULL && !disk->is_cdrom)
    {
      virDomainBlockInfo block;

      if (virDomainGetBlockInfo (vdom, disk->target, &block, 0) == 0 ||
          virDomainGetBlockInfo (vdom, disk->source, &block, 0) == 0)
        disk->capacity = block.capacity;
    }
  virResetLastError ();
}

static gboolean
disks_differ (const CorralGuestDiskInfo *a,
              const CorralGuestDiskInfo *b)
{
  return g_strcmp0 (a->source, b->source) != 0 || g_strcmp0 (a->bus, b->bus) != 0 ||
         a->is_cdrom != b->is_cdrom;
}

static gboolean
nics_differ (const CorralGuestNicInfo *a,
             const CorralGuestNicInfo *b)
{
  return g_strcmp0 (a->type, b->type) != 0 || g_strcmp0 (a->source, b->source) != 0 ||
         g_strcmp0 (a->model, b->model) != 0;
}

static void
merge (CorralGuestConfig *self)
{
  CorralDomainFacts *config = self->config, *live = self->live;

  self->disks = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_guest_disk_info_free);
  self->nics = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_guest_nic_info_free);

  for (guint i = 0; i < config->disks->len; i++)
    {
      CorralGuestDiskInfo *disk = disk_info_copy (g_ptr_array_index (config->disks, i));
      CorralGuestDiskInfo *now = live != NULL ? find_disk (live->disks, disk->target) : NULL;

      disk->pending = live != NULL && (now == NULL || disks_differ (disk, now));
      g_ptr_array_add (self->disks, disk);
    }
  for (guint i = 0; live != NULL && i < live->disks->len; i++)
    {
      CorralGuestDiskInfo *now = g_ptr_array_index (live->disks, i);

      if (find_disk (config->disks, now->target) == NULL)
        {
          CorralGuestDiskInfo *disk = disk_info_copy (now);

          disk->pending = TRUE;   /* gone at the next start */
          g_ptr_array_add (self->disks, disk);
        }
    }

  for (guint i = 0; i < config->nics->len; i++)
    {
      CorralGuestNicInfo *nic = nic_info_copy (g_ptr_array_index (config->nics, i));
      CorralGuestNicInfo *now = live != NULL ? find_nic (live->nics, nic->mac) : NULL;

      nic->pending = live != NULL && (now == NULL || nics_differ (nic, now));
      g_ptr_array_add (self->nics, nic);
    }
  for (guint i = 0; live != NULL && i < live->nics->len; i++)
    {
      CorralGuestNicInfo *now = g_ptr_array_index (live->nics, i);

      if (find_nic (config->nics, now->mac) == NULL)
        {
          CorralGuestNicInfo *nic = nic_info_copy (now);

          nic->pending = TRUE;
          g_ptr_array_add (self->nics, nic);
        }
    }

  self->pending = FALSE;
  if (live == NULL)
    return;
  /* The running guest's <currentMemory> is what its balloon gives back, which a guest without a balloon
   * driver never does: only the maximum tells a definition apart. */
  self->pending = config->max_memory != live->max_memory ||
                  config->vcpus != live->vcpus || config->max_vcpus != live->max_vcpus ||
                  config->tpm != live->tpm || config->firmware != live->firmware;
  for (guint i = 0; i < self->disks->len && !self->pending; i++)
    self->pending = ((CorralGuestDiskInfo *) g_ptr_array_index (self->disks, i))->pending;
  for (guint i = 0; i < self->nics->len && !self->pending; i++)
    self->pending = ((CorralGuestNicInfo *) g_ptr_array_index (self->nics, i))->pending;
}

static char *
get_xml (virDomainPtr   vdom,
         unsigned int   flags,
         GError       **error)
{
  char *xml = virDomainGetXMLDesc (vdom, flags);
  char *ret;

  if (xml == NULL)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED, _("Could not read “%s”’s definition: %s"),
                   virDomainGetName (vdom), virGetLastErrorMessage ());
      virResetLastError ();
      return NULL;
    }
  ret = g_strdup (xml);
  free (xml);
  return ret;
}

CorralGuestConfig *
_corral_guest_config_read (virConnectPtr   conn,
                           virDomainPtr    vdom,
                           GError        **error)
{
  g_autoptr(CorralGuestConfig) self = g_new0 (CorralGuestConfig, 1);
  virNodeInfo node;
  int state = VIR_DOMAIN_NOSTATE, autostart = 0, max;

  g_atomic_ref_count_init (&self->ref_count);

  if (virDomainGetState (vdom, &state, NULL, 0) < 0)
    state = VIR_DOMAIN_NOSTATE;
  self->running = state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_NOSTATE &&
                  state != VIR_DOMAIN_CRASHED;

  if ((self->inactive_xml = get_xml (vdom, VIR_DOMAIN_XML_INACTIVE, error)) == NULL ||
      (self->config = _corral_domain_facts_parse (self->inactive_xml, error)) == NULL)
    return NULL;
  if (self->running &&
      ((self->live_xml = get_xml (vdom, 0, error)) == NULL ||
       (self->live = _corral_domain_facts_parse (self->live_xml, error)) == NULL))
    return NULL;

  if (virDomainGetAutostart (vdom, &autostart) == 0)
    self->autostart = autostart != 0;
  if (virNodeGetInfo (conn, &node) == 0)
    {
      self->host_memory = (guint64) node.memory * 1024;
      self->host_cpus = node.cpus;
    }
  max = virConnectGetMaxVcpus (conn, self->config->type);
  self->hypervisor_max_vcpus = max > 0 ? (guint) max : 0;
  virResetLastError ();

  merge (self);
  for (guint i = 0; i < self->disks->len; i++)
    look_up_storage (conn, vdom, g_ptr_array_index (self->disks, i));
  self->boot_order = (const char **) self->config->boot_order;

  return g_steal_pointer (&self);
}

/* --- CorralGuestConfig --- */

CorralGuestConfig *
corral_guest_config_ref (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
corral_guest_config_unref (CorralGuestConfig *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  _corral_domain_facts_free (self->config);
  _corral_domain_facts_free (self->live);
  g_free (self->inactive_xml);
  g_free (self->live_xml);
  g_clear_pointer (&self->disks, g_ptr_array_unref);
  g_clear_pointer (&self->nics, g_ptr_array_unref);
  g_free (self);
}

static CorralDomainFacts *
facts (CorralGuestConfig *self,
       gboolean           live)
{
  return live && self->live != NULL ? self->live : self->config;
}

guint64
corral_guest_config_get_memory (CorralGuestConfig *self,
                                gboolean           live)
{
  g_return_val_if_fail (self != NULL, 0);
  return facts (self, live)->memory;
}

guint64
corral_guest_config_get_max_memory (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->config->max_memory;
}

guint
corral_guest_config_get_vcpus (CorralGuestConfig *self,
                               gboolean           live)
{
  g_return_val_if_fail (self != NULL, 0);
  return facts (self, live)->vcpus;
}

guint
corral_guest_config_get_max_vcpus (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return facts (self, TRUE)->max_vcpus;
}

guint
corral_guest_config_get_hypervisor_max_vcpus (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->hypervisor_max_vcpus;
}

guint64
corral_guest_config_get_host_memory (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->host_memory;
}

guint
corral_guest_config_get_host_cpus (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->host_cpus;
}

GPtrArray *
corral_guest_config_get_disks (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->disks;
}

GPtrArray *
corral_guest_config_get_nics (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->nics;
}

CorralFirmware
corral_guest_config_get_firmware (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, CORRAL_FIRMWARE_BIOS);
  return self->config->firmware;
}

gboolean
corral_guest_config_has_tpm (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->config->tpm;
}

gboolean
corral_guest_config_get_autostart (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->autostart;
}

const char * const *
corral_guest_config_get_boot_order (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->boot_order;
}

const char *
corral_guest_config_get_name (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->config->name;
}

const char *
corral_guest_config_get_title (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->config->title;
}

const char *
corral_guest_config_get_description (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->config->description;
}

gboolean
corral_guest_config_is_running (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->running;
}

gboolean
corral_guest_config_has_pending_changes (CorralGuestConfig *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->pending;
}

const char *
corral_guest_config_get_xml (CorralGuestConfig *self,
                             gboolean           live)
{
  g_return_val_if_fail (self != NULL, NULL);
  return live && self->live_xml != NULL ? self->live_xml : self->inactive_xml;
}

/* --- fetching --- */

/* Copied on the main thread: the worker never reads the CorralGuest. */
typedef struct
{
  virConnectPtr  conn;
  char          *uuid;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  if (data->conn != NULL)
    virConnectClose (data->conn);
  g_free (data->uuid);
  g_free (data);
}

static void
fetch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FetchData *data = task_data;
  GError *error = NULL;
  CorralGuestConfig *config;
  virDomainPtr vdom;

  vdom = virDomainLookupByUUIDString (data->conn, data->uuid);
  if (vdom == NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_FOUND,
                               _("The guest is gone: %s"), virGetLastErrorMessage ());
      virResetLastError ();
      return;
    }
  config = _corral_guest_config_read (data->conn, vdom, &error);
  virDomainFree (vdom);
  if (config == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, config, (GDestroyNotify) corral_guest_config_unref);
}

void
corral_guest_fetch_config_async (CorralGuest         *guest,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CorralConnection *connection;
  FetchData *data;

  g_return_if_fail (CORRAL_IS_GUEST (guest));

  task = g_task_new (guest, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_fetch_config_async);

  connection = corral_guest_get_connection (guest);
  data = g_new0 (FetchData, 1);
  data->uuid = g_strdup (corral_guest_get_uuid (guest));
  data->conn = connection != NULL ? _corral_connection_ref_handle (connection) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);
  if (data->conn == NULL || data->uuid == NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("The connection to “%s”’s host is down"),
                               corral_guest_get_name (guest));
      return;
    }
  g_task_run_in_thread (task, fetch_thread);
}

CorralGuestConfig *
corral_guest_fetch_config_finish (CorralGuest   *guest,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- CorralGuestEdit --- */

static void
edit_op_free (CorralEditOp *op)
{
  g_free (op->target);
  g_free (op->path);
  g_free (op->type);
  g_free (op->source);
  g_free (op->model);
  g_free (op);
}

CorralGuestEdit *
corral_guest_edit_new (void)
{
  CorralGuestEdit *self = g_new0 (CorralGuestEdit, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_op_free);
  return self;
}

CorralGuestEdit *
corral_guest_edit_ref (CorralGuestEdit *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
corral_guest_edit_unref (CorralGuestEdit *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_strfreev (self->boot_order);
  g_free (self->name);
  g_free (self->title);
  g_free (self->description);
  g_ptr_array_unref (self->ops);
  g_clear_object (&self->helper);
  g_free (self);
}

gboolean
corral_guest_edit_is_empty (CorralGuestEdit *self)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return !(self->set_memory || self->set_vcpus || self->set_autostart || self->set_boot ||
           self->set_name || self->set_title || self->set_description || self->set_firmware ||
           self->set_tpm || self->ops->len > 0);
}

void
corral_guest_edit_set_helper_client (CorralGuestEdit    *self,
                                     CorralHelperClient *helper)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (helper == NULL || CORRAL_IS_HELPER_CLIENT (helper));
  g_set_object (&self->helper, helper);
}

void
corral_guest_edit_set_memory (CorralGuestEdit *self,
                              guint64          bytes)
{
  g_return_if_fail (self != NULL);
  self->set_memory = TRUE;
  self->memory = bytes;
}

void
corral_guest_edit_set_vcpus (CorralGuestEdit *self,
                             guint            vcpus)
{
  g_return_if_fail (self != NULL);
  self->set_vcpus = TRUE;
  self->vcpus = vcpus;
}

static CorralEditOp *
add_op (CorralGuestEdit  *self,
        CorralEditOpKind  kind,
        const char       *target)
{
  CorralEditOp *op = g_new0 (CorralEditOp, 1);

  op->kind = kind;
  op->target = g_strdup (target);
  g_ptr_array_add (self->ops, op);
  return op;
}

void
corral_guest_edit_set_cdrom_media (CorralGuestEdit *self,
                                   const char      *target,
                                   const char      *iso_path)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (target != NULL);
  add_op (self, EDIT_CDROM, target)->path = g_strdup (iso_path);
}

void
corral_guest_edit_add_disk (CorralGuestEdit   *self,
                            CorralNewDiskKind  kind,
                            const char        *location,
                            guint64            bytes)
{
  CorralEditOp *op;

  g_return_if_fail (self != NULL);
  g_return_if_fail (location != NULL);
  op = add_op (self, EDIT_ADD_DISK, NULL);
  op->disk_kind = kind;
  op->path = g_strdup (location);
  op->bytes = bytes;
}

void
corral_guest_edit_resize_disk (CorralGuestEdit *self,
                               const char      *target,
                               guint64          bytes)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (target != NULL);
  add_op (self, EDIT_RESIZE_DISK, target)->bytes = bytes;
}

void
corral_guest_edit_remove_disk (CorralGuestEdit *self,
                               const char      *target,
                               gboolean         delete_storage)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (target != NULL);
  add_op (self, EDIT_REMOVE_DISK, target)->flag = delete_storage;
}

void
corral_guest_edit_add_nic (CorralGuestEdit *self,
                           const char      *type,
                           const char      *source,
                           const char      *model)
{
  CorralEditOp *op;

  g_return_if_fail (self != NULL);
  op = add_op (self, EDIT_ADD_NIC, NULL);
  op->type = g_strdup (type);
  op->source = g_strdup (source);
  op->model = g_strdup (model);
}

void
corral_guest_edit_change_nic (CorralGuestEdit *self,
                              const char      *mac,
                              const char      *type,
                              const char      *source,
                              const char      *model)
{
  CorralEditOp *op;

  g_return_if_fail (self != NULL);
  g_return_if_fail (mac != NULL);
  op = add_op (self, EDIT_CHANGE_NIC, mac);
  op->type = g_strdup (type);
  op->source = g_strdup (source);
  op->model = g_strdup (model);
}

void
corral_guest_edit_remove_nic (CorralGuestEdit *self,
                              const char      *mac)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (mac != NULL);
  add_op (self, EDIT_REMOVE_NIC, mac);
}

void
corral_guest_edit_set_autostart (CorralGuestEdit *self,
                                 gboolean         autostart)
{
  g_return_if_fail (self != NULL);
  self->set_autostart = TRUE;
  self->autostart = autostart;
}

void
corral_guest_edit_set_boot_order (CorralGuestEdit    *self,
                                  const char * const *devices)
{
  g_return_if_fail (self != NULL);
  self->set_boot = TRUE;
  g_strfreev (self->boot_order);
  self->boot_order = g_strdupv ((char **) devices);
}

void
corral_guest_edit_set_name (CorralGuestEdit *self,
                            const char      *name)
{
  g_return_if_fail (self != NULL);
  self->set_name = TRUE;
  g_free (self->name);
  self->name = g_strdup (name);
}

void
corral_guest_edit_set_title (CorralGuestEdit *self,
                             const char      *title)
{
  g_return_if_fail (self != NULL);
  self->set_title = TRUE;
  g_free (self->title);
  self->title = g_strdup (title);
}

void
corral_guest_edit_set_description (CorralGuestEdit *self,
                                   const char      *description)
{
  g_return_if_fail (self != NULL);
  self->set_description = TRUE;
  g_free (self->description);
  self->description = g_strdup (description);
}

void
corral_guest_edit_set_firmware (CorralGuestEdit *self,
                                CorralFirmware   firmware)
{
  g_return_if_fail (self != NULL);
  self->set_firmware = TRUE;
  self->firmware = firmware;
}

void
corral_guest_edit_set_tpm (CorralGuestEdit *self,
                           gboolean         tpm)
{
  g_return_if_fail (self != NULL);
  self->set_tpm = TRUE;
  self->tpm = tpm;
}
