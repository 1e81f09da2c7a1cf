/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who may log in to a guest made from a cloud image: the user and host name rules, OpenSSH public keys
 * (generated here with ssh-keygen, fingerprints compared with ssh-keygen -l's), the refusals word for
 * word (a private key, garbage, cut-short data, a type that lies, authorized_keys options, two lines),
 * and the keys found in a ~/.ssh. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cloud-test-util.h"
#include "corral-cloud-init.h"

#define ED25519_LINE "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPp60hIUYi5SeJIlofcG9ApS4dwlTl6VXCONyJG8i84W"
#define ED25519_DATA "AAAAC3NzaC1lZDI1NTE5AAAAIPp60hIUYi5SeJIlofcG9ApS4dwlTl6VXCONyJG8i84W"

#define MSG_PRIVATE "This is a private key, which must never leave your computer: choose the public key " \
                    "instead, the file of the same name ending in .pub"

typedef struct
{
  const char *name;
  const char *message; /* NULL: accepted */
} NameCase;

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = cloud_test_make_dir ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cloud_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
have_ssh_keygen (void)
{
  g_autofree char *path = g_find_program_in_path ("ssh-keygen");

  if (path == NULL)
    g_test_skip ("ssh-keygen is not installed (openssh-client)");
  return path != NULL;
}

static void
test_user_names (void)
{
  static const NameCase cases[] = {
    { "alice", NULL },
    { "_svc", NULL },
    { "a", NULL },
    { "a-b_c9", NULL },
    { "debian", NULL },
    { "abcdefghijklmnopqrstuvwxyz012345", NULL },
    { "", "Enter a user name: lowercase letters, digits, “_” and “-”" },
    { "Alice", "The user name “Alice” starts with “A”: start it with a lowercase letter or “_”" },
    { "9lives", "The user name “9lives” starts with “9”: start it with a lowercase letter or “_”" },
    { "-x", "The user name “-x” starts with “-”: start it with a lowercase letter or “_”" },
    { "al ice", "The user name “al ice” contains a space: use only lowercase letters, digits, “_” and “-”" },
    { "alice.b", "The user name “alice.b” contains “.”: use only lowercase letters, digits, “_” and “-”" },
    { "alice$", "The user name “alice$” contains “$”: use only lowercase letters, digits, “_” and “-”" },
    { "jörg", "The user name “jörg” contains “ö”: use only lowercase letters, digits, “_” and “-”" },
    { "a\tb", "The user name “a\tb” contains U+0009: use only lowercase letters, digits, “_” and “-”" },
    { "aLICE", "The user name “aLICE” contains “L”: use only lowercase letters, digits, “_” and “-”" },
    { "abcdefghijklmnopqrstuvwxyz0123456",
      "The user name “abcdefghijklmnopqrstuvwxyz0123456” is 33 characters long: use at most 32" },
    { "root", "“root” is a system account or group on Debian and other cloud images: choose another user name" },
    { "sudo", "“sudo” is a system account or group on Debian and other cloud images: choose another user name" },
    { "nobody", "“nobody” is a system account or group on Debian and other cloud images: choose another user name" },
    { "www-data", "“www-data” is a system account or group on Debian and other cloud images: choose another user name" },
    { "_apt", "“_apt” is a system account or group on Debian and other cloud images: choose another user name" },
    { "sshd", "“sshd” is a system account or group on Debian and other cloud images: choose another user name" },
    { "systemd-network",
      "“systemd-network” is a system account or group on Debian and other cloud images: choose another user name" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = corral_cloud_check_user_name (cases[i].name, &error);

      g_test_message ("user name “%s”", cases[i].name);
      if (cases[i].message == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME);
          g_assert_false (ok);
          g_assert_cmpstr (error->message, ==, cases[i].message);
        }
    }

  {
    g_autoptr(GError) error = NULL;
    g_assert_false (corral_cloud_check_user_name (NULL, &error));
    g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME);
  }
}

static void
test_host_names (void)
{
  static const NameCase cases[] = {
    { "node1", NULL },
    { "N", NULL },
    { "a-b", NULL },
    { "Node-2", NULL },
    { "123", NULL },
    { "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0", NULL },
    { "", "Enter a host name: letters, digits and “-”" },
    { "node_1", "“node_1” cannot be a host name: it contains “_”. Use only letters, digits and “-”" },
    { "node.lab", "“node.lab” cannot be a host name: it contains “.”. Use only letters, digits and “-”" },
    { "my node", "“my node” cannot be a host name: it contains a space. Use only letters, digits and “-”" },
    { "nöde", "“nöde” cannot be a host name: it contains “ö”. Use only letters, digits and “-”" },
    { "-node", "“-node” cannot be a host name: it starts or ends with “-”. Start and end it with a letter or digit" },
    { "node-", "“node-” cannot be a host name: it starts or ends with “-”. Start and end it with a letter or digit" },
    { "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01",
      "“abcdefghijklmnopqrstuvwxyz0123456789abcd…” cannot be a host name: it is 64 characters long. "
      "Use at most 63" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = corral_cloud_check_host_name (cases[i].name, &error);

      g_test_message ("host name “%s”", cases[i].name);
      if (cases[i].message == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_HOST_NAME);
          g_assert_false (ok);
          g_assert_cmpstr (error->message, ==, cases[i].message);
        }
    }
}

/* Keys made by ssh-keygen parse, keep their line and comment, and have ssh-keygen -l's fingerprint. */
static void
test_keys_generated (Fixture       *fixture,
                     gconstpointer  data)
{
  static const struct { const char *type; int bits; const char *name; } kinds[] = {
    { "ed25519", 0, "ssh-ed25519" },
    { "rsa", 3072, "ssh-rsa" },
    { "ecdsa", 256, "ecdsa-sha2-nistp256" },
    { "ecdsa", 384, "ecdsa-sha2-nistp384" },
    { "ecdsa", 521, "ecdsa-sha2-nistp521" },
  };

  if (!have_ssh_keygen ())
    return;

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *base = g_strdup_printf ("%s-%d", kinds[i].type, kinds[i].bits);
      g_autofree char *path = g_build_filename (fixture->dir, base, NULL);
      g_autofree char *pub_path = g_strconcat (path, ".pub", NULL);
      g_autofree char *comment = g_strdup_printf ("me@host %s key", base);
      g_autofree char *contents = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *messy = NULL;
      g_autoptr(CorralSshKey) key = NULL;
      g_autoptr(CorralSshKey) again = NULL;
      g_autoptr(CorralSshKey) private_key = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) fields = NULL;

      g_test_message ("%s", base);
      g_assert_true (cloud_test_ssh_keygen (kinds[i].type, kinds[i].bits, comment, path));
      contents = cloud_test_read (pub_path);

      key = corral_cloud_parse_public_key (contents, &error);
      g_assert_no_error (error);
      g_assert_nonnull (key);
      g_assert_cmpstr (key->type, ==, kinds[i].name);
      g_assert_cmpstr (key->comment, ==, comment);
      g_assert_cmpstr (key->line, ==, g_strstrip (contents));
      g_assert_null (key->path);
      expected = cloud_test_ssh_fingerprint (pub_path);
      g_assert_cmpstr (key->fingerprint, ==, expected);

      /* Pasted with extra blanks around and between the fields: the same key, one line, single spaces. */
      fields = g_strsplit (contents, " ", -1);
      messy = g_strjoinv ("  \t ", fields);
      again = corral_cloud_parse_public_key (messy, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (again->line, ==, contents);
      g_assert_cmpstr (again->fingerprint, ==, expected);

      /* The private key of the same pair is refused, and saying so. */
      g_free (contents);
      contents = cloud_test_read (path);
      private_key = corral_cloud_parse_public_key (contents, &error);
      g_assert_null (private_key);
      g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY);
      g_assert_cmpstr (error->message, ==, MSG_PRIVATE);
    }
}

/* A key without comment; the sk- (security key) types, made here by hand from a generated key's parts
 * (ssh-keygen needs the hardware to make them). */
static void
test_keys_forms (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralSshKey) key = corral_cloud_parse_public_key (ED25519_LINE "\n", &error);
  g_autofree guchar *blob = NULL;
  gsize blob_len;
  g_autoptr(GByteArray) sk = g_byte_array_new ();
  static const char sk_type[] = "sk-ssh-ed25519@openssh.com";
  static const char application[] = "ssh:";
  guint8 be[4];
  g_autofree char *sk_data = NULL;
  g_autofree char *sk_line = NULL;
  g_autoptr(CorralSshKey) sk_key = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (key->line, ==, ED25519_LINE);
  g_assert_cmpstr (key->comment, ==, "");
  g_assert_cmpstr (key->fingerprint, ==, "SHA256:ACps/GsiLredlYxd+gZEwEOrOQD5JDRl2/Up0SyO4P4");

  /* string type, string key (the ed25519 key's 32 bytes), string application */
  blob = g_base64_decode (ED25519_DATA, &blob_len);
  g_assert_cmpuint (blob_len, ==, 4 + 11 + 4 + 32);
  be[0] = be[1] = be[2] = 0;
  be[3] = sizeof sk_type - 1;
  g_byte_array_append (sk, be, 4);
  g_byte_array_append (sk, (const guint8 *) sk_type, sizeof sk_type - 1);
  g_byte_array_append (sk, blob + 15, 36);
  be[3] = sizeof application - 1;
  g_byte_array_append (sk, be, 4);
  g_byte_array_append (sk, (const guint8 *) application, sizeof application - 1);
  sk_data = g_base64_encode (sk->data, sk->len);
  sk_line = g_strconcat (sk_type, " ", sk_data, " yubikey", NULL);
  sk_key = corral_cloud_parse_public_key (sk_line, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sk_key->type, ==, sk_type);
  g_assert_cmpstr (sk_key->line, ==, sk_line);
  g_assert_cmpstr (sk_key->comment, ==, "yubikey");
}

typedef struct
{
  const char *what;
  const char *text;
  const char *message;
} BadKey;

static void
test_keys_refused (void)
{
  static const BadKey cases[] = {
    { "empty", "  \n\t", "The key is empty: paste the line of a .pub file, such as ~/.ssh/id_ed25519.pub" },
    { "garbage", "hello world",
      "“hello” is not a public key type: use an OpenSSH public key (ssh-ed25519, ssh-rsa, "
      "ecdsa-sha2-nistp256/384/521 or a security key’s sk-…), the line of its .pub file" },
    { "a long unknown type", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx AAAA",
      "“xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…” is not a public key type: use an OpenSSH public key "
      "(ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256/384/521 or a security key’s sk-…), the line of its .pub file" },
    { "no data", "ssh-ed25519",
      "The ssh-ed25519 key has no key data after its type: paste the whole line of the .pub file" },
    { "base64 cut mid-quantum", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPp60hIUYi5SeJIlofcG9ApS4dwlTl6VXCONyJG8i8 me",
      "The ssh-ed25519 key’s data is not valid base64 (cut short or changed?): paste the whole line of the "
      ".pub file, unchanged" },
    { "base64 with a stray character", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPp60hIUYi5SeJIlofcG9ApS4dwlTl6VXCONyJG8i8*W",
      "The ssh-ed25519 key’s data is not valid base64 (cut short or changed?): paste the whole line of the "
      ".pub file, unchanged" },
    { "base64 cut at a quantum", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPp60hIUYi5SeJIlofcG9ApS4dwlTl6VXCON me",
      "The ssh-ed25519 key’s data is cut short or damaged: paste the whole line of the .pub file, unchanged" },
    { "the type lies (the data is ed25519)", "ssh-rsa " ED25519_DATA " me",
      "The line says ssh-rsa but its data is an ssh-ed25519 key: paste the line of the .pub file unchanged" },
    { "the data is no key", "ssh-ed25519 aGVsbG8gd29ybGQ=",
      "The line says ssh-ed25519 but its data is no such key: paste the line of the .pub file unchanged" },
    { "authorized_keys options", "no-pty,command=\"echo hi there\" " ED25519_LINE " me",
      "This line starts with authorized_keys options (“no-pty,command=\"echo hi there\"”): paste only the key, "
      "from its type (ssh-ed25519) on" },
    { "two lines", ED25519_LINE " one\n" ED25519_LINE " two\n",
      "This text has 2 lines: add one key at a time, each on one line" },
    { "two lines, CR LF, a blank line between", ED25519_LINE " one\r\n\r\n" ED25519_LINE " two",
      "This text has 2 lines: add one key at a time, each on one line" },
    { "an OpenSSH private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"
      "-----END OPENSSH PRIVATE KEY-----\n", MSG_PRIVATE },
    { "a PEM RSA private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", MSG_PRIVATE },
    { "a PuTTY key", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me\nPublic-Lines: 2\n",
      MSG_PRIVATE },
    { "an SSH2 (RFC 4716) public key", "---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"me\"\nAAAAC3Nza\n"
      "---- END SSH2 PUBLIC KEY ----\n",
      "This public key is in the SSH2 (RFC 4716) format: convert it with “ssh-keygen -i -f FILE” and use the "
      "line that prints" },
    { "DSA", "ssh-dss AAAAB3NzaC1kc3MAAACBAP me",
      "DSA keys (ssh-dss) are no longer accepted by OpenSSH: make an Ed25519 key with “ssh-keygen -t ed25519” "
      "and use its .pub file" },
    { "not text", "ssh-ed25519 \xff\xfe",
      "This is not a public key (it is not text): choose the key’s .pub file, such as ~/.ssh/id_ed25519.pub" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CorralSshKey) key = NULL;

      g_test_message ("%s", cases[i].what);
      key = corral_cloud_parse_public_key (cases[i].text, &error);
      g_assert_null (key);
      g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* A ~/.ssh with good, bad and private files: only the .pub files that parse, sorted by name. */
static void
test_list_user_keys (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *ed_path = g_build_filename (fixture->dir, "id_ed25519", NULL);
  g_autofree char *rsa_path = g_build_filename (fixture->dir, "work_rsa", NULL);
  g_autofree char *ed_pub = g_strconcat (ed_path, ".pub", NULL);
  g_autofree char *rsa_pub = g_strconcat (rsa_path, ".pub", NULL);
  g_autofree char *private_text = NULL;
  g_autofree char *ed_fingerprint = NULL;
  g_autofree char *rsa_fingerprint = NULL;
  g_autofree char *subdir = g_build_filename (fixture->dir, "dir.pub", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing", NULL);
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  CorralSshKey *key;

  if (!have_ssh_keygen ())
    return;

  g_assert_true (cloud_test_ssh_keygen ("ed25519", 0, "me@laptop", ed_path));
  g_assert_true (cloud_test_ssh_keygen ("rsa", 2048, "me@work", rsa_path));
  private_text = cloud_test_read (ed_path);
  write_file (fixture->dir, "a-garbage.pub", "not a key at all\n");
  write_file (fixture->dir, "b-private-by-mistake.pub", private_text);
  write_file (fixture->dir, "empty.pub", "");
  write_file (fixture->dir, "two.pub", ED25519_LINE " one\n" ED25519_LINE " two\n");
  write_file (fixture->dir, "known_hosts", "host " ED25519_LINE "\n");
  write_file (fixture->dir, "config", "Host *\n");
  write_file (fixture->dir, "binary.pub", "ssh-ed25519 \x01\x02");
  g_assert_cmpint (g_mkdir (subdir, 0700), ==, 0);

  keys = corral_cloud_list_user_keys (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (keys);
  g_assert_cmpuint (keys->len, ==, 2);

  ed_fingerprint = cloud_test_ssh_fingerprint (ed_pub);
  rsa_fingerprint = cloud_test_ssh_fingerprint (rsa_pub);
  key = g_ptr_array_index (keys, 0);
  g_assert_cmpstr (key->path, ==, ed_pub);
  g_assert_cmpstr (key->type, ==, "ssh-ed25519");
  g_assert_cmpstr (key->comment, ==, "me@laptop");
  g_assert_cmpstr (key->fingerprint, ==, ed_fingerprint);
  key = g_ptr_array_index (keys, 1);
  g_assert_cmpstr (key->path, ==, rsa_pub);
  g_assert_cmpstr (key->type, ==, "ssh-rsa");
  g_assert_cmpstr (key->comment, ==, "me@work");
  g_assert_cmpstr (key->fingerprint, ==, rsa_fingerprint);

  {
    g_autoptr(CorralSshKey) copy = corral_ssh_key_copy (key);
    g_assert_cmpstr (copy->path, ==, key->path);
    g_assert_cmpstr (copy->line, ==, key->line);
    g_assert_cmpstr (copy->fingerprint, ==, key->fingerprint);
  }

  /* No such directory (a user without ~/.ssh): no keys, and nothing wrong. */
  g_clear_pointer (&keys, g_ptr_array_unref);
  keys = corral_cloud_list_user_keys (missing, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 0);

  /* A file where the directory should be: an error that names it. */
  g_clear_pointer (&keys, g_ptr_array_unref);
  keys = corral_cloud_list_user_keys (ed_pub, &error);
  g_assert_null (keys);
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY);
  g_assert_true (g_str_has_prefix (error->message, "Could not list the SSH keys in "));
  g_assert_nonnull (strstr (error->message, ed_pub));
}

static void
test_identity_check (void)
{
  g_autoptr(CorralCloudIdentity) identity = corral_cloud_identity_new ();
  g_autoptr(CorralCloudIdentity) copy = NULL;
  g_autoptr(GError) error = NULL;
  const char *one_key[] = { ED25519_LINE " me", NULL };
  const char *bad_second[] = { ED25519_LINE " me", "garbage here", NULL };
  const char *bad_only[] = { "ssh-ed25519 AAAA", NULL };

  /* Nothing yet: the user name is what is missing first. */
  g_assert_false (corral_cloud_identity_check (identity, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME);
  g_clear_error (&error);

  identity->user_name = g_strdup ("alice");
  g_assert_false (corral_cloud_identity_check (identity, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY);
  g_assert_cmpstr (error->message, ==, "Nobody could log in to the guest: add an SSH public key or set a password");
  g_clear_error (&error);

  /* An empty password is no password. */
  identity->password = g_strdup ("");
  g_assert_false (corral_cloud_identity_check (identity, &error));
  g_assert_cmpstr (error->message, ==, "Nobody could log in to the guest: add an SSH public key or set a password");
  g_clear_error (&error);

  g_free (identity->password);
  identity->password = g_strdup ("s3cret pass");
  g_assert_true (corral_cloud_identity_check (identity, &error));
  g_assert_no_error (error);

  g_clear_pointer (&identity->password, g_free);
  identity->ssh_keys = g_strdupv ((char **) one_key);
  g_assert_true (corral_cloud_identity_check (identity, &error));
  g_assert_no_error (error);

  copy = corral_cloud_identity_copy (identity);
  g_assert_cmpstr (copy->user_name, ==, "alice");
  g_assert_cmpstrv (copy->ssh_keys, one_key);
  g_assert_null (copy->password);

  g_strfreev (identity->ssh_keys);
  identity->ssh_keys = g_strdupv ((char **) bad_second);
  g_assert_false (corral_cloud_identity_check (identity, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY);
  g_assert_cmpstr (error->message, ==,
                   "SSH key 2 of 2: “garbage” is not a public key type: use an OpenSSH public key (ssh-ed25519, "
                   "ssh-rsa, ecdsa-sha2-nistp256/384/521 or a security key’s sk-…), the line of its .pub file");
  g_clear_error (&error);

  /* One key: no number in front. */
  g_strfreev (identity->ssh_keys);
  identity->ssh_keys = g_strdupv ((char **) bad_only);
  g_assert_false (corral_cloud_identity_check (identity, &error));
  g_assert_cmpstr (error->message, ==,
                   "The ssh-ed25519 key’s data is cut short or damaged: paste the whole line of the .pub file, "
                   "unchanged");
  g_clear_error (&error);

  g_free (identity->user_name);
  identity->user_name = g_strdup ("root");
  g_assert_false (corral_cloud_identity_check (identity, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cloud/identity/user-names", test_user_names);
  g_test_add_func ("/cloud/identity/host-names", test_host_names);
  g_test_add ("/cloud/identity/keys-generated", Fixture, NULL, fixture_set_up, test_keys_generated,
              fixture_tear_down);
  g_test_add_func ("/cloud/identity/keys-forms", test_keys_forms);
  g_test_add_func ("/cloud/identity/keys-refused", test_keys_refused);
  g_test_add ("/cloud/identity/list-user-keys", Fixture, NULL, fixture_set_up, test_list_user_keys,
              fixture_tear_down);
  g_test_add_func ("/cloud/identity/check", test_identity_check);

  return g_test_run ();
}
