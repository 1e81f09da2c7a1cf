/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs @argv (never through a shell) with LC_ALL=C, feeds it @input if not
 * NULL, and returns its standard output. A non-zero exit is an error that
 * quotes the program's standard error.
 *
 * @argv[0] is looked up in PATH plus the sbin directories, which the program
 * gets as its PATH too. It is stopped after CORRAL_HELPER_COMMAND_TIMEOUT
 * seconds (default 30). Any thread, main loop or none: see corral-process.h. */
gboolean corral_spawn (const char * const  *argv,
                       const char          *input,
                       char               **out_stdout,
                       GError             **error);

/* Where corral_spawn() would find @name (newly allocated), or NULL when it is
 * not installed. */
char    *corral_spawn_find_program (const char *name);

G_END_DECLS
