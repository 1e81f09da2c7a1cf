/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-application"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-a11y.h"
#include "corral-application.h"
#include "corral-window.h"

struct _CorralApplication
{
  AdwApplication  parent_instance;

  CorralManager  *manager;
  GSettings      *settings;
  GCancellable   *cancellable;
  char          **cli_uris;     /* --connect: used instead of the saved connections, not saved */
};

/* The same addresses as data/org.corralvm.Corral.metainfo.xml.in's homepage and bugtracker. */
#define CORRAL_WEBSITE "https://corralvm.org"
#define CORRAL_ISSUES  "https://corralvm.org/issues"

G_DEFINE_FINAL_TYPE (CorralApplication, corral_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Open this libvirt connection (may be given more than once)"), N_("URI") },
  { NULL }
};

static CorralWindow *
get_window (CorralApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return CORRAL_IS_WINDOW (window) ? CORRAL_WINDOW (window) : NULL;
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* A failure shows on the connection's own header, with libvirt's message. */
  if (!corral_connection_open_finish (CORRAL_CONNECTION (object), result, &error))
    g_debug ("Could not open %s: %s", corral_connection_get_uri (CORRAL_CONNECTION (object)), error->message);
}

static void
open_uri (CorralApplication *self,
          const char        *uri)
{
  CorralConnection *connection = corral_manager_add_connection (self->manager, uri);

  if (corral_connection_get_status (connection) == CORRAL_CONNECTION_STATUS_IDLE ||
      corral_connection_get_status (connection) == CORRAL_CONNECTION_STATUS_FAILED)
    corral_connection_open_async (connection, self->cancellable, open_cb, NULL);
}

static void
default_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CorralApplication) self = user_data;
  g_autoptr(CorralConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  CorralWindow *window;

  connection = corral_manager_connect_default_finish (CORRAL_MANAGER (object), result, &error);
  window = get_window (self);
  if (connection == NULL && window != NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    corral_window_set_no_libvirt (window, error->message);
}

static void
connect_default (CorralApplication *self)
{
  CorralWindow *window = get_window (self);

  if (window != NULL)
    corral_window_set_no_libvirt (window, NULL);
  corral_manager_connect_default_async (self->manager, self->cancellable, default_cb, g_object_ref (self));
}

/* A connection to a real libvirt on this computer (qemu:///system, qemu:///session, …; not the test driver). */
static gboolean
has_local_connection (CorralApplication *self)
{
  GListModel *connections = corral_manager_get_connections (self->manager);
  guint n = g_list_model_get_n_items (connections);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CorralConnection) connection = g_list_model_get_item (connections, i);

      if (corral_connection_is_local (connection) && !corral_connection_is_test (connection))
        return TRUE;
    }
  return FALSE;
}

static void
start_connections (CorralApplication *self)
{
  g_auto(GStrv) saved = NULL;
  const char * const *uris;

  if (self->cli_uris != NULL && self->cli_uris[0] != NULL)
    uris = (const char * const *) self->cli_uris;
  else
    {
      saved = g_settings_get_strv (self->settings, "connections");
      uris = (const char * const *) saved;
    }

  if (uris[0] == NULL)
    {
      connect_default (self);
      return;
    }
  for (guint i = 0; uris[i] != NULL; i++)
    open_uri (self, uris[i]);

  /* Saved connections that are all elsewhere (a remote host, the demo) leave this computer's own libvirt
   * out: try it too, as on a first start. Not with --connect, which asks for those connections only. */
  if (saved != NULL && !has_local_connection (self))
    connect_default (self);
}

/* --- actions --- */

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  CorralApplication *self = user_data;
  static const char *developers[] = { "The Corral developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Corral"),
                         "website", CORRAL_WEBSITE,
                         "issue-url", CORRAL_ISSUES,
                         "application-icon", APP_ID,
                         "developer-name", _("The Corral developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Create, run and reach virtual machines on this computer"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
connect_default_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  connect_default (CORRAL_APPLICATION (user_data));
}

static void
add_connection_uri_action (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  CorralApplication *self = user_data;
  const char *uri = g_variant_get_string (parameter, NULL);
  g_auto(GStrv) saved = g_settings_get_strv (self->settings, "connections");

  if (!g_strv_contains ((const char * const *) saved, uri))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) updated = NULL;

      g_strv_builder_addv (builder, (const char **) saved);
      g_strv_builder_add (builder, uri);
      updated = g_strv_builder_end (builder);
      g_settings_set_strv (self->settings, "connections", (const char * const *) updated);
    }
  open_uri (self, uri);
}

static void
forget_connection_uri_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  CorralApplication *self = user_data;
  const char *uri = g_variant_get_string (parameter, NULL);
  g_auto(GStrv) saved = g_settings_get_strv (self->settings, "connections");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  if (!g_strv_contains ((const char * const *) saved, uri))
    return;
  for (guint i = 0; saved[i] != NULL; i++)
    if (!g_str_equal (saved[i], uri))
      g_strv_builder_add (builder, saved[i]);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "connections", (const char * const *) updated);
}

static void
open_console_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  CorralApplication *self = user_data;
  const char *uuid = g_variant_get_string (parameter, NULL);
  CorralWindow *window = get_window (self);
  CorralGuest *guest;

  if (window == NULL)
    return;
  guest = corral_manager_find_guest (self->manager, uuid);
  if (guest != NULL)
    {
      corral_window_select_guest (window, guest);
      corral_window_open_console (window, guest);
    }
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "connect-default", connect_default_action },
  { "add-connection-uri", add_connection_uri_action, "s" },
  { "forget-connection-uri", forget_connection_uri_action, "s" },
  { "open-console", open_console_action, "s" },
};

/* --- GApplication --- */

static int
corral_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  CorralApplication *self = CORRAL_APPLICATION (app);

  g_clear_pointer (&self->cli_uris, g_strfreev);
  g_variant_dict_lookup (options, "connect", "^as", &self->cli_uris);

  return G_APPLICATION_CLASS (corral_application_parent_class)->handle_local_options (app, options);
}

static void
corral_application_startup (GApplication *app)
{
  CorralApplication *self = CORRAL_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (corral_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);
  gtk_window_set_default_icon_name (APP_ID);
}

static void
corral_application_activate (GApplication *app)
{
  CorralApplication *self = CORRAL_APPLICATION (app);
  CorralWindow *window = get_window (self);

  if (window == NULL)
    {
      /* Connections first: libvirt loads its guests in worker threads while GTK builds the window. */
      start_connections (self);
      window = corral_window_new (GTK_APPLICATION (self), self->manager);
      /* the shortcuts window GTK made from gtk/help-overlay.ui: its buttons' names too */
      if (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)) != NULL)
        corral_a11y_fix_names (GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window))));
      g_settings_bind (self->settings, "window-width", window, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", window, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", window, "maximized", G_SETTINGS_BIND_DEFAULT);
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
corral_application_shutdown (GApplication *app)
{
  CorralApplication *self = CORRAL_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);

  G_APPLICATION_CLASS (corral_application_parent_class)->shutdown (app);
}

static void
corral_application_dispose (GObject *object)
{
  CorralApplication *self = CORRAL_APPLICATION (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->manager);
  g_clear_pointer (&self->cli_uris, g_strfreev);

  G_OBJECT_CLASS (corral_application_parent_class)->dispose (object);
}

static void
corral_application_class_init (CorralApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = corral_application_dispose;
  app_class->handle_local_options = corral_application_handle_local_options;
  app_class->startup = corral_application_startup;
  app_class->activate = corral_application_activate;
  app_class->shutdown = corral_application_shutdown;
}

static void
corral_application_init (CorralApplication *self)
{
  self->manager = corral_manager_new ();
  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

CorralApplication *
corral_application_new (void)
{
  return g_object_new (CORRAL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/corralvm/Corral",
                       NULL);
}

CorralManager *
corral_application_get_manager (CorralApplication *self)
{
  g_return_val_if_fail (CORRAL_IS_APPLICATION (self), NULL);
  return self->manager;
}
