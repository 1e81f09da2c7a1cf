/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the forwards tests do to the dialog: find what a user sees, type, click, take screenshots. */
#include "config.h"

#include "forwards-test-util.h"

gboolean
forwards_test_timeout_cb (gpointer user_data)
{
  g_error ("Timed out waiting for: %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

void
drain (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* A mapped label below @widget whose text is @text (or contains it, when @partial). */
GtkWidget *
find_label (GtkWidget  *widget,
            const char *text,
            gboolean    partial)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      const char *label = gtk_label_get_label (GTK_LABEL (widget));

      if (partial ? strstr (label, text) != NULL : g_str_equal (label, text))
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text, partial);
      if (found != NULL)
        return found;
    }
  return NULL;
}


/* The mapped button below @widget bound to @action. */
GtkWidget *
find_action (GtkWidget  *widget,
             const char *action)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action (child, action);
      if (found != NULL)
        return found;
    }
  return NULL;
}

AdwPreferencesRow *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return ADW_PREFERENCES_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      AdwPreferencesRow *found = find_row (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

void
type_into (CorralForwardsDialog *dialog,
           const char           *field,
           const char           *text)
{
  AdwPreferencesRow *row = find_row (GTK_WIDGET (dialog), field);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  drain (50);
}

const char *
field_text (CorralForwardsDialog *dialog,
            const char           *field)
{
  AdwPreferencesRow *row = find_row (GTK_WIDGET (dialog), field);

  g_assert_nonnull (row);
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

void
click (CorralForwardsDialog *dialog,
       const char           *action)
{
  GtkWidget *button = find_action (GTK_WIDGET (dialog), action);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  /* What a click does (gtk_widget_activate would wait for the press animation first). */
  g_signal_emit_by_name (button, "clicked");
}

gboolean
can_click (CorralForwardsDialog *dialog,
           const char           *action)
{
  GtkWidget *button = find_action (GTK_WIDGET (dialog), action);

  return button != NULL && gtk_widget_is_sensitive (button);
}

void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("CORRAL_BUILD_DIR") ?: ".", "tests", "screenshots", NULL);
  g_autofree char *path = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int w, h;

  drain (300);
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  g_assert_cmpint (w, >, 0);
  /* Under load the widget may not have been drawn yet: its paintable is empty until then. */
  for (guint tries = 0; node == NULL && tries < 100; tries++)
    {
      g_autoptr(GtkSnapshot) snap = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, snap, w, h);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snap));
      if (node == NULL)
        {
          gtk_widget_queue_draw (widget);
          drain (50);
        }
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* Enter in the text field of the entry row titled @field. */
void
press_enter (CorralForwardsDialog *dialog,
             const char           *field)
{
  GtkWidget *row = GTK_WIDGET (find_row (GTK_WIDGET (dialog), field));
  GtkWidget *text = NULL;

  g_assert_nonnull (row);
  for (GtkWidget *w = gtk_widget_get_first_child (row); w != NULL && text == NULL; )
    {
      if (GTK_IS_TEXT (w))
        text = w;
      else if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != row && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w != row ? gtk_widget_get_next_sibling (w) : NULL;
        }
    }
  g_assert_nonnull (text);
  g_signal_emit_by_name (text, "activate");  /* what GtkText does on Enter */
}
