/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CORRAL_HELPER_DBUS_NAME   "org.corralvm.Helper1"
#define CORRAL_HELPER_DBUS_PATH   "/org/corralvm/Helper1"

#define CORRAL_HELPER_ERROR (corral_helper_error_quark ())

/* Each maps to the D-Bus error org.corralvm.Helper1.Error.<Name>. */
typedef enum
{
  CORRAL_HELPER_ERROR_FAILED,           /* Failed */
  CORRAL_HELPER_ERROR_NOT_AUTHORIZED,   /* NotAuthorized */
  CORRAL_HELPER_ERROR_INVALID_ARGUMENT, /* InvalidArgument */
  CORRAL_HELPER_ERROR_NOT_FOUND,        /* NotFound */
  CORRAL_HELPER_ERROR_CONFLICT,         /* Conflict */
  CORRAL_HELPER_ERROR_NO_SPACE,         /* NoSpace */
  CORRAL_HELPER_ERROR_NOT_CORRAL,       /* NotCorral */
  CORRAL_HELPER_ERROR_UNSUPPORTED,      /* Unsupported */
  CORRAL_HELPER_ERROR_CORRUPT_STATE,    /* CorruptState */
} CorralHelperError;

GQuark corral_helper_error_quark (void);

G_END_DECLS
