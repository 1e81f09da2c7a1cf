/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-group-page"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-connection.h"
#include "corral-group-page.h"
#include "corral-guest-group.h"

struct _CorralGroupPage
{
  GtkWidget            parent_instance;

  GPtrArray           *guests;        /* CorralGuest, in the list's order */
  GPtrArray           *guest_rows;    /* one AdwActionRow per guest */
  GPtrArray           *result_rows;
  GCancellable        *cancellable;   /* detail loads and the snapshot list: not the actions themselves */
  gboolean             running;       /* an action on the guests is under way */
  guint                asking;        /* the common snapshots are being read */

  /* template children */
  GtkWidget           *scroller;
  GtkLabel            *title_label;
  GtkSpinner          *spinner;
  AdwPreferencesGroup *results_group;
  AdwPreferencesGroup *guests_group;
  GtkButton           *select_group_button;
};

G_DEFINE_FINAL_TYPE (CorralGroupPage, corral_group_page, GTK_TYPE_WIDGET)

static const char * const group_actions[] = {
  "group.start", "group.shutdown", "group.force-off", "group.take-snapshot", "group.revert-snapshot",
  "group.delete",
};

/* --- what is shown --- */

static const char *
group_of (CorralGroupPage *self)
{
  for (guint i = 0; i < self->guests->len; i++)
    {
      const char *group = corral_guest_get_group (g_ptr_array_index (self->guests, i));

      if (group != NULL)
        return group;
    }
  return NULL;
}

static void
update_busy (CorralGroupPage *self)
{
  gboolean busy = self->running || self->asking > 0;

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  for (guint i = 0; i < G_N_ELEMENTS (group_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), group_actions[i], !busy && self->guests->len > 0);
}

static void
update_guest_rows (CorralGroupPage *self)
{
  const char *group = group_of (self);

  for (guint i = 0; i < self->guest_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->guest_rows, i);
      CorralGuest *guest = g_ptr_array_index (self->guests, i);
      GtkImage *icon = g_object_get_data (G_OBJECT (row), "corral-state-icon");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), corral_guest_get_name (guest));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), corral_guest_get_state_label (guest));
      gtk_image_set_from_icon_name (icon, corral_guest_get_state_icon (guest));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->select_group_button), group != NULL);
  if (group != NULL)
    {
      CorralConnection *connection = corral_guest_get_connection (g_ptr_array_index (self->guests, 0));
      /* Translators: a button that selects every guest of a group made by "create N guests" */
      g_autofree char *label = g_strdup_printf (_("Select Group “%s”"), group);

      gtk_button_set_label (self->select_group_button, label);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->select_group_button), "(ss)",
                                        connection != NULL ? corral_connection_get_uri (connection) : "",
                                        group);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->select_group_button), "group.select-group");
    }
}

static void
clear_group (AdwPreferencesGroup *group,
             GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static void
clear_results (CorralGroupPage *self)
{
  clear_group (self->results_group, self->result_rows);
  gtk_widget_set_visible (GTK_WIDGET (self->results_group), FALSE);
}

static void
add_result (CorralGroupPage *self,
            const char      *title,
            const char      *text,
            gboolean         ok)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (ok ? "emblem-ok-symbolic" : "dialog-error-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (icon, ok ? "success" : "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  ok ? _("Done") : _("Failed"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_preferences_group_add (self->results_group, row);
  g_ptr_array_add (self->result_rows, row);
}

static void
show_toast (CorralGroupPage *self,
            const char      *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

/* --- running an action on every guest --- */

typedef struct
{
  CorralGroupPage   *self;
  CorralGroupAction  action;
  char              *heading;
} Run;

static void
run_free (Run *run)
{
  g_object_unref (run->self);
  g_free (run->heading);
  g_free (run);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;
  CorralGroupPage *self = run->self;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  guint failed = 0;

  results = corral_guest_group_run_finish (result, &error);
  self->running = FALSE;
  update_busy (self);
  clear_results (self);
  adw_preferences_group_set_title (self->results_group, run->heading);
  gtk_widget_set_visible (GTK_WIDGET (self->results_group), TRUE);
  if (results == NULL)
    add_result (self, run->heading, error->message, FALSE);
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      CorralGroupResult *one = g_ptr_array_index (results, i);

      if (one->error != NULL)
        failed++;
      add_result (self, corral_guest_get_name (one->guest),
                  one->error != NULL ? one->error->message : one->note != NULL ? one->note : _("Done"),
                  one->error == NULL);
    }
  /* Deleted guests leave the selection, and this page with them: the toasts stay to say how it went. */
  if (run->action == CORRAL_GROUP_ACTION_DELETE && results != NULL)
    for (guint i = 0; i < results->len; i++)
      {
        CorralGroupResult *one = g_ptr_array_index (results, i);
        g_autofree char *message = one->error != NULL
                                   ? g_strdup (one->error->message)
                                   : g_strdup_printf (_("“%s” was deleted"), corral_guest_get_name (one->guest));

        show_toast (self, message);
      }
  else if (failed > 0)
    {
      /* Translators: after an action on several guests, e.g. "1 of 3 guests failed: see each one's result" */
      g_autofree char *message = g_strdup_printf (g_dngettext (NULL, "%u of %u guests failed: see each one’s result",
                                                               "%u of %u guests failed: see each one’s result",
                                                               results->len),
                                                  failed, results->len);

      show_toast (self, message);
    }
  run_free (run);
}

static void
run (CorralGroupPage   *self,
     CorralGroupAction  action,
     const char        *heading,
     const char        *name,
     const char        *description,
     gboolean           delete_volumes)
{
  Run *data;

  if (self->running || self->guests->len == 0)
    return;
  data = g_new0 (Run, 1);
  data->self = g_object_ref (self);
  data->action = action;
  data->heading = g_strdup (heading);
  self->running = TRUE;
  update_busy (self);
  /* Not cancelled with the page: what was asked for runs to its end on every guest. */
  corral_guest_group_run_async (self->guests, action, name, description, delete_volumes, NULL, run_done_cb,
                                data);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  run (CORRAL_GROUP_PAGE (widget), CORRAL_GROUP_ACTION_START, _("Start"), NULL, NULL, FALSE);
}

static void
shutdown_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  run (CORRAL_GROUP_PAGE (widget), CORRAL_GROUP_ACTION_SHUTDOWN, _("Shut Down"), NULL, NULL, FALSE);
}

static char *
names_list (CorralGroupPage *self)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < self->guests->len; i++)
    {
      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, corral_guest_get_name (g_ptr_array_index (self->guests, i)));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static GtkWidget *
new_question (CorralGroupPage *self,
              const char      *heading,
              const char      *body,
              const char      *response,
              const char      *response_label)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                              body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), response,
                                    response_label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  return dialog;
}

static void
force_off_response_cb (CorralGroupPage  *self,
                       const char       *response,
                       AdwMessageDialog *dialog)
{
  if (g_strcmp0 (response, "force-off") == 0)
    run (self, CORRAL_GROUP_ACTION_FORCE_OFF, _("Force Off"), NULL, NULL, FALSE);
}

static void
force_off_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CorralGroupPage *self = CORRAL_GROUP_PAGE (widget);
  g_autofree char *names = names_list (self);
  g_autofree char *heading = g_strdup_printf (g_dngettext (NULL, "Force Off %u Guest?", "Force Off %u Guests?",
                                                           self->guests->len), self->guests->len);
  /* Translators: %s is the list of guests, e.g. "node1, node2, node3" */
  g_autofree char *body = g_strdup_printf (_("%s are turned off at once, like pulling their power plugs. Work "
                                             "not saved inside them is lost."), names);
  GtkWidget *dialog = new_question (self, heading, body, "force-off", _("_Force Off"));

  g_signal_connect_object (dialog, "response", G_CALLBACK (force_off_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_response_cb (CorralGroupPage  *self,
                    const char       *response,
                    AdwMessageDialog *dialog)
{
  GtkCheckButton *storage = g_object_get_data (G_OBJECT (dialog), "corral-storage");

  if (g_strcmp0 (response, "delete") == 0)
    run (self, CORRAL_GROUP_ACTION_DELETE, _("Delete"), NULL, NULL, gtk_check_button_get_active (storage));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CorralGroupPage *self = CORRAL_GROUP_PAGE (widget);
  g_autofree char *names = names_list (self);
  g_autofree char *heading = g_strdup_printf (g_dngettext (NULL, "Delete %u Guest?", "Delete %u Guests?",
                                                           self->guests->len), self->guests->len);
  /* Translators: %s is the list of guests, e.g. "node1, node2, node3" */
  g_autofree char *body = g_strdup_printf (_("%s are removed from their connection for good; those running "
                                             "are forced off first."), names);
  GtkWidget *dialog = new_question (self, heading, body, "delete", _("_Delete"));
  GtkWidget *check = gtk_check_button_new_with_mnemonic (_("Also delete their _storage volumes"));

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), check);
  g_object_set_data (G_OBJECT (dialog), "corral-storage", check);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Take Snapshot: one name (the date by default) and description for every guest. */
static void
take_response_cb (CorralGroupPage  *self,
                  const char       *response,
                  AdwMessageDialog *dialog)
{
  GtkEditable *name = g_object_get_data (G_OBJECT (dialog), "corral-name");
  GtkEditable *description = g_object_get_data (G_OBJECT (dialog), "corral-description");
  g_autofree char *heading = NULL;

  if (g_strcmp0 (response, "take") != 0)
    return;
  /* Translators: the heading of the results of taking a snapshot of several guests */
  heading = g_strdup_printf (_("Take Snapshot “%s”"), gtk_editable_get_text (name));
  run (self, CORRAL_GROUP_ACTION_TAKE_SNAPSHOT, heading, gtk_editable_get_text (name),
       gtk_editable_get_text (description), FALSE);
}

static void
take_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CorralGroupPage *self = CORRAL_GROUP_PAGE (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *default_name = g_date_time_format (now, "%Y-%m-%d %H:%M");
  g_autofree char *names = names_list (self);
  g_autofree char *heading = g_strdup_printf (g_dngettext (NULL, "Take a Snapshot of %u Guest",
                                                           "Take a Snapshot of %u Guests", self->guests->len),
                                              self->guests->len);
  /* Translators: %s is the list of guests */
  g_autofree char *body = g_strdup_printf (_("One snapshot of the same name for each of %s: of the memory too "
                                             "for those running, so that reverting brings them back where "
                                             "they were."), names);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading, body);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *name = adw_entry_row_new ();
  GtkWidget *description = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (name), _("Name"));
  gtk_editable_set_text (GTK_EDITABLE (name), default_name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (description), _("Description (optional)"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), name);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), description);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), group);
  g_object_set_data (G_OBJECT (dialog), "corral-name", name);
  g_object_set_data (G_OBJECT (dialog), "corral-description", description);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "take", _("_Take"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "take", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "take");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (take_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Revert: to a snapshot name all the guests have, chosen from a list; asked, saying what is lost. */
static void
revert_response_cb (CorralGroupPage  *self,
                    const char       *response,
                    AdwMessageDialog *dialog)
{
  GtkDropDown *choice = g_object_get_data (G_OBJECT (dialog), "corral-choice");
  GtkStringObject *item = GTK_STRING_OBJECT (gtk_drop_down_get_selected_item (choice));
  g_autofree char *heading = NULL;

  if (g_strcmp0 (response, "revert") != 0 || item == NULL)
    return;
  /* Translators: the heading of the results of reverting several guests */
  heading = g_strdup_printf (_("Revert to Snapshot “%s”"), gtk_string_object_get_string (item));
  run (self, CORRAL_GROUP_ACTION_REVERT_SNAPSHOT, heading, gtk_string_object_get_string (item), NULL, FALSE);
}

static void
common_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CorralGroupPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = corral_guest_group_fetch_common_snapshots_finish (result, &error);
  g_autofree char *list = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog, *choice;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->asking--;
  update_busy (self);
  if (names == NULL || names[0] == NULL)
    {
      clear_results (self);
      adw_preferences_group_set_title (self->results_group, _("Revert to Snapshot"));
      gtk_widget_set_visible (GTK_WIDGET (self->results_group), TRUE);
      add_result (self, _("No snapshot to revert to"),
                  error != NULL ? error->message
                                : _("The selected guests have no snapshot of the same name: take a snapshot of "
                                    "all of them first."), FALSE);
      return;
    }
  list = names_list (self);
  heading = g_strdup_printf (g_dngettext (NULL, "Revert %u Guest?", "Revert %u Guests?", self->guests->len),
                             self->guests->len);
  /* Translators: %s is the list of guests */
  body = g_strdup_printf (_("%s go back to the snapshot chosen here. The changes since then to the disks, and, "
                            "for a running guest, its memory state, are lost."), list);
  dialog = new_question (self, heading, body, "revert", _("_Revert"));
  choice = gtk_drop_down_new_from_strings ((const char * const *) names);
  gtk_accessible_update_property (GTK_ACCESSIBLE (choice), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Snapshot"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), choice);
  g_object_set_data (G_OBJECT (dialog), "corral-choice", choice);
  g_signal_connect_object (dialog, "response", G_CALLBACK (revert_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CorralGroupPage *self = CORRAL_GROUP_PAGE (widget);

  if (self->guests->len == 0 || self->asking > 0)
    return;
  self->asking++;
  update_busy (self);
  corral_guest_group_fetch_common_snapshots_async (self->guests, self->cancellable, common_cb,
                                                   g_object_ref (self));
}

static void
select_group_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_widget_activate_action_variant (widget, "win.select-group", parameter);
}

/* --- GObject --- */

static void
forget_guests (CorralGroupPage *self)
{
  for (guint i = 0; i < self->guests->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->guests, i), update_guest_rows, self);
  g_ptr_array_set_size (self->guests, 0);
}

static void
corral_group_page_dispose (GObject *object)
{
  CorralGroupPage *self = CORRAL_GROUP_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->guests != NULL)
    forget_guests (self);
  g_clear_pointer (&self->guests, g_ptr_array_unref);
  g_clear_pointer (&self->guest_rows, g_ptr_array_unref);
  g_clear_pointer (&self->result_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CORRAL_TYPE_GROUP_PAGE);

  G_OBJECT_CLASS (corral_group_page_parent_class)->dispose (object);
}

static void
corral_group_page_class_init (CorralGroupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = corral_group_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/corralvm/Corral/corral-group-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CorralGroupPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, CorralGroupPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CorralGroupPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, CorralGroupPage, results_group);
  gtk_widget_class_bind_template_child (widget_class, CorralGroupPage, guests_group);
  gtk_widget_class_bind_template_child (widget_class, CorralGroupPage, select_group_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "group.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "group.shutdown", NULL, shutdown_action);
  gtk_widget_class_install_action (widget_class, "group.force-off", NULL, force_off_action);
  gtk_widget_class_install_action (widget_class, "group.take-snapshot", NULL, take_action);
  gtk_widget_class_install_action (widget_class, "group.revert-snapshot", NULL, revert_action);
  gtk_widget_class_install_action (widget_class, "group.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "group.select-group", "(ss)", select_group_action);
}

static void
corral_group_page_init (CorralGroupPage *self)
{
  self->guests = g_ptr_array_new_with_free_func (g_object_unref);
  self->guest_rows = g_ptr_array_new ();
  self->result_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  update_busy (self);
}

/* --- public API --- */

GtkWidget *
corral_group_page_new (void)
{
  return g_object_new (CORRAL_TYPE_GROUP_PAGE, NULL);
}

GPtrArray *
corral_group_page_get_guests (CorralGroupPage *self)
{
  g_return_val_if_fail (CORRAL_IS_GROUP_PAGE (self), NULL);
  return self->guests;
}

gboolean
corral_group_page_is_busy (CorralGroupPage *self)
{
  g_return_val_if_fail (CORRAL_IS_GROUP_PAGE (self), FALSE);
  return self->running || self->asking > 0;
}

static gboolean
same_guests (CorralGroupPage *self,
             GPtrArray       *guests)
{
  if (guests == NULL || guests->len != self->guests->len)
    return guests == NULL && self->guests->len == 0;
  for (guint i = 0; i < guests->len; i++)
    if (g_ptr_array_index (guests, i) != g_ptr_array_index (self->guests, i))
      return FALSE;
  return TRUE;
}

/* @guests: CorralGuest (not kept: the page takes its own references). */
void
corral_group_page_set_guests (CorralGroupPage *self,
                              GPtrArray       *guests)
{
  g_autofree char *title = NULL;

  g_return_if_fail (CORRAL_IS_GROUP_PAGE (self));

  if (same_guests (self, guests))
    return;
  forget_guests (self);
  clear_group (self->guests_group, self->guest_rows);
  /* Results belong to the guests they were for; while an action runs they are still to come. */
  if (!self->running)
    clear_results (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->asking > 0)
    self->asking = 0;

  for (guint i = 0; guests != NULL && i < guests->len; i++)
    {
      CorralGuest *guest = g_ptr_array_index (guests, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new ();

      g_ptr_array_add (self->guests, g_object_ref (guest));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      gtk_widget_set_can_target (icon, FALSE);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      g_object_set_data (G_OBJECT (row), "corral-state-icon", icon);
      adw_preferences_group_add (self->guests_group, row);
      g_ptr_array_add (self->guest_rows, row);
      g_signal_connect_object (guest, "notify::state", G_CALLBACK (update_guest_rows), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (guest, "notify::group", G_CALLBACK (update_guest_rows), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (guest, "notify::name", G_CALLBACK (update_guest_rows), self, G_CONNECT_SWAPPED);
      /* the group name comes with the details */
      if (corral_guest_get_domain (guest) != NULL)
        corral_guest_load_details_async (guest, self->cancellable, NULL, NULL);
    }
  title = g_strdup_printf (g_dngettext (NULL, "%u Guest Selected", "%u Guests Selected", self->guests->len),
                           self->guests->len);
  gtk_label_set_label (self->title_label, title);
  update_guest_rows (self);
  update_busy (self);
}
