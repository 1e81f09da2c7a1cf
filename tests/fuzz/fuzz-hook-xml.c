/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the hook's reading of the domain XML libvirt writes to its stdin. */
#include "config.h"

#include <string.h>

#include "corral-helper-hook-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *uuid = _corral_helper_hook_domain_uuid ((const char *) data, size);

  /* lower-cased and stripped text of the document itself: never longer than the input */
  g_assert (uuid == NULL || strlen (uuid) <= size);
  return 0;
}
