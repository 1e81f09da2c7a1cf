/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-clone-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "corral-clone-dialog.h"
#include "corral-error.h"
#include "corral-guest-clone.h"
#include "corral-guest-spec.h"

struct _CorralCloneDialog
{
  AdwWindow          parent_instance;

  CorralGuest       *guest;
  CorralCloneSource *source;
  GCancellable      *cancellable;        /* reading the guest, shutting it down */
  GCancellable      *clone_cancellable;  /* the clone under way */
  char              *default_name;
  gboolean           name_edited;
  gboolean           setting_name;
  gboolean           busy;
  gboolean           shutting_down;
  gboolean           close_when_done;

  /* template children */
  AdwWindowTitle    *window_title;
  GtkWidget         *cancel_button;
  GtkWidget         *clone_button;
  GtkStack          *stack;
  GtkWidget         *running_group;
  AdwActionRow      *running_row;
  GtkWidget         *shutdown_button;
  AdwEntryRow       *name_row;
  AdwActionRow      *count_row;
  GtkSpinButton     *count_spin;
  AdwActionRow      *full_row;
  GtkCheckButton    *full_check;
  AdwActionRow      *linked_row;
  GtkCheckButton    *linked_check;
  AdwActionRow      *space_row;
  GtkLabel          *error_label;
  AdwStatusPage     *progress_page;
  GtkProgressBar    *progress_bar;
};

enum {
  PROP_0,
  PROP_GUEST,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CorralCloneDialog, corral_clone_dialog, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];

static void read_source (CorralCloneDialog *self);

static CorralCloneMode
selected_mode (CorralCloneDialog *self)
{
  return gtk_check_button_get_active (self->linked_check) ? CORRAL_CLONE_LINKED : CORRAL_CLONE_FULL;
}

/* The clones' names: the name as typed for one; for several, the default ones while the name is the
 * default ("web-clone-1" …, or a group's next members "node4" …), else the name numbered as the new-guest
 * window numbers a group ("lab" → lab1 …; "lab2" → lab2-1 …). */
static GStrv
dup_names (CorralCloneDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  guint count = (guint) gtk_spin_button_get_value_as_int (self->count_spin);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  gsize len = strlen (name);

  if (count <= 1)
    {
      g_strv_builder_add (names, name);
      return g_strv_builder_end (names);
    }
  if (self->source != NULL && g_strcmp0 (name, self->default_name) == 0)
    return corral_clone_source_suggest_names (self->source, count);
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *member = len > 0 && g_ascii_isdigit (name[len - 1])
                                ? g_strdup_printf ("%s-%u", name, i + 1)
                                : g_strdup_printf ("%s%u", name, i + 1);

      g_strv_builder_add (names, member);
    }
  return g_strv_builder_end (names);
}

static void
show_error (CorralCloneDialog *self,
            const char        *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
validate (CorralCloneDialog *self)
{
  g_auto(GStrv) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *full_reason = NULL;
  g_autofree char *linked_reason = NULL;
  g_autofree char *names_text = NULL;
  gboolean full_ok, linked_ok, ok, name_error;
  CorralCloneMode mode;
  guint count;

  if (self->source == NULL)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "clone.clone", FALSE);
      return;
    }

  /* Which kinds of clone this guest's disks allow, and why not */
  full_ok = corral_clone_source_supports (self->source, CORRAL_CLONE_FULL, &full_reason);
  linked_ok = corral_clone_source_supports (self->source, CORRAL_CLONE_LINKED, &linked_reason);
  adw_action_row_set_subtitle (self->full_row,
                               full_ok ? _("Each clone gets its own copy of every disk: independent of the "
                                           "guest, and as large as its disks are now.")
                                       : full_reason);
  adw_action_row_set_subtitle (self->linked_row,
                               linked_ok ? _("Each clone gets a small overlay on the guest’s disks and writes "
                                             "only its changes: made at once, and small. The guest’s disks "
                                             "become their read-only base; the guest moves onto an overlay "
                                             "too.")
                                         : linked_reason);
  gtk_widget_set_sensitive (GTK_WIDGET (self->full_row), full_ok);
  gtk_widget_set_sensitive (GTK_WIDGET (self->linked_row), linked_ok);
  if (!full_ok && linked_ok)
    gtk_check_button_set_active (self->linked_check, TRUE);
  else if (!linked_ok)
    gtk_check_button_set_active (self->full_check, TRUE);
  mode = selected_mode (self);

  /* the names */
  names = dup_names (self);
  count = g_strv_length (names);
  if (count > 1)
    {
      /* TRANSLATORS: the first and the last of several new guests' names */
      names_text = count > 3 ? g_strdup_printf (_("%s … %s"), names[0], names[count - 1])
                             : g_strjoinv (", ", names);
    }
  adw_action_row_set_subtitle (self->count_row, names_text != NULL ? names_text : "");

  /* the space */
  {
    guint64 needed = corral_clone_source_get_needed (self->source, mode, count);
    guint64 available = corral_clone_source_get_available (self->source);
    g_autofree char *needed_text = corral_format_size (needed);
    g_autofree char *available_text = available != G_MAXUINT64 ? corral_format_size (available) : NULL;
    g_autofree char *text = available_text != NULL
                            ? g_strdup_printf (_("%s, with %s free in the storage pool"), needed_text,
                                               available_text)
                            : g_strdup (_("None: the guest has no disks"));

    adw_action_row_set_subtitle (self->space_row, text);
  }

  /* a running guest: offered a shut-down first */
  gtk_widget_set_visible (self->running_group, corral_clone_source_is_running (self->source));
  if (corral_clone_source_is_running (self->source))
    {
      g_autofree char *title = g_strdup_printf (_("“%s” is running"),
                                                corral_clone_source_get_name (self->source));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->running_row), title);
      adw_action_row_set_subtitle (self->running_row,
                                   self->shutting_down ? _("Shutting down…")
                                                       : _("Clones are made of a shut-off guest, so that its "
                                                           "disks do not change while they are copied."));
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clone.shutdown", !self->shutting_down && !self->busy);

  ok = corral_clone_source_check (self->source, (const char * const *) names, mode, &error);
  name_error = !ok && (g_error_matches (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME) ||
                       g_error_matches (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME_TAKEN) ||
                       g_error_matches (error, CORRAL_ERROR, CORRAL_ERROR_CONFLICT));
  if (name_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  /* the running group says it already */
  show_error (self, ok || g_error_matches (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_RUNNING) ? NULL
                                                                                           : error->message);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clone.clone", ok && !self->busy);
}

static void
read_source_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CorralCloneDialog *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralCloneSource) source = NULL;

  source = corral_guest_read_clone_source_finish (CORRAL_GUEST (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_CLONE_DIALOG (user_data);
  if (source == NULL)
    {
      show_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->source, corral_clone_source_unref);
  self->source = g_steal_pointer (&source);
  if (self->default_name == NULL)
    {
      g_auto(GStrv) names = corral_clone_source_suggest_names (self->source, 1);

      self->default_name = g_strdup (names[0]);
      self->setting_name = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), self->default_name);
      self->setting_name = FALSE;
    }
  if (!corral_clone_source_is_running (self->source))
    self->shutting_down = FALSE;
  validate (self);
}

static void
read_source (CorralCloneDialog *self)
{
  corral_guest_read_clone_source_async (self->guest, self->cancellable, read_source_cb, self);
}

static void
guest_state_cb (CorralCloneDialog *self)
{
  if (!self->busy && self->guest != NULL)
    read_source (self);
}

static void
name_changed_cb (CorralCloneDialog *self)
{
  if (!self->setting_name)
    self->name_edited = TRUE;
  validate (self);
}

/* --- cloning --- */

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  CorralCloneDialog *self = CORRAL_CLONE_DIALOG (user_data);
  g_autofree char *text = NULL;

  if (self->progress_bar == NULL)   /* disposed while the clone is undone */
    return;
  text = g_strdup_printf ("%.0f %%", fraction * 100);
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
clone_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CorralCloneDialog) self = CORRAL_CLONE_DIALOG (user_data);
  g_autoptr(GError) error = NULL;
  gboolean ok = corral_guest_clone_finish (CORRAL_GUEST (object), result, &error);

  self->busy = FALSE;
  g_clear_object (&self->clone_cancellable);
  if (self->stack == NULL)          /* disposed meanwhile: nothing to show it in */
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clone.cancel", TRUE);
  if (ok || self->close_when_done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "form");
  read_source (self);
  validate (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("Cancelled: no clone was made, and “%s” is as it was."),
                                                  corral_guest_get_name (self->guest));

      show_error (self, message);
    }
  else
    show_error (self, error->message);
}

static void
start_clone (CorralCloneDialog *self)
{
  g_auto(GStrv) names = dup_names (self);
  g_autofree char *description = NULL;
  guint count = g_strv_length (names);

  self->busy = TRUE;
  self->clone_cancellable = g_cancellable_new ();
  /* TRANSLATORS: the new guests' names, as the count row shows them */
  description = count > 1 ? g_strdup_printf (_("Making %s … %s"), names[0], names[count - 1])
                          : g_strdup_printf (_("Making %s"), names[0]);
  adw_status_page_set_description (self->progress_page, description);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, "0 %");
  gtk_stack_set_visible_child_name (self->stack, "progress");
  show_error (self, NULL);
  validate (self);
  corral_guest_clone_async (self->guest, (const char * const *) names, selected_mode (self),
                            self->clone_cancellable, progress_cb, g_object_ref (self), g_object_unref,
                            clone_done_cb, g_object_ref (self));
}

static void
linked_response_cb (CorralCloneDialog *self,
                    const char        *response)
{
  if (g_strcmp0 (response, "link") == 0 && !self->busy)
    start_clone (self);
}

static void
clone_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CorralCloneDialog *self = CORRAL_CLONE_DIALOG (widget);
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  const char *name;

  if (self->busy || self->source == NULL)
    return;
  if (selected_mode (self) == CORRAL_CLONE_FULL)
    {
      start_clone (self);
      return;
    }

  /* A linked clone changes the guest itself: asked first */
  name = corral_guest_get_name (self->guest);
  heading = g_strdup_printf (_("Make “%s”’s Disks a Base?"), name);
  body = g_strdup_printf (_("The linked clones share “%s”’s disks as they are now, read-only. So that the "
                            "base never changes, “%s” moves onto a small overlay of it too. The base is kept "
                            "as long as a guest uses it."), name, name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "link", _("_Make Linked Clones"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "link", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "link");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (linked_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CorralCloneDialog *self = CORRAL_CLONE_DIALOG (widget);

  if (!self->busy)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  adw_status_page_set_description (self->progress_page,
                                   _("Cancelling: the disk being copied is removed once its copy ends…"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clone.cancel", FALSE);
  g_cancellable_cancel (self->clone_cancellable);
}

static void
shutdown_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CorralCloneDialog *self;
  g_autoptr(GError) error = NULL;

  if (corral_guest_run_action_finish (CORRAL_GUEST (object), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_CLONE_DIALOG (user_data);
  self->shutting_down = FALSE;
  validate (self);
  show_error (self, error->message);
}

static void
shutdown_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CorralCloneDialog *self = CORRAL_CLONE_DIALOG (widget);

  self->shutting_down = TRUE;
  validate (self);
  corral_guest_run_action_async (self->guest, CORRAL_GUEST_ACTION_SHUTDOWN, self->cancellable,
                                 shutdown_done_cb, self);
}

/* --- GObject --- */

static gboolean
corral_clone_dialog_close_request (GtkWindow *window)
{
  CorralCloneDialog *self = CORRAL_CLONE_DIALOG (window);

  /* What was made is removed before the window goes */
  if (self->busy)
    {
      self->close_when_done = TRUE;
      cancel_action (GTK_WIDGET (self), "clone.cancel", NULL);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (corral_clone_dialog_parent_class)->close_request (window);
}

static void
corral_clone_dialog_constructed (GObject *object)
{
  CorralCloneDialog *self = CORRAL_CLONE_DIALOG (object);

  G_OBJECT_CLASS (corral_clone_dialog_parent_class)->constructed (object);

  g_return_if_fail (CORRAL_IS_GUEST (self->guest));
  adw_window_title_set_subtitle (self->window_title, corral_guest_get_name (self->guest));
  g_signal_connect_object (self->guest, "notify::state", G_CALLBACK (guest_state_cb), self,
                           G_CONNECT_SWAPPED);
  read_source (self);
  validate (self);
}

static void
corral_clone_dialog_dispose (GObject *object)
{
  CorralCloneDialog *self = CORRAL_CLONE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* a clone under way is undone; its callback (which holds a reference) finds the dialog gone */
  g_cancellable_cancel (self->clone_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CORRAL_TYPE_CLONE_DIALOG);
  if (self->guest != NULL)
    g_signal_handlers_disconnect_by_data (self->guest, self);
  g_clear_object (&self->guest);
  g_clear_pointer (&self->source, corral_clone_source_unref);

  G_OBJECT_CLASS (corral_clone_dialog_parent_class)->dispose (object);
}

static void
corral_clone_dialog_finalize (GObject *object)
{
  CorralCloneDialog *self = CORRAL_CLONE_DIALOG (object);

  g_free (self->default_name);

  G_OBJECT_CLASS (corral_clone_dialog_parent_class)->finalize (object);
}

static void
corral_clone_dialog_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CorralCloneDialog *self = CORRAL_CLONE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_value_set_object (value, self->guest);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_clone_dialog_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CorralCloneDialog *self = CORRAL_CLONE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      self->guest = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_clone_dialog_class_init (CorralCloneDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = corral_clone_dialog_constructed;
  object_class->dispose = corral_clone_dialog_dispose;
  object_class->finalize = corral_clone_dialog_finalize;
  object_class->get_property = corral_clone_dialog_get_property;
  object_class->set_property = corral_clone_dialog_set_property;
  window_class->close_request = corral_clone_dialog_close_request;

  properties[PROP_GUEST] = g_param_spec_object ("guest", NULL, NULL, CORRAL_TYPE_GUEST,
                                                G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "clone.clone", NULL, clone_action);
  gtk_widget_class_install_action (widget_class, "clone.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "clone.shutdown", NULL, shutdown_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "clone.cancel", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/corralvm/Corral/corral-clone-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, clone_button);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, running_group);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, running_row);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, shutdown_button);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, count_row);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, count_spin);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, full_row);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, full_check);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, linked_row);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, linked_check);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, space_row);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, CorralCloneDialog, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, validate);
}

static void
corral_clone_dialog_init (CorralCloneDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->clone_button);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clone.clone", FALSE);
}

/* --- public API --- */

CorralCloneDialog *
corral_clone_dialog_new (CorralGuest *guest)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (guest), NULL);

  return g_object_new (CORRAL_TYPE_CLONE_DIALOG, "guest", guest, NULL);
}

CorralGuest *
corral_clone_dialog_get_guest (CorralCloneDialog *self)
{
  g_return_val_if_fail (CORRAL_IS_CLONE_DIALOG (self), NULL);
  return self->guest;
}

gboolean
corral_clone_dialog_is_busy (CorralCloneDialog *self)
{
  g_return_val_if_fail (CORRAL_IS_CLONE_DIALOG (self), FALSE);
  return self->busy;
}
