/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-new-guest-window"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-new-guest-window-private.h"

/* The identity page, for a guest made from a cloud image: the user cloud-init makes, the SSH public
 * keys it authorizes (the user's own from ~/.ssh, read in a thread, or pasted), an optional password.
 * Every check is corral-cloud-init's; this file shows and asks. */

/* --- the key rows --- */

static void
key_toggled_cb (CorralNewGuestWindow *self)
{
  self->identity_touched = TRUE;
  _corral_new_guest_window_update (self);
}

static const CorralSshKey *
row_key (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "corral-key");
}

static GtkCheckButton *
row_check (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "corral-check");
}

/* A row for @key, checked; or the row of the same key already listed, checked again. */
static void
add_key_row (CorralNewGuestWindow *self,
             CorralSshKey         *key)
{
  g_autoptr(CorralSshKey) owned = key;
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;
  const char *title;
  GtkWidget *row, *check;

  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self->keys_list)); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    {
      if (row_key (w) != NULL && g_strcmp0 (row_key (w)->line, key->line) == 0)
        {
          gtk_check_button_set_active (row_check (w), TRUE);
          return;
        }
    }

  /* the comment names a key for people ("alice@laptop"); else its file */
  if (key->comment != NULL && *key->comment != '\0')
    title = key->comment;
  else if (key->path != NULL)
    title = label = g_path_get_basename (key->path);
  else
    title = _("Pasted key");
  /* Translators: a key's type and fingerprint, e.g. "ssh-ed25519 · SHA256:abc…" */
  subtitle = g_strdup_printf (_("%s · %s"), key->type, key->fingerprint);

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  check = gtk_check_button_new ();
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  g_free (label);
  /* Translators: the accessible name of a key's check button, e.g. "Authorize alice@laptop" */
  label = g_strdup_printf (_("Authorize %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data_full (G_OBJECT (row), "corral-key", g_steal_pointer (&owned),
                          (GDestroyNotify) corral_ssh_key_free);
  g_object_set_data (G_OBJECT (row), "corral-check", check);
  g_signal_connect_object (check, "toggled", G_CALLBACK (key_toggled_cb), self, G_CONNECT_SWAPPED);
  gtk_list_box_append (self->keys_list, row);
}

/* --- the user's keys, read in a thread --- */

static void
list_keys_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *keys = corral_cloud_list_user_keys (NULL, &error);

  if (keys == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, keys, (GDestroyNotify) g_ptr_array_unref);
}

static void
keys_listed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CorralNewGuestWindow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_NEW_GUEST_WINDOW (user_data);
  self->keys_loading = FALSE;
  if (keys == NULL)
    /* no ~/.ssh is no keys; the placeholder says what to do */
    g_debug ("No keys from ~/.ssh: %s", error->message);
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    add_key_row (self, corral_ssh_key_copy (g_ptr_array_index (keys, i)));
  _corral_new_guest_window_update (self);
}

/* Reads the user's public keys from ~/.ssh, the first time a cloud image is chosen. */
void
_corral_new_guest_window_load_keys (CorralNewGuestWindow *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->keys_requested)
    return;
  self->keys_requested = TRUE;
  self->keys_loading = TRUE;
  /* the window's cancellable: cancelled in dispose, and then the callback touches nothing */
  task = g_task_new (NULL, self->cancellable, keys_listed_cb, self);
  g_task_set_source_tag (task, _corral_new_guest_window_load_keys);
  g_task_run_in_thread (task, list_keys_thread);
}

/* --- a pasted key --- */

static void paste_changed_cb (CorralNewGuestWindow *self);

/* The pasted key, or NULL with why not; a private key is taken out of the field at once. */
static CorralSshKey *
parse_pasted (CorralNewGuestWindow  *self,
              GError               **error)
{
  g_autofree char *text = _corral_new_guest_window_entry_text (self->paste_entry);
  CorralSshKey *key;

  if (text == NULL)
    return NULL;
  key = corral_cloud_parse_public_key (text, error);
  if (key == NULL && strstr (text, "PRIVATE KEY") != NULL)
    {
      /* refused, and not kept around: the message stays, the key goes */
      g_signal_handlers_block_by_func (self->paste_entry, paste_changed_cb, self);
      gtk_editable_set_text (GTK_EDITABLE (self->paste_entry), "");
      g_signal_handlers_unblock_by_func (self->paste_entry, paste_changed_cb, self);
    }
  return key;
}

static void
show_paste_error (CorralNewGuestWindow *self,
                  const char           *message)
{
  gtk_label_set_label (self->paste_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->paste_error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->paste_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->paste_entry), "error");
}

/* Checked as typed or pasted, once there is something: no error before input (issue 19, point
 * 10). */
static void
paste_changed_cb (CorralNewGuestWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralSshKey) key = NULL;

  key = parse_pasted (self, &error);
  show_paste_error (self, key == NULL && error != NULL ? error->message : NULL);
}

static void
paste_apply_cb (CorralNewGuestWindow *self)
{
  g_autoptr(GError) error = NULL;
  CorralSshKey *key = parse_pasted (self, &error);

  if (key == NULL)
    {
      show_paste_error (self, error != NULL ? error->message
                                            : _("Paste a public key: a line from a .pub file"));
      return;
    }
  self->identity_touched = TRUE;
  add_key_row (self, key);
  gtk_editable_set_text (GTK_EDITABLE (self->paste_entry), "");
  show_paste_error (self, NULL);
  gtk_revealer_set_reveal_child (self->paste_revealer, FALSE);
  _corral_new_guest_window_update (self);
}

void
_corral_new_guest_window_add_key_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->paste_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->paste_entry));
}

static void
identity_changed_cb (CorralNewGuestWindow *self)
{
  self->identity_touched = TRUE;
  _corral_new_guest_window_update (self);
}

/* --- the page --- */

void
_corral_new_guest_window_init_identity (CorralNewGuestWindow *self)
{
  const char *user = g_get_user_name ();
  GtkWidget *placeholder;

  /* the desktop user's name, when it is one a guest can have (not root, say) */
  if (user != NULL && corral_cloud_check_user_name (user, NULL))
    gtk_editable_set_text (GTK_EDITABLE (self->user_entry), user);

  placeholder = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (placeholder), _("No public keys in ~/.ssh"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (placeholder),
                               _("Add one, make one with ssh-keygen, or give a password"));
  gtk_list_box_set_placeholder (self->keys_list, placeholder);

  g_signal_connect_object (self->user_entry, "changed", G_CALLBACK (identity_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->password_entry, "changed", G_CALLBACK (identity_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->confirm_entry, "changed", G_CALLBACK (identity_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->paste_entry, "changed", G_CALLBACK (paste_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->paste_entry, "apply", G_CALLBACK (paste_apply_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->paste_entry, "entry-activated", G_CALLBACK (paste_apply_cb), self,
                           G_CONNECT_SWAPPED);
}

/* The checked keys, the user name and the password, as the spec takes them. */
CorralCloudIdentity *
_corral_new_guest_window_build_identity (CorralNewGuestWindow *self)
{
  CorralCloudIdentity *identity = corral_cloud_identity_new ();
  g_autoptr(GPtrArray) lines = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  identity->user_name = _corral_new_guest_window_entry_text (self->user_entry);
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self->keys_list)); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (row_key (w) != NULL && gtk_check_button_get_active (row_check (w)))
      g_ptr_array_add (lines, g_strdup (row_key (w)->line));
  g_strfreev (identity->ssh_keys);
  identity->ssh_keys = (char **) g_ptr_array_steal (lines, NULL);
  g_free (identity->password);
  identity->password = *password != '\0' ? g_strdup (password) : NULL;
  return identity;
}

guint
_corral_new_guest_window_count_keys (CorralNewGuestWindow *self)
{
  guint n = 0;

  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self->keys_list)); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    n += row_key (w) != NULL && gtk_check_button_get_active (row_check (w));
  return n;
}

/* TRUE when the identity page is complete; FALSE without an error while the keys are still read.
 * What is asked in the page's own words first (no name yet, the password twice), then the spec's
 * check. */
gboolean
_corral_new_guest_window_check_identity (CorralNewGuestWindow   *self,
                                         const CorralGuestSpec  *spec,
                                         GError                **error)
{
  const CorralCloudIdentity *identity = spec->identity;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_entry));

  if (self->keys_loading)
    return FALSE;
  if (identity == NULL || identity->user_name == NULL)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME,
                           _("Give the user name to log in with"));
      return FALSE;
    }
  if (!corral_cloud_check_user_name (identity->user_name, error))
    return FALSE;
  if (g_strcmp0 (password, confirm) != 0)
    {
      g_set_error_literal (error, CORRAL_ERROR, CORRAL_ERROR_INVALID_ARGUMENT,
                           *confirm == '\0' ? _("Type the password again to confirm it")
                                            : _("The passwords differ: type the same one twice"));
      return FALSE;
    }
  /* and someone can log in: a key or a password */
  return corral_guest_spec_check_identity_page (spec, error);
}

/* The host name row (the guest's name, from the spec) and the field a problem is about. */
void
_corral_new_guest_window_update_identity (CorralNewGuestWindow  *self,
                                          const CorralGuestSpec *spec,
                                          const GError          *problem)
{
  g_autofree char *host_name = NULL;
  gboolean user_wrong = self->identity_touched && problem != NULL
                        && g_error_matches (problem, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME);
  gboolean confirm_wrong = self->identity_touched && problem != NULL
                           && g_error_matches (problem, CORRAL_ERROR, CORRAL_ERROR_INVALID_ARGUMENT);

  if (spec->name != NULL && spec->count > 1)
    {
      g_autofree char *first = corral_guest_spec_dup_guest_name (spec, 0);
      g_autofree char *last = corral_guest_spec_dup_guest_name (spec, spec->count - 1);

      /* Translators: e.g. "Each guest’s name: node1 … node3" */
      host_name = g_strdup_printf (_("Each guest’s name: %s … %s"), first, last);
    }
  else if (spec->name != NULL)
    /* Translators: e.g. "The guest’s name: debian12" */
    host_name = g_strdup_printf (_("The guest’s name: %s"), spec->name);
  else
    host_name = g_strdup (_("The guest’s name, given on the last page"));
  adw_action_row_set_subtitle (self->host_name_row, host_name);

  if (user_wrong)
    gtk_widget_add_css_class (GTK_WIDGET (self->user_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->user_entry), "error");
  if (confirm_wrong)
    gtk_widget_add_css_class (GTK_WIDGET (self->confirm_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->confirm_entry), "error");
}
