/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The argument rules corral-helper enforces (app/common), as a client sees
 * them: what passes, what is refused, and that the error is ours. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "corral-helper-error.h"
#include "corral-helper-validate.h"

static void
test_uuid (void)
{
  const char *good[] = { "6c3b0d7e-1f4a-4c59-9d2e-0a1b2c3d4e01", "6C3B0D7E-1F4A-4C59-9D2E-0A1B2C3D4E01" };
  const char *bad[] = { "", "6c3b0d7e-1f4a-4c59-9d2e-0a1b2c3d4e0", "6c3b0d7e-1f4a-4c59-9d2e-0a1b2c3d4e011",
                        "6c3b0d7e1f4a-4c59-9d2e-0a1b2c3d4e01-", "6c3b0d7e-1f4a-4c59-9d2e-0a1b2c3d4e0g",
                        "../../../../../../../../../etc/passwd", "-rf", "6c3b0d7e-1f4a-4c59-9d2e-0a1b2c3d4e01\n" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (corral_validate_uuid (good[i], NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (corral_validate_uuid (bad[i], &error));
      g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "UUID"));
    }
}

static void
test_protocol_and_port (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_validate_protocol ("tcp", NULL));
  g_assert_true (corral_validate_protocol ("udp", NULL));
  g_assert_false (corral_validate_protocol ("TCP", NULL));
  g_assert_false (corral_validate_protocol ("tcp ", NULL));
  g_assert_false (corral_validate_protocol ("", &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (corral_validate_port (1, "Host port", NULL));
  g_assert_true (corral_validate_port (65535, "Host port", NULL));
  g_assert_false (corral_validate_port (0, "Host port", &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "Host port must be a number from 1 to 65535");
  g_assert_false (corral_validate_port (65536, "Guest port", NULL));
}

static void
test_host_address (void)
{
  const char *good[] = { "", "10.232.0.1", "192.168.1.20", "1.2.3.4", "255.255.255.254" };
  const char *bad[] = { "127.0.0.1", "127.1.2.3", "0.0.0.0", "224.0.0.1", "255.255.255.255",
                        "010.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1.2.3.4 ", " 1.2.3.4",
                        "1.2.3.4/24", "::1", "fe80::1", "1.2.3.4;reboot", "0x7f.0.0.1", "1..2.3" };
  guint32 addr = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (corral_validate_host_address (good[i], NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      if (corral_validate_host_address (bad[i], &error))
        g_error ("host address “%s” accepted", bad[i]);
      g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
    }

  g_assert_true (corral_parse_ipv4 ("10.231.0.50", &addr));
  g_assert_cmphex (addr, ==, 0x0ae70032);
}

static void
test_dbus_error_names (void)
{
  g_autoptr(GError) error = g_error_new_literal (CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_AUTHORIZED, "no");
  g_autofree char *name = g_dbus_error_encode_gerror (error);
  g_autoptr(GError) back = g_dbus_error_new_for_dbus_error ("org.corralvm.Helper1.Error.CorruptState", "bad");

  g_assert_cmpstr (name, ==, "org.corralvm.Helper1.Error.NotAuthorized");
  g_assert_error (back, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_CORRUPT_STATE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/helper/validate/uuid", test_uuid);
  g_test_add_func ("/helper/validate/protocol-and-port", test_protocol_and_port);
  g_test_add_func ("/helper/validate/host-address", test_host_address);
  g_test_add_func ("/helper/validate/dbus-error-names", test_dbus_error_names);

  return g_test_run ();
}
