/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Argument rules shared by corral-helper (which enforces them: it trusts no
 * caller) and its clients (which can check early and say why). Each returns
 * FALSE with a CORRAL_HELPER_ERROR_INVALID_ARGUMENT error that names the
 * argument. */
gboolean corral_validate_uuid         (const char  *uuid,
                                       GError     **error);
gboolean corral_validate_protocol     (const char  *protocol,
                                       GError     **error);
gboolean corral_validate_port         (guint        port,
                                       const char  *what,
                                       GError     **error);
/* @text as typed: 1 to 65535, digits only ("" asks for a port). */
gboolean corral_parse_port            (const char  *text,
                                       const char  *what,
                                       guint       *port,
                                       GError     **error);
gboolean corral_validate_host_address (const char  *address,
                                       GError     **error);
gboolean corral_parse_ipv4            (const char  *address,
                                       guint32     *out_host_order);

G_END_DECLS
