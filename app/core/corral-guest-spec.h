/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <osinfo/osinfo.h>

#include "corral-cloud-init.h"
#include "corral-error.h"
#include "corral-gvir-autoptr.h"

G_BEGIN_DECLS

/* What the user asked for in the new-guest wizard, before anything exists. */

typedef enum {
  CORRAL_INSTALL_SOURCE_ISO,      /* boot an install ISO as a CD-ROM once, then the disk */
  CORRAL_INSTALL_SOURCE_IMPORT,   /* boot an existing disk image */
  CORRAL_INSTALL_SOURCE_CLOUD_IMAGE, /* each guest boots its own copy of a cloud image (image_path),
                                      * set up by cloud-init from a NoCloud seed (identity) */
} CorralInstallSource;

typedef enum {
  CORRAL_DISK_NONE,
  CORRAL_DISK_LVM,                /* a new logical volume in volume group disk_location (helper) */
  CORRAL_DISK_POOL,               /* a new qcow2 volume in libvirt storage pool disk_location */
  CORRAL_DISK_EXISTING,           /* the file or block device disk_location */
} CorralDiskKind;

typedef enum {
  CORRAL_NETWORK_NONE,
  CORRAL_NETWORK_LIBVIRT,         /* a libvirt network, e.g. "default" */
  CORRAL_NETWORK_BRIDGE,          /* a host bridge, e.g. "br0" */
} CorralNetworkKind;

/* The guest's firmware (also what corral-guest-config.h reads back from a guest). UEFI is libvirt's
 * firmware auto-selection (<os firmware="efi">), from the edk2/OVMF descriptors the host ships. */
typedef enum {
  CORRAL_FIRMWARE_BIOS,
  CORRAL_FIRMWARE_UEFI,
  CORRAL_FIRMWARE_UEFI_SECURE_BOOT,
} CorralFirmware;

#define CORRAL_GUEST_SPEC_MAX_COUNT 16
#define CORRAL_GUEST_SPEC_MIN_MEMORY (64 * 1024 * 1024)

typedef struct
{
  char                *name;          /* with count > 1, the base: name1 … nameN */
  char                *os_id;         /* libosinfo id, or NULL when unknown */
  guint64              memory;        /* bytes */
  guint                vcpus;
  CorralInstallSource  source;
  char                *iso_path;      /* CORRAL_INSTALL_SOURCE_ISO */
  CorralDiskKind       disk_kind;
  char                *disk_location; /* volume group, pool or path, per disk_kind */
  guint64              disk_size;     /* bytes, for new volumes */
  CorralNetworkKind    network_kind;
  char                *network;       /* network or bridge name */
  gboolean             start;
  guint                count;         /* how many guests; each gets its own disk */
  CorralFirmware       firmware;
  gboolean             tpm;           /* an emulated TPM 2.0 (swtpm) */
  /* CORRAL_INSTALL_SOURCE_CLOUD_IMAGE (disk_kind CORRAL_DISK_POOL: the pool the base image and the
   * guests' disks go to; disk_size: each guest's disk, grown from the image's size) */
  char                *image_path;    /* the cloud image: a file on the host, or a volume of the pool */
  gboolean             full_copy;     /* each guest gets a full copy, not a qcow2 overlay on the base */
  CorralCloudIdentity *identity;      /* who may log in; each guest's host name is its name */
} CorralGuestSpec;

/* What the host and connection allow; 0 / NULL where unknown (that check is skipped). */
typedef struct
{
  guint64              host_memory;   /* bytes */
  guint                host_cpus;
  guint64              disk_free;     /* bytes free where new disks go */
  const char * const  *taken_names;   /* guests that exist already */
  guint64              os_min_memory; /* bytes, from osinfo-db */
  gboolean             os_no_q35;     /* the OS is known and has no q35 machine support */
  gboolean             os_needs_uefi; /* osinfo-db: the OS does not boot with BIOS */
  gboolean             firmware_known; /* the three below were read from the connection */
  gboolean             host_uefi;     /* UEFI firmware (ovmf) is installed on the host */
  gboolean             host_secure_boot;
  gboolean             host_tpm;      /* an emulated TPM (swtpm) is available */
} CorralGuestLimits;

/* Whether the install image or disk image to import is there, as the source page last saw it. */
typedef enum {
  CORRAL_SOURCE_FILE_UNCHECKED,   /* not looked at: the path names a file on another host */
  CORRAL_SOURCE_FILE_FOUND,
  CORRAL_SOURCE_FILE_MISSING,
} CorralSourceFile;

/* What the wizard's pages know beyond the spec and the limits. */
typedef struct
{
  CorralSourceFile     source_file;
  gboolean             os_db_loaded;  /* the list of operating systems is read */
  gboolean             pools_known;   /* the connection's storage pools are listed … */
  guint                n_pools;       /* … and this many are active */
  const char          *lvm_problem;   /* why no volume group can be chosen, or NULL */
  guint64              image_size;    /* the cloud image's virtual size in bytes, 0 when unknown */
} CorralGuestPageFacts;

/* How one guest of the spec becomes a domain: decided by the creator from the host and the disk it
 * made. */
typedef struct
{
  const char *name;        /* this guest's name */
  const char *virt_type;   /* "kvm", "qemu" or "test" */
  const char *arch;        /* "x86_64" */
  OsinfoOs   *os;          /* NULL: generic devices */
  const char *disk_path;   /* NULL: no disk */
  gboolean    disk_is_block;
  const char *disk_format; /* "qcow2" or "raw" */
  const char *seed_path;   /* CORRAL_INSTALL_SOURCE_CLOUD_IMAGE: the cloud-init seed (an ISO volume) */
} CorralDomainParams;

#define CORRAL_TYPE_GUEST_SPEC (corral_guest_spec_get_type ())

GType             corral_guest_spec_get_type        (void) G_GNUC_CONST;
CorralGuestSpec  *corral_guest_spec_new             (void);
CorralGuestSpec  *corral_guest_spec_copy            (const CorralGuestSpec   *spec);
void              corral_guest_spec_free            (CorralGuestSpec         *spec);
char             *corral_guest_spec_dup_guest_name  (const CorralGuestSpec   *spec,
                                                     guint                    index);
gboolean          corral_guest_spec_check_name      (const char              *name,
                                                     guint                    count,
                                                     const char * const      *taken_names,
                                                     GError                 **error);
gboolean          corral_guest_spec_check_memory    (guint64                  memory,
                                                     guint                    count,
                                                     const CorralGuestLimits *limits,
                                                     GError                 **error);
gboolean          corral_guest_spec_check_vcpus     (guint                    vcpus,
                                                     const CorralGuestLimits *limits,
                                                     GError                 **error);
gboolean          corral_guest_spec_check_firmware  (const CorralGuestSpec   *spec,
                                                     const CorralGuestLimits *limits,
                                                     GError                 **error);
gboolean          corral_guest_spec_check_disk      (const CorralGuestSpec   *spec,
                                                     const CorralGuestLimits *limits,
                                                     GError                 **error);
gboolean          corral_guest_spec_validate        (const CorralGuestSpec   *spec,
                                                     const CorralGuestLimits *limits,
                                                     GError                 **error);
gboolean          corral_guest_spec_check_source_page    (const CorralGuestSpec      *spec,
                                                          const CorralGuestPageFacts *facts,
                                                          GError                    **error);
gboolean          corral_guest_spec_check_os_page        (const CorralGuestSpec      *spec,
                                                          const CorralGuestPageFacts *facts,
                                                          GError                    **error);
gboolean          corral_guest_spec_check_resources_page (const CorralGuestSpec      *spec,
                                                          const CorralGuestLimits    *limits,
                                                          GError                    **error);
gboolean          corral_guest_spec_check_disk_page      (const CorralGuestSpec      *spec,
                                                          const CorralGuestLimits    *limits,
                                                          const CorralGuestPageFacts *facts,
                                                          GError                    **error);
gboolean          corral_guest_spec_check_network_page   (const CorralGuestSpec      *spec,
                                                          GError                    **error);
gboolean          corral_guest_spec_check_identity_page  (const CorralGuestSpec      *spec,
                                                          GError                    **error);
gboolean          corral_guest_spec_check_image_size     (const CorralGuestSpec      *spec,
                                                          guint64                     image_size,
                                                          GError                    **error);
gboolean          corral_guest_spec_check_review_page    (const CorralGuestSpec      *spec,
                                                          const CorralGuestLimits    *limits,
                                                          GError                    **error);
GVirConfigDomain *corral_guest_spec_build_domain    (const CorralGuestSpec   *spec,
                                                     const CorralDomainParams *params,
                                                     GError                 **error);
gboolean          corral_guest_spec_installs_to_disk (const CorralGuestSpec  *spec);
GVirConfigDomain *corral_guest_spec_build_install_domain (const CorralGuestSpec    *spec,
                                                          const CorralDomainParams *params,
                                                          GError                  **error);
char             *corral_format_size                (guint64                  bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralGuestSpec, corral_guest_spec_free)

G_END_DECLS
