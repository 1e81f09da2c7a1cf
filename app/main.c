/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CorralApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* libvirt-gobject's event loop on GLib's main context: domain events, keepalive, close callbacks. */
  gvir_init_object (NULL, NULL);

  app = corral_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
