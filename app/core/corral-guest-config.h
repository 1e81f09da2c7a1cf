/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "corral-guest.h"
#include "corral-helper-client.h"
#include "corral-guest-spec.h"

G_BEGIN_DECLS

/* A guest's hardware after creation: what libvirt has now (CorralGuestConfig, read fresh from libvirt
 * for every look, since someone may have run `virsh edit` meanwhile), and a set of changes to it
 * (CorralGuestEdit) applied all together or not at all. Every change starts from the guest's current XML
 * and touches only the element it is about. What libvirt can change on a running guest is changed live
 * as well; the rest applies when the guest next starts. */

/* CorralFirmware: in corral-guest-spec.h (the wizard's spec has it too) */

typedef enum {
  CORRAL_NEW_DISK_POOL_VOLUME,   /* a new qcow2 volume in a libvirt storage pool (location: the pool) */
  CORRAL_NEW_DISK_LVM,           /* a new logical volume through corral-helper (location: the VG) */
  CORRAL_NEW_DISK_EXISTING,      /* an existing file or device (location: its path; size ignored) */
} CorralNewDiskKind;

/* One disk or CD/DVD drive of the guest. */
typedef struct
{
  char     *target;       /* "vda", "sdb": what the other calls name it by */
  char     *bus;          /* "virtio", "sata", "scsi", "ide" */
  gboolean  is_cdrom;
  char     *source;       /* file or device path; NULL: an empty CD/DVD drive */
  char     *format;       /* "qcow2", "raw", or NULL */
  char     *pool;         /* the storage pool holding it, or NULL */
  char     *volume;       /* its volume name in that pool, or NULL */
  char     *lvm_group;    /* a logical volume: its volume group, or NULL */
  char     *lvm_name;     /* and its name */
  guint64   capacity;     /* bytes; 0 when unknown */
  gboolean  pending;      /* the next start's definition differs from the running guest's here */
} CorralGuestDiskInfo;

/* One network card. */
typedef struct
{
  char     *mac;          /* "52:54:00:…": what the other calls name it by */
  char     *type;         /* "network" or "bridge" (or whatever else libvirt says) */
  char     *source;       /* the network's or bridge's name */
  char     *model;        /* "virtio", "e1000e", … or NULL */
  gboolean  pending;
} CorralGuestNicInfo;

void corral_guest_disk_info_free (CorralGuestDiskInfo *disk);
void corral_guest_nic_info_free  (CorralGuestNicInfo  *nic);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralGuestDiskInfo, corral_guest_disk_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralGuestNicInfo, corral_guest_nic_info_free)

/* --- what the guest has now --- */

#define CORRAL_TYPE_GUEST_CONFIG (corral_guest_config_get_type ())

typedef struct _CorralGuestConfig CorralGuestConfig;

GType               corral_guest_config_get_type          (void) G_GNUC_CONST;
CorralGuestConfig  *corral_guest_config_ref               (CorralGuestConfig *self);
void                corral_guest_config_unref             (CorralGuestConfig *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralGuestConfig, corral_guest_config_unref)

/* @live: the running guest's value (as the next start's when it is not running). */
guint64             corral_guest_config_get_memory        (CorralGuestConfig *self,
                                                           gboolean           live);   /* bytes */
guint64             corral_guest_config_get_max_memory    (CorralGuestConfig *self);   /* bytes */
guint               corral_guest_config_get_vcpus         (CorralGuestConfig *self,
                                                           gboolean           live);
/* The most processors the running guest's definition allows (its <vcpu> count; the next start's
 * when shut off): a running guest gets more processors live up to this, beyond it at the next start. */
guint               corral_guest_config_get_max_vcpus     (CorralGuestConfig *self);
/* The most processors the hypervisor allows a guest of this type (virConnectGetMaxVcpus); 0: unknown. */
guint               corral_guest_config_get_hypervisor_max_vcpus (CorralGuestConfig *self);
guint64             corral_guest_config_get_host_memory   (CorralGuestConfig *self);   /* bytes */
guint               corral_guest_config_get_host_cpus     (CorralGuestConfig *self);
GPtrArray          *corral_guest_config_get_disks         (CorralGuestConfig *self);   /* of CorralGuestDiskInfo */
GPtrArray          *corral_guest_config_get_nics          (CorralGuestConfig *self);   /* of CorralGuestNicInfo */
CorralFirmware      corral_guest_config_get_firmware      (CorralGuestConfig *self);
gboolean            corral_guest_config_has_tpm           (CorralGuestConfig *self);
gboolean            corral_guest_config_get_autostart     (CorralGuestConfig *self);
/* Boot devices in order, as libvirt names them ("hd", "cdrom", "network"). */
const char * const *corral_guest_config_get_boot_order    (CorralGuestConfig *self);
const char         *corral_guest_config_get_name          (CorralGuestConfig *self);
const char         *corral_guest_config_get_title         (CorralGuestConfig *self);
const char         *corral_guest_config_get_description   (CorralGuestConfig *self);
gboolean            corral_guest_config_is_running        (CorralGuestConfig *self);
/* The next start's definition differs from the running guest's (memory, processors, devices…):
 * the page says "Applies when the guest restarts". */
gboolean            corral_guest_config_has_pending_changes (CorralGuestConfig *self);
/* The domain XML this was read from: @live the running guest's (the next start's when shut off). */
const char         *corral_guest_config_get_xml           (CorralGuestConfig *self,
                                                           gboolean           live);

void                corral_guest_fetch_config_async       (CorralGuest          *guest,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
CorralGuestConfig  *corral_guest_fetch_config_finish      (CorralGuest          *guest,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* --- changing it --- */

#define CORRAL_TYPE_GUEST_EDIT (corral_guest_edit_get_type ())

typedef struct _CorralGuestEdit CorralGuestEdit;

GType            corral_guest_edit_get_type          (void) G_GNUC_CONST;
CorralGuestEdit *corral_guest_edit_new               (void);
CorralGuestEdit *corral_guest_edit_ref               (CorralGuestEdit   *self);
void             corral_guest_edit_unref             (CorralGuestEdit   *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralGuestEdit, corral_guest_edit_unref)
gboolean         corral_guest_edit_is_empty          (CorralGuestEdit   *self);
/* The corral-helper client for LVM volumes (new, grown, deleted); by default the shared one on
 * the system bus. Its calls run on the main context of the thread that applies the edit. */
void             corral_guest_edit_set_helper_client (CorralGuestEdit    *self,
                                                      CorralHelperClient *helper);

void             corral_guest_edit_set_memory        (CorralGuestEdit   *self,
                                                      guint64            bytes);
void             corral_guest_edit_set_vcpus         (CorralGuestEdit   *self,
                                                      guint              vcpus);
/* @iso_path NULL: eject. */
void             corral_guest_edit_set_cdrom_media   (CorralGuestEdit   *self,
                                                      const char        *target,
                                                      const char        *iso_path);
void             corral_guest_edit_add_disk          (CorralGuestEdit   *self,
                                                      CorralNewDiskKind  kind,
                                                      const char        *location,
                                                      guint64            bytes);
/* Grows only. */
void             corral_guest_edit_resize_disk       (CorralGuestEdit   *self,
                                                      const char        *target,
                                                      guint64            bytes);
/* @delete_storage: also delete the disk's volume (pool or LVM); never a plain file not in a pool. */
void             corral_guest_edit_remove_disk       (CorralGuestEdit   *self,
                                                      const char        *target,
                                                      gboolean           delete_storage);
/* @type "network" or "bridge"; @model NULL: virtio. */
void             corral_guest_edit_add_nic           (CorralGuestEdit   *self,
                                                      const char        *type,
                                                      const char        *source,
                                                      const char        *model);
void             corral_guest_edit_change_nic        (CorralGuestEdit   *self,
                                                      const char        *mac,
                                                      const char        *type,
                                                      const char        *source,
                                                      const char        *model);
void             corral_guest_edit_remove_nic        (CorralGuestEdit   *self,
                                                      const char        *mac);
void             corral_guest_edit_set_autostart     (CorralGuestEdit   *self,
                                                      gboolean           autostart);
void             corral_guest_edit_set_boot_order    (CorralGuestEdit   *self,
                                                      const char * const *devices);
/* Shut-off guests only. */
void             corral_guest_edit_set_name          (CorralGuestEdit   *self,
                                                      const char        *name);
void             corral_guest_edit_set_title         (CorralGuestEdit   *self,
                                                      const char        *title);
void             corral_guest_edit_set_description   (CorralGuestEdit   *self,
                                                      const char        *description);
/* Shut-off guests only, for the next start. An installed system may not boot on other firmware
 * than it was installed with (a BIOS install has no EFI boot entry; a UEFI one no BIOS boot loader):
 * the guest page shows the firmware read-only and only adds or removes a TPM. */
void             corral_guest_edit_set_firmware      (CorralGuestEdit   *self,
                                                      CorralFirmware     firmware);
/* A TPM 2.0 emulated by swtpm (<tpm model='tpm-crb'><backend type='emulator' version='2.0'/>);
 * from the next start. */
void             corral_guest_edit_set_tpm           (CorralGuestEdit   *self,
                                                      gboolean           tpm);

/* Checks every change against the guest as libvirt has it now and against the host (memory and
 * processors above the host's, a disk larger than the free space, a name in use, a malformed MAC…)
 * and fails with a CORRAL_ERROR saying what is wrong, having changed nothing. Else applies them all:
 * the next start's definition in one step, then what can change live; if a live change fails, what
 * was done is undone. Returns TRUE when some change waits for the guest's next start. @edit must not
 * change while this runs. */
void             corral_guest_apply_edit_async       (CorralGuest          *guest,
                                                      CorralGuestEdit      *edit,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean         corral_guest_apply_edit_finish      (CorralGuest          *guest,
                                                      GAsyncResult         *result,
                                                      gboolean             *needs_restart,
                                                      GError              **error);

G_END_DECLS
