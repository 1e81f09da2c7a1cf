/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-forwards-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-forwards-dialog.h"
#include "corral-error.h"
#include "corral-helper-validate.h"

/* After the guest starts or stops, libvirt's hook has changed the rules by the time the event
 * comes; look again a little later too, for a hook that is slow. */
#define RELOAD_DELAY_MS 1500

/* A guest made from a cloud image is reached with ssh: the dialog offers its port 22 at first, from
 * host port 2222 (or the next free one). */
#define SSH_PORT      22
#define SSH_HOST_PORT 2222

struct _CorralForwardsDialog
{
  AdwWindow             parent_instance;

  CorralGuest          *guest;
  CorralHelperClient   *client;
  GCancellable         *cancellable;
  GListStore           *forwards;
  AdwToast             *toast;      /* the last one shown: unowned, cleared when dismissed */
  guint                 reload_source;
  guint                 busy;
  gboolean              helper_missing;
  gboolean              adding;
  gboolean              host_port_edited;
  gboolean              setting_host_port;
  char                 *conflict;    /* the helper's refusal of the host port, until it is edited */
  GArray               *host_ports;  /* ports host programs hold, for the selected protocol */

  /* template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkWidget            *status_group;
  AdwActionRow         *status_row;
  AdwActionRow         *address_row;
  GtkWidget            *forwards_group;
  GtkListBox           *forwards_list;
  GtkWidget            *add_group;
  AdwComboRow          *protocol_row;
  AdwEntryRow          *guest_port_row;
  AdwEntryRow          *host_port_row;
  GtkLabel             *add_error_label;
  GtkWidget            *add_button;
};

enum {
  PROP_0,
  PROP_GUEST,
  PROP_CLIENT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CorralForwardsDialog, corral_forwards_dialog, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];

static void reload (CorralForwardsDialog *self);
static void validate (CorralForwardsDialog *self);

static gboolean
guest_running (CorralForwardsDialog *self)
{
  return corral_guest_get_state (self->guest) == CORRAL_GUEST_STATE_RUNNING;
}

static const char *
selected_protocol (CorralForwardsDialog *self)
{
  return adw_combo_row_get_selected (self->protocol_row) == 1 ? "udp" : "tcp";
}

static void
toast_dismissed_cb (CorralForwardsDialog *self,
                    AdwToast             *toast)
{
  if (self->toast == toast)
    self->toast = NULL;
}

/* Shows @toast at once, in place of the last one: each says what just happened. */
static void
show_toast (CorralForwardsDialog *self,
            AdwToast             *toast)
{
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  self->toast = toast;
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_toast_set_timeout (toast, 10);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_message (CorralForwardsDialog *self,
              const char           *message)
{
  show_toast (self, adw_toast_new (message));
}

static void
busy_begin (CorralForwardsDialog *self)
{
  self->busy++;
}

static void
busy_end (CorralForwardsDialog *self)
{
  g_assert (self->busy > 0);
  self->busy--;
}

static void
show_status (CorralForwardsDialog *self,
             const char           *title,
             const char           *message)
{
  gtk_widget_set_visible (self->status_group, title != NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row),
                                 title != NULL ? title : "");
  adw_action_row_set_subtitle (self->status_row, message != NULL ? message : "");
}

static void
set_helper_missing (CorralForwardsDialog *self,
                    const char           *message)
{
  self->helper_missing = TRUE;
  show_status (self, _("Port forwards are not available"), message);
  gtk_widget_set_visible (self->forwards_group, FALSE);
  gtk_widget_set_sensitive (self->add_group, FALSE);
  validate (self);
}

static void
update_address (CorralForwardsDialog *self)
{
  const char *ip = corral_guest_get_ip_address (self->guest);
  g_autofree char *text = NULL;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->forwards)) > 0)
    {
      g_autoptr(CorralForward) first = g_list_model_get_item (G_LIST_MODEL (self->forwards), 0);

      /* Translators: the guest's address, e.g.
       * "10.0.0.5, reserved for this guest on its network" */
      text = g_strdup_printf (_("%s, reserved for this guest on its network"),
                              corral_forward_get_guest_address (first));
      adw_action_row_set_subtitle (self->address_row, text);
    }
  else if (ip != NULL)
    {
      /* Translators: the guest's address, e.g.
       * "10.0.0.5, kept for it when the first forward is added" */
      text = g_strdup_printf (_("%s, kept for it when the first forward is added"), ip);
      adw_action_row_set_subtitle (self->address_row, text);
    }
  else if (guest_running (self))
    adw_action_row_set_subtitle (self->address_row, _("Not known yet"));
  else
    adw_action_row_set_subtitle (self->address_row,
                                 _("Not known while the guest is not running; one is reserved for "
                                   "it when the first forward is added"));
}

/* --- the list --- */

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CorralForwardsDialog *self = user_data;
  CorralForward *forward = item;
  g_autofree char *title = corral_forward_dup_title (forward);
  g_autofree char *state = corral_forward_dup_state_label (forward, guest_running (self));
  GtkWidget *row, *button;

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), state);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (corral_forward_get_state (forward, guest_running (self)) == CORRAL_FORWARD_STATE_FAILING)
    gtk_widget_add_css_class (row, "error");

  if (corral_forward_get_active (forward) &&
      g_str_equal (corral_forward_get_protocol (forward), "tcp"))
    {
      button = gtk_button_new_with_label (_("Test"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Connect to the host port from this computer"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "forwards.test");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(sqq)",
                                        corral_forward_get_host_address (forward),
                                        (guint16) corral_forward_get_host_port (forward),
                                        (guint16) corral_forward_get_guest_port (forward));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove"), -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "forwards.remove");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ssqq)",
                                    corral_forward_get_protocol (forward),
                                    corral_forward_get_host_address (forward),
                                    (guint16) corral_forward_get_host_port (forward),
                                    (guint16) corral_forward_get_guest_port (forward));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  CorralForwardsDialog *self;
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(GError) error = NULL;

  forwards = corral_helper_client_list_forwards_finish (CORRAL_HELPER_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  busy_end (self);
  if (forwards == NULL)
    {
      if (g_error_matches (error, CORRAL_ERROR, CORRAL_ERROR_HELPER_MISSING))
        set_helper_missing (self, error->message);
      else
        show_message (self, error->message);
      return;
    }
  g_list_store_splice (self->forwards, 0, g_list_model_get_n_items (G_LIST_MODEL (self->forwards)),
                       forwards->pdata, forwards->len);
  update_address (self);
  validate (self);
}

static void
reload (CorralForwardsDialog *self)
{
  busy_begin (self);
  corral_helper_client_list_forwards_async (self->client, corral_guest_get_uuid (self->guest),
                                     self->cancellable, list_cb, self);
}

static void
readiness_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CorralForwardsDialog *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  CorralForwardsReadiness readiness;

  readiness = corral_helper_client_get_readiness_finish (CORRAL_HELPER_CLIENT (object), result,
                                                           &message, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  busy_end (self);
  if (error != NULL)
    {
      if (g_error_matches (error, CORRAL_ERROR, CORRAL_ERROR_HELPER_MISSING))
        set_helper_missing (self, error->message);
      else
        show_status (self, _("Corral’s helper does not answer"), error->message);
      return;
    }
  switch (readiness)
    {
    case CORRAL_FORWARDS_HOOK_MISSING:
    case CORRAL_FORWARDS_HOOK_INACTIVE:
      show_status (self, _("Forwards are not applied when guests start"), message);
      break;
    case CORRAL_FORWARDS_NO_IP_FORWARDING:
      show_status (self, _("Forwards work only from this computer"), message);
      break;
    case CORRAL_FORWARDS_READY:
    default:
      show_status (self, NULL, NULL);
      break;
    }
}

static gboolean
reload_cb (gpointer user_data)
{
  CorralForwardsDialog *self = user_data;

  self->reload_source = 0;
  reload (self);
  return G_SOURCE_REMOVE;
}

static void
guest_state_cb (CorralForwardsDialog *self,
                GParamSpec           *pspec,
                CorralGuest          *guest)
{
  if (self->helper_missing)
    return;
  reload (self);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_cb, self);
}

static void
guest_address_cb (CorralForwardsDialog *self,
                  GParamSpec           *pspec,
                  CorralGuest          *guest)
{
  update_address (self);
}

/* --- adding --- */

static void
set_add_error (CorralForwardsDialog *self,
               AdwEntryRow          *field,
               const char           *message)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->guest_port_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->host_port_row), "error");
  if (field != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (field), "error");
  gtk_label_set_label (self->add_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->add_error_label), message != NULL);
}

/* Checks the fields as they are typed; enables Add when they make a forward the helper can take. */
static void
validate (CorralForwardsDialog *self)
{
  const char *guest_text = gtk_editable_get_text (GTK_EDITABLE (self->guest_port_row));
  const char *host_text = gtk_editable_get_text (GTK_EDITABLE (self->host_port_row));
  const char *protocol = selected_protocol (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  guint guest_port = 0, host_port = 0;
  gboolean ok = FALSE;

  if (guest_text[0] != '\0' &&
      !corral_parse_port (guest_text, _("Guest port"), &guest_port, &error))
    set_add_error (self, self->guest_port_row, error->message);
  else if (host_text[0] != '\0' &&
           !corral_parse_port (host_text, _("Host port"), &host_port, &error))
    set_add_error (self, self->host_port_row, error->message);
  else if (host_port != 0 && (all = corral_helper_client_get_cached_forwards (self->client, NULL)) != NULL)
    {
      g_autofree char *message = NULL;

      for (guint i = 0; i < all->len && message == NULL; i++)
        {
          CorralForward *forward = g_ptr_array_index (all, i);

          if (corral_forward_get_host_port (forward) != host_port ||
              !g_str_equal (corral_forward_get_protocol (forward), protocol))
            continue;
          if (g_strcmp0 (corral_forward_get_guest_uuid (forward),
                         corral_guest_get_uuid (self->guest)) == 0)
            /* Translators: e.g. "Host port 8765/tcp is already forwarded to port 1337 of this
             * guest" */
            message = g_strdup_printf (_("Host port %u/%s is already forwarded to port %u of this "
                                         "guest"),
                                       host_port, protocol,
                                       corral_forward_get_guest_port (forward));
          else
            message = g_strdup_printf (_("Host port %u/%s is already forwarded to another guest"),
                                       host_port, protocol);
        }
      if (message == NULL && self->conflict != NULL)
        message = g_strdup (self->conflict);
      if (message == NULL &&
          corral_helper_client_host_port_taken (self->client, protocol, host_port,
                                                self->host_ports))
        message = g_strdup_printf (_("Host port %u/%s is in use by a program on this computer: "
                                     "choose another"), host_port, protocol);
      set_add_error (self, message != NULL ? self->host_port_row : NULL, message);
      ok = message == NULL && guest_port != 0;
    }
  else
    set_add_error (self, NULL, NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "forwards.add",
                                 ok && !self->adding && !self->helper_missing);
}

static void
guest_port_changed_cb (CorralForwardsDialog *self,
                       GtkEditable          *editable)
{
  const char *text = gtk_editable_get_text (editable);
  guint port;

  if (!self->host_port_edited)
    {
      g_autofree char *suggestion = NULL;

      if (corral_parse_port (text, _("Guest port"), &port, NULL))
        {
          /* ssh to a guest made from a cloud image: 2222, the port people use for that */
          guint wanted = port == SSH_PORT && corral_guest_get_cloud_user (self->guest) != NULL
                         ? SSH_HOST_PORT : port;
          guint host_port = corral_helper_client_suggest_host_port (self->client,
                                                                    selected_protocol (self),
                                                                    wanted, self->host_ports);

          if (host_port != 0)
            suggestion = g_strdup_printf ("%u", host_port);
        }
      self->setting_host_port = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->host_port_row),
                             suggestion != NULL ? suggestion : "");
      self->setting_host_port = FALSE;
    }
  validate (self);
}

static void
host_port_changed_cb (CorralForwardsDialog *self,
                      GtkEditable          *editable)
{
  g_clear_pointer (&self->conflict, g_free);
  if (!self->setting_host_port)
    self->host_port_edited = gtk_editable_get_text (editable)[0] != '\0';
  validate (self);
}

/* Enter in either port field adds the forward, when it can be added. */
static void
entry_activated_cb (CorralForwardsDialog *self,
                    AdwEntryRow          *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "forwards.add", NULL);  /* a no-op while disabled */
}

typedef struct
{
  CorralForwardsDialog *self;      /* alive: its cancellable is cancelled in dispose */
  char                 *protocol;
} PortsRequest;

static void
ports_request_free (PortsRequest *request)
{
  g_free (request->protocol);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortsRequest, ports_request_free)

static void
host_ports_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PortsRequest) request = user_data;
  CorralForwardsDialog *self;
  g_autoptr(GArray) ports = NULL;
  g_autoptr(GError) error = NULL;

  ports = corral_helper_client_list_host_ports_finish (CORRAL_HELPER_CLIENT (object), result,
                                                       &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = request->self;
  busy_end (self);
  if (!g_str_equal (request->protocol, selected_protocol (self)))
    return;  /* the protocol changed meanwhile: its own request follows */
  if (ports == NULL)
    g_debug ("Could not list the host's ports: %s", error->message);
  g_clear_pointer (&self->host_ports, g_array_unref);
  self->host_ports = g_steal_pointer (&ports);
  guest_port_changed_cb (self, GTK_EDITABLE (self->guest_port_row));
}

/* Asks the helper which host ports programs hold for the selected protocol (it sees them all:
 * it runs as root). */
static void
load_host_ports (CorralForwardsDialog *self)
{
  PortsRequest *request = g_new0 (PortsRequest, 1);

  request->self = self;
  request->protocol = g_strdup (selected_protocol (self));
  g_clear_pointer (&self->host_ports, g_array_unref);
  busy_begin (self);
  corral_helper_client_list_host_ports_async (self->client, request->protocol, "",
                                              self->cancellable, host_ports_cb, request);
}

static void
protocol_changed_cb (CorralForwardsDialog *self,
                     GParamSpec           *pspec,
                     AdwComboRow          *row)
{
  g_clear_pointer (&self->conflict, g_free);
  if (self->client != NULL)
    load_host_ports (self);
  guest_port_changed_cb (self, GTK_EDITABLE (self->guest_port_row));
}

/* A guest made from a cloud image: its ssh port is the forward it most likely needs. */
static void
offer_ssh (CorralForwardsDialog *self)
{
  if (corral_guest_get_cloud_user (self->guest) == NULL
      || gtk_editable_get_text (GTK_EDITABLE (self->guest_port_row))[0] != '\0')
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->guest_port_row), G_STRINGIFY (SSH_PORT));
}

static void
client_changed_cb (CorralForwardsDialog *self,
                   CorralHelperClient   *client)
{
  validate (self);
}

/* The helper names guests by UUID: say "this guest" or "another guest" instead. */
static char *
name_guests (CorralForwardsDialog *self,
             const char           *message)
{
  g_autoptr(GRegex) regex = g_regex_new ("guest [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                                         "[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", 0, 0, NULL);
  g_autofree char *mine = g_strdup_printf ("guest %s", corral_guest_get_uuid (self->guest));
  g_autofree char *text = NULL;
  const char *which = strstr (message, mine) != NULL ? _("this guest") : _("another guest");

  text = g_regex_replace_literal (regex, message, -1, 0, which, 0, NULL);
  return text != NULL ? g_steal_pointer (&text) : g_strdup (message);
}

static void
add_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CorralForwardsDialog *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *message = NULL;

  address = corral_helper_client_add_forward_finish (CORRAL_HELPER_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  busy_end (self);
  self->adding = FALSE;
  if (address == NULL)
    {
      validate (self);
      if (g_error_matches (error, CORRAL_ERROR, CORRAL_ERROR_HELPER_MISSING))
        set_helper_missing (self, error->message);
      else if (g_error_matches (error, CORRAL_ERROR, CORRAL_ERROR_CONFLICT))
        {
          /* Taken meanwhile (by another guest or a program): kept on the field until it changes. */
          g_free (self->conflict);
  g_clear_pointer (&self->host_ports, g_array_unref);
          self->conflict = name_guests (self, error->message);
          set_add_error (self, self->host_port_row, self->conflict);
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "forwards.add", FALSE);
          corral_helper_client_refresh_forwards (self->client);
        }
      else
        set_add_error (self, NULL, error->message);
      return;
    }

  /* The address it leads to is on the Guest Address row. Translators: e.g.
   * "Port 8765 now leads to port 1337 of web" */
  message = g_strdup_printf (_("Port %s now leads to port %s of %s"),
                             gtk_editable_get_text (GTK_EDITABLE (self->host_port_row)),
                             gtk_editable_get_text (GTK_EDITABLE (self->guest_port_row)),
                             corral_guest_get_name (self->guest));
  show_message (self, message);
  self->host_port_edited = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->guest_port_row), "");
  reload (self);
}

static void
add_forward (CorralForwardsDialog *self,
             const char           *protocol,
             const char           *host_address,
             guint                 host_port,
             guint                 guest_port)
{
  self->adding = TRUE;
  busy_begin (self);
  validate (self);
  corral_helper_client_add_forward_async (self->client, corral_guest_get_uuid (self->guest), protocol,
                                    host_address, host_port, guest_port, self->cancellable,
                                    add_done_cb, self);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CorralForwardsDialog *self = CORRAL_FORWARDS_DIALOG (widget);
  const char *guest_text = gtk_editable_get_text (GTK_EDITABLE (self->guest_port_row));
  const char *host_text = gtk_editable_get_text (GTK_EDITABLE (self->host_port_row));
  guint guest_port, host_port;

  if (!corral_parse_port (guest_text, "", &guest_port, NULL) ||
      !corral_parse_port (host_text, "", &host_port, NULL))
    return;
  add_forward (self, selected_protocol (self), "", host_port, guest_port);
}

static void
undo_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CorralForwardsDialog *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  address = corral_helper_client_add_forward_finish (CORRAL_HELPER_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  busy_end (self);
  if (address == NULL)
    show_message (self, error->message);
  reload (self);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CorralForwardsDialog *self = CORRAL_FORWARDS_DIALOG (widget);
  const char *protocol, *host_address;
  guint16 host_port, guest_port;

  g_variant_get (parameter, "(&s&sqq)", &protocol, &host_address, &host_port, &guest_port);
  busy_begin (self);
  corral_helper_client_add_forward_async (self->client, corral_guest_get_uuid (self->guest), protocol,
                                    host_address, host_port, guest_port, self->cancellable,
                                    undo_done_cb, self);
}

/* --- removing --- */

typedef struct
{
  CorralForwardsDialog *self;
  GVariant             *forward;  /* (ssqq) */
} RemoveData;

static void
remove_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RemoveData *data = user_data;
  CorralForwardsDialog *self = data->self;
  g_autoptr(GVariant) forward = data->forward;
  g_autoptr(GError) error = NULL;

  g_free (data);
  if (!corral_helper_client_remove_forward_finish (CORRAL_HELPER_CLIENT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      busy_end (self);
      if (g_error_matches (error, CORRAL_ERROR, CORRAL_ERROR_NOT_AUTHORIZED))
        show_message (self, _("Authorization was refused: the forward was kept"));
      else
        show_message (self, error->message);
      return;
    }
  busy_end (self);
  {
    const char *protocol, *host_address;
    guint16 host_port, guest_port;
    g_autofree char *message = NULL;
    AdwToast *toast;

    g_variant_get (forward, "(&s&sqq)", &protocol, &host_address, &host_port, &guest_port);
    /* Translators: e.g. "Forward 8765→1337 removed" */
    message = g_strdup_printf (_("Forward %u→%u removed"), host_port, guest_port);
    toast = adw_toast_new (message);
    adw_toast_set_button_label (toast, _("_Undo"));
    adw_toast_set_action_name (toast, "forwards.undo");
    adw_toast_set_action_target_value (toast, forward);
    show_toast (self, toast);
  }
  reload (self);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CorralForwardsDialog *self = CORRAL_FORWARDS_DIALOG (widget);
  RemoveData *data;
  const char *protocol, *host_address;
  guint16 host_port, guest_port;

  g_variant_get (parameter, "(&s&sqq)", &protocol, &host_address, &host_port, &guest_port);
  data = g_new0 (RemoveData, 1);
  data->self = self;
  data->forward = g_variant_ref (parameter);
  busy_begin (self);
  corral_helper_client_remove_forward_async (self->client, protocol, host_address, host_port,
                                       self->cancellable, remove_done_cb, data);
}

/* --- testing --- */

typedef struct
{
  CorralForwardsDialog *self;
  guint                 host_port;
  guint                 guest_port;
} TestData;

static void
test_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TestData *data = user_data;
  CorralForwardsDialog *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint host_port = data->host_port, guest_port = data->guest_port;

  g_free (data);
  if (!corral_forwards_test_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  busy_end (self);
  if (error == NULL)
    /* Translators: e.g. "Port 8765 works: the guest answered on port 1337" */
    message = g_strdup_printf (_("Port %u works: the guest answered on port %u"), host_port,
                               guest_port);
  else
    message = g_strdup_printf (_("No answer through port %u (%s): is a program in the guest "
                                 "listening on port %u?"), host_port, error->message, guest_port);
  show_message (self, message);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CorralForwardsDialog *self = CORRAL_FORWARDS_DIALOG (widget);
  const char *host_address;
  guint16 host_port, guest_port;
  TestData *data;

  g_variant_get (parameter, "(&sqq)", &host_address, &host_port, &guest_port);
  data = g_new0 (TestData, 1);
  data->self = self;
  data->host_port = host_port;
  data->guest_port = guest_port;
  busy_begin (self);
  corral_forwards_test_async (host_address, host_port, self->cancellable, test_done_cb, data);
}

/* --- GObject --- */

static void
corral_forwards_dialog_constructed (GObject *object)
{
  CorralForwardsDialog *self = CORRAL_FORWARDS_DIALOG (object);

  G_OBJECT_CLASS (corral_forwards_dialog_parent_class)->constructed (object);

  g_assert (self->guest != NULL);
  if (self->client == NULL)
    self->client = g_object_ref (corral_helper_client_get_default ());

  adw_window_title_set_subtitle (self->window_title, corral_guest_get_name (self->guest));
  g_signal_connect_object (self->guest, "notify::state", G_CALLBACK (guest_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->guest, "notify::ip-address", G_CALLBACK (guest_address_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "changed", G_CALLBACK (client_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->guest, "notify::cloud-user", G_CALLBACK (offer_ssh), self,
                           G_CONNECT_SWAPPED);

  if (corral_guest_get_ip_address (self->guest) == NULL && guest_running (self))
    corral_guest_load_details_async (self->guest, self->cancellable, NULL, NULL);
  update_address (self);
  validate (self);
  busy_begin (self);
  corral_helper_client_get_readiness_async (self->client, self->cancellable, readiness_cb, self);
  corral_helper_client_refresh_forwards (self->client);
  load_host_ports (self);
  offer_ssh (self);
  reload (self);
}

static void
corral_forwards_dialog_dispose (GObject *object)
{
  CorralForwardsDialog *self = CORRAL_FORWARDS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CORRAL_TYPE_FORWARDS_DIALOG);
  g_clear_object (&self->forwards);
  g_clear_object (&self->guest);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (corral_forwards_dialog_parent_class)->dispose (object);
}

static void
corral_forwards_dialog_finalize (GObject *object)
{
  CorralForwardsDialog *self = CORRAL_FORWARDS_DIALOG (object);

  g_free (self->conflict);
  g_clear_pointer (&self->host_ports, g_array_unref);

  G_OBJECT_CLASS (corral_forwards_dialog_parent_class)->finalize (object);
}

static void
corral_forwards_dialog_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CorralForwardsDialog *self = CORRAL_FORWARDS_DIALOG (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_value_set_object (value, self->guest);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_forwards_dialog_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CorralForwardsDialog *self = CORRAL_FORWARDS_DIALOG (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      self->guest = g_value_dup_object (value);
      break;
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_forwards_dialog_class_init (CorralForwardsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = corral_forwards_dialog_constructed;
  object_class->dispose = corral_forwards_dialog_dispose;
  object_class->finalize = corral_forwards_dialog_finalize;
  object_class->get_property = corral_forwards_dialog_get_property;
  object_class->set_property = corral_forwards_dialog_set_property;

  properties[PROP_GUEST] = g_param_spec_object ("guest", NULL, NULL, CORRAL_TYPE_GUEST,
                                                G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] = g_param_spec_object ("client", NULL, NULL, CORRAL_TYPE_HELPER_CLIENT,
                                                 G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                 G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "forwards.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "forwards.remove", "(ssqq)", remove_action);
  gtk_widget_class_install_action (widget_class, "forwards.undo", "(ssqq)", undo_action);
  gtk_widget_class_install_action (widget_class, "forwards.test", "(sqq)", test_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/corralvm/Corral/corral-forwards-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, status_group);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, status_row);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, forwards_group);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, forwards_list);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, add_group);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, protocol_row);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, guest_port_row);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, host_port_row);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, add_error_label);
  gtk_widget_class_bind_template_child (widget_class, CorralForwardsDialog, add_button);
  gtk_widget_class_bind_template_callback (widget_class, guest_port_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, host_port_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, protocol_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
}

static void
corral_forwards_dialog_init (CorralForwardsDialog *self)
{
  GtkWidget *placeholder;

  self->cancellable = g_cancellable_new ();
  self->forwards = g_list_store_new (CORRAL_TYPE_FORWARD);
  gtk_widget_init_template (GTK_WIDGET (self));

  placeholder = gtk_label_new (_("No forwards yet"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->forwards_list, placeholder);
  gtk_list_box_bind_model (self->forwards_list, G_LIST_MODEL (self->forwards), create_row, self,
                           NULL);
}

CorralForwardsDialog *
corral_forwards_dialog_new (CorralGuest          *guest,
                            CorralHelperClient *client)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (guest), NULL);
  g_return_val_if_fail (client == NULL || CORRAL_IS_HELPER_CLIENT (client), NULL);

  return g_object_new (CORRAL_TYPE_FORWARDS_DIALOG, "guest", guest, "client", client, NULL);
}

CorralGuest *
corral_forwards_dialog_get_guest (CorralForwardsDialog *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARDS_DIALOG (self), NULL);
  return self->guest;
}

/* TRUE while a call to the helper (or a Test) started by the dialog has not finished. */
gboolean
corral_forwards_dialog_is_busy (CorralForwardsDialog *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARDS_DIALOG (self), FALSE);
  return self->busy > 0;
}
