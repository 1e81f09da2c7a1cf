/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper-client"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-error.h"
#include "corral-forward.h"
#include "corral-helper-client.h"
#include "corral-helper-dbus.h"
#include "corral-helper-error.h"

/* Long enough for a polkit password prompt. */
#define CALL_TIMEOUT_MS (5 * 60 * 1000)

struct _CorralHelperClient
{
  GObject            parent_instance;

  GDBusConnection   *bus;       /* NULL until the system bus is fetched */
  CorralDBusHelper1 *proxy;     /* made once, on first use */
  GPtrArray         *waiting;   /* of Call: made while the proxy is being made */
  GError            *proxy_error;

  GPtrArray         *all;       /* of CorralForward: the last ListForwards ("") */
  gboolean           loading;
  gboolean           reload;
};

enum {
  CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CorralHelperClient, corral_helper_client, G_TYPE_OBJECT)

static guint signals[N_SIGNALS];

void
corral_volume_group_free (CorralVolumeGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->name);
  g_free (group);
}

void
corral_logical_volume_free (CorralLogicalVolume *volume)
{
  if (volume == NULL)
    return;
  g_free (volume->group);
  g_free (volume->name);
  g_free (volume->path);
  g_free (volume);
}

/* --- errors --- */

/* One list: the bus says the helper is not there (or cannot be started). */
static gboolean
is_helper_missing (const GError *error)
{
  static const int codes[] = {
    G_DBUS_ERROR_SERVICE_UNKNOWN, G_DBUS_ERROR_NAME_HAS_NO_OWNER, G_DBUS_ERROR_UNKNOWN_METHOD,
    G_DBUS_ERROR_UNKNOWN_OBJECT, G_DBUS_ERROR_UNKNOWN_INTERFACE, G_DBUS_ERROR_SPAWN_EXEC_FAILED,
    G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND, G_DBUS_ERROR_SPAWN_SERVICE_INVALID,
    G_DBUS_ERROR_SPAWN_FILE_INVALID, G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID,
  };

  if (error->domain != G_DBUS_ERROR)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    if (error->code == codes[i])
      return TRUE;
  return FALSE;
}

/* The error a user reads, from what the bus or the helper said. Takes @error. */
static GError *
translate_error (GError *error)
{
  static const struct { int helper; int ours; } map[] = {
    { CORRAL_HELPER_ERROR_INVALID_ARGUMENT, CORRAL_ERROR_INVALID_ARGUMENT },
    { CORRAL_HELPER_ERROR_NOT_FOUND, CORRAL_ERROR_NOT_FOUND },
    { CORRAL_HELPER_ERROR_CONFLICT, CORRAL_ERROR_CONFLICT },
    { CORRAL_HELPER_ERROR_UNSUPPORTED, CORRAL_ERROR_UNSUPPORTED },
    { CORRAL_HELPER_ERROR_NO_SPACE, CORRAL_ERROR_NO_SPACE },
  };
  g_autoptr(GError) owned = error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);

  if (is_helper_missing (error))
    return g_error_new_literal (CORRAL_ERROR, CORRAL_ERROR_HELPER_MISSING,
                                _("Corral’s helper is not installed or not running: install the "
                                  "corral-helper package, then try again."));

  g_dbus_error_strip_remote_error (error);
  if (error->domain == CORRAL_HELPER_ERROR)
    {
      if (error->code == CORRAL_HELPER_ERROR_NOT_AUTHORIZED)
        {
          g_debug ("Not authorized: %s", error->message);
          return g_error_new_literal (CORRAL_ERROR, CORRAL_ERROR_NOT_AUTHORIZED,
                                      _("Authorization was refused, so nothing was changed. "
                                        "This needs an administrator’s approval."));
        }
      if (error->code == CORRAL_HELPER_ERROR_CORRUPT_STATE)
        return g_error_new (CORRAL_ERROR, CORRAL_ERROR_FAILED,
                            _("Corral’s helper cannot read its list of forwards: %s"),
                            error->message);
      for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
        if (map[i].helper == error->code)
          return g_error_new_literal (CORRAL_ERROR, map[i].ours, error->message);
      return g_error_new (CORRAL_ERROR, CORRAL_ERROR_FAILED, _("Corral’s helper failed: %s"),
                          error->message);
    }
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    return g_error_new (CORRAL_ERROR, CORRAL_ERROR_HELPER_MISSING,
                        _("The system bus does not let Corral talk to its helper (%s): reinstall "
                          "corral-helper"), error->message);
  if (error->domain != G_DBUS_ERROR)
    return g_error_new (CORRAL_ERROR, CORRAL_ERROR_HELPER_MISSING,
                        _("The system bus cannot be reached, so Corral’s helper cannot be "
                          "asked: %s"), error->message);
  return g_error_new (CORRAL_ERROR, CORRAL_ERROR_FAILED,
                      _("Corral’s helper could not be reached: %s"), error->message);
}

/* --- calls --- */

/* Turns the helper's reply (the out arguments as a tuple) into the task's result. */
typedef void (*ReplyFunc) (GTask    *task,
                           GVariant *reply);

typedef struct
{
  GTask              *task;
  const char         *method;
  GVariant           *args;        /* floating until sent */
  ReplyFunc           reply;
  gboolean            refresh;     /* changes forwards: fetch the cache again after */
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->task);
  g_clear_pointer (&call->args, g_variant_unref);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static void
call_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;

  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (call->task, translate_error (error));
      return;
    }
  if (call->refresh)
    corral_helper_client_refresh_forwards (g_task_get_source_object (call->task));
  call->reply (call->task, reply);
}

static void
send_call (CorralHelperClient *self,
           Call               *call)
{
  if (self->proxy == NULL)
    {
      g_task_return_error (call->task, g_error_copy (self->proxy_error));
      call_free (call);
      return;
    }
  g_dbus_proxy_call (G_DBUS_PROXY (self->proxy), call->method, g_steal_pointer (&call->args),
                     G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (call->task),
                     call_done_cb, call);
}

static void
send_waiting (CorralHelperClient *self)
{
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&self->waiting);

  for (guint i = 0; i < waiting->len; i++)
    send_call (self, g_ptr_array_index (waiting, i));
  /* failed to make the proxy: try again on the next call */
  g_clear_error (&self->proxy_error);
}

static void
proxy_ready_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CorralHelperClient) self = user_data;
  GError *error = NULL;

  self->proxy = corral_dbus_helper1_proxy_new_finish (result, &error);
  if (self->proxy == NULL)
    self->proxy_error = translate_error (error);
  else
    g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (self->proxy), CALL_TIMEOUT_MS);
  send_waiting (self);
}

static void
make_proxy (CorralHelperClient *self)
{
  (void) corral_helper_error_quark ();  /* registers the helper's D-Bus error names */
  corral_dbus_helper1_proxy_new (self->bus,
                                 G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES
                                 | G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS
                                 | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION,
                                 CORRAL_HELPER_DBUS_NAME, CORRAL_HELPER_DBUS_PATH, NULL,
                                 proxy_ready_cb, g_object_ref (self));
}

static void
bus_ready_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CorralHelperClient) self = user_data;
  GError *error = NULL;

  self->bus = g_bus_get_finish (result, &error);
  if (self->bus == NULL)
    {
      self->proxy_error = translate_error (error);
      send_waiting (self);
      return;
    }
  make_proxy (self);
}

/* Calls @method with @args (floating, or NULL) and hands the reply (checked against the
 * interface's out arguments by the proxy) to @reply; takes @task. */
static void
call_helper (CorralHelperClient *self,
             GTask              *task,
             const char         *method,
             GVariant           *args,
             ReplyFunc           reply,
             gboolean            refresh)
{
  Call *call = g_new0 (Call, 1);

  call->task = task;
  call->method = method;
  call->args = args != NULL ? g_variant_ref_sink (args) : NULL;
  call->reply = reply;
  call->refresh = refresh;

  if (self->proxy != NULL)
    {
      send_call (self, call);
      return;
    }
  if (self->waiting != NULL)
    {
      g_ptr_array_add (self->waiting, call);
      return;
    }
  self->waiting = g_ptr_array_new ();
  g_ptr_array_add (self->waiting, call);
  if (self->bus == NULL)
    g_bus_get (G_BUS_TYPE_SYSTEM, NULL, bus_ready_cb, g_object_ref (self));
  else
    make_proxy (self);
}

static GTask *
new_task (CorralHelperClient  *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static void
reply_none (GTask    *task,
            GVariant *reply)
{
  g_task_return_boolean (task, TRUE);
}

static void
reply_string (GTask    *task,
              GVariant *reply)
{
  char *text = NULL;

  g_variant_get (reply, "(s)", &text);
  g_task_return_pointer (task, text, g_free);
}

/* --- status --- */

static void
reply_status (GTask    *task,
              GVariant *reply)
{
  g_autoptr(GVariant) status = g_variant_get_child_value (reply, 0);
  gboolean hook = FALSE;
  gboolean hook_active = TRUE;
  gboolean ip_forwarding = TRUE;

  g_variant_lookup (status, "qemu-hook-installed", "b", &hook);
  g_variant_lookup (status, "qemu-hook-active", "b", &hook_active);
  g_variant_lookup (status, "ip-forwarding", "b", &ip_forwarding);
  if (!hook)
    {
      g_task_set_task_data (task, g_strdup (_("Corral’s libvirt hook is missing from "
                                              "/etc/libvirt/hooks/qemu.d, so forwards are not "
                                              "applied when guests start. Reinstall corral-helper, "
                                              "then restart libvirtd.")), g_free);
      g_task_return_int (task, CORRAL_FORWARDS_HOOK_MISSING);
    }
  else if (!hook_active)
    {
      g_task_set_task_data (task, g_strdup (_("libvirtd was not restarted since corral-helper was "
                                              "installed, so it does not run Corral’s hook yet: "
                                              "forwards are not applied when guests start. Restart "
                                              "it: “sudo systemctl restart libvirtd”.")), g_free);
      g_task_return_int (task, CORRAL_FORWARDS_HOOK_INACTIVE);
    }
  else if (!ip_forwarding)
    {
      g_task_set_task_data (task, g_strdup (_("IPv4 forwarding is off on this computer, so other "
                                              "computers cannot reach guests through forwards. "
                                              "Starting a libvirt NAT network turns it on.")),
                            g_free);
      g_task_return_int (task, CORRAL_FORWARDS_NO_IP_FORWARDING);
    }
  else
    g_task_return_int (task, CORRAL_FORWARDS_READY);
}

void
corral_helper_client_get_readiness_async (CorralHelperClient  *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));

  call_helper (self, new_task (self, corral_helper_client_get_readiness_async, cancellable,
                               callback, user_data),
               "GetStatus", NULL, reply_status, FALSE);
}

/* Returns the readiness, and in @message what to tell the user when it is not READY. On error (the
 * helper is missing, say) returns READY with @error set. */
CorralForwardsReadiness
corral_helper_client_get_readiness_finish (CorralHelperClient  *self,
                                           GAsyncResult        *result,
                                           char               **message,
                                           GError             **error)
{
  gssize readiness;

  g_return_val_if_fail (g_task_is_valid (result, self), CORRAL_FORWARDS_READY);

  readiness = g_task_propagate_int (G_TASK (result), error);
  if (readiness < 0)
    return CORRAL_FORWARDS_READY;
  if (message != NULL)
    *message = g_strdup (g_task_get_task_data (G_TASK (result)));
  return readiness;
}

/* --- forwards --- */

static void
reply_forwards (GTask    *task,
                GVariant *reply)
{
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GVariantIter) iter = NULL;
  const char *uuid, *protocol, *host_address, *guest_address;
  guint16 host_port, guest_port;
  gboolean active;

  g_variant_get (reply, "(a(sssqsqb))", &iter);
  while (g_variant_iter_next (iter, "(&s&s&sq&sqb)", &uuid, &protocol, &host_address, &host_port,
                              &guest_address, &guest_port, &active))
    g_ptr_array_add (result, corral_forward_new (uuid, protocol, host_address, host_port,
                                                 guest_address, guest_port, active));
  g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
}

void
corral_helper_client_list_forwards_async (CorralHelperClient  *self,
                                          const char          *guest_uuid,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));

  call_helper (self, new_task (self, corral_helper_client_list_forwards_async, cancellable,
                               callback, user_data),
               "ListForwards", g_variant_new ("(s)", guest_uuid != NULL ? guest_uuid : ""),
               reply_forwards, FALSE);
}

/* A new array of CorralForward, in the helper's order. */
GPtrArray *
corral_helper_client_list_forwards_finish (CorralHelperClient  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
corral_helper_client_add_forward_async (CorralHelperClient  *self,
                                        const char          *guest_uuid,
                                        const char          *protocol,
                                        const char          *host_address,
                                        guint                host_port,
                                        guint                guest_port,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));
  g_return_if_fail (guest_uuid != NULL && protocol != NULL);

  task = new_task (self, corral_helper_client_add_forward_async, cancellable, callback, user_data);
  if (host_port == 0 || host_port > G_MAXUINT16 || guest_port == 0 || guest_port > G_MAXUINT16)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_INVALID_ARGUMENT,
                               _("Ports are numbers from 1 to 65535"));
      g_object_unref (task);
      return;
    }
  call_helper (self, task, "AddForward",
               g_variant_new ("(sssqq)", guest_uuid, protocol,
                              host_address != NULL ? host_address : "", (guint16) host_port,
                              (guint16) guest_port),
               reply_string, TRUE);
}

/* The guest address the forward leads to (pinned by a DHCP reservation). */
char *
corral_helper_client_add_forward_finish (CorralHelperClient  *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
corral_helper_client_remove_forward_async (CorralHelperClient  *self,
                                           const char          *protocol,
                                           const char          *host_address,
                                           guint                host_port,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));
  g_return_if_fail (protocol != NULL && host_port > 0 && host_port <= G_MAXUINT16);

  call_helper (self, new_task (self, corral_helper_client_remove_forward_async, cancellable,
                               callback, user_data),
               "RemoveForward",
               g_variant_new ("(ssq)", protocol, host_address != NULL ? host_address : "",
                              (guint16) host_port),
               reply_none, TRUE);
}

gboolean
corral_helper_client_remove_forward_finish (CorralHelperClient  *self,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
reply_ports (GTask    *task,
             GVariant *reply)
{
  g_autoptr(GVariant) ports = g_variant_get_child_value (reply, 0);
  gsize n = 0;
  const guint16 *data = g_variant_get_fixed_array (ports, &n, sizeof (guint16));
  GArray *result = g_array_sized_new (FALSE, FALSE, sizeof (guint16), n);

  g_array_append_vals (result, data, n);
  g_task_return_pointer (task, result, (GDestroyNotify) g_array_unref);
}

void
corral_helper_client_list_host_ports_async (CorralHelperClient  *self,
                                            const char          *protocol,
                                            const char          *host_address,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));
  g_return_if_fail (protocol != NULL);

  call_helper (self, new_task (self, corral_helper_client_list_host_ports_async, cancellable,
                               callback, user_data),
               "ListHostPorts",
               g_variant_new ("(ss)", protocol, host_address != NULL ? host_address : ""),
               reply_ports, FALSE);
}

/* A new array of guint16. */
GArray *
corral_helper_client_list_host_ports_finish (CorralHelperClient  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the cache of all forwards --- */

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CorralHelperClient) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *all;

  self->loading = FALSE;
  all = corral_helper_client_list_forwards_finish (self, result, &error);
  if (all == NULL)
    {
      g_debug ("Could not list forwards: %s", error->message);
      all = g_ptr_array_new_with_free_func (g_object_unref);
    }
  g_clear_pointer (&self->all, g_ptr_array_unref);
  self->all = all;
  if (self->reload)
    {
      self->reload = FALSE;
      corral_helper_client_refresh_forwards (self);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Fetches the list of all forwards again; "changed" is emitted when it is there. */
void
corral_helper_client_refresh_forwards (CorralHelperClient *self)
{
  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));

  if (self->loading)
    {
      self->reload = TRUE;
      return;
    }
  self->loading = TRUE;
  corral_helper_client_list_forwards_async (self, "", NULL, refresh_cb, g_object_ref (self));
}

/* A new array of the cached forwards of @guest_uuid ("" or NULL: all). Starts fetching them on
 * first use ("changed" tells when they are there). */
GPtrArray *
corral_helper_client_get_cached_forwards (CorralHelperClient *self,
                                          const char         *guest_uuid)
{
  GPtrArray *result;

  g_return_val_if_fail (CORRAL_IS_HELPER_CLIENT (self), NULL);

  result = g_ptr_array_new_with_free_func (g_object_unref);
  if (self->all == NULL)
    {
      if (!self->loading)
        corral_helper_client_refresh_forwards (self);
      return result;
    }
  for (guint i = 0; i < self->all->len; i++)
    {
      CorralForward *forward = g_ptr_array_index (self->all, i);

      if (guest_uuid == NULL || guest_uuid[0] == '\0' ||
          g_ascii_strcasecmp (corral_forward_get_guest_uuid (forward), guest_uuid) == 0)
        g_ptr_array_add (result, g_object_ref (forward));
    }
  return result;
}

/* "8765→1337" and the like for @guest_uuid's forwards, or NULL when it has none (or they are not
 * known yet). */
char *
corral_helper_client_dup_forwards_summary (CorralHelperClient *self,
                                           const char         *guest_uuid)
{
  g_autoptr(GPtrArray) forwards = NULL;

  g_return_val_if_fail (CORRAL_IS_HELPER_CLIENT (self), NULL);
  g_return_val_if_fail (guest_uuid != NULL, NULL);

  forwards = corral_helper_client_get_cached_forwards (self, guest_uuid);
  return corral_forwards_summarize (forwards);
}

/* Is @port taken for a forward of @protocol: forwarded already (the cache) or in @host_ports (as
 * corral_helper_client_list_host_ports_finish() gave them; NULL: not known)? */
gboolean
corral_helper_client_host_port_taken (CorralHelperClient *self,
                                      const char         *protocol,
                                      guint               port,
                                      GArray             *host_ports)
{
  g_autoptr(GPtrArray) all = NULL;

  g_return_val_if_fail (CORRAL_IS_HELPER_CLIENT (self), FALSE);
  g_return_val_if_fail (protocol != NULL, FALSE);

  all = corral_helper_client_get_cached_forwards (self, NULL);
  for (guint i = 0; i < all->len; i++)
    {
      CorralForward *forward = g_ptr_array_index (all, i);

      if (corral_forward_get_host_port (forward) == port &&
          g_str_equal (corral_forward_get_protocol (forward), protocol))
        return TRUE;
    }
  for (guint i = 0; host_ports != NULL && i < host_ports->len; i++)
    if (g_array_index (host_ports, guint16, i) == port)
      return TRUE;
  return FALSE;
}

/* A host port to suggest for @guest_port: the same number if free, else a free one. */
guint
corral_helper_client_suggest_host_port (CorralHelperClient *self,
                                        const char         *protocol,
                                        guint               guest_port,
                                        GArray             *host_ports)
{
  guint port;

  g_return_val_if_fail (CORRAL_IS_HELPER_CLIENT (self), 0);
  g_return_val_if_fail (guest_port >= 1 && guest_port <= 65535, 0);

  /* The same number when a user may take it; below 1024 ports are for system services. */
  if (guest_port >= 1024 &&
      !corral_helper_client_host_port_taken (self, protocol, guest_port, host_ports))
    return guest_port;
  port = guest_port < 1024 ? 8000 + guest_port : guest_port + 1;
  for (guint tries = 0; tries < 64512; tries++, port++)
    {
      if (port > 65535)
        port = 1024;
      if (!corral_helper_client_host_port_taken (self, protocol, port, host_ports))
        return port;
    }
  return 0;
}

/* --- volumes --- */

static void
reply_groups (GTask    *task,
              GVariant *reply)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_volume_group_free);
  g_autoptr(GVariantIter) iter = NULL;
  const char *name;
  guint64 size, free_bytes;

  g_variant_get (reply, "(a(stt))", &iter);
  while (g_variant_iter_next (iter, "(&stt)", &name, &size, &free_bytes))
    {
      CorralVolumeGroup *group = g_new0 (CorralVolumeGroup, 1);

      group->name = g_strdup (name);
      group->size = size;
      group->free = free_bytes;
      g_ptr_array_add (result, group);
    }
  g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
}

void
corral_helper_client_list_volume_groups_async (CorralHelperClient  *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));

  call_helper (self, new_task (self, corral_helper_client_list_volume_groups_async, cancellable,
                               callback, user_data),
               "ListVolumeGroups", NULL, reply_groups, FALSE);
}

/* A new array of CorralVolumeGroup. */
GPtrArray *
corral_helper_client_list_volume_groups_finish (CorralHelperClient  *self,
                                                GAsyncResult        *result,
                                                GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
reply_volumes (GTask    *task,
               GVariant *reply)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_logical_volume_free);
  g_autoptr(GVariantIter) iter = NULL;
  const char *group, *name, *path;
  guint64 size;

  g_variant_get (reply, "(a(ssts))", &iter);
  while (g_variant_iter_next (iter, "(&s&st&s)", &group, &name, &size, &path))
    {
      CorralLogicalVolume *volume = g_new0 (CorralLogicalVolume, 1);

      volume->group = g_strdup (group);
      volume->name = g_strdup (name);
      volume->size = size;
      volume->path = g_strdup (path);
      g_ptr_array_add (result, volume);
    }
  g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
}

/* Corral's own logical volumes (those tagged as Corral's), in every volume group. */
void
corral_helper_client_list_volumes_async (CorralHelperClient  *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));

  call_helper (self, new_task (self, corral_helper_client_list_volumes_async, cancellable, callback, user_data),
               "ListVolumes", NULL, reply_volumes, FALSE);
}

/* A new array of CorralLogicalVolume. */
GPtrArray *
corral_helper_client_list_volumes_finish (CorralHelperClient  *self,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
corral_helper_client_create_volume_async (CorralHelperClient  *self,
                                          const char          *group,
                                          const char          *name,
                                          guint64              size,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));
  g_return_if_fail (group != NULL && name != NULL);

  call_helper (self, new_task (self, corral_helper_client_create_volume_async, cancellable,
                               callback, user_data),
               "CreateVolume", g_variant_new ("(sst)", group, name, size), reply_string,
               FALSE);
}

/* The new volume's device path. */
char *
corral_helper_client_create_volume_finish (CorralHelperClient  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
corral_helper_client_remove_volume_async (CorralHelperClient  *self,
                                          const char          *group,
                                          const char          *name,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));
  g_return_if_fail (group != NULL && name != NULL);

  call_helper (self, new_task (self, corral_helper_client_remove_volume_async, cancellable,
                               callback, user_data),
               "RemoveVolume", g_variant_new ("(ss)", group, name), reply_none, FALSE);
}

gboolean
corral_helper_client_remove_volume_finish (CorralHelperClient  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
corral_helper_client_resize_volume_async (CorralHelperClient  *self,
                                          const char          *group,
                                          const char          *name,
                                          guint64              size,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CORRAL_IS_HELPER_CLIENT (self));
  g_return_if_fail (group != NULL && name != NULL);

  call_helper (self, new_task (self, corral_helper_client_resize_volume_async, cancellable,
                               callback, user_data),
               "ResizeVolume", g_variant_new ("(sst)", group, name, size), reply_none, FALSE);
}

gboolean
corral_helper_client_resize_volume_finish (CorralHelperClient  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- object --- */

static void
corral_helper_client_dispose (GObject *object)
{
  CorralHelperClient *self = CORRAL_HELPER_CLIENT (object);

  g_clear_object (&self->proxy);
  g_clear_object (&self->bus);
  g_clear_pointer (&self->all, g_ptr_array_unref);

  G_OBJECT_CLASS (corral_helper_client_parent_class)->dispose (object);
}

static void
corral_helper_client_class_init (CorralHelperClientClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = corral_helper_client_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
corral_helper_client_init (CorralHelperClient *self)
{
}

/* A client on @bus, or on the system bus when @bus is NULL. */
CorralHelperClient *
corral_helper_client_new (GDBusConnection *bus)
{
  CorralHelperClient *self;

  g_return_val_if_fail (bus == NULL || G_IS_DBUS_CONNECTION (bus), NULL);

  self = g_object_new (CORRAL_TYPE_HELPER_CLIENT, NULL);
  if (bus != NULL)
    self->bus = g_object_ref (bus);
  return self;
}

/* The client on the system bus that the whole program shares. */
CorralHelperClient *
corral_helper_client_get_default (void)
{
  static CorralHelperClient *client;

  if (client == NULL)
    client = corral_helper_client_new (NULL);
  return client;
}
