/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-connection"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>
#include <string.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-forwards-check.h"
#include "corral-guest-private.h"
#include "corral-helper-client.h"

#define KEEPALIVE_INTERVAL_S 5
#define KEEPALIVE_COUNT      3

struct _CorralConnection
{
  GObject                 parent_instance;

  char                   *uri;
  GUri                   *parsed_uri;       /* the URI parsed once, when it is set; NULL if it does not parse */
  char                   *driver;           /* "qemu", "test", ...: the scheme up to its '+' */
  char                   *title;
  char                   *error_message;

  GVirConnection         *gvir;
  GListStore             *guests;
  GHashTable             *guests_by_uuid;   /* uuid → CorralGuest (borrowed from guests) */
  GCancellable           *cancellable;      /* the current open/reconnect attempt */
  CorralHelperClient     *forwards;         /* its forwards cache: only where guests can have forwards */

  CorralConnectionStatus  status;
  CorralAcceleration      acceleration;

  guint                   reconnect_source;
  guint                   reconnect_delay_ms;
  guint                   reconnect_first_ms;
  guint                   reconnect_max_ms;
  guint                   close_idle;
  gboolean                closed_by_user;
  gboolean                was_connected;
};

enum {
  PROP_0,
  PROP_URI,
  PROP_TITLE,
  PROP_DEMO,
  PROP_STATUS,
  PROP_STATUS_LABEL,
  PROP_ERROR_MESSAGE,
  PROP_ACCELERATION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CorralConnection, corral_connection, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint install_finished_signal;

static void start_attempt (CorralConnection *self,
                           GTask            *task);
static void close_cb      (virConnectPtr     conn,
                           int               reason,
                           void             *opaque);

typedef struct
{
  GVirDomain      *domain;
  CorralGuestInfo  info;
} Found;

static void
found_free (Found *found)
{
  g_clear_object (&found->domain);
  g_free (found);
}

static char *
make_title (CorralConnection *self)
{
  const char *path, *host;

  if (corral_connection_is_demo (self))
    return g_strdup (_("libvirt test driver"));

  if (self->parsed_uri == NULL)
    return g_strdup (self->uri);

  path = g_uri_get_path (self->parsed_uri);
  host = g_uri_get_host (self->parsed_uri);

  if (corral_connection_is_test (self))
    return g_strdup_printf (_("Test driver (%s)"), path);

  if (host == NULL || *host == '\0')
    {
      if (corral_connection_is_system (self))
        return g_strdup (_("This computer"));
      if (corral_connection_is_session (self))
        return g_strdup (_("This computer (user session)"));
      return g_strdup (self->uri);
    }

  if (corral_connection_is_session (self))
    return g_strdup_printf (_("%s (user session)"), host);
  return g_strdup (host);
}

/* libvirt's URIs: driver[+transport]://[user@][host][:port]/path[?parameters] */
static void
set_uri (CorralConnection *self,
         const char       *uri)
{
  const char *scheme, *plus;

  g_assert (self->uri == NULL);
  self->uri = g_strdup (uri);
  self->parsed_uri = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED_QUERY, NULL)
                                 : NULL;
  scheme = self->parsed_uri != NULL ? g_uri_get_scheme (self->parsed_uri) : NULL;
  if (scheme != NULL)
    {
      plus = strchr (scheme, '+');
      self->driver = plus != NULL ? g_strndup (scheme, plus - scheme) : g_strdup (scheme);
    }
  self->title = make_title (self);
}

static void
set_status (CorralConnection       *self,
            CorralConnectionStatus  status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_LABEL]);
}

static void
set_error_message (CorralConnection *self,
                   const char       *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
set_acceleration (CorralConnection   *self,
                  CorralAcceleration  acceleration)
{
  if (self->acceleration == acceleration)
    return;
  self->acceleration = acceleration;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCELERATION]);
}

virConnectPtr
_corral_connection_ref_handle (CorralConnection *self)
{
  virConnectPtr handle = NULL;

  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), NULL);

  if (self->gvir == NULL || !gvir_connection_is_open (self->gvir))
    return NULL;
  g_object_get (self->gvir, "handle", &handle, NULL);
  return handle;
}

/* --- port forwards: each guest's forwards-summary follows corral-helper's list --- */

static void
update_forwards_summary (CorralConnection *self,
                         CorralGuest      *guest)
{
  g_autofree char *summary = NULL;

  summary = corral_helper_client_dup_forwards_summary (self->forwards, corral_guest_get_uuid (guest));
  _corral_guest_set_forwards_summary (guest, summary);
}

static void
forwards_changed_cb (CorralConnection   *self,
                     CorralHelperClient *client)
{
  GHashTableIter iter;
  gpointer guest;

  g_hash_table_iter_init (&iter, self->guests_by_uuid);
  while (g_hash_table_iter_next (&iter, NULL, &guest))
    update_forwards_summary (self, guest);
}

/* One subscription per connection, made when its first guest appears and only where its guests can
 * have forwards: a demo or remote connection never asks the helper. */
static void
watch_forwards (CorralConnection *self)
{
  g_autofree char *why_not = NULL;

  if (self->forwards != NULL || (why_not = corral_forwards_check_connection (self)) != NULL)
    return;
  self->forwards = g_object_ref (corral_helper_client_get_default ());
  g_signal_connect_object (self->forwards, "changed", G_CALLBACK (forwards_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/* --- guests --- */

static CorralGuest *
add_guest (CorralConnection      *self,
           GVirDomain            *domain,
           const CorralGuestInfo *info,
           GPtrArray             *batch)
{
  CorralGuest *guest;

  guest = _corral_guest_new (self, domain, info);
  watch_forwards (self);
  if (self->forwards != NULL)
    update_forwards_summary (self, guest);
  g_hash_table_insert (self->guests_by_uuid, g_strdup (corral_guest_get_uuid (guest)), guest);
  if (batch != NULL)
    g_ptr_array_add (batch, guest);
  else
    {
      g_list_store_insert_sorted (self->guests, guest, corral_guest_compare, NULL);
      g_object_unref (guest);
    }
  return guest;
}

static void
remove_guest (CorralConnection *self,
              CorralGuest      *guest)
{
  guint position;

  if (g_list_store_find (self->guests, guest, &position))
    g_list_store_remove (self->guests, position);
}

static void
domain_added_cb (CorralConnection *self,
                 GVirDomain       *domain,
                 GVirConnection   *gvir)
{
  CorralGuest *guest;

  guest = g_hash_table_lookup (self->guests_by_uuid, gvir_domain_get_uuid (domain));
  if (guest != NULL)
    _corral_guest_set_domain (guest, domain, NULL);
  else
    add_guest (self, domain, NULL, NULL);
}

static void
domain_removed_cb (CorralConnection *self,
                   GVirDomain       *domain,
                   GVirConnection   *gvir)
{
  const char *uuid = gvir_domain_get_uuid (domain);
  CorralGuest *guest;

  guest = g_hash_table_lookup (self->guests_by_uuid, uuid);
  if (guest == NULL)
    return;
  g_object_ref (guest);
  g_hash_table_remove (self->guests_by_uuid, uuid);
  remove_guest (self, guest);
  g_object_run_dispose (G_OBJECT (guest));
  g_object_unref (guest);
}

static int
sort_guests_cb (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  return corral_guest_compare (*(CorralGuest **) a, *(CorralGuest **) b, NULL);
}

/* Makes the guest list equal to what the daemon has, keeping the CorralGuest objects of guests that are
 * still there (views keep their rows and selection across a reconnect). */
static void
reconcile (CorralConnection *self,
           GPtrArray        *found)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < found->len; i++)
    {
      Found *f = g_ptr_array_index (found, i);
      const char *uuid = gvir_domain_get_uuid (f->domain);
      CorralGuest *guest = g_hash_table_lookup (self->guests_by_uuid, uuid);

      if (guest != NULL)
        _corral_guest_set_domain (guest, f->domain, &f->info);
      else
        guest = add_guest (self, f->domain, &f->info, batch);
      g_hash_table_add (seen, (gpointer) corral_guest_get_uuid (guest));
    }

  g_hash_table_iter_init (&iter, self->guests_by_uuid);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!g_hash_table_contains (seen, corral_guest_get_uuid (value)))
      {
        g_ptr_array_add (gone, g_object_ref (value));
        g_hash_table_iter_remove (&iter);
      }
  for (guint i = 0; i < gone->len; i++)
    {
      remove_guest (self, g_ptr_array_index (gone, i));
      g_object_run_dispose (g_ptr_array_index (gone, i));
    }

  /* One items-changed for all new guests: 5000 guests are one signal, not 5000. The list stays in
   * corral_guest_compare() order, so views need not sort it again. */
  if (batch->len == 0)
    return;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->guests)) == 0)
    {
      g_ptr_array_sort_with_data (batch, sort_guests_cb, NULL);
      g_list_store_splice (self->guests, 0, 0, batch->pdata, batch->len);
    }
  else
    for (guint i = 0; i < batch->len; i++)
      g_list_store_insert_sorted (self->guests, g_ptr_array_index (batch, i), corral_guest_compare, NULL);
}

/* --- reading every guest's state in one round trip, off the main thread --- */

static void
read_stats (virConnectPtr  conn,
            GHashTable    *infos)
{
  virDomainStatsRecordPtr *records = NULL;
  int n;

  n = virConnectGetAllDomainStats (conn,
                                   VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU,
                                   &records, 0);
  if (n < 0)
    {
      virResetLastError ();
      return;
    }

  for (int i = 0; i < n; i++)
    {
      char uuid[VIR_UUID_STRING_BUFLEN];
      CorralGuestInfo *info;
      unsigned long long ull;
      unsigned int ui;
      int state;

      if (virDomainGetUUIDString (records[i]->dom, uuid) < 0)
        continue;
      if (virTypedParamsGetInt (records[i]->params, records[i]->nparams, "state.state", &state) != 1)
        continue;
      info = g_new0 (CorralGuestInfo, 1);
      info->vir_state = state;
      if (virTypedParamsGetULLong (records[i]->params, records[i]->nparams, "balloon.current", &ull) == 1 ||
          virTypedParamsGetULLong (records[i]->params, records[i]->nparams, "balloon.maximum", &ull) == 1)
        info->memory = ull;
      if (virTypedParamsGetUInt (records[i]->params, records[i]->nparams, "vcpu.current", &ui) == 1)
        info->vcpus = ui;
      g_hash_table_insert (infos, g_strdup (uuid), info);
    }
  virDomainStatsRecordListFree (records);
  virResetLastError ();
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GVirConnection *gvir = task_data;
  g_autoptr(GHashTable) infos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) found_free);
  g_autoptr(GError) error = NULL;
  virConnectPtr conn = NULL;
  GList *domains;

  if (!gvir_connection_fetch_domains (gvir, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_object_get (gvir, "handle", &conn, NULL);
  if (conn != NULL)
    read_stats (conn, infos);

  domains = gvir_connection_get_domains (gvir);
  for (GList *l = domains; l != NULL; l = l->next)
    {
      GVirDomain *domain = l->data;
      Found *f = g_new0 (Found, 1);
      CorralGuestInfo *info = g_hash_table_lookup (infos, gvir_domain_get_uuid (domain));

      f->domain = domain;   /* takes the list's reference */
      if (info != NULL && info->memory != 0 && info->vcpus != 0)
        f->info = *info;
      else
        {
          /* Drivers without bulk stats: one call per guest, still off the main thread. */
          g_autoptr(GVirDomainInfo) gi = gvir_domain_get_info (domain, NULL);

          if (gi != NULL)
            {
              f->info.vir_state = gi->state;
              f->info.memory = gi->memory;
              f->info.vcpus = gi->nrVirtCpu;
            }
          else if (info != NULL)
            f->info = *info;
        }
      g_ptr_array_add (found, f);
    }
  g_list_free (domains);
  if (conn != NULL)
    virConnectClose (conn);

  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) g_ptr_array_unref);
}

/* --- host check --- */

static void
capabilities_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CorralConnection) self = user_data;
  g_autoptr(GVirConfigCapabilities) caps = NULL;
  g_autoptr(GError) error = NULL;
  gboolean kvm = FALSE;
  GList *guests;

  caps = gvir_connection_get_capabilities_finish (GVIR_CONNECTION (object), result, &error);
  if (caps == NULL)
    {
      g_debug ("No capabilities for %s: %s", self->uri, error->message);
      return;
    }

  guests = gvir_config_capabilities_get_guests (caps);
  for (GList *l = guests; l != NULL && !kvm; l = l->next)
    {
      g_autoptr(GVirConfigCapabilitiesGuestArch) arch = NULL;
      GList *domains;

      arch = gvir_config_capabilities_guest_get_arch (l->data);
      if (arch == NULL)
        continue;
      domains = gvir_config_capabilities_guest_arch_get_domains (arch);
      for (GList *d = domains; d != NULL; d = d->next)
        if (gvir_config_capabilities_guest_domain_get_virt_type (d->data) == GVIR_CONFIG_DOMAIN_VIRT_KVM)
          kvm = TRUE;
      g_list_free_full (domains, g_object_unref);
    }
  g_list_free_full (guests, g_object_unref);

  set_acceleration (self, kvm ? CORRAL_ACCELERATION_KVM : CORRAL_ACCELERATION_EMULATION_ONLY);
}

/* --- losing the daemon and reconnecting --- */

static void
drop_gvir (CorralConnection *self)
{
  virConnectPtr handle = NULL;

  if (self->gvir == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->gvir, self);
  g_object_get (self->gvir, "handle", &handle, NULL);
  if (handle != NULL)
    {
      virConnectUnregisterCloseCallback (handle, close_cb);
      virResetLastError ();
      virConnectClose (handle);
    }
  if (gvir_connection_is_open (self->gvir))
    gvir_connection_close (self->gvir);
  g_clear_object (&self->gvir);
}

static gboolean
reconnect_timeout_cb (gpointer user_data)
{
  CorralConnection *self = user_data;
  g_autoptr(GTask) task = NULL;

  self->reconnect_source = 0;
  g_debug ("Reconnecting to %s", self->uri);

  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, reconnect_timeout_cb);
  start_attempt (self, g_steal_pointer (&task));

  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (CorralConnection *self)
{
  if (self->closed_by_user || self->reconnect_source != 0)
    return;

  if (self->reconnect_delay_ms == 0)
    self->reconnect_delay_ms = self->reconnect_first_ms;
  else
    self->reconnect_delay_ms = MIN (self->reconnect_delay_ms * 2, self->reconnect_max_ms);

  g_debug ("Reconnecting to %s in %u ms", self->uri, self->reconnect_delay_ms);
  self->reconnect_source = g_timeout_add (self->reconnect_delay_ms, reconnect_timeout_cb, self);
}

static void
mark_disconnected (CorralConnection *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->guests));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CorralGuest) guest = g_list_model_get_item (G_LIST_MODEL (self->guests), i);
      _corral_guest_set_state (guest, CORRAL_GUEST_STATE_DISCONNECTED);
    }
}

static gboolean
connection_lost_idle_cb (gpointer user_data)
{
  CorralConnection *self = user_data;

  self->close_idle = 0;
  g_debug ("Lost connection to %s", self->uri);

  drop_gvir (self);
  mark_disconnected (self);
  set_error_message (self, _("The connection to the libvirt daemon was lost"));
  set_status (self, CORRAL_CONNECTION_STATUS_DISCONNECTED);
  schedule_reconnect (self);

  return G_SOURCE_REMOVE;
}

static void
close_cb (virConnectPtr conn,
          int           reason,
          void         *opaque)
{
  CorralConnection *self = opaque;

  /* Called from libvirt's event dispatch: leave libvirt before tearing the connection down. */
  if (self->close_idle == 0)
    self->close_idle = g_idle_add (connection_lost_idle_cb, self);
}

/* --- opening --- */

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CorralConnection *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  found = g_task_propagate_pointer (G_TASK (result), &error);
  if (found == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      drop_gvir (self);
      set_error_message (self, error->message);
      set_status (self, self->was_connected ? CORRAL_CONNECTION_STATUS_DISCONNECTED
                                            : CORRAL_CONNECTION_STATUS_FAILED);
      if (self->was_connected)
        schedule_reconnect (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  reconcile (self, found);
  self->was_connected = TRUE;
  self->reconnect_delay_ms = 0;
  set_error_message (self, NULL);
  set_status (self, CORRAL_CONNECTION_STATUS_CONNECTED);

  if (corral_connection_is_test (self))
    set_acceleration (self, CORRAL_ACCELERATION_NOT_APPLICABLE);
  else
    gvir_connection_get_capabilities_async (self->gvir, self->cancellable, capabilities_cb,
                                            g_object_ref (self));

  g_task_return_boolean (task, TRUE);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CorralConnection *self = g_task_get_source_object (task);
  GVirConnection *gvir = GVIR_CONNECTION (object);
  g_autoptr(GTask) load = NULL;
  g_autoptr(GError) error = NULL;
  virConnectPtr handle = NULL;

  if (!gvir_connection_open_finish (gvir, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          drop_gvir (self);
          set_error_message (self, error->message);
          if (self->was_connected)
            {
              set_status (self, CORRAL_CONNECTION_STATUS_DISCONNECTED);
              schedule_reconnect (self);
            }
          else
            set_status (self, CORRAL_CONNECTION_STATUS_FAILED);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Notice a daemon that goes away: keepalive for a hung one, the close callback for both. */
  g_object_get (gvir, "handle", &handle, NULL);
  if (handle != NULL)
    {
      if (virConnectSetKeepAlive (handle, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT) < 0)
        virResetLastError ();   /* drivers without a daemon (test:///) have no keepalive */
      if (virConnectRegisterCloseCallback (handle, close_cb, self, NULL) < 0)
        virResetLastError ();
      virConnectClose (handle);
    }

  load = g_task_new (self, self->cancellable, load_cb, g_steal_pointer (&task));
  g_task_set_source_tag (load, load_thread);
  g_task_set_task_data (load, g_object_ref (gvir), g_object_unref);
  g_task_run_in_thread (load, load_thread);
}

static void
start_attempt (CorralConnection *self,
               GTask            *task)
{
  g_autoptr(GTask) owned = task;

  drop_gvir (self);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);

  if (!self->was_connected)
    set_status (self, CORRAL_CONNECTION_STATUS_CONNECTING);

  self->gvir = gvir_connection_new (self->uri);
  g_signal_connect_object (self->gvir, "domain-added", G_CALLBACK (domain_added_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->gvir, "domain-removed", G_CALLBACK (domain_removed_cb), self, G_CONNECT_SWAPPED);
  gvir_connection_open_async (self->gvir, self->cancellable, opened_cb, g_steal_pointer (&owned));
}

/* --- GObject --- */

static void
corral_connection_dispose (GObject *object)
{
  CorralConnection *self = CORRAL_CONNECTION (object);

  self->closed_by_user = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->forwards);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_clear_handle_id (&self->close_idle, g_source_remove);
  drop_gvir (self);
  if (self->guests_by_uuid != NULL)
    g_hash_table_remove_all (self->guests_by_uuid);
  if (self->guests != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->guests));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GObject) guest = g_list_model_get_item (G_LIST_MODEL (self->guests), i);
          g_object_run_dispose (guest);
        }
    }
  g_clear_object (&self->guests);

  G_OBJECT_CLASS (corral_connection_parent_class)->dispose (object);
}

static void
corral_connection_finalize (GObject *object)
{
  CorralConnection *self = CORRAL_CONNECTION (object);

  g_clear_pointer (&self->guests_by_uuid, g_hash_table_unref);
  g_free (self->uri);
  g_clear_pointer (&self->parsed_uri, g_uri_unref);
  g_free (self->driver);
  g_free (self->title);
  g_free (self->error_message);

  G_OBJECT_CLASS (corral_connection_parent_class)->finalize (object);
}

static void
corral_connection_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CorralConnection *self = CORRAL_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_DEMO:
      g_value_set_boolean (value, corral_connection_is_demo (self));
      break;
    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;
    case PROP_STATUS_LABEL:
      g_value_set_string (value, corral_connection_get_status_label (self));
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_ACCELERATION:
      g_value_set_int (value, self->acceleration);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_connection_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CorralConnection *self = CORRAL_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      set_uri (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_connection_class_init (CorralConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = corral_connection_dispose;
  object_class->finalize = corral_connection_finalize;
  object_class->get_property = corral_connection_get_property;
  object_class->set_property = corral_connection_set_property;

  properties[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL,
                                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_DEMO] = g_param_spec_boolean ("demo", NULL, NULL, FALSE, ro);
  properties[PROP_STATUS] = g_param_spec_int ("status", NULL, NULL,
                                              CORRAL_CONNECTION_STATUS_IDLE, CORRAL_CONNECTION_STATUS_FAILED,
                                              CORRAL_CONNECTION_STATUS_IDLE, ro);
  properties[PROP_STATUS_LABEL] = g_param_spec_string ("status-label", NULL, NULL, NULL, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_ACCELERATION] = g_param_spec_int ("acceleration", NULL, NULL,
                                                    CORRAL_ACCELERATION_UNKNOWN,
                                                    CORRAL_ACCELERATION_NOT_APPLICABLE,
                                                    CORRAL_ACCELERATION_UNKNOWN, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CorralConnection::install-finished:
   * @guest: the guest whose install run ended (CorralGuest::install-finished), now started from
   *   its disk
   * @error_message: (nullable): why it could not start, or %NULL
   *
   * One signal for all of the connection's guests, for the window's toast.
   */
  install_finished_signal = g_signal_new ("install-finished", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                          CORRAL_TYPE_GUEST, G_TYPE_STRING);
}

void
_corral_connection_emit_install_finished (CorralConnection *self,
                                          CorralGuest      *guest,
                                          const char       *error_message)
{
  g_return_if_fail (CORRAL_IS_CONNECTION (self));

  g_signal_emit (self, install_finished_signal, 0, guest, error_message);
}

static void
corral_connection_init (CorralConnection *self)
{
  self->guests = g_list_store_new (CORRAL_TYPE_GUEST);
  self->guests_by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->reconnect_first_ms = 1000;
  self->reconnect_max_ms = 30000;
}

/* --- public API --- */

CorralConnection *
corral_connection_new (const char *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);
  return g_object_new (CORRAL_TYPE_CONNECTION, "uri", uri, NULL);
}

const char *
corral_connection_get_uri (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), NULL);
  return self->uri;
}

const char *
corral_connection_get_title (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), NULL);
  return self->title;
}

/* test:///PKGDATADIR/demo-node.xml, from $CORRAL_DEMO_NODE instead when set (the build tree's tests and
 * `corral-dev run` point it at data/demo-node.xml); test:///default when neither file exists. */
const char *
corral_demo_uri (void)
{
  static char *uri;

  if (g_once_init_enter (&uri))
    {
      const char *node = g_getenv ("CORRAL_DEMO_NODE");
      g_autofree char *path = NULL;
      char *value;

      if (node == NULL || *node == '\0')
        node = CORRAL_PKGDATADIR "/demo-node.xml";
      path = g_canonicalize_filename (node, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        value = g_strconcat ("test://", path, NULL);
      else
        value = g_strdup ("test:///default");
      g_once_init_leave (&uri, value);
    }
  return uri;
}

/* The demo: the shipped node file, or the test driver's own default (what older Corrals called the demo). */
gboolean
corral_connection_is_demo (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), FALSE);
  return g_strcmp0 (self->uri, CORRAL_DEMO_URI) == 0 || g_strcmp0 (self->uri, "test:///default") == 0;
}

/* On this computer: the URI names no host, or localhost (libvirt's own rule for local). A URI that does
 * not parse is not. */
gboolean
corral_connection_is_local (CorralConnection *self)
{
  const char *host;

  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), FALSE);

  if (self->parsed_uri == NULL)
    return FALSE;
  host = g_uri_get_host (self->parsed_uri);
  return host == NULL || *host == '\0' || g_strcmp0 (host, "localhost") == 0;
}

/* The driver part of the URI's scheme ("qemu" for qemu+ssh://…, "test" for test:///…), or NULL when the
 * URI does not parse. */
const char *
corral_connection_get_driver (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), NULL);
  return self->driver;
}

/* libvirt's test driver (test:///default, test:///path/to/node.xml): in process, no real guests. */
gboolean
corral_connection_is_test (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), FALSE);
  return g_strcmp0 (self->driver, "test") == 0;
}

static gboolean
has_path (CorralConnection *self,
          const char       *path)
{
  return self->parsed_uri != NULL && !corral_connection_is_test (self) &&
         g_strcmp0 (g_uri_get_path (self->parsed_uri), path) == 0;
}

/* A driver's privileged instance (qemu:///system, qemu+ssh://host/system, qemu+unix:///system?socket=…),
 * on this computer or another: guests run as the daemon's own user. */
gboolean
corral_connection_is_system (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), FALSE);
  return has_path (self, "/system");
}

/* A user's own instance (qemu:///session): no libvirt networks, guests run as that user. */
gboolean
corral_connection_is_session (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), FALSE);
  return has_path (self, "/session");
}

/* Where ssh goes for a qemu+ssh:// connection, as ssh's destination takes it: `host` or `user@host`,
 * then `:port` when the URI names one (an IPv6 host in brackets then). NULL for a connection that is
 * not over ssh, or whose user or host corral_ssh_target_is_valid() refuses. */
char *
corral_connection_dup_ssh_target (CorralConnection *self)
{
  g_autofree char *target = NULL;
  const char *scheme, *host, *user;

  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), NULL);

  if (self->parsed_uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (self->parsed_uri);
  if (!g_str_has_suffix (scheme, "+ssh"))
    return NULL;
  host = g_uri_get_host (self->parsed_uri);
  user = g_uri_get_user (self->parsed_uri);
  if (host == NULL)
    return NULL;
  target = user != NULL ? g_strconcat (user, "@", host, NULL) : g_strdup (host);
  if (!corral_ssh_target_is_valid (target))
    return NULL;
  if (g_uri_get_port (self->parsed_uri) > 0)
    {
      if (strchr (host, ':') != NULL)
        return g_strdup_printf ("%s%s[%s]:%d", user != NULL ? user : "", user != NULL ? "@" : "", host,
                                g_uri_get_port (self->parsed_uri));
      return g_strdup_printf ("%s:%d", target, g_uri_get_port (self->parsed_uri));
    }
  return g_steal_pointer (&target);
}

/**
 * corral_ssh_target_is_valid:
 * @text: (nullable): `host` or `user@host`
 *
 * Whether @text can be given to ssh as its destination, and put into a qemu+ssh:// URI, as it is:
 * letters, digits, dots, dashes and underscores, colons in the host (an IPv6 address without
 * brackets), one `@` at most; neither the user nor the host empty, nor starting with a dash (ssh would
 * read an option). Nothing there needs quoting or could be read as another part of a URI.
 */
gboolean
corral_ssh_target_is_valid (const char *text)
{
  const char *at, *host;

  if (text == NULL || *text == '\0' || *text == '-' || strlen (text) > 255)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("@._-:", *p) == NULL)
      return FALSE;
  at = strchr (text, '@');
  if (at == NULL)
    return TRUE;
  host = at + 1;
  if (at == text || memchr (text, ':', at - text) != NULL || strchr (host, '@') != NULL)
    return FALSE;
  return *host != '\0' && *host != '-';
}

CorralConnectionStatus
corral_connection_get_status (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), CORRAL_CONNECTION_STATUS_IDLE);
  return self->status;
}

const char *
corral_connection_get_status_label (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), NULL);

  switch (self->status)
    {
    case CORRAL_CONNECTION_STATUS_CONNECTING:
      return _("Connecting…");
    case CORRAL_CONNECTION_STATUS_CONNECTED:
      return _("Connected");
    case CORRAL_CONNECTION_STATUS_DISCONNECTED:
      return _("Disconnected — reconnecting");
    case CORRAL_CONNECTION_STATUS_FAILED:
      return _("Could not connect");
    case CORRAL_CONNECTION_STATUS_IDLE:
    default:
      return _("Not connected");
    }
}

const char *
corral_connection_get_error_message (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), NULL);
  return self->error_message;
}

CorralAcceleration
corral_connection_get_acceleration (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), CORRAL_ACCELERATION_UNKNOWN);
  return self->acceleration;
}

GListModel *
corral_connection_get_guests (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), NULL);
  return G_LIST_MODEL (self->guests);
}

CorralGuest *
corral_connection_find_guest (CorralConnection *self,
                              const char       *uuid)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), NULL);
  return g_hash_table_lookup (self->guests_by_uuid, uuid);
}

GVirConnection *
corral_connection_get_gvir (CorralConnection *self)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (self), NULL);
  return self->gvir;
}

void
corral_connection_set_reconnect_delays (CorralConnection *self,
                                        guint             first_ms,
                                        guint             max_ms)
{
  g_return_if_fail (CORRAL_IS_CONNECTION (self));
  self->reconnect_first_ms = MAX (first_ms, 1);
  self->reconnect_max_ms = MAX (max_ms, self->reconnect_first_ms);
}

void
corral_connection_open_async (CorralConnection    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CORRAL_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_connection_open_async);
  self->closed_by_user = FALSE;
  start_attempt (self, g_steal_pointer (&task));
}

gboolean
corral_connection_open_finish (CorralConnection  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
corral_connection_close (CorralConnection *self)
{
  g_return_if_fail (CORRAL_IS_CONNECTION (self));

  self->closed_by_user = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  drop_gvir (self);
  mark_disconnected (self);
  set_status (self, CORRAL_CONNECTION_STATUS_IDLE);
}
