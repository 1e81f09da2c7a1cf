/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Owns org.corralvm.Helper1 on the system bus and serves it until idle for
 * CORRAL_HELPER_IDLE_TIMEOUT seconds (default 60; 0 never exits). Returns the
 * process exit status. */
int corral_helper_service_run (void);

G_END_DECLS
