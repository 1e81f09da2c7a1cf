/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of corral-lvm: what it refuses before running any LVM command, and how
 * it reads LVM's reports.  Needs nothing but the build. */

#include "config.h"

#include <string.h>

#include "corral-lvm-private.h"

static void
test_good_names (void)
{
  static const char * const good[] = {
    "a", "vm1", "Corral-disk_1.img", "debian+extra", "x.", "..x", "x..", "_", "9",
    "a-b-c", "lvol0", "my_snapshot", "disk.pvmove", "disk_mlo", "mlog", "_mlo",
  };
  g_autofree char *longest = g_strnfill (CORRAL_LVM_NAME_MAX, 'v');

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("good name: %s", good[i]);
      g_assert_true (corral_lvm_validate_name (good[i], "logical volume", &error));
      g_assert_no_error (error);
    }

  g_assert_true (corral_lvm_validate_name (longest, "logical volume", NULL));
}

static void
assert_refused (const char *name,
                const char *expected_in_message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (corral_lvm_validate_name (name, "logical volume", &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
  {
    g_autofree char *printable = name ? g_strescape (name, NULL) : g_strdup ("(null)");

    g_test_message ("%s -> %s", printable, error->message);
  }
  /* A message a person can act on: it names the thing and says why. */
  g_assert_nonnull (strstr (error->message, "logical volume"));
  if (expected_in_message)
    g_assert_nonnull (strstr (error->message, expected_in_message));
  /* It may travel over D-Bus. */
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
test_bad_names (void)
{
  static const char * const shell[] = {
    "a;b", "a|b", "a&b", "a$b", "$(reboot)", "a(b", "a)b", "a b", " a", "a ", "a\tb",
    "a\nb", "`id`", "a'b", "a\"b", "a*b", "a?b", "a>b", "a<b", "a\\b", "a=b", "a,b",
    "a:b", "a@b", "a#b", "a%b", "a!b", "a~b", "a{b", "a[b",
  };
  g_autofree char *too_long = g_strnfill (CORRAL_LVM_NAME_MAX + 1, 'v');

  assert_refused (NULL, "empty");
  assert_refused ("", "empty");

  /* paths */
  assert_refused ("a/b", "may contain only");
  assert_refused ("/dev/sda", "may contain only");
  assert_refused ("../etc", "may contain only");
  assert_refused (".", NULL);
  assert_refused ("..", NULL);

  /* option-like */
  assert_refused ("-", "cannot begin with");
  assert_refused ("-y", "cannot begin with");
  assert_refused ("--config=x", "may contain only");
  assert_refused ("-vg", "cannot begin with");

  for (guint i = 0; i < G_N_ELEMENTS (shell); i++)
    assert_refused (shell[i], "may contain only");

  /* not ASCII: LVM takes none, and the message must stay printable */
  assert_refused ("disk\xc3\xa9", "may contain only");
  assert_refused ("disk\xff\xfe", "may contain only");

  /* reserved by lvm(8) */
  assert_refused ("snapshot", "snapshot");
  assert_refused ("snapshot1", "snapshot");
  assert_refused ("pvmove", "pvmove");
  assert_refused ("pvmove0", "pvmove");
  assert_refused ("disk_mlog", "_mlog");
  assert_refused ("disk_rimage_0", "_rimage");
  assert_refused ("a_cdata", "_cdata");
  assert_refused ("a_cmeta", "_cmeta");
  assert_refused ("a_corig", "_corig");
  assert_refused ("a_iorig", "_iorig");
  assert_refused ("a_mimage_1", "_mimage");
  assert_refused ("lvol0_pmspare", "_pmspare");
  assert_refused ("a_rmeta_2", "_rmeta");
  assert_refused ("pool_tdata", "_tdata");
  assert_refused ("pool_tmeta", "_tmeta");
  assert_refused ("vdo_vdata", "_vdata");
  assert_refused ("s_vorigin", "_vorigin");
  assert_refused ("a_wcorig", "_wcorig");

  assert_refused (too_long, "at most 127");
}

static void
test_group_names (void)
{
  g_autoptr(GError) error = NULL;

  /* A volume group may use a reserved LV word: LVM allows "vg_mlog" as a group. */
  g_assert_true (_corral_lvm_check_name ("vg_mlog", "volume group", FALSE, NULL));
  g_assert_true (_corral_lvm_check_name ("snapshots", "volume group", FALSE, NULL));

  /* and so does the public check, when told it is a group */
  g_assert_true (corral_lvm_validate_name ("vg_mlog", "volume group", NULL));
  g_assert_true (corral_lvm_validate_name ("snapshots", "volume group", NULL));

  /* for anything else it applies every rule, and says what it checked */
  g_assert_false (corral_lvm_validate_name ("snapshots", "logical volume", &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "logical volume"));
  g_clear_error (&error);
  g_assert_false (corral_lvm_validate_name ("snapshots", NULL, &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "LVM name"));
  g_clear_error (&error);

  /* The group rules still hold. */
  g_assert_false (corral_lvm_validate_name ("vg/x", "volume group", &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "volume group"));
  g_clear_error (&error);

  g_assert_false (_corral_lvm_check_name ("vg/x", "volume group", FALSE, &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (_corral_lvm_check_name ("-vg", "volume group", FALSE, &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (_corral_lvm_check_name ("..", "volume group", FALSE, &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
}

/* Bad arguments are refused before LVM runs: these work without LVM, root or a
 * volume group, and the group named here does not exist. */
static void
test_create_refuses_arguments (void)
{
  g_autofree char *long_lv = g_strnfill (120, 'l');
  g_autofree char *hyphens = g_strnfill (70, '-');
  g_autofree char *hyphen_lv = g_strconcat ("a", hyphens, NULL);
  struct {
    const char *vg;
    const char *lv;
    guint64     size;
  } cases[] = {
    { "vg;rm", "disk", 1 << 20 },
    { "vg", "a b", 1 << 20 },
    { "vg", "../x", 1 << 20 },
    { "vg", "snapshot", 1 << 20 },
    { "vg", "-n", 1 << 20 },
    { "", "disk", 1 << 20 },
    { "vg", "", 1 << 20 },
    { "vg", "disk", 0 },
    { "vg", "disk", 1000 },
    { "vg", "disk", 513 },
    { "vg", "disk", G_MAXUINT64 },
    { "volumegroup", long_lv, 1 << 20 },  /* 11 + 120 > 124 */
    { "vg", hyphen_lv, 1 << 20 },         /* 71 characters, 141 as a dm name */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CorralLogicalVolume) lv = NULL;

      lv = corral_lvm_create_volume (cases[i].vg, cases[i].lv, cases[i].size, NULL, &error);
      g_assert_null (lv);
      g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
      g_test_message ("%s/%s %" G_GUINT64_FORMAT " -> %s", cases[i].vg, cases[i].lv,
                      cases[i].size, error->message);
    }
}

static void
test_remove_refuses_arguments (void)
{
  static const char * const names[][2] = {
    { "vg", "a;b" }, { "vg/x", "disk" }, { "vg", ".." }, { "vg", "-y" }, { "vg", NULL },
    { NULL, "disk" }, { "vg", "pvmove0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (corral_lvm_remove_volume (names[i][0], names[i][1], NULL, &error));
      g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
    }
}

static void
test_sizes (void)
{
  g_autoptr(GError) error = NULL;
  const guint64 mib4 = 4 << 20;
  guint64 rounded = 0;

  g_assert_true (_corral_lvm_round_size (512, mib4, &rounded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rounded, ==, mib4);

  g_assert_true (_corral_lvm_round_size (mib4, mib4, &rounded, NULL));
  g_assert_cmpuint (rounded, ==, mib4);

  g_assert_true (_corral_lvm_round_size (mib4 + 512, mib4, &rounded, NULL));
  g_assert_cmpuint (rounded, ==, 2 * mib4);

  g_assert_true (_corral_lvm_round_size (G_GUINT64_CONSTANT (10) << 30, mib4, &rounded, NULL));
  g_assert_cmpuint (rounded, ==, G_GUINT64_CONSTANT (10) << 30);

  g_assert_false (_corral_lvm_round_size (0, mib4, &rounded, &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (_corral_lvm_round_size (1000, mib4, &rounded, &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "multiple of 512"));
  g_clear_error (&error);

  /* Huge: a multiple of 512 whose rounding to extents would overflow. */
  g_assert_false (_corral_lvm_round_size (G_MAXUINT64 - 511, mib4, &rounded, &error));
  g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NO_SPACE);
  g_clear_error (&error);

  /* The largest size that still rounds fits exactly. */
  g_assert_true (_corral_lvm_round_size (G_MAXUINT64 - mib4 + 1, mib4, &rounded, NULL));
  g_assert_cmpuint (rounded, ==, G_MAXUINT64 - mib4 + 1);
}

/* What lvm2 2.03.16 prints for `vgs --reportformat json --units b --nosuffix`. */
static const char vgs_report[] =
  "  {\n"
  "      \"report\": [\n"
  "          {\n"
  "              \"vg\": [\n"
  "                  {\"vg_name\":\"corraltestX\", \"vg_size\":\"264241152\", "
  "\"vg_free\":\"251658240\", \"vg_extent_size\":\"4194304\"},\n"
  "                  {\"vg_name\":\"other\", \"vg_size\":\"1073741824\", "
  "\"vg_free\":\"0\", \"vg_extent_size\":\"4194304\"}\n"
  "              ]\n"
  "          }\n"
  "      ]\n"
  "  }\n";

static void
test_report_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GHashTable *row;

  rows = _corral_lvm_parse_report (vgs_report, strlen (vgs_report), "vg", &error);
  g_assert_no_error (error);
  g_assert_nonnull (rows);
  g_assert_cmpuint (rows->len, ==, 2);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (g_hash_table_lookup (row, "vg_name"), ==, "corraltestX");
  g_assert_cmpstr (g_hash_table_lookup (row, "vg_size"), ==, "264241152");
  g_assert_cmpstr (g_hash_table_lookup (row, "vg_free"), ==, "251658240");
  row = g_ptr_array_index (rows, 1);
  g_assert_cmpstr (g_hash_table_lookup (row, "vg_name"), ==, "other");
  g_assert_cmpstr (g_hash_table_lookup (row, "vg_free"), ==, "0");
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* An empty section is an empty list, not an error. */
  {
    static const char empty[] = "{\"report\": [ {\"lv\": [\n ]} ]}";

    rows = _corral_lvm_parse_report (empty, strlen (empty), "lv", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 0);
    g_clear_pointer (&rows, g_ptr_array_unref);
  }

  /* Escapes, numbers (lvm2's later "json_std" format), and a log section beside. */
  {
    static const char odd[] =
      "{\"report\":[{\"lv\":[{\"lv_name\":\"a\\\"b\\\\c\\/d\\u00e9\\ud83d\\ude00\","
      "\"lv_size\":4194304, \"lv_tags\":\"corral,x\"}]}],"
      "\"log\":[{\"log_seq_num\":1, \"x\":true, \"y\":null, \"z\":-1.5e3}]}";

    rows = _corral_lvm_parse_report (odd, strlen (odd), "lv", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 1);
    row = g_ptr_array_index (rows, 0);
    g_assert_cmpstr (g_hash_table_lookup (row, "lv_name"), ==,
                     "a\"b\\c/d\xc3\xa9\xf0\x9f\x98\x80");
    g_assert_cmpstr (g_hash_table_lookup (row, "lv_size"), ==, "4194304");
    g_clear_pointer (&rows, g_ptr_array_unref);
  }
}

static void
test_report_refused (void)
{
  static const char * const bad[] = {
    "",
    "   ",
    "No volume groups found",
    "{",
    "{}",
    "[]",
    "{\"report\": {}}",
    "{\"report\": [{\"vg\": [{\"vg_name\": \"a\"}]}]",
    "{\"report\": [{\"vg\": [{\"vg_name\": \"a\"}]}]} trailing",
    "{\"report\": [{\"vg\": [{\"vg_name\": \"a}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": \"a\\x\"}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": \"a\\u00\"}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": \"\\ud800\"}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": \"\\u0000\"}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": \"\xff\"}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": \"a\nb\"}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": [\"a\"]}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": true}]}]}",
    "{\"report\": [{\"vg\": [\"row\"]}]}",
    "{\"report\": [{\"vg\": [{vg_name: \"a\"}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": \"a\",}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": 01}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": -}]}]}",
    "{\"report\": [{\"vg\": [{\"vg_name\": 1.}]}]}",
    "{\"report\": [{\"lv\": []}]}",  /* no "vg" section */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) rows = NULL;

      rows = _corral_lvm_parse_report (bad[i], strlen (bad[i]), "vg", &error);
      g_assert_null (rows);
      g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED);
      {
        g_autofree char *printable = g_strescape (bad[i], NULL);

        g_test_message ("%s -> %s", printable, error->message);
      }
    }

  /* Deep nesting is refused, not recursed into. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = NULL;
    g_autofree char *open = g_strnfill (100000, '[');

    rows = _corral_lvm_parse_report (open, strlen (open), "vg", &error);
    g_assert_null (rows);
    g_assert_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED);
  }
}

static void
test_stderr_summary (void)
{
  g_autofree char *none = NULL;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;

  none = _corral_lvm_summarize_stderr ("  WARNING: Activation disabled. No device-mapper "
                                       "interaction will be attempted.\n\n");
  g_assert_null (none);

  one = _corral_lvm_summarize_stderr (
    "  WARNING: Activation disabled. No device-mapper interaction will be attempted.\n"
    "  Rounding up size to full physical extent 4.00 MiB\n"
    "  Logical Volume \"mylv\" already exists in volume group \"corraltestX\"\n");
  g_assert_cmpstr (one, ==,
                   "Logical Volume \"mylv\" already exists in volume group \"corraltestX\"");

  two = _corral_lvm_summarize_stderr ("  Volume group \"nosuchvg\" not found\n"
                                      "  Cannot process volume group nosuchvg\n"
                                      "  Run `lvcreate --help' for more information.\n");
  g_assert_cmpstr (two, ==, "Volume group \"nosuchvg\" not found; "
                            "Cannot process volume group nosuchvg");
}

static void
test_free_null (void)
{
  corral_volume_group_free (NULL);
  corral_logical_volume_free (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/helper/lvm/names/good", test_good_names);
  g_test_add_func ("/helper/lvm/names/bad", test_bad_names);
  g_test_add_func ("/helper/lvm/names/group", test_group_names);
  g_test_add_func ("/helper/lvm/create/refuses-arguments", test_create_refuses_arguments);
  g_test_add_func ("/helper/lvm/remove/refuses-arguments", test_remove_refuses_arguments);
  g_test_add_func ("/helper/lvm/sizes", test_sizes);
  g_test_add_func ("/helper/lvm/report/parse", test_report_parse);
  g_test_add_func ("/helper/lvm/report/refused", test_report_refused);
  g_test_add_func ("/helper/lvm/stderr-summary", test_stderr_summary);
  g_test_add_func ("/helper/lvm/free-null", test_free_null);

  return g_test_run ();
}
