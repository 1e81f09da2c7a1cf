/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-osinfo"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-error.h"
#include "corral-osinfo.h"

static GMutex db_lock;
static OsinfoDb *db;

/* --- the database: loaded once, from any thread --- */

OsinfoDb *
corral_osinfo_get_db (GError **error)
{
  g_autoptr(OsinfoLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&db_lock);

  if (db != NULL)
    return db;

  loader = osinfo_loader_new ();
  osinfo_loader_process_default_path (loader, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                   _("The operating system database could not be read (%s): reinstall the "
                     "osinfo-db package"),
                   local_error->message);
      return NULL;
    }
  db = g_object_ref (osinfo_loader_get_db (loader));
  return db;
}

/* Whether the database is loaded: then corral_osinfo_get_db() and what asks it return at once. */
gboolean
corral_osinfo_db_is_loaded (void)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&db_lock);

  return db != NULL;
}

/* The part of a libosinfo id a person can read: "debian/12" of http://debian.org/debian/12. */
static char *
id_tail (const char *id)
{
  const char *p = strstr (id, "://");

  if (p != NULL && (p = strchr (p + 3, '/')) != NULL && p[1] != '\0')
    return g_strdup (p + 1);
  return g_strdup (id);
}

/* The name a person reads for the OS with the libosinfo id @id: its name in the database ("Generic
 * Linux 2022" for http://libosinfo.org/linux/2022), else its short-id, else (an id the database
 * does not know, or no database loaded yet) the readable part of the id. Never loads the database:
 * load it first (corral_osinfo_load_db_async) for the name. NULL for no id. */
char *
corral_osinfo_dup_os_name (const char *id)
{
  OsinfoOs *os = NULL;
  const char *name = NULL;

  if (id == NULL || *id == '\0')
    return NULL;
  if (corral_osinfo_db_is_loaded ())
    os = osinfo_db_get_os (db, id);
  if (os != NULL)
    {
      name = osinfo_product_get_name (OSINFO_PRODUCT (os));
      if (name == NULL || *name == '\0')
        name = osinfo_product_get_short_id (OSINFO_PRODUCT (os));
    }
  return name != NULL && *name != '\0' ? g_strdup (name) : id_tail (id);
}

static void
load_db_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  OsinfoDb *result = corral_osinfo_get_db (&error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (result), g_object_unref);
}

void
corral_osinfo_load_db_async (GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, corral_osinfo_load_db_async);
  g_task_run_in_thread (task, load_db_thread);
}

OsinfoDb *
corral_osinfo_load_db_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- media detection ---
 * With libosinfo's own async reader on the caller's main context: its synchronous one spins a main
 * loop
 * on the global default context, which from a worker thread would run the GUI's sources there. */

static void
detect_media_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsinfoMedia) media = osinfo_media_create_from_location_finish (result, &error);
  const char *path = g_task_get_task_data (task);
  OsinfoOs *os = NULL;

  if (media == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                                 _("“%s” is not a bootable install image (%s): choose an ISO file"),
                                 path, error->message);
      return;
    }

  if (osinfo_db_identify_media (db, media))
    g_object_get (media, "os", &os, NULL);

  if (os == NULL)
    g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                             _("The operating system on this image is not known: choose it from "
                               "the list"));
  else
    g_task_return_pointer (task, os, g_object_unref);
}

static void
detect_db_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsinfoDb) the_db = corral_osinfo_load_db_finish (result, &error);
  const char *path;
  GCancellable *cancellable;

  if (the_db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  path = g_task_get_task_data (task);
  cancellable = g_task_get_cancellable (task);
  osinfo_media_create_from_location_async (path, G_PRIORITY_DEFAULT, cancellable, detect_media_cb,
                                           g_steal_pointer (&task));
}

void
corral_osinfo_detect_media_async (const char          *path,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (path != NULL);

  g_task_set_source_tag (task, corral_osinfo_detect_media_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  corral_osinfo_load_db_async (cancellable, detect_db_cb, g_steal_pointer (&task));
}

OsinfoOs *
corral_osinfo_detect_media_finish (GAsyncResult  *result,
                                   GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- questions about an OS (the database must be loaded) --- */

OsinfoOs *
corral_osinfo_find_os (const char *id)
{
  OsinfoDb *the_db;
  OsinfoOs *os;

  if (id == NULL || *id == '\0')
    return NULL;
  the_db = corral_osinfo_get_db (NULL);
  if (the_db == NULL)
    return NULL;
  os = osinfo_db_get_os (the_db, id);
  return os != NULL ? g_object_ref (os) : NULL;
}

/* True when @os (or an OS it derives from) lists a device called @device_name ("virtio-net",
 * "virtio1.0-block", "qemu-x86-q35", ...). The virtio names also match their virtio 1.0 twins. */
gboolean
corral_osinfo_os_supports (OsinfoOs   *os,
                           const char *device_name)
{
  g_autoptr(OsinfoDeviceList) devices = NULL;
  g_autofree char *modern = NULL;

  g_return_val_if_fail (device_name != NULL, FALSE);

  if (os == NULL)
    return FALSE;

  if (g_str_has_prefix (device_name, "virtio-"))
    modern = g_strconcat ("virtio1.0-", device_name + strlen ("virtio-"), NULL);

  devices = osinfo_os_get_all_devices (os, NULL);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (devices)); i++)
    {
      OsinfoDevice *device = OSINFO_DEVICE (osinfo_list_get_nth (OSINFO_LIST (devices), i));
      const char *name = osinfo_device_get_name (device);

      if (g_strcmp0 (name, device_name) == 0 || (modern != NULL && g_strcmp0 (name, modern) == 0))
        return TRUE;
    }
  return FALSE;
}

/* Whether @os is, or derives (through osinfo-db's derives-from) from, the OS with id @id. */
static gboolean
os_is_or_derives_from (OsinfoOs   *os,
                       const char *id,
                       guint       depth)
{
  g_autoptr(OsinfoProductList) parents = NULL;

  if (g_strcmp0 (osinfo_entity_get_id (OSINFO_ENTITY (os)), id) == 0)
    return TRUE;
  if (depth > 8)
    return FALSE;
  parents = osinfo_product_get_related (OSINFO_PRODUCT (os),
                                        OSINFO_PRODUCT_RELATIONSHIP_DERIVES_FROM);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (parents)); i++)
    {
      OsinfoEntity *parent = osinfo_list_get_nth (OSINFO_LIST (parents), i);

      if (OSINFO_IS_OS (parent) && os_is_or_derives_from (OSINFO_OS (parent), id, depth + 1))
        return TRUE;
    }
  return FALSE;
}

void
corral_osinfo_os_get_firmware (OsinfoOs         *os,
                               const char       *arch,
                               CorralOsFirmware *firmware)
{
  g_autoptr(OsinfoFirmwareList) list = NULL;

  g_return_if_fail (firmware != NULL);

  memset (firmware, 0, sizeof *firmware);
  if (os == NULL)
    return;
  if (arch == NULL)
    arch = "x86_64";

  list = osinfo_os_get_complete_firmware_list (os, NULL);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoFirmware *fw = OSINFO_FIRMWARE (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *fw_arch = osinfo_firmware_get_architecture (fw);
      const char *type = osinfo_firmware_get_firmware_type (fw);

      if (fw_arch != NULL && g_strcmp0 (fw_arch, arch) != 0 && g_strcmp0 (fw_arch, "all") != 0)
        continue;
      if (g_strcmp0 (type, "efi") == 0 && osinfo_firmware_is_supported (fw))
        firmware->prefers_uefi = TRUE;
      else if (g_strcmp0 (type, "bios") == 0 && !osinfo_firmware_is_supported (fw))
        firmware->needs_uefi = TRUE;
    }
  /* Microsoft's hardware requirements for Windows 11: UEFI with Secure Boot, TPM 2.0 */
  if (os_is_or_derives_from (os, "http://microsoft.com/win/11", 0))
    {
      firmware->needs_uefi = TRUE;
      firmware->needs_secure_boot = TRUE;
      firmware->needs_tpm = TRUE;
    }
  if (firmware->needs_uefi)
    firmware->prefers_uefi = TRUE;
}

static void
fill_resources (OsinfoResourcesList *list,
                const char          *arch,
                gboolean             minimum,
                CorralOsResources   *out)
{
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoResources *res = OSINFO_RESOURCES (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *res_arch = osinfo_resources_get_architecture (res);
      gint64 ram = osinfo_resources_get_ram (res);
      gint64 storage = osinfo_resources_get_storage (res);
      int cpus = osinfo_resources_get_n_cpus (res);

      if (g_strcmp0 (res_arch, "all") != 0 && g_strcmp0 (res_arch, arch) != 0)
        continue;
      if (minimum)
        {
          if (ram > 0 && out->min_ram == 0)
            out->min_ram = ram;
          continue;
        }
      if (ram > 0 && out->recommended_ram == 0)
        out->recommended_ram = ram;
      if (storage > 0 && out->recommended_storage == 0)
        out->recommended_storage = storage;
      if (cpus > 0 && out->recommended_cpus == 0)
        out->recommended_cpus = cpus;
    }
}

/* Resources for @os on @arch, following derives-from where the OS itself says nothing.
 * Fields osinfo-db does not know stay 0. */
void
corral_osinfo_os_get_resources (OsinfoOs          *os,
                                const char        *arch,
                                CorralOsResources *resources)
{
  g_autoptr(OsinfoOs) current = NULL;

  g_return_if_fail (resources != NULL);

  memset (resources, 0, sizeof *resources);
  current = os != NULL ? g_object_ref (os) : NULL;
  for (int depth = 0; current != NULL && depth < 8; depth++)
    {
      g_autoptr(OsinfoResourcesList) min = osinfo_os_get_minimum_resources (current);
      g_autoptr(OsinfoResourcesList) rec = osinfo_os_get_recommended_resources (current);
      g_autoptr(OsinfoProductList) parents = NULL;

      fill_resources (min, arch, TRUE, resources);
      fill_resources (rec, arch, FALSE, resources);

      parents = osinfo_product_get_related (OSINFO_PRODUCT (current),
                                            OSINFO_PRODUCT_RELATIONSHIP_DERIVES_FROM);
      g_clear_object (&current);
      if (osinfo_list_get_length (OSINFO_LIST (parents)) > 0)
        current = g_object_ref (OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (parents), 0)));
    }
}

/* A guest name from the OS's short id ("debian11"), or "guest". */
char *
corral_osinfo_suggest_name (OsinfoOs *os)
{
  const char *short_id = os != NULL ? osinfo_product_get_short_id (OSINFO_PRODUCT (os)) : NULL;
  GString *name;

  if (short_id == NULL || *short_id == '\0')
    return g_strdup ("guest");

  name = g_string_new (NULL);
  for (const char *p = short_id; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.')
        g_string_append_c (name, g_ascii_tolower (*p));
    }
  if (name->len == 0 || !g_ascii_isalnum (name->str[0]))
    g_string_prepend (name, "guest-");
  return g_string_free (name, FALSE);
}

/* Where an OS's family stands in the manual list: the families most people install first, the generic
 * entries for any other Linux after them, then everything else by name. */
static guint
family_rank (OsinfoProduct *os)
{
  static const char * const first[] = { "debian", "ubuntu", "fedora", "win" };
  const char *distro = osinfo_os_get_distro (OSINFO_OS (os));
  const char *id = osinfo_entity_get_id (OSINFO_ENTITY (os));

  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    if (g_strcmp0 (distro, first[i]) == 0)
      return i;
  if (g_str_has_prefix (id, "http://libosinfo.org/linux/"))
    return G_N_ELEMENTS (first);
  return G_N_ELEMENTS (first) + 1;
}

/* Versions as versions: "12" after "9", "6.0" before "11"; a version that is no number (e.g. "sid")
 * after the numbered ones. Newest first means the caller negates. */
static int
compare_versions (const char *a,
                  const char *b)
{
  gboolean a_num = a != NULL && g_ascii_isdigit (a[0]);
  gboolean b_num = b != NULL && g_ascii_isdigit (b[0]);

  if (!a_num || !b_num)
    return a_num ? 1 : b_num ? -1 : g_strcmp0 (a, b);
  while (*a != '\0' || *b != '\0')
    {
      char *end_a, *end_b;
      guint64 na = g_ascii_strtoull (a, &end_a, 10);
      guint64 nb = g_ascii_strtoull (b, &end_b, 10);

      if (na != nb)
        return na < nb ? -1 : 1;
      if (end_a == a || end_b == b)
        return g_strcmp0 (a, b);
      a = *end_a == '.' ? end_a + 1 : end_a;
      b = *end_b == '.' ? end_b + 1 : end_b;
      if ((*a == '\0') != (*b == '\0'))
        return *a == '\0' ? -1 : 1;
    }
  return 0;
}

static int
compare_os_for_list (gconstpointer a,
                     gconstpointer b)
{
  OsinfoProduct *pa = *(OsinfoProduct **) a;
  OsinfoProduct *pb = *(OsinfoProduct **) b;
  guint ra = family_rank (pa), rb = family_rank (pb);
  int by_version;

  const char *distro_a = osinfo_os_get_distro (OSINFO_OS (pa));
  const char *distro_b = osinfo_os_get_distro (OSINFO_OS (pb));

  if (ra != rb)
    return ra < rb ? -1 : 1;
  /* the rest: one distribution after another, by its name */
  if (g_strcmp0 (distro_a, distro_b) != 0)
    return g_utf8_collate (osinfo_product_get_name (pa), osinfo_product_get_name (pb));
  by_version = compare_versions (osinfo_product_get_version (pa), osinfo_product_get_version (pb));
  if (by_version != 0)
    return -by_version;
  return g_utf8_collate (osinfo_product_get_name (pa), osinfo_product_get_name (pb));
}

/* Every OS in the database with a name, for the manual choice: Debian, Ubuntu, Fedora, Windows and the
 * generic Linux entries first, newest version first within each, then the rest by name. */
GPtrArray *
corral_osinfo_list_os (void)
{
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(OsinfoOsList) list = NULL;
  OsinfoDb *the_db = corral_osinfo_get_db (NULL);

  if (the_db == NULL)
    return result;

  list = osinfo_db_get_os_list (the_db);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoProduct *product = OSINFO_PRODUCT (osinfo_list_get_nth (OSINFO_LIST (list), i));

      if (osinfo_product_get_name (product) != NULL)
        g_ptr_array_add (result, g_object_ref (product));
    }
  g_ptr_array_sort (result, compare_os_for_list);
  return result;
}
