/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the argument checks corral-helper applies to whatever a caller sends over the bus
 * (app/common/corral-helper-validate.c) and the LVM name checks (app/helper/lvm). The input is split at
 * its first two newlines into three strings; every check gets each of them. */
#include "config.h"

#include <string.h>

#include "corral-helper-validate.h"
#include "corral-lvm.h"
#include "corral-lvm-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_one (const char *text,
           const char *other)
{
  g_autoptr(GError) error = NULL;
  guint port = 0;
  guint32 address = 0;

  corral_validate_uuid (text, NULL);
  corral_validate_protocol (text, NULL);
  corral_validate_host_address (text, NULL);
  if (corral_parse_port (text, "Host port", &port, &error))
    g_assert (port >= 1 && port <= 65535);
  else
    g_assert (error != NULL && error->message != NULL);
  g_clear_error (&error);
  if (corral_parse_ipv4 (text, &address))
    g_assert (strlen (text) >= 7);
  corral_lvm_validate_name (text, "Volume name", NULL);
  _corral_lvm_check_name (text, "Volume name", TRUE, NULL);
  _corral_lvm_check_full_name (text, other, NULL);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);   /* stops at a NUL, as D-Bus strings do */
  g_auto(GStrv) parts = g_strsplit (text, "\n", 3);
  guint n = g_strv_length (parts);

  for (guint i = 0; i < n; i++)
    check_one (parts[i], parts[(i + 1) % n]);
  if (n == 0)
    check_one ("", "");
  corral_validate_port (size, "Guest port", NULL);
  return 0;
}
