/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-connection-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-a11y.h"
#include "corral-connection-dialog.h"

/* A connection's properties, read only and kept current: its URI, title, status and last error, the URI
 * and the error copyable. Opened from the connection's menu in the guest list. */
struct _CorralConnectionDialog
{
  AdwMessageDialog  parent_instance;

  CorralConnection *connection;

  /* template children */
  AdwActionRow     *uri_row;
  AdwActionRow     *title_row;
  AdwActionRow     *status_row;
  AdwActionRow     *guests_row;
  AdwActionRow     *error_row;
};

G_DEFINE_FINAL_TYPE (CorralConnectionDialog, corral_connection_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
update (CorralConnectionDialog *self)
{
  const char *error = corral_connection_get_error_message (self->connection);
  g_autofree char *guests = g_strdup_printf ("%u", g_list_model_get_n_items (corral_connection_get_guests (self->connection)));

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), corral_connection_get_title (self->connection));
  adw_action_row_set_subtitle (self->uri_row, corral_connection_get_uri (self->connection));
  adw_action_row_set_subtitle (self->title_row, corral_connection_get_title (self->connection));
  adw_action_row_set_subtitle (self->status_row, corral_connection_get_status_label (self->connection));
  adw_action_row_set_subtitle (self->guests_row, guests);
  adw_action_row_set_subtitle (self->error_row, error != NULL ? error : _("None"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.copy-error", error != NULL);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CorralConnectionDialog *self = CORRAL_CONNECTION_DIALOG (widget);
  const char *text;

  if (g_str_equal (action_name, "dialog.copy-uri"))
    text = corral_connection_get_uri (self->connection);
  else
    text = corral_connection_get_error_message (self->connection);
  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

static void
corral_connection_dialog_dispose (GObject *object)
{
  CorralConnectionDialog *self = CORRAL_CONNECTION_DIALOG (object);

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_func (self->connection, update, self);
  g_clear_object (&self->connection);
  gtk_widget_dispose_template (GTK_WIDGET (object), CORRAL_TYPE_CONNECTION_DIALOG);
  G_OBJECT_CLASS (corral_connection_dialog_parent_class)->dispose (object);
}

static void
corral_connection_dialog_class_init (CorralConnectionDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = corral_connection_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/corralvm/Corral/corral-connection-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CorralConnectionDialog, uri_row);
  gtk_widget_class_bind_template_child (widget_class, CorralConnectionDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, CorralConnectionDialog, status_row);
  gtk_widget_class_bind_template_child (widget_class, CorralConnectionDialog, guests_row);
  gtk_widget_class_bind_template_child (widget_class, CorralConnectionDialog, error_row);
  gtk_widget_class_install_action (widget_class, "dialog.copy-uri", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "dialog.copy-error", NULL, copy_action);
}

static void
corral_connection_dialog_init (CorralConnectionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
corral_connection_dialog_new (GtkWindow        *parent,
                              CorralConnection *connection)
{
  CorralConnectionDialog *self;

  g_return_val_if_fail (CORRAL_IS_CONNECTION (connection), NULL);

  self = g_object_new (CORRAL_TYPE_CONNECTION_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  self->connection = g_object_ref (connection);
  g_signal_connect_object (connection, "notify::status", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "notify::error-message", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (corral_connection_get_guests (connection), "items-changed", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  update (self);
  corral_a11y_fix_names (GTK_WIDGET (self));
  return GTK_WIDGET (self);
}

CorralConnection *
corral_connection_dialog_get_connection (CorralConnectionDialog *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION_DIALOG (self), NULL);
  return self->connection;
}
