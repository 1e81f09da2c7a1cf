/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/* Runs @argv and returns its standard output; with @exit_status NULL it must succeed. */
char     *spawn_output  (const char * const *argv,
                         int                *exit_status);
/* Stores a ref on @result into *(GAsyncResult **) @user_data. */
void      async_cb      (GObject            *object,
                         GAsyncResult       *result,
                         gpointer            user_data);
double    seconds_since (gint64              start);

/* A guest's serial console, read as libvirt gives it (virDomainOpenConsole), into @text. */
typedef struct
{
  virStreamPtr  stream;
  GString      *text;
  gboolean      ended;
} Console;

Console  *console_open  (virConnectPtr       conn,
                         const char         *name);
gboolean  console_has   (Console            *console,
                         const char         *text);
void      console_free  (Console            *console);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Console, console_free)

/* Types @text into the guest's serial console (virStreamSend), all of it. */
void      console_send  (Console            *console,
                         const char         *text);
/* Runs @command in the test guest's root shell on that console and waits (up to 240 s) for its end;
 * returns the first two bytes of the guest's /dev/vda after it (where the tests write their markers). */
char     *console_shell (Console            *console,
                         const char         *command);

G_END_DECLS
