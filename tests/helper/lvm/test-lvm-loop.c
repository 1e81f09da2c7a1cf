/* SPDX-License-Identifier: GPL-3.0-or-later */
/* corral-lvm against real LVM: a volume group on a loop device that
 * run-lvm-loop.sh creates (and always removes), named in CORRAL_TEST_VG.  This
 * kernel has no device-mapper, so the script sets CORRAL_LVM_CONFIG to turn
 * activation off: LVM then changes metadata only, which is all these tests look at.
 * Every change made here is inside that volume group. */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "corral-lvm-private.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)

static const char *test_vg;

/* Runs `lvm ARGS...` with the test's --config, as the tests' own independent look at
 * LVM.  Returns the exit status; stdout in @out (always captured: ours is TAP). */
static int
lvm_tool (char       **out,
          const char  *command,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  g_autofree char *local_out = NULL;
  g_autoptr(GError) error = NULL;
  const char *config = g_getenv ("CORRAL_LVM_CONFIG");
  const char *arg;
  int status = -1;
  va_list ap;

  g_ptr_array_add (argv, (char *) "lvm");
  g_ptr_array_add (argv, (char *) command);
  if (config)
    {
      g_ptr_array_add (argv, (char *) "--config");
      g_ptr_array_add (argv, (char *) config);
    }
  va_start (ap, command);
  while ((arg = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL,
                out ? out : &local_out, &err, &status, &error);
  g_assert_no_error (error);

  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("lvm %s: %s", command, err);

  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static gboolean
lv_exists (const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s/%s", test_vg, name);

  return lvm_tool (NULL, "lvs", full, NULL) == 0;
}

/* The names of all LVs in the test group, sorted and joined by ",". */
static char *
lv_names (void)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) names = NULL;

  g_assert_cmpint (lvm_tool (&out, "lvs", "--noheadings", "-o", "lv_name", "--sort",
                             "lv_name", test_vg, NULL), ==, 0);
  g_strdelimit (out, " \n", ',');
  names = g_strsplit (out, ",", -1);
  {
    g_autoptr(GPtrArray) kept = g_ptr_array_new ();

    for (guint i = 0; names[i]; i++)
      if (*names[i])
        g_ptr_array_add (kept, names[i]);
    g_ptr_array_add (kept, NULL);

    return g_strjoinv (",", (char **) kept->pdata);
  }
}

static void
make_plain_lv (const char *name)
{
  /* untagged, as another program (or the admin) would make it */
  g_assert_cmpint (lvm_tool (NULL, "lvcreate", "--yes", "--type", "linear", "-n", name,
                             "-L", "4m", test_vg, NULL), ==, 0);
}

static void
remove_lv_directly (const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s/%s", test_vg, name);

  g_assert_cmpint (lvm_tool (NULL, "lvremove", "--yes", full, NULL), ==, 0);
}

static CorralVolumeGroup *
get_group (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = corral_lvm_list_volume_groups (NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (groups);

  for (guint i = 0; i < groups->len; i++)
    {
      CorralVolumeGroup *group = g_ptr_array_index (groups, i);

      if (g_str_equal (group->name, test_vg))
        return g_ptr_array_steal_index (groups, i);
    }

  g_assert_not_reached ();
}

/* Corral's volumes in the test group, by name. */
static GHashTable *
our_volumes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) volumes = corral_lvm_list_volumes (NULL, &error);
  GHashTable *ret = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) corral_logical_volume_free);

  g_assert_no_error (error);
  g_assert_nonnull (volumes);

  while (volumes->len > 0)
    {
      CorralLogicalVolume *lv = g_ptr_array_steal_index (volumes, volumes->len - 1);

      if (g_str_equal (lv->vg, test_vg))
        g_hash_table_insert (ret, lv->name, lv);
      else
        corral_logical_volume_free (lv);
    }

  return ret;
}

static void
test_list_groups (void)
{
  g_autoptr(CorralVolumeGroup) group = get_group ();

  /* A 256 MiB PV less LVM's metadata area, in whole 4 MiB extents; nothing used. */
  g_test_message ("%s: size %" G_GUINT64_FORMAT ", free %" G_GUINT64_FORMAT,
                  group->name, group->size, group->free);
  g_assert_cmpuint (group->size, <=, 256 * MIB);
  g_assert_cmpuint (group->size, >=, 240 * MIB);
  g_assert_cmpuint (group->size % (4 * MIB), ==, 0);
  g_assert_cmpuint (group->free, ==, group->size);

  /* and nothing of Corral's in it */
  {
    g_autoptr(GHashTable) volumes = our_volumes ();

    g_assert_cmpuint (g_hash_table_size (volumes), ==, 0);
  }
}

static void
test_create_list_remove (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralLogicalVolume) lv = NULL;
  g_autoptr(CorralVolumeGroup) before = get_group ();
  g_autoptr(CorralVolumeGroup) during = NULL;
  g_autoptr(CorralVolumeGroup) after = NULL;
  g_autoptr(GHashTable) volumes = NULL;
  g_autofree char *path = g_strdup_printf ("/dev/%s/corral-disk1", test_vg);
  CorralLogicalVolume *listed;

  lv = corral_lvm_create_volume (test_vg, "corral-disk1", 12 * MIB, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lv);
  g_assert_cmpstr (lv->vg, ==, test_vg);
  g_assert_cmpstr (lv->name, ==, "corral-disk1");
  g_assert_cmpuint (lv->size, ==, 12 * MIB);
  g_assert_cmpstr (lv->path, ==, path);

  during = get_group ();
  g_assert_cmpuint (during->size, ==, before->size);
  g_assert_cmpuint (during->free, ==, before->free - 12 * MIB);

  /* An LV Corral did not make, next to ours. */
  make_plain_lv ("plain");

  volumes = our_volumes ();
  g_assert_cmpuint (g_hash_table_size (volumes), ==, 1);
  listed = g_hash_table_lookup (volumes, "corral-disk1");
  g_assert_nonnull (listed);
  g_assert_cmpuint (listed->size, ==, 12 * MIB);
  g_assert_cmpstr (listed->path, ==, path);
  g_assert_false (g_hash_table_contains (volumes, "plain"));
  g_clear_pointer (&volumes, g_hash_table_unref);

  /* Removing the untagged one is refused, and it stays. */
  g_assert_false (corral_lvm_remove_volume (test_vg, "plain", NULL, &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_CORRAL);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "tag"));
  g_assert_nonnull (strstr (error->message, "plain"));
  g_clear_error (&error);
  g_assert_true (lv_exists ("plain"));

  /* Removing ours works; the space comes back. */
  g_assert_true (corral_lvm_remove_volume (test_vg, "corral-disk1", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (lv_exists ("corral-disk1"));
  g_assert_true (lv_exists ("plain"));

  volumes = our_volumes ();
  g_assert_cmpuint (g_hash_table_size (volumes), ==, 0);

  /* Gone means gone. */
  g_assert_false (corral_lvm_remove_volume (test_vg, "corral-disk1", NULL, &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  remove_lv_directly ("plain");
  after = get_group ();
  g_assert_cmpuint (after->free, ==, before->free);
}

static void
test_no_space (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralLogicalVolume) lv = NULL;
  g_autoptr(CorralVolumeGroup) group = get_group ();
  g_autoptr(CorralVolumeGroup) after = NULL;
  g_autofree char *names_before = lv_names ();
  g_autofree char *names_after = NULL;
  const guint64 too_big[] = {
    group->free + 512,             /* rounds up to one extent more than free */
    group->free + 4 * MIB,
    G_GUINT64_CONSTANT (1) << 50,  /* 1 PiB */
    G_MAXUINT64 - 511,             /* overflows when rounded */
  };

  for (guint i = 0; i < G_N_ELEMENTS (too_big); i++)
    {
      lv = corral_lvm_create_volume (test_vg, "toobig", too_big[i], NULL, &error);
      g_assert_null (lv);
      g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NO_SPACE);
      g_test_message ("%" G_GUINT64_FORMAT ": %s", too_big[i], error->message);
      g_clear_error (&error);
    }

  /* Nothing was created. */
  names_after = lv_names ();
  g_assert_cmpstr (names_after, ==, names_before);
  after = get_group ();
  g_assert_cmpuint (after->free, ==, group->free);

  /* Exactly the free space fits. */
  lv = corral_lvm_create_volume (test_vg, "allofit", group->free, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lv->size, ==, group->free);
  g_clear_pointer (&after, corral_volume_group_free);
  after = get_group ();
  g_assert_cmpuint (after->free, ==, 0);

  /* and then even the smallest volume does not. */
  g_clear_pointer (&lv, corral_logical_volume_free);
  lv = corral_lvm_create_volume (test_vg, "onemore", 512, NULL, &error);
  g_assert_null (lv);
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NO_SPACE);
  g_clear_error (&error);

  g_assert_true (corral_lvm_remove_volume (test_vg, "allofit", NULL, &error));
  g_assert_no_error (error);
}

static void
test_exists (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralLogicalVolume) lv = NULL;
  g_autoptr(CorralLogicalVolume) again = NULL;
  g_autoptr(CorralLogicalVolume) over_plain = NULL;
  g_autoptr(CorralVolumeGroup) group = NULL;

  lv = corral_lvm_create_volume (test_vg, "dup", 4 * MIB, NULL, &error);
  g_assert_no_error (error);

  group = get_group ();
  again = corral_lvm_create_volume (test_vg, "dup", 8 * MIB, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_CONFLICT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* A name taken by someone else's LV is taken too. */
  make_plain_lv ("plain2");
  over_plain = corral_lvm_create_volume (test_vg, "plain2", 4 * MIB, NULL, &error);
  g_assert_null (over_plain);
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_CONFLICT);
  g_clear_error (&error);

  /* The existing ones are untouched. */
  {
    g_autoptr(GHashTable) volumes = our_volumes ();
    CorralLogicalVolume *listed = g_hash_table_lookup (volumes, "dup");

    g_assert_nonnull (listed);
    g_assert_cmpuint (listed->size, ==, 4 * MIB);
    g_assert_false (g_hash_table_contains (volumes, "plain2"));
  }

  g_assert_true (corral_lvm_remove_volume (test_vg, "dup", NULL, &error));
  g_assert_no_error (error);
  remove_lv_directly ("plain2");
}

static void
test_rounding (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralLogicalVolume) lv = NULL;
  g_autoptr(GHashTable) volumes = NULL;
  CorralLogicalVolume *listed;

  /* 5 MiB and a sector: two 4 MiB extents. */
  lv = corral_lvm_create_volume (test_vg, "odd.size", 5 * MIB + 512, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lv->size, ==, 8 * MIB);

  volumes = our_volumes ();
  listed = g_hash_table_lookup (volumes, "odd.size");
  g_assert_nonnull (listed);
  g_assert_cmpuint (listed->size, ==, 8 * MIB);

  g_assert_true (corral_lvm_remove_volume (test_vg, "odd.size", NULL, &error));
  g_assert_no_error (error);
}

static void
test_not_found (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralLogicalVolume) lv = NULL;
  g_autofree char *names_before = lv_names ();
  g_autofree char *names_after = NULL;
  g_autofree char *missing_vg = g_strdup_printf ("%s-missing", test_vg);

  lv = corral_lvm_create_volume (missing_vg, "disk", 4 * MIB, NULL, &error);
  g_assert_null (lv);
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, missing_vg));
  g_clear_error (&error);

  g_assert_false (corral_lvm_remove_volume (missing_vg, "disk", NULL, &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (corral_lvm_remove_volume (test_vg, "never-made", NULL, &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  names_after = lv_names ();
  g_assert_cmpstr (names_after, ==, names_before);
}

static void
test_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralLogicalVolume) lv = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) groups = NULL;

  g_cancellable_cancel (cancellable);

  lv = corral_lvm_create_volume (test_vg, "cancelled", 4 * MIB, cancellable, &error);
  g_assert_null (lv);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (lv_exists ("cancelled"));

  groups = corral_lvm_list_volume_groups (cancellable, &error);
  g_assert_null (groups);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Holds LVM's lock on the test group, the way another LVM command would (flock on
 * LVM's lock file for the group): LVM commands on it wait meanwhile
 * (wait_for_locks = 1, lvm2's default).  Returns the descriptor, or -1 (and skips). */
static int
hold_vg_lock (char **out_path)
{
  g_autofree char *path = g_strdup_printf ("/run/lock/lvm/V_%s", test_vg);
  int fd;

  if (!g_file_test ("/run/lock/lvm", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("LVM's lock directory /run/lock/lvm is not there");
      return -1;
    }

  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);
  *out_path = g_steal_pointer (&path);

  return fd;
}

static void
release_vg_lock (int   fd,
                 char *path)
{
  flock (fd, LOCK_UN);
  close (fd);
  unlink (path);
  g_free (path);
}

static gpointer
create_in_thread (gpointer user_data)
{
  GCancellable *cancellable = user_data;
  GError *error = NULL;
  CorralLogicalVolume *lv;

  lv = corral_lvm_create_volume (test_vg, "blocked", 4 * MIB, cancellable, &error);
  g_assert_null (lv);

  return error;
}

/* Cancelling stops an LVM command that is running: here one that waits for the
 * volume group's lock. */
static void
test_cancel_running (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GThread) thread = NULL;
  g_autoptr(GError) error = NULL;
  char *lock_path = NULL;
  gint64 start, elapsed;
  int fd;

  if ((fd = hold_vg_lock (&lock_path)) < 0)
    return;

  start = g_get_monotonic_time ();
  thread = g_thread_new ("create", create_in_thread, cancellable);
  g_usleep (G_USEC_PER_SEC);
  g_cancellable_cancel (cancellable);
  error = g_thread_join (g_steal_pointer (&thread));
  elapsed = g_get_monotonic_time () - start;

  release_vg_lock (fd, lock_path);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("cancelled after %.2f s", elapsed / (double) G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
  g_assert_false (lv_exists ("blocked"));
}

/* An LVM command that hangs is stopped after the timeout, with an error that says
 * so. */
static void
test_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  char *lock_path = NULL;
  gint64 start, elapsed;
  int fd;

  if ((fd = hold_vg_lock (&lock_path)) < 0)
    return;

  _corral_lvm_set_timeout (2);
  start = g_get_monotonic_time ();
  groups = corral_lvm_list_volume_groups (NULL, &error);
  elapsed = g_get_monotonic_time () - start;
  _corral_lvm_set_timeout (120);

  release_vg_lock (fd, lock_path);

  g_assert_null (groups);
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED);
  g_test_message ("%s (after %.2f s)", error->message, elapsed / (double) G_USEC_PER_SEC);
  g_assert_nonnull (strstr (error->message, "did not finish within 2 seconds"));
  g_assert_cmpint (elapsed, >=, 2 * G_USEC_PER_SEC - G_USEC_PER_SEC / 2);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
}

typedef struct
{
  const char          *name;
  CorralLogicalVolume *lv;
  GError              *error;
} CreateJob;

static gpointer
create_job_thread (gpointer user_data)
{
  CreateJob *job = user_data;

  job->lv = corral_lvm_create_volume (test_vg, job->name, 4 * MIB, NULL, &job->error);
  return NULL;
}

static gpointer
list_thread (gpointer user_data)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) groups = corral_lvm_list_volume_groups (NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (groups);
    }

  return NULL;
}

/* The helper calls in from several worker threads at once: listing in parallel works,
 * and of two creates of one name exactly one wins, the other gets EXISTS (from
 * Corral's check or, when they race past it, from LVM's own message). */
static void
test_concurrent (void)
{
  CreateJob jobs[4] = { { "race" }, { "race" }, { "race" }, { "other" } };
  GThread *threads[G_N_ELEMENTS (jobs)];
  GThread *listers[3];
  guint won = 0;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (listers); i++)
    listers[i] = g_thread_new ("list", list_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    threads[i] = g_thread_new ("create", create_job_thread, &jobs[i]);

  for (guint i = 0; i < G_N_ELEMENTS (listers); i++)
    g_thread_join (listers[i]);
  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < 3; i++)
    {
      if (jobs[i].lv)
        {
          won++;
          g_assert_no_error (jobs[i].error);
        }
      else
        {
          g_assert_error (jobs[i].error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_CONFLICT);
          g_test_message ("lost: %s", jobs[i].error->message);
        }
    }
  g_assert_cmpuint (won, ==, 1);
  g_assert_no_error (jobs[3].error);
  g_assert_nonnull (jobs[3].lv);

  for (guint i = 0; i < G_N_ELEMENTS (jobs); i++)
    {
      g_clear_pointer (&jobs[i].lv, corral_logical_volume_free);
      g_clear_error (&jobs[i].error);
    }

  g_assert_true (corral_lvm_remove_volume (test_vg, "race", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (corral_lvm_remove_volume (test_vg, "other", NULL, &error));
  g_assert_no_error (error);
}

/* An LVM failure reaches the caller with LVM's own words.  A broken --config through
 * the test hook makes every LVM command fail. */
static void
test_lvm_error_message (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("CORRAL_LVM_CONFIG"));

  g_setenv ("CORRAL_LVM_CONFIG", "global { activation = 0", TRUE);
  groups = corral_lvm_list_volume_groups (NULL, &error);
  if (saved)
    g_setenv ("CORRAL_LVM_CONFIG", saved, TRUE);
  else
    g_unsetenv ("CORRAL_LVM_CONFIG");

  g_assert_null (groups);
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Could not list the volume groups: "));
  /* lvm2's words, e.g. "Parse error at byte 23 (line 1): unexpected token" */
  g_assert_nonnull (strstr (error->message, "Parse error"));
}

/* What the validator accepts, LVM accepts too: random names, each one the validator
 * accepts tried with `lvcreate --test` (which changes nothing). */
static void
test_names_agree_with_lvm (void)
{
  static const char * const pieces[] = {
    "a", "Z", "0", "9", "+", "_", ".", "-", "..", "--", "snapshot", "pvmove", "_mlog",
    "_rimage", "_tmeta", "_vorigin", "_pmspare", "_cdata", "mlog", "_", "lvol", "x",
    "/", " ", ";", "$", "é", "*",
  };
  guint accepted = 0, accepted_ok = 0, refused = 0, refused_lvm_ok = 0;
  const guint n = 200;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GString) name = g_string_new (NULL);
      g_autofree char *full = NULL;
      gint32 parts = g_test_rand_int_range (1, 8);
      gboolean ours;
      int status;

      for (gint32 j = 0; j < parts; j++)
        {
          if (g_test_rand_int_range (0, 3) == 0)
            g_string_append (name, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
          else
            g_string_append_c (name, "abcXYZ019+_.-"[g_test_rand_int_range (0, 13)]);
        }
      /* now and then a long one, around the length limits */
      if (g_test_rand_int_range (0, 10) == 0)
        {
          gsize target = 124 - strlen (test_vg) + g_test_rand_int_range (-2, 3);

          while (name->len < target)
            g_string_append_c (name, 'l');
        }

      ours = corral_lvm_validate_name (name->str, "logical volume", NULL)
             && _corral_lvm_check_full_name (test_vg, name->str, NULL);

      /* No shell: the name goes to LVM as one argv element, whatever it holds. */
      status = lvm_tool (NULL, "lvcreate", "--test", "--yes", "--type", "linear",
                         "-n", name->str, "-L", "4m", test_vg, NULL);
      if (ours)
        {
          accepted++;
          accepted_ok += (status == 0);
          if (status != 0)
            g_test_message ("accepted by Corral, refused by LVM: “%s”", name->str);
          g_assert_cmpint (status, ==, 0);
        }
      else
        {
          refused++;
          refused_lvm_ok += (status == 0);
          if (status == 0)
            g_test_message ("refused by Corral, accepted by LVM: “%s”", name->str);
        }
    }

  g_test_message ("%u names: %u accepted (LVM agreed on %u), %u refused (LVM would "
                  "have taken %u)", n, accepted, accepted_ok, refused, refused_lvm_ok);
  /* The battery must exercise both sides. */
  g_assert_cmpuint (accepted, >, 20);
  g_assert_cmpuint (refused, >, 20);
  g_assert_false (lv_exists ("a"));
}

static void
test_skipped (void)
{
  g_test_skip ("no test volume group: run through run-lvm-loop.sh (needs root and a "
               "loop device)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  test_vg = g_getenv ("CORRAL_TEST_VG");

  /* run-lvm-loop.sh made this group; refuse to work on anything else. */
  if (test_vg != NULL && !g_str_has_prefix (test_vg, "corraltest"))
    {
      g_printerr ("CORRAL_TEST_VG=%s is not a test volume group\n", test_vg);
      return 1;
    }

  if (test_vg == NULL)
    {
      g_test_add_func ("/helper/lvm/loop/skipped", test_skipped);
    }
  else
    {
      g_test_add_func ("/helper/lvm/loop/list-groups", test_list_groups);
      g_test_add_func ("/helper/lvm/loop/create-list-remove", test_create_list_remove);
      g_test_add_func ("/helper/lvm/loop/no-space", test_no_space);
      g_test_add_func ("/helper/lvm/loop/exists", test_exists);
      g_test_add_func ("/helper/lvm/loop/rounding", test_rounding);
      g_test_add_func ("/helper/lvm/loop/not-found", test_not_found);
      g_test_add_func ("/helper/lvm/loop/concurrent", test_concurrent);
      g_test_add_func ("/helper/lvm/loop/cancelled", test_cancelled);
      g_test_add_func ("/helper/lvm/loop/cancel-running", test_cancel_running);
      g_test_add_func ("/helper/lvm/loop/timeout", test_timeout);
      g_test_add_func ("/helper/lvm/loop/lvm-error-message", test_lvm_error_message);
      g_test_add_func ("/helper/lvm/loop/names-agree-with-lvm", test_names_agree_with_lvm);
    }

  return g_test_run ();
}
