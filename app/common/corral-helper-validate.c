/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "corral-helper-error.h"
#include "corral-helper-validate.h"

/* Quotes a caller's string for an error message without letting it run on or
 * carry control characters. */
static char *
quote_arg (const char *arg)
{
  g_autofree char *cut = g_utf8_make_valid (arg, MIN (strlen (arg), 64));
  g_autofree char *escaped = g_strescape (cut, NULL);

  return g_strdup_printf ("“%s”%s", escaped, strlen (arg) > 64 ? "…" : "");
}

gboolean
corral_validate_uuid (const char  *uuid,
                      GError     **error)
{
  gsize i;

  g_return_val_if_fail (uuid != NULL, FALSE);

  for (i = 0; uuid[i] != '\0' && i < 36; i++)
    {
      gboolean dash = (i == 8 || i == 13 || i == 18 || i == 23);

      if (dash ? uuid[i] != '-' : !g_ascii_isxdigit (uuid[i]))
        break;
    }

  if (i != 36 || uuid[36] != '\0')
    {
      g_autofree char *q = quote_arg (uuid);

      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "Guest UUID %s is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", q);
      return FALSE;
    }

  return TRUE;
}

gboolean
corral_validate_protocol (const char  *protocol,
                          GError     **error)
{
  g_return_val_if_fail (protocol != NULL, FALSE);

  if (g_strcmp0 (protocol, "tcp") != 0 && g_strcmp0 (protocol, "udp") != 0)
    {
      g_autofree char *q = quote_arg (protocol);

      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "Protocol %s is neither “tcp” nor “udp”", q);
      return FALSE;
    }

  return TRUE;
}

gboolean
corral_validate_port (guint        port,
                      const char  *what,
                      GError     **error)
{
  if (port < 1 || port > 65535)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   _("%s must be a number from 1 to 65535"), what);
      return FALSE;
    }

  return TRUE;
}

gboolean
corral_parse_port (const char  *text,
                   const char  *what,
                   guint       *port,
                   GError     **error)
{
  guint64 value = 0;

  g_return_val_if_fail (what != NULL, FALSE);

  if (text == NULL || text[0] == '\0')
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   _("%s: enter a port number"), what);
      return FALSE;
    }
  /* digits only: no sign, space or hex; more than five digits is out of range anyway */
  if (strspn (text, "0123456789") != strlen (text) || strlen (text) > 5)
    return corral_validate_port (0, what, error);
  value = g_ascii_strtoull (text, NULL, 10);
  if (!corral_validate_port (value, what, error))
    return FALSE;
  if (port != NULL)
    *port = value;
  return TRUE;
}

/* Strict dotted quad: four decimal numbers 0-255, no leading zeros (which
 * some parsers read as octal), nothing else. */
gboolean
corral_parse_ipv4 (const char *address,
                   guint32    *out_host_order)
{
  const char *p = address;
  guint32 value = 0;

  for (int part = 0; part < 4; part++)
    {
      guint n = 0;
      int digits = 0;

      if (part > 0 && *p++ != '.')
        return FALSE;

      while (g_ascii_isdigit (*p) && digits < 4)
        {
          n = n * 10 + (guint) (*p - '0');
          digits++;
          p++;
        }

      if (digits == 0 || digits > 3 || n > 255 || (digits > 1 && p[-digits] == '0'))
        return FALSE;

      value = (value << 8) | n;
    }

  if (*p != '\0')
    return FALSE;

  if (out_host_order != NULL)
    *out_host_order = value;
  return TRUE;
}

gboolean
corral_validate_host_address (const char  *address,
                              GError     **error)
{
  guint32 addr;

  g_return_val_if_fail (address != NULL, FALSE);

  if (address[0] == '\0')
    return TRUE;

  if (!corral_parse_ipv4 (address, &addr))
    {
      g_autofree char *q = quote_arg (address);

      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "Host address %s is not an IPv4 address (or “” for all)", q);
      return FALSE;
    }

  /* Loopback would need route_localnet and a MASQUERADE, which lets guests
   * reach the host's loopback services: refused. So are the unspecified,
   * multicast and broadcast addresses, which are no host's address. */
  if ((addr >> 24) == 127 || addr == 0 || (addr >> 28) == 0xe || addr == 0xffffffff)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "Host address %s cannot be forwarded from (loopback, unspecified, "
                   "multicast and broadcast addresses are refused)", address);
      return FALSE;
    }

  return TRUE;
}
