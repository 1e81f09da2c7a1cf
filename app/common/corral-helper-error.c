/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "corral-helper-error.h"

static const GDBusErrorEntry error_entries[] = {
  { CORRAL_HELPER_ERROR_FAILED, "org.corralvm.Helper1.Error.Failed" },
  { CORRAL_HELPER_ERROR_NOT_AUTHORIZED, "org.corralvm.Helper1.Error.NotAuthorized" },
  { CORRAL_HELPER_ERROR_INVALID_ARGUMENT, "org.corralvm.Helper1.Error.InvalidArgument" },
  { CORRAL_HELPER_ERROR_NOT_FOUND, "org.corralvm.Helper1.Error.NotFound" },
  { CORRAL_HELPER_ERROR_CONFLICT, "org.corralvm.Helper1.Error.Conflict" },
  { CORRAL_HELPER_ERROR_NO_SPACE, "org.corralvm.Helper1.Error.NoSpace" },
  { CORRAL_HELPER_ERROR_NOT_CORRAL, "org.corralvm.Helper1.Error.NotCorral" },
  { CORRAL_HELPER_ERROR_UNSUPPORTED, "org.corralvm.Helper1.Error.Unsupported" },
  { CORRAL_HELPER_ERROR_CORRUPT_STATE, "org.corralvm.Helper1.Error.CorruptState" },
};

/* Registered with GDBus, so a client gets these codes back from a remote call
 * and the helper's GErrors travel under these names. */
GQuark
corral_helper_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("corral-helper-error-quark", &quark,
                                      error_entries, G_N_ELEMENTS (error_entries));
  return (GQuark) quark;
}
