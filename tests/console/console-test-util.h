/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the console tests share: Xvnc on loopback showing xpattern, helpers that die with the test, what a
 * CorralVncDisplay signalled, and the server's own screen (xwd -root) to compare the widget with. */
#pragma once

#include <gio/gio.h>
#include <gtk/gtk.h>

#include "corral-vnc-display.h"

G_BEGIN_DECLS

/* ---- processes -------------------------------------------------------------------------------- */

void         console_test_die_with_parent (gpointer           user_data);
void         console_test_stop_process    (GSubprocess      **proc);
gboolean     console_test_init_display    (void);
char        *console_test_find_xvnc       (void);
int          console_test_free_tcp_port   (void);

/* Called with each line a helper prints, before it goes into the lines array. */
typedef void (*ConsoleTestLineFunc) (const char *line,
                                     gpointer    user_data);

void         console_test_read_lines      (GDataInputStream   *stream,
                                           GPtrArray          *lines,
                                           GCancellable       *cancellable,
                                           const char         *name,
                                           ConsoleTestLineFunc func,
                                           gpointer            user_data);
gboolean     console_test_has_line        (GPtrArray          *lines,
                                           const char         *prefix);

typedef struct
{
  int                 width;       /* the screen */
  int                 height;
  int                 port;        /* -rfbport: the TCP port it listens on, -1 for none */
  const char         *security;    /* -SecurityTypes */
  int                 log_level;   /* -Log *:stderr:LEVEL */
  const char         *log_path;    /* where its stderr goes */
  const char * const *args;        /* anything more, NULL-terminated; or NULL */
} ConsoleTestXvncOptions;

int          console_test_start_xvnc      (const char                   *xvnc,
                                           const ConsoleTestXvncOptions *opts,
                                           GSubprocess                 **proc);
GSubprocess *console_test_start_xpattern  (int                display,
                                           const char        *clipboard,
                                           GPtrArray         *lines,
                                           GCancellable      *cancellable);

/* ---- the widget ------------------------------------------------------------------------------- */

/* What a CorralVncDisplay has signalled (console_test_display_window() connects it). */
typedef struct
{
  gboolean  initialized;
  gboolean  disconnected;
  char     *error;          /* the last "error" signal's message */
  guint64   updates;        /* "framebuffer-updated" signals */
  gint64    last_update;    /* ... the last one's monotonic time */
  guint8   *covered;        /* per pixel of the guest's screen: updated since the connection came up */
  int       covered_w;
  int       covered_h;
  guint64   uncovered;      /* pixels not updated yet */
} ConsoleTestSignals;

GtkWidget   *console_test_display_window  (CorralVncScaling    scaling,
                                           int                 width,
                                           int                 height,
                                           ConsoleTestSignals *seen,
                                           CorralVncDisplay  **vnc);
void         console_test_destroy_window  (GtkWidget          *window,
                                           CorralVncDisplay  **vnc);
gboolean     console_test_is_settled      (const ConsoleTestSignals *seen);
void         console_test_signals_clear   (ConsoleTestSignals *seen);

/* ---- the server's screen ---------------------------------------------------------------------- */

guint32     *console_test_server_screen   (int                 display,
                                           int                *width,
                                           int                *height,
                                           GError            **error);
guint64      console_test_count_differences (const guint32    *shown,
                                             const guint32    *server,
                                             gsize             n,
                                             gboolean          opaque,
                                             gsize            *first);

G_END_DECLS
