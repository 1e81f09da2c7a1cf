/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "corral-hook-state.h"

/* Debian's libvirtd writes the first; libvirtd -p (as tests/system/harness starts it) the second */
static const char * const libvirtd_pidfiles[] = {
  "/run/libvirtd.pid", "/run/libvirt/libvirtd.pid",
};

/* Seconds since the epoch at which process @pid started, or 0. */
static gint64
process_start_time (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *stat = NULL;
  g_autofree char *proc_stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *p, *btime;
  long ticks = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents (path, &stat, NULL, NULL) ||
      !g_file_get_contents ("/proc/stat", &proc_stat, NULL, NULL) ||
      (p = strrchr (stat, ')')) == NULL ||
      (btime = strstr (proc_stat, "\nbtime ")) == NULL || ticks <= 0)
    return 0;
  /* after "pid (comm) " come fields 3...; the start time is field 22 */
  fields = g_strsplit (p + 2, " ", 21);
  if (g_strv_length (fields) < 21)
    return 0;
  return g_ascii_strtoll (btime + 7, NULL, 10) + g_ascii_strtoull (fields[19], NULL, 10) / ticks;
}

/* The start time of the running libvirtd, or 0 when it cannot be told. */
static gint64
libvirtd_start_time (void)
{
  g_autofree char *pid = NULL;

  for (gsize i = 0; pid == NULL && i < G_N_ELEMENTS (libvirtd_pidfiles); i++)
    g_file_get_contents (libvirtd_pidfiles[i], &pid, NULL, NULL);
  if (pid == NULL)
    return 0;
  g_strstrip (pid);
  if (pid[0] == '\0' || strspn (pid, "0123456789") != strlen (pid))
    return 0;
  return process_start_time (pid);
}

gboolean
corral_hook_is_active (const char *hook_path)
{
  GStatBuf st;
  gint64 started, installed;

  g_return_val_if_fail (hook_path != NULL, FALSE);

  if (g_stat (hook_path, &st) != 0 || !S_ISREG (st.st_mode) || access (hook_path, X_OK) != 0)
    return FALSE;
  started = libvirtd_start_time ();
  installed = MAX (st.st_mtime, st.st_ctime);
  return started == 0 || installed <= started + 1;
}
