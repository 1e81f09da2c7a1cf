/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-spec-access"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "corral-error.h"
#include "corral-guest-spec-access.h"

/* The kernel's POSIX ACL xattr format (linux/posix_acl_xattr.h): a version, then sorted entries. */
#define ACL_XATTR "system.posix_acl_access"
#define ACL_VERSION 0x0002
#define ACL_UNDEFINED_ID ((guint32) -1)

enum {
  TAG_USER_OBJ = 0x01,
  TAG_USER = 0x02,
  TAG_GROUP_OBJ = 0x04,
  TAG_GROUP = 0x08,
  TAG_MASK = 0x10,
  TAG_OTHER = 0x20,
};

typedef struct
{
  guint16 tag;
  guint16 perm;
  guint32 id;
} AclEntry;

typedef struct
{
  uid_t  uid;
  gid_t *gids;
  int    n_gids;
} Who;

/* The file's ACL, or one equivalent to its mode bits when it has none. */
static GArray *
read_acl (const char        *path,
          const struct stat *st)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (AclEntry));
  guint8 buf[4 + 8 * 64];
  ssize_t len = getxattr (path, ACL_XATTR, buf, sizeof buf);

  if (len >= 4 && GUINT32_FROM_LE (*(guint32 *) buf) == ACL_VERSION && (len - 4) % 8 == 0)
    {
      for (ssize_t off = 4; off < len; off += 8)
        {
          AclEntry e;

          memcpy (&e.tag, buf + off, 2);
          memcpy (&e.perm, buf + off + 2, 2);
          memcpy (&e.id, buf + off + 4, 4);
          e.tag = GUINT16_FROM_LE (e.tag);
          e.perm = GUINT16_FROM_LE (e.perm);
          e.id = GUINT32_FROM_LE (e.id);
          g_array_append_val (entries, e);
        }
      return entries;
    }

  {
    AclEntry base[] = {
      { TAG_USER_OBJ, (st->st_mode >> 6) & 7, ACL_UNDEFINED_ID },
      { TAG_GROUP_OBJ, (st->st_mode >> 3) & 7, ACL_UNDEFINED_ID },
      { TAG_OTHER, st->st_mode & 7, ACL_UNDEFINED_ID },
    };

    g_array_append_vals (entries, base, G_N_ELEMENTS (base));
  }
  return entries;
}

static gboolean
in_groups (const Who *who,
           gid_t      gid)
{
  for (int i = 0; i < who->n_gids; i++)
    if (who->gids[i] == gid)
      return TRUE;
  return FALSE;
}

/* POSIX.1e's access check for @who wanting @want (4 read, 1 search). */
static gboolean
may (const char        *path,
     const struct stat *st,
     const Who         *who,
     guint16            want)
{
  g_autoptr(GArray) acl = read_acl (path, st);
  guint16 mask = 7, other = 0;
  gboolean group_matched = FALSE, group_allows = FALSE;

  if (who->uid == 0)
    return TRUE;
  for (guint i = 0; i < acl->len; i++)
    {
      AclEntry *e = &g_array_index (acl, AclEntry, i);

      if (e->tag == TAG_MASK)
        mask = e->perm;
      else if (e->tag == TAG_OTHER)
        other = e->perm;
    }
  if (who->uid == st->st_uid)
    return (((st->st_mode >> 6) & want) == want);
  for (guint i = 0; i < acl->len; i++)
    {
      AclEntry *e = &g_array_index (acl, AclEntry, i);

      if (e->tag == TAG_USER && e->id == who->uid)
        return ((e->perm & mask & want) == want);
    }
  for (guint i = 0; i < acl->len; i++)
    {
      AclEntry *e = &g_array_index (acl, AclEntry, i);

      if ((e->tag == TAG_GROUP_OBJ && in_groups (who, st->st_gid))
          || (e->tag == TAG_GROUP && in_groups (who, e->id)))
        {
          group_matched = TRUE;
          group_allows = group_allows || (e->perm & mask & want) == want;
        }
    }
  if (group_matched)
    return group_allows;
  return ((other & want) == want);
}

/* getpwnam_r: the checks run in worker threads, several at once */
static gboolean
lookup_ids (const char  *user,
            uid_t       *uid,
            gid_t       *gid,
            GError     **error)
{
  struct passwd pwd, *pw = NULL;
  char buf[4096];

  if (getpwnam_r (user, &pwd, buf, sizeof buf, &pw) != 0 || pw == NULL)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                   _("There is no user “%s” on this computer: is libvirt-daemon-system "
                     "installed?"), user);
      return FALSE;
    }
  *uid = pw->pw_uid;
  *gid = pw->pw_gid;
  return TRUE;
}

static gboolean
lookup_user (const char  *user,
             Who         *who,
             GError     **error)
{
  gid_t gid;
  int n = 64;

  if (!lookup_ids (user, &who->uid, &gid, error))
    return FALSE;
  who->gids = g_new (gid_t, n);
  if (getgrouplist (user, gid, who->gids, &n) < 0)
    {
      who->gids = g_renew (gid_t, who->gids, n);
      getgrouplist (user, gid, who->gids, &n);
    }
  who->n_gids = n;
  return TRUE;
}

/* The directories @user cannot search and, last, the file itself when it cannot read it: everything
 * that stands between QEMU and @path. Empty when it can read it. */
GPtrArray *
corral_guest_spec_access_blockers (const char  *path,
                                   const char  *user,
                                   GError     **error)
{
  g_autoptr(GPtrArray) blockers = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) current = g_string_new ("");
  Who who = { 0 };
  struct stat st;

  g_return_val_if_fail (path != NULL && g_path_is_absolute (path), NULL);
  g_return_val_if_fail (user != NULL, NULL);

  if (!lookup_user (user, &who, error))
    return NULL;

  dir = g_path_get_dirname (path);
  parts = g_strsplit (dir, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0' && i > 0)
        continue;
      if (current->len == 0 || current->str[current->len - 1] != '/')
        g_string_append_c (current, '/');
      g_string_append (current, parts[i]);
      if (stat (current->str, &st) != 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot examine “%s”: %s"),
                       current->str, g_strerror (saved));
          g_free (who.gids);
          return NULL;
        }
      if (!may (current->str, &st, &who, 1))
        g_ptr_array_add (blockers, g_strdup (current->str));
    }
  if (stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot examine “%s”: %s"),
                   path,
                   g_strerror (saved));
      g_free (who.gids);
      return NULL;
    }
  if (!may (path, &st, &who, 4))
    g_ptr_array_add (blockers, g_strdup (path));

  g_free (who.gids);
  return g_steal_pointer (&blockers);
}

/* What the wizard tells the user when there are blockers. */
char *
corral_guest_spec_access_describe (const char *path,
                                   const char *user,
                                   GPtrArray  *blockers)
{
  const char *first;

  g_return_val_if_fail (blockers != NULL && blockers->len > 0, NULL);

  first = g_ptr_array_index (blockers, 0);
  if (g_str_equal (first, path))
    return g_strdup_printf (_("Guests run as the user “%s”, who may not read this file. Allow "
                              "Access gives "
                              "that user read access to it alone (an ACL, as “setfacl -m "
                              "u:%s:r”), or copy "
                              "the ISO into a storage pool such as /var/lib/libvirt/images."),
                            user, user);
  return g_strdup_printf (_("Guests run as the user “%s”, who may not open the folder “%s”. Allow "
                            "Access lets "
                            "that user through the folders on the way to this file and read it, "
                            "and nothing "
                            "else (ACLs, as “setfacl -m u:%s:x”), or copy the ISO into a storage "
                            "pool such "
                            "as /var/lib/libvirt/images."),
                          user, first, user);
}

/* Adds @perm for @uid to @path's ACL, keeping every other entry and widening the mask to match. */
static gboolean
add_acl_entry (const char  *path,
               uid_t        uid,
               guint16      perm,
               GError     **error)
{
  struct stat st;
  g_autoptr(GArray) acl = NULL;
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  gboolean found = FALSE, has_mask = FALSE;
  guint16 group_class = 0;
  guint32 version = GUINT32_TO_LE (ACL_VERSION);

  if (stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  acl = read_acl (path, &st);
  for (guint i = 0; i < acl->len; i++)
    {
      AclEntry *e = &g_array_index (acl, AclEntry, i);

      if (e->tag == TAG_USER && e->id == uid)
        {
          e->perm |= perm;
          found = TRUE;
        }
    }
  if (!found)
    {
      AclEntry e = { TAG_USER, perm, uid };
      guint pos = 0;

      /* sorted by tag, then id */
      while (pos < acl->len
             && (g_array_index (acl, AclEntry, pos).tag < TAG_USER
                 || (g_array_index (acl, AclEntry, pos).tag == TAG_USER
                     && g_array_index (acl, AclEntry, pos).id < uid)))
        pos++;
      g_array_insert_val (acl, pos, e);
    }
  for (guint i = 0; i < acl->len; i++)
    {
      AclEntry *e = &g_array_index (acl, AclEntry, i);

      if (e->tag == TAG_USER || e->tag == TAG_GROUP_OBJ || e->tag == TAG_GROUP)
        group_class |= e->perm;
      has_mask = has_mask || e->tag == TAG_MASK;
    }
  for (guint i = 0; i < acl->len; i++)
    if (g_array_index (acl, AclEntry, i).tag == TAG_MASK)
      g_array_index (acl, AclEntry, i).perm |= group_class;
  if (!has_mask)
    {
      AclEntry e = { TAG_MASK, group_class, ACL_UNDEFINED_ID };
      guint pos = 0;

      while (pos < acl->len && g_array_index (acl, AclEntry, pos).tag < TAG_MASK)
        pos++;
      g_array_insert_val (acl, pos, e);
    }

  g_byte_array_append (buf, (guint8 *) &version, 4);
  for (guint i = 0; i < acl->len; i++)
    {
      AclEntry *e = &g_array_index (acl, AclEntry, i);
      guint16 tag = GUINT16_TO_LE (e->tag), p = GUINT16_TO_LE (e->perm);
      guint32 id = GUINT32_TO_LE (e->id);

      g_byte_array_append (buf, (guint8 *) &tag, 2);
      g_byte_array_append (buf, (guint8 *) &p, 2);
      g_byte_array_append (buf, (guint8 *) &id, 4);
    }
  if (setxattr (path, ACL_XATTR, buf->data, buf->len, 0) != 0)
    {
      int saved = errno;

      if (saved == EPERM || saved == EACCES)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     _("You may not change who can open “%s”: ask an administrator to run "
                       "“setfacl -m u:%s:%s "
                       "%s”, or copy the ISO into a storage pool"),
                     path, CORRAL_QEMU_USER, perm == 4 ? "r" : "x", path);
      else if (saved == EOPNOTSUPP)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("The file system of “%s” has no ACLs: copy the ISO into a storage pool "
                       "such as "
                       "/var/lib/libvirt/images"), path);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                     g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Gives @user exactly what it lacks to read @path: search on each blocking directory, read on the
 * file. */
gboolean
corral_guest_spec_access_grant (const char  *path,
                                const char  *user,
                                GError     **error)
{
  g_autoptr(GPtrArray) blockers = corral_guest_spec_access_blockers (path, user, error);
  uid_t uid;
  gid_t gid;

  if (blockers == NULL || !lookup_ids (user, &uid, &gid, error))
    return FALSE;
  for (guint i = 0; i < blockers->len; i++)
    {
      const char *blocker = g_ptr_array_index (blockers, i);

      if (!add_acl_entry (blocker, uid, g_str_equal (blocker, path) ? 4 : 1, error))
        return FALSE;
    }
  return TRUE;
}

/* --- the same in a worker thread: they stat every folder on the way and read ACLs --- */

typedef struct
{
  char *path;
  char *user;
} AccessData;

static void
access_data_free (AccessData *data)
{
  g_free (data->path);
  g_free (data->user);
  g_free (data);
}

static void
run_access_task (const char          *path,
                 const char          *user,
                 gpointer             source_tag,
                 GTaskThreadFunc      thread,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccessData *data;

  g_return_if_fail (path != NULL && g_path_is_absolute (path));
  g_return_if_fail (user != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  data = g_new0 (AccessData, 1);
  data->path = g_strdup (path);
  data->user = g_strdup (user);
  g_task_set_task_data (task, data, (GDestroyNotify) access_data_free);
  g_task_run_in_thread (task, thread);
}

static gpointer
access_task_propagate (GAsyncResult  *result,
                       gpointer       source_tag,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
blockers_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AccessData *data = task_data;
  GError *error = NULL;
  GPtrArray *blockers = corral_guest_spec_access_blockers (data->path, data->user, &error);

  if (blockers == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, blockers, (GDestroyNotify) g_ptr_array_unref);
}

void
corral_guest_spec_access_blockers_async (const char          *path,
                                         const char          *user,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  run_access_task (path, user, corral_guest_spec_access_blockers_async, blockers_thread,
                   cancellable, callback, user_data);
}

/* The blockers (see corral_guest_spec_access_blockers), or NULL with @error set; a cancelled check
 * returns G_IO_ERROR_CANCELLED whatever it found. */
GPtrArray *
corral_guest_spec_access_blockers_finish (GAsyncResult  *result,
                                          GError       **error)
{
  return access_task_propagate (result, corral_guest_spec_access_blockers_async, error);
}

static void
grant_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  AccessData *data = task_data;
  GError *error = NULL;

  if (!corral_guest_spec_access_grant (data->path, data->user, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, GINT_TO_POINTER (TRUE), NULL);
}

void
corral_guest_spec_access_grant_async (const char          *path,
                                      const char          *user,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  run_access_task (path, user, corral_guest_spec_access_grant_async, grant_thread, cancellable,
                   callback, user_data);
}

gboolean
corral_guest_spec_access_grant_finish (GAsyncResult  *result,
                                       GError       **error)
{
  return access_task_propagate (result, corral_guest_spec_access_grant_async, error) != NULL;
}

const char *
corral_disk_image_format (const char *path,
                          gboolean   *is_block)
{
  struct stat st;
  char magic[4] = { 0 };
  int fd;

  g_return_val_if_fail (path != NULL && is_block != NULL, "raw");

  *is_block = stat (path, &st) == 0 && S_ISBLK (st.st_mode);
  if (*is_block)
    return "raw";
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return "raw";
  if (read (fd, magic, sizeof magic) != sizeof magic)
    magic[0] = 0;
  close (fd);
  return memcmp (magic, "QFI\xfb", 4) == 0 ? "qcow2" : "raw";
}
