/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* libvirtd finds its hook scripts only when it starts: a hook installed after libvirtd started is
 * not run until libvirtd restarts. TRUE when @hook_path is an executable file and libvirtd (found
 * by its pid file) did not start before it was installed, or libvirtd's start cannot be told. */
gboolean corral_hook_is_active (const char *hook_path);

G_END_DECLS
