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
} CorralError;

GQuark corral_error_quark (void);

G_END_DECLS
