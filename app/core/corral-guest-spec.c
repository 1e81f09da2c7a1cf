/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-spec"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "corral-guest-install-private.h"
#include "corral-guest-spec.h"
#include "corral-osinfo.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

#define LIBOSINFO_XMLNS "http://libosinfo.org/xmlns/libvirt/domain/1.0"
#define NAME_MAX_LEN 48

G_DEFINE_BOXED_TYPE (CorralGuestSpec, corral_guest_spec, corral_guest_spec_copy,
                     corral_guest_spec_free)

CorralGuestSpec *
corral_guest_spec_new (void)
{
  CorralGuestSpec *spec = g_new0 (CorralGuestSpec, 1);

  spec->memory = 1024 * 1024 * 1024;
  spec->vcpus = 1;
  spec->disk_kind = CORRAL_DISK_POOL;
  spec->disk_location = g_strdup ("default");
  spec->disk_size = G_GUINT64_CONSTANT (20) * 1024 * 1024 * 1024;
  spec->network_kind = CORRAL_NETWORK_LIBVIRT;
  spec->network = g_strdup ("default");
  spec->start = TRUE;
  spec->count = 1;
  return spec;
}

CorralGuestSpec *
corral_guest_spec_copy (const CorralGuestSpec *spec)
{
  CorralGuestSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);

  copy = g_memdup2 (spec, sizeof *spec);
  copy->name = g_strdup (spec->name);
  copy->os_id = g_strdup (spec->os_id);
  copy->iso_path = g_strdup (spec->iso_path);
  copy->disk_location = g_strdup (spec->disk_location);
  copy->network = g_strdup (spec->network);
  copy->image_path = g_strdup (spec->image_path);
  copy->identity = spec->identity != NULL ? corral_cloud_identity_copy (spec->identity) : NULL;
  return copy;
}

void
corral_guest_spec_free (CorralGuestSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_free (spec->os_id);
  g_free (spec->iso_path);
  g_free (spec->disk_location);
  g_free (spec->network);
  g_free (spec->image_path);
  g_clear_pointer (&spec->identity, corral_cloud_identity_free);
  g_free (spec);
}

/* Guest @index (0-based) of the spec: "name" alone, or "name1" … "nameN". */
/* The name of guest @index of @count made at once: "node" gives node1…nodeN; a name that ends in a digit
 * gets a separator, so "linux2022" gives linux2022-1, not linux20221. */
static char *
numbered_name (const char *name,
               guint       count,
               guint       index)
{
  gsize len = strlen (name);

  if (count <= 1)
    return g_strdup (name);
  if (len > 0 && g_ascii_isdigit (name[len - 1]))
    return g_strdup_printf ("%s-%u", name, index + 1);
  return g_strdup_printf ("%s%u", name, index + 1);
}

char *
corral_guest_spec_dup_guest_name (const CorralGuestSpec *spec,
                                  guint                  index)
{
  g_return_val_if_fail (spec != NULL, NULL);

  return numbered_name (spec->name, spec->count, index);
}

char *
corral_format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* --- validation: each message is what the user reads under the field --- */

gboolean
corral_guest_spec_check_name (const char          *name,
                              guint                count,
                              const char * const  *taken_names,
                              GError             **error)
{
  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME,
                           _("Give the guest a name"));
      return FALSE;
    }
  if (strlen (name) > NAME_MAX_LEN)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME,
                   _("The name is too long: use at most %d characters"), NAME_MAX_LEN);
      return FALSE;
    }
  if (!g_ascii_isalnum (name[0]))
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME,
                           _("The name must start with a letter or a digit"));
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
        {
          g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME,
                               _("The name may only contain letters, digits, “-”, “_” and “.”"));
          return FALSE;
        }
    }
  if (count < 1 || count > CORRAL_GUEST_SPEC_MAX_COUNT)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_COUNT,
                   _("Create between 1 and %d guests at once"), CORRAL_GUEST_SPEC_MAX_COUNT);
      return FALSE;
    }

  for (guint i = 0; taken_names != NULL && i < count; i++)
    {
      g_autofree char *guest_name = numbered_name (name, count, i);

      if (g_strv_contains (taken_names, guest_name))
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME_TAKEN,
                       _("A guest called “%s” exists already: choose another name"), guest_name);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
corral_guest_spec_check_memory (guint64                  memory,
                                guint                    count,
                                const CorralGuestLimits *limits,
                                GError                 **error)
{
  guint64 minimum = CORRAL_GUEST_SPEC_MIN_MEMORY;

  if (limits != NULL && limits->os_min_memory > minimum)
    minimum = limits->os_min_memory;

  if (memory < minimum)
    {
      g_autofree char *min_str = corral_format_size (minimum);

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_MEMORY,
                   _("Too little memory: this system needs at least %s"), min_str);
      return FALSE;
    }
  if (limits != NULL && limits->host_memory > 0 && memory > limits->host_memory)
    {
      g_autofree char *host_str = corral_format_size (limits->host_memory);

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_MEMORY,
                   _("More memory than the host has (%s): choose less"), host_str);
      return FALSE;
    }
  return TRUE;
}

gboolean
corral_guest_spec_check_vcpus (guint                    vcpus,
                               const CorralGuestLimits *limits,
                               GError                 **error)
{
  if (vcpus < 1)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_VCPUS,
                           _("A guest needs at least one processor"));
      return FALSE;
    }
  if (limits != NULL && limits->host_cpus > 0 && vcpus > limits->host_cpus)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_VCPUS,
                   g_dngettext (GETTEXT_PACKAGE,
                                "More processors than the host has (%u): choose fewer",
                                "More processors than the host has (%u): choose fewer",
                                limits->host_cpus),
                   limits->host_cpus);
      return FALSE;
    }
  return TRUE;
}

gboolean
corral_guest_spec_check_disk (const CorralGuestSpec   *spec,
                              const CorralGuestLimits *limits,
                              GError                 **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (spec->source == CORRAL_INSTALL_SOURCE_IMPORT && spec->disk_kind != CORRAL_DISK_EXISTING)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_DISK,
                           _("Importing needs an existing disk image: choose its file"));
      return FALSE;
    }
  /* Each guest's disk is a volume made from the base image in the same pool (LVM needs the helper to
   * write the image to a logical volume: not done yet). */
  if (spec->source == CORRAL_INSTALL_SOURCE_CLOUD_IMAGE && spec->disk_kind != CORRAL_DISK_POOL)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_DISK,
                           spec->disk_kind == CORRAL_DISK_LVM
                           ? _("Guests made from a cloud image cannot have their disks in a volume "
                               "group yet: choose a storage pool")
                           : _("Guests made from a cloud image need new disks: choose a storage pool "
                               "for them"));
      return FALSE;
    }

  switch (spec->disk_kind)
    {
    case CORRAL_DISK_NONE:
      return TRUE;

    case CORRAL_DISK_EXISTING:
      if (spec->disk_location == NULL || !g_path_is_absolute (spec->disk_location))
        {
          g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_DISK,
                               _("Choose the disk image file or device"));
          return FALSE;
        }
      if (spec->count > 1)
        {
          g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_DISK,
                               _("Several guests cannot share one existing disk: create new disks "
                                 "instead"));
          return FALSE;
        }
      return TRUE;

    case CORRAL_DISK_LVM:
    case CORRAL_DISK_POOL:
      if (spec->disk_location == NULL || *spec->disk_location == '\0')
        {
          g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_DISK,
                               spec->disk_kind == CORRAL_DISK_LVM
                               ? _("Choose a volume group for the disk")
                               : _("Choose a storage pool for the disk"));
          return FALSE;
        }
      if (spec->disk_size < 1024 * 1024)
        {
          g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_DISK,
                               _("The disk is too small: give it at least 1 MiB"));
          return FALSE;
        }
      /* (copy-on-write overlays on a cloud image start small: the creator checks the base image's
       * space when it copies it) */
      if (limits != NULL && limits->disk_free > 0
          && !(spec->source == CORRAL_INSTALL_SOURCE_CLOUD_IMAGE && !spec->full_copy)
          && spec->disk_size > limits->disk_free / MAX (spec->count, 1))
        {
          g_autofree char *need = corral_format_size (spec->disk_size * MAX (spec->count, 1));
          g_autofree char *have = corral_format_size (limits->disk_free);

          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_DISK,
                       _("Not enough free space in “%s”: %s needed, %s free. Choose a smaller "
                         "disk or another place"),
                       spec->disk_location, need, have);
          return FALSE;
        }
      return TRUE;

    default:
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_DISK,
                           _("Choose where the disk goes"));
      return FALSE;
    }
}

/* UEFI is only offered on q35 (Debian's Secure Boot OVMF builds need SMM, which libvirt only has on
 * q35); whether the host has the firmware and swtpm is known only when the wizard read it from the
 * connection's domain capabilities (limits->firmware_known). */
gboolean
corral_guest_spec_check_firmware (const CorralGuestSpec   *spec,
                                  const CorralGuestLimits *limits,
                                  GError                 **error)
{
  gboolean uefi;

  g_return_val_if_fail (spec != NULL, FALSE);

  uefi = spec->firmware != CORRAL_FIRMWARE_BIOS;
  if (spec->firmware != CORRAL_FIRMWARE_BIOS && spec->firmware != CORRAL_FIRMWARE_UEFI
      && spec->firmware != CORRAL_FIRMWARE_UEFI_SECURE_BOOT)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_FIRMWARE,
                           _("Choose BIOS or UEFI firmware"));
      return FALSE;
    }
  if (uefi && limits != NULL && limits->os_no_q35)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_FIRMWARE,
                           _("UEFI needs the Q35 machine, which this operating system does not "
                             "support: choose BIOS"));
      return FALSE;
    }
  if (!uefi && limits != NULL && limits->os_needs_uefi)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_FIRMWARE,
                           _("This operating system does not start with BIOS: choose UEFI"));
      return FALSE;
    }
  if (uefi && limits != NULL && limits->firmware_known && !limits->host_uefi)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_FIRMWARE,
                           _("This host has no UEFI firmware for guests: install the ovmf package, "
                             "or choose BIOS"));
      return FALSE;
    }
  if (spec->firmware == CORRAL_FIRMWARE_UEFI_SECURE_BOOT && limits != NULL
      && limits->firmware_known && !limits->host_secure_boot)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_FIRMWARE,
                           _("This host has no UEFI firmware with Secure Boot: install the ovmf "
                             "package, or choose UEFI without Secure Boot"));
      return FALSE;
    }
  if (spec->tpm && limits != NULL && limits->firmware_known && !limits->host_tpm)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_FIRMWARE,
                           _("This host cannot emulate a TPM: install the swtpm and swtpm-tools "
                             "packages, or turn the TPM off"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_media (const CorralGuestSpec  *spec,
             GError                **error)
{
  if (spec->source == CORRAL_INSTALL_SOURCE_CLOUD_IMAGE
      && (spec->image_path == NULL || !g_path_is_absolute (spec->image_path)))
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_MEDIA,
                           _("Choose a cloud image (a qcow2 or raw disk image file)"));
      return FALSE;
    }
  if (spec->source == CORRAL_INSTALL_SOURCE_ISO
      && (spec->iso_path == NULL || !g_path_is_absolute (spec->iso_path)))
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_MEDIA,
                           _("Choose an install image (ISO file)"));
      return FALSE;
    }
  if (spec->source == CORRAL_INSTALL_SOURCE_ISO && spec->disk_kind == CORRAL_DISK_EXISTING
      && g_strcmp0 (spec->iso_path, spec->disk_location) == 0)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_MEDIA,
                           _("The install image cannot also be the guest’s disk"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_network (const CorralGuestSpec  *spec,
               GError                **error)
{
  if (spec->network_kind == CORRAL_NETWORK_NONE)
    return TRUE;
  if (spec->network == NULL || *spec->network == '\0')
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NETWORK,
                           spec->network_kind == CORRAL_NETWORK_BRIDGE
                           ? _("Choose a bridge for the network")
                           : _("Choose a network"));
      return FALSE;
    }
  return TRUE;
}

/* A guest made from a cloud image: someone can log in, and each guest's name is its host name. */
gboolean
corral_guest_spec_check_identity_page (const CorralGuestSpec  *spec,
                                       GError                **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (spec->source != CORRAL_INSTALL_SOURCE_CLOUD_IMAGE)
    return TRUE;
  if (spec->identity == NULL)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME,
                           _("Say who may log in to the guests: a user name and a key or password"));
      return FALSE;
    }
  return corral_cloud_identity_check (spec->identity, error);
}

static gboolean
check_host_names (const CorralGuestSpec  *spec,
                  GError                **error)
{
  if (spec->source != CORRAL_INSTALL_SOURCE_CLOUD_IMAGE || spec->name == NULL || *spec->name == '\0')
    return TRUE;
  for (guint i = 0; i < MAX (spec->count, 1); i++)
    {
      g_autofree char *guest_name = corral_guest_spec_dup_guest_name (spec, i);
      g_autoptr(GError) local_error = NULL;

      if (!corral_cloud_check_host_name (guest_name, &local_error))
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME,
                       _("“%s” is the guest’s host name too, and cannot be one: %s"), guest_name,
                       local_error->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* Each guest's disk is grown from the cloud image: it cannot be smaller than the image. */
gboolean
corral_guest_spec_check_image_size (const CorralGuestSpec  *spec,
                                    guint64                 image_size,
                                    GError                **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (spec->source != CORRAL_INSTALL_SOURCE_CLOUD_IMAGE || image_size == 0
      || spec->disk_size >= image_size)
    return TRUE;

  {
    g_autofree char *image_str = corral_format_size (image_size);

    g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_DISK,
                 _("The disk is smaller than the cloud image (%s): give it at least that much"),
                 image_str);
  }
  return FALSE;
}

/* Every field, in the wizard's page order; the first problem wins. */
gboolean
corral_guest_spec_validate (const CorralGuestSpec   *spec,
                            const CorralGuestLimits *limits,
                            GError                 **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  return check_media (spec, error)
         && corral_guest_spec_check_memory (spec->memory, spec->count, limits, error)
         && corral_guest_spec_check_vcpus (spec->vcpus, limits, error)
         && corral_guest_spec_check_firmware (spec, limits, error)
         && corral_guest_spec_check_disk (spec, limits, error)
         && check_network (spec, error)
         && corral_guest_spec_check_identity_page (spec, error)
         && corral_guest_spec_check_name (spec->name, spec->count, limits != NULL
                                          ? limits->taken_names : NULL,
                                          error)
         && check_host_names (spec, error);
}

/* --- the wizard's pages: what keeps the user on each, in the words the page shows --- */

gboolean
corral_guest_spec_check_source_page (const CorralGuestSpec       *spec,
                                     const CorralGuestPageFacts  *facts,
                                     GError                     **error)
{
  gboolean missing;

  g_return_val_if_fail (spec != NULL && facts != NULL, FALSE);

  missing = facts->source_file == CORRAL_SOURCE_FILE_MISSING;
  if (spec->source == CORRAL_INSTALL_SOURCE_CLOUD_IMAGE)
    {
      if (!check_media (spec, error))
        return FALSE;
      if (missing)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_MEDIA,
                       _("There is no file “%s”: choose another one"), spec->image_path);
          return FALSE;
        }
      return TRUE;
    }
  if (spec->source == CORRAL_INSTALL_SOURCE_ISO)
    {
      if (spec->iso_path == NULL || !g_path_is_absolute (spec->iso_path))
        {
          g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_MEDIA,
                               _("Choose an install image (ISO file), or drop one here"));
          return FALSE;
        }
      if (missing)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_MEDIA,
                       _("There is no file “%s”: choose another one"), spec->iso_path);
          return FALSE;
        }
      return TRUE;
    }

  if (spec->disk_location == NULL || !g_path_is_absolute (spec->disk_location))
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_MEDIA,
                           _("Choose the disk image to import"));
      return FALSE;
    }
  if (missing)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_MEDIA,
                   _("There is no file “%s”: choose another one"), spec->disk_location);
      return FALSE;
    }
  return TRUE;
}

gboolean
corral_guest_spec_check_os_page (const CorralGuestSpec       *spec,
                                 const CorralGuestPageFacts  *facts,
                                 GError                     **error)
{
  g_return_val_if_fail (spec != NULL && facts != NULL, FALSE);

  if (!facts->os_db_loaded)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_OS,
                           _("Reading the list of operating systems…"));
      return FALSE;
    }
  if (spec->os_id == NULL)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_OS,
                           _("Choose the operating system from the list"));
      return FALSE;
    }
  return TRUE;
}

gboolean
corral_guest_spec_check_resources_page (const CorralGuestSpec    *spec,
                                        const CorralGuestLimits  *limits,
                                        GError                  **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  return corral_guest_spec_check_memory (spec->memory, spec->count, limits, error)
         && corral_guest_spec_check_vcpus (spec->vcpus, limits, error)
         && corral_guest_spec_check_firmware (spec, limits, error);
}

gboolean
corral_guest_spec_check_disk_page (const CorralGuestSpec       *spec,
                                   const CorralGuestLimits     *limits,
                                   const CorralGuestPageFacts  *facts,
                                   GError                     **error)
{
  g_return_val_if_fail (spec != NULL && facts != NULL, FALSE);

  if (spec->disk_kind == CORRAL_DISK_POOL && facts->pools_known && facts->n_pools == 0)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_DISK,
                           _("This connection has no active storage pool: choose another kind of "
                             "disk"));
      return FALSE;
    }
  if (spec->disk_kind == CORRAL_DISK_LVM && facts->lvm_problem != NULL)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_DISK, facts->lvm_problem);
      return FALSE;
    }
  return corral_guest_spec_check_disk (spec, limits, error)
         && corral_guest_spec_check_image_size (spec, facts->image_size, error);
}

gboolean
corral_guest_spec_check_network_page (const CorralGuestSpec  *spec,
                                      GError                **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (spec->network_kind == CORRAL_NETWORK_LIBVIRT && spec->network == NULL)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NETWORK,
                           _("This connection has no virtual network: choose a bridge or no "
                             "network"));
      return FALSE;
    }
  if (spec->network_kind == CORRAL_NETWORK_BRIDGE && spec->network == NULL)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NETWORK,
                           _("This host has no bridge: choose a virtual network or no network"));
      return FALSE;
    }
  return TRUE;
}

/* The last page: the name, then everything once more (the host may have changed meanwhile). */
gboolean
corral_guest_spec_check_review_page (const CorralGuestSpec    *spec,
                                     const CorralGuestLimits  *limits,
                                     GError                  **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  return corral_guest_spec_check_name (spec->name, spec->count,
                                       limits != NULL ? limits->taken_names : NULL, error)
         && corral_guest_spec_validate (spec, limits, error);
}

/* --- the domain XML --- */

static GVirConfigDomainDisk *
new_disk (GVirConfigDomainDiskType             type,
          GVirConfigDomainDiskGuestDeviceType  device,
          const char                          *source,
          GVirConfigDomainDiskFormat           format,
          GVirConfigDomainDiskBus              bus,
          const char                          *target)
{
  GVirConfigDomainDisk *disk = gvir_config_domain_disk_new ();
  g_autoptr(GVirConfigDomainDiskDriver) driver = gvir_config_domain_disk_driver_new ();

  gvir_config_domain_disk_set_type (disk, type);
  gvir_config_domain_disk_set_guest_device_type (disk, device);
  gvir_config_domain_disk_driver_set_name (driver, "qemu");
  gvir_config_domain_disk_driver_set_format (driver, format);
  gvir_config_domain_disk_set_driver (disk, driver);
  if (source != NULL)
    gvir_config_domain_disk_set_source (disk, source);
  gvir_config_domain_disk_set_target_bus (disk, bus);
  gvir_config_domain_disk_set_target_dev (disk, target);
  return disk;
}

static void
add_device (GVirConfigDomain *domain,
            gpointer          device)
{
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (device));
  g_object_unref (device);
}

/* Whether a guest of @spec installs from its ISO onto its disk: then its definition boots the disk
 * with an empty CD-ROM drive, and only the install run (corral_guest_spec_build_install_domain)
 * boots the ISO (spec->start; without it the ISO stays in, after the disk in the boot order). A
 * guest without a disk runs its ISO (a live system): the ISO stays in. */
gboolean
corral_guest_spec_installs_to_disk (const CorralGuestSpec *spec)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  return spec->source == CORRAL_INSTALL_SOURCE_ISO && spec->iso_path != NULL
         && spec->disk_kind != CORRAL_DISK_NONE;
}

static GVirConfigDomain *
build_domain (const CorralGuestSpec    *spec,
              const CorralDomainParams *params,
              gboolean                  install,
              GError                  **error);

/* UEFI through libvirt's firmware auto-selection: <os firmware="efi"> with the secure-boot feature
 * asked for (yes) or refused (no), and SMM on for Secure Boot (Debian's Secure Boot OVMF builds
 * require it). libvirt picks a descriptor from /usr/share/qemu/firmware (Debian's ovmf: 40 Secure
 * Boot with Microsoft's keys enrolled, 50 Secure Boot with an empty varstore, 60 without Secure
 * Boot) and fills in the loader and the guest's NVRAM, made from the descriptor's template, when the
 * guest first starts. And the TPM: TPM 2.0 emulated by swtpm, which libvirt starts with the guest.
 * And a virtio-scsi controller for a cloud image's seed CD-ROM (@scsi).
 * libvirt-gconfig has no API for <firmware>, <smm state>, <tpm> or a SCSI controller: they are added to
 * the XML here. */
static GVirConfigDomain *
add_firmware (GVirConfigDomain       *domain,
              const CorralGuestSpec  *spec,
              gboolean                scsi,
              GError                **error)
{
  g_autofree char *xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root, *os = NULL, *features = NULL, *devices = NULL;
  xmlChar *out = NULL;
  int out_len = 0;
  GVirConfigDomain *result;

  doc = xmlReadMemory (xml, strlen (xml), "domain.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
  root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  for (xmlNode *n = root != NULL ? root->children : NULL; n != NULL; n = n->next)
    {
      if (n->type != XML_ELEMENT_NODE)
        continue;
      if (xmlStrEqual (n->name, BAD_CAST "os"))
        os = n;
      else if (xmlStrEqual (n->name, BAD_CAST "features"))
        features = n;
      else if (xmlStrEqual (n->name, BAD_CAST "devices"))
        devices = n;
    }
  if (os == NULL || features == NULL || devices == NULL)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                           "The guest’s XML has no <os>, <features> or <devices>");
      return NULL;
    }

  if (spec->firmware != CORRAL_FIRMWARE_BIOS)
    {
      gboolean secure_boot = spec->firmware == CORRAL_FIRMWARE_UEFI_SECURE_BOOT;
      xmlNode *firmware, *feature;

      xmlSetProp (os, BAD_CAST "firmware", BAD_CAST "efi");
      firmware = xmlNewChild (os, NULL, BAD_CAST "firmware", NULL);
      feature = xmlNewChild (firmware, NULL, BAD_CAST "feature", NULL);
      xmlSetProp (feature, BAD_CAST "enabled", BAD_CAST (secure_boot ? "yes" : "no"));
      xmlSetProp (feature, BAD_CAST "name", BAD_CAST "secure-boot");
      if (secure_boot)
        xmlSetProp (xmlNewChild (features, NULL, BAD_CAST "smm", NULL), BAD_CAST "state",
                    BAD_CAST "on");
    }
  if (scsi)
    {
      xmlNode *controller = xmlNewChild (devices, NULL, BAD_CAST "controller", NULL);

      xmlSetProp (controller, BAD_CAST "type", BAD_CAST "scsi");
      xmlSetProp (controller, BAD_CAST "index", BAD_CAST "0");
      xmlSetProp (controller, BAD_CAST "model", BAD_CAST "virtio-scsi");
    }
  if (spec->tpm)
    {
      xmlNode *tpm = xmlNewChild (devices, NULL, BAD_CAST "tpm", NULL);
      xmlNode *backend;

      xmlSetProp (tpm, BAD_CAST "model", BAD_CAST "tpm-crb");
      backend = xmlNewChild (tpm, NULL, BAD_CAST "backend", NULL);
      xmlSetProp (backend, BAD_CAST "type", BAD_CAST "emulator");
      xmlSetProp (backend, BAD_CAST "version", BAD_CAST "2.0");
    }

  xmlDocDumpMemory (doc, &out, &out_len);
  result = gvir_config_domain_new_from_xml ((const char *) out, error);
  xmlFree (out);
  return result;
}

/* The guest's persistent definition: what it is once installed. */
GVirConfigDomain *
corral_guest_spec_build_domain (const CorralGuestSpec    *spec,
                                const CorralDomainParams *params,
                                GError                  **error)
{
  return build_domain (spec, params, FALSE, error);
}

/* The install run's configuration, started once as a live (transient) configuration of the defined
 * guest: the ISO in the CD-ROM drive, booted first; a reboot ends the run (on_reboot destroy), so
 * the guest's next start is its definition's; and a <corral:install/> element in the metadata, by
 * which Corral knows the run for what it is. The caller gives it the defined guest's UUID. */
GVirConfigDomain *
corral_guest_spec_build_install_domain (const CorralGuestSpec    *spec,
                                        const CorralDomainParams *params,
                                        GError                  **error)
{
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (corral_guest_spec_installs_to_disk (spec), NULL);

  return build_domain (spec, params, TRUE, error);
}

static GVirConfigDomain *
build_domain (const CorralGuestSpec    *spec,
              const CorralDomainParams *params,
              gboolean                  install,
              GError                  **error)
{
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GVirConfigDomainOs) os = NULL;
  g_autoptr(GVirConfigDomainClock) clock = NULL;
  g_autolist(GObject) boot = NULL;
  OsinfoOs *osinfo = params->os;
  /* an unknown OS gets the modern machine; an OS osinfo-db knows without q35 support gets i440fx +
   * IDE */
  gboolean q35 = osinfo == NULL || corral_osinfo_os_supports (osinfo, "qemu-x86-q35");
  /* cloud images are made for virtio clouds (Debian's cloud kernel has no AHCI, e1000 or rtl8139) */
  gboolean cloud = spec->source == CORRAL_INSTALL_SOURCE_CLOUD_IMAGE;
  gboolean virtio_disk = cloud || corral_osinfo_os_supports (osinfo, "virtio-block");
  gboolean virtio_net = cloud || corral_osinfo_os_supports (osinfo, "virtio-net");
  /* the seed's CD-ROM: on q35 on virtio-scsi (a SATA CD-ROM is invisible to a kernel without AHCI),
   * on i440fx on IDE */
  gboolean seed_scsi = cloud && params->seed_path != NULL && q35;
  gboolean windows = osinfo != NULL && g_strcmp0 (osinfo_os_get_family (osinfo), "winnt") == 0;
  gboolean uefi = spec->firmware != CORRAL_FIRMWARE_BIOS;
  /* The ISO is in the drive and booted first by the install run, and for good by a guest without a
   * disk (a live system). A guest that installs but is not started now has no install run: it
   * boots its disk first, which falls through to the ISO while the disk is still empty. */
  gboolean installs = corral_guest_spec_installs_to_disk (spec);
  gboolean boot_iso = spec->source == CORRAL_INSTALL_SOURCE_ISO && (install || !installs);
  gboolean iso_after_disk = !install && installs && !spec->start;
  GVirConfigDomainDiskBus plain_bus = q35 ? GVIR_CONFIG_DOMAIN_DISK_BUS_SATA
                                          : GVIR_CONFIG_DOMAIN_DISK_BUS_IDE;
  const char *plain_prefix = q35 ? "sd" : "hd";
  char plain_letter = 'a';
  GVirConfigDomainVirtType virt_type;
  const char * const features[] = { "acpi", "apic", NULL };

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (params != NULL && params->name != NULL && params->virt_type != NULL, NULL);

  if (g_str_equal (params->virt_type, "kvm"))
    virt_type = GVIR_CONFIG_DOMAIN_VIRT_KVM;
  else if (g_str_equal (params->virt_type, "qemu"))
    virt_type = GVIR_CONFIG_DOMAIN_VIRT_QEMU;
  else if (g_str_equal (params->virt_type, "test"))
    virt_type = GVIR_CONFIG_DOMAIN_VIRT_TEST;
  else
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_MEDIA,
                   _("This host cannot run guests of type “%s”"), params->virt_type);
      return NULL;
    }

  if (uefi && !q35)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_FIRMWARE,
                           _("UEFI needs the Q35 machine, which this operating system does not "
                             "support: choose BIOS"));
      return NULL;
    }

  domain = gvir_config_domain_new ();
  gvir_config_domain_set_virt_type (domain, virt_type);
  gvir_config_domain_set_name (domain, params->name);
  if (osinfo != NULL)
    {
      g_autofree char *metadata = g_markup_printf_escaped ("<libosinfo:libosinfo "
                                                           "xmlns:libosinfo=\"%s\">"
                                                           "<libosinfo:os id=\"%s\"/>"
                                                           "</libosinfo:libosinfo>",
                                                           LIBOSINFO_XMLNS,
                                                           osinfo_entity_get_id (
                                                             OSINFO_ENTITY (osinfo)));

      if (!gvir_config_domain_set_custom_xml (domain, metadata, "libosinfo", LIBOSINFO_XMLNS,
                                              error))
        return NULL;
    }
  if (install
      && !gvir_config_domain_set_custom_xml (domain, "<corral:install xmlns:corral=\"" CORRAL_XMLNS
                                             "\"/>", "corral", CORRAL_XMLNS, error))
    return NULL;
  /* One of "create N guests": their base name groups them (the install run's metadata holds
   * <corral:install/> instead; the group is read from the definition). */
  /* libvirt keeps one metadata element per namespace: a guest made from a cloud image has
   * <corral:cloud user="…"/>, inside its <corral:group/> when it has one. */
  if (!install && ((spec->count > 1 && spec->name != NULL) || (cloud && spec->identity != NULL)))
    {
      g_autofree char *cloud_xml = NULL;
      g_autofree char *metadata = NULL;

      if (cloud && spec->identity != NULL)
        cloud_xml = g_markup_printf_escaped ("<corral:cloud user=\"%s\"/>",
                                             spec->identity->user_name != NULL
                                             ? spec->identity->user_name : "");
      if (spec->count > 1 && spec->name != NULL)
        {
          g_autofree char *group = g_markup_printf_escaped ("<corral:group xmlns:corral=\"%s\" "
                                                            "name=\"%s\">", CORRAL_XMLNS,
                                                            spec->name);

          metadata = g_strconcat (group, cloud_xml != NULL ? cloud_xml : "", "</corral:group>",
                                  NULL);
        }
      else
        metadata = g_markup_printf_escaped ("<corral:cloud xmlns:corral=\"%s\" user=\"%s\"/>",
                                            CORRAL_XMLNS, spec->identity->user_name != NULL
                                            ? spec->identity->user_name : "");

      if (!gvir_config_domain_set_custom_xml (domain, metadata, "corral", CORRAL_XMLNS, error))
        return NULL;
    }
  gvir_config_domain_set_memory (domain, spec->memory / 1024);
  gvir_config_domain_set_current_memory (domain, spec->memory / 1024);
  gvir_config_domain_set_vcpus (domain, spec->vcpus);

  os = gvir_config_domain_os_new ();
  gvir_config_domain_os_set_os_type (os, GVIR_CONFIG_DOMAIN_OS_TYPE_HVM);
  gvir_config_domain_os_set_arch (os, params->arch != NULL ? params->arch : "x86_64");
  gvir_config_domain_os_set_machine (os, q35 ? "q35" : "pc");
  if (boot_iso)
    boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_CDROM));
  boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD));
  if (iso_after_disk)
    boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_CDROM));
  gvir_config_domain_os_set_boot_devices (os, boot);
  g_list_free (g_steal_pointer (&boot));
  gvir_config_domain_set_os (domain, os);

  gvir_config_domain_set_features (domain, (const GStrv) features);
  clock = gvir_config_domain_clock_new ();
  gvir_config_domain_clock_set_offset (clock, windows ? GVIR_CONFIG_DOMAIN_CLOCK_LOCALTIME
                                                      : GVIR_CONFIG_DOMAIN_CLOCK_UTC);
  gvir_config_domain_set_clock (domain, clock);
  if (virt_type == GVIR_CONFIG_DOMAIN_VIRT_KVM)
    {
      g_autoptr(GVirConfigDomainCpu) cpu = gvir_config_domain_cpu_new ();

      gvir_config_domain_cpu_set_mode (cpu, GVIR_CONFIG_DOMAIN_CPU_MODE_HOST_PASSTHROUGH);
      gvir_config_domain_set_cpu (domain, cpu);
    }
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_POWEROFF,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_REBOOT,
                                    install ? GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY
                                            : GVIR_CONFIG_DOMAIN_LIFECYCLE_RESTART);
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_CRASH,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);

  /* disks: the guest's disk, then the CD-ROM drive (with the install ISO in it while it boots) */
  if (params->disk_path != NULL)
    {
      g_autofree char *target = NULL;
      GVirConfigDomainDiskFormat format = g_strcmp0 (params->disk_format, "qcow2") == 0
                                          ? GVIR_CONFIG_DOMAIN_DISK_FORMAT_QCOW2
                                          : GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW;

      target = virtio_disk ? g_strdup ("vda") : g_strdup_printf ("%s%c", plain_prefix,
                                                                 plain_letter++);
      add_device (domain, new_disk (params->disk_is_block ? GVIR_CONFIG_DOMAIN_DISK_BLOCK
                                                          : GVIR_CONFIG_DOMAIN_DISK_FILE,
                                    GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK, params->disk_path,
                                    format,
                                    virtio_disk ? GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO : plain_bus,
                                    target));
    }
  if (spec->source == CORRAL_INSTALL_SOURCE_ISO && spec->iso_path != NULL)
    {
      g_autofree char *target = NULL;
      GVirConfigDomainDisk *cdrom;

      /* IDE's CD-ROM sits on the second channel, as on real PCs */
      if (!q35 && plain_letter < 'c')
        plain_letter = 'c';
      target = g_strdup_printf ("%s%c", plain_prefix, plain_letter++);
      cdrom = new_disk (GVIR_CONFIG_DOMAIN_DISK_FILE, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM,
                        boot_iso || iso_after_disk ? spec->iso_path : NULL,
                        GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW, plain_bus, target);
      gvir_config_domain_disk_set_readonly (cdrom, TRUE);
      add_device (domain, cdrom);
    }
  /* the cloud-init seed stays in after the first boot: cloud-init runs once per instance-id */
  if (cloud && params->seed_path != NULL)
    {
      g_autofree char *target = NULL;
      GVirConfigDomainDisk *cdrom;

      if (seed_scsi)
        target = g_strdup ("sda");
      else
        {
          if (plain_letter < 'c')
            plain_letter = 'c';
          target = g_strdup_printf ("hd%c", plain_letter++);
        }
      cdrom = new_disk (GVIR_CONFIG_DOMAIN_DISK_FILE, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM,
                        params->seed_path, GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW,
                        seed_scsi ? GVIR_CONFIG_DOMAIN_DISK_BUS_SCSI
                                  : GVIR_CONFIG_DOMAIN_DISK_BUS_IDE,
                        target);
      gvir_config_domain_disk_set_readonly (cdrom, TRUE);
      add_device (domain, cdrom);
    }

  switch (spec->network_kind)
    {
    case CORRAL_NETWORK_LIBVIRT:
      {
        GVirConfigDomainInterfaceNetwork *iface = gvir_config_domain_interface_network_new ();

        gvir_config_domain_interface_network_set_source (iface, spec->network);
        gvir_config_domain_interface_set_model (GVIR_CONFIG_DOMAIN_INTERFACE (iface),
                                                virtio_net ? "virtio" : "e1000");
        add_device (domain, iface);
      }
      break;
    case CORRAL_NETWORK_BRIDGE:
      {
        GVirConfigDomainInterfaceBridge *iface = gvir_config_domain_interface_bridge_new ();

        gvir_config_domain_interface_bridge_set_source (iface, spec->network);
        gvir_config_domain_interface_set_model (GVIR_CONFIG_DOMAIN_INTERFACE (iface),
                                                virtio_net ? "virtio" : "e1000");
        add_device (domain, iface);
      }
      break;
    case CORRAL_NETWORK_NONE:
    default:
      break;
    }

  if (corral_osinfo_os_supports (osinfo, "qemu-xhci"))
    {
      GVirConfigDomainControllerUsb *usb = gvir_config_domain_controller_usb_new ();

      gvir_config_domain_controller_usb_set_model (
        usb, GVIR_CONFIG_DOMAIN_CONTROLLER_USB_MODEL_QEMU_XHCI);
      add_device (domain, usb);
    }

  {
    GVirConfigDomainInput *tablet = gvir_config_domain_input_new ();

    gvir_config_domain_input_set_device_type (tablet, GVIR_CONFIG_DOMAIN_INPUT_DEVICE_TABLET);
    gvir_config_domain_input_set_bus (tablet, GVIR_CONFIG_DOMAIN_INPUT_BUS_USB);
    add_device (domain, tablet);
  }

  /* VNC that listens nowhere: the console reaches it through virDomainOpenGraphicsFD only */
  {
    GVirConfigDomainGraphicsVnc *vnc =
      gvir_config_domain_graphics_vnc_new_from_xml ("<graphics type=\"vnc\"><listen "
                                                    "type=\"none\"/></graphics>",
                                                    error);

    if (vnc == NULL)
      return NULL;
    add_device (domain, vnc);
  }

  {
    GVirConfigDomainVideo *video = gvir_config_domain_video_new ();

    gvir_config_domain_video_set_model (video, corral_osinfo_os_supports (osinfo, "virtio-gpu")
                                               ? GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VIRTIO
                                               : GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VGA);
    add_device (domain, video);
  }

  {
    GVirConfigDomainSerial *serial = gvir_config_domain_serial_new ();
    GVirConfigDomainConsole *console = gvir_config_domain_console_new ();
    g_autoptr(GVirConfigDomainChardevSourcePty) serial_pty = NULL;
    g_autoptr(GVirConfigDomainChardevSourcePty) console_pty = NULL;

    serial_pty = gvir_config_domain_chardev_source_pty_new ();
    console_pty = gvir_config_domain_chardev_source_pty_new ();

    gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (serial),
                                           GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (serial_pty));
    add_device (domain, serial);
    gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (console),
                                           GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (console_pty));
    gvir_config_domain_console_set_target_type (console, GVIR_CONFIG_DOMAIN_CONSOLE_TARGET_SERIAL);
    add_device (domain, console);
  }

  if (uefi || spec->tpm || seed_scsi)
    return add_firmware (domain, spec, seed_scsi, error);
  return g_steal_pointer (&domain);
}
