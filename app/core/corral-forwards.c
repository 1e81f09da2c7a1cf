/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-forwards"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <ifaddrs.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <unistd.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-forwards.h"
#include "corral-forwards-private.h"
#include "corral-helper-dbus.h"
#include "corral-helper-error.h"

/* Long enough for a polkit password prompt. */
#define CALL_TIMEOUT_MS  (5 * 60 * 1000)
#define TEST_TIMEOUT_S   5
#define QEMU_HOOK        "/etc/libvirt/hooks/qemu.d/corral"
/* Debian's libvirtd writes the first; libvirtd -p (as tests/system/harness starts it) the second */
static const char * const libvirtd_pidfiles[] = {
  "/run/libvirtd.pid", "/run/libvirt/libvirtd.pid",
};

G_DEFINE_QUARK (corral-forwards-error-quark, corral_forwards_error)

/* --- CorralForward --- */

struct _CorralForward
{
  GObject   parent_instance;

  char     *guest_uuid;
  char     *protocol;
  char     *host_address;
  char     *guest_address;
  guint     host_port;
  guint     guest_port;
  gboolean  active;
};

G_DEFINE_FINAL_TYPE (CorralForward, corral_forward, G_TYPE_OBJECT)

static void
corral_forward_finalize (GObject *object)
{
  CorralForward *self = CORRAL_FORWARD (object);

  g_free (self->guest_uuid);
  g_free (self->protocol);
  g_free (self->host_address);
  g_free (self->guest_address);

  G_OBJECT_CLASS (corral_forward_parent_class)->finalize (object);
}

static void
corral_forward_class_init (CorralForwardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = corral_forward_finalize;
}

static void
corral_forward_init (CorralForward *self)
{
}

CorralForward *
corral_forward_new (const char *guest_uuid,
                    const char *protocol,
                    const char *host_address,
                    guint       host_port,
                    const char *guest_address,
                    guint       guest_port,
                    gboolean    active)
{
  CorralForward *self = g_object_new (CORRAL_TYPE_FORWARD, NULL);

  self->guest_uuid = g_strdup (guest_uuid);
  self->protocol = g_strdup (protocol);
  self->host_address = g_strdup (host_address != NULL ? host_address : "");
  self->host_port = host_port;
  self->guest_address = g_strdup (guest_address != NULL ? guest_address : "");
  self->guest_port = guest_port;
  self->active = active;
  return self;
}

const char *
corral_forward_get_guest_uuid (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);
  return self->guest_uuid;
}

const char *
corral_forward_get_protocol (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);
  return self->protocol;
}

const char *
corral_forward_get_host_address (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);
  return self->host_address;
}

guint
corral_forward_get_host_port (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), 0);
  return self->host_port;
}

const char *
corral_forward_get_guest_address (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);
  return self->guest_address;
}

guint
corral_forward_get_guest_port (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), 0);
  return self->guest_port;
}

gboolean
corral_forward_get_active (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), FALSE);
  return self->active;
}

CorralForwardState
corral_forward_get_state (CorralForward *self,
                          gboolean       guest_running)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), CORRAL_FORWARD_STATE_WAITING);

  if (self->active)
    return CORRAL_FORWARD_STATE_ACTIVE;
  return guest_running ? CORRAL_FORWARD_STATE_FAILING : CORRAL_FORWARD_STATE_WAITING;
}

char *
corral_forward_dup_title (CorralForward *self)
{
  const char *protocol;

  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);

  protocol = g_str_equal (self->protocol, "udp") ? "UDP" : "TCP";

  if (self->host_address[0] != '\0')
    /* Translators: a forward, e.g. "TCP 192.168.1.5:8765 → guest 1337" */
    return g_strdup_printf (_("%s %s:%u → guest %u"), protocol, self->host_address, self->host_port,
                            self->guest_port);
  /* Translators: a forward, e.g. "TCP 8765 → guest 1337" */
  return g_strdup_printf (_("%s %u → guest %u"), protocol, self->host_port, self->guest_port);
}

char *
corral_forward_dup_state_label (CorralForward *self,
                                gboolean       guest_running)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);

  switch (corral_forward_get_state (self, guest_running))
    {
    case CORRAL_FORWARD_STATE_ACTIVE:
      /* Translators: a forward's state, e.g. "Active, to 10.0.0.5" */
      return g_strdup_printf (_("Active, to %s"), self->guest_address);
    case CORRAL_FORWARD_STATE_FAILING:
      return g_strdup (_("Failing: the guest runs but its rules are not in place. libvirt did not "
                         "run Corral’s hook when the guest started: restart libvirtd, then the "
                         "guest"));
    case CORRAL_FORWARD_STATE_WAITING:
    default:
      return g_strdup (_("Waiting for the guest to start"));
    }
}

char *
corral_forward_dup_summary (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);

  if (g_str_equal (self->protocol, "udp"))
    return g_strdup_printf ("%u→%u/udp", self->host_port, self->guest_port);
  return g_strdup_printf ("%u→%u", self->host_port, self->guest_port);
}

char *
corral_forwards_summarize (GPtrArray *forwards)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const guint shown = 2;

  if (forwards == NULL || forwards->len == 0)
    return NULL;
  for (guint i = 0; i < forwards->len && i < shown; i++)
    {
      g_autofree char *one = corral_forward_dup_summary (g_ptr_array_index (forwards, i));

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, one);
    }
  if (forwards->len > shown)
    /* Translators: more forwards than the list row shows, e.g. "8765→1337, 2222→22 +3" */
    g_string_append_printf (text, _(" +%u"), forwards->len - shown);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* --- the client --- */

struct _CorralForwardsClient
{
  GObject            parent_instance;

  GDBusConnection   *bus;         /* NULL until the system bus is fetched */
  CorralDBusHelper1 *proxy;
  GPtrArray         *all;         /* of CorralForward: the last ListForwards ("") */
  gboolean           loading;
  gboolean           reload;
};

enum {
  CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CorralForwardsClient, corral_forwards_client, G_TYPE_OBJECT)

static guint signals[N_SIGNALS];

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
    { CORRAL_HELPER_ERROR_INVALID_ARGUMENT, CORRAL_FORWARDS_ERROR_INVALID_ARGUMENT },
    { CORRAL_HELPER_ERROR_NOT_FOUND, CORRAL_FORWARDS_ERROR_NOT_FOUND },
    { CORRAL_HELPER_ERROR_CONFLICT, CORRAL_FORWARDS_ERROR_CONFLICT },
    { CORRAL_HELPER_ERROR_UNSUPPORTED, CORRAL_FORWARDS_ERROR_UNSUPPORTED },
  };
  g_autoptr(GError) owned = error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);

  if (is_helper_missing (error))
    return g_error_new_literal (CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_HELPER_MISSING,
                                _("Corral’s helper is not installed. Port forwards need it: "
                                  "install the corral-helper package, then open this window "
                                  "again."));

  g_dbus_error_strip_remote_error (error);
  if (error->domain == CORRAL_HELPER_ERROR)
    {
      if (error->code == CORRAL_HELPER_ERROR_NOT_AUTHORIZED)
        {
          g_debug ("Not authorized: %s", error->message);
          return g_error_new_literal (CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_NOT_AUTHORIZED,
                                      _("Authorization was refused, so nothing was changed. "
                                        "Managing port forwards needs an administrator’s "
                                        "approval."));
        }
      if (error->code == CORRAL_HELPER_ERROR_CORRUPT_STATE)
        return g_error_new (CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_FAILED,
                            _("Corral’s helper cannot read its list of forwards: %s"),
                            error->message);
      for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
        if (map[i].helper == error->code)
          return g_error_new_literal (CORRAL_FORWARDS_ERROR, map[i].ours, error->message);
      return g_error_new (CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_FAILED,
                          _("Corral’s helper failed: %s"), error->message);
    }
  if (error->domain == G_DBUS_ERROR && error->code == G_DBUS_ERROR_ACCESS_DENIED)
    return g_error_new (CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_HELPER_MISSING,
                        _("The system bus does not let Corral talk to its helper (%s): reinstall "
                          "corral-helper"), error->message);
  if (error->domain != G_DBUS_ERROR)
    return g_error_new (CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_HELPER_MISSING,
                        _("The system bus cannot be reached, so Corral’s helper cannot be "
                          "asked: %s"),
                        error->message);
  return g_error_new (CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_FAILED,
                      _("Corral’s helper could not be reached: %s"), error->message);
}

typedef void (*ProxyFunc) (CorralDBusHelper1 *proxy,
                           GTask             *task);

static void
proxy_ready_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CorralForwardsClient *self = g_task_get_source_object (task);
  ProxyFunc func = g_object_get_data (G_OBJECT (task), "corral-proxy-func");
  GError *error = NULL;
  CorralDBusHelper1 *proxy;

  proxy = corral_dbus_helper1_proxy_new_finish (result, &error);
  if (proxy == NULL)
    {
      g_task_return_error (task, translate_error (error));
      return;
    }
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (proxy), CALL_TIMEOUT_MS);
  if (self->proxy == NULL)
    self->proxy = g_object_ref (proxy);
  func (proxy, g_steal_pointer (&task));
  g_object_unref (proxy);
}

static void
make_proxy (CorralForwardsClient *self,
            GTask                *task)
{
  (void) corral_helper_error_quark ();  /* registers the helper's D-Bus error names */
  corral_dbus_helper1_proxy_new (self->bus,
                                 G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES
                                 | G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS
                                 | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION,
                                 CORRAL_HELPER_DBUS_NAME, CORRAL_HELPER_DBUS_PATH,
                                 g_task_get_cancellable (task), proxy_ready_cb, task);
}

static void
bus_ready_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CorralForwardsClient *self = g_task_get_source_object (task);
  GError *error = NULL;
  GDBusConnection *bus;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      g_task_return_error (task, translate_error (error));
      return;
    }
  if (self->bus == NULL)
    self->bus = bus;
  else
    g_object_unref (bus);
  make_proxy (self, g_steal_pointer (&task));
}

/* Runs func with the proxy, made on first use; takes @task. */
static void
with_proxy (CorralForwardsClient *self,
            GTask                *task,
            ProxyFunc             func)
{
  if (self->proxy != NULL)
    {
      func (self->proxy, task);
      return;
    }
  g_object_set_data (G_OBJECT (task), "corral-proxy-func", func);
  if (self->bus == NULL)
    g_bus_get (G_BUS_TYPE_SYSTEM, g_task_get_cancellable (task), bus_ready_cb, task);
  else
    make_proxy (self, task);
}

/* --- readiness --- */

/* Seconds since the epoch at which process @pid started, or 0. */
static gint64
process_start_time (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *stat = NULL;
  g_autofree char *proc_stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *p, *btime;
  long ticks = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents (path, &stat, NULL, NULL) ||
      !g_file_get_contents ("/proc/stat", &proc_stat, NULL, NULL) ||
      (p = strrchr (stat, ')')) == NULL ||
      (btime = strstr (proc_stat, "\nbtime ")) == NULL || ticks <= 0)
    return 0;
  /* after "pid (comm) " come fields 3...; the start time is field 22 */
  fields = g_strsplit (p + 2, " ", 21);
  if (g_strv_length (fields) < 21)
    return 0;
  return g_ascii_strtoll (btime + 7, NULL, 10) + g_ascii_strtoull (fields[19], NULL, 10) / ticks;
}

/* libvirt finds its hook scripts only when it starts: a hook installed after libvirtd started is
 * not run until libvirtd restarts. TRUE when that is so (as far as this user can tell). */
static gboolean
hook_newer_than_libvirtd (void)
{
  g_autofree char *pid = NULL;
  GStatBuf st;
  gint64 started, installed;

  if (g_stat (QEMU_HOOK, &st) != 0)
    return FALSE;
  for (gsize i = 0; pid == NULL && i < G_N_ELEMENTS (libvirtd_pidfiles); i++)
    g_file_get_contents (libvirtd_pidfiles[i], &pid, NULL, NULL);
  if (pid == NULL)
    return FALSE;
  g_strstrip (pid);
  if (pid[0] == '\0' || strspn (pid, "0123456789") != strlen (pid))
    return FALSE;
  started = process_start_time (pid);
  installed = MAX (st.st_mtime, st.st_ctime);
  return started > 0 && installed > started + 1;
}

static void
get_status_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) status = NULL;
  GError *error = NULL;
  gboolean hook = FALSE;
  gboolean ip_forwarding = TRUE;

  if (!corral_dbus_helper1_call_get_status_finish (CORRAL_DBUS_HELPER1 (object), &status, result,
                                                   &error))
    {
      g_task_return_error (task, translate_error (error));
      return;
    }
  g_variant_lookup (status, "qemu-hook-installed", "b", &hook);
  g_variant_lookup (status, "ip-forwarding", "b", &ip_forwarding);
  if (!hook)
    {
      g_task_set_task_data (task, g_strdup (_("Corral’s libvirt hook is missing from "
                                              "/etc/libvirt/hooks/qemu.d, so forwards are not "
                                              "applied when guests start. Reinstall corral-helper, "
                                              "then restart libvirtd.")), g_free);
      g_task_return_int (task, CORRAL_FORWARDS_HOOK_MISSING);
    }
  else if (hook_newer_than_libvirtd ())
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

static void
get_status_with_proxy (CorralDBusHelper1 *proxy,
                       GTask             *task)
{
  corral_dbus_helper1_call_get_status (proxy, g_task_get_cancellable (task), get_status_cb, task);
}

void
corral_forwards_client_get_readiness_async (CorralForwardsClient *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (CORRAL_IS_FORWARDS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_forwards_client_get_readiness_async);
  with_proxy (self, task, get_status_with_proxy);
}

/* Returns the readiness, and in @message what to tell the user when it is not READY. On error (the
 * helper is missing, say) returns READY with @error set. */
CorralForwardsReadiness
corral_forwards_client_get_readiness_finish (CorralForwardsClient  *self,
                                             GAsyncResult          *result,
                                             char                 **message,
                                             GError               **error)
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

/* --- list --- */

static GPtrArray *
forwards_from_variant (GVariant *list)
{
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);
  const char *uuid, *protocol, *host_address, *guest_address;
  guint16 host_port, guest_port;
  gboolean active;
  GVariantIter iter;

  g_variant_iter_init (&iter, list);
  while (g_variant_iter_next (&iter, "(&s&s&sq&sqb)", &uuid, &protocol, &host_address, &host_port,
                              &guest_address, &guest_port, &active))
    g_ptr_array_add (result, corral_forward_new (uuid, protocol, host_address, host_port,
                                                 guest_address, guest_port, active));
  return result;
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) list = NULL;
  GError *error = NULL;

  if (!corral_dbus_helper1_call_list_forwards_finish (CORRAL_DBUS_HELPER1 (object), &list, result,
                                                      &error))
    {
      g_task_return_error (task, translate_error (error));
      return;
    }
  g_task_return_pointer (task, forwards_from_variant (list), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_with_proxy (CorralDBusHelper1 *proxy,
                 GTask             *task)
{
  corral_dbus_helper1_call_list_forwards (proxy, g_task_get_task_data (task),
                                          g_task_get_cancellable (task), list_cb, task);
}

void
corral_forwards_client_list_async (CorralForwardsClient *self,
                                   const char           *guest_uuid,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (CORRAL_IS_FORWARDS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_forwards_client_list_async);
  g_task_set_task_data (task, g_strdup (guest_uuid != NULL ? guest_uuid : ""), g_free);
  with_proxy (self, task, list_with_proxy);
}

/* A new array of CorralForward, in the helper's order. */
GPtrArray *
corral_forwards_client_list_finish (CorralForwardsClient  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the cache of all forwards --- */

static void
refresh_all_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CorralForwardsClient) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *all;

  self->loading = FALSE;
  all = corral_forwards_client_list_finish (self, result, &error);
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
      corral_forwards_client_refresh_all (self);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

void
corral_forwards_client_refresh_all (CorralForwardsClient *self)
{
  g_return_if_fail (CORRAL_IS_FORWARDS_CLIENT (self));

  if (self->loading)
    {
      self->reload = TRUE;
      return;
    }
  self->loading = TRUE;
  corral_forwards_client_list_async (self, "", NULL, refresh_all_cb, g_object_ref (self));
}

/* A new array of the cached forwards of @guest_uuid ("" or NULL: all). Starts fetching them on
 * first use ("changed" tells when they are there). */
GPtrArray *
corral_forwards_client_get_cached (CorralForwardsClient *self,
                                   const char           *guest_uuid)
{
  GPtrArray *result;

  g_return_val_if_fail (CORRAL_IS_FORWARDS_CLIENT (self), NULL);

  result = g_ptr_array_new_with_free_func (g_object_unref);
  if (self->all == NULL)
    {
      if (!self->loading)
        corral_forwards_client_refresh_all (self);
      return result;
    }
  for (guint i = 0; i < self->all->len; i++)
    {
      CorralForward *forward = g_ptr_array_index (self->all, i);

      if (guest_uuid == NULL || guest_uuid[0] == '\0' ||
          g_ascii_strcasecmp (forward->guest_uuid, guest_uuid) == 0)
        g_ptr_array_add (result, g_object_ref (forward));
    }
  return result;
}

/* "8765→1337" and the like for @guest_uuid's forwards, or NULL when it has none (or they are not
 * known yet). */
char *
corral_forwards_client_dup_summary (CorralForwardsClient *self,
                                    const char           *guest_uuid)
{
  g_autoptr(GPtrArray) forwards = NULL;

  g_return_val_if_fail (CORRAL_IS_FORWARDS_CLIENT (self), NULL);
  g_return_val_if_fail (guest_uuid != NULL, NULL);

  forwards = corral_forwards_client_get_cached (self, guest_uuid);
  return corral_forwards_summarize (forwards);
}

/* --- add and remove --- */

typedef struct
{
  char  *guest_uuid;
  char  *protocol;
  char  *host_address;
  guint  host_port;
  guint  guest_port;
} Change;

static void
change_free (Change *change)
{
  g_free (change->guest_uuid);
  g_free (change->protocol);
  g_free (change->host_address);
  g_free (change);
}

static void
add_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CorralForwardsClient *self = g_task_get_source_object (task);
  g_autofree char *address = NULL;
  GError *error = NULL;

  if (!corral_dbus_helper1_call_add_forward_finish (CORRAL_DBUS_HELPER1 (object), &address, result,
                                                    &error))
    {
      g_task_return_error (task, translate_error (error));
      return;
    }
  corral_forwards_client_refresh_all (self);
  g_task_return_pointer (task, g_steal_pointer (&address), g_free);
}

static void
add_with_proxy (CorralDBusHelper1 *proxy,
                GTask             *task)
{
  Change *change = g_task_get_task_data (task);

  corral_dbus_helper1_call_add_forward (proxy, change->guest_uuid, change->protocol,
                                        change->host_address, change->host_port, change->guest_port,
                                        g_task_get_cancellable (task), add_cb, task);
}

void
corral_forwards_client_add_async (CorralForwardsClient *self,
                                  const char           *guest_uuid,
                                  const char           *protocol,
                                  const char           *host_address,
                                  guint                 host_port,
                                  guint                 guest_port,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  GTask *task;
  Change *change;

  g_return_if_fail (CORRAL_IS_FORWARDS_CLIENT (self));
  g_return_if_fail (guest_uuid != NULL && protocol != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_forwards_client_add_async);
  if (host_port == 0 || host_port > G_MAXUINT16 || guest_port == 0 || guest_port > G_MAXUINT16)
    {
      g_task_return_new_error (task, CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_INVALID_ARGUMENT,
                               _("Ports are numbers from 1 to 65535"));
      g_object_unref (task);
      return;
    }
  change = g_new0 (Change, 1);
  change->guest_uuid = g_strdup (guest_uuid);
  change->protocol = g_strdup (protocol);
  change->host_address = g_strdup (host_address != NULL ? host_address : "");
  change->host_port = host_port;
  change->guest_port = guest_port;
  g_task_set_task_data (task, change, (GDestroyNotify) change_free);
  with_proxy (self, task, add_with_proxy);
}

/* The guest address the forward leads to (pinned by a DHCP reservation). */
char *
corral_forwards_client_add_finish (CorralForwardsClient  *self,
                                   GAsyncResult          *result,
                                   GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
remove_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CorralForwardsClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!corral_dbus_helper1_call_remove_forward_finish (CORRAL_DBUS_HELPER1 (object), result,
                                                       &error))
    {
      g_task_return_error (task, translate_error (error));
      return;
    }
  corral_forwards_client_refresh_all (self);
  g_task_return_boolean (task, TRUE);
}

static void
remove_with_proxy (CorralDBusHelper1 *proxy,
                   GTask             *task)
{
  Change *change = g_task_get_task_data (task);

  corral_dbus_helper1_call_remove_forward (proxy, change->protocol, change->host_address,
                                           change->host_port, g_task_get_cancellable (task),
                                           remove_cb, task);
}

void
corral_forwards_client_remove_async (CorralForwardsClient *self,
                                     const char           *protocol,
                                     const char           *host_address,
                                     guint                 host_port,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  GTask *task;
  Change *change;

  g_return_if_fail (CORRAL_IS_FORWARDS_CLIENT (self));
  g_return_if_fail (protocol != NULL && host_port > 0 && host_port <= G_MAXUINT16);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_forwards_client_remove_async);
  change = g_new0 (Change, 1);
  change->protocol = g_strdup (protocol);
  change->host_address = g_strdup (host_address != NULL ? host_address : "");
  change->host_port = host_port;
  g_task_set_task_data (task, change, (GDestroyNotify) change_free);
  with_proxy (self, task, remove_with_proxy);
}

gboolean
corral_forwards_client_remove_finish (CorralForwardsClient  *self,
                                      GAsyncResult          *result,
                                      GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- GObject --- */

static void
corral_forwards_client_dispose (GObject *object)
{
  CorralForwardsClient *self = CORRAL_FORWARDS_CLIENT (object);

  g_clear_object (&self->proxy);
  g_clear_object (&self->bus);
  g_clear_pointer (&self->all, g_ptr_array_unref);

  G_OBJECT_CLASS (corral_forwards_client_parent_class)->dispose (object);
}

static void
corral_forwards_client_class_init (CorralForwardsClientClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = corral_forwards_client_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
corral_forwards_client_init (CorralForwardsClient *self)
{
}

/* A client on @bus, or on the system bus when @bus is NULL. */
CorralForwardsClient *
corral_forwards_client_new (GDBusConnection *bus)
{
  CorralForwardsClient *self;

  g_return_val_if_fail (bus == NULL || G_IS_DBUS_CONNECTION (bus), NULL);

  self = g_object_new (CORRAL_TYPE_FORWARDS_CLIENT, NULL);
  if (bus != NULL)
    self->bus = g_object_ref (bus);
  return self;
}

/* The client on the system bus that the whole program shares (the list rows and the dialog). */
CorralForwardsClient *
corral_forwards_client_get_default (void)
{
  static CorralForwardsClient *client;

  if (client == NULL)
    client = corral_forwards_client_new (NULL);
  return client;
}

/* --- can this guest have forwards? --- */

char *
corral_forwards_check_uri (const char *uri,
                           gboolean    is_local)
{
  g_return_val_if_fail (uri != NULL, NULL);

  if (g_str_has_prefix (uri, "test:"))
    return g_strdup (_("Guests of libvirt’s test driver (the demo connection) have no real "
                       "network, so they cannot have port forwards."));
  if (!is_local)
    return g_strdup (_("Port forwards work only for guests on this computer: this guest runs on "
                       "another host. Forward ports on that host instead."));
  if (!g_str_has_prefix (uri, "qemu"))
    return g_strdup (_("Port forwards work only for QEMU/KVM guests of the system connection "
                       "(qemu:///system)."));
  if (strstr (uri, "/session") != NULL)
    return g_strdup (_("Guests of a session connection (qemu:///session) have no libvirt NAT "
                       "network, so their ports cannot be forwarded. Use the system connection "
                       "(qemu:///system) for guests that need forwards."));
  return NULL;
}

typedef struct
{
  int        depth;
  gboolean   in_devices;
  gboolean   in_interface;
  gboolean   done;
  char      *type;       /* of the first <interface> */
  char      *source;     /* its network or bridge */
  char      *forward;    /* <network>: the <forward mode>, "nat" when the mode is left out */
} XmlScan;

static void
scan_start (GMarkupParseContext  *context,
            const char           *element,
            const char          **names,
            const char          **values,
            gpointer              user_data,
            GError              **error)
{
  XmlScan *scan = user_data;

  scan->depth++;
  if (scan->done)
    return;
  if (scan->depth == 2 && g_str_equal (element, "devices"))
    scan->in_devices = TRUE;
  else if (scan->depth == 2 && g_str_equal (element, "forward"))
    {
      const char *mode = "nat";

      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "mode"))
          mode = values[i];
      g_free (scan->forward);
      scan->forward = g_strdup (mode);
    }
  else if (scan->in_devices && scan->depth == 3 && g_str_equal (element, "interface"))
    {
      scan->in_interface = TRUE;
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "type"))
          scan->type = g_strdup (values[i]);
    }
  else if (scan->in_interface && scan->depth == 4 && g_str_equal (element, "source"))
    {
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "network") || g_str_equal (names[i], "bridge") ||
            g_str_equal (names[i], "dev"))
          {
            g_free (scan->source);
            scan->source = g_strdup (values[i]);
          }
    }
}

static void
scan_end (GMarkupParseContext  *context,
          const char           *element,
          gpointer              user_data,
          GError              **error)
{
  XmlScan *scan = user_data;

  if (scan->in_interface && scan->depth == 3)
    {
      scan->in_interface = FALSE;
      scan->done = TRUE;
    }
  if (scan->in_devices && scan->depth == 2)
    scan->in_devices = FALSE;
  scan->depth--;
}

static void
xml_scan (const char *xml,
          XmlScan    *scan)
{
  static const GMarkupParser parser = { scan_start, scan_end, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, scan, NULL);

  if (!g_markup_parse_context_parse (context, xml, -1, NULL))
    scan->done = FALSE;
}

static void
xml_scan_clear (XmlScan *scan)
{
  g_free (scan->type);
  g_free (scan->source);
  g_free (scan->forward);
}

static char *
network_reason (virConnectPtr  conn,
                const char    *name)
{
  XmlScan scan = { 0 };
  virNetworkPtr net;
  char *xml;
  char *reason = NULL;

  net = virNetworkLookupByName (conn, name);
  if (net == NULL)
    {
      virResetLastError ();
      return g_strdup_printf (_("The guest’s network “%s” does not exist, so its ports cannot be "
                                "forwarded."), name);
    }
  xml = virNetworkGetXMLDesc (net, 0);
  virNetworkFree (net);
  if (xml == NULL)
    {
      virResetLastError ();
      return NULL;  /* cannot tell: let the helper decide */
    }
  xml_scan (xml, &scan);
  free (xml);

  if (scan.forward == NULL)
    reason = g_strdup_printf (_("The guest’s network “%s” is isolated (it has no NAT), so nothing "
                                "can reach it from outside."), name);
  else if (!g_str_equal (scan.forward, "nat"))
    reason = g_strdup_printf (_("The guest’s network “%s” is not a NAT network (its mode is “%s”): "
                                "the guest is reachable at its own address and needs no "
                                "forwards."), name, scan.forward);
  xml_scan_clear (&scan);
  return reason;
}

static void
check_guest_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  CorralGuest *guest = source_object;
  CorralConnection *connection = task_data;
  GVirDomain *domain = corral_guest_get_domain (guest);
  virDomainPtr vdom = NULL;
  virConnectPtr conn = NULL;
  char *xml = NULL;
  char *reason = NULL;

  if (domain != NULL)
    g_object_get (domain, "handle", &vdom, NULL);
  if (vdom == NULL || (conn = _corral_connection_ref_handle (connection)) == NULL)
    {
      if (vdom != NULL)
        virDomainFree (vdom);
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("Not connected to the guest’s host"));
      return;
    }
  xml = virDomainGetXMLDesc (vdom, VIR_DOMAIN_XML_INACTIVE);
  virDomainFree (vdom);
  if (xml == NULL)
    virResetLastError ();  /* cannot tell: let the helper decide */
  else
    reason = _corral_forwards_check_domain (conn, xml);
  free (xml);
  virConnectClose (conn);
  g_task_return_pointer (task, reason, g_free);
}

char *
_corral_forwards_check_domain (virConnectPtr  conn,
                               const char    *domain_xml)
{
  XmlScan scan = { 0 };
  char *reason = NULL;

  g_return_val_if_fail (conn != NULL && domain_xml != NULL, NULL);

  xml_scan (domain_xml, &scan);
  if (scan.type == NULL)
    reason = g_strdup (_("The guest has no network interface."));
  else if (g_str_equal (scan.type, "network") && scan.source != NULL)
    reason = network_reason (conn, scan.source);
  else if (g_str_equal (scan.type, "bridge") || g_str_equal (scan.type, "direct"))
    reason = g_strdup_printf (_("The guest is bridged to %s: it has an address of its own on your "
                                "network, so it needs no port forwards."),
                              scan.source != NULL ? scan.source : "?");
  else if (g_str_equal (scan.type, "user"))
    reason = g_strdup (_("The guest uses user-mode networking, which has no NAT network for Corral "
                         "to forward ports to. Connect it to a libvirt NAT network."));
  else
    reason = g_strdup_printf (_("The guest’s network interface is of type “%s”, not on a libvirt "
                                "NAT network, so its ports cannot be forwarded."), scan.type);

  xml_scan_clear (&scan);
  return reason;
}

void
corral_forwards_check_guest_async (CorralGuest         *guest,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CorralConnection *connection;
  char *reason;

  g_return_if_fail (CORRAL_IS_GUEST (guest));

  task = g_task_new (guest, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_forwards_check_guest_async);
  connection = corral_guest_get_connection (guest);
  if (connection == NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("Not connected to the guest’s host"));
      return;
    }
  reason = corral_forwards_check_uri (corral_connection_get_uri (connection),
                                      corral_connection_is_local (connection));
  if (reason != NULL)
    {
      g_task_return_pointer (task, reason, g_free);
      return;
    }
  g_task_set_task_data (task, g_object_ref (connection), g_object_unref);
  g_task_run_in_thread (task, check_guest_thread);
}

/* NULL with no error: forwards can apply (as far as can be told). Else the reason they cannot. */
char *
corral_forwards_check_guest_finish (CorralGuest   *guest,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- ports --- */

gboolean
corral_forwards_parse_port (const char  *text,
                            const char  *what,
                            guint       *port,
                            GError     **error)
{
  guint64 value = 0;

  g_return_val_if_fail (what != NULL, FALSE);

  if (text == NULL || text[0] == '\0')
    {
      g_set_error (error, CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_INVALID_ARGUMENT,
                   _("%s: enter a port number"), what);
      return FALSE;
    }
  if (strspn (text, "0123456789") != strlen (text) || strlen (text) > 5 ||
      (value = g_ascii_strtoull (text, NULL, 10)) < 1 || value > 65535)
    {
      g_set_error (error, CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_INVALID_ARGUMENT,
                   _("%s must be a number from 1 to 65535"), what);
      return FALSE;
    }
  if (port != NULL)
    *port = value;
  return TRUE;
}

static gboolean
proc_net_has_port (const char *path,
                   guint       port,
                   const char *state)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      const char *fields_used[4] = { NULL };
      const char *colon;
      guint n = 0;

      /* "sl local_address rem_address st ...", with runs of spaces */
      for (guint j = 0; fields[j] != NULL && n < 4; j++)
        if (fields[j][0] != '\0')
          fields_used[n++] = fields[j];
      if (n < 4 || (colon = strrchr (fields_used[1], ':')) == NULL)
        continue;
      if (g_ascii_strtoull (colon + 1, NULL, 16) == port &&
          g_ascii_strcasecmp (fields_used[3], state) == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
corral_forwards_port_in_use (const char *protocol,
                             guint       port)
{
  g_return_val_if_fail (protocol != NULL, FALSE);

  if (g_str_equal (protocol, "udp"))
    return proc_net_has_port ("/proc/net/udp", port, "07") ||
           proc_net_has_port ("/proc/net/udp6", port, "07");
  return proc_net_has_port ("/proc/net/tcp", port, "0A") ||
         proc_net_has_port ("/proc/net/tcp6", port, "0A");
}

static gboolean
host_port_free (CorralForwardsClient *self,
                const char           *protocol,
                guint                 port)
{
  g_autoptr(GPtrArray) all = corral_forwards_client_get_cached (self, NULL);

  for (guint i = 0; i < all->len; i++)
    {
      CorralForward *forward = g_ptr_array_index (all, i);

      if (forward->host_port == port && g_str_equal (forward->protocol, protocol))
        return FALSE;
    }
  return !corral_forwards_port_in_use (protocol, port);
}

guint
corral_forwards_suggest_host_port (CorralForwardsClient *self,
                                   const char           *protocol,
                                   guint                 guest_port)
{
  guint port;

  g_return_val_if_fail (CORRAL_IS_FORWARDS_CLIENT (self), 0);
  g_return_val_if_fail (guest_port >= 1 && guest_port <= 65535, 0);

  /* The same number when a user may take it; below 1024 ports are for system services. */
  if (guest_port >= 1024 && host_port_free (self, protocol, guest_port))
    return guest_port;
  port = guest_port < 1024 ? 8000 + guest_port : guest_port + 1;
  for (guint tries = 0; tries < 64512; tries++, port++)
    {
      if (port > 65535)
        port = 1024;
      if (host_port_free (self, protocol, port))
        return port;
    }
  return 0;
}

/* --- Test --- */

/* An IPv4 address of this host that is not loopback (forwards leave loopback alone). */
static GInetAddress *
host_address_for_test (void)
{
  struct ifaddrs *list = NULL;
  GInetAddress *found = NULL;

  if (getifaddrs (&list) != 0)
    return NULL;
  for (struct ifaddrs *ifa = list; ifa != NULL && found == NULL; ifa = ifa->ifa_next)
    {
      if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET ||
          (ifa->ifa_flags & IFF_LOOPBACK) || !(ifa->ifa_flags & IFF_UP))
        continue;
      const struct sockaddr_in *sin = (const struct sockaddr_in *) ifa->ifa_addr;

      found = g_inet_address_new_from_bytes ((const guint8 *) &sin->sin_addr, G_SOCKET_FAMILY_IPV4);
    }
  freeifaddrs (list);
  return found;
}

static void
test_connected_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_NO_ANSWER,
                                 "%s", error->message);
      return;
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

void
corral_forwards_test_async (const char          *host_address,
                            guint                host_port,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) target = NULL;

  g_return_if_fail (host_port > 0 && host_port <= 65535);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_forwards_test_async);
  if (host_address != NULL && host_address[0] != '\0')
    address = g_inet_address_new_from_string (host_address);
  else
    address = host_address_for_test ();
  if (address == NULL)
    {
      g_task_return_new_error (task, CORRAL_FORWARDS_ERROR, CORRAL_FORWARDS_ERROR_FAILED,
                               _("This computer has no network address to test the forward from"));
      return;
    }
  target = g_inet_socket_address_new (address, host_port);
  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, TEST_TIMEOUT_S);
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (target), cancellable,
                                 test_connected_cb, g_steal_pointer (&task));
}

/* TRUE when something answered through the forward; else a NO_ANSWER error saying what happened. */
gboolean
corral_forwards_test_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
