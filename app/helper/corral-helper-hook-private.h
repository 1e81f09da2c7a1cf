/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The lower-case text of /domain/uuid in the domain XML libvirt gives a hook on stdin, or NULL. Not
 * validated: the caller checks it is a UUID. Exposed for the fuzzer (tests/fuzz). */
char *_corral_helper_hook_domain_uuid (const char *xml,
                                       gsize       length);

G_END_DECLS
