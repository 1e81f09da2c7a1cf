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

  /* firmware */
  CORRAL_ERROR_SPEC_FIRMWARE,      /* UEFI, Secure Boot or a TPM the OS or host cannot have */
} CorralError;

GQuark corral_error_quark (void);

G_END_DECLS
