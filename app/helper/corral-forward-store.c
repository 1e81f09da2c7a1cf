/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "corral-firewall.h"
#include "corral-forward-store.h"
#include "corral-forward-store-private.h"
#include "corral-helper-error.h"
#include "corral-helper-validate.h"

#define FORWARDS_FILE       "forwards.conf"
#define ACTIVE_FILE         "active-guests"
#define ACTIVE_HEADER       "# corral-helper active guests, format 1"
#define LOCK_FILE           "lock"
#define HEADER_GROUP        "corral-forwards"
#define FORWARD_GROUP_PREFIX "forward "

CorralForwardRecord *
corral_forward_record_copy (const CorralForwardRecord *forward)
{
  CorralForwardRecord *copy = g_new0 (CorralForwardRecord, 1);

  copy->guest_uuid = g_strdup (forward->guest_uuid);
  copy->protocol = g_strdup (forward->protocol);
  copy->host_address = g_strdup (forward->host_address);
  copy->host_port = forward->host_port;
  copy->guest_address = g_strdup (forward->guest_address);
  copy->guest_port = forward->guest_port;
  copy->network = g_strdup (forward->network);
  copy->mac = g_strdup (forward->mac);
  return copy;
}

void
corral_forward_record_free (CorralForwardRecord *forward)
{
  if (forward == NULL)
    return;
  g_free (forward->guest_uuid);
  g_free (forward->protocol);
  g_free (forward->host_address);
  g_free (forward->guest_address);
  g_free (forward->network);
  g_free (forward->mac);
  g_free (forward);
}

/* Two forwards clash when they take the same protocol and port on a common
 * host address ("" is every address). */
gboolean
corral_forward_record_same_host_port (const CorralForwardRecord *a,
                                      const char                *protocol,
                                      const char                *host_address,
                                      guint                      host_port)
{
  return g_str_equal (a->protocol, protocol) && a->host_port == host_port &&
         (a->host_address[0] == '\0' || host_address[0] == '\0' ||
          g_str_equal (a->host_address, host_address));
}

const char *
corral_helper_state_dir (void)
{
  const char *dir = g_getenv ("CORRAL_HELPER_STATE_DIR");

  return dir != NULL && g_path_is_absolute (dir) ? dir : "/var/lib/corral";
}

const char *
corral_helper_runtime_dir (void)
{
  const char *dir = g_getenv ("CORRAL_HELPER_RUNTIME_DIR");

  return dir != NULL && g_path_is_absolute (dir) ? dir : "/run/corral";
}

static gboolean
ensure_dir (const char  *dir,
            GError     **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int errsv = errno;

      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "Could not create %s: %s", dir, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_atomically (const char  *dir,
                  const char  *name,
                  const char  *contents,
                  GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) local_error = NULL;

  if (!ensure_dir (dir, error))
    return FALSE;

  /* Temp file, fsync, rename: a crash leaves the old file or the new one. */
  if (!g_file_set_contents_full (path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local_error))
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "Could not write %s: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
corrupt (GError     **error,
         const char  *path,
         const char  *why)
{
  g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_CORRUPT_STATE,
               "The state file %s is corrupt (%s); it was left as it is: "
               "repair or remove it", path, why);
  return FALSE;
}

static CorralForwardRecord *
forward_from_group (GKeyFile    *kf,
                    const char  *group,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(CorralForwardRecord) forward = g_new0 (CorralForwardRecord, 1);
  g_autoptr(GError) local_error = NULL;
  const char *keys[] = { "guest", "protocol", "host-address", "guest-address", "network", "mac" };
  char **fields[] = { &forward->guest_uuid, &forward->protocol, &forward->host_address,
                      &forward->guest_address, &forward->network, &forward->mac };
  gint64 host_port, guest_port;
  g_autofree char *why = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      /* GLib may return the value and set an error (a bad escape sequence): both mean corrupt */
      *fields[i] = g_key_file_get_string (kf, group, keys[i], &local_error);
      if (*fields[i] == NULL || local_error != NULL)
        {
          why = g_strdup_printf ("[%s]: %s", group, local_error->message);
          corrupt (error, path, why);
          return NULL;
        }
    }

  host_port = g_key_file_get_int64 (kf, group, "host-port", NULL);
  guest_port = g_key_file_get_int64 (kf, group, "guest-port", NULL);

  if (!corral_validate_uuid (forward->guest_uuid, &local_error) ||
      !corral_validate_protocol (forward->protocol, &local_error) ||
      !corral_validate_host_address (forward->host_address, &local_error) ||
      !corral_validate_port (host_port, "Host port", &local_error) ||
      !corral_validate_port (guest_port, "Guest port", &local_error))
    {
      why = g_strdup_printf ("[%s]: %s", group, local_error->message);
      corrupt (error, path, why);
      return NULL;
    }

  if (!corral_parse_ipv4 (forward->guest_address, NULL))
    {
      why = g_strdup_printf ("[%s]: bad guest-address", group);
      corrupt (error, path, why);
      return NULL;
    }

  forward->host_port = (guint16) host_port;
  forward->guest_port = (guint16) guest_port;
  return g_steal_pointer (&forward);
}

GPtrArray *
_corral_forward_store_parse (const char  *data,
                             gsize        length,
                             const char  *path,
                             GError     **error)
{
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  gint64 version;

  forwards = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_forward_record_free);
  if (!g_key_file_load_from_data (kf, data, length, G_KEY_FILE_NONE, &local_error))
    {
      corrupt (error, path, local_error->message);
      return NULL;
    }

  version = g_key_file_get_int64 (kf, HEADER_GROUP, "version", &local_error);
  if (local_error != NULL)
    {
      corrupt (error, path, "no format version");
      return NULL;
    }
  if (version != CORRAL_FORWARD_STORE_FORMAT_VERSION)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_CORRUPT_STATE,
                   "The state file %s has format version %" G_GINT64_FORMAT
                   ", this helper reads version %d; it was left as it is",
                   path, version, CORRAL_FORWARD_STORE_FORMAT_VERSION);
      return NULL;
    }

  groups = g_key_file_get_groups (kf, NULL);
  for (gsize i = 0; groups[i] != NULL; i++)
    {
      CorralForwardRecord *forward;

      if (g_str_equal (groups[i], HEADER_GROUP))
        continue;
      if (!g_str_has_prefix (groups[i], FORWARD_GROUP_PREFIX))
        {
          g_autofree char *why = g_strdup_printf ("unknown section [%s]", groups[i]);

          corrupt (error, path, why);
          return NULL;
        }

      forward = forward_from_group (kf, groups[i], path, error);
      if (forward == NULL)
        return NULL;
      g_ptr_array_add (forwards, forward);
    }

  return g_steal_pointer (&forwards);
}

GPtrArray *
corral_forward_store_load (GError **error)
{
  g_autofree char *path = g_build_filename (corral_helper_state_dir (), FORWARDS_FILE, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_ptr_array_new_with_free_func ((GDestroyNotify) corral_forward_record_free);
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "Could not read %s: %s", path, local_error->message);
      return NULL;
    }
  return _corral_forward_store_parse (contents, length, path, error);
}

static gboolean
forwards_save (GPtrArray  *forwards,
               GError    **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *data = NULL;

  g_key_file_set_comment (kf, NULL, NULL,
                          " Port forwards of corral-helper. Written by the helper; do not edit.",
                          NULL);
  g_key_file_set_integer (kf, HEADER_GROUP, "version", CORRAL_FORWARD_STORE_FORMAT_VERSION);

  for (guint i = 0; i < forwards->len; i++)
    {
      const CorralForwardRecord *f = g_ptr_array_index (forwards, i);
      g_autofree char *group = g_strdup_printf (FORWARD_GROUP_PREFIX "%s %s:%u", f->protocol,
                                                f->host_address[0] ? f->host_address : "*",
                                                f->host_port);

      g_key_file_set_string (kf, group, "guest", f->guest_uuid);
      g_key_file_set_string (kf, group, "protocol", f->protocol);
      g_key_file_set_string (kf, group, "host-address", f->host_address);
      g_key_file_set_integer (kf, group, "host-port", f->host_port);
      g_key_file_set_string (kf, group, "guest-address", f->guest_address);
      g_key_file_set_integer (kf, group, "guest-port", f->guest_port);
      g_key_file_set_string (kf, group, "network", f->network);
      g_key_file_set_string (kf, group, "mac", f->mac);
    }

  data = g_key_file_to_data (kf, NULL, NULL);
  return write_atomically (corral_helper_state_dir (), FORWARDS_FILE, data, error);
}

GHashTable *
_corral_forward_store_parse_active_guests (const char  *contents,
                                           const char  *path,
                                           GError     **error)
{
  g_autoptr(GHashTable) active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = NULL;

  lines = g_strsplit (contents, "\n", -1);
  if (lines[0] == NULL || !g_str_equal (lines[0], ACTIVE_HEADER))
    {
      corrupt (error, path, "unknown format");
      return NULL;
    }

  for (gsize i = 1; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      if (!corral_validate_uuid (lines[i], NULL))
        {
          corrupt (error, path, "a line is not a UUID");
          return NULL;
        }
      g_hash_table_add (active, g_ascii_strdown (lines[i], -1));
    }

  return g_steal_pointer (&active);
}

GHashTable *
corral_forward_store_load_active_guests (GError **error)
{
  g_autofree char *path = g_build_filename (corral_helper_runtime_dir (), ACTIVE_FILE, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "Could not read %s: %s", path, local_error->message);
      return NULL;
    }
  return _corral_forward_store_parse_active_guests (contents, path, error);
}

static gboolean
active_guests_save (GHashTable  *active,
                    GError     **error)
{
  g_autoptr(GString) s = g_string_new (ACTIVE_HEADER "\n");
  g_autofree const char **uuids = (const char **) g_hash_table_get_keys_as_array (active, NULL);

  for (gsize i = 0; uuids[i] != NULL; i++)
    g_string_append_printf (s, "%s\n", uuids[i]);

  return write_atomically (corral_helper_runtime_dir (), ACTIVE_FILE, s->str, error);
}

static int
lock_state (guint    timeout_ms,
            GError **error)
{
  g_autofree char *path = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  int fd;

  if (!ensure_dir (corral_helper_runtime_dir (), error))
    return -1;

  path = g_build_filename (corral_helper_runtime_dir (), LOCK_FILE, NULL);
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "Could not open %s: %s", path, g_strerror (errsv));
      return -1;
    }

  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      if ((errno != EWOULDBLOCK && errno != EINTR) || g_get_monotonic_time () > deadline)
        {
          g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                       "Timed out waiting for %s", path);
          close (fd);
          return -1;
        }
      g_usleep (20 * 1000);
    }

  return fd;
}

static gboolean
apply_active (GPtrArray   *forwards,
              GHashTable  *active,
              GError     **error)
{
  g_autoptr(GPtrArray) wanted = g_ptr_array_new ();

  for (guint i = 0; i < forwards->len; i++)
    {
      CorralForwardRecord *f = g_ptr_array_index (forwards, i);

      if (g_hash_table_contains (active, f->guest_uuid))
        g_ptr_array_add (wanted, f);
    }

  return corral_firewall_apply (wanted, error);
}

static gpointer
forward_copy_func (gconstpointer src,
                   gpointer      data)
{
  return corral_forward_record_copy (src);
}

static void
add_copy_cb (gpointer key,
             gpointer value,
             gpointer user_data)
{
  g_hash_table_add (user_data, g_strdup (key));
}

gboolean
corral_forward_store_transact (guint                    lock_timeout_ms,
                               CorralForwardStoreEdit   edit,
                               gpointer                 user_data,
                               GError                 **error)
{
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(GPtrArray) old_forwards = NULL;
  g_autoptr(GHashTable) active = NULL;
  g_autoptr(GHashTable) old_active = NULL;
  g_autoptr(GError) apply_error = NULL;
  gboolean changed = (edit == NULL);
  gboolean ok = FALSE;
  int fd;

  fd = lock_state (lock_timeout_ms, error);
  if (fd < 0)
    return FALSE;

  forwards = corral_forward_store_load (error);
  if (forwards == NULL)
    goto out;
  active = corral_forward_store_load_active_guests (error);
  if (active == NULL)
    goto out;

  if (edit != NULL)
    {
      /* What to put back if the new rules cannot be applied. */
      old_forwards = g_ptr_array_copy (forwards, (GCopyFunc) forward_copy_func, NULL);
      g_ptr_array_set_free_func (old_forwards, (GDestroyNotify) corral_forward_record_free);
      old_active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_foreach (active, add_copy_cb, old_active);

      if (!edit (forwards, active, &changed, user_data, error))
        goto out;
      if (!changed)
        {
          ok = TRUE;
          goto out;
        }

      if (!forwards_save (forwards, error) || !active_guests_save (active, error))
        goto out;
    }

  if (!apply_active (forwards, active, &apply_error))
    {
      /* Put the state that matched the rules back, and its rules. */
      if (old_forwards != NULL)
        {
          g_autoptr(GError) restore_error = NULL;

          if (!forwards_save (old_forwards, &restore_error) ||
              !active_guests_save (old_active, &restore_error) ||
              !apply_active (old_forwards, old_active, &restore_error))
            {
              char *message = g_strdup_printf ("%s (restoring the previous rules failed too: %s)",
                                               apply_error->message, restore_error->message);

              g_free (apply_error->message);
              apply_error->message = message;
            }
        }
      g_propagate_error (error, g_steal_pointer (&apply_error));
      goto out;
    }

  ok = TRUE;

out:
  flock (fd, LOCK_UN);
  close (fd);
  return ok;
}
