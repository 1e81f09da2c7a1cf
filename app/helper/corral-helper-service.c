/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper"

#include "config.h"

#include <polkit/polkit.h>

#include "corral-firewall.h"
#include "corral-forward-store.h"
#include "corral-helper-dbus.h"
#include "corral-helper-error.h"
#include "corral-helper-libvirt.h"
#include "corral-helper-service.h"
#include "corral-helper-validate.h"
#include "corral-hook-state.h"
#include "corral-host-ports.h"
#include "corral-lvm.h"

#define ACTION_FORWARDS "org.corralvm.forwards.manage"
#define ACTION_VOLUMES  "org.corralvm.volumes.manage"
#define LOCK_TIMEOUT_MS (30 * 1000)
#define QEMU_HOOK       "/etc/libvirt/hooks/qemu.d/corral"
#define NETWORK_HOOK    "/etc/libvirt/hooks/network.d/corral"

typedef struct
{
  GMainLoop         *loop;
  CorralDBusHelper1 *skeleton;
  guint              idle_seconds;
  gint               in_flight;     /* atomic: calls being handled */
  gint               activity;      /* atomic: set when a call ends */
  gint64             last_activity; /* monotonic µs, main thread only */
  GMutex             lock;          /* serializes the changing calls */
  int                status;
} Service;

/* --- call bookkeeping: the service exits when idle --- */

static void
call_begin (Service *self)
{
  g_atomic_int_inc (&self->in_flight);
}

static gboolean
call_end (Service               *self,
          GDBusMethodInvocation *invocation,
          GError                *error)
{
  if (error != NULL)
    {
      g_debug ("%s failed: %s", g_dbus_method_invocation_get_method_name (invocation),
               error->message);
      g_dbus_method_invocation_return_gerror (invocation, error);
    }
  g_atomic_int_set (&self->activity, 1);
  g_atomic_int_add (&self->in_flight, -1);
  return TRUE;
}

static gboolean
idle_check_cb (gpointer user_data)
{
  Service *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (g_atomic_int_get (&self->in_flight) > 0 ||
      g_atomic_int_compare_and_exchange (&self->activity, 1, 0) || self->last_activity == 0)
    {
      self->last_activity = now;
      return G_SOURCE_CONTINUE;
    }

  if (now - self->last_activity >= (gint64) self->idle_seconds * G_USEC_PER_SEC)
    {
      g_debug ("Idle for %u s, exiting", self->idle_seconds);
      g_main_loop_quit (self->loop);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* --- polkit --- */

static gboolean
check_authorization (GDBusMethodInvocation  *invocation,
                     const char             *action,
                     GError                **error)
{
  g_autoptr(PolkitAuthority) authority = NULL;
  g_autoptr(PolkitSubject) subject = NULL;
  g_autoptr(PolkitAuthorizationResult) result = NULL;
  g_autoptr(GError) local_error = NULL;

  authority = polkit_authority_get_sync (NULL, &local_error);
  if (authority == NULL)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_AUTHORIZED,
                   "Could not ask polkit for authorization: %s", local_error->message);
      return FALSE;
    }

  subject = polkit_system_bus_name_new (g_dbus_method_invocation_get_sender (invocation));
  result = polkit_authority_check_authorization_sync (
      authority, subject, action, NULL,
      POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION, NULL, &local_error);
  if (result == NULL)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_AUTHORIZED,
                   "Could not check authorization for %s: %s", action, local_error->message);
      return FALSE;
    }

  if (!polkit_authorization_result_get_is_authorized (result))
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_AUTHORIZED,
                   polkit_authorization_result_get_dismissed (result)
                     ? "Authorization for %s was dismissed"
                     : "Not authorized for %s",
                   action);
      return FALSE;
    }

  return TRUE;
}

/* --- forwards --- */

typedef struct
{
  const CorralForwardRecord *forward;
  gboolean             running;
} AddEdit;

static gboolean
check_no_clash (GPtrArray   *forwards,
                const char  *protocol,
                const char  *host_address,
                guint        host_port,
                GError     **error)
{
  for (guint i = 0; i < forwards->len; i++)
    {
      const CorralForwardRecord *f = g_ptr_array_index (forwards, i);

      if (corral_forward_record_same_host_port (f, protocol, host_address, host_port))
        {
          g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_CONFLICT,
                       "Host port %u/%s is already forwarded to guest %s port %u",
                       f->host_port, f->protocol, f->guest_uuid, f->guest_port);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
add_edit (GPtrArray   *forwards,
          GHashTable  *active,
          gboolean    *changed,
          gpointer     user_data,
          GError     **error)
{
  AddEdit *edit = user_data;
  const CorralForwardRecord *new = edit->forward;

  if (!check_no_clash (forwards, new->protocol, new->host_address, new->host_port, error))
    return FALSE;

  g_ptr_array_add (forwards, corral_forward_record_copy (new));
  if (edit->running)
    g_hash_table_add (active, g_strdup (new->guest_uuid));
  *changed = TRUE;
  return TRUE;
}

typedef struct
{
  const char *protocol;
  const char *host_address;
  guint       host_port;
} RemoveEdit;

static gboolean
remove_edit (GPtrArray   *forwards,
             GHashTable  *active,
             gboolean    *changed,
             gpointer     user_data,
             GError     **error)
{
  RemoveEdit *edit = user_data;

  for (guint i = 0; i < forwards->len; i++)
    {
      const CorralForwardRecord *f = g_ptr_array_index (forwards, i);

      if (g_str_equal (f->protocol, edit->protocol) && f->host_port == edit->host_port &&
          g_str_equal (f->host_address, edit->host_address))
        {
          g_ptr_array_remove_index (forwards, i);
          *changed = TRUE;
          return TRUE;
        }
    }

  g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_FOUND,
               "Host port %u/%s%s%s is not forwarded", edit->host_port, edit->protocol,
               edit->host_address[0] ? " on " : "", edit->host_address);
  return FALSE;
}

static gboolean
handle_add_forward (CorralDBusHelper1     *skeleton,
                    GDBusMethodInvocation *invocation,
                    const char            *guest_uuid,
                    const char            *protocol,
                    const char            *host_address,
                    guint16                host_port,
                    guint16                guest_port,
                    Service               *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(CorralGuestTarget) target = NULL;
  g_autofree char *uuid = NULL;
  CorralForwardRecord forward = { 0 };
  AddEdit edit = { &forward, FALSE };

  call_begin (self);

  if (!corral_validate_uuid (guest_uuid, &error) ||
      !corral_validate_protocol (protocol, &error) ||
      !corral_validate_host_address (host_address, &error) ||
      !corral_validate_port (host_port, "Host port", &error) ||
      !corral_validate_port (guest_port, "Guest port", &error) ||
      !check_authorization (invocation, ACTION_FORWARDS, &error))
    return call_end (self, invocation, error);

  uuid = g_ascii_strdown (guest_uuid, -1);

  g_mutex_lock (&self->lock);

  /* Cheap refusals first, before anything is asked of libvirt. */
  existing = corral_forward_store_load (&error);
  if (existing != NULL && !check_no_clash (existing, protocol, host_address, host_port, &error))
    g_clear_pointer (&existing, g_ptr_array_unref);

  if (existing != NULL &&
      corral_host_address_check_local (host_address, &error) &&
      corral_host_port_check_free (protocol, host_address, host_port, &error) &&
      (target = corral_libvirt_pin_guest (uuid, &error)) != NULL)
    {
      forward.guest_uuid = uuid;
      forward.protocol = (char *) protocol;
      forward.host_address = (char *) host_address;
      forward.host_port = host_port;
      forward.guest_address = target->address;
      forward.guest_port = guest_port;
      forward.network = target->network;
      forward.mac = target->mac;
      edit.running = target->running;

      if (corral_forward_store_transact (LOCK_TIMEOUT_MS, add_edit, &edit, &error))
        corral_dbus_helper1_complete_add_forward (skeleton, invocation, target->address);
    }

  g_mutex_unlock (&self->lock);
  return call_end (self, invocation, error);
}

static gboolean
handle_remove_forward (CorralDBusHelper1     *skeleton,
                       GDBusMethodInvocation *invocation,
                       const char            *protocol,
                       const char            *host_address,
                       guint16                host_port,
                       Service               *self)
{
  g_autoptr(GError) error = NULL;
  RemoveEdit edit = { protocol, host_address, host_port };

  call_begin (self);

  if (!corral_validate_protocol (protocol, &error) ||
      !corral_validate_host_address (host_address, &error) ||
      !corral_validate_port (host_port, "Host port", &error) ||
      !check_authorization (invocation, ACTION_FORWARDS, &error))
    return call_end (self, invocation, error);

  g_mutex_lock (&self->lock);
  if (corral_forward_store_transact (LOCK_TIMEOUT_MS, remove_edit, &edit, &error))
    corral_dbus_helper1_complete_remove_forward (skeleton, invocation);
  g_mutex_unlock (&self->lock);

  return call_end (self, invocation, error);
}

static gboolean
handle_list_forwards (CorralDBusHelper1     *skeleton,
                      GDBusMethodInvocation *invocation,
                      const char            *guest_uuid,
                      Service               *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(GHashTable) active = NULL;
  g_autofree char *uuid = NULL;
  GVariantBuilder builder;

  call_begin (self);

  if (guest_uuid[0] != '\0' && !corral_validate_uuid (guest_uuid, &error))
    return call_end (self, invocation, error);
  uuid = g_ascii_strdown (guest_uuid, -1);

  forwards = corral_forward_store_load (&error);
  if (forwards != NULL)
    active = corral_forward_store_load_active_guests (&error);
  if (active == NULL)
    return call_end (self, invocation, error);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sssqsqb)"));
  for (guint i = 0; i < forwards->len; i++)
    {
      const CorralForwardRecord *f = g_ptr_array_index (forwards, i);

      if (uuid[0] != '\0' && !g_str_equal (uuid, f->guest_uuid))
        continue;
      g_variant_builder_add (&builder, "(sssqsqb)", f->guest_uuid, f->protocol, f->host_address,
                             f->host_port, f->guest_address, f->guest_port,
                             g_hash_table_contains (active, f->guest_uuid));
    }

  corral_dbus_helper1_complete_list_forwards (skeleton, invocation,
                                              g_variant_builder_end (&builder));
  return call_end (self, invocation, NULL);
}

static gboolean
is_executable (const char *path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR) &&
         g_file_test (path, G_FILE_TEST_IS_EXECUTABLE);
}

static gboolean
handle_get_status (CorralDBusHelper1     *skeleton,
                   GDBusMethodInvocation *invocation,
                   Service               *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(GHashTable) active = NULL;
  g_autofree char *ip_forward = NULL;
  const char *backend;
  GVariantBuilder builder;
  guint n_active = 0;

  call_begin (self);

  forwards = corral_forward_store_load (&error);
  if (forwards != NULL)
    active = corral_forward_store_load_active_guests (&error);
  if (active == NULL)
    return call_end (self, invocation, error);

  for (guint i = 0; i < forwards->len; i++)
    {
      const CorralForwardRecord *f = g_ptr_array_index (forwards, i);

      if (g_hash_table_contains (active, f->guest_uuid))
        n_active++;
    }

  g_file_get_contents ("/proc/sys/net/ipv4/ip_forward", &ip_forward, NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "version", g_variant_new_string (PACKAGE_VERSION));
  backend = corral_firewall_backend_name (corral_firewall_detect ());
  g_variant_builder_add (&builder, "{sv}", "firewall-backend", g_variant_new_string (backend));
  g_variant_builder_add (&builder, "{sv}", "qemu-hook-installed",
                         g_variant_new_boolean (is_executable (QEMU_HOOK)));
  g_variant_builder_add (&builder, "{sv}", "qemu-hook-active",
                         g_variant_new_boolean (corral_hook_is_active (QEMU_HOOK)));
  g_variant_builder_add (&builder, "{sv}", "network-hook-installed",
                         g_variant_new_boolean (is_executable (NETWORK_HOOK)));
  g_variant_builder_add (&builder, "{sv}", "ip-forwarding",
                         g_variant_new_boolean (ip_forward != NULL && ip_forward[0] == '1'));
  g_variant_builder_add (&builder, "{sv}", "forwards", g_variant_new_uint32 (forwards->len));
  g_variant_builder_add (&builder, "{sv}", "active-forwards", g_variant_new_uint32 (n_active));

  corral_dbus_helper1_complete_get_status (skeleton, invocation, g_variant_builder_end (&builder));
  return call_end (self, invocation, NULL);
}

static gboolean
handle_list_host_ports (CorralDBusHelper1     *skeleton,
                        GDBusMethodInvocation *invocation,
                        const char            *protocol,
                        const char            *host_address,
                        Service               *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ports = NULL;

  call_begin (self);

  if (!corral_validate_protocol (protocol, &error) ||
      !corral_validate_host_address (host_address, &error))
    return call_end (self, invocation, error);

  ports = corral_host_ports_list_taken (protocol, host_address);
  corral_dbus_helper1_complete_list_host_ports (
      skeleton, invocation,
      g_variant_new_fixed_array (G_VARIANT_TYPE_UINT16, ports->data, ports->len, sizeof (guint16)));
  return call_end (self, invocation, NULL);
}

/* --- volumes --- */

/* corral-lvm fails in CORRAL_HELPER_ERROR; anything else (a cancelled command) is FAILED. */
static GError *
lvm_to_helper_error (GError *lvm_error)
{
  if (lvm_error->domain == CORRAL_HELPER_ERROR)
    return g_error_copy (lvm_error);
  return g_error_new_literal (CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED, lvm_error->message);
}

static gboolean
return_lvm_error (Service               *self,
                  GDBusMethodInvocation *invocation,
                  GError                *lvm_error)
{
  g_autoptr(GError) error = lvm_to_helper_error (lvm_error);

  return call_end (self, invocation, error);
}

static gboolean
validate_lvm_name (const char  *name,
                   const char  *what,
                   GError     **error)
{
  g_autoptr(GError) lvm_error = NULL;

  if (corral_lvm_validate_name (name, what, &lvm_error))
    return TRUE;
  g_propagate_error (error, lvm_to_helper_error (lvm_error));
  return FALSE;
}

static gboolean
handle_list_volume_groups (CorralDBusHelper1     *skeleton,
                           GDBusMethodInvocation *invocation,
                           Service               *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  GVariantBuilder builder;

  call_begin (self);

  groups = corral_lvm_list_volume_groups (NULL, &error);
  if (groups == NULL)
    return return_lvm_error (self, invocation, error);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(stt)"));
  for (guint i = 0; i < groups->len; i++)
    {
      const CorralVolumeGroup *vg = g_ptr_array_index (groups, i);

      g_variant_builder_add (&builder, "(stt)", vg->name, vg->size, vg->free);
    }

  corral_dbus_helper1_complete_list_volume_groups (skeleton, invocation,
                                                   g_variant_builder_end (&builder));
  return call_end (self, invocation, NULL);
}

static gboolean
handle_list_volumes (CorralDBusHelper1     *skeleton,
                     GDBusMethodInvocation *invocation,
                     Service               *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) volumes = NULL;
  GVariantBuilder builder;

  call_begin (self);

  volumes = corral_lvm_list_volumes (NULL, &error);
  if (volumes == NULL)
    return return_lvm_error (self, invocation, error);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssts)"));
  for (guint i = 0; i < volumes->len; i++)
    {
      const CorralLogicalVolume *lv = g_ptr_array_index (volumes, i);

      g_variant_builder_add (&builder, "(ssts)", lv->vg, lv->name, lv->size, lv->path);
    }

  corral_dbus_helper1_complete_list_volumes (skeleton, invocation,
                                             g_variant_builder_end (&builder));
  return call_end (self, invocation, NULL);
}

static gboolean
handle_create_volume (CorralDBusHelper1     *skeleton,
                      GDBusMethodInvocation *invocation,
                      const char            *vg,
                      const char            *name,
                      guint64                size,
                      Service               *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralLogicalVolume) lv = NULL;

  call_begin (self);

  if (!validate_lvm_name (vg, "volume group", &error) ||
      !validate_lvm_name (name, "logical volume", &error))
    return call_end (self, invocation, error);

  if (size == 0)
    {
      error = g_error_new (CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                           "Volume size must be more than 0 bytes");
      return call_end (self, invocation, error);
    }

  if (!check_authorization (invocation, ACTION_VOLUMES, &error))
    return call_end (self, invocation, error);

  g_mutex_lock (&self->lock);
  lv = corral_lvm_create_volume (vg, name, size, NULL, &error);
  g_mutex_unlock (&self->lock);
  if (lv == NULL)
    return return_lvm_error (self, invocation, error);

  corral_dbus_helper1_complete_create_volume (skeleton, invocation, lv->path);
  return call_end (self, invocation, NULL);
}

static gboolean
handle_remove_volume (CorralDBusHelper1     *skeleton,
                      GDBusMethodInvocation *invocation,
                      const char            *vg,
                      const char            *name,
                      Service               *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  call_begin (self);

  if (!validate_lvm_name (vg, "volume group", &error) ||
      !validate_lvm_name (name, "logical volume", &error) ||
      !check_authorization (invocation, ACTION_VOLUMES, &error))
    return call_end (self, invocation, error);

  g_mutex_lock (&self->lock);
  ok = corral_lvm_remove_volume (vg, name, NULL, &error);
  g_mutex_unlock (&self->lock);
  if (!ok)
    return return_lvm_error (self, invocation, error);

  corral_dbus_helper1_complete_remove_volume (skeleton, invocation);
  return call_end (self, invocation, NULL);
}

static gboolean
handle_resize_volume (CorralDBusHelper1     *skeleton,
                      GDBusMethodInvocation *invocation,
                      const char            *vg,
                      const char            *name,
                      guint64                size,
                      Service               *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  call_begin (self);

  if (!validate_lvm_name (vg, "volume group", &error) ||
      !validate_lvm_name (name, "logical volume", &error))
    return call_end (self, invocation, error);

  if (size == 0 || size % 512 != 0)
    {
      error = g_error_new (CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                           "Volume size must be more than 0 bytes and a multiple of 512");
      return call_end (self, invocation, error);
    }

  if (!check_authorization (invocation, ACTION_VOLUMES, &error))
    return call_end (self, invocation, error);

  g_mutex_lock (&self->lock);
  ok = corral_lvm_resize_volume (vg, name, size, NULL, NULL, &error);
  g_mutex_unlock (&self->lock);
  if (!ok)
    return return_lvm_error (self, invocation, error);

  corral_dbus_helper1_complete_resize_volume (skeleton, invocation);
  return call_end (self, invocation, NULL);
}

/* --- bus --- */

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  Service *self = user_data;

  g_printerr ("corral-helper: could not own %s on the system bus (or lost it)\n", name);
  self->status = 1;
  g_main_loop_quit (self->loop);
}

int
corral_helper_service_run (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  const char *idle = g_getenv ("CORRAL_HELPER_IDLE_TIMEOUT");
  const struct { const char *signal; GCallback callback; } handlers[] = {
    { "handle-get-status", G_CALLBACK (handle_get_status) },
    { "handle-list-forwards", G_CALLBACK (handle_list_forwards) },
    { "handle-list-host-ports", G_CALLBACK (handle_list_host_ports) },
    { "handle-add-forward", G_CALLBACK (handle_add_forward) },
    { "handle-remove-forward", G_CALLBACK (handle_remove_forward) },
    { "handle-list-volume-groups", G_CALLBACK (handle_list_volume_groups) },
    { "handle-list-volumes", G_CALLBACK (handle_list_volumes) },
    { "handle-create-volume", G_CALLBACK (handle_create_volume) },
    { "handle-remove-volume", G_CALLBACK (handle_remove_volume) },
    { "handle-resize-volume", G_CALLBACK (handle_resize_volume) },
  };
  Service self = { 0 };
  guint owner_id;
  guint64 idle_seconds = 60;

  if (idle != NULL && !g_ascii_string_to_unsigned (idle, 10, 0, 86400, &idle_seconds, NULL))
    idle_seconds = 60;

  corral_helper_libvirt_init ();
  (void) CORRAL_HELPER_ERROR;  /* registers the D-Bus error names */

  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  if (bus == NULL)
    {
      g_printerr ("corral-helper: cannot connect to the system bus: %s\n", error->message);
      return 1;
    }

  g_mutex_init (&self.lock);
  self.loop = g_main_loop_new (NULL, FALSE);
  self.idle_seconds = (guint) idle_seconds;
  self.skeleton = corral_dbus_helper1_skeleton_new ();
  g_dbus_interface_skeleton_set_flags (
      G_DBUS_INTERFACE_SKELETON (self.skeleton),
      G_DBUS_INTERFACE_SKELETON_FLAGS_HANDLE_METHOD_INVOCATIONS_IN_THREAD);

  for (gsize i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_connect (self.skeleton, handlers[i].signal, handlers[i].callback, &self);

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self.skeleton), bus,
                                         CORRAL_HELPER_DBUS_PATH, &error))
    {
      g_printerr ("corral-helper: cannot export %s: %s\n", CORRAL_HELPER_DBUS_PATH, error->message);
      return 1;
    }

  owner_id = g_bus_own_name_on_connection (bus, CORRAL_HELPER_DBUS_NAME,
                                           G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                           NULL, name_lost_cb, &self, NULL);

  if (self.idle_seconds > 0)
    g_timeout_add_seconds (MAX (1, MIN (self.idle_seconds / 4, 10)), idle_check_cb, &self);

  g_main_loop_run (self.loop);

  g_bus_unown_name (owner_id);
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self.skeleton));
  g_clear_object (&self.skeleton);
  g_main_loop_unref (self.loop);
  return self.status;
}
