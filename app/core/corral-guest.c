/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-clone-private.h"
#include "corral-guest-install-private.h"
#include "corral-guest-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

#define LIBOSINFO_XMLNS "http://libosinfo.org/xmlns/libvirt/domain/1.0"

struct _CorralGuest
{
  GObject           parent_instance;

  CorralConnection *connection;   /* weak: the connection owns its guests */
  GVirDomain       *domain;
  GCancellable     *cancellable;

  char             *name;
  char             *sort_key;
  char             *uuid;
  char             *os_id;
  char             *ip_address;
  char             *forwards_summary;
  char             *group;           /* <corral:group name=…/> of its definition, or NULL */
  guint64           memory;
  guint             vcpus;
  CorralGuestState  state;
  guint             refresh_serial;
  gboolean          install_run;      /* its running configuration is an install run */
  guint             install_serial;   /* drops the answers of queries made before a stop */
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_UUID,
  PROP_STATE,
  PROP_STATE_LABEL,
  PROP_STATE_ICON,
  PROP_ACTIVE,
  PROP_MEMORY,
  PROP_VCPUS,
  PROP_OS_ID,
  PROP_IP_ADDRESS,
  PROP_PERSISTENT,
  PROP_CONNECTION,
  PROP_DOMAIN,
  PROP_FORWARDS_SUMMARY,
  PROP_GROUP,
  N_PROPS
};

enum {
  SIGNAL_INSTALL_FINISHED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CorralGuest, corral_guest, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void install_query (CorralGuest *self);

void
corral_guest_disk_free (CorralGuestDisk *disk)
{
  if (disk == NULL)
    return;
  g_free (disk->path);
  g_free (disk->target);
  g_free (disk);
}

static void
set_string (CorralGuest  *self,
            char        **field,
            const char   *value,
            guint         prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
_corral_guest_set_state (CorralGuest      *self,
                         CorralGuestState  state)
{
  gboolean was_active;
  gboolean was_running;

  g_return_if_fail (CORRAL_IS_GUEST (self));

  if (self->state == state)
    return;

  was_active = corral_guest_state_is_active (self->state);
  was_running = self->state == CORRAL_GUEST_STATE_RUNNING;
  self->state = state;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_LABEL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_ICON]);
  if (was_active != corral_guest_state_is_active (state))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  /* An address is only meaningful while the guest runs. */
  if (!corral_guest_state_is_active (state))
    set_string (self, &self->ip_address, NULL, PROP_IP_ADDRESS);
  g_object_thaw_notify (G_OBJECT (self));

  /* also from paused: a start may be seen half-way, while QEMU still waits to run (paused) */
  if (!was_running && state == CORRAL_GUEST_STATE_RUNNING)
    install_query (self);
  else if (!corral_guest_state_is_active (state))
    {
      self->install_run = FALSE;
      self->install_serial++;
    }
}

static void
apply_info (CorralGuest           *self,
            const CorralGuestInfo *info)
{
  g_object_freeze_notify (G_OBJECT (self));
  _corral_guest_set_state (self, corral_guest_state_from_libvirt (info->vir_state));
  if (info->memory != 0 && self->memory != info->memory)
    {
      self->memory = info->memory;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY]);
    }
  if (info->vcpus != 0 && self->vcpus != info->vcpus)
    {
      self->vcpus = info->vcpus;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VCPUS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* --- refreshing figures after an event, off the main thread --- */

static void
refresh_info_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GVirDomain *domain = task_data;
  g_autoptr(GVirDomainInfo) gi = NULL;
  g_autoptr(GError) error = NULL;
  CorralGuestInfo *info;

  gi = gvir_domain_get_info (domain, &error);
  if (gi == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  info = g_new0 (CorralGuestInfo, 1);
  info->vir_state = gi->state;
  info->memory = gi->memory;
  info->vcpus = gi->nrVirtCpu;
  g_task_return_pointer (task, info, g_free);
}

static void
refresh_info_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CorralGuest *self = CORRAL_GUEST (object);
  guint serial = GPOINTER_TO_UINT (user_data);
  g_autofree CorralGuestInfo *info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_task_propagate_pointer (G_TASK (result), &error);
  if (info == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not refresh %s: %s", self->name, error->message);
      return;
    }

  /* A later refresh was asked for: its answer is the one that counts. */
  if (serial != self->refresh_serial)
    return;

  apply_info (self, info);
}

static void
refresh_info (CorralGuest *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->domain == NULL)
    return;

  self->refresh_serial++;
  task = g_task_new (self, self->cancellable, refresh_info_cb, GUINT_TO_POINTER (self->refresh_serial));
  g_task_set_source_tag (task, refresh_info);
  g_task_set_task_data (task, g_object_ref (self->domain), g_object_unref);
  g_task_run_in_thread (task, refresh_info_thread);
}

/* --- libvirt-gobject domain signals: the state changes without polling --- */

static void
domain_started_cb (CorralGuest *self,
                   GVirDomain  *domain)
{
  _corral_guest_set_state (self, CORRAL_GUEST_STATE_RUNNING);
  refresh_info (self);
}

static void
domain_stopped_cb (CorralGuest *self,
                   GVirDomain  *domain)
{
  _corral_guest_set_state (self, CORRAL_GUEST_STATE_SHUTOFF);
  refresh_info (self);
}

static void
domain_suspended_cb (CorralGuest *self,
                     GVirDomain  *domain)
{
  _corral_guest_set_state (self, CORRAL_GUEST_STATE_PAUSED);
  refresh_info (self);
}

static void
domain_resumed_cb (CorralGuest *self,
                   GVirDomain  *domain)
{
  _corral_guest_set_state (self, CORRAL_GUEST_STATE_RUNNING);
  refresh_info (self);
}

static void
domain_pmsuspended_cb (CorralGuest *self,
                       GVirDomain  *domain)
{
  _corral_guest_set_state (self, CORRAL_GUEST_STATE_SUSPENDED);
  refresh_info (self);
}

static void
domain_updated_cb (CorralGuest *self,
                   GVirDomain  *domain)
{
  refresh_info (self);
}

/* --- the end of an install run: Corral starts the installed system --- */

typedef struct
{
  CorralGuest *self;
  guint        serial;
} InstallQuery;

static void
install_query_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  InstallQuery *query = user_data;
  g_autoptr(CorralGuest) self = query->self;
  g_autoptr(GError) error = NULL;
  gboolean install_run = _corral_guest_install_query_finish (result, &error);

  /* a stop or a later start since: its answer is the one that counts */
  if (query->serial == self->install_serial && self->domain != NULL)
    {
      self->install_run = install_run;
      if (install_run)
        g_debug ("%s runs its installer", self->name);
    }
  g_free (query);
}

/* Once per start (or resume), and when Corral first sees a running guest: never for guests that do
 * not run. What it knew stays until the answer comes (a paused install run is still one). */
static void
install_query (CorralGuest *self)
{
  InstallQuery *query;

  if (self->domain == NULL)
    return;
  query = g_new0 (InstallQuery, 1);
  query->self = g_object_ref (self);
  query->serial = ++self->install_serial;
  _corral_guest_install_query_async (self->domain, self->cancellable, install_query_cb, query);
}

static void
install_restart_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CorralGuest) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!_corral_guest_install_restart_finish (result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_message ("Could not start %s from its disk: %s", self->name, error->message);
  g_signal_emit (self, signals[SIGNAL_INSTALL_FINISHED], 0,
                 error != NULL ? error->message : NULL);
  if (self->connection != NULL)
    _corral_connection_emit_install_finished (self->connection, self,
                                              error != NULL ? error->message : NULL);
}

/* The installer rebooted or powered off: its run has ended (on_reboot destroy) and the guest's
 * definition, which boots the disk, is what starts now. A guest forced off or crashed is left off. */
static void
install_shutdown_cb (CorralGuest *self,
                     GVirDomain  *domain)
{
  if (!self->install_run)
    return;
  self->install_run = FALSE;
  g_debug ("%s finished installing: starting it from its disk", self->name);
  _corral_guest_install_restart_async (domain, self->cancellable, install_restart_cb,
                                       g_object_ref (self));
}

static void
disconnect_domain (CorralGuest *self)
{
  if (self->domain != NULL)
    g_signal_handlers_disconnect_by_data (self->domain, self);
  g_clear_object (&self->domain);
}

void
_corral_guest_set_domain (CorralGuest           *self,
                          GVirDomain            *domain,
                          const CorralGuestInfo *info)
{
  g_return_if_fail (CORRAL_IS_GUEST (self));
  g_return_if_fail (GVIR_IS_DOMAIN (domain));

  if (self->domain != domain)
    {
      disconnect_domain (self);
      self->domain = g_object_ref (domain);
      /* before "stopped": that one forgets the install run */
      g_signal_connect_swapped (domain, "stopped::shutdown", G_CALLBACK (install_shutdown_cb),
                                self);
      g_signal_connect_swapped (domain, "started", G_CALLBACK (domain_started_cb), self);
      g_signal_connect_swapped (domain, "stopped", G_CALLBACK (domain_stopped_cb), self);
      g_signal_connect_swapped (domain, "suspended", G_CALLBACK (domain_suspended_cb), self);
      g_signal_connect_swapped (domain, "resumed", G_CALLBACK (domain_resumed_cb), self);
      g_signal_connect_swapped (domain, "pmsuspended", G_CALLBACK (domain_pmsuspended_cb), self);
      g_signal_connect_swapped (domain, "updated", G_CALLBACK (domain_updated_cb), self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOMAIN]);
    }

  if (g_strcmp0 (self->name, gvir_domain_get_name (domain)) != 0)
    {
      g_free (self->sort_key);
      self->sort_key = g_utf8_collate_key_for_filename (gvir_domain_get_name (domain), -1);
      set_string (self, &self->name, gvir_domain_get_name (domain), PROP_NAME);
    }

  if (info != NULL)
    apply_info (self, info);
  else
    refresh_info (self);
}

void
_corral_guest_refresh (CorralGuest *self,
                       const char  *name)
{
  g_return_if_fail (CORRAL_IS_GUEST (self));

  if (name != NULL && g_strcmp0 (self->name, name) != 0)
    {
      g_free (self->sort_key);
      self->sort_key = g_utf8_collate_key_for_filename (name, -1);
      set_string (self, &self->name, name, PROP_NAME);
    }
  refresh_info (self);
}

CorralGuest *
_corral_guest_new (CorralConnection      *connection,
                   GVirDomain            *domain,
                   const CorralGuestInfo *info)
{
  CorralGuest *self;

  self = g_object_new (CORRAL_TYPE_GUEST, NULL);
  self->connection = connection;
  self->uuid = g_strdup (gvir_domain_get_uuid (domain));
  _corral_guest_set_domain (self, domain, info);

  return self;
}

/* --- GObject --- */

static void
corral_guest_dispose (GObject *object)
{
  CorralGuest *self = CORRAL_GUEST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  disconnect_domain (self);

  G_OBJECT_CLASS (corral_guest_parent_class)->dispose (object);
}

static void
corral_guest_finalize (GObject *object)
{
  CorralGuest *self = CORRAL_GUEST (object);

  g_free (self->name);
  g_free (self->sort_key);
  g_free (self->uuid);
  g_free (self->os_id);
  g_free (self->ip_address);
  g_free (self->forwards_summary);
  g_free (self->group);

  G_OBJECT_CLASS (corral_guest_parent_class)->finalize (object);
}

static void
corral_guest_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CorralGuest *self = CORRAL_GUEST (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_STATE_LABEL:
      g_value_set_string (value, corral_guest_get_state_label (self));
      break;
    case PROP_STATE_ICON:
      g_value_set_string (value, corral_guest_get_state_icon (self));
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, corral_guest_state_is_active (self->state));
      break;
    case PROP_MEMORY:
      g_value_set_uint64 (value, self->memory);
      break;
    case PROP_VCPUS:
      g_value_set_uint (value, self->vcpus);
      break;
    case PROP_OS_ID:
      g_value_set_string (value, self->os_id);
      break;
    case PROP_IP_ADDRESS:
      g_value_set_string (value, self->ip_address);
      break;
    case PROP_PERSISTENT:
      g_value_set_boolean (value, corral_guest_get_persistent (self));
      break;
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_DOMAIN:
      g_value_set_object (value, self->domain);
      break;
    case PROP_FORWARDS_SUMMARY:
      g_value_set_string (value, self->forwards_summary);
      break;
    case PROP_GROUP:
      g_value_set_string (value, self->group);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_guest_class_init (CorralGuestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = corral_guest_dispose;
  object_class->finalize = corral_guest_finalize;
  object_class->get_property = corral_guest_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, ro);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL,
                                             CORRAL_GUEST_STATE_UNKNOWN, CORRAL_GUEST_STATE_DISCONNECTED,
                                             CORRAL_GUEST_STATE_UNKNOWN, ro);
  properties[PROP_STATE_LABEL] = g_param_spec_string ("state-label", NULL, NULL, NULL, ro);
  properties[PROP_STATE_ICON] = g_param_spec_string ("state-icon", NULL, NULL, NULL, ro);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, ro);
  properties[PROP_MEMORY] = g_param_spec_uint64 ("memory", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_VCPUS] = g_param_spec_uint ("vcpus", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_OS_ID] = g_param_spec_string ("os-id", NULL, NULL, NULL, ro);
  properties[PROP_IP_ADDRESS] = g_param_spec_string ("ip-address", NULL, NULL, NULL, ro);
  properties[PROP_PERSISTENT] = g_param_spec_boolean ("persistent", NULL, NULL, TRUE, ro);
  properties[PROP_CONNECTION] = g_param_spec_object ("connection", NULL, NULL, G_TYPE_OBJECT, ro);
  properties[PROP_DOMAIN] = g_param_spec_object ("domain", NULL, NULL, GVIR_TYPE_DOMAIN, ro);
  properties[PROP_FORWARDS_SUMMARY] = g_param_spec_string ("forwards-summary", NULL, NULL, NULL, ro);
  /* the group of guests "create N guests" made it one of (their base name), read with the details */
  properties[PROP_GROUP] = g_param_spec_string ("group", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CorralGuest::install-finished:
   * @error_message: (nullable): why it could not start from its disk, or %NULL
   *
   * The guest's install run ended (its installer rebooted or powered off) while Corral watched, and
   * Corral started it again, now from its disk.
   */
  signals[SIGNAL_INSTALL_FINISHED] = g_signal_new ("install-finished", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                   G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
corral_guest_init (CorralGuest *self)
{
  self->cancellable = g_cancellable_new ();
  self->state = CORRAL_GUEST_STATE_UNKNOWN;
}

/* --- public API --- */

/* "8765→1337" and the like: the guest's port forwards as corral-helper keeps them, or NULL when it has
 * none (or its connection's guests cannot have forwards). Kept up to date by the guest's connection. */
const char *
corral_guest_get_group (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), NULL);
  return self->group;
}

const char *
corral_guest_get_forwards_summary (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), NULL);
  return self->forwards_summary;
}

void
_corral_guest_set_forwards_summary (CorralGuest *self,
                                    const char  *summary)
{
  g_return_if_fail (CORRAL_IS_GUEST (self));
  set_string (self, &self->forwards_summary, summary, PROP_FORWARDS_SUMMARY);
}

const char *
corral_guest_get_name (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), NULL);
  return self->name;
}

const char *
corral_guest_get_uuid (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), NULL);
  return self->uuid;
}

CorralGuestState
corral_guest_get_state (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), CORRAL_GUEST_STATE_UNKNOWN);
  return self->state;
}

const char *
corral_guest_get_state_label (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), NULL);
  return corral_guest_state_to_label (self->state);
}

const char *
corral_guest_get_state_icon (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), NULL);
  return corral_guest_state_to_icon_name (self->state);
}

guint64
corral_guest_get_memory (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), 0);
  return self->memory;
}

guint
corral_guest_get_vcpus (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), 0);
  return self->vcpus;
}

const char *
corral_guest_get_os_id (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), NULL);
  return self->os_id;
}

const char *
corral_guest_get_ip_address (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), NULL);
  return self->ip_address;
}

gboolean
corral_guest_get_persistent (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), FALSE);
  return self->domain == NULL || gvir_domain_get_persistent (self->domain);
}

CorralConnection *
corral_guest_get_connection (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), NULL);
  return self->connection;
}

GVirDomain *
corral_guest_get_domain (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), NULL);
  return self->domain;
}

/* Natural order by name ("node2" before "node10"), then by UUID so equal names keep a stable order. */
int
corral_guest_compare (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  const CorralGuest *ga = a, *gb = b;
  int cmp = g_strcmp0 (ga->sort_key, gb->sort_key);

  return cmp != 0 ? cmp : g_strcmp0 (ga->uuid, gb->uuid);
}

/* Whether it runs an install run (its installer, from the ISO), as far as Corral knows yet. */
gboolean
corral_guest_is_installing (CorralGuest *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), FALSE);
  return self->install_run;
}

gboolean
corral_guest_is_action_allowed (CorralGuest       *self,
                                CorralGuestAction  action)
{
  g_return_val_if_fail (CORRAL_IS_GUEST (self), FALSE);
  return self->domain != NULL && corral_guest_action_is_allowed (action, self->state);
}

/* --- lifecycle actions: libvirt calls run in a worker thread --- */

static gboolean
check_usable (CorralGuest        *self,
              CorralGuestAction   action,
              GError            **error)
{
  if (self->domain == NULL || self->state == CORRAL_GUEST_STATE_DISCONNECTED)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                   _("The connection to “%s”’s host is down"), self->name);
      return FALSE;
    }
  if (!corral_guest_action_is_allowed (action, self->state))
    {
      g_autofree char *state = g_utf8_strdown (corral_guest_state_to_label (self->state), -1);

      /* Translators: e.g. “web1” is shut off */
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_INVALID_STATE, _("“%s” is %s"), self->name, state);
      return FALSE;
    }
  return TRUE;
}

/* Copied on the main thread: the worker must not read self->domain, which the main thread replaces when
 * libvirtd reconnects (and clears when the guest is gone after it). */
typedef struct
{
  CorralGuestAction  action;
  GVirDomain        *domain;
} ActionData;

static void
action_data_free (ActionData *data)
{
  g_clear_object (&data->domain);
  g_free (data);
}

static CorralGuestWorkerHook action_hook;
static gpointer              action_hook_data;

/* Tests only: see corral-guest-private.h. */
void
_corral_guest_set_action_hook (CorralGuestWorkerHook hook,
                               gpointer              user_data)
{
  action_hook = hook;
  action_hook_data = user_data;
}

static void
run_action_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ActionData *data = task_data;
  CorralGuestAction action = data->action;
  GVirDomain *domain = data->domain;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;
  const char *what = NULL;

  if (action_hook != NULL)
    action_hook (action_hook_data);

  switch (action)
    {
    case CORRAL_GUEST_ACTION_START:
      what = _("Could not start “%s”: ");
      ok = gvir_domain_start (domain, GVIR_DOMAIN_START_NONE, &error);
      break;
    case CORRAL_GUEST_ACTION_SHUTDOWN:
      what = _("Could not shut down “%s”: ");
      ok = gvir_domain_shutdown (domain, GVIR_DOMAIN_SHUTDOWN_NONE, &error);
      break;
    case CORRAL_GUEST_ACTION_FORCE_OFF:
      what = _("Could not force off “%s”: ");
      ok = gvir_domain_stop (domain, 0, &error);
      break;
    case CORRAL_GUEST_ACTION_REBOOT:
      what = _("Could not reboot “%s”: ");
      ok = gvir_domain_reboot (domain, GVIR_DOMAIN_REBOOT_NONE, &error);
      break;
    case CORRAL_GUEST_ACTION_PAUSE:
      what = _("Could not pause “%s”: ");
      ok = gvir_domain_suspend (domain, &error);
      break;
    case CORRAL_GUEST_ACTION_RESUME:
      what = _("Could not resume “%s”: ");
      ok = gvir_domain_resume (domain, &error);
      break;
    case CORRAL_GUEST_ACTION_DELETE:
    default:
      g_set_error_literal (&error, CORRAL_ERROR, CORRAL_ERROR_FAILED, "use corral_guest_delete_async()");
      what = "%s: ";
      break;
    }

  if (!ok)
    {
      g_prefix_error (&error, what, gvir_domain_get_name (domain));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
corral_guest_run_action_async (CorralGuest         *self,
                               CorralGuestAction    action,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  ActionData *data;

  g_return_if_fail (CORRAL_IS_GUEST (self));
  g_return_if_fail (action != CORRAL_GUEST_ACTION_DELETE);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_run_action_async);

  if (!check_usable (self, action, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (ActionData, 1);
  data->action = action;
  data->domain = g_object_ref (self->domain);
  g_task_set_task_data (task, data, (GDestroyNotify) action_data_free);
  g_task_run_in_thread (task, run_action_thread);
}

gboolean
corral_guest_run_action_finish (CorralGuest   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- disks and deletion --- */

typedef struct
{
  GVirDomain   *domain;
  virConnectPtr conn;
  gboolean      delete_volumes;
} DiskTaskData;

static void
disk_task_data_free (DiskTaskData *data)
{
  g_clear_object (&data->domain);
  if (data->conn != NULL)
    virConnectClose (data->conn);
  g_free (data);
}

static GPtrArray *
list_disks (GVirDomain    *domain,
            virConnectPtr  conn,
            GError       **error)
{
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autoptr(GPtrArray) disks = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_guest_disk_free);
  GList *devices;

  config = gvir_domain_get_config (domain, GVIR_DOMAIN_XML_INACTIVE, error);
  if (config == NULL)
    return NULL;

  devices = gvir_config_domain_get_devices (config);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      GVirConfigDomainDisk *disk;
      CorralGuestDisk *d;
      const char *source;
      virStorageVolPtr vol;

      if (!GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        continue;
      disk = l->data;
      source = gvir_config_domain_disk_get_source (disk);
      if (source == NULL || *source == '\0')
        continue;
      /* Install media are not the guest's storage; a cloud image guest's own cloud-init seed
       * (GUEST-cidata.iso, made with it) is. */
      if (gvir_config_domain_disk_get_guest_device_type (disk) != GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK)
        {
          g_autofree char *base = g_path_get_basename (source);
          g_autofree char *seed = g_strconcat (gvir_config_domain_get_name (config), "-cidata.iso",
                                               NULL);

          if (gvir_config_domain_disk_get_guest_device_type (disk)
              != GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM || g_strcmp0 (base, seed) != 0)
            continue;
        }

      d = g_new0 (CorralGuestDisk, 1);
      d->path = g_strdup (source);
      d->target = g_strdup (gvir_config_domain_disk_get_target_dev (disk));
      vol = conn != NULL ? virStorageVolLookupByPath (conn, source) : NULL;
      d->is_volume = vol != NULL;
      if (vol != NULL)
        virStorageVolFree (vol);
      else
        virResetLastError ();
      g_ptr_array_add (disks, d);
    }
  g_list_free_full (devices, g_object_unref);

  return g_steal_pointer (&disks);
}

static void
list_disks_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DiskTaskData *data = task_data;
  GError *error = NULL;
  GPtrArray *disks;

  disks = list_disks (data->domain, data->conn, &error);
  if (disks == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, disks, (GDestroyNotify) g_ptr_array_unref);
}

static GTask *
new_disk_task (CorralGuest         *self,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task;
  DiskTaskData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  data = g_new0 (DiskTaskData, 1);
  data->domain = self->domain != NULL ? g_object_ref (self->domain) : NULL;
  data->conn = self->connection != NULL ? _corral_connection_ref_handle (self->connection) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) disk_task_data_free);

  return task;
}

void
corral_guest_list_disks_async (CorralGuest         *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CORRAL_IS_GUEST (self));

  task = new_disk_task (self, corral_guest_list_disks_async, cancellable, callback, user_data);
  if (self->domain == NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("The connection to “%s”’s host is down"), self->name);
      return;
    }
  g_task_run_in_thread (task, list_disks_thread);
}

GPtrArray *
corral_guest_list_disks_finish (CorralGuest   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DiskTaskData *data = task_data;
  const char *name = gvir_domain_get_name (data->domain);
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GString) kept = NULL;
  g_autoptr(GError) error = NULL;
  int vir_state = VIR_DOMAIN_NOSTATE;
  virDomainPtr vdom = NULL;

  /* Read the disks before the definition goes away. */
  if (data->delete_volumes)
    {
      disks = list_disks (data->domain, data->conn, &error);
      if (disks == NULL)
        {
          g_prefix_error (&error, _("Could not delete “%s”: "), name);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* A volume another guest's disk is based on (a linked clone's base) stays, and so does the guest. */
      for (guint i = 0; i < disks->len; i++)
        {
          CorralGuestDisk *disk = g_ptr_array_index (disks, i);
          g_autofree char *user = disk->is_volume
            ? _corral_clone_find_base_user (data->conn, disk->path, gvir_domain_get_uuid (data->domain))
            : NULL;

          if (user != NULL)
            {
              g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_BASE_IN_USE,
                                       _("“%s” cannot be deleted with its storage: its disk %s is the base "
                                         "of “%s”’s disk. Delete “%s” first, or keep the storage."),
                                       name, disk->path, user, user);
              return;
            }
        }
    }

  g_object_get (data->domain, "handle", &vdom, NULL);
  if (vdom != NULL)
    {
      if (virDomainGetState (vdom, &vir_state, NULL, 0) < 0)
        vir_state = VIR_DOMAIN_NOSTATE;
      virDomainFree (vdom);
    }
  if (vir_state != VIR_DOMAIN_SHUTOFF && vir_state != VIR_DOMAIN_NOSTATE)
    {
      if (!gvir_domain_stop (data->domain, 0, &error))
        {
          g_prefix_error (&error, _("Could not force off “%s” before deleting it: "), name);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  if (!gvir_domain_delete (data->domain,
                           GVIR_DOMAIN_DELETE_SAVED_STATE |
                           GVIR_DOMAIN_DELETE_SNAPSHOTS_METADATA |
                           GVIR_DOMAIN_DELETE_REMOVE_NVRAM,
                           &error))
    {
      /* The test driver and older hypervisors reject the NVRAM flag on guests without firmware. */
      g_clear_error (&error);
      if (!gvir_domain_delete (data->domain, GVIR_DOMAIN_DELETE_NONE, &error))
        {
          g_prefix_error (&error, _("Could not delete “%s”: "), name);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  for (guint i = 0; disks != NULL && i < disks->len; i++)
    {
      CorralGuestDisk *disk = g_ptr_array_index (disks, i);
      virStorageVolPtr vol;

      if (!disk->is_volume)
        continue;
      vol = virStorageVolLookupByPath (data->conn, disk->path);
      if (vol == NULL || virStorageVolDelete (vol, 0) < 0)
        {
          if (kept == NULL)
            kept = g_string_new (NULL);
          g_string_append_printf (kept, "%s%s (%s)", kept->len ? ", " : "", disk->path,
                                  virGetLastErrorMessage ());
          virResetLastError ();
        }
      if (vol != NULL)
        virStorageVolFree (vol);
    }

  if (kept != NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                               _("“%s” was deleted, but some of its storage could not be: %s"),
                               name, kept->str);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
corral_guest_delete_async (CorralGuest         *self,
                           gboolean             delete_volumes,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (CORRAL_IS_GUEST (self));

  task = new_disk_task (self, corral_guest_delete_async, cancellable, callback, user_data);
  ((DiskTaskData *) g_task_get_task_data (task))->delete_volumes = delete_volumes;

  if (!check_usable (self, CORRAL_GUEST_ACTION_DELETE, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, delete_thread);
}

gboolean
corral_guest_delete_finish (CorralGuest   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- details read on demand: OS (libosinfo metadata) and IP address --- */

typedef struct
{
  char *os_id;
  char *ip_address;
  char *group;
} Details;

static void
details_free (Details *details)
{
  g_free (details->os_id);
  g_free (details->ip_address);
  g_free (details->group);
  g_free (details);
}

static char *
first_ipv4 (virDomainPtr vdom,
            unsigned int source)
{
  virDomainInterfacePtr *ifaces = NULL;
  char *found = NULL;
  int n;

  n = virDomainInterfaceAddresses (vdom, &ifaces, source, 0);
  if (n < 0)
    {
      virResetLastError ();
      return NULL;
    }
  for (int i = 0; i < n; i++)
    {
      for (unsigned int j = 0; found == NULL && j < ifaces[i]->naddrs; j++)
        if (ifaces[i]->addrs[j].type == VIR_IP_ADDR_TYPE_IPV4 &&
            !g_str_has_prefix (ifaces[i]->addrs[j].addr, "127."))
          found = g_strdup (ifaces[i]->addrs[j].addr);
      virDomainInterfaceFree (ifaces[i]);
    }
  g_free (ifaces);

  return found;
}

static char *
os_id_from_metadata (const char *xml)
{
  const char *p, *q;

  /* <libosinfo:os id="http://..."/> inside the libosinfo metadata element */
  if (xml == NULL || (p = strstr (xml, "os id=\"")) == NULL)
    return NULL;
  p += strlen ("os id=\"");
  if ((q = strchr (p, '"')) == NULL)
    return NULL;
  return g_strndup (p, q - p);
}

/* name="…" of a <corral:group/> element (Corral's namespace also holds <corral:install/>). */
static char *
group_from_metadata (const char *xml)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root;
  xmlChar *name;
  char *group = NULL;

  if (xml == NULL)
    return NULL;
  doc = xmlReadMemory (xml, strlen (xml), "metadata.xml", NULL, XML_PARSE_NONET);
  root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  if (root == NULL || !xmlStrEqual (root->name, BAD_CAST "group"))
    return NULL;
  name = xmlGetProp (root, BAD_CAST "name");
  if (name != NULL && *name != '\0')
    group = g_strdup ((const char *) name);
  xmlFree (name);
  return group;
}

static void
load_details_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GVirDomain *domain = task_data;
  virDomainPtr vdom = NULL;
  Details *details = g_new0 (Details, 1);
  int vir_state = VIR_DOMAIN_NOSTATE;
  char *metadata;

  g_object_get (domain, "handle", &vdom, NULL);
  if (vdom == NULL)
    {
      g_task_return_pointer (task, details, (GDestroyNotify) details_free);
      return;
    }

  metadata = virDomainGetMetadata (vdom, VIR_DOMAIN_METADATA_ELEMENT, LIBOSINFO_XMLNS, 0);
  if (metadata == NULL)
    virResetLastError ();
  details->os_id = os_id_from_metadata (metadata);
  free (metadata);
  /* the definition's: an install run's live metadata holds <corral:install/> instead */
  metadata = virDomainGetMetadata (vdom, VIR_DOMAIN_METADATA_ELEMENT, CORRAL_XMLNS,
                                   virDomainIsPersistent (vdom) == 1 ? VIR_DOMAIN_AFFECT_CONFIG : 0);
  if (metadata == NULL)
    virResetLastError ();
  details->group = group_from_metadata (metadata);
  free (metadata);

  if (virDomainGetState (vdom, &vir_state, NULL, 0) == 0 && vir_state == VIR_DOMAIN_RUNNING)
    {
      /* Sources in the order that needs least from the guest. */
      details->ip_address = first_ipv4 (vdom, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE);
      if (details->ip_address == NULL)
        details->ip_address = first_ipv4 (vdom, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT);
      if (details->ip_address == NULL)
        details->ip_address = first_ipv4 (vdom, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP);
    }
  else
    virResetLastError ();

  virDomainFree (vdom);
  g_task_return_pointer (task, details, (GDestroyNotify) details_free);
}

static void
load_details_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CorralGuest *self = CORRAL_GUEST (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Details *details;

  details = g_task_propagate_pointer (G_TASK (result), &error);
  if (details == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->os_id, details->os_id, PROP_OS_ID);
  set_string (self, &self->group, details->group, PROP_GROUP);
  if (corral_guest_state_is_active (self->state))
    set_string (self, &self->ip_address, details->ip_address, PROP_IP_ADDRESS);
  g_object_thaw_notify (G_OBJECT (self));
  details_free (details);

  g_task_return_boolean (task, TRUE);
}

void
corral_guest_load_details_async (CorralGuest         *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;

  g_return_if_fail (CORRAL_IS_GUEST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_load_details_async);
  if (self->domain == NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("The connection to “%s”’s host is down"), self->name);
      return;
    }

  worker = g_task_new (self, cancellable, load_details_cb, g_steal_pointer (&task));
  g_task_set_task_data (worker, g_object_ref (self->domain), g_object_unref);
  g_task_run_in_thread (worker, load_details_thread);
}

gboolean
corral_guest_load_details_finish (CorralGuest   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
