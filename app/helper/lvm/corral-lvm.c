/* SPDX-License-Identifier: GPL-3.0-or-later */
/* corral-lvm.c: the helper's LVM volumes
 *
 * Why the lvm2 command-line tools and not a library: lvm2's own CLI is the interface
 * Debian 12 supports best (liblvm2app is gone; lvm2's D-Bus service is a Python daemon
 * that is not installed by default), and libblockdev would add a dependency plus its
 * plugin layer for four calls.  The report commands print JSON (`--reportformat json
 * --units b --nosuffix`), so nothing here depends on column layout or on the locale.
 *
 * Every command is spawned with an argv (never a shell) as `lvm COMMAND ...`, with
 * LC_ALL=C, stdin from /dev/null, stdout and stderr captured, and a timeout (through
 * corral_process_run(), ../process/corral-process.h); a failing command becomes a
 * GError whose message says what failed, followed by LVM's own error lines from stderr.
 *
 * The helper trusts no caller: names are checked against lvm(8)'s rules before any
 * command runs, sizes are checked against a fresh `vgs`, and removal first checks (and
 * then makes lvremove itself check, with --select) that the volume carries Corral's tag.
 *
 * Sizes: a size must be a multiple of 512 (LVM refuses anything else); it is then
 * rounded up to whole extents, as lvcreate itself would round it, and the rounded size
 * is what must fit in the free space and what is asked of lvcreate, so that the check
 * and the allocation agree.  The caller sees the allocated size in the result.
 */

#define G_LOG_DOMAIN "corral-lvm"

#include "config.h"

#include <string.h>

#include "corral-lvm-private.h"
#include "corral-process.h"

/* Seconds one LVM command may take.  LVM waits for its locks; a command still running
 * after this long is killed and the call fails. */
#define LVM_TIMEOUT_SECONDS 120

static guint lvm_timeout_seconds = LVM_TIMEOUT_SECONDS;

/* Test/debug hook, see corral-lvm.h. */
#define LVM_CONFIG_ENV "CORRAL_LVM_CONFIG"

void
corral_volume_group_free (CorralVolumeGroup *vg)
{
  if (vg == NULL)
    return;

  g_free (vg->name);
  g_free (vg);
}

void
corral_logical_volume_free (CorralLogicalVolume *lv)
{
  if (lv == NULL)
    return;

  g_free (lv->vg);
  g_free (lv->name);
  g_free (lv->path);
  g_free (lv);
}

/* --- names and sizes --- */

/* A name for a message: escaped so that any bytes a caller sent come out as printable
 * ASCII, and shortened. */
static char *
quote_name (const char *name)
{
  g_autofree char *escaped = g_strescape (name, NULL);

  if (strlen (escaped) > 64)
    return g_strdup_printf ("“%.60s…”", escaped);

  return g_strdup_printf ("“%s”", escaped);
}

gboolean
_corral_lvm_check_name (const char  *name,
                        const char  *what,
                        gboolean     is_lv,
                        GError     **error)
{
  /* lvm(8) "VALID NAMES" in lvm2 2.03.16, plus the reserved parts newer lvm2 adds
   * ("_cpool", "_cvol", "_imeta"): being stricter than LVM is harmless here. */
  static const char * const reserved_prefixes[] = { "snapshot", "pvmove" };
  static const char * const reserved_parts[] = {
    "_cdata", "_cmeta", "_corig", "_cpool", "_cvol", "_imeta", "_iorig", "_mimage",
    "_mlog", "_pmspare", "_rimage", "_rmeta", "_tdata", "_tmeta", "_vdata", "_vorigin",
    "_wcorig",
  };
  g_autofree char *quoted = NULL;
  gsize len;

  if (what == NULL)
    what = "LVM";

  if (name == NULL || *name == '\0')
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "The %s name is empty", what);
      return FALSE;
    }

  quoted = quote_name (name);
  len = strlen (name);

  if (len > CORRAL_LVM_NAME_MAX)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "The %s name %s is %" G_GSIZE_FORMAT " characters long; LVM allows "
                   "at most %d", what, quoted, len, CORRAL_LVM_NAME_MAX);
      return FALSE;
    }

  for (gsize i = 0; i < len; i++)
    {
      char c = name[i];

      if (!g_ascii_isalnum (c) && c != '+' && c != '_' && c != '.' && c != '-')
        {
          g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                       "The %s name %s is not allowed: LVM names may contain only "
                       "a–z, A–Z, 0–9 and + _ . -", what, quoted);
          return FALSE;
        }
    }

  if (name[0] == '-')
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "The %s name %s is not allowed: LVM names cannot begin with “-”",
                   what, quoted);
      return FALSE;
    }

  if (strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "The %s name %s is not allowed", what, quoted);
      return FALSE;
    }

  if (!is_lv)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (reserved_prefixes); i++)
    if (g_str_has_prefix (name, reserved_prefixes[i]))
      {
        g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                     "The %s name %s is not allowed: LVM reserves names starting "
                     "with “%s”", what, quoted, reserved_prefixes[i]);
        return FALSE;
      }

  for (guint i = 0; i < G_N_ELEMENTS (reserved_parts); i++)
    if (strstr (name, reserved_parts[i]) != NULL)
      {
        g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                     "The %s name %s is not allowed: LVM reserves names containing "
                     "“%s”", what, quoted, reserved_parts[i]);
        return FALSE;
      }

  return TRUE;
}

gboolean
corral_lvm_validate_name (const char  *name,
                          const char  *what,
                          GError     **error)
{
  /* lvm(8) reserves its words in LV names only: a group may be called "snapshots". */
  gboolean is_vg = what != NULL && strcmp (what, "volume group") == 0;

  return _corral_lvm_check_name (name, what, !is_vg, error);
}

/* The device-mapper name of VG/LV ("VG-LV", each '-' doubled) must fit in
 * DM_NAME_LEN (128 with its NUL), and LVM wants room for its suffixes too. */
gboolean
_corral_lvm_check_full_name (const char  *vg,
                             const char  *name,
                             GError     **error)
{
  gsize len = strlen (vg) + strlen (name);
  gsize dm_len = len + 1;

  for (const char *p = vg; *p; p++)
    dm_len += (*p == '-');
  for (const char *p = name; *p; p++)
    dm_len += (*p == '-');

  if (len > CORRAL_LVM_VG_LV_MAX || dm_len > 127)
    {
      g_autofree char *quoted = quote_name (name);

      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "The logical volume name %s is too long for the volume group "
                   "“%s”: together they may have at most %d characters, each “-” "
                   "counting twice", quoted, vg, CORRAL_LVM_VG_LV_MAX);
      return FALSE;
    }

  return TRUE;
}

gboolean
_corral_lvm_round_size (guint64   size_bytes,
                        guint64   extent_size,
                        guint64  *rounded,
                        GError  **error)
{
  guint64 extents;

  if (size_bytes == 0)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "The size of a volume must be above 0 bytes");
      return FALSE;
    }

  if (size_bytes % 512 != 0)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "The size %" G_GUINT64_FORMAT " bytes is not a multiple of 512 bytes",
                   size_bytes);
      return FALSE;
    }

  if (extent_size == 0 || extent_size % 512 != 0)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "LVM reports an extent size of %" G_GUINT64_FORMAT " bytes",
                   extent_size);
      return FALSE;
    }

  extents = size_bytes / extent_size + (size_bytes % extent_size != 0);
  if (extents > G_MAXUINT64 / extent_size)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NO_SPACE,
                   "The size %" G_GUINT64_FORMAT " bytes is larger than any volume "
                   "group", size_bytes);
      return FALSE;
    }

  *rounded = extents * extent_size;
  return TRUE;
}

/* --- running LVM --- */

void
_corral_lvm_set_timeout (guint seconds)
{
  g_return_if_fail (seconds > 0);

  g_atomic_int_set (&lvm_timeout_seconds, seconds);
}

static const char *
find_lvm (void)
{
  static const char *lvm_path;

  if (g_once_init_enter (&lvm_path))
    {
      /* Fixed places first: a root service should not pick a program up from
       * whatever PATH it was started with. */
      static const char * const candidates[] = { "/usr/sbin/lvm", "/sbin/lvm" };
      const char *found = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (candidates) && found == NULL; i++)
        if (g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE))
          found = candidates[i];

      if (found == NULL)
        {
          char *in_path = g_find_program_in_path ("lvm");

          /* An empty string records "not found" (g_once wants non-NULL). */
          found = in_path ? g_intern_string (in_path) : "";
          g_free (in_path);
        }

      g_once_init_leave (&lvm_path, found);
    }

  return *lvm_path ? lvm_path : NULL;
}

/* Runs `lvm COMMAND [--config $CORRAL_LVM_CONFIG] ARGS...`.  Returns TRUE when it
 * exits with 0, with its stdout in @out_stdout.  When LVM ran and failed, the error is
 * CORRAL_HELPER_ERROR_FAILED with LVM's error lines, which are also put into
 * @out_stderr_summary (if not NULL) for the caller to classify. */
static gboolean
run_lvm (const char          *command,
         const char * const  *args,
         char               **out_stdout,
         char               **out_stderr_summary,
         GCancellable        *cancellable,
         GError             **error)
{
  /* LVM warns about every descriptor it inherits beyond 0-2; GSubprocess closes them
   * anyway. */
  static const char * const env[] = { "LC_ALL=C", "LVM_SUPPRESS_FD_WARNINGS=1", NULL };
  g_auto(CorralProcessResult) result = { 0 };
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *err_text = NULL;
  guint timeout = g_atomic_int_get (&lvm_timeout_seconds);
  const char *config;
  const char *lvm;
  gboolean ok = FALSE;

  if (out_stdout)
    *out_stdout = NULL;
  if (out_stderr_summary)
    *out_stderr_summary = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (!(lvm = find_lvm ()))
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "LVM is not installed (no “lvm” program; Debian's package is lvm2)");
      return FALSE;
    }

  argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) lvm);
  g_ptr_array_add (argv, (char *) command);
  /* Only when set: a test or debug hook, never needed for real use. */
  if ((config = g_getenv (LVM_CONFIG_ENV)) != NULL)
    {
      g_ptr_array_add (argv, (char *) "--config");
      g_ptr_array_add (argv, (char *) config);
    }
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_debug ("Running %s %s", lvm, command);

  /* stdin is /dev/null.  The timeout or @cancellable kill LVM and wait for it: it is
   * never left running behind us. */
  switch (corral_process_run ((const char * const *) argv->pdata, env, NULL, timeout,
                              cancellable, &result, &local_error))
    {
    case CORRAL_PROCESS_EXITED:
      break;
    case CORRAL_PROCESS_SPAWN_FAILED:
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Could not run LVM's %s: ", command);
      return FALSE;
    case CORRAL_PROCESS_TIMED_OUT:
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "LVM's %s did not finish within %u seconds and was stopped",
                   command, timeout);
      return FALSE;
    case CORRAL_PROCESS_CANCELLED:
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    case CORRAL_PROCESS_IO_FAILED:
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Could not read from LVM's %s: ", command);
      return FALSE;
    }

  err_text = g_strndup (g_bytes_get_data (result.err, NULL), g_bytes_get_size (result.err));
  summary = _corral_lvm_summarize_stderr (err_text);

  if (!result.exited)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "LVM's %s was killed by signal %d", command, result.term_sig);
      goto out;
    }

  if (result.exit_status != 0)
    {
      if (summary)
        g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                     "%s", summary);
      else
        g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                     "LVM's %s failed with exit status %d and no message", command,
                     result.exit_status);
      goto out;
    }

  if (out_stdout)
    {
      gsize len = g_bytes_get_size (result.out);

      stdout_text = len > 0 ? g_strndup (g_bytes_get_data (result.out, NULL), len)
                            : g_strdup ("");
      if (strlen (stdout_text) != len)
        {
          g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                       "LVM's %s printed a NUL byte", command);
          goto out;
        }
      *out_stdout = g_steal_pointer (&stdout_text);
    }

  ok = TRUE;

out:
  if (out_stderr_summary)
    *out_stderr_summary = g_steal_pointer (&summary);

  return ok;
}

/* Runs a report command and returns the rows of its @section. */
static GPtrArray *
run_report (const char          *command,
            const char          *section,
            const char * const  *args,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autofree char *out = NULL;
  GPtrArray *rows;

  if (!run_lvm (command, args, &out, NULL, cancellable, error))
    return NULL;

  if (!(rows = _corral_lvm_parse_report (out, strlen (out), section, error)))
    g_prefix_error (error, "Could not read LVM's %s: ", command);

  return rows;
}

static const char *
row_string (GHashTable  *row,
            const char  *field,
            GError     **error)
{
  const char *value = g_hash_table_lookup (row, field);

  if (value == NULL)
    g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                 "LVM's report lacks the field %s", field);

  return value;
}

static gboolean
row_bytes (GHashTable  *row,
           const char  *field,
           guint64     *value,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *text;

  if (!(text = row_string (row, field, error)))
    return FALSE;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, value, &local_error))
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "LVM's report has a bad %s: %s", field, local_error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
tags_have_corral (const char *tags)
{
  g_auto(GStrv) list = g_strsplit (tags, ",", -1);

  return g_strv_contains ((const char * const *) list, CORRAL_LVM_TAG);
}

/* --- volume groups --- */

typedef struct
{
  CorralVolumeGroup *group;
  guint64            extent_size;
} GroupInfo;

static void
group_info_free (gpointer data)
{
  GroupInfo *info = data;

  corral_volume_group_free (info->group);
  g_free (info);
}

/* A GPtrArray of GroupInfo. */
static GPtrArray *
query_groups (GCancellable  *cancellable,
              GError       **error)
{
  static const char * const args[] = {
    "--reportformat", "json", "--units", "b", "--nosuffix",
    "-o", "vg_name,vg_size,vg_free,vg_extent_size", NULL
  };
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) groups = NULL;

  if (!(rows = run_report ("vgs", "vg", args, cancellable, error)))
    {
      g_prefix_error (error, "Could not list the volume groups: ");
      return NULL;
    }

  groups = g_ptr_array_new_with_free_func (group_info_free);

  for (guint i = 0; i < rows->len; i++)
    {
      GHashTable *row = g_ptr_array_index (rows, i);
      g_autoptr(CorralVolumeGroup) group = g_new0 (CorralVolumeGroup, 1);
      GroupInfo *info;
      const char *name;

      if (!(name = row_string (row, "vg_name", error))
          || !row_bytes (row, "vg_size", &group->size, error)
          || !row_bytes (row, "vg_free", &group->free, error))
        {
          g_prefix_error (error, "Could not list the volume groups: ");
          return NULL;
        }

      group->name = g_strdup (name);
      info = g_new0 (GroupInfo, 1);
      info->group = g_steal_pointer (&group);
      if (!row_bytes (row, "vg_extent_size", &info->extent_size, error))
        {
          group_info_free (info);
          g_prefix_error (error, "Could not list the volume groups: ");
          return NULL;
        }

      g_ptr_array_add (groups, info);
    }

  return g_steal_pointer (&groups);
}

static GroupInfo *
find_group (GPtrArray  *groups,
            const char *vg)
{
  for (guint i = 0; i < groups->len; i++)
    {
      GroupInfo *info = g_ptr_array_index (groups, i);

      if (strcmp (info->group->name, vg) == 0)
        return info;
    }

  return NULL;
}

GPtrArray *
corral_lvm_list_volume_groups (GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  GPtrArray *ret;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(groups = query_groups (cancellable, error)))
    return NULL;

  ret = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_volume_group_free);
  for (guint i = 0; i < groups->len; i++)
    {
      GroupInfo *info = g_ptr_array_index (groups, i);

      g_ptr_array_add (ret, g_steal_pointer (&info->group));
    }

  return ret;
}

/* --- logical volumes --- */

typedef struct
{
  CorralLogicalVolume *lv;
  gboolean             tagged;
} VolumeInfo;

static void
volume_info_free (gpointer data)
{
  VolumeInfo *info = data;

  corral_logical_volume_free (info->lv);
  g_free (info);
}

/* Logical volumes from an lvs report, a GPtrArray of VolumeInfo: with @vg, all those
 * of that group, hidden ones included; without, those of every group. */
static GPtrArray *
query_volumes (const char    *vg,
               GCancellable  *cancellable,
               GError       **error)
{
  const char *args[] = {
    "--reportformat", "json", "--units", "b", "--nosuffix",
    "-o", "lv_name,vg_name,lv_size,lv_tags,lv_path",
    NULL, NULL, NULL
  };
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) volumes = NULL;

  if (vg != NULL)
    {
      args[7] = "-a";
      args[8] = vg;
    }

  if (!(rows = run_report ("lvs", "lv", args, cancellable, error)))
    return NULL;

  volumes = g_ptr_array_new_with_free_func (volume_info_free);

  for (guint i = 0; i < rows->len; i++)
    {
      GHashTable *row = g_ptr_array_index (rows, i);
      g_autoptr(CorralLogicalVolume) lv = g_new0 (CorralLogicalVolume, 1);
      const char *name, *vg_name, *tags, *path;
      VolumeInfo *info;
      gsize name_len;

      if (!(name = row_string (row, "lv_name", error))
          || !(vg_name = row_string (row, "vg_name", error))
          || !(tags = row_string (row, "lv_tags", error))
          || !(path = row_string (row, "lv_path", error))
          || !row_bytes (row, "lv_size", &lv->size, error))
        return NULL;

      /* `lvs -a` shows hidden volumes as "[name]". */
      name_len = strlen (name);
      if (name_len >= 2 && name[0] == '[' && name[name_len - 1] == ']')
        lv->name = g_strndup (name + 1, name_len - 2);
      else
        lv->name = g_strdup (name);

      lv->vg = g_strdup (vg_name);
      /* lv_path is empty for volumes without a device of their own. */
      lv->path = *path ? g_strdup (path) : g_strdup_printf ("/dev/%s/%s", vg_name, lv->name);

      info = g_new0 (VolumeInfo, 1);
      info->lv = g_steal_pointer (&lv);
      info->tagged = tags_have_corral (tags);
      g_ptr_array_add (volumes, info);
    }

  return g_steal_pointer (&volumes);
}

static VolumeInfo *
find_volume (GPtrArray  *volumes,
             const char *vg,
             const char *name)
{
  for (guint i = 0; i < volumes->len; i++)
    {
      VolumeInfo *info = g_ptr_array_index (volumes, i);

      if (strcmp (info->lv->vg, vg) == 0 && strcmp (info->lv->name, name) == 0)
        return info;
    }

  return NULL;
}

GPtrArray *
corral_lvm_list_volumes (GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GPtrArray) volumes = NULL;
  GPtrArray *ret;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(volumes = query_volumes (NULL, cancellable, error)))
    {
      g_prefix_error (error, "Could not list the logical volumes: ");
      return NULL;
    }

  ret = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_logical_volume_free);
  for (guint i = 0; i < volumes->len; i++)
    {
      VolumeInfo *info = g_ptr_array_index (volumes, i);

      if (info->tagged)
        g_ptr_array_add (ret, g_steal_pointer (&info->lv));
    }

  return ret;
}

/* Looks @vg up afresh; NOT_FOUND if there is no such group. */
static GPtrArray *
query_group (const char    *vg,
             GroupInfo    **out_group,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GPtrArray) groups = NULL;

  if (!(groups = query_groups (cancellable, error)))
    return NULL;

  if (!(*out_group = find_group (groups, vg)))
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_FOUND,
                   "There is no volume group “%s”", vg);
      return NULL;
    }

  return g_steal_pointer (&groups);
}

CorralLogicalVolume *
corral_lvm_create_volume (const char    *vg,
                          const char    *name,
                          guint64        size_bytes,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) volumes = NULL;
  g_autofree char *size_arg = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *extent_text = NULL;
  g_autofree char *free_text = NULL;
  g_autofree char *size_text = NULL;
  g_autoptr(GError) local_error = NULL;
  GroupInfo *group;
  VolumeInfo *created;
  guint64 rounded;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_corral_lvm_check_name (vg, "volume group", FALSE, error)
      || !_corral_lvm_check_name (name, "logical volume", TRUE, error)
      || !_corral_lvm_check_full_name (vg, name, error))
    return NULL;

  /* Checked before anything runs; the extent size comes with the fresh vgs. */
  if (!_corral_lvm_round_size (size_bytes, 512, &rounded, error))
    return NULL;

  if (!(groups = query_group (vg, &group, cancellable, error)))
    return NULL;

  if (!_corral_lvm_round_size (size_bytes, group->extent_size, &rounded, error))
    return NULL;

  if (rounded > group->group->free)
    {
      size_text = g_format_size_full (rounded, G_FORMAT_SIZE_IEC_UNITS);
      free_text = g_format_size_full (group->group->free, G_FORMAT_SIZE_IEC_UNITS);
      extent_text = g_format_size_full (group->extent_size, G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NO_SPACE,
                   "The volume group “%s” has %s (%" G_GUINT64_FORMAT " bytes) free; "
                   "a volume of %" G_GUINT64_FORMAT " bytes needs %s "
                   "(%" G_GUINT64_FORMAT " bytes, whole extents of %s)",
                   vg, free_text, group->group->free, size_bytes, size_text, rounded,
                   extent_text);
      return NULL;
    }

  if (!(volumes = query_volumes (vg, cancellable, error)))
    {
      g_prefix_error (error, "Could not list the logical volumes of “%s”: ", vg);
      return NULL;
    }

  if (find_volume (volumes, vg, name))
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_CONFLICT,
                   "The volume group “%s” already has a logical volume “%s”", vg, name);
      return NULL;
    }
  g_clear_pointer (&volumes, g_ptr_array_unref);

  size_arg = g_strdup_printf ("%" G_GUINT64_FORMAT "b", rounded);

  {
    const char * const args[] = {
      "--yes",
      "--type", "linear",
      "--addtag", CORRAL_LVM_TAG,
      "--wipesignatures", "y",
      "--name", name,
      "--size", size_arg,
      vg,
      NULL
    };

    if (!run_lvm ("lvcreate", args, NULL, &summary, cancellable, &local_error))
      {
        /* The checks above raced with another change, or LVM disagrees: say what
         * LVM said, with the code that matches it best. */
        if (local_error->domain == CORRAL_HELPER_ERROR && summary != NULL)
          {
            if (strstr (summary, "already exists"))
              local_error->code = CORRAL_HELPER_ERROR_CONFLICT;
            else if (strstr (summary, "insufficient free"))
              local_error->code = CORRAL_HELPER_ERROR_NO_SPACE;
            else if (strstr (summary, "not found"))
              local_error->code = CORRAL_HELPER_ERROR_NOT_FOUND;
          }
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    "Could not create the logical volume “%s/%s”: ",
                                    vg, name);
        return NULL;
      }
  }

  if (!(volumes = query_volumes (vg, cancellable, error)))
    {
      g_prefix_error (error, "Created “%s/%s” but could not read it back: ", vg, name);
      return NULL;
    }

  if (!(created = find_volume (volumes, vg, name)) || !created->tagged)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "LVM created “%s/%s” but does not list it %s", vg, name,
                   created ? "with Corral's tag" : "afterwards");
      return NULL;
    }

  return g_steal_pointer (&created->lv);
}

gboolean
corral_lvm_remove_volume (const char    *vg,
                          const char    *name,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) volumes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *full_name = NULL;
  g_autofree char *summary = NULL;
  GroupInfo *group;
  VolumeInfo *info;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Corral only ever created names that pass the logical volume rules. */
  if (!_corral_lvm_check_name (vg, "volume group", FALSE, error)
      || !_corral_lvm_check_name (name, "logical volume", TRUE, error))
    return FALSE;

  if (!(groups = query_group (vg, &group, cancellable, error)))
    return FALSE;

  if (!(volumes = query_volumes (vg, cancellable, error)))
    {
      g_prefix_error (error, "Could not list the logical volumes of “%s”: ", vg);
      return FALSE;
    }

  if (!(info = find_volume (volumes, vg, name)))
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_FOUND,
                   "The volume group “%s” has no logical volume “%s”", vg, name);
      return FALSE;
    }

  if (!info->tagged)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_CORRAL,
                   "Refusing to remove the logical volume “%s/%s”: it does not carry "
                   "Corral's tag “%s”, so Corral did not create it", vg, name,
                   CORRAL_LVM_TAG);
      return FALSE;
    }
  g_clear_pointer (&volumes, g_ptr_array_unref);

  full_name = g_strdup_printf ("%s/%s", vg, name);

  {
    /* --select makes lvremove itself skip the volume if it lost the tag since the
     * check above ({} matches a tag among several). */
    const char * const args[] = {
      "--yes",
      "--select", "lv_tags={" CORRAL_LVM_TAG "}",
      full_name,
      NULL
    };

    if (!run_lvm ("lvremove", args, NULL, &summary, cancellable, &local_error))
      {
        if (local_error->domain == CORRAL_HELPER_ERROR && summary != NULL
            && strstr (summary, "Failed to find"))
          local_error->code = CORRAL_HELPER_ERROR_NOT_FOUND;
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    "Could not remove the logical volume “%s”: ",
                                    full_name);
        return FALSE;
      }
  }

  if (!(volumes = query_volumes (vg, cancellable, error)))
    {
      g_prefix_error (error, "Removed “%s” but could not list “%s” afterwards: ",
                      full_name, vg);
      return FALSE;
    }

  if ((info = find_volume (volumes, vg, name)))
    {
      if (!info->tagged)
        g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_CORRAL,
                     "Refusing to remove the logical volume “%s”: it does not carry "
                     "Corral's tag “%s” (any more)", full_name, CORRAL_LVM_TAG);
      else
        g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                     "LVM's lvremove succeeded but “%s” is still there", full_name);
      return FALSE;
    }

  return TRUE;
}

gboolean
corral_lvm_resize_volume (const char    *vg,
                          const char    *name,
                          guint64        size_bytes,
                          guint64       *new_size,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) volumes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *full_name = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *size_arg = NULL;
  GroupInfo *group;
  VolumeInfo *info;
  guint64 rounded, current;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_corral_lvm_check_name (vg, "volume group", FALSE, error)
      || !_corral_lvm_check_name (name, "logical volume", TRUE, error)
      || !_corral_lvm_round_size (size_bytes, 512, &rounded, error))
    return FALSE;

  if (!(groups = query_group (vg, &group, cancellable, error)))
    return FALSE;

  if (!_corral_lvm_round_size (size_bytes, group->extent_size, &rounded, error))
    return FALSE;

  if (!(volumes = query_volumes (vg, cancellable, error)))
    {
      g_prefix_error (error, "Could not list the logical volumes of “%s”: ", vg);
      return FALSE;
    }

  if (!(info = find_volume (volumes, vg, name)))
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_FOUND,
                   "The volume group “%s” has no logical volume “%s”", vg, name);
      return FALSE;
    }

  if (!info->tagged)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_CORRAL,
                   "Refusing to resize the logical volume “%s/%s”: it does not carry "
                   "Corral's tag “%s”, so Corral did not create it", vg, name,
                   CORRAL_LVM_TAG);
      return FALSE;
    }

  current = info->lv->size;
  if (rounded <= current)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT,
                   "The logical volume “%s/%s” has %" G_GUINT64_FORMAT " bytes already; "
                   "a volume only grows (asked for %" G_GUINT64_FORMAT " bytes)",
                   vg, name, current, size_bytes);
      return FALSE;
    }

  if (rounded - current > group->group->free)
    {
      g_autofree char *free_text = g_format_size_full (group->group->free, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NO_SPACE,
                   "The volume group “%s” has %s (%" G_GUINT64_FORMAT " bytes) free; "
                   "growing “%s” to %" G_GUINT64_FORMAT " bytes needs %" G_GUINT64_FORMAT
                   " more", vg, free_text, group->group->free, name, rounded, rounded - current);
      return FALSE;
    }
  g_clear_pointer (&volumes, g_ptr_array_unref);

  full_name = g_strdup_printf ("%s/%s", vg, name);
  size_arg = g_strdup_printf ("%" G_GUINT64_FORMAT "b", rounded);

  {
    /* lvextend never shrinks (lvresize would). It has no --select: the tag was checked just
     * above, and the helper runs one volume call at a time. */
    const char * const args[] = {
      "--size", size_arg,
      full_name,
      NULL
    };

    if (!run_lvm ("lvextend", args, NULL, &summary, cancellable, &local_error))
      {
        if (local_error->domain == CORRAL_HELPER_ERROR && summary != NULL)
          {
            if (strstr (summary, "insufficient free"))
              local_error->code = CORRAL_HELPER_ERROR_NO_SPACE;
            else if (strstr (summary, "Failed to find") || strstr (summary, "not found"))
              local_error->code = CORRAL_HELPER_ERROR_NOT_FOUND;
          }
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    "Could not grow the logical volume “%s”: ", full_name);
        return FALSE;
      }
  }

  if (!(volumes = query_volumes (vg, cancellable, error)))
    {
      g_prefix_error (error, "Grew “%s” but could not read it back: ", full_name);
      return FALSE;
    }

  if (!(info = find_volume (volumes, vg, name)) || info->lv->size < rounded)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "LVM's lvextend succeeded but “%s” is not %" G_GUINT64_FORMAT " bytes "
                   "afterwards", full_name, rounded);
      return FALSE;
    }

  if (new_size != NULL)
    *new_size = info->lv->size;
  return TRUE;
}
