/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How corral-helper runs a program (app/helper/process): what the program gets, what
 * comes back, and that a timeout or a cancellation stops it and leaves nothing
 * running.  No root, no bus. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "corral-process.h"

static void
assert_bytes (GBytes     *bytes,
              const char *expected)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   expected, strlen (expected));
}

/* Whether @pid (a child's, or a grandchild's) is still around. */
static gboolean
pid_alive (GPid pid)
{
  return kill (pid, 0) == 0 || errno != ESRCH;
}

/* Whether the shell has written its line to @path yet. */
static gboolean
pid_written (const char *path)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && strchr (text, '\n') != NULL;
}

static GPid
read_pid (const char *path)
{
  g_autofree char *text = NULL;
  guint64 pid;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_ascii_string_to_unsigned (g_strstrip (text), 10, 1, G_MAXINT, &pid, NULL));
  return (GPid) pid;
}

static void
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
test_output_and_env (void)
{
  const char * const argv[] = {
    "/bin/sh", "-c",
    "echo \"out:$CORRAL_A:${CORRAL_B-unset}:$LC_ALL\"; echo err >&2", NULL
  };
  const char * const env[] = { "CORRAL_A=a=b", "CORRAL_B", "LC_ALL=C", NULL };
  g_auto(CorralProcessResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean idle_ran = FALSE;
  guint idle_id;

  /* The call runs its own main context: what waits in the default one stays there. */
  idle_id = g_idle_add_once (set_flag, &idle_ran);
  g_setenv ("CORRAL_B", "set", TRUE);
  g_assert_cmpint (corral_process_run (argv, env, NULL, 10, NULL, &result, &error),
                   ==, CORRAL_PROCESS_EXITED);
  g_unsetenv ("CORRAL_B");
  g_assert_false (idle_ran);
  g_source_remove (idle_id);
  g_assert_no_error (error);
  g_assert_true (result.exited);
  g_assert_cmpint (result.exit_status, ==, 0);
  /* Only the first '=' separates the name; a bare name unsets it. */
  assert_bytes (result.out, "out:a=b:unset:C\n");
  assert_bytes (result.err, "err\n");
}

static void
test_stdin (void)
{
  const char * const cat[] = { "/bin/cat", NULL };
  g_autoptr(GString) big = g_string_new (NULL);

  /* No input: /dev/null, so cat ends at once. */
  {
    g_auto(CorralProcessResult) result = { 0 };

    g_assert_cmpint (corral_process_run (cat, NULL, NULL, 10, NULL, &result, NULL),
                     ==, CORRAL_PROCESS_EXITED);
    g_assert_cmpuint (g_bytes_get_size (result.out), ==, 0);
    g_assert_cmpuint (g_bytes_get_size (result.err), ==, 0);
  }

  /* Far more than a pipe holds, both ways at once. */
  while (big->len < 4 * 1024 * 1024)
    g_string_append (big, "*filter\n-A CORRAL_FWD -j ACCEPT\nCOMMIT\n");

  {
    g_auto(CorralProcessResult) result = { 0 };

    g_assert_cmpint (corral_process_run (cat, NULL, big->str, 10, NULL, &result, NULL),
                     ==, CORRAL_PROCESS_EXITED);
    g_assert_cmpuint (g_bytes_get_size (result.out), ==, big->len);
    g_assert_cmpmem (g_bytes_get_data (result.out, NULL), big->len, big->str, big->len);
  }

  {
    g_auto(CorralProcessResult) result = { 0 };

    g_assert_cmpint (corral_process_run (cat, NULL, "", 10, NULL, &result, NULL),
                     ==, CORRAL_PROCESS_EXITED);
    g_assert_cmpuint (g_bytes_get_size (result.out), ==, 0);
  }
}

static void
test_exit_status_and_signal (void)
{
  const char * const fails[] = { "/bin/sh", "-c", "echo no >&2; exit 3", NULL };
  const char * const killed[] = { "/bin/sh", "-c", "kill -TERM $$", NULL };
  g_auto(CorralProcessResult) result = { 0 };

  g_assert_cmpint (corral_process_run (fails, NULL, NULL, 10, NULL, &result, NULL),
                   ==, CORRAL_PROCESS_EXITED);
  g_assert_true (result.exited);
  g_assert_cmpint (result.exit_status, ==, 3);
  assert_bytes (result.err, "no\n");
  corral_process_result_clear (&result);

  g_assert_cmpint (corral_process_run (killed, NULL, NULL, 10, NULL, &result, NULL),
                   ==, CORRAL_PROCESS_EXITED);
  g_assert_false (result.exited);
  g_assert_cmpint (result.term_sig, ==, SIGTERM);
}

static void
test_spawn_failed (void)
{
  const char * const argv[] = { "/nonexistent/corral-no-such-program", NULL };
  g_auto(CorralProcessResult) result = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (corral_process_run (argv, NULL, NULL, 10, NULL, &result, &error),
                   ==, CORRAL_PROCESS_SPAWN_FAILED);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_null (result.out);
  g_assert_null (result.err);
}

/* The program hangs, and a grandchild holds its stdout open: the timeout still ends
 * the call (it stops the I/O, not only the program), and the program is gone. */
static void
test_timeout (void)
{
  g_autofree char *dir = g_dir_make_tmp ("corral-process-XXXXXX", NULL);
  g_autofree char *child_file = g_build_filename (dir, "child", NULL);
  g_autofree char *grandchild_file = g_build_filename (dir, "grandchild", NULL);
  g_autofree char *script = g_strdup_printf ("sleep 60 & echo $! > %s; echo $$ > %s; "
                                             "exec sleep 60",
                                             grandchild_file, child_file);
  const char * const argv[] = { "/bin/sh", "-c", script, NULL };
  g_auto(CorralProcessResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  GPid child, grandchild;
  gint64 start, elapsed;

  start = g_get_monotonic_time ();
  g_assert_cmpint (corral_process_run (argv, NULL, NULL, 1, NULL, &result, &error),
                   ==, CORRAL_PROCESS_TIMED_OUT);
  elapsed = g_get_monotonic_time () - start;

  grandchild = read_pid (grandchild_file);
  child = read_pid (child_file);
  kill (grandchild, SIGKILL);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_test_message ("%s (after %.2f s)", error->message, elapsed / (double) G_USEC_PER_SEC);
  g_assert_nonnull (strstr (error->message, "did not finish within 1 s"));
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
  g_assert_null (result.out);
  g_assert_false (pid_alive (child));

  g_unlink (child_file);
  g_unlink (grandchild_file);
  g_rmdir (dir);
}

typedef struct
{
  const char          *pid_file;
  GCancellable        *cancellable;
  CorralProcessOutcome outcome;
  GError              *error;
} CancelJob;

static gpointer
run_in_thread (gpointer user_data)
{
  CancelJob *job = user_data;
  g_autofree char *script = g_strdup_printf ("echo $$ > %s; exec sleep 60", job->pid_file);
  const char * const argv[] = { "/bin/sh", "-c", script, NULL };
  g_auto(CorralProcessResult) result = { 0 };

  job->outcome = corral_process_run (argv, NULL, NULL, 60, job->cancellable, &result,
                                     &job->error);
  g_assert_null (result.out);
  return NULL;
}

/* Cancelled from another thread than the one running it (as the helper's D-Bus
 * service would): the call returns, the program is gone. */
static void
test_cancel (void)
{
  g_autofree char *dir = g_dir_make_tmp ("corral-process-XXXXXX", NULL);
  g_autofree char *pid_file = g_build_filename (dir, "child", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelJob job = { pid_file, cancellable, 0, NULL };
  GThread *thread;
  gint64 start;

  thread = g_thread_new ("run", run_in_thread, &job);
  start = g_get_monotonic_time ();
  while (!pid_written (pid_file))
    {
      g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
      g_usleep (G_USEC_PER_SEC / 50);
    }
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);

  g_assert_cmpint (job.outcome, ==, CORRAL_PROCESS_CANCELLED);
  g_assert_error (job.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_false (pid_alive (read_pid (pid_file)));
  g_clear_error (&job.error);

  /* Already cancelled: nothing is started. */
  g_unlink (pid_file);
  thread = g_thread_new ("run", run_in_thread, &job);
  g_thread_join (thread);
  g_assert_cmpint (job.outcome, ==, CORRAL_PROCESS_CANCELLED);
  g_assert_error (job.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (pid_file, G_FILE_TEST_EXISTS));
  g_clear_error (&job.error);

  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/helper/process/output-and-env", test_output_and_env);
  g_test_add_func ("/helper/process/stdin", test_stdin);
  g_test_add_func ("/helper/process/exit-status-and-signal", test_exit_status_and_signal);
  g_test_add_func ("/helper/process/spawn-failed", test_spawn_failed);
  g_test_add_func ("/helper/process/timeout", test_timeout);
  g_test_add_func ("/helper/process/cancel", test_cancel);

  return g_test_run ();
}
