/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper"

#include "config.h"

#include "corral-helper-error.h"
#include "corral-spawn.h"

gboolean
corral_spawn (const char * const  *argv,
              const char          *input,
              char               **out_stdout,
              GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) local_error = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, FALSE);

  if (input != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;

  launcher = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");

  proc = g_subprocess_launcher_spawnv (launcher, argv, &local_error);
  if (proc == NULL)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "Could not run %s: %s", argv[0], local_error->message);
      return FALSE;
    }

  if (!g_subprocess_communicate_utf8 (proc, input, NULL, &out, &err, &local_error))
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "Could not talk to %s: %s", argv[0], local_error->message);
      return FALSE;
    }

  if (!g_subprocess_get_successful (proc))
    {
      g_strstrip (err);
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "%s failed (exit status %d): %s", argv[0],
                   g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1,
                   err != NULL && *err != '\0' ? err : "no message");
      return FALSE;
    }

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  return TRUE;
}
