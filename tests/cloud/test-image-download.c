/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "cloud-test-util.h"
#include "corral-error.h"
#include "corral-image-download.h"
#include "corral-osinfo.h"

/* corral_image_download_* against tests/cloud/image-server.py, a python3 web server on 127.0.0.1
 * with byte ranges and knobs to cut a body short, ignore ranges or lie about Content-Length. */

#define IMAGE_NAME "image.qcow2"
#define IMAGE_SIZE (3 * 1024 * 1024 + 123)
#define CUT_AT     1000000
#define RANGE_REQUEST "GET /" IMAGE_NAME " range=bytes=" G_STRINGIFY (CUT_AT) "-"

typedef struct
{
  char        *dir;
  char        *dest;
  char        *log;
  char        *image;
  GBytes      *contents;
  GSubprocess *server;
  guint        port;
} Fixture;

typedef struct
{
  guint64 received;
  guint64 total;
} Report;

typedef struct
{
  GArray       *reports;
  GCancellable *cancellable;
  guint64       cancel_after;   /* cancel once this many bytes arrived (0: never) */
  gboolean      off_thread;     /* a report came on another thread */
  gboolean      after_done;     /* a report came after the callback */
  gboolean      done;
  char         *path;
  GError       *error;
  gint64        started;
  gint64        finished;
} Run;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *srv = NULL;
  g_autofree char *script = g_build_filename (g_getenv ("CORRAL_SOURCE_DIR"), "tests", "cloud",
                                              "image-server.py", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  guint8 *bytes = g_malloc (IMAGE_SIZE);
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);

  fixture->dir = cloud_test_make_dir ();
  srv = g_build_filename (fixture->dir, "srv", NULL);
  fixture->dest = g_build_filename (fixture->dir, "dest", NULL);
  fixture->log = g_build_filename (fixture->dir, "requests.log", NULL);
  g_assert_cmpint (g_mkdir (srv, 0755), ==, 0);

  for (gsize i = 0; i < IMAGE_SIZE; i++)
    bytes[i] = g_rand_int (rand) & 0xff;
  fixture->contents = g_bytes_new_take (bytes, IMAGE_SIZE);
  fixture->image = g_build_filename (srv, IMAGE_NAME, NULL);
  g_file_set_contents (fixture->image, (const char *) bytes, IMAGE_SIZE, &error);
  g_assert_no_error (error);
  g_file_set_contents (fixture->log, "", 0, &error);
  g_assert_no_error (error);

  fixture->server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "python3", script,
                                      srv, fixture->log, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  fixture->port = atoi (line);
  g_assert_cmpuint (fixture->port, >, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_subprocess_force_exit (fixture->server);
  g_subprocess_wait (fixture->server, NULL, NULL);
  g_clear_object (&fixture->server);
  cloud_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->dest);
  g_free (fixture->log);
  g_free (fixture->image);
  g_bytes_unref (fixture->contents);
}

static char *
url_for (Fixture    *fixture,
         const char *query)
{
  return g_strdup_printf ("http://127.0.0.1:%u/%s%s%s", fixture->port, IMAGE_NAME,
                          query != NULL ? "?" : "", query != NULL ? query : "");
}

static char *
dest_path (Fixture    *fixture,
           const char *suffix)
{
  return g_strconcat (fixture->dest, G_DIR_SEPARATOR_S IMAGE_NAME, suffix, NULL);
}

static void
progress_cb (guint64  received,
             guint64  total,
             gpointer user_data)
{
  Run *run = user_data;
  Report report = { received, total };

  if (!g_main_context_is_owner (g_main_context_default ()))
    run->off_thread = TRUE;
  if (run->done)
    run->after_done = TRUE;
  g_array_append_val (run->reports, report);
  if (run->cancel_after > 0 && received >= run->cancel_after)
    g_cancellable_cancel (run->cancellable);
}

static void
download_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->path = corral_image_download_finish (result, &run->error);
  run->finished = g_get_monotonic_time ();
  run->done = TRUE;
}

static Run *
run_download (const char *url,
              const char *dest,
              guint64     expected_size,
              guint64     cancel_after)
{
  Run *run = g_new0 (Run, 1);

  run->reports = g_array_new (FALSE, FALSE, sizeof (Report));
  run->cancellable = g_cancellable_new ();
  run->cancel_after = cancel_after;
  run->started = g_get_monotonic_time ();
  corral_image_download_async (url, dest, expected_size, run->cancellable, progress_cb, run,
                               download_cb, run);
  while (!run->done)
    g_main_context_iteration (NULL, TRUE);
  /* whatever was queued after the callback would show now */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (run->off_thread);
  g_assert_false (run->after_done);
  return run;
}

static void
run_free (Run *run)
{
  g_array_unref (run->reports);
  g_object_unref (run->cancellable);
  g_free (run->path);
  g_clear_error (&run->error);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static void
assert_file_is_image (Fixture    *fixture,
                      const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, g_bytes_get_data (fixture->contents, NULL),
                   g_bytes_get_size (fixture->contents));
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

static char *
last_request (Fixture *fixture)
{
  g_autofree char *log = cloud_test_read (fixture->log);
  g_auto(GStrv) lines = g_strsplit (g_strchomp (log), "\n", -1);
  guint n = g_strv_length (lines);

  g_assert_cmpuint (n, >, 0);
  return g_strdup (lines[n - 1]);
}

static guint
count_requests (Fixture *fixture)
{
  g_autofree char *log = cloud_test_read (fixture->log);
  guint n = 0;

  for (const char *p = log; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

static void
write_part (Fixture *fixture,
            gsize    size,
            char     fill)
{
  g_autofree char *part = dest_path (fixture, ".part");
  g_autofree char *junk = g_malloc (size);
  g_autoptr(GError) error = NULL;

  memset (junk, fill, size);
  g_assert_cmpint (g_mkdir_with_parents (fixture->dest, 0755), ==, 0);
  g_file_set_contents (part, junk, size, &error);
  g_assert_no_error (error);
}

static void
test_full (Fixture       *fixture,
           gconstpointer  data)
{
  /* about a second: 5 ms after each 16 KiB */
  g_autofree char *url = url_for (fixture, "delay=5");
  g_autofree char *final = dest_path (fixture, NULL);
  g_autofree char *part = dest_path (fixture, ".part");
  g_autoptr(Run) run = run_download (url, fixture->dest, 0, 0);
  g_auto(GStrv) kept = NULL;
  Report *last;
  double seconds;

  g_assert_no_error (run->error);
  g_assert_cmpstr (run->path, ==, final);
  assert_file_is_image (fixture, final);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  g_assert_cmpuint (run->reports->len, >=, 2);
  for (guint i = 1; i < run->reports->len; i++)
    {
      Report *before = &g_array_index (run->reports, Report, i - 1);
      Report *now = &g_array_index (run->reports, Report, i);

      g_assert_cmpuint (now->received, >=, before->received);
      g_assert_cmpuint (now->total, ==, IMAGE_SIZE);
    }
  last = &g_array_index (run->reports, Report, run->reports->len - 1);
  g_assert_cmpuint (last->received, ==, IMAGE_SIZE);
  g_assert_cmpuint (last->total, ==, IMAGE_SIZE);
  /* at most ten a second, plus the first and the last */
  seconds = (run->finished - run->started) / (double) G_USEC_PER_SEC;
  g_test_message ("%u reports in %.2f s", run->reports->len, seconds);
  g_assert_cmpfloat (seconds, >, 0.5);
  g_assert_cmpuint (run->reports->len, <=, seconds * 10 + 3);
  g_assert_cmpstr (last_request (fixture), ==, "GET /" IMAGE_NAME " range=");

  /* kept, and a second download of it is the file already there, no request made */
  kept = corral_image_download_list_kept (fixture->dest);
  g_assert_cmpuint (g_strv_length (kept), ==, 1);
  g_assert_cmpstr (kept[0], ==, final);
  {
    g_autoptr(Run) again = run_download (url, fixture->dest, IMAGE_SIZE, 0);

    g_assert_no_error (again->error);
    g_assert_cmpstr (again->path, ==, final);
    g_assert_cmpuint (count_requests (fixture), ==, 1);
  }
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "delay=20");
  g_autofree char *final = dest_path (fixture, NULL);
  g_autofree char *part = dest_path (fixture, ".part");
  g_autoptr(Run) run = run_download (url, fixture->dest, 0, 1);
  g_auto(GStrv) kept = NULL;

  g_assert_error (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (run->path);
  g_assert_false (g_file_test (final, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (part, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (file_size (part), >, 0);
  g_assert_cmpuint (file_size (part), <, IMAGE_SIZE);
  kept = corral_image_download_list_kept (fixture->dest);
  g_assert_cmpuint (g_strv_length (kept), ==, 0);
}

static void
test_truncated_then_resume (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *cut_url = url_for (fixture, "cut=" G_STRINGIFY (CUT_AT));
  g_autofree char *url = url_for (fixture, NULL);
  g_autofree char *final = dest_path (fixture, NULL);
  g_autofree char *part = dest_path (fixture, ".part");
  g_autoptr(Run) cut = run_download (cut_url, fixture->dest, 0, 0);
  g_autoptr(Run) resumed = NULL;
  Report *first;

  g_assert_error (cut->error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD);
  g_test_message ("%s", cut->error->message);
  g_assert_nonnull (strstr (cut->error->message, "download it again to resume"));
  g_assert_false (g_file_test (final, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_size (part), ==, CUT_AT);

  resumed = run_download (url, fixture->dest, IMAGE_SIZE, 0);
  g_assert_no_error (resumed->error);
  g_assert_cmpstr (resumed->path, ==, final);
  g_assert_cmpstr (last_request (fixture), ==, RANGE_REQUEST);
  assert_file_is_image (fixture, final);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  /* progress starts from what was there */
  first = &g_array_index (resumed->reports, Report, 0);
  g_assert_cmpuint (first->received, ==, CUT_AT);
}

static void
test_range_ignored (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, "norange=1");
  g_autofree char *final = dest_path (fixture, NULL);
  g_autoptr(Run) run = NULL;

  /* junk in the .part: only a restart from 0 gives the image */
  write_part (fixture, CUT_AT, 'x');
  run = run_download (url, fixture->dest, 0, 0);
  g_assert_no_error (run->error);
  g_assert_cmpstr (last_request (fixture), ==, RANGE_REQUEST);
  assert_file_is_image (fixture, final);
}

static void
test_part_too_big (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, NULL);
  g_autofree char *final = dest_path (fixture, NULL);

  /* the server answers 416, the download starts again */
  write_part (fixture, IMAGE_SIZE + 10, 'x');
  {
    g_autoptr(Run) run = run_download (url, fixture->dest, 0, 0);

    g_assert_no_error (run->error);
    g_assert_cmpuint (count_requests (fixture), ==, 2);
    g_assert_cmpstr (last_request (fixture), ==, "GET /" IMAGE_NAME " range=");
    assert_file_is_image (fixture, final);
  }

  /* larger than the size expected: no Range asked at all */
  g_assert_cmpint (g_unlink (final), ==, 0);
  write_part (fixture, IMAGE_SIZE + 10, 'x');
  {
    g_autoptr(Run) run = run_download (url, fixture->dest, IMAGE_SIZE, 0);

    g_assert_no_error (run->error);
    g_assert_cmpuint (count_requests (fixture), ==, 3);
    g_assert_cmpstr (last_request (fixture), ==, "GET /" IMAGE_NAME " range=");
    assert_file_is_image (fixture, final);
  }
}

static void
test_size_mismatch (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *url = url_for (fixture, NULL);
  g_autofree char *final = dest_path (fixture, NULL);
  g_autofree char *part = dest_path (fixture, ".part");

  /* the server's size is not the one expected */
  {
    g_autoptr(Run) run = run_download (url, fixture->dest, IMAGE_SIZE + 1, 0);

    g_assert_error (run->error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD);
    g_test_message ("%s", run->error->message);
    g_assert_nonnull (strstr (run->error->message, "were expected"));
    g_assert_false (g_file_test (final, G_FILE_TEST_EXISTS));
  }
  /* Content-Length says less than the image: it is not the image expected */
  {
    g_autofree char *short_url = url_for (fixture, "length=1000");
    g_autoptr(Run) run = run_download (short_url, fixture->dest, IMAGE_SIZE, 0);

    g_assert_error (run->error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD);
    g_assert_nonnull (strstr (run->error->message, "were expected"));
    g_assert_false (g_file_test (final, G_FILE_TEST_EXISTS));
  }
  /* Content-Length says more than arrives before the server closes: kept, to resume */
  {
    g_autofree char *long_url = url_for (fixture, "length=9999999999");
    g_autoptr(Run) run = run_download (long_url, fixture->dest, 0, 0);

    g_assert_error (run->error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD);
    g_test_message ("%s", run->error->message);
    g_assert_nonnull (strstr (run->error->message, "download it again to resume"));
    g_assert_false (g_file_test (final, G_FILE_TEST_EXISTS));
    g_assert_cmpuint (file_size (part), ==, IMAGE_SIZE);
  }
  /* a 404 */
  {
    g_autofree char *missing = g_strdup_printf ("http://127.0.0.1:%u/missing.img", fixture->port);
    g_autoptr(Run) run = run_download (missing, fixture->dest, 0, 0);

    g_assert_error (run->error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD);
    g_assert_nonnull (strstr (run->error->message, "404"));
  }
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  const char *not_http[] = {
    "ftp://127.0.0.1/image.qcow2",
    "file:///etc/passwd",
    "image.qcow2",
    "http:///image.qcow2",
    "",
  };
  const char *bad_names[] = {
    "http://127.0.0.1:1/",
    "http://127.0.0.1:1",
    "http://127.0.0.1:1/images/..",
    "http://127.0.0.1:1/%2e%2e",
    "http://127.0.0.1:1/a%2Fb",
    "http://127.0.0.1:1/.hidden",
    "http://127.0.0.1:1/image.qcow2.part",
    "http://127.0.0.1:1/bad%0Aname",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (not_http); i++)
    {
      g_autoptr(Run) run = run_download (not_http[i], fixture->dest, 0, 0);

      g_assert_error (run->error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD);
      g_assert_nonnull (strstr (run->error->message, "Only http:// and https://"));
      g_assert_cmpuint (run->reports->len, ==, 0);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr(Run) run = run_download (bad_names[i], fixture->dest, 0, 0);

      g_assert_error (run->error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD);
      g_test_message ("%s", run->error->message);
      g_assert_nonnull (strstr (run->error->message, "does not end in a file name"));
    }
  g_assert_false (g_file_test (fixture->dest, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_requests (fixture), ==, 0);
}

static void
test_kept_list (void)
{
  g_autofree char *dir = cloud_test_make_dir ();
  g_autofree char *cache = corral_image_download_dir ();
  g_autofree char *expected_cache = g_build_filename (g_get_user_cache_dir (), "corral", "images",
                                                      NULL);
  const char *files[] = { "b.qcow2", "a.raw", "c.qcow2.part", ".hidden", "empty.img" };
  g_auto(GStrv) kept = NULL;
  g_auto(GStrv) none = NULL;
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);

  g_assert_cmpstr (cache, ==, expected_cache);
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_autoptr(GError) error = NULL;

      g_file_set_contents (path, "data", g_str_equal (files[i], "empty.img") ? 0 : 4, &error);
      g_assert_no_error (error);
    }
  {
    g_autofree char *sub = g_build_filename (dir, "folder", NULL);
    g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  }
  kept = corral_image_download_list_kept (dir);
  g_assert_cmpuint (g_strv_length (kept), ==, 2);
  g_assert_true (g_str_has_suffix (kept[0], "/a.raw"));
  g_assert_true (g_str_has_suffix (kept[1], "/b.qcow2"));
  none = corral_image_download_list_kept (missing);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  cloud_test_remove_tree (dir);
}

static void
test_offers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsinfoOs) os = NULL;
  g_auto(GStrv) offers = NULL;
  g_auto(GStrv) arm = NULL;
  g_auto(GStrv) none = NULL;

  if (corral_osinfo_get_db (&error) == NULL)
    {
      g_test_skip_printf ("no libosinfo database (osinfo-db): %s", error->message);
      return;
    }
  os = corral_osinfo_find_os ("http://debian.org/debian/11");
  if (os == NULL)
    {
      g_test_skip ("osinfo-db has no Debian 11");
      return;
    }
  /* generic and genericcloud for x86_64; not nocloud (no cloud-init), not the arm64 ones. Where Debian
   * publishes them differs between osinfo-db versions (cdimage.debian.org in Debian 12's,
   * cloud.debian.org in Debian 13's): the file names are asserted. */
  offers = corral_image_download_offers (os, "x86_64");
  g_assert_cmpuint (g_strv_length (offers), ==, 2);
  g_assert_true (g_str_has_prefix (offers[0], "https://"));
  g_assert_true (g_str_has_suffix (offers[0], "/bullseye/latest/debian-11-generic-amd64.qcow2"));
  g_assert_true (g_str_has_prefix (offers[1], "https://"));
  g_assert_true (g_str_has_suffix (offers[1], "/bullseye/latest/debian-11-genericcloud-amd64.qcow2"));
  arm = corral_image_download_offers (os, "aarch64");
  g_assert_cmpuint (g_strv_length (arm), >=, 1);
  for (guint i = 0; arm[i] != NULL; i++)
    g_assert_true (g_str_has_suffix (arm[i], "-arm64.qcow2"));
  none = corral_image_download_offers (os, "s390x");
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_find_program_in_path ("python3") == NULL)
    {
      g_test_skip ("python3 is not installed (the test's web server)");
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/cloud/download/full", test_full);
  ADD ("/cloud/download/cancel", test_cancel);
  ADD ("/cloud/download/truncated-then-resume", test_truncated_then_resume);
  ADD ("/cloud/download/range-ignored", test_range_ignored);
  ADD ("/cloud/download/part-too-big", test_part_too_big);
  ADD ("/cloud/download/size-mismatch", test_size_mismatch);
  ADD ("/cloud/download/refused", test_refused);
#undef ADD
  g_test_add_func ("/cloud/download/kept-list", test_kept_list);
  g_test_add_func ("/cloud/download/offers", test_offers);

  return g_test_run ();
}
