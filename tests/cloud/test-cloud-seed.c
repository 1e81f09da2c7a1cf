/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cloud-init's NoCloud seed: meta-data and user-data against golden files (the password's salt fixed,
 * its hash checked against openssl's), every value YAML-quoted (and read back by a real YAML parser when
 * python3-yaml is there), and the ISO image libisofs makes, read back with blkid and xorriso. */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cloud-test-util.h"
#include "corral-cloud-init.h"
#include "corral-cloud-init-private.h"

#define ED25519_LINE "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPp60hIUYi5SeJIlofcG9ApS4dwlTl6VXCONyJG8i84W " \
                     "alice@corral-test"
/* A comment with what YAML must have escaped: quotes, a backslash, non-ASCII. */
#define ECDSA_LINE "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBDseyn74fMF9Ungyq4amMg" \
                   "qRlvuOBOMWh4gdbCQST7cg/ShTTxd2qMeBZhTrsmBIizEVv/hSWa34Cjwl+YivoyQ= a \"quoted\" \\ comment ünï"
#define GOLDEN_SETTING "$6$CorralGoldenSa"
#define GOLDEN_PASSWORD "correct horse"

typedef CloudTestDir Fixture;

static char *
golden_path (const char *name)
{
  const char *top = g_getenv ("CORRAL_SOURCE_DIR");

  g_assert_nonnull (top);
  return g_build_filename (top, "tests", "cloud", "golden", name, NULL);
}

/* Compares with the golden file; CORRAL_UPDATE_GOLDEN=1 writes it instead. */
static void
assert_golden (const char *text,
               const char *name)
{
  g_autofree char *path = golden_path (name);
  g_autofree char *expected = NULL;

  if (g_strcmp0 (g_getenv ("CORRAL_UPDATE_GOLDEN"), "1") == 0)
    {
      g_autoptr(GError) error = NULL;
      g_file_set_contents (path, text, -1, &error);
      g_assert_no_error (error);
    }
  expected = cloud_test_read (path);
  g_assert_cmpstr (text, ==, expected);
}

static CorralCloudIdentity *
make_identity (const char *user,
               const char *password,
               ...)
{
  CorralCloudIdentity *identity = corral_cloud_identity_new ();
  g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
  va_list args;
  const char *key;

  identity->user_name = g_strdup (user);
  identity->password = g_strdup (password);
  va_start (args, password);
  while ((key = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (keys, key);
  va_end (args);
  identity->ssh_keys = g_strv_builder_end (keys);
  return identity;
}

static gboolean
have_program (const char *name,
              const char *package)
{
  g_autofree char *path = g_find_program_in_path (name);

  if (path == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("%s is not installed (%s)", name, package);
      g_test_skip (reason);
    }
  return path != NULL;
}

static void
test_yaml_quote (void)
{
  static const char * const cases[][2] = {
    { "", "\"\"" },
    { "node1", "\"node1\"" },
    { "a \"b\" c", "\"a \\\"b\\\" c\"" },
    { "back\\slash", "\"back\\\\slash\"" },
    { "#not: a comment, - [x] {y} &z *w !t |l >f %d @a `b", "\"#not: a comment, - [x] {y} &z *w !t |l >f %d @a `b\"" },
    { "line\nbreak\ttab\rcr", "\"line\\nbreak\\ttab\\rcr\"" },
    { "\x01\x1f\x7f", "\"\\x01\\x1F\\x7F\"" },
    { "ünï €", "\"ünï €\"" },
    { "c1 \xc2\x85 ls \xe2\x80\xa8 bom \xef\xbb\xbf", "\"c1 \\x85 ls \\u2028 bom \\uFEFF\"" },
    { "true", "\"true\"" },
    { "0755", "\"0755\"" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *quoted = _corral_cloud_yaml_quote (cases[i][0]);
      g_assert_cmpstr (quoted, ==, cases[i][1]);
    }
}

static void
test_meta_data (void)
{
  g_autofree char *meta_data = corral_cloud_build_meta_data ("corral-7d3f0c1e-node1", "node1");

  assert_golden (meta_data, "meta-data");
}

static void
test_user_data_key (void)
{
  g_autoptr(CorralCloudIdentity) identity = make_identity ("alice", NULL, "  " ED25519_LINE "\n", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *user_data = corral_cloud_build_user_data (identity, "node1", &error);

  g_assert_no_error (error);
  /* No password: nothing random in it, the public function gives the golden file. */
  assert_golden (user_data, "user-data-key");
}

static void
test_user_data_password (void)
{
  g_autoptr(CorralCloudIdentity) identity = make_identity ("bob", GOLDEN_PASSWORD, ED25519_LINE, ECDSA_LINE, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *user_data = _corral_cloud_build_user_data_with_setting (identity, "Node-2", GOLDEN_SETTING, &error);

  g_assert_no_error (error);
  assert_golden (user_data, "user-data-password");
  g_assert_null (strstr (user_data, GOLDEN_PASSWORD));

  /* The hash is SHA-512 crypt as another implementation makes it. */
  if (have_program ("openssl", "openssl"))
    {
      const char *argv[] = { "openssl", "passwd", "-6", "-salt", GOLDEN_SETTING + 3, GOLDEN_PASSWORD, NULL };
      g_autofree char *hash = cloud_test_run (argv);
      g_autofree char *line = NULL;

      g_assert_nonnull (hash);
      line = g_strdup_printf ("    passwd: \"%s\"\n", g_strstrip (hash));
      g_assert_nonnull (strstr (user_data, line));
    }
}

/* Without a fixed salt: a new random one each time, and the hash checks with crypt. */
static void
test_user_data_random_salt (void)
{
  g_autoptr(CorralCloudIdentity) identity = make_identity ("bob", GOLDEN_PASSWORD, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = corral_cloud_build_user_data (identity, "node1", &error);
  g_autofree char *second = corral_cloud_build_user_data (identity, "node1", &error);
  char *hashes[2];
  char *texts[2] = { first, second };
  struct crypt_data *data = g_new0 (struct crypt_data, 1);

  g_assert_no_error (error);
  for (int i = 0; i < 2; i++)
    {
      const char *start = strstr (texts[i], "    passwd: \"");
      const char *end;

      g_assert_nonnull (start);
      start += strlen ("    passwd: \"");
      end = strchr (start, '"');
      hashes[i] = g_strndup (start, end - start);
      g_assert_true (g_str_has_prefix (hashes[i], "$6$"));
      g_assert_cmpstr (crypt_r (GOLDEN_PASSWORD, hashes[i], data), ==, hashes[i]);
      g_assert_cmpstr (crypt_r ("wrong", hashes[i], data), !=, hashes[i]);
      g_assert_nonnull (strstr (texts[i], "    lock_passwd: false\n"));
      g_assert_nonnull (strstr (texts[i], "\nssh_pwauth: true\n"));
      g_assert_null (strstr (texts[i], "ssh_authorized_keys"));
    }
  g_assert_cmpstr (hashes[0], !=, hashes[1]);
  g_free (hashes[0]);
  g_free (hashes[1]);
  g_free (data);
}

static void
test_user_data_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralCloudIdentity) good = make_identity ("alice", NULL, ED25519_LINE, NULL);
  g_autoptr(CorralCloudIdentity) nobody = make_identity ("alice", NULL, NULL);
  g_autoptr(CorralCloudIdentity) root = make_identity ("root", "pw", NULL);
  g_autofree char *text = NULL;

  text = corral_cloud_build_user_data (good, "node_1", &error);
  g_assert_null (text);
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_HOST_NAME);
  g_clear_error (&error);

  text = corral_cloud_build_user_data (nobody, "node1", &error);
  g_assert_null (text);
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY);
  g_clear_error (&error);

  text = corral_cloud_build_user_data (root, "node1", &error);
  g_assert_null (text);
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME);
}

/* What cloud-init will read: the golden files parsed by a real YAML parser. */
static void
test_user_data_yaml (void)
{
  g_autofree char *script = NULL;
  g_autofree char *key_path = golden_path ("user-data-key");
  g_autofree char *password_path = golden_path ("user-data-password");
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("/usr/bin/python3 is not installed");
      return;
    }
  script = g_build_filename (g_getenv ("CORRAL_SOURCE_DIR"), "tests", "cloud", "check-user-data.py", NULL);

  {
    const char *argv[] = { "/usr/bin/python3", script, key_path, "node1", "alice", "-", ED25519_LINE, NULL };
    g_autofree char *out = NULL;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error));
    g_assert_no_error (error);
    if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
      {
        g_test_skip (out);
        return;
      }
    g_test_message ("%s", out);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  }

  {
    g_autoptr(CorralCloudIdentity) identity = make_identity ("bob", GOLDEN_PASSWORD, NULL);
    struct crypt_data *data = g_new0 (struct crypt_data, 1);
    const char *argv[] = { "/usr/bin/python3", script, password_path, "Node-2", "bob", NULL, ED25519_LINE,
                           ECDSA_LINE, NULL };
    g_autofree char *out = NULL;

    hash = g_strdup (crypt_r (GOLDEN_PASSWORD, GOLDEN_SETTING, data));
    g_free (data);
    argv[5] = hash;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error));
    g_assert_no_error (error);
    g_test_message ("%s", out);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  }
}

/* The seed image, read back by blkid and xorriso: labelled cidata, both files byte for byte, under their
 * own names (Rock Ridge) and in the Joliet tree. */
static void
test_seed_iso (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CorralCloudIdentity) identity = make_identity ("alice", GOLDEN_PASSWORD, ED25519_LINE, ECDSA_LINE, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *meta_data = corral_cloud_build_meta_data ("corral-7d3f0c1e-node1", "node1");
  g_autofree char *user_data = corral_cloud_build_user_data (identity, "node1", &error);
  g_autoptr(GBytes) seed = NULL;
  g_autofree char *iso = g_build_filename (fixture->dir, "node1-cidata.iso", NULL);
  g_autofree char *out_dir = g_build_filename (fixture->dir, "extracted", NULL);
  g_autofree char *label = NULL;
  g_autofree char *type = NULL;
  g_autofree char *toc = NULL;
  const char *label_argv[] = { "blkid", "-p", "-o", "value", "-s", "LABEL", iso, NULL };
  const char *type_argv[] = { "blkid", "-p", "-o", "value", "-s", "TYPE", iso, NULL };
  const char *extract_argv[] = { "xorriso", "-osirrox", "on", "-indev", iso, "-extract", "/", out_dir, NULL };
  /* Without Rock Ridge xorriso reads the Joliet tree (the ISO 9660 one has names like META_DAT). */
  const char *joliet_argv[] = { "xorriso", "-read_fs", "norock", "-indev", iso, "-lsl", "/", NULL };
  const char *pvd_argv[] = { "xorriso", "-indev", iso, "-pvd_info", NULL };
  const char *toc_argv[] = { "xorriso", "-indev", iso, "-toc", NULL };
  static const char * const names[] = { "meta-data", "user-data" };

  g_assert_no_error (error);
  if (!have_program ("blkid", "util-linux") || !have_program ("xorriso", "xorriso"))
    return;

  seed = corral_cloud_build_seed (meta_data, user_data, &error);
  g_assert_no_error (error);
  g_assert_nonnull (seed);
  g_assert_cmpuint (g_bytes_get_size (seed) % 2048, ==, 0);
  g_assert_cmpuint (g_bytes_get_size (seed), <, 1024 * 1024);
  g_file_set_contents (iso, g_bytes_get_data (seed, NULL), g_bytes_get_size (seed), &error);
  g_assert_no_error (error);

  label = cloud_test_run (label_argv);
  g_assert_cmpstr (label, ==, "cidata\n");
  type = cloud_test_run (type_argv);
  g_assert_cmpstr (type, ==, "iso9660\n");

  /* The primary volume descriptor's own volume id, not only the Joliet one blkid prefers. */
  toc = cloud_test_run (pvd_argv);
  g_assert_nonnull (toc);
  g_assert_nonnull (strstr (toc, "Volume Id    : cidata\n"));
  g_clear_pointer (&toc, g_free);
  toc = cloud_test_run (toc_argv);
  g_assert_nonnull (toc);
  g_assert_nonnull (strstr (toc, "ISO offers   : Rock_Ridge Joliet\n"));

  g_clear_pointer (&toc, g_free);
  toc = cloud_test_run (extract_argv);
  g_assert_nonnull (toc);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (out_dir, names[i], NULL);
      g_autofree char *contents = cloud_test_read (path);

      g_assert_cmpstr (contents, ==, i == 0 ? meta_data : user_data);
    }

  {
    g_autofree char *listing = cloud_test_run (joliet_argv);

    g_assert_nonnull (listing);
    g_assert_nonnull (strstr (listing, " 'meta-data'\n"));
    g_assert_nonnull (strstr (listing, " 'user-data'\n"));
  }

  /* Made again: a new image each time, the same files in it. */
  {
    g_autoptr(GBytes) again = corral_cloud_build_seed (meta_data, user_data, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (again), ==, g_bytes_get_size (seed));
  }
}

/* Seeds made in several threads at once (the creator makes one per guest in worker threads). */
static gpointer
build_seed_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *meta_data = g_strdup_printf ("instance-id: \"%p\"\n", data);
  GBytes *seed = corral_cloud_build_seed (meta_data, "#cloud-config\n", &error);

  g_assert_no_error (error);
  return seed;
}

static void
test_seed_threads (void)
{
  GThread *threads[4];

  for (gsize i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("seed", build_seed_thread, GSIZE_TO_POINTER (i + 1));
  for (gsize i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_autoptr(GBytes) seed = g_thread_join (threads[i]);
      g_assert_nonnull (seed);
      g_assert_cmpuint (g_bytes_get_size (seed), >, 16 * 2048);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cloud/seed/yaml-quote", test_yaml_quote);
  g_test_add_func ("/cloud/seed/meta-data", test_meta_data);
  g_test_add_func ("/cloud/seed/user-data-key", test_user_data_key);
  g_test_add_func ("/cloud/seed/user-data-password", test_user_data_password);
  g_test_add_func ("/cloud/seed/user-data-random-salt", test_user_data_random_salt);
  g_test_add_func ("/cloud/seed/user-data-refused", test_user_data_refused);
  g_test_add_func ("/cloud/seed/user-data-yaml", test_user_data_yaml);
  g_test_add ("/cloud/seed/iso", Fixture, NULL, cloud_test_dir_set_up, test_seed_iso, cloud_test_dir_tear_down);
  g_test_add_func ("/cloud/seed/threads", test_seed_threads);

  return g_test_run ();
}
