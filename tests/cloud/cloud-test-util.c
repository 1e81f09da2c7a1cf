/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "cloud-test-util.h"

char *
cloud_test_run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                     &error))
    {
      g_test_message ("%s: %s", argv[0], error->message);
      return NULL;
    }
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("%s: %s: %s", argv[0], error->message, err);
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
cloud_test_ssh_keygen (const char *type,
                       int         bits,
                       const char *comment,
                       const char *path)
{
  g_autofree char *bits_text = g_strdup_printf ("%d", bits);
  g_autofree char *out = NULL;

  if (bits > 0)
    {
      const char *argv[] = { "ssh-keygen", "-q", "-t", type, "-b", bits_text, "-N", "", "-C", comment,
                             "-f", path, NULL };
      out = cloud_test_run (argv);
    }
  else
    {
      const char *argv[] = { "ssh-keygen", "-q", "-t", type, "-N", "", "-C", comment, "-f", path, NULL };
      out = cloud_test_run (argv);
    }
  return out != NULL;
}

char *
cloud_test_ssh_fingerprint (const char *path)
{
  const char *argv[] = { "ssh-keygen", "-lf", path, NULL };
  g_autofree char *out = cloud_test_run (argv);
  g_auto(GStrv) fields = NULL;

  /* "256 SHA256:… comment (ED25519)" */
  g_assert_nonnull (out);
  fields = g_strsplit (out, " ", 3);
  g_assert_cmpuint (g_strv_length (fields), ==, 3);
  g_assert_true (g_str_has_prefix (fields[1], "SHA256:"));
  return g_strdup (fields[1]);
}

char *
cloud_test_read (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

char *
cloud_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("corral-cloud-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
cloud_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      cloud_test_remove_tree (child);
    }
  g_rmdir (path);
}
