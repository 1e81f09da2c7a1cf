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

  /* graphics */
  CORRAL_ERROR_NO_GRAPHICS,          /* the guest has no VNC display to open */
} CorralError;

GQuark corral_error_quark (void);

G_END_DECLS
