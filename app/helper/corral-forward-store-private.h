/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "corral-forward-store.h"

G_BEGIN_DECLS

/* The parsers behind corral_forward_store_load() and _load_active_guests(), on the file's contents
 * (@path names the file in messages). Exposed for the fuzzer (tests/fuzz) and unit tests. */
GPtrArray  *_corral_forward_store_parse               (const char  *data,
                                                       gsize        length,
                                                       const char  *path,
                                                       GError     **error);
GHashTable *_corral_forward_store_parse_active_guests (const char  *contents,
                                                       const char  *path,
                                                       GError     **error);

G_END_DECLS
