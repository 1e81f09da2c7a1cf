/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wizard-test-util.h"

GtkWidget *
child (CorralNewGuestWindow *wizard,
       const char           *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (wizard),
                                                   CORRAL_TYPE_NEW_GUEST_WINDOW, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

const char *
row_title (CorralNewGuestWindow *wizard,
           const char           *name)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child (wizard, name)));
}

const char *
row_subtitle (CorralNewGuestWindow *wizard,
              const char           *name)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (child (wizard, name)));
}

int
spin_value (CorralNewGuestWindow *wizard,
            const char           *name)
{
  return gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (child (wizard, name)));
}

const char *
combo_text (CorralNewGuestWindow *wizard,
            const char           *name)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (child (wizard, name)));

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

const char *
error_text (CorralNewGuestWindow *wizard)
{
  if (!gtk_revealer_get_reveal_child (GTK_REVEALER (child (wizard, "error_revealer"))))
    return NULL;
  return gtk_label_get_label (GTK_LABEL (child (wizard, "error_label")));
}

gboolean
next_enabled (CorralNewGuestWindow *wizard)
{
  return gtk_widget_is_sensitive (child (wizard, "next_button"));
}

void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_get_mapped (button));
  g_signal_emit_by_name (button, "clicked");
}

CorralNewGuestWindow *
find_wizard (void)
{
  return CORRAL_NEW_GUEST_WINDOW (corral_test_find_toplevel (CORRAL_TYPE_NEW_GUEST_WINDOW));
}

/* The wizard as a user opens it: the window's "New guest" action; returned once what the host offers has
 * arrived. */
CorralNewGuestWindow *
open_wizard (GtkWidget *window)
{
  CorralNewGuestWindow *wizard;

  g_assert_true (gtk_widget_activate_action (window, "win.new-guest", NULL));
  WAIT_FOR ((wizard = find_wizard ()) != NULL);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (wizard)));
  WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (
              gtk_widget_get_template_child (GTK_WIDGET (wizard), CORRAL_TYPE_NEW_GUEST_WINDOW,
                                             "network_model"))) > 0);
  return wizard;
}

/* Destroys the wizard and waits until it is gone. */
void
close_wizard (CorralNewGuestWindow *wizard)
{
  g_object_add_weak_pointer (G_OBJECT (wizard), (gpointer *) &wizard);
  gtk_window_destroy (GTK_WINDOW (wizard));
  WAIT_FOR (wizard == NULL);
}

/* a page's screenshot once the slide to it has finished */
void
page_screenshot (CorralNewGuestWindow *wizard,
                 const char           *name)
{
  WAIT_FOR (!gtk_stack_get_transition_running (GTK_STACK (child (wizard, "stack"))));
  corral_test_screenshot (GTK_WIDGET (wizard), name);
}

void
set_text (CorralNewGuestWindow *wizard,
          const char           *name,
          const char           *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (wizard, name)), text);
  corral_test_drain (50);
}
