/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* libvirt hook mode: `corral-helper --hook qemu GUEST OPERATION SUB-OPERATION
 * EXTRA` with the domain XML on stdin, or `--hook network NETWORK OPERATION
 * ...` with the network XML on stdin. Applies or removes forwards from the
 * state file alone: it never calls libvirt (libvirt waits for its hooks), and
 * always returns 0, so it never keeps a guest from starting. */
int corral_helper_hook_run (const char *kind,
                            int         argc,
                            char      **argv);

/* `corral-helper --apply`: re-applies the rules of the active forwards. */
int corral_helper_apply_run (void);

G_END_DECLS
