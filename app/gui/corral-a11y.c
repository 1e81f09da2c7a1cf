/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-a11y"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "corral-a11y.h"

/* What a screen reader gets for a button, made right on GTK 4.8.
 *
 * GTK 4.8's GtkButton sets its accessible label to the raw label text, mnemonic underscore included
 * ("_Console"), and also marks itself labelled by its label child, so AT-SPI reads "_Console Console"; an
 * icon-only button (and the button inside a GtkMenuButton) is labelled by its GtkImage, which has no name,
 * so it is read as "GtkImage" even when the .ui gave the button a label. This gives each button one name:
 * its label's text without the underscore, else the label the .ui set, else its tooltip; and drops the
 * relation to the child. It follows label, icon and tooltip changes. tests/gui/test-a11y.c checks it. */

static void fix_button (GtkWidget *button);

static void
button_changed_cb (GtkWidget  *button,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  fix_button (button);
}

static void
fix_button (GtkWidget *button)
{
  GtkWidget *child = gtk_widget_get_first_child (button);
  GtkWidget *menu_button = gtk_widget_get_parent (button);
  const char *name = NULL;
  gboolean had_label = FALSE;

  if (!g_object_get_data (G_OBJECT (button), "corral-a11y"))
    {
      g_object_set_data (G_OBJECT (button), "corral-a11y", GINT_TO_POINTER (1));
      g_signal_connect_after (button, "notify::label", G_CALLBACK (button_changed_cb), NULL);
      g_signal_connect_after (button, "notify::icon-name", G_CALLBACK (button_changed_cb), NULL);
      g_signal_connect_after (button, "notify::tooltip-text", G_CALLBACK (button_changed_cb), NULL);
      g_signal_connect_after (button, "notify::child", G_CALLBACK (button_changed_cb), NULL);
    }

  /* A GtkMenuButton's own toggle button: the menu button carries the name. */
  if (!GTK_IS_MENU_BUTTON (menu_button))
    menu_button = NULL;

  had_label = gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  if (GTK_IS_LABEL (child))
    name = gtk_label_get_text (GTK_LABEL (child));   /* without the mnemonic underscore */
  else if (GTK_IS_BUTTON (button) && gtk_button_get_label (GTK_BUTTON (button)) != NULL &&
           gtk_button_get_use_underline (GTK_BUTTON (button)))
    name = NULL;
  if ((name == NULL || *name == '\0') && !had_label)
    name = gtk_widget_get_tooltip_text (menu_button != NULL ? menu_button : button);
  /* Toolkit buttons with neither (libadwaita 1.2's tab close button, the shortcuts window's search) */
  if ((name == NULL || *name == '\0') && !had_label)
    {
      const char *icon = gtk_button_get_icon_name (GTK_BUTTON (button));

      if (icon == NULL && GTK_IS_IMAGE (child))
        icon = gtk_image_get_icon_name (GTK_IMAGE (child));
      if (g_strcmp0 (icon, "window-close-symbolic") == 0)
        name = _("Close");
      else if (g_strcmp0 (icon, "edit-find-symbolic") == 0 || g_strcmp0 (icon, "system-search-symbolic") == 0)
        name = _("Search");
      /* GtkSpinButton's own + and − */
      else if (g_strcmp0 (icon, "value-increase-symbolic") == 0 || g_strcmp0 (icon, "list-add-symbolic") == 0)
        name = _("Increase");
      else if (g_strcmp0 (icon, "value-decrease-symbolic") == 0 || g_strcmp0 (icon, "list-remove-symbolic") == 0)
        name = _("Decrease");
    }

  if (name != NULL && *name != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  if (name != NULL || had_label)
    gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static void fix_entry_row (GtkWidget *row);

static void
entry_row_title_cb (GtkWidget  *row,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  fix_entry_row (row);
}

static void
fix_entry_row (GtkWidget *row)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

  if (!g_object_get_data (G_OBJECT (row), "corral-a11y"))
    {
      g_object_set_data (G_OBJECT (row), "corral-a11y", GINT_TO_POINTER (1));
      g_signal_connect_after (row, "notify::title", G_CALLBACK (entry_row_title_cb), NULL);
    }
  if (title == NULL || *title == '\0')
    return;
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
}

void
corral_a11y_fix_names (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_BUTTON (root))
    fix_button (root);
  /* libadwaita 1.2's AdwEntryRow leaves its text unnamed: name it after the row's title (newer ones
   * label it by the title themselves; a name on top is read twice there, "Name Name"). The row itself
   * is labelled by its title label and, on GTK 4.18 with libadwaita 1.7, also by the second label that
   * shows the title while the row is empty (both are mnemonic labels of the row): AT-SPI reads the row as
   * "Name Name". The row gets its title as its one name instead, and follows title changes. */
  if (ADW_IS_ENTRY_ROW (root))
    fix_entry_row (root);
  if (ADW_IS_ENTRY_ROW (root))
    {
      GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (root));
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root));

      if (text != NULL && title != NULL && *title != '\0'
          && !gtk_test_accessible_has_relation (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        gtk_accessible_update_property (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
    }
  /* GTK 4.8's GtkExpander is a button without a name: AT-SPI reads its type, "GtkExpander" */
  if (GTK_IS_EXPANDER (root)
      && !gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      GtkWidget *label = gtk_expander_get_label_widget (GTK_EXPANDER (root));

      if (GTK_IS_LABEL (label) && *gtk_label_get_text (GTK_LABEL (label)) != '\0')
        gtk_accessible_update_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        gtk_label_get_text (GTK_LABEL (label)), -1);
    }
  if (GTK_IS_CHECK_BUTTON (root) || GTK_IS_SWITCH (root) || GTK_IS_SPIN_BUTTON (root))
    {
      gboolean has_label = gtk_test_accessible_has_property (GTK_ACCESSIBLE (root),
                                                             GTK_ACCESSIBLE_PROPERTY_LABEL);
      gboolean labelled_by = gtk_test_accessible_has_relation (GTK_ACCESSIBLE (root),
                                                               GTK_ACCESSIBLE_RELATION_LABELLED_BY);

      /* Named and also labelled by its row's title: GTK 4.8 reads both ("TPM 2.0 TPM 2.0") */
      if (has_label && labelled_by)
        gtk_accessible_reset_relation (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      /* A check button or switch with no name at all in a row's prefix or suffix (a choice among
       * rows, a setting's switch) is read as nothing: name it after its row. */
      else if (!has_label && !labelled_by && !GTK_IS_SPIN_BUTTON (root)
               && (GTK_IS_SWITCH (root)
                   || gtk_check_button_get_label (GTK_CHECK_BUTTON (root)) == NULL))
        {
          GtkWidget *row = gtk_widget_get_ancestor (root, ADW_TYPE_PREFERENCES_ROW);
          const char *title = row != NULL
                              ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) : NULL;

          if (title != NULL && *title != '\0')
            gtk_accessible_update_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                            title, -1);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    corral_a11y_fix_names (child);
}
