/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-snapshots"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-guest-config.h"
#include "corral-guest-snapshot.h"
#include "corral-guest-snapshots.h"

struct _CorralGuestSnapshots
{
  AdwPreferencesGroup  parent_instance;

  CorralGuest         *guest;
  GVirDomain          *domain;        /* whose "updated" (definition changed) is followed */
  GCancellable        *cancellable;   /* the fetch; replaced with each guest */
  GPtrArray           *rows;          /* the snapshot rows shown */
  GPtrArray           *snapshots;     /* CorralSnapshotInfo, as last fetched */
  guint                fetching;      /* fetches under way (config and list) */
  gboolean             acting;        /* a take, revert or delete under way */
  gboolean             supported;
  char                *unsupported;   /* corral_guest_snapshot_support's sentence, or NULL */
  char                *error;         /* the last failure, in core's words, or NULL */
  guint                serial;        /* drops the answers of fetches made for an earlier state */

  /* template children */
  GtkSpinner          *spinner;
  GtkWidget           *take_button;
  AdwActionRow        *message_row;
  GtkImage            *message_icon;
};

G_DEFINE_FINAL_TYPE (CorralGuestSnapshots, corral_guest_snapshots, ADW_TYPE_PREFERENCES_GROUP)

static void refresh (CorralGuestSnapshots *self);

/* --- what is shown --- */

static char *
format_relative (gint64 when,
                 gint64 now)
{
  gint64 ago = now - when;

  if (ago < 60)
    return g_strdup (_("just now"));
  if (ago < 3600)
    return g_strdup_printf (g_dngettext (NULL, "%d minute ago", "%d minutes ago", ago / 60), (int) (ago / 60));
  if (ago < 86400)
    return g_strdup_printf (g_dngettext (NULL, "%d hour ago", "%d hours ago", ago / 3600), (int) (ago / 3600));
  if (ago < 86400 * 30)
    return g_strdup_printf (g_dngettext (NULL, "%d day ago", "%d days ago", ago / 86400), (int) (ago / 86400));
  {
    g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (when);

    return g_date_time_format (time, "%x");
  }
}

static void
update_busy (CorralGuestSnapshots *self)
{
  gboolean busy = self->fetching > 0 || self->acting;
  gboolean can = self->guest != NULL && !busy;

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "snapshots.take", can && self->supported);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "snapshots.revert", can);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "snapshots.delete", can);
}

static void
update_message (CorralGuestSnapshots *self)
{
  /* The support sentence stands where the button would be: said before anyone tries. */
  gtk_widget_set_visible (self->take_button, self->guest != NULL && self->unsupported == NULL);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), self->unsupported);

  if (self->error != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->message_row), self->error);
      gtk_image_set_from_icon_name (self->message_icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->message_row), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->message_row), TRUE);
    }
  else if (self->snapshots != NULL && self->snapshots->len == 0 && self->unsupported == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->message_row),
                                     _("No snapshots yet: a snapshot keeps the guest’s disks, and the "
                                       "memory of a running guest, to go back to later"));
      gtk_image_set_from_icon_name (self->message_icon, "dialog-information-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_row), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->message_row), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->message_row), FALSE);
}

static void
clear_rows (CorralGuestSnapshots *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
}

static GtkWidget *
icon_button (const char *icon,
             const char *label,
             const char *action,
             const char *name)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", name);
  return button;
}

static GtkWidget *
make_row (CorralGuestSnapshots *self,
          CorralSnapshotInfo   *info,
          guint                 depth,
          gint64                now)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GDateTime) taken = g_date_time_new_from_unix_local (info->creation_time);
  g_autofree char *absolute = g_date_time_format (taken, "%c");
  g_autofree char *relative = format_relative (info->creation_time, now);
  /* Translators: a snapshot's state and when it was taken, e.g. "Running · 5 minutes ago" */
  g_autofree char *when = g_strdup_printf (_("%s · %s"), info->running ? _("Running") : _("Shut off"),
                                           relative);
  g_autofree char *described = NULL;
  GtkWidget *label, *button;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (info->description != NULL && *info->description != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), info->description);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);

  /* A child is drawn under its parent, indented one step further, after a branch sign. */
  if (depth > 0)
    {
      GtkWidget *branch = gtk_image_new_from_icon_name ("pan-end-symbolic");

      gtk_widget_set_margin_start (branch, 24 * (depth - 1));
      gtk_widget_add_css_class (branch, "dim-label");
      gtk_accessible_update_property (GTK_ACCESSIBLE (branch), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      gtk_widget_set_can_target (branch, FALSE);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), branch);
    }

  if (info->is_current)
    {
      label = gtk_label_new (_("Current"));
      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "accent");
      gtk_widget_set_tooltip_text (label, _("The guest was last reverted to, or taken from, this snapshot"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }

  label = gtk_label_new (when);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_tooltip_text (label, absolute);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  button = icon_button ("edit-undo-symbolic", _("Revert to This Snapshot…"), "snapshots.revert", info->name);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  button = icon_button ("user-trash-symbolic", _("Delete Snapshot…"), "snapshots.delete", info->name);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  /* What a screen reader says of the row beyond its title. */
  if (info->parent != NULL)
    /* Translators: e.g. "Current, Running · 5 minutes ago (taken on Mon 7 Dec 2026 …), after “base”" */
    described = g_strdup_printf (_("%s%s (taken %s), after “%s”"), info->is_current ? _("Current, ") : "",
                                 when, absolute, info->parent);
  else
    described = g_strdup_printf (_("%s%s (taken %s)"), info->is_current ? _("Current, ") : "", when, absolute);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, described, -1);
  g_object_set_data_full (G_OBJECT (row), "corral-snapshot-name", g_strdup (info->name), g_free);
  return row;
}

/* Parents before their children, siblings oldest first (the list comes oldest first). */
static void
add_subtree (CorralGuestSnapshots *self,
             const char           *parent,
             guint                 depth,
             gint64                now,
             GHashTable           *shown)
{
  for (guint i = 0; i < self->snapshots->len; i++)
    {
      CorralSnapshotInfo *info = g_ptr_array_index (self->snapshots, i);
      GtkWidget *row;

      if (g_strcmp0 (info->parent, parent) != 0 || g_hash_table_contains (shown, info->name))
        continue;
      g_hash_table_add (shown, info->name);
      row = make_row (self, info, depth, now);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
      add_subtree (self, info->name, depth + 1, now, shown);
    }
}

static void
show_snapshots (CorralGuestSnapshots *self)
{
  g_autoptr(GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  clear_rows (self);
  if (self->snapshots == NULL)
    return;
  add_subtree (self, NULL, 0, now, shown);
  /* a parent the list does not have (deleted meanwhile): shown at the top level */
  for (guint i = 0; i < self->snapshots->len; i++)
    {
      CorralSnapshotInfo *info = g_ptr_array_index (self->snapshots, i);

      if (!g_hash_table_contains (shown, info->name))
        {
          GtkWidget *row = make_row (self, info, 0, now);

          g_hash_table_add (shown, info->name);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
          g_ptr_array_add (self->rows, row);
          add_subtree (self, info->name, 1, now, shown);
        }
    }
}

static void
set_error (CorralGuestSnapshots *self,
           const char           *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  update_message (self);
}

/* --- fetching --- */

typedef struct
{
  CorralGuestSnapshots *self;
  guint                 serial;
} Fetch;

static Fetch *
fetch_new (CorralGuestSnapshots *self)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->self = g_object_ref (self);
  fetch->serial = self->serial;
  self->fetching++;
  return fetch;
}

/* Whether the answer is still wanted; ends the fetch's count either way. */
static gboolean
fetch_done (Fetch  *fetch,
            GError *error)
{
  CorralGuestSnapshots *self = fetch->self;
  gboolean wanted = fetch->serial == self->serial
                    && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  self->fetching--;
  update_busy (self);
  return wanted;
}

static void
fetch_free (Fetch *fetch)
{
  g_object_unref (fetch->self);
  g_free (fetch);
}

static void
config_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fetch *fetch = user_data;
  CorralGuestSnapshots *self = fetch->self;
  g_autoptr(CorralGuestConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;

  config = corral_guest_fetch_config_finish (CORRAL_GUEST (object), result, &error);
  if (fetch_done (fetch, error))
    {
      if (config == NULL)
        set_error (self, error->message);
      else
        {
          self->supported = corral_guest_snapshot_support (config, &reason);
          g_free (self->unsupported);
          self->unsupported = g_steal_pointer (&reason);
          update_message (self);
          update_busy (self);
        }
    }
  fetch_free (fetch);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fetch *fetch = user_data;
  CorralGuestSnapshots *self = fetch->self;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  list = corral_guest_fetch_snapshots_finish (CORRAL_GUEST (object), result, &error);
  if (fetch_done (fetch, error))
    {
      if (list == NULL)
        set_error (self, error->message);
      else
        {
          g_clear_pointer (&self->snapshots, g_ptr_array_unref);
          self->snapshots = g_steal_pointer (&list);
          show_snapshots (self);
          update_message (self);
        }
    }
  fetch_free (fetch);
}

static void
refresh (CorralGuestSnapshots *self)
{
  self->serial++;
  if (self->guest == NULL || corral_guest_get_domain (self->guest) == NULL)
    {
      update_busy (self);
      return;
    }
  corral_guest_fetch_config_async (self->guest, self->cancellable, config_cb, fetch_new (self));
  corral_guest_fetch_snapshots_async (self->guest, self->cancellable, list_cb, fetch_new (self));
  update_busy (self);
}

static void
guest_changed_cb (CorralGuestSnapshots *self)
{
  refresh (self);
}

/* --- actions --- */

static GtkWindow *
parent_window (CorralGuestSnapshots *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_toast (CorralGuestSnapshots *self,
            const char           *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

typedef struct
{
  CorralGuestSnapshots *self;
  CorralGuest          *guest;
  char                 *name;
  gboolean              revert;
} Act;

static void
act_free (Act *act)
{
  g_object_unref (act->self);
  g_object_unref (act->guest);
  g_free (act->name);
  g_free (act);
}

static void
act_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Act *act = user_data;
  CorralGuestSnapshots *self = act->self;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = act->revert ? corral_guest_revert_snapshot_finish (act->guest, result, &error)
                   : corral_guest_delete_snapshot_finish (act->guest, result, &error);
  self->acting = FALSE;
  if (self->guest == act->guest)
    {
      g_autofree char *message = NULL;

      if (!ok)
        set_error (self, error->message);
      else
        {
          set_error (self, NULL);
          message = act->revert
                    ? g_strdup_printf (_("“%s” was reverted to “%s”"), corral_guest_get_name (act->guest), act->name)
                    : g_strdup_printf (_("Snapshot “%s” was deleted"), act->name);
          show_toast (self, message);
        }
      refresh (self);
    }
  update_busy (self);
  act_free (act);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Act              *act)
{
  CorralGuestSnapshots *self = act->self;
  Act *run;

  if (g_strcmp0 (response, act->revert ? "revert" : "delete") != 0 || self->guest != act->guest || self->acting)
    return;
  run = g_new0 (Act, 1);
  run->self = g_object_ref (self);
  run->guest = g_object_ref (act->guest);
  run->name = g_strdup (act->name);
  run->revert = act->revert;
  self->acting = TRUE;
  update_busy (self);
  /* Not cancelled with the page: what the user confirmed runs to its end. */
  if (run->revert)
    corral_guest_revert_snapshot_async (run->guest, run->name, NULL, act_done_cb, run);
  else
    corral_guest_delete_snapshot_async (run->guest, run->name, NULL, act_done_cb, run);
}

static CorralSnapshotInfo *
find_snapshot (CorralGuestSnapshots *self,
               const char           *name)
{
  for (guint i = 0; self->snapshots != NULL && i < self->snapshots->len; i++)
    {
      CorralSnapshotInfo *info = g_ptr_array_index (self->snapshots, i);

      if (g_strcmp0 (info->name, name) == 0)
        return info;
    }
  return NULL;
}

static void
ask (CorralGuestSnapshots *self,
     const char           *name,
     gboolean              revert)
{
  CorralSnapshotInfo *info = find_snapshot (self, name);
  GtkWidget *dialog;
  Act *act;
  g_autoptr(GString) body = g_string_new (NULL);
  gboolean has_children = FALSE;

  if (self->guest == NULL || info == NULL)
    return;
  dialog = adw_message_dialog_new (parent_window (self), NULL, NULL);
  if (revert)
    {
      adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Revert “%s” to “%s”?"),
                                         corral_guest_get_name (self->guest), name);
      g_string_append (body, _("The changes since then to the disks, and, for a running guest, its memory "
                               "state, are lost."));
      g_string_append_c (body, ' ');
      g_string_append (body, info->running
                             ? _("The snapshot was taken while the guest ran: the guest runs again from "
                                 "where it was then.")
                             : _("The snapshot was taken while the guest was shut off: the guest is shut "
                                 "off after it."));
    }
  else
    {
      for (guint i = 0; i < self->snapshots->len; i++)
        if (g_strcmp0 (((CorralSnapshotInfo *) g_ptr_array_index (self->snapshots, i))->parent, name) == 0)
          has_children = TRUE;
      adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete Snapshot “%s”?"), name);
      g_string_append (body, _("Only this snapshot goes: the guest as it is now is not changed, and the "
                               "snapshots taken after it are kept."));
      if (has_children)
        g_string_append_printf (body, " %s", _("They then follow this snapshot’s parent."));
    }
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    revert ? "revert" : "delete", revert ? _("_Revert") : _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), revert ? "revert" : "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  act = g_new0 (Act, 1);
  act->self = g_object_ref (self);
  act->guest = g_object_ref (self->guest);
  act->name = g_strdup (name);
  act->revert = revert;
  g_signal_connect_data (dialog, "response", G_CALLBACK (confirm_response_cb), act, (GClosureNotify) act_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ask (CORRAL_GUEST_SNAPSHOTS (widget), g_variant_get_string (parameter, NULL), TRUE);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ask (CORRAL_GUEST_SNAPSHOTS (widget), g_variant_get_string (parameter, NULL), FALSE);
}

/* The Take Snapshot dialog: a name (the date by default) and a description; the core's refusal is
 * shown in it, word for word, and it stays open to correct the name. */
typedef struct
{
  CorralGuestSnapshots *self;
  CorralGuest          *guest;
  GtkWindow            *window;
  AdwEntryRow          *name_row;
  AdwEntryRow          *description_row;
  GtkLabel             *error_label;
  GtkWidget            *take_button;
  GtkSpinner           *spinner;
  char                 *name;
} Take;

static void
take_free (Take *take)
{
  g_object_unref (take->self);
  g_object_unref (take->guest);
  g_free (take->name);
  g_free (take);
}

/* Focus leaves the entries first: a GtkText destroyed while it has the focus complains. */
static void
close_take (GtkWindow *window)
{
  gtk_window_set_focus (window, NULL);
  gtk_window_destroy (window);
}

static void
take_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GtkWindow) window = user_data;
  Take *take = g_object_get_data (G_OBJECT (window), "corral-take");
  CorralGuestSnapshots *self = take->self;
  g_autoptr(GError) error = NULL;

  self->acting = FALSE;
  update_busy (self);
  if (!corral_guest_take_snapshot_finish (take->guest, result, &error))
    {
      gtk_label_set_label (take->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (take->error_label), TRUE);
      gtk_widget_set_sensitive (take->take_button, TRUE);
      gtk_spinner_set_spinning (take->spinner, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (take->spinner), FALSE);
      if (self->guest == take->guest)
        refresh (self);
      return;
    }
  if (self->guest == take->guest)
    {
      g_autofree char *message = g_strdup_printf (_("Snapshot “%s” of “%s” was taken"),
                                                  gtk_editable_get_text (GTK_EDITABLE (take->name_row)),
                                                  corral_guest_get_name (take->guest));

      set_error (self, NULL);
      show_toast (self, message);
      refresh (self);
    }
  close_take (window);
}

static void
hide_error_cb (Take *take)
{
  gtk_widget_set_visible (GTK_WIDGET (take->error_label), FALSE);
}

static void
take_clicked_cb (GtkWidget *button,
                 GtkWindow *window)
{
  Take *take = g_object_get_data (G_OBJECT (window), "corral-take");

  if (take->self->acting)
    return;
  gtk_widget_set_visible (GTK_WIDGET (take->error_label), FALSE);
  gtk_widget_set_sensitive (take->take_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (take->spinner), TRUE);
  gtk_spinner_set_spinning (take->spinner, TRUE);
  take->self->acting = TRUE;
  update_busy (take->self);
  corral_guest_take_snapshot_async (take->guest, gtk_editable_get_text (GTK_EDITABLE (take->name_row)),
                                    gtk_editable_get_text (GTK_EDITABLE (take->description_row)), NULL,
                                    take_done_cb, g_object_ref (window));
}

static void
take_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CorralGuestSnapshots *self = CORRAL_GUEST_SNAPSHOTS (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *default_name = g_date_time_format (now, "%Y-%m-%d %H:%M");
  g_autofree char *title = NULL;
  GtkWidget *window, *box, *header, *cancel, *group, *note;
  Take *take;

  if (self->guest == NULL)
    return;
  take = g_new0 (Take, 1);
  take->self = g_object_ref (self);
  take->guest = g_object_ref (self->guest);

  window = adw_window_new ();
  take->window = GTK_WINDOW (window);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent_window (self));
  gtk_window_set_default_size (GTK_WINDOW (window), 460, -1);
  title = g_strdup_printf (_("Take a Snapshot of “%s”"), corral_guest_get_name (self->guest));
  gtk_window_set_title (GTK_WINDOW (window), title);
  g_object_set_data_full (G_OBJECT (window), "corral-take", take, (GDestroyNotify) take_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (close_take), window);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  take->take_button = gtk_button_new_with_mnemonic (_("_Take"));
  gtk_widget_add_css_class (take->take_button, "suggested-action");
  g_signal_connect (take->take_button, "clicked", G_CALLBACK (take_clicked_cb), window);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), take->take_button);
  take->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (take->spinner), FALSE);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (take->spinner));
  gtk_box_append (GTK_BOX (box), header);

  group = adw_preferences_group_new ();
  gtk_widget_set_margin_start (group, 12);
  gtk_widget_set_margin_end (group, 12);
  gtk_widget_set_margin_top (group, 12);
  gtk_widget_set_margin_bottom (group, 12);
  take->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (take->name_row), _("Name"));
  gtk_editable_set_text (GTK_EDITABLE (take->name_row), default_name);
  adw_entry_row_set_activates_default (take->name_row, TRUE);
  /* a refusal is about the name as it was: it goes when the name is changed */
  g_signal_connect_swapped (take->name_row, "changed", G_CALLBACK (hide_error_cb), take);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (take->name_row));
  take->description_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (take->description_row), _("Description (optional)"));
  adw_entry_row_set_activates_default (take->description_row, TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (take->description_row));
  gtk_box_append (GTK_BOX (box), group);

  note = gtk_label_new (corral_guest_state_is_active (corral_guest_get_state (self->guest))
                        ? _("The guest is running: its memory is saved with its disks, so reverting brings "
                            "it back running where it was.")
                        : _("The guest is shut off: its disks are saved; reverting leaves it shut off."));
  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_set_margin_start (note, 12);
  gtk_widget_set_margin_end (note, 12);
  gtk_widget_set_margin_bottom (note, 12);
  gtk_box_append (GTK_BOX (box), note);

  take->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (take->error_label, TRUE);
  gtk_label_set_xalign (take->error_label, 0);
  gtk_label_set_selectable (take->error_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (take->error_label), "error");
  gtk_widget_set_margin_start (GTK_WIDGET (take->error_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (take->error_label), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (take->error_label), 12);
  gtk_widget_set_visible (GTK_WIDGET (take->error_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (take->error_label));

  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_set_default_widget (GTK_WINDOW (window), take->take_button);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_grab_focus (GTK_WIDGET (take->name_row));
}

/* --- GObject --- */

static void
corral_guest_snapshots_dispose (GObject *object)
{
  CorralGuestSnapshots *self = CORRAL_GUEST_SNAPSHOTS (object);

  corral_guest_snapshots_set_guest (self, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CORRAL_TYPE_GUEST_SNAPSHOTS);

  G_OBJECT_CLASS (corral_guest_snapshots_parent_class)->dispose (object);
}

static void
corral_guest_snapshots_finalize (GObject *object)
{
  CorralGuestSnapshots *self = CORRAL_GUEST_SNAPSHOTS (object);

  g_clear_pointer (&self->snapshots, g_ptr_array_unref);
  g_free (self->unsupported);
  g_free (self->error);

  G_OBJECT_CLASS (corral_guest_snapshots_parent_class)->finalize (object);
}

static void
corral_guest_snapshots_class_init (CorralGuestSnapshotsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = corral_guest_snapshots_dispose;
  object_class->finalize = corral_guest_snapshots_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/corralvm/Corral/corral-guest-snapshots.ui");
  gtk_widget_class_bind_template_child (widget_class, CorralGuestSnapshots, spinner);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestSnapshots, take_button);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestSnapshots, message_row);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestSnapshots, message_icon);

  gtk_widget_class_install_action (widget_class, "snapshots.take", NULL, take_action);
  gtk_widget_class_install_action (widget_class, "snapshots.revert", "s", revert_action);
  gtk_widget_class_install_action (widget_class, "snapshots.delete", "s", delete_action);
}

static void
corral_guest_snapshots_init (CorralGuestSnapshots *self)
{
  self->rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  update_busy (self);
  update_message (self);
}

/* --- public API --- */

GtkWidget *
corral_guest_snapshots_new (void)
{
  return g_object_new (CORRAL_TYPE_GUEST_SNAPSHOTS, NULL);
}

CorralGuest *
corral_guest_snapshots_get_guest (CorralGuestSnapshots *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST_SNAPSHOTS (self), NULL);
  return self->guest;
}

gboolean
corral_guest_snapshots_is_busy (CorralGuestSnapshots *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST_SNAPSHOTS (self), FALSE);
  return self->fetching > 0 || self->acting;
}

void
corral_guest_snapshots_set_guest (CorralGuestSnapshots *self,
                                  CorralGuest          *guest)
{
  g_return_if_fail (CORRAL_IS_GUEST_SNAPSHOTS (self));
  g_return_if_fail (guest == NULL || CORRAL_IS_GUEST (guest));

  if (self->guest == guest)
    return;
  if (self->guest != NULL)
    g_signal_handlers_disconnect_by_func (self->guest, guest_changed_cb, self);
  if (self->domain != NULL)
    g_signal_handlers_disconnect_by_func (self->domain, guest_changed_cb, self);
  g_clear_object (&self->domain);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->guest, guest);
  g_clear_pointer (&self->snapshots, g_ptr_array_unref);
  g_clear_pointer (&self->unsupported, g_free);
  g_clear_pointer (&self->error, g_free);
  self->supported = FALSE;
  self->acting = FALSE;
  if (self->rows != NULL)
    clear_rows (self);
  if (guest != NULL)
    {
      g_signal_connect_object (guest, "notify::state", G_CALLBACK (guest_changed_cb), self, G_CONNECT_SWAPPED);
      self->domain = corral_guest_get_domain (guest) != NULL ? g_object_ref (corral_guest_get_domain (guest))
                                                             : NULL;
      /* the definition changed (a disk added or its format): whether snapshots are possible may too */
      if (self->domain != NULL)
        g_signal_connect_object (self->domain, "updated", G_CALLBACK (guest_changed_cb), self,
                                 G_CONNECT_SWAPPED);
    }
  update_message (self);
  refresh (self);
}
