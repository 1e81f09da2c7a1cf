/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-application.h"

/* Without a GPU render node, GL is Mesa's software rasterizer: slower than GTK's cairo renderer for
 * Corral's full-screen console updates and about 50 MiB larger (measured with tests/bench/console). Use
 * cairo there, unless the user chose a renderer. */
static void
choose_renderer (void)
{
  g_autoptr(GDir) dri = NULL;
  const char *name;

  if (g_getenv ("GSK_RENDERER") != NULL || g_getenv ("GDK_DEBUG") != NULL || g_getenv ("GDK_DISABLE") != NULL)
    return;
  dri = g_dir_open ("/dev/dri", 0, NULL);
  while (dri != NULL && (name = g_dir_read_name (dri)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return;
  /* GTK 4.16 moved "no GL" from GDK_DEBUG=gl-disable to GDK_DISABLE=gl (the old one is then
   * "Unrecognized" and does nothing), and made Vulkan its default renderer: without a GPU that is
   * lavapipe, a software rasterizer too, so it goes as well. */
  if (gtk_get_major_version () == 4 && gtk_get_minor_version () < 16)
    g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  else
    g_setenv ("GDK_DISABLE", "gl,vulkan", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CorralApplication) app = NULL;

  choose_renderer ();

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* libvirt-gobject's event loop on GLib's main context: domain events, keepalive, close callbacks. */
  gvir_init_object (NULL, NULL);

  app = corral_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
