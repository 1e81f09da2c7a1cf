/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the forwards tests do to the dialog: find what a user sees, type, click, take screenshots. */
#include "config.h"

#include "forwards-test-util.h"



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
  corral_test_drain (50);
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
