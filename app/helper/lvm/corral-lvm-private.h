/* SPDX-License-Identifier: GPL-3.0-or-later */
/* corral-lvm-private.h: internals of corral-lvm, exposed for its unit tests */

#pragma once

#include "corral-lvm.h"

G_BEGIN_DECLS

/* Longest name LVM accepts (NAME_LEN 128, counting the terminating NUL). */
#define CORRAL_LVM_NAME_MAX 127

/* LVM refuses an LV whose "VG/LV" does not leave room for its internal suffixes:
 * lvcreate in lvm2 2.03.16 accepts strlen (vg) + strlen (lv) up to 124 and fails with
 * "Internal error: LV name ... length N is not supported" above (measured). */
#define CORRAL_LVM_VG_LV_MAX 124

/* Parses the JSON that an lvm2 report command (`vgs`, `lvs` with --reportformat json)
 * prints and returns the rows of its @section ("vg", "lv"): a GPtrArray of GHashTable,
 * each mapping a field name to its value as a string.  Fails with
 * CORRAL_HELPER_ERROR_FAILED on anything that is not such a report. */
GPtrArray *_corral_lvm_parse_report      (const char  *json,
                                          gsize        length,
                                          const char  *section,
                                          GError     **error);

/* The errors LVM wrote, for a message: stderr's lines without LVM's warnings and
 * hints, joined with "; " (NULL when there are none). */
char      *_corral_lvm_summarize_stderr  (const char  *err);

/* Name checks.  @is_lv adds the logical-volume-only reserved names. */
gboolean   _corral_lvm_check_name        (const char  *name,
                                          const char  *what,
                                          gboolean     is_lv,
                                          GError     **error);

/* Checks that @vg/@name is not too long for LVM and device-mapper together. */
gboolean   _corral_lvm_check_full_name   (const char  *vg,
                                          const char  *name,
                                          GError     **error);

/* Checks a size for corral_lvm_create_volume() and rounds it up to @extent_size
 * into @rounded. */
gboolean   _corral_lvm_round_size        (guint64      size_bytes,
                                          guint64      extent_size,
                                          guint64     *rounded,
                                          GError     **error);

/* For tests: how long one LVM command may run before it is killed (default 120 s). */
void       _corral_lvm_set_timeout       (guint        seconds);

G_END_DECLS
