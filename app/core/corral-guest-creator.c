/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-creator"

#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-spec-access.h"
#include "corral-guest-creator.h"
#include "corral-guest-creator-private.h"
#include "corral-guest-install-private.h"
#include "corral-osinfo.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (virConnect, virConnectClose)

/* --- host info --- */

void
corral_storage_place_free (CorralStoragePlace *place)
{
  if (place == NULL)
    return;
  g_free (place->name);
  g_free (place);
}

void
corral_host_info_free (CorralHostInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->virt_type);
  g_free (info->arch);
  g_clear_pointer (&info->pools, g_ptr_array_unref);
  g_clear_pointer (&info->networks, g_ptr_array_unref);
  g_clear_pointer (&info->bridges, g_ptr_array_unref);
  g_strfreev (info->guest_names);
  g_free (info);
}

GError *
_corral_guest_creator_libvirt_error (const char *what)
{
  return g_error_new (CORRAL_ERROR, CORRAL_ERROR_FAILED, "%s: %s", what, virGetLastErrorMessage ());
}

static int
compare_places (gconstpointer a,
                gconstpointer b)
{
  return g_strcmp0 ((*(CorralStoragePlace **) a)->name, (*(CorralStoragePlace **) b)->name);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* kvm when the host offers it for its own architecture, else qemu, else what it has (the test
 * driver). */
static gboolean
read_capabilities (virConnectPtr    conn,
                   CorralHostInfo  *info,
                   GError         **error)
{
  g_autofree char *xml = virConnectGetCapabilities (conn);
  g_autoptr(GVirConfigCapabilities) caps = NULL;
  g_autoptr(GVirConfigCapabilitiesHost) host = NULL;
  g_autoptr(GVirConfigCapabilitiesCpu) cpu = NULL;
  GList *guests;
  gboolean kvm = FALSE, qemu = FALSE;
  char *other = NULL;

  if (xml == NULL)
    {
      *error = _corral_guest_creator_libvirt_error (_("Could not read the host’s capabilities"));
      return FALSE;
    }
  caps = gvir_config_capabilities_new_from_xml (xml, error);
  if (caps == NULL)
    return FALSE;
  host = gvir_config_capabilities_get_host (caps);
  cpu = host != NULL ? gvir_config_capabilities_host_get_cpu (host) : NULL;
  info->arch = g_strdup (cpu != NULL ? gvir_config_capabilities_cpu_get_arch (cpu) : NULL);
  if (info->arch == NULL)
    info->arch = g_strdup ("x86_64");

  guests = gvir_config_capabilities_get_guests (caps);
  for (GList *l = guests; l != NULL; l = l->next)
    {
      g_autoptr(GVirConfigCapabilitiesGuestArch) arch = NULL;
      GList *domains;

      arch = gvir_config_capabilities_guest_get_arch (l->data);
      if (gvir_config_capabilities_guest_get_os_type (l->data) != GVIR_CONFIG_DOMAIN_OS_TYPE_HVM
          || arch == NULL || g_strcmp0 (gvir_config_capabilities_guest_arch_get_name (arch),
                                        info->arch) != 0)
        continue;
      domains = gvir_config_capabilities_guest_arch_get_domains (arch);
      for (GList *d = domains; d != NULL; d = d->next)
        {
          GVirConfigDomainVirtType type;

          type = gvir_config_capabilities_guest_domain_get_virt_type (d->data);

          if (type == GVIR_CONFIG_DOMAIN_VIRT_KVM)
            kvm = TRUE;
          else if (type == GVIR_CONFIG_DOMAIN_VIRT_QEMU)
            qemu = TRUE;
          else if (type == GVIR_CONFIG_DOMAIN_VIRT_TEST && other == NULL)
            other = "test";
        }
      g_list_free_full (domains, g_object_unref);
    }
  g_list_free_full (guests, g_object_unref);

  if (kvm)
    info->virt_type = g_strdup ("kvm");
  else if (qemu)
    info->virt_type = g_strdup ("qemu");
  else if (other != NULL)
    info->virt_type = g_strdup (other);
  else
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                   _("This host cannot run %s guests: install qemu-system-x86"), info->arch);
      return FALSE;
    }
  return TRUE;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathContext, xmlXPathFreeContext)

/* UEFI, Secure Boot and TPM availability from domain capabilities XML (virConnectGetDomainCapabilities
 * for the q35 machine): <os><enum name="firmware"><value>efi</value> (libvirt found a firmware
 * descriptor, i.e. ovmf is installed) or a <loader> <value>; <loader><enum name="secure"><value>yes
 * for Secure Boot; <tpm supported="yes"> with backendModel "emulator" (libvirt lists it when swtpm is
 * installed). FALSE when the XML cannot be read. */
gboolean
corral_host_info_read_domain_capabilities (CorralHostInfo *info,
                                           const char     *xml)
{
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(xmlXPathContext) ctx = NULL;
  struct { const char *path; gboolean *out; } queries[] = {
    { "/domainCapabilities/os[@supported='yes']/enum[@name='firmware']/value[text()='efi']"
      " | /domainCapabilities/os[@supported='yes']/loader[@supported='yes']/value", &info->uefi },
    { "/domainCapabilities/os[@supported='yes']/loader[@supported='yes']/enum[@name='secure']"
      "/value[text()='yes']", &info->secure_boot },
    { "/domainCapabilities/devices/tpm[@supported='yes']/enum[@name='backendModel']"
      "/value[text()='emulator']", &info->tpm },
  };

  g_return_val_if_fail (info != NULL, FALSE);

  info->firmware_known = FALSE;
  info->uefi = info->secure_boot = info->tpm = FALSE;
  if (xml == NULL)
    return FALSE;
  doc = xmlReadMemory (xml, strlen (xml), "domcaps.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
                       | XML_PARSE_NOWARNING);
  if (doc == NULL)
    return FALSE;
  ctx = xmlXPathNewContext (doc);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      xmlXPathObject *obj = xmlXPathEvalExpression (BAD_CAST queries[i].path, ctx);

      *queries[i].out = obj != NULL && obj->nodesetval != NULL && obj->nodesetval->nodeNr > 0;
      xmlXPathFreeObject (obj);
    }
  info->secure_boot = info->secure_boot && info->uefi;
  info->firmware_known = TRUE;
  return TRUE;
}

static void
host_info_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autoptr(virConnect) conn = _corral_connection_ref_handle (task_data);
  g_autoptr(CorralHostInfo) info = g_new0 (CorralHostInfo, 1);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  virNodeInfo node;
  virStoragePoolPtr *pools = NULL;
  virNetworkPtr *networks = NULL;
  virInterfacePtr *ifaces = NULL;
  virDomainPtr *domains = NULL;
  int n;

  if (conn == NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("Not connected to libvirt: wait for the connection to come back"));
      return;
    }

  if (virNodeGetInfo (conn, &node) == 0)
    {
      info->memory = (guint64) node.memory * 1024;
      info->cpus = node.cpus;
    }
  if (!read_capabilities (conn, info, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  {
    g_autofree char *caps = virConnectGetDomainCapabilities (conn, NULL, info->arch, "q35",
                                                             info->virt_type, 0);

    if (caps == NULL)
      {
        g_debug ("No domain capabilities for q35: %s", virGetLastErrorMessage ());
        virResetLastError ();
      }
    else
      corral_host_info_read_domain_capabilities (info, caps);
  }

  info->pools = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_storage_place_free);
  n = virConnectListAllStoragePools (conn, &pools, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE);
  for (int i = 0; i < n; i++)
    {
      virStoragePoolInfo pool_info;

      if (virStoragePoolGetInfo (pools[i], &pool_info) == 0)
        {
          CorralStoragePlace *place = g_new0 (CorralStoragePlace, 1);

          place->name = g_strdup (virStoragePoolGetName (pools[i]));
          place->capacity = pool_info.capacity;
          place->available = pool_info.available;
          g_ptr_array_add (info->pools, place);
        }
      virStoragePoolFree (pools[i]);
    }
  g_free (pools);
  g_ptr_array_sort (info->pools, compare_places);

  info->networks = g_ptr_array_new_with_free_func (g_free);
  n = virConnectListAllNetworks (conn, &networks, 0);
  for (int i = 0; i < n; i++)
    {
      g_ptr_array_add (info->networks, g_strdup (virNetworkGetName (networks[i])));
      virNetworkFree (networks[i]);
    }
  g_free (networks);
  g_ptr_array_sort (info->networks, compare_strings);

  /* Bridges as libvirt's interface driver sees them; without that driver there are none to offer.
   */
  info->bridges = g_ptr_array_new_with_free_func (g_free);
  n = virConnectListAllInterfaces (conn, &ifaces, VIR_CONNECT_LIST_INTERFACES_ACTIVE);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *xml = virInterfaceGetXMLDesc (ifaces[i], 0);

      if (xml != NULL
          && (strstr (xml, "type='bridge'") != NULL || strstr (xml, "type=\"bridge\"") != NULL))
        g_ptr_array_add (info->bridges, g_strdup (virInterfaceGetName (ifaces[i])));
      virInterfaceFree (ifaces[i]);
    }
  g_free (ifaces);
  if (n < 0)
    virResetLastError ();
  g_ptr_array_sort (info->bridges, compare_strings);

  n = virConnectListAllDomains (conn, &domains, 0);
  for (int i = 0; i < n; i++)
    {
      g_ptr_array_add (names, g_strdup (virDomainGetName (domains[i])));
      virDomainFree (domains[i]);
    }
  g_free (domains);
  g_ptr_array_add (names, NULL);
  info->guest_names = (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);

  g_task_return_pointer (task, g_steal_pointer (&info), (GDestroyNotify) corral_host_info_free);
}

void
corral_host_info_query_async (CorralConnection    *connection,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (CORRAL_IS_CONNECTION (connection));

  g_task_set_source_tag (task, corral_host_info_query_async);
  g_task_set_task_data (task, g_object_ref (connection), g_object_unref);
  g_task_run_in_thread (task, host_info_thread);
}

CorralHostInfo *
corral_host_info_query_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the creator --- */

struct _CorralGuestCreator
{
  GObject             parent_instance;

  CorralConnection   *connection;
  CorralGuestSpec    *spec;
  CorralHelperClient *helper;
  GMainContext       *context;
  char               *virt_type;  /* NULL: kvm when the host offers it, else qemu */

  double              fraction;
  char               *status;
};

enum {
  PROP_0,
  PROP_FRACTION,
  PROP_STATUS,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CorralGuestCreator, corral_guest_creator, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
made_free (Made *made)
{
  g_free (made->guest_name);
  g_free (made->disk_path);
  g_clear_pointer (&made->volume, virStorageVolFree);
  g_free (made->lv_group);
  g_free (made->lv_name);
  g_clear_pointer (&made->seed_volume, virStorageVolFree);
  g_free (made->seed_path);
  g_clear_pointer (&made->domain, virDomainFree);
  g_clear_object (&made->install);
  g_free (made);
}

typedef struct
{
  CorralGuestCreator *self;
  double              fraction;
  char               *status;
} Progress;

static gboolean
apply_progress_cb (gpointer user_data)
{
  Progress *progress = user_data;
  CorralGuestCreator *self = progress->self;

  self->fraction = progress->fraction;
  g_free (self->status);
  self->status = g_steal_pointer (&progress->status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  return G_SOURCE_REMOVE;
}

static void
progress_free (Progress *progress)
{
  g_object_unref (progress->self);
  g_free (progress->status);
  g_free (progress);
}

void
_corral_guest_creator_report (CorralGuestCreator *self,
                              double              fraction,
                              const char         *format,
                              ...)
{
  Progress *progress = g_new0 (Progress, 1);
  va_list args;

  progress->self = g_object_ref (self);
  progress->fraction = fraction;
  va_start (args, format);
  progress->status = g_strdup_vprintf (format, args);
  va_end (args);
  g_debug ("%.2f %s", fraction, progress->status);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, apply_progress_cb, progress,
                              (GDestroyNotify) progress_free);
}

/* A helper call made on the creator's main context (the client is async and lives there), which
 * the worker waits for between its steps. */
typedef struct
{
  CorralGuestCreator *self;
  const char         *group;
  const char         *name;
  guint64             size;       /* 0: remove the volume, else create it */
  GCancellable       *cancellable;

  GMutex              lock;
  GCond               cond;
  gboolean            done;
  char               *path;
  GError             *error;
} HelperCall;

static void
helper_call_finish (HelperCall *call,
                    char       *path,
                    GError     *error)
{
  g_mutex_lock (&call->lock);
  call->path = path;
  call->error = error;
  call->done = TRUE;
  g_cond_signal (&call->cond);
  g_mutex_unlock (&call->lock);
}

static void
helper_created_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError *error = NULL;
  char *path = corral_helper_client_create_volume_finish (CORRAL_HELPER_CLIENT (object), result,
                                                          &error);

  helper_call_finish (user_data, path, error);
}

static void
helper_removed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError *error = NULL;

  corral_helper_client_remove_volume_finish (CORRAL_HELPER_CLIENT (object), result, &error);
  helper_call_finish (user_data, NULL, error);
}

static gboolean
helper_call_start_cb (gpointer user_data)
{
  HelperCall *call = user_data;

  if (call->size > 0)
    corral_helper_client_create_volume_async (call->self->helper, call->group, call->name,
                                              call->size, call->cancellable, helper_created_cb,
                                              call);
  else
    corral_helper_client_remove_volume_async (call->self->helper, call->group, call->name, NULL,
                                              helper_removed_cb, call);
  return G_SOURCE_REMOVE;
}

/* From the worker: runs the call on the main context and waits for its answer. Returns the new
 * volume's path (create) or TRUE-ish non-NULL (remove); NULL with @error on failure. */
static char *
helper_call (CorralGuestCreator  *self,
             const char          *group,
             const char          *name,
             guint64              size,
             GCancellable        *cancellable,
             GError             **error)
{
  HelperCall call = { self, group, name, size, cancellable };
  char *path;

  g_mutex_init (&call.lock);
  g_cond_init (&call.cond);
  g_main_context_invoke (self->context, helper_call_start_cb, &call);
  g_mutex_lock (&call.lock);
  while (!call.done)
    g_cond_wait (&call.cond, &call.lock);
  g_mutex_unlock (&call.lock);
  g_mutex_clear (&call.lock);
  g_cond_clear (&call.cond);

  if (call.error != NULL)
    {
      g_propagate_error (error, call.error);
      g_free (call.path);
      return NULL;
    }
  path = call.path != NULL ? call.path : g_strdup ("");
  return path;
}

/* By listing, not by lookup: a failed lookup is logged by libvirt as an error. */
gboolean
_corral_guest_creator_pool_has_volume (virStoragePoolPtr  pool,
                                       const char        *name)
{
  virStorageVolPtr *vols = NULL;
  gboolean found = FALSE;
  int n = virStoragePoolListAllVolumes (pool, &vols, 0);

  for (int i = 0; i < n; i++)
    {
      found = found || g_strcmp0 (virStorageVolGetName (vols[i]), name) == 0;
      virStorageVolFree (vols[i]);
    }
  free (vols);
  return found;
}

static gboolean
make_pool_volume (virConnectPtr           conn,
                  const CorralGuestSpec  *spec,
                  Made                   *made,
                  GError                **error)
{
  g_autoptr(GVirConfigStorageVol) vol_config = gvir_config_storage_vol_new ();
  g_autoptr(GVirConfigStorageVolTarget) target = gvir_config_storage_vol_target_new ();
  g_autofree char *vol_name = g_strconcat (made->guest_name, ".qcow2", NULL);
  g_autofree char *xml = NULL;
  virStoragePoolPtr pool;

  pool = virStoragePoolLookupByName (conn, spec->disk_location);
  if (pool == NULL)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                   _("There is no storage pool “%s”: choose another one"), spec->disk_location);
      return FALSE;
    }
  if (_corral_guest_creator_pool_has_volume (pool, vol_name))
    {
      virStoragePoolFree (pool);
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                   _("The storage pool “%s” already has a volume “%s”: choose another guest name, "
                     "or delete "
                     "that volume"), spec->disk_location, vol_name);
      return FALSE;
    }
  gvir_config_storage_vol_set_name (vol_config, vol_name);
  gvir_config_storage_vol_set_capacity (vol_config, spec->disk_size);
  gvir_config_storage_vol_target_set_format (target, "qcow2");
  gvir_config_storage_vol_set_target (vol_config, target);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (vol_config));

  made->volume = virStorageVolCreateXML (pool, xml, 0);
  virStoragePoolFree (pool);
  if (made->volume == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Could not create the disk “%s” in “%s”"),
                                               vol_name,
                                               spec->disk_location);

      *error = _corral_guest_creator_libvirt_error (what);
      return FALSE;
    }
  made->disk_path = virStorageVolGetPath (made->volume);
  made->disk_format = "qcow2";
  return made->disk_path != NULL;
}

static gboolean
make_disk (CorralGuestCreator  *self,
           virConnectPtr        conn,
           CorralCloudBase     *base,
           Made                *made,
           GCancellable        *cancellable,
           GError             **error)
{
  const CorralGuestSpec *spec = self->spec;

  if (spec->source == CORRAL_INSTALL_SOURCE_CLOUD_IMAGE)
    return _corral_cloud_make_disk (conn, spec, base, made, cancellable, error);

  switch (spec->disk_kind)
    {
    case CORRAL_DISK_NONE:
      return TRUE;

    case CORRAL_DISK_EXISTING:
      made->disk_path = g_strdup (spec->disk_location);
      made->disk_format = corral_disk_image_format (made->disk_path, &made->disk_is_block);
      return TRUE;

    case CORRAL_DISK_POOL:
      return make_pool_volume (conn, spec, made, error);

    case CORRAL_DISK_LVM:
      made->disk_path = helper_call (self, spec->disk_location, made->guest_name,
                                     MAX (spec->disk_size, 1), cancellable, error);
      if (made->disk_path == NULL)
        return FALSE;
      made->lv_group = g_strdup (spec->disk_location);
      made->lv_name = g_strdup (made->guest_name);
      made->disk_is_block = TRUE;
      made->disk_format = "raw";
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* Removes what @made lists; appends to @undone what it removed for the user's message. */
static void
roll_back (CorralGuestCreator *self,
           Made               *made,
           GString            *undone)
{
  if (made->domain != NULL)
    {
      if (made->started)
        virDomainDestroy (made->domain);
      /* just defined by us: no managed save or snapshots; a UEFI guest's NVRAM and a TPM's state
       * (made when it started) go with it, which a plain undefine refuses or leaves behind */
      if ((self->spec->firmware != CORRAL_FIRMWARE_BIOS || self->spec->tpm
           ? virDomainUndefineFlags (made->domain, VIR_DOMAIN_UNDEFINE_NVRAM
                                                   | VIR_DOMAIN_UNDEFINE_TPM)
           : virDomainUndefine (made->domain)) == 0)
        g_string_append_printf (undone, _("Removed the guest “%s”. "), made->guest_name);
      else
        g_string_append_printf (undone,
                                _("Could not remove the guest “%s” (%s): delete it by hand. "),
                                made->guest_name, virGetLastErrorMessage ());
      g_clear_pointer (&made->domain, virDomainFree);
    }
  if (made->volume != NULL)
    {
      if (virStorageVolDelete (made->volume, 0) == 0)
        g_string_append_printf (undone, _("Removed the disk “%s” made for it. "), made->disk_path);
      else
        g_string_append_printf (undone,
                                _("Could not remove the disk “%s” (%s): delete it by hand. "),
                                made->disk_path, virGetLastErrorMessage ());
      g_clear_pointer (&made->volume, virStorageVolFree);
    }
  if (made->seed_volume != NULL)
    {
      if (virStorageVolDelete (made->seed_volume, 0) == 0)
        g_string_append_printf (undone, _("Removed its cloud-init seed “%s”. "), made->seed_path);
      else
        g_string_append_printf (undone,
                                _("Could not remove the cloud-init seed “%s” (%s): delete it by "
                                  "hand. "),
                                made->seed_path, virGetLastErrorMessage ());
      g_clear_pointer (&made->seed_volume, virStorageVolFree);
    }
  if (made->lv_name != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *removed = helper_call (self, made->lv_group, made->lv_name, 0, NULL,
                                              &error);

      if (removed != NULL)
        g_string_append_printf (undone, _("Removed the volume “%s” made for it. "),
                                made->disk_path);
      else
        g_string_append_printf (undone,
                                _("Could not remove the volume “%s” (%s): delete it by hand. "),
                                made->disk_path, error->message);
      g_clear_pointer (&made->lv_name, g_free);
    }
}

static GError *
fail (CorralGuestCreator *self,
      GPtrArray          *made,
      CorralCloudBase    *base,
      GError             *error)
{
  g_autoptr(GString) undone = g_string_new (NULL);
  GError *result;

  _corral_guest_creator_report (self, 1.0, "%s", _("Removing what was made…"));
  for (guint i = made->len; i > 0; i--)
    roll_back (self, g_ptr_array_index (made, i - 1), undone);
  if (base != NULL)
    _corral_cloud_base_roll_back (base, undone);
  if (undone->len == 0)
    return error;

  g_strchomp (undone->str);
  result = g_error_new (error->domain, error->code, "%s\n%s", error->message, undone->str);
  g_error_free (error);
  return result;
}

static void
run_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  CorralGuestCreator *self = source;
  const CorralGuestSpec *spec = self->spec;
  g_autoptr(virConnect) conn = _corral_connection_ref_handle (self->connection);
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify) made_free);
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(OsinfoOs) os = NULL;
  g_autoptr(CorralHostInfo) host = g_new0 (CorralHostInfo, 1);
  g_autoptr(CorralCloudBase) base = NULL;
  gboolean cloud = spec->source == CORRAL_INSTALL_SOURCE_CLOUD_IMAGE;
  guint count = MAX (spec->count, 1);
  /* a cloud image's base: its copy into the pool is the first part of the run */
  guint steps = count * 2 + (spec->start ? count : 0) + (cloud ? count : 0);
  guint step = 0;
  GError *error = NULL;

  if (conn == NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("Not connected to libvirt: wait for the connection to come back"));
      return;
    }
  if (!read_capabilities (conn, host, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (spec->os_id != NULL)
    {
      if (corral_osinfo_get_db (&error) == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      os = corral_osinfo_find_os (spec->os_id);
    }
  if (cloud)
    {
      base = _corral_cloud_base_prepare (self, conn, spec, 0.0, (double) count / steps, cancellable,
                                         &error);
      if (base == NULL)
        goto failed;
      step += count;
    }

  for (guint i = 0; i < count; i++)
    {
      Made *m = g_new0 (Made, 1);
      g_autoptr(GVirConfigDomain) config = NULL;
      g_autofree char *xml = NULL;
      CorralDomainParams params = { 0 };
      char uuid[VIR_UUID_STRING_BUFLEN];

      m->guest_name = corral_guest_spec_dup_guest_name (spec, i);
      g_ptr_array_add (made, m);

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto failed;

      if (spec->disk_kind != CORRAL_DISK_NONE)
        _corral_guest_creator_report (self, (double) step / steps, _("Creating the disk of “%s”…"), m->guest_name);
      if (!make_disk (self, conn, base, m, cancellable, &error))
        goto failed;
      step++;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto failed;

      _corral_guest_creator_report (self, (double) step / steps, _("Defining “%s”…"), m->guest_name);
      params.name = m->guest_name;
      params.virt_type = self->virt_type != NULL ? self->virt_type : host->virt_type;
      params.arch = host->arch;
      params.os = os;
      params.disk_path = m->disk_path;
      params.disk_is_block = m->disk_is_block;
      params.disk_format = m->disk_format;
      params.seed_path = m->seed_path;
      config = corral_guest_spec_build_domain (spec, &params, &error);
      if (config == NULL)
        goto failed;
      if (spec->start && corral_guest_spec_installs_to_disk (spec)
          && (m->install = corral_guest_spec_build_install_domain (spec, &params, &error)) == NULL)
        goto failed;
      xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
      m->domain = virDomainDefineXML (conn, xml);
      if (m->domain == NULL)
        {
          g_autofree char *what = g_strdup_printf (_("Could not define the guest “%s”"),
                                                   m->guest_name);

          error = _corral_guest_creator_libvirt_error (what);
          goto failed;
        }
      if (virDomainGetUUIDString (m->domain, uuid) == 0)
        g_ptr_array_add (uuids, g_strdup (uuid));
      step++;
    }

  for (guint i = 0; spec->start && i < made->len; i++)
    {
      Made *m = g_ptr_array_index (made, i);

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto failed;
      _corral_guest_creator_report (self, (double) step / steps, _("Starting “%s”…"), m->guest_name);
      /* an ISO install boots its installer once, as a live configuration of the defined guest */
      if ((m->install != NULL ? _corral_guest_install_start (m->domain, m->install)
                              : virDomainCreate (m->domain)) < 0)
        {
          g_autofree char *what = g_strdup_printf (_("Could not start the guest “%s”"),
                                                   m->guest_name);

          error = _corral_guest_creator_libvirt_error (what);
          if (strstr (error->message, "Permission denied") != NULL)
            {
              GError *hinted = g_error_new (error->domain, error->code, "%s\n%s", error->message,
                                            _("The virtual machine may not read a file it needs: "
                                              "allow access on "
                                              "the Install Source page, or copy the file into a "
                                              "storage pool."));

              g_error_free (error);
              error = hinted;
            }
          goto failed;
        }
      m->started = TRUE;
      step++;
    }

  _corral_guest_creator_report (self, 1.0, "%s", g_dngettext (GETTEXT_PACKAGE, "Guest created", "Guests created", count));
  g_ptr_array_add (uuids, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&uuids), FALSE),
                         (GDestroyNotify) g_strfreev);
  return;

failed:
  g_task_return_error (task, fail (self, made, base, error));
}

static void
corral_guest_creator_finalize (GObject *object)
{
  CorralGuestCreator *self = CORRAL_GUEST_CREATOR (object);

  g_clear_object (&self->connection);
  g_clear_object (&self->helper);
  g_clear_pointer (&self->spec, corral_guest_spec_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->status);
  g_free (self->virt_type);

  G_OBJECT_CLASS (corral_guest_creator_parent_class)->finalize (object);
}

static void
corral_guest_creator_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CorralGuestCreator *self = CORRAL_GUEST_CREATOR (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_guest_creator_class_init (CorralGuestCreatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = corral_guest_creator_finalize;
  object_class->get_property = corral_guest_creator_get_property;

  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                                   G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                                 G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
corral_guest_creator_init (CorralGuestCreator *self)
{
}

CorralGuestCreator *
corral_guest_creator_new (CorralConnection      *connection,
                          const CorralGuestSpec *spec)
{
  CorralGuestCreator *self;

  g_return_val_if_fail (CORRAL_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  self = g_object_new (CORRAL_TYPE_GUEST_CREATOR, NULL);
  self->connection = g_object_ref (connection);
  self->spec = corral_guest_spec_copy (spec);
  return self;
}

/* The helper client used for LVM volumes; by default one on the system bus. Set it before running.
 */
void
corral_guest_creator_set_helper (CorralGuestCreator *self,
                                 CorralHelperClient *helper)
{
  g_return_if_fail (CORRAL_IS_GUEST_CREATOR (self));

  g_set_object (&self->helper, helper);
}

/* Overrides the domain type ("qemu" for plain emulation where KVM is unusable). Set it before
 * running. */
void
corral_guest_creator_set_virt_type (CorralGuestCreator *self,
                                    const char         *virt_type)
{
  g_return_if_fail (CORRAL_IS_GUEST_CREATOR (self));

  g_free (self->virt_type);
  self->virt_type = g_strdup (virt_type);
}

double
corral_guest_creator_get_fraction (CorralGuestCreator *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST_CREATOR (self), 0.0);

  return self->fraction;
}

const char *
corral_guest_creator_get_status (CorralGuestCreator *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST_CREATOR (self), NULL);

  return self->status;
}

void
corral_guest_creator_run_async (CorralGuestCreator  *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CORRAL_IS_GUEST_CREATOR (self));

  if (self->spec->disk_kind == CORRAL_DISK_LVM && self->helper == NULL)
    self->helper = g_object_ref (corral_helper_client_get_default ());
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_creator_run_async);
  /* rollback must finish even when cancelled: the task returns only after the thread is done */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

/* The new guests' UUIDs. */
GStrv
corral_guest_creator_run_finish (CorralGuestCreator  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
