/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper"

#include "config.h"

#include <string.h>

#include "corral-helper-error.h"
#include "corral-process.h"
#include "corral-spawn.h"

/* No command may hold up a hook (and so a guest's start) for long. */
#define DEFAULT_TIMEOUT_S 30

static guint
command_timeout (void)
{
  const char *env = g_getenv ("CORRAL_HELPER_COMMAND_TIMEOUT");
  guint64 seconds;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 3600, &seconds, NULL))
    return (guint) seconds;
  return DEFAULT_TIMEOUT_S;
}

/* argv[0] looked up in @path (GSubprocess would use our own PATH). */
static char *
find_program (const char *path,
              const char *name)
{
  g_auto(GStrv) dirs = NULL;

  if (strchr (name, '/') != NULL)
    return g_strdup (name);

  dirs = g_strsplit (path, ":", -1);
  for (gsize i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *candidate = NULL;

      if (!g_path_is_absolute (dirs[i]))
        continue;
      candidate = g_build_filename (dirs[i], name, NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE) &&
          !g_file_test (candidate, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&candidate);
    }

  return NULL;
}

/* Our PATH plus the sbin directories: libvirt gives its hooks a PATH that may
 * lack them. */
static char *
spawn_path (void)
{
  const char *env_path = g_getenv ("PATH");

  return g_strdup_printf ("%s%s/usr/sbin:/usr/bin:/sbin:/bin",
                          env_path != NULL ? env_path : "", env_path != NULL ? ":" : "");
}

char *
corral_spawn_find_program (const char *name)
{
  g_autofree char *path = spawn_path ();

  return find_program (path, name);
}

/* One of @program's output streams as text, the way g_subprocess_communicate_utf8()
 * would give it: up to the first NUL, and valid UTF-8 or an error (the text may end
 * up in a message, and so on D-Bus, which wants UTF-8).  Never NULL on success. */
static char *
stream_text (GBytes      *bytes,
             const char  *stream,
             const char  *program,
             GError     **error)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autofree char *text = data != NULL ? g_strndup (data, len) : g_strdup ("");
  const char *end;

  if (!g_utf8_validate (text, -1, &end))
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "Could not talk to %s: Invalid UTF-8 in child %s at offset %lu",
                   program, stream, (unsigned long) (end - text));
      return NULL;
    }

  return g_steal_pointer (&text);
}

gboolean
corral_spawn (const char * const  *argv,
              const char          *input,
              char               **out_stdout,
              GError             **error)
{
  g_auto(CorralProcessResult) result = { 0 };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *path_env = NULL;
  g_autofree char *program = NULL;
  g_autofree const char **resolved = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guint timeout = command_timeout ();

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, FALSE);

  path = spawn_path ();
  path_env = g_strconcat ("PATH=", path, NULL);

  program = find_program (path, argv[0]);
  if (program == NULL)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "Could not run %s: it is not installed (not found in %s)", argv[0], path);
      return FALSE;
    }
  resolved = g_new0 (const char *, g_strv_length ((char **) argv) + 1);
  resolved[0] = program;
  for (gsize i = 1; argv[i] != NULL; i++)
    resolved[i] = argv[i];

  {
    /* The C locale: we parse the output and quote the messages. */
    const char * const env[] = { "LC_ALL=C", "LANGUAGE", path_env, NULL };

    switch (corral_process_run (resolved, env, input, timeout, NULL, &result, &local_error))
      {
      case CORRAL_PROCESS_EXITED:
        break;
      case CORRAL_PROCESS_SPAWN_FAILED:
        g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                     "Could not run %s: %s", argv[0], local_error->message);
        return FALSE;
      case CORRAL_PROCESS_TIMED_OUT:
        g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                     "%s did not finish within %u s and was stopped", argv[0], timeout);
        return FALSE;
      case CORRAL_PROCESS_IO_FAILED:
      case CORRAL_PROCESS_CANCELLED: /* there is no cancellable */
        g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                     "Could not talk to %s: %s", argv[0], local_error->message);
        return FALSE;
      }
  }

  if ((out = stream_text (result.out, "stdout", argv[0], error)) == NULL ||
      (err = stream_text (result.err, "stderr", argv[0], error)) == NULL)
    return FALSE;

  if (!result.exited || result.exit_status != 0)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "%s failed (exit status %d): %s", argv[0],
                   result.exited ? result.exit_status : -1,
                   *g_strstrip (err) != '\0' ? err : "no message");
      return FALSE;
    }

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  return TRUE;
}
