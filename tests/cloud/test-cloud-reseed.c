/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A clone's seed is made from its guest's: the ISO libisofs wrote read back (corral_cloud_read_seed,
 * round trips with corral_cloud_build_seed, what is no seed refused), and the user-data's hostname
 * line changed to the clone's name (golden strings: every other byte the same; odd names and user-data
 * Corral did not write refused, word for word). */
#include "config.h"

#include <string.h>

#include "cloud-test-util.h"
#include "corral-cloud-init.h"
#include "corral-cloud-init-private.h"

#define ED25519_LINE "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPp60hIUYi5SeJIlofcG9ApS4dwlTl6VXCONyJG8i84W " \
                     "alice@corral-test"

#define SHAPE_REFUSED "The cloud-init user-data is not as Corral writes it (“#cloud-config”, then one " \
                      "“hostname:” line, then “preserve_hostname: false”): Corral cannot give the clone " \
                      "a host name of its own"

static char *
user_data_for (const char *host_name,
               const char *password)
{
  g_autoptr(CorralCloudIdentity) identity = corral_cloud_identity_new ();
  g_autoptr(GError) error = NULL;
  char *user_data;

  identity->user_name = g_strdup ("alice");
  identity->ssh_keys = g_strdupv ((char *[]) { ED25519_LINE, NULL });
  identity->password = g_strdup (password);
  user_data = _corral_cloud_build_user_data_with_setting (identity, host_name, "$6$CorralGoldenSa", &error);
  g_assert_no_error (error);
  g_assert_nonnull (user_data);
  return user_data;
}

static void
assert_round_trip (const char *meta_data,
                   const char *user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) iso = corral_cloud_build_seed (meta_data, user_data, &error);
  g_autofree char *meta_back = NULL;
  g_autofree char *user_back = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (iso);
  g_assert_true (corral_cloud_read_seed (iso, &meta_back, &user_back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (meta_back, ==, meta_data);
  g_assert_cmpstr (user_back, ==, user_data);
}

static void
test_read_round_trip (void)
{
  g_autofree char *meta_data = corral_cloud_build_meta_data ("iid-7d3f0c1e", "node1");
  g_autofree char *user_data = user_data_for ("node1", "correct horse");
  g_autoptr(GString) big = g_string_new ("#cloud-config\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) iso = NULL;

  assert_round_trip (meta_data, user_data);
  /* empty files, and text past one ISO block (several blocks, not a multiple of 2048) */
  assert_round_trip ("", "");
  for (guint i = 0; big->len < 5 * 2048 + 17; i++)
    g_string_append_printf (big, "# line %u: ünïcödé, \"quotes\" and \\ backslashes\n", i);
  assert_round_trip (meta_data, big->str);

  /* out parameters may be NULL */
  iso = corral_cloud_build_seed (meta_data, user_data, &error);
  g_assert_no_error (error);
  g_assert_true (corral_cloud_read_seed (iso, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_read_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) small = g_bytes_new_static ("not an image", 12);
  g_autofree guint8 *zeros = g_malloc0 (64 * 2048);
  g_autoptr(GBytes) blank = g_bytes_new (zeros, 64 * 2048);
  g_autofree char *meta = NULL;
  g_autofree char *user = NULL;

  g_assert_false (corral_cloud_read_seed (small, &meta, &user, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED);
  g_assert_cmpstr (error->message, ==, "The cloud-init seed is no ISO 9660 image: it has only 12 bytes");
  g_assert_null (meta);
  g_assert_null (user);
  g_clear_error (&error);

  /* big enough, but no volume descriptor */
  g_assert_false (corral_cloud_read_seed (blank, &meta, &user, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED);
  g_assert_true (g_str_has_prefix (error->message, "Could not read the cloud-init seed (iso_image_import): "));
  g_assert_null (meta);
  g_assert_null (user);
}

static void
test_host_name_golden (void)
{
  g_autofree char *original = user_data_for ("node1", "correct horse");
  g_autofree char *expected_rest = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *key_only = NULL;
  g_autofree char *key_changed = NULL;
  g_autofree char *key_expected = user_data_for ("web-Clone-2", NULL);
  g_autoptr(GError) error = NULL;
  const char *rest;

  changed = _corral_cloud_user_data_set_host_name (original, "node4", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (changed, ==,
                   "#cloud-config\n"
                   "hostname: \"node4\"\n"
                   "preserve_hostname: false\n"
                   "users:\n"
                   "  - name: \"alice\"\n"
                   "    sudo: \"ALL=(ALL) NOPASSWD:ALL\"\n"
                   "    groups: \"sudo\"\n"
                   "    shell: \"/bin/bash\"\n"
                   "    lock_passwd: false\n"
                   "    passwd: \"$6$CorralGoldenSa$POABqoLrQSfxoWFaeb.uDySmbkppROk9Nx2XOuDE0RXLpfog/"
                   "f1fIOIqmAwB.JutueOJqJms6cllU0GIbSEgc0\"\n"
                   "    ssh_authorized_keys:\n"
                   "      - \"" ED25519_LINE "\"\n"
                   "ssh_pwauth: true\n");
  /* every byte after the hostname line is the original's */
  rest = strchr (strchr (original, '\n') + 1, '\n');
  g_assert_true (g_str_has_suffix (changed, rest));

  /* the same as what the clone's name would have given in the first place */
  key_only = user_data_for ("node1", NULL);
  key_changed = _corral_cloud_user_data_set_host_name (key_only, "web-Clone-2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key_changed, ==, key_expected);
  /* and back */
  g_clear_pointer (&changed, g_free);
  changed = _corral_cloud_user_data_set_host_name (key_changed, "node1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (changed, ==, key_only);
}

static void
test_host_name_odd_names (void)
{
  g_autofree char *original = user_data_for ("node1", NULL);
  const struct { const char *name; const char *message; } cases[] = {
    { "", "Enter a host name: letters, digits and “-”" },
    { "web_1", "“web_1” cannot be a host name: it contains “_”. Use only letters, digits and “-”" },
    { "a.b", "“a.b” cannot be a host name: it contains “.”. Use only letters, digits and “-”" },
    { "x\"\nfqdn: evil", NULL },
    { "-web", NULL },
    { "web-", NULL },
    { "nödé", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) expected = NULL;
      g_autofree char *changed = _corral_cloud_user_data_set_host_name (original, cases[i].name, &error);

      g_assert_null (changed);
      g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_HOST_NAME);
      /* the same refusal, word for word, as the check's */
      g_assert_false (corral_cloud_check_host_name (cases[i].name, &expected));
      g_assert_cmpstr (error->message, ==, expected->message);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
  g_assert_null (_corral_cloud_user_data_set_host_name (original, NULL, NULL));
}

static void
test_host_name_shape_refused (void)
{
  g_autofree char *original = user_data_for ("node1", NULL);
  g_autofree char *second_hostname = g_strconcat (original, "hostname: \"other\"\n", NULL);
  g_autofree char *fqdn = g_strconcat (original, "fqdn: \"node1.lab\"\n", NULL);
  g_autofree char *crlf = g_strdup_printf ("#cloud-config\r\nhostname: \"node1\"\r\n%s",
                                           strstr (original, "preserve_hostname"));
  const char *bad[] = {
    "",
    "#cloud-config\n",
    "hostname: \"node1\"\npreserve_hostname: false\n",                /* no #cloud-config */
    "#cloud-config\nusers: []\nhostname: \"node1\"\npreserve_hostname: false\n",
    "#cloud-config\nhostname: node1\npreserve_hostname: false\n",     /* not quoted */
    "#cloud-config\nhostname: \"node1\"\n",                           /* no preserve_hostname */
    "#cloud-config\nhostname: \"node1\"\npreserve_hostname: true\n",
    "#cloud-config\nhostname: \"node1\" # a comment\npreserve_hostname: false\n",
    "#cloud-config\nhostname: \"node1\"",
    "#!/bin/sh\nhostname: \"node1\"\npreserve_hostname: false\n",
    second_hostname,
    fqdn,
    crlf,
    NULL,
  };

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *changed = _corral_cloud_user_data_set_host_name (bad[i], "node4", &error);

      g_assert_null (changed);
      g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED);
      g_assert_cmpstr (error->message, ==, SHAPE_REFUSED);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cloud/reseed/read-round-trip", test_read_round_trip);
  g_test_add_func ("/cloud/reseed/read-refused", test_read_refused);
  g_test_add_func ("/cloud/reseed/host-name-golden", test_host_name_golden);
  g_test_add_func ("/cloud/reseed/host-name-odd-names", test_host_name_odd_names);
  g_test_add_func ("/cloud/reseed/host-name-shape-refused", test_host_name_shape_refused);
  return g_test_run ();
}
