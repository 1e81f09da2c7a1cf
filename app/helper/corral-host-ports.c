/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper"

#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "corral-helper-error.h"
#include "corral-helper-validate.h"
#include "corral-host-ports.h"

#define TCP_LISTEN 0x0A

/* The process holding socket @inode, as "name (pid N)", or NULL. */
static char *
socket_owner (guint64 inode)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *target = g_strdup_printf ("socket:[%" G_GUINT64_FORMAT "]", inode);
  const char *pid;

  if (proc == NULL)
    return NULL;

  while ((pid = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *fd_path = NULL;
      g_autoptr(GDir) fds = NULL;
      const char *fd;

      if (!g_ascii_isdigit (pid[0]))
        continue;

      fd_path = g_build_filename ("/proc", pid, "fd", NULL);
      fds = g_dir_open (fd_path, 0, NULL);
      if (fds == NULL)
        continue;

      while ((fd = g_dir_read_name (fds)) != NULL)
        {
          g_autofree char *link = g_build_filename (fd_path, fd, NULL);
          g_autofree char *dest = g_file_read_link (link, NULL);

          if (dest != NULL && g_str_equal (dest, target))
            {
              g_autofree char *comm_path = g_build_filename ("/proc", pid, "comm", NULL);
              g_autofree char *comm = NULL;

              if (g_file_get_contents (comm_path, &comm, NULL, NULL))
                g_strstrip (comm);
              return g_strdup_printf ("%s (pid %s)", comm != NULL ? comm : "?", pid);
            }
        }
    }

  return NULL;
}

/* Does a socket bound to @local (hex from /proc/net) take traffic for
 * @host_address? */
static gboolean
address_overlaps (const char *local,
                  gboolean    ipv6,
                  const char *host_address)
{
  guint32 want = 0;
  guint32 have;

  if (host_address[0] == '\0')
    return TRUE;
  corral_parse_ipv4 (host_address, &want);

  if (!ipv6)
    {
      guint32 raw = (guint32) g_ascii_strtoull (local, NULL, 16);

      have = GUINT32_FROM_BE (raw);
      return have == 0 || have == want;
    }

  /* IPv6: the wildcard (dual stack) and v4-mapped addresses take IPv4. */
  if (g_str_equal (local, "00000000000000000000000000000000"))
    return TRUE;
  if (g_str_has_prefix (local, "0000000000000000FFFF0000"))
    {
      guint32 raw = (guint32) g_ascii_strtoull (local + 24, NULL, 16);

      have = GUINT32_FROM_BE (raw);
      return have == want;
    }
  return FALSE;
}

static gboolean
scan_table (const char  *path,
            gboolean     ipv6,
            gboolean     tcp,
            const char  *host_address,
            guint        port,
            guint64     *out_inode)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  for (gsize i = 1; lines[i] != NULL; i++)
    {
      char local[64];
      guint local_port, state;
      guint64 inode;

      /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
      if (sscanf (lines[i], " %*s %63[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*s %*s %" G_GUINT64_FORMAT,
                  local, &local_port, &state, &inode) != 4)
        continue;

      if (local_port != port || (tcp && state != TCP_LISTEN))
        continue;

      if (address_overlaps (local, ipv6, host_address))
        {
          *out_inode = inode;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
corral_host_port_check_free (const char  *protocol,
                             const char  *host_address,
                             guint        port,
                             GError     **error)
{
  gboolean tcp = g_str_equal (protocol, "tcp");
  g_autofree char *v4 = g_strdup_printf ("/proc/net/%s", protocol);
  g_autofree char *v6 = g_strdup_printf ("/proc/net/%s6", protocol);
  guint64 inode = 0;

  if (scan_table (v4, FALSE, tcp, host_address, port, &inode) ||
      scan_table (v6, TRUE, tcp, host_address, port, &inode))
    {
      g_autofree char *owner = socket_owner (inode);

      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_CONFLICT,
                   "Host port %u/%s is already in use by %s on this host",
                   port, protocol, owner != NULL ? owner : "a process");
      return FALSE;
    }

  return TRUE;
}

gboolean
corral_host_address_check_local (const char  *host_address,
                                 GError     **error)
{
  struct ifaddrs *addrs = NULL;
  guint32 want;
  gboolean found = FALSE;

  if (host_address[0] == '\0')
    return TRUE;
  if (!corral_parse_ipv4 (host_address, &want) || getifaddrs (&addrs) != 0)
    want = 0;

  for (struct ifaddrs *a = addrs; a != NULL && !found; a = a->ifa_next)
    if (a->ifa_addr != NULL && a->ifa_addr->sa_family == AF_INET &&
        ntohl (((struct sockaddr_in *) a->ifa_addr)->sin_addr.s_addr) == want)
      found = TRUE;

  if (addrs != NULL)
    freeifaddrs (addrs);

  if (!found)
    g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                 "Host address %s is not an address of this host", host_address);
  return found;
}
