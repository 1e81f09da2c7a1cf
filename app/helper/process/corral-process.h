/* SPDX-License-Identifier: GPL-3.0-or-later */
/* corral-process.h: how the helper runs a program
 *
 * One primitive under corral_spawn() (the firewall commands) and the LVM commands of
 * lvm/corral-lvm.c: an argv, never a shell; an environment tweaked by a list; stdin
 * from a string or /dev/null; stdout and stderr collected; a timeout and a
 * GCancellable, either of which kills the program and waits for it.  It runs in a
 * private GMainContext, so it works in any thread, and in hook mode, where there is
 * no main loop at all.  It blocks until the program is gone.
 *
 * It depends on GIO alone, so that the LVM library can link it without the rest of
 * the helper.  The callers word the errors: they know what they ran.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What became of a program run by corral_process_run(). */
typedef enum
{
  CORRAL_PROCESS_EXITED,       /* it ran to its end, successfully or not: see the result */
  CORRAL_PROCESS_SPAWN_FAILED, /* it could not be started; @error is GLib's */
  CORRAL_PROCESS_IO_FAILED,    /* feeding it or reading it failed; @error is GIO's */
  CORRAL_PROCESS_TIMED_OUT,    /* it ran past the timeout; @error is G_IO_ERROR_TIMED_OUT */
  CORRAL_PROCESS_CANCELLED,    /* @cancellable fired; @error is G_IO_ERROR_CANCELLED */
} CorralProcessOutcome;

/* What a program that ran to its end left (CORRAL_PROCESS_EXITED only; otherwise all
 * zero).  Clear it with corral_process_result_clear(), or declare it g_auto(). */
typedef struct
{
  GBytes   *out;         /* everything it wrote to stdout (never NULL) */
  GBytes   *err;         /* everything it wrote to stderr (never NULL) */
  gboolean  exited;      /* it exited; else a signal killed it */
  int       exit_status; /* when @exited */
  int       term_sig;    /* when not @exited */
} CorralProcessResult;

/* Runs @argv: @argv[0] is executed as given, so pass a path (GSubprocess would
 * otherwise look a bare name up in the helper's own PATH, not in @env's).
 *
 * @env (NULL-terminated, may be NULL) tweaks the helper's environment for the
 * program, in order: "NAME=VALUE" sets NAME, a bare "NAME" unsets it.
 *
 * @input (may be NULL: stdin is then /dev/null) is written to the program's stdin,
 * which is then closed.
 *
 * After @timeout_seconds (0: no timeout), or once @cancellable (may be NULL) is
 * cancelled, the program is killed (SIGKILL) and waited for; so it is when reading or
 * writing its pipes fails.  Whatever the outcome, no program is left running.
 *
 * Returns CORRAL_PROCESS_EXITED with @result filled, whatever the exit status: judging
 * it is the caller's business.  Any other outcome sets @error and leaves @result all
 * zero. */
CorralProcessOutcome corral_process_run          (const char * const   *argv,
                                                  const char * const   *env,
                                                  const char           *input,
                                                  guint                 timeout_seconds,
                                                  GCancellable         *cancellable,
                                                  CorralProcessResult  *result,
                                                  GError              **error);

void                 corral_process_result_clear (CorralProcessResult  *result);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CorralProcessResult, corral_process_result_clear)

G_END_DECLS
