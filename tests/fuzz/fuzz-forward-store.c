/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: corral-helper's state files (/var/lib/corral/forwards.conf and
 * /run/corral/active-guests). Whatever they hold, the parsers return records that pass the helper's own
 * checks, or an error; they never crash. */
#include "config.h"

#include "corral-forward-store-private.h"
#include "corral-helper-validate.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(GHashTable) active = NULL;
  g_autoptr(GError) error = NULL;

  forwards = _corral_forward_store_parse ((const char *) data, size, "forwards.conf", &error);
  g_assert ((forwards == NULL) == (error != NULL));
  for (guint i = 0; forwards != NULL && i < forwards->len; i++)
    {
      const CorralForwardRecord *f = g_ptr_array_index (forwards, i);

      g_assert (corral_validate_uuid (f->guest_uuid, NULL));
      g_assert (corral_validate_protocol (f->protocol, NULL));
      g_assert (f->host_port >= 1 && f->guest_port >= 1);
      g_assert (corral_parse_ipv4 (f->guest_address, NULL));
    }
  g_clear_error (&error);

  active = _corral_forward_store_parse_active_guests (text, "active-guests", &error);
  g_assert ((active == NULL) == (error != NULL));
  return 0;
}
