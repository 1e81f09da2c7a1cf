/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <sys/stat.h>
#include <string.h>

#include <glib.h>

#include "corral-helper-hook.h"
#include "corral-helper-service.h"

/* corral-helper                      the D-Bus service (activated by D-Bus)
 * corral-helper --hook qemu|network  libvirt hook mode (see the hook scripts)
 * corral-helper --apply              re-apply the rules of the active forwards
 *
 * Environment, for tests only: CORRAL_HELPER_LIBVIRT_URI (libvirt URI, default
 * qemu:///system), CORRAL_HELPER_STATE_DIR (default /var/lib/corral),
 * CORRAL_HELPER_RUNTIME_DIR (default /run/corral), CORRAL_HELPER_IDLE_TIMEOUT
 * (seconds before an idle service exits, default 60, 0 = never),
 * CORRAL_HELPER_COMMAND_TIMEOUT (seconds before a hung iptables, nft or
 * other command is stopped, default 30). */
int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  umask (022);

  if (argc >= 3 && strcmp (argv[1], "--hook") == 0)
    return corral_helper_hook_run (argv[2], argc - 3, argv + 3);
  if (argc == 2 && strcmp (argv[1], "--apply") == 0)
    return corral_helper_apply_run ();
  if (argc == 2 && strcmp (argv[1], "--version") == 0)
    {
      g_print ("corral-helper %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (argc != 1)
    {
      g_printerr ("Usage: corral-helper [--hook qemu|network ARGS… | --apply | --version]\n");
      return 2;
    }

  return corral_helper_service_run ();
}
