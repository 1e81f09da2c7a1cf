/* SPDX-License-Identifier: GPL-3.0-or-later */
/* corral-process.c: how the helper runs a program (see corral-process.h) */

#define G_LOG_DOMAIN "corral-process"

#include "config.h"

#include <string.h>

#include "corral-process.h"

typedef struct
{
  GCancellable *inner;     /* stops the I/O: cancelled by the caller or by the timeout */
  gboolean      done;
  gboolean      timed_out;
  GBytes       *out;
  GBytes       *err;
  GError       *error;
} Run;

void
corral_process_result_clear (CorralProcessResult *result)
{
  g_clear_pointer (&result->out, g_bytes_unref);
  g_clear_pointer (&result->err, g_bytes_unref);
  memset (result, 0, sizeof *result);
}

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result,
                                   &run->out, &run->err, &run->error);
  run->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  Run *run = user_data;

  run->timed_out = TRUE;
  g_cancellable_cancel (run->inner);
  return G_SOURCE_REMOVE;
}

/* Runs in whichever thread cancels: it only passes the word on. */
static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
apply_env (GSubprocessLauncher *launcher,
           const char * const  *env)
{
  for (gsize i = 0; env != NULL && env[i] != NULL; i++)
    {
      const char *eq = strchr (env[i], '=');

      if (eq == NULL)
        g_subprocess_launcher_unsetenv (launcher, env[i]);
      else
        {
          g_autofree char *name = g_strndup (env[i], eq - env[i]);

          g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
        }
    }
}

CorralProcessOutcome
corral_process_run (const char * const   *argv,
                    const char * const   *env,
                    const char           *input,
                    guint                 timeout_seconds,
                    GCancellable         *cancellable,
                    CorralProcessResult  *result,
                    GError              **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GBytes) input_bytes = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  CorralProcessOutcome outcome;
  gulong cancel_id = 0;
  Run run = { 0 };

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, CORRAL_PROCESS_SPAWN_FAILED);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable),
                        CORRAL_PROCESS_SPAWN_FAILED);
  g_return_val_if_fail (result != NULL, CORRAL_PROCESS_SPAWN_FAILED);
  g_return_val_if_fail (error == NULL || *error == NULL, CORRAL_PROCESS_SPAWN_FAILED);

  memset (result, 0, sizeof *result);

  /* Nothing to kill yet: do not even start it. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return CORRAL_PROCESS_CANCELLED;

  if (input != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;
  launcher = g_subprocess_launcher_new (flags);
  /* GSubprocess would use /dev/null anyway; said here so that nobody has to know. */
  if (input == NULL)
    g_subprocess_launcher_set_stdin_file_path (launcher, "/dev/null");
  apply_env (launcher, env);

  proc = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (proc == NULL)
    return CORRAL_PROCESS_SPAWN_FAILED;

  /* A private main context, so that the timeout and the I/O run here, in the calling
   * thread, whatever else the process does; in hook mode there is no main loop at
   * all.  GSubprocess attaches its sources to the thread-default context. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  /* The caller's cancellable may fire in any thread: it cancels ours, which the I/O
   * (running here) watches. */
  run.inner = g_cancellable_new ();
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                       g_object_ref (run.inner), g_object_unref);

  if (timeout_seconds > 0)
    {
      timeout = g_timeout_source_new_seconds (timeout_seconds);
      g_source_set_callback (timeout, timeout_cb, &run, NULL);
      g_source_attach (timeout, context);
    }

  if (input != NULL)
    input_bytes = g_bytes_new (input, strlen (input));
  g_subprocess_communicate_async (proc, input_bytes, run.inner, communicate_cb, &run);
  while (!run.done)
    g_main_context_iteration (context, TRUE);

  if (timeout != NULL)
    g_source_destroy (timeout);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, cancel_id);

  if (run.error == NULL)
    {
      /* communicate() returns once the program has exited and both pipes are at
       * their end. */
      result->out = run.out != NULL ? g_steal_pointer (&run.out) : g_bytes_new (NULL, 0);
      result->err = run.err != NULL ? g_steal_pointer (&run.err) : g_bytes_new (NULL, 0);
      result->exited = g_subprocess_get_if_exited (proc);
      if (result->exited)
        result->exit_status = g_subprocess_get_exit_status (proc);
      else
        result->term_sig = g_subprocess_get_term_sig (proc);
      outcome = CORRAL_PROCESS_EXITED;
    }
  else
    {
      /* Timed out, cancelled, or the pipes failed: do not leave the program running
       * behind us (a root service, and a hook that must return). */
      g_subprocess_force_exit (proc);
      g_subprocess_wait (proc, NULL, NULL);

      if (run.timed_out)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "%s did not finish within %u s and was stopped",
                       argv[0], timeout_seconds);
          outcome = CORRAL_PROCESS_TIMED_OUT;
        }
      else if (g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&run.error));
          outcome = CORRAL_PROCESS_CANCELLED;
        }
      else
        {
          g_propagate_error (error, g_steal_pointer (&run.error));
          outcome = CORRAL_PROCESS_IO_FAILED;
        }
    }

  g_clear_pointer (&run.out, g_bytes_unref);
  g_clear_pointer (&run.err, g_bytes_unref);
  g_clear_error (&run.error);
  g_clear_object (&run.inner);

  /* Let what the stopped I/O left behind (GSubprocess's own callbacks) finish here,
   * in our context, before it goes. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  return outcome;
}
