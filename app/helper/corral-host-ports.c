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

/* Calls @found for each socket in @path (a /proc/net table) on @port (0: any) that listens (tcp)
 * or is bound (udp) where a forward from @host_address would take its traffic away. Stops when
 * @found returns FALSE; returns FALSE then. */
typedef gboolean (*PortFunc) (guint    port,
                              guint64  inode,
                              gpointer user_data);

static gboolean
scan_table (const char *path,
            gboolean    ipv6,
            gboolean    tcp,
            const char *host_address,
            guint       port,
            PortFunc    found,
            gpointer    user_data)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return TRUE;

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

      if ((port != 0 && local_port != port) || (tcp && state != TCP_LISTEN))
        continue;

      if (address_overlaps (local, ipv6, host_address) && !found (local_port, inode, user_data))
        return FALSE;
    }

  return TRUE;
}

/* Both tables of @protocol (IPv4 and IPv6). */
static gboolean
scan_tables (const char *protocol,
             const char *host_address,
             guint       port,
             PortFunc    found,
             gpointer    user_data)
{
  gboolean tcp = g_str_equal (protocol, "tcp");
  g_autofree char *v4 = g_strdup_printf ("/proc/net/%s", protocol);
  g_autofree char *v6 = g_strdup_printf ("/proc/net/%s6", protocol);

  return scan_table (v4, FALSE, tcp, host_address, port, found, user_data) &&
         scan_table (v6, TRUE, tcp, host_address, port, found, user_data);
}

static gboolean
first_inode (guint    port,
             guint64  inode,
             gpointer user_data)
{
  *(guint64 *) user_data = inode;
  return FALSE;
}

gboolean
corral_host_port_check_free (const char  *protocol,
                             const char  *host_address,
                             guint        port,
                             GError     **error)
{
  guint64 inode = 0;

  if (!scan_tables (protocol, host_address, port, first_inode, &inode))
    {
      g_autofree char *owner = socket_owner (inode);

      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_CONFLICT,
                   "Host port %u/%s is already in use by %s on this host",
                   port, protocol, owner != NULL ? owner : "a process");
      return FALSE;
    }

  return TRUE;
}

static gboolean
add_port (guint    port,
          guint64  inode,
          gpointer user_data)
{
  if (port != 0)
    g_hash_table_add (user_data, GUINT_TO_POINTER (port));
  return TRUE;
}

static gint
compare_ports (gconstpointer a,
               gconstpointer b)
{
  guint16 x = *(const guint16 *) a;
  guint16 y = *(const guint16 *) b;

  return (x > y) - (x < y);
}

GArray *
corral_host_ports_list_taken (const char *protocol,
                              const char *host_address)
{
  g_autoptr(GHashTable) ports = g_hash_table_new (NULL, NULL);
  GArray *result = g_array_new (FALSE, FALSE, sizeof (guint16));
  GHashTableIter iter;
  gpointer key;

  scan_tables (protocol, host_address, 0, add_port, ports);
  g_hash_table_iter_init (&iter, ports);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint16 port = GPOINTER_TO_UINT (key);

      g_array_append_val (result, port);
    }
  g_array_sort (result, compare_ports);
  return result;
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
