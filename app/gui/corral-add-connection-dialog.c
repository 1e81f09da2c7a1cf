/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-add-connection-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-a11y.h"
#include "corral-add-connection-dialog.h"
#include "corral-connection.h"
#include "corral-error.h"

enum {
  KIND_SYSTEM,
  KIND_SESSION,
  KIND_SSH,
  KIND_CUSTOM,
};

struct _CorralAddConnectionDialog
{
  AdwMessageDialog  parent_instance;

  /* template children */
  AdwComboRow      *kind_row;
  AdwEntryRow      *address_row;
  AdwEntryRow      *uri_row;
  GtkLabel         *result_label;

  gboolean          address_touched;   /* typed in: only then is a bad value marked as an error */
  gboolean          uri_touched;
};

G_DEFINE_FINAL_TYPE (CorralAddConnectionDialog, corral_add_connection_dialog, ADW_TYPE_MESSAGE_DIALOG)

char *
corral_connection_uri_for (guint        kind,
                           const char  *text,
                           GError     **error)
{
  g_autoptr(GUri) parsed = NULL;

  switch (kind)
    {
    case KIND_SYSTEM:
      return g_strdup ("qemu:///system");
    case KIND_SESSION:
      return g_strdup ("qemu:///session");
    case KIND_SSH:
      if (!corral_ssh_target_is_valid (text))
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                       _("Enter a host name, or user@host, with letters, digits, dots and dashes only"));
          return NULL;
        }
      return g_strdup_printf ("qemu+ssh://%s/system", text);
    case KIND_CUSTOM:
    default:
      parsed = g_uri_parse (text != NULL ? text : "", G_URI_FLAGS_NON_DNS, NULL);
      if (parsed == NULL || g_uri_get_scheme (parsed) == NULL)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                       _("Enter a libvirt URI such as qemu+ssh://user@host/system"));
          return NULL;
        }
      return g_strdup (text);
    }
}

char *
corral_add_connection_dialog_get_uri (CorralAddConnectionDialog  *self,
                                      GError                    **error)
{
  guint kind;
  const char *text = NULL;

  g_return_val_if_fail (CORRAL_IS_ADD_CONNECTION_DIALOG (self), NULL);

  kind = adw_combo_row_get_selected (self->kind_row);
  if (kind == KIND_SSH)
    text = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  else if (kind == KIND_CUSTOM)
    text = gtk_editable_get_text (GTK_EDITABLE (self->uri_row));
  return corral_connection_uri_for (kind, text, error);
}

static void
update (CorralAddConnectionDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  guint kind = adw_combo_row_get_selected (self->kind_row);

  gtk_widget_set_visible (GTK_WIDGET (self->address_row), kind == KIND_SSH);
  gtk_widget_set_visible (GTK_WIDGET (self->uri_row), kind == KIND_CUSTOM);

  uri = corral_add_connection_dialog_get_uri (self, &error);
  gtk_label_set_label (self->result_label, uri != NULL ? uri : error->message);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "add", uri != NULL);

  /* Red only for what was typed: an empty field just opened asks, it is not wrong yet. */
  gtk_widget_remove_css_class (GTK_WIDGET (self->address_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->uri_row), "error");
  if (uri == NULL && kind == KIND_SSH && self->address_touched)
    gtk_widget_add_css_class (GTK_WIDGET (self->address_row), "error");
  else if (uri == NULL && kind == KIND_CUSTOM && self->uri_touched)
    gtk_widget_add_css_class (GTK_WIDGET (self->uri_row), "error");
}

static void
address_changed_cb (CorralAddConnectionDialog *self)
{
  self->address_touched = TRUE;
  update (self);
}

static void
uri_changed_cb (CorralAddConnectionDialog *self)
{
  self->uri_touched = TRUE;
  update (self);
}

/* Enter in a field presses Add, when Add can be pressed. */
static void
entry_activated_cb (CorralAddConnectionDialog *self)
{
  if (!adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (self), "add"))
    return;
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "add");
  gtk_window_close (GTK_WINDOW (self));
}

static void
response_cb (CorralAddConnectionDialog *self,
             const char                *response)
{
  g_autofree char *uri = NULL;
  GtkWindow *parent;

  if (g_strcmp0 (response, "add") != 0)
    return;
  uri = corral_add_connection_dialog_get_uri (self, NULL);
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (uri != NULL && parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "app.add-connection-uri", "s", uri);
}

static void
corral_add_connection_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CORRAL_TYPE_ADD_CONNECTION_DIALOG);
  G_OBJECT_CLASS (corral_add_connection_dialog_parent_class)->dispose (object);
}

static void
corral_add_connection_dialog_class_init (CorralAddConnectionDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = corral_add_connection_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/corralvm/Corral/corral-add-connection-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CorralAddConnectionDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, CorralAddConnectionDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, CorralAddConnectionDialog, uri_row);
  gtk_widget_class_bind_template_child (widget_class, CorralAddConnectionDialog, result_label);
}

static void
corral_add_connection_dialog_init (CorralAddConnectionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->kind_row, "notify::selected", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->address_row, "changed", G_CALLBACK (address_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->uri_row, "changed", G_CALLBACK (uri_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->address_row, "entry-activated", G_CALLBACK (entry_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->uri_row, "entry-activated", G_CALLBACK (entry_activated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
  update (self);
  corral_a11y_fix_names (GTK_WIDGET (self));
}

GtkWidget *
corral_add_connection_dialog_new (GtkWindow *parent)
{
  return g_object_new (CORRAL_TYPE_ADD_CONNECTION_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
}
