/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the parser of lvm2's JSON reports (`vgs`/`lvs --reportformat json`), which the helper
 * runs as root: rows of name → value strings, or an error. */
#include "config.h"

#include "corral-lvm-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char * const sections[] = { "vg", "lv" };

  for (gsize s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) rows = _corral_lvm_parse_report ((const char *) data, size, sections[s], &error);

      g_assert ((rows == NULL) == (error != NULL));
      for (guint i = 0; rows != NULL && i < rows->len; i++)
        {
          GHashTableIter iter;
          gpointer key, value;

          g_hash_table_iter_init (&iter, g_ptr_array_index (rows, i));
          while (g_hash_table_iter_next (&iter, &key, &value))
            g_assert (key != NULL && value != NULL);
        }
    }
  return 0;
}
