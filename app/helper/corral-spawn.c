/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper"

#include "config.h"

#include <string.h>

#include "corral-helper-error.h"
#include "corral-spawn.h"

/* No command may hold up a hook (and so a guest's start) for long. */
#define DEFAULT_TIMEOUT_S 30

typedef struct
{
  gboolean  done;
  gboolean  timed_out;
  GSubprocess *proc;
  char     *out;
  char     *err;
  GError   *error;
} Run;

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

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result,
                                        &run->out, &run->err, &run->error);
  run->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  Run *run = user_data;

  run->timed_out = TRUE;
  g_subprocess_force_exit (run->proc);
  return G_SOURCE_REMOVE;
}

gboolean
corral_spawn (const char * const  *argv,
              const char          *input,
              char               **out_stdout,
              GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *program = NULL;
  g_autofree const char **resolved = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  const char *env_path = g_getenv ("PATH");
  Run run = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, FALSE);

  if (input != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;  /* else /dev/null */
  launcher = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");

  /* libvirt gives its hooks a PATH that may lack the sbin directories. */
  path = g_strdup_printf ("%s%s/usr/sbin:/usr/bin:/sbin:/bin",
                          env_path != NULL ? env_path : "", env_path != NULL ? ":" : "");
  g_subprocess_launcher_setenv (launcher, "PATH", path, TRUE);

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

  proc = g_subprocess_launcher_spawnv (launcher, resolved, &local_error);
  if (proc == NULL)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "Could not run %s: %s", argv[0], local_error->message);
      return FALSE;
    }

  /* A private main context: this may run in any thread, or in hook mode
   * with no main loop at all. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  run.proc = proc;
  g_subprocess_communicate_utf8_async (proc, input, NULL, communicate_cb, &run);
  timeout = g_timeout_source_new_seconds (command_timeout ());
  g_source_set_callback (timeout, timeout_cb, &run, NULL);
  g_source_attach (timeout, context);

  while (!run.done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  if (run.error == NULL)
    g_subprocess_wait (proc, NULL, NULL);

  g_main_context_pop_thread_default (context);

  if (run.timed_out)
    g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                 "%s did not finish within %u s and was stopped", argv[0], command_timeout ());
  else if (run.error != NULL)
    g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                 "Could not talk to %s: %s", argv[0], run.error->message);
  else if (!g_subprocess_get_successful (proc))
    g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                 "%s failed (exit status %d): %s", argv[0],
                 g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1,
                 run.err != NULL && *g_strstrip (run.err) != '\0' ? run.err : "no message");
  else
    {
      if (out_stdout != NULL)
        *out_stdout = g_steal_pointer (&run.out);
      ok = TRUE;
    }

  g_free (run.out);
  g_free (run.err);
  g_clear_error (&run.error);
  return ok;
}
