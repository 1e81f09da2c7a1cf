/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the wizard's real-daemon tests share: running a command for its output, and a guest's serial
 * console read as libvirt gives it (virDomainOpenConsole). */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <libvirt/virterror.h>

#include "real-guest-util.h"

#define TIMEOUT_S 240

#include "corral-test-util.h"

char *
spawn_output (const char * const *argv,
              int                *exit_status)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  if (exit_status != NULL)
    *exit_status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  else
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

void
async_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}


static void
console_event_cb (virStreamPtr stream,
                  int          events,
                  void        *opaque)
{
  Console *console = opaque;
  char buf[4096];

  for (;;)
    {
      int n = virStreamRecv (stream, buf, sizeof buf);

      if (n > 0)
        g_string_append_len (console->text, buf, n);
      else if (n == -2)
        return;
      else
        {
          /* 0: the guest's run is over; -1: the stream broke */
          console->ended = TRUE;
          virStreamEventRemoveCallback (stream);
          if (n == 0)
            virStreamFinish (stream);
          else
            virStreamAbort (stream);
          virResetLastError ();
          return;
        }
    }
}

Console *
console_open (virConnectPtr  conn,
              const char    *name)
{
  Console *console = g_new0 (Console, 1);
  virDomainPtr dom = virDomainLookupByName (conn, name);

  g_assert_nonnull (dom);
  console->text = g_string_new (NULL);
  console->stream = virStreamNew (conn, VIR_STREAM_NONBLOCK);
  g_assert_nonnull (console->stream);
  g_assert_cmpint (virDomainOpenConsole (dom, NULL, console->stream, VIR_DOMAIN_CONSOLE_FORCE), ==,
                   0);
  g_assert_cmpint (virStreamEventAddCallback (console->stream,
                                              VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR
                                              | VIR_STREAM_EVENT_HANGUP,
                                              console_event_cb, console, NULL), ==, 0);
  virDomainFree (dom);
  return console;
}

gboolean
console_has (Console    *console,
             const char *text)
{
  return strstr (console->text->str, text) != NULL;
}

void
console_free (Console *console)
{
  if (!console->ended)
    {
      virStreamEventRemoveCallback (console->stream);
      virStreamAbort (console->stream);
      virResetLastError ();
    }
  virStreamFree (console->stream);
  g_string_free (console->text, TRUE);
  g_free (console);
}

void
console_send (Console    *console,
              const char *text)
{
  gsize len = strlen (text);
  gsize done = 0;
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (done < len)
    {
      int n = virStreamSend (console->stream, text + done, len - done);

      if (n == -2)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, end);
          g_usleep (10000);
          continue;
        }
      g_assert_cmpint (n, >, 0);
      done += n;
    }
}

char *
console_shell (Console    *console,
               const char *command)
{
  static guint serial;
  guint n = ++serial;
  g_autofree char *line = g_strdup_printf ("%s; echo \"R$((%u))=$(dd if=/dev/vda bs=2 count=1 2>/dev/null)E\"\n",
                                           command, n);
  g_autofree char *want = g_strdup_printf ("R%u=", n);
  const char *p;

  console_send (console, line);
  WAIT_FOR ((p = strstr (console->text->str, want)) != NULL && strchr (p, 'E') != NULL);
  return g_strndup (p + strlen (want), strchr (p, 'E') - (p + strlen (want)));
}
