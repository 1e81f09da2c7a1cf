/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Can system libvirt's QEMU user read an ISO? Checked here for the user "nobody" (always present,
 * never
 * the owner): an ISO under private folders is blocked by exactly those folders and the file; "Allow
 * Access" adds ACL entries for that user alone, after which the check passes, other users still get
 * nothing and (as root) "nobody" really reads the file; an unknown user is named in the error. */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "corral-guest-spec-access.h"

#define USER "nobody"

static void
test_readable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) blockers = corral_guest_spec_access_blockers ("/etc/hostname", USER, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (blockers->len, ==, 0);
}

static void
test_unknown_user (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) blockers = corral_guest_spec_access_blockers ("/etc/hostname",
                                                                     "no-such-user-corral",
                                                                     &error);

  g_assert_null (blockers);
  g_assert_cmpstr (error->message, ==,
                   "There is no user “no-such-user-corral” on this computer: is "
                   "libvirt-daemon-system installed?");
}

static void
test_blocked_then_granted (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_dir_make_tmp ("corral-access-XXXXXX", &error);
  g_autofree char *home = g_build_filename (base, "home", NULL);
  g_autofree char *isos = g_build_filename (home, "isos", NULL);
  g_autofree char *iso = g_build_filename (isos, "debian.iso", NULL);
  g_autoptr(GPtrArray) blockers = NULL;
  g_autofree char *message = NULL;
  g_autofree char *expected = NULL;
  struct passwd *pw = getpwnam (USER);

  g_assert_no_error (error);
  if (pw == NULL || pw->pw_uid == geteuid ())
    {
      g_test_skip ("needs a user “nobody” other than the one running the test");
      g_rmdir (base);
      return;
    }
  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (isos, 0755), ==, 0);
  g_assert_true (g_file_set_contents (iso, "CD001", -1, NULL));
  g_assert_cmpint (g_chmod (iso, 0600), ==, 0);
  g_assert_cmpint (g_chmod (base, 0700), ==, 0);

  blockers = corral_guest_spec_access_blockers (iso, USER, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (blockers->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (blockers, 0), ==, base);
  g_assert_cmpstr (g_ptr_array_index (blockers, 1), ==, home);
  g_assert_cmpstr (g_ptr_array_index (blockers, 2), ==, iso);

  message = corral_guest_spec_access_describe (iso, USER, blockers);
  expected = g_strdup_printf ("Guests run as the user “nobody”, who may not open the folder “%s”. "
                              "Allow Access "
                              "lets that user through the folders on the way to this file and "
                              "read it, and "
                              "nothing else (ACLs, as “setfacl -m u:nobody:x”), or copy the ISO "
                              "into a storage "
                              "pool such as /var/lib/libvirt/images.", base);
  g_assert_cmpstr (message, ==, expected);

  if (!corral_guest_spec_access_grant (iso, USER, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        g_test_skip (error->message);
      else
        g_assert_no_error (error);
    }
  else
    {
      struct stat st;

      g_clear_pointer (&blockers, g_ptr_array_unref);
      blockers = corral_guest_spec_access_blockers (iso, USER, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (blockers->len, ==, 0);

      /* the mode bits, i.e. everyone else, are unchanged: only the group class mask widened */
      g_assert_cmpint (stat (iso, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0007, ==, 0);
      g_assert_cmpint (stat (home, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0007, ==, 0);

      /* granting twice changes nothing and succeeds */
      g_assert_true (corral_guest_spec_access_grant (iso, USER, &error));
      g_assert_no_error (error);

      /* as root, prove it: "nobody" reads the file */
      g_autofree char *setpriv = g_find_program_in_path ("setpriv");

      if (geteuid () == 0 && setpriv != NULL)
        {
          g_autofree char *uid = g_strdup_printf ("--reuid=%u", pw->pw_uid);
          g_autofree char *gid = g_strdup_printf ("--regid=%u", pw->pw_gid);
          const char *argv[] = { "setpriv", uid, gid, "--clear-groups", "cat", iso, NULL };
          g_autofree char *out = NULL;
          int status = 0;

          g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                        &status, &error);
          g_assert_no_error (error);
          g_assert_true (g_spawn_check_wait_status (status, NULL));
          g_assert_cmpstr (out, ==, "CD001");
        }
    }

  g_unlink (iso);
  g_rmdir (isos);
  g_rmdir (home);
  g_rmdir (base);
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* The same checks in a worker thread, as the wizard runs them: the blockers, an unknown user's
 * error, a cancelled check (cancelled whatever it found), then the grant. */
static void
test_async (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_dir_make_tmp ("corral-access-XXXXXX", &error);
  g_autofree char *iso = g_build_filename (base, "debian.iso", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) blockers = NULL;
  struct passwd *pw = getpwnam (USER);

  g_assert_no_error (error);
  if (pw == NULL || pw->pw_uid == geteuid ())
    {
      g_test_skip ("needs a user “nobody” other than the one running the test");
      g_rmdir (base);
      return;
    }
  g_assert_true (g_file_set_contents (iso, "CD001", -1, NULL));
  g_assert_cmpint (g_chmod (iso, 0600), ==, 0);
  g_assert_cmpint (g_chmod (base, 0700), ==, 0);

  corral_guest_spec_access_blockers_async (iso, USER, NULL, result_cb, &result);
  blockers = corral_guest_spec_access_blockers_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (blockers->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (blockers, 0), ==, base);
  g_assert_cmpstr (g_ptr_array_index (blockers, 1), ==, iso);
  g_clear_pointer (&blockers, g_ptr_array_unref);
  g_clear_object (&result);

  corral_guest_spec_access_blockers_async (iso, "no-such-user-corral", NULL, result_cb, &result);
  g_assert_null (corral_guest_spec_access_blockers_finish (wait_result (&result), &error));
  g_assert_cmpstr (error->message, ==,
                   "There is no user “no-such-user-corral” on this computer: is "
                   "libvirt-daemon-system installed?");
  g_clear_error (&error);
  g_clear_object (&result);

  corral_guest_spec_access_blockers_async (iso, USER, cancellable, result_cb, &result);
  g_cancellable_cancel (cancellable);
  g_assert_null (corral_guest_spec_access_blockers_finish (wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);

  corral_guest_spec_access_grant_async (iso, USER, NULL, result_cb, &result);
  if (!corral_guest_spec_access_grant_finish (wait_result (&result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        g_test_skip (error->message);
      else
        g_assert_no_error (error);
    }
  else
    {
      blockers = corral_guest_spec_access_blockers (iso, USER, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (blockers->len, ==, 0);
    }

  g_unlink (iso);
  g_rmdir (base);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wizard/iso-access/readable", test_readable);
  g_test_add_func ("/wizard/iso-access/unknown-user", test_unknown_user);
  g_test_add_func ("/wizard/iso-access/blocked-then-granted", test_blocked_then_granted);
  g_test_add_func ("/wizard/iso-access/async", test_async);

  return g_test_run ();
}
