/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "corral-test-gtk.h"

/* A mapped label below widget showing exactly text: something a user can read. */
GtkWidget *
corral_test_find_label (GtkWidget  *widget,
                        const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = corral_test_find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
corral_test_find_type (GtkWidget *widget,
                       GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = corral_test_find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A toplevel window of this type (a dialog or window the code under test opened), or NULL. */
GtkWindow *
corral_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

/* Saves what widget shows to $CORRAL_BUILD_DIR/tests/screenshots/name. */
void
corral_test_screenshot (GtkWidget  *widget,
                        const char *name)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("CORRAL_BUILD_DIR") ?: ".", "tests", "screenshots", NULL);
  g_autofree char *path = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int w = 0, h = 0;

  /* A paintable made before a window's first frame stays empty, and so does a snapshot at the size the
   * window had before its first allocation: both are taken afresh on each try (bounded). */
  for (guint tries = 0; node == NULL && tries < 100; tries++)
    {
      g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      corral_test_drain (tries == 0 ? 300 : 100);   /* let transitions finish */
      w = gtk_widget_get_width (widget);
      h = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* libadwaita's message and alert dialogs hold two headings in a "heading-bin" of their own: a large one
 * that does not wrap and a small one that does, and measure the large one at the dialog's width to choose.
 * GTK 4.10 and later warn about that measuring when the large one does not fit ("Trying to measure
 * GtkLabel … for width of 252, but it needs at least 279"): libadwaita's own layout, not Corral's. */
static gboolean
is_libadwaita_heading (GtkWidget *widget)
{
  GtkWidget *bin = gtk_widget_get_parent (widget);

  if (!GTK_IS_LABEL (widget) || bin == NULL || !gtk_widget_has_css_class (bin, "heading-bin")
      || g_strcmp0 (G_OBJECT_TYPE_NAME (bin), "AdwGizmo") != 0)
    return FALSE;
  /* by name: AdwMessageDialog is deprecated in libadwaita 1.6, AdwAlertDialog new in 1.5 */
  for (GtkWidget *w = bin; w != NULL; w = gtk_widget_get_parent (w))
    if (g_strcmp0 (G_OBJECT_TYPE_NAME (w), "AdwMessageDialog") == 0
        || g_strcmp0 (G_OBJECT_TYPE_NAME (w), "AdwAlertDialog") == 0)
      return TRUE;
  return FALSE;
}

/* GTK 4.10 and later warn "Trying to measure GtkLabel 0x… for width of N, but it needs at least M" for a
 * layout that gives a widget less than its minimum (GTK 4.8 says nothing). The warning names only the
 * pointer: say which widget it is, its text and where it sits, before the warning aborts the test. The one
 * libadwaita gives for its own dialog headings (above) is said and not fatal. */
static GLogWriterOutput
measure_warning_writer (GLogLevelFlags   level,
                        const GLogField *fields,
                        gsize            n_fields,
                        gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      const char *message = fields[i].value;
      const char *at;
      gpointer pointer = NULL;
      char type_name[64];

      if (g_strcmp0 (fields[i].key, "MESSAGE") != 0 || fields[i].length >= 0 || message == NULL)
        continue;
      at = strstr (message, "Trying to measure ");
      if (at == NULL || sscanf (at, "Trying to measure %63s %p", type_name, &pointer) != 2)
        continue;
      if (pointer != NULL && GTK_IS_WIDGET (pointer))
        {
          g_autoptr(GString) path = g_string_new (NULL);

          for (GtkWidget *w = pointer; w != NULL; w = gtk_widget_get_parent (w))
            {
              g_auto(GStrv) classes = gtk_widget_get_css_classes (w);
              g_autofree char *step = classes != NULL && classes[0] != NULL
                                      ? g_strdup_printf (" > %s.%s", G_OBJECT_TYPE_NAME (w), classes[0])
                                      : g_strdup_printf (" > %s", G_OBJECT_TYPE_NAME (w));

              g_string_prepend (path, step);
            }
          g_printerr ("corral-test: that widget is%s%s%s%s\n", path->str,
                      GTK_IS_LABEL (pointer) ? " with the text “" : "",
                      GTK_IS_LABEL (pointer) ? gtk_label_get_label (pointer) : "",
                      GTK_IS_LABEL (pointer) ? "”" : "");
          if (is_libadwaita_heading (pointer))
            {
              g_printerr ("corral-test: not fatal: libadwaita measures its own dialog heading so: %s\n", message);
              return G_LOG_WRITER_HANDLED;
            }
        }
    }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

__attribute__((constructor)) static void
install_measure_warning_writer (void)
{
  g_log_set_writer_func (measure_warning_writer, NULL, NULL);
}
