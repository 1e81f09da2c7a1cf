/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Fails with CONFLICT, naming the process when it can, if a host process
 * listens on (tcp) or is bound to (udp) @port where a forward from
 * @host_address ("" for every address) would take its traffic away. */
gboolean corral_host_port_check_free (const char  *protocol,
                                      const char  *host_address,
                                      guint        port,
                                      GError     **error);

/* The ports (guint16, ascending) on which corral_host_port_check_free() would fail: every port
 * a host process listens on (tcp) or is bound to (udp) where a forward from @host_address would
 * take its traffic. */
GArray  *corral_host_ports_list_taken (const char  *protocol,
                                       const char  *host_address);

/* Fails with INVALID_ARGUMENT unless @host_address is "" or an IPv4
 * address assigned to one of this host's interfaces. */
gboolean corral_host_address_check_local (const char  *host_address,
                                          GError     **error);

G_END_DECLS
