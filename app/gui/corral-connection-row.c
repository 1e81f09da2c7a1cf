/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-connection-row"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-connection-dialog.h"
#include "corral-connection-row.h"

/* The header above a connection's guests in the list: its name, whether it is the demo, its status, and
 * a menu to reconnect, disconnect, remove it or see its properties. */
struct _CorralConnectionRow
{
  GtkWidget         parent_instance;

  CorralConnection *connection;

  /* template children */
  GtkWidget        *box;
  GtkLabel         *title_label;
  GtkWidget        *demo_label;
  GtkSpinner       *spinner;
  GtkLabel         *status_label;
  GtkWidget        *menu_button;
};

G_DEFINE_FINAL_TYPE (CorralConnectionRow, corral_connection_row, GTK_TYPE_WIDGET)

static void
update (CorralConnectionRow *self)
{
  CorralConnectionStatus status;
  const char *message;
  g_autofree char *text = NULL;

  if (self->connection == NULL)
    return;

  status = corral_connection_get_status (self->connection);
  message = corral_connection_get_error_message (self->connection);

  gtk_label_set_label (self->title_label, corral_connection_get_title (self->connection));
  gtk_widget_set_visible (self->demo_label, corral_connection_is_demo (self->connection));
  gtk_spinner_set_spinning (self->spinner, status == CORRAL_CONNECTION_STATUS_CONNECTING ||
                                           status == CORRAL_CONNECTION_STATUS_DISCONNECTED);

  if (status == CORRAL_CONNECTION_STATUS_CONNECTED && corral_connection_is_demo (self->connection))
    text = g_strdup (_("Sample guests: nothing runs, changes are lost on quitting"));
  else if (status == CORRAL_CONNECTION_STATUS_CONNECTED)
    text = g_strdup (corral_connection_get_uri (self->connection));
  else if (message != NULL)
    text = g_strdup_printf ("%s: %s", corral_connection_get_status_label (self->connection), message);
  else
    text = g_strdup (corral_connection_get_status_label (self->connection));
  gtk_label_set_label (self->status_label, text);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  corral_connection_get_title (self->connection), -1);
  {
    /* Translators: the accessible name of a connection's menu button, e.g. "Menu of libvirt test driver" */
    g_autofree char *menu = g_strdup_printf (_("Menu of %s"), corral_connection_get_title (self->connection));

    gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL, menu, -1);
    /* and on the toggle button inside it, which is what takes focus */
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_first_child (self->menu_button)),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, menu, -1);
  }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connection.disconnect",
                                 status != CORRAL_CONNECTION_STATUS_IDLE &&
                                 status != CORRAL_CONNECTION_STATUS_FAILED);
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CorralConnectionRow *self = CORRAL_CONNECTION_ROW (widget);

  if (self->connection == NULL)
    return;
  corral_connection_close (self->connection);
  corral_connection_open_async (self->connection, NULL, NULL, NULL);
}

static void
disconnect_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CorralConnectionRow *self = CORRAL_CONNECTION_ROW (widget);

  if (self->connection != NULL)
    corral_connection_close (self->connection);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CorralConnectionRow *self = CORRAL_CONNECTION_ROW (widget);

  /* The window removes it from the list, the application from the saved connections. */
  if (self->connection != NULL)
    gtk_widget_activate_action (widget, "win.remove-connection", "s", corral_connection_get_uri (self->connection));
}

static void
properties_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CorralConnectionRow *self = CORRAL_CONNECTION_ROW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->connection == NULL)
    return;
  gtk_window_present (GTK_WINDOW (corral_connection_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                self->connection)));
}

static void
connection_notify_cb (CorralConnectionRow *self)
{
  update (self);
}

static void
corral_connection_row_dispose (GObject *object)
{
  CorralConnectionRow *self = CORRAL_CONNECTION_ROW (object);

  corral_connection_row_set_connection (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CORRAL_TYPE_CONNECTION_ROW);

  G_OBJECT_CLASS (corral_connection_row_parent_class)->dispose (object);
}

static void
corral_connection_row_class_init (CorralConnectionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = corral_connection_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/corralvm/Corral/corral-connection-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CorralConnectionRow, box);
  gtk_widget_class_bind_template_child (widget_class, CorralConnectionRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, CorralConnectionRow, demo_label);
  gtk_widget_class_bind_template_child (widget_class, CorralConnectionRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, CorralConnectionRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, CorralConnectionRow, menu_button);
  gtk_widget_class_install_action (widget_class, "connection.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "connection.disconnect", NULL, disconnect_action);
  gtk_widget_class_install_action (widget_class, "connection.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "connection.properties", NULL, properties_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
corral_connection_row_init (CorralConnectionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
corral_connection_row_new (void)
{
  return g_object_new (CORRAL_TYPE_CONNECTION_ROW, NULL);
}

void
corral_connection_row_set_connection (CorralConnectionRow *self,
                                      CorralConnection    *connection)
{
  g_return_if_fail (CORRAL_IS_CONNECTION_ROW (self));

  if (self->connection == connection)
    return;

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_func (self->connection, connection_notify_cb, self);
  g_set_object (&self->connection, connection);
  if (connection != NULL)
    {
      g_signal_connect_object (connection, "notify::status", G_CALLBACK (connection_notify_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (connection, "notify::error-message", G_CALLBACK (connection_notify_cb), self,
                               G_CONNECT_SWAPPED);
      update (self);
    }
}
