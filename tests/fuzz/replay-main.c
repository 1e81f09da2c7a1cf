/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs a libFuzzer target once on each file of the directories named (the seed corpus), without libFuzzer:
 * the normal build and its sanitizer pass check every seed this way on every test run. TAP output. */
#include "config.h"

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        {
          g_print ("Bail out! cannot read the corpus %s\n", argv[i]);
          return 1;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_ptr_array_sort (names, compare_paths);
      g_ptr_array_extend_and_steal (files, g_steal_pointer (&names));
    }

  g_print ("1..%u\n", files->len);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        {
          g_print ("not ok %u - cannot read %s\n", i + 1, path);
          return 1;
        }
      LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
      g_print ("ok %u - %s\n", i + 1, path);
    }
  return 0;
}
