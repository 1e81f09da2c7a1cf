/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CORRAL_ERROR (corral_error_quark ())

typedef enum {
  CORRAL_ERROR_FAILED,
  CORRAL_ERROR_NOT_CONNECTED,
  CORRAL_ERROR_INVALID_STATE,
  CORRAL_ERROR_LIBVIRT_UNAVAILABLE,

  /* guest spec */
  CORRAL_ERROR_SPEC_NAME,
  CORRAL_ERROR_SPEC_NAME_TAKEN,
  CORRAL_ERROR_SPEC_COUNT,
  CORRAL_ERROR_SPEC_MEDIA,
  CORRAL_ERROR_SPEC_OS,
  CORRAL_ERROR_SPEC_MEMORY,
  CORRAL_ERROR_SPEC_VCPUS,
  CORRAL_ERROR_SPEC_DISK,
  CORRAL_ERROR_SPEC_NETWORK,

  /* graphics */
  CORRAL_ERROR_NO_GRAPHICS,          /* the guest has no VNC display to open */

  /* corral-helper */
  CORRAL_ERROR_HELPER_MISSING,     /* not installed, not running, or the bus cannot reach it */
  CORRAL_ERROR_NOT_AUTHORIZED,     /* polkit said no, or the prompt was dismissed */
  CORRAL_ERROR_INVALID_ARGUMENT,
  CORRAL_ERROR_CONFLICT,           /* the host port is forwarded already or in use; the volume exists */
  CORRAL_ERROR_NOT_FOUND,
  CORRAL_ERROR_UNSUPPORTED,        /* the guest is not on a libvirt NAT network */
  CORRAL_ERROR_NO_SPACE,           /* the volume group has too little free space */
  CORRAL_ERROR_NO_ANSWER,          /* testing a forward: nothing answered through it */

  /* guest edit (memory, processors and names reuse the guest spec's codes and wording) */
  CORRAL_ERROR_EDIT_NOT_FOUND,     /* no such drive, disk or network card, storage pool, network… */
  CORRAL_ERROR_EDIT_NEEDS_SHUTOFF, /* renaming, firmware: only while the guest is shut off */
  CORRAL_ERROR_EDIT_MEDIA,         /* a CD/DVD change on a drive that is not one, or no such ISO */
  CORRAL_ERROR_EDIT_ACCESS,        /* QEMU could not read the ISO or disk: "Allow Access" fixes it */
  CORRAL_ERROR_EDIT_DISK,          /* shrinking, a disk in use, deleting a plain file… */
  CORRAL_ERROR_EDIT_NO_SPACE,      /* the pool or volume group has too little free space */
  CORRAL_ERROR_EDIT_NIC,           /* a malformed MAC address, an unknown model or kind */
  CORRAL_ERROR_EDIT_BOOT,          /* an unknown boot device */
  CORRAL_ERROR_EDIT_FAILED,        /* libvirt refused a step: everything done was undone */
  CORRAL_ERROR_EDIT_STORAGE_KEPT,  /* all applied, but a removed disk's storage could not be deleted */
  /* firmware */
  CORRAL_ERROR_SPEC_FIRMWARE,      /* UEFI, Secure Boot or a TPM the OS or host cannot have */
  /* snapshots */
  CORRAL_ERROR_SNAPSHOT_NAME,        /* empty, or with a '/' */
  CORRAL_ERROR_SNAPSHOT_NAME_TAKEN,  /* the guest has a snapshot of that name */
  CORRAL_ERROR_SNAPSHOT_UNSUPPORTED, /* a disk is not qcow2 */
  CORRAL_ERROR_SNAPSHOT_NOT_FOUND,   /* no snapshot of that name */
  CORRAL_ERROR_SNAPSHOT_FAILED,      /* libvirt refused */
  /* clones */
  CORRAL_ERROR_CLONE_RUNNING,        /* the guest runs: shut it down first */
  CORRAL_ERROR_CLONE_UNSUPPORTED,    /* a disk that cannot be cloned so (LVM, not in a pool, not qcow2) */
  CORRAL_ERROR_CLONE_NO_SPACE,       /* a pool has too little free space for the copies */
  CORRAL_ERROR_CLONE_FAILED,         /* libvirt refused a step: what was made was removed */
  CORRAL_ERROR_BASE_IN_USE,          /* deleting a volume another guest's disk is based on */
  /* Guests made from a cloud image (corral-cloud-init.h, corral-guest-creator.c). */
  CORRAL_ERROR_CLOUD_USER_NAME,      /* not a Linux user name */
  CORRAL_ERROR_CLOUD_HOST_NAME,      /* not an RFC 1123 host name label */
  CORRAL_ERROR_CLOUD_KEY,            /* not an OpenSSH public key (or a private key) */
  CORRAL_ERROR_CLOUD_SEED,           /* the cloud-init seed could not be made */
  CORRAL_ERROR_CLOUD_IMAGE,          /* the file is no disk image, or the pool cannot hold it */
  CORRAL_ERROR_DOWNLOAD,             /* downloading a cloud image failed */
} CorralError;

GQuark corral_error_quark (void);

G_END_DECLS
