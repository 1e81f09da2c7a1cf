/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-cloud-init"

#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "corral-cloud-init.h"
#include "corral-cloud-init-private.h"

#define USER_NAME_MAX_LEN  32
#define HOST_NAME_MAX_LEN  63
/* A .pub file is one line; an RSA-16384 key is about 2.8 kB. Bigger files are no public keys. */
#define KEY_FILE_MAX_SIZE  (64 * 1024)
/* How much of a field a message quotes. */
#define QUOTE_MAX_LEN      40

/* Names a user made on first boot must not have. useradd refuses an existing user, and also an
 * existing group (it makes a group of the user's name), so this is every account and group that
 * base-passwd puts into every Debian root (/usr/share/base-passwd/{passwd,group}.master), plus those
 * that the packages of a Debian cloud image add (dbus, openssh-server, polkitd, udev, chrony, cron,
 * ssl-cert, tcpdump, uuid-runtime). Names starting with "systemd-" are refused as well (systemd's
 * own accounts and groups: systemd-network, systemd-journal, …). A name the image's other packages
 * add still makes cloud-init's useradd fail; this list is what Corral can know without the image.
 * "debian" (and "ubuntu", "fedora": the images' default users) stay allowed: the user-data lists only
 * the user asked for, so cloud-init does not make its default user and the name is free. */
static const char * const reserved_names[] = {
  /* base-passwd: accounts */
  "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy",
  "www-data", "backup", "list", "irc", "gnats", "_apt", "nobody",
  /* base-passwd: groups */
  "adm", "tty", "disk", "kmem", "dialout", "fax", "voice", "cdrom", "floppy", "tape", "sudo", "audio",
  "dip", "operator", "src", "shadow", "utmp", "video", "sasl", "plugdev", "staff", "users", "nogroup",
  /* a Debian cloud image's packages */
  "messagebus", "sshd", "_ssh", "polkitd", "input", "kvm", "render", "sgx", "netdev", "_chrony",
  "crontab", "ssl-cert", "tcpdump", "uuidd",
};

/* What a public key's blob holds after its type string (RFC 4253 6.6, RFC 5656 3.1, OpenSSH's
 * PROTOCOL.u2f): that many strings, the first of them exactly first_len bytes when first_len > 0, or
 * the curve name when curve is set. */
typedef struct
{
  const char *type;
  guint       n_fields;
  gsize       first_len;
  const char *curve;
} KeyType;

static const KeyType key_types[] = {
  { "ssh-ed25519", 1, 32, NULL },
  { "ssh-rsa", 2, 0, NULL },                           /* e, n */
  { "ecdsa-sha2-nistp256", 2, 0, "nistp256" },         /* curve, Q */
  { "ecdsa-sha2-nistp384", 2, 0, "nistp384" },
  { "ecdsa-sha2-nistp521", 2, 0, "nistp521" },
  { "sk-ssh-ed25519@openssh.com", 2, 32, NULL },       /* key, application */
  { "sk-ecdsa-sha2-nistp256@openssh.com", 3, 0, "nistp256" }, /* curve, Q, application */
};

G_DEFINE_BOXED_TYPE (CorralCloudIdentity, corral_cloud_identity, corral_cloud_identity_copy,
                     corral_cloud_identity_free)
G_DEFINE_BOXED_TYPE (CorralSshKey, corral_ssh_key, corral_ssh_key_copy, corral_ssh_key_free)

/* Helpers */

/* @text, cut to QUOTE_MAX_LEN characters with an ellipsis, for a message. */
static char *
shorten (const char *text)
{
  g_autofree char *head = NULL;

  if (g_utf8_strlen (text, -1) <= QUOTE_MAX_LEN)
    return g_strdup (text);
  head = g_utf8_substring (text, 0, QUOTE_MAX_LEN);
  return g_strconcat (head, "…", NULL);
}

/* One character for a message: “x”, or its code point when it cannot be seen. */
static char *
describe_char (gunichar c)
{
  char utf8[8] = { 0 };

  if (c == ' ')
    return g_strdup (_("a space"));
  if (!g_unichar_isgraph (c))
    return g_strdup_printf ("U+%04" G_GINT32_MODIFIER "X", (gint32) c);
  g_unichar_to_utf8 (c, utf8);
  return g_strdup_printf ("“%s”", utf8);
}

static gboolean
is_user_name_char (gunichar c,
                   gboolean first)
{
  if ((c >= 'a' && c <= 'z') || c == '_')
    return TRUE;
  return !first && ((c >= '0' && c <= '9') || c == '-');
}

static gboolean
is_reserved_user_name (const char *name)
{
  if (g_str_has_prefix (name, "systemd-"))
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (reserved_names); i++)
    if (strcmp (name, reserved_names[i]) == 0)
      return TRUE;
  return FALSE;
}

static const KeyType *
find_key_type (const char *type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_types); i++)
    if (strcmp (type, key_types[i].type) == 0)
      return &key_types[i];
  return NULL;
}

/* Strict base64 (RFC 4648 with padding, as OpenSSH writes it): g_base64_decode skips what it does not
 * know, so a damaged key would decode to something. */
static gboolean
is_base64 (const char *text)
{
  gsize len = strlen (text);
  gsize padding = 0;

  if (len == 0 || len % 4 != 0)
    return FALSE;
  if (text[len - 1] == '=')
    padding = text[len - 2] == '=' ? 2 : 1;
  for (gsize i = 0; i < len - padding; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
      return FALSE;
  return TRUE;
}

/* An RFC 4251 string at *pos of @blob: a big-endian 32-bit length, then that many bytes. */
static gboolean
read_string (const guchar  *blob,
             gsize          blob_len,
             gsize         *pos,
             const guchar **data,
             gsize         *data_len)
{
  guint32 len;

  if (blob_len - *pos < 4)
    return FALSE;
  len = ((guint32) blob[*pos] << 24) | ((guint32) blob[*pos + 1] << 16) |
        ((guint32) blob[*pos + 2] << 8) | (guint32) blob[*pos + 3];
  *pos += 4;
  if (blob_len - *pos < len)
    return FALSE;
  *data = blob + *pos;
  *data_len = len;
  *pos += len;
  return TRUE;
}

static gboolean
string_equals (const guchar *data,
               gsize         len,
               const char   *text)
{
  return len == strlen (text) && memcmp (data, text, len) == 0;
}

/* "SHA256:" and the unpadded base64 of the blob's SHA-256, as ssh-keygen -l prints it. */
static char *
fingerprint_of (const guchar *blob,
                gsize         blob_len)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autofree char *encoded = NULL;
  char *end;

  g_checksum_update (checksum, blob, blob_len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  encoded = g_base64_encode (digest, digest_len);
  end = strchr (encoded, '=');
  if (end != NULL)
    *end = '\0';
  return g_strconcat ("SHA256:", encoded, NULL);
}

/* Whether @blob is a whole key of @type: its type string, then the fields the type has, then
 * nothing. A truncated or damaged key fails here even when its base64 is well formed. */
static gboolean
blob_is_key (const KeyType *type,
             const guchar  *blob,
             gsize          blob_len)
{
  gsize pos = 0;
  const guchar *data;
  gsize len;

  if (!read_string (blob, blob_len, &pos, &data, &len) || !string_equals (data, len, type->type))
    return FALSE;
  for (guint i = 0; i < type->n_fields; i++)
    {
      if (!read_string (blob, blob_len, &pos, &data, &len) || len == 0)
        return FALSE;
      if (i == 0 && type->first_len > 0 && len != type->first_len)
        return FALSE;
      if (i == 0 && type->curve != NULL && !string_equals (data, len, type->curve))
        return FALSE;
    }
  return pos == blob_len;
}

/* The type string a blob starts with, if it is one that can be shown. */
static char *
blob_type (const guchar *blob,
           gsize         blob_len)
{
  gsize pos = 0;
  const guchar *data;
  gsize len;

  if (!read_string (blob, blob_len, &pos, &data, &len) || len == 0 || len > 64)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isgraph (data[i]))
      return NULL;
  return g_strndup ((const char *) data, len);
}

/* Whether @blob is the start of @type's type string, cut off (by a truncated paste) before its end. */
static gboolean
is_cut_type (const KeyType *type,
             const guchar  *blob,
             gsize          blob_len)
{
  gsize type_len = strlen (type->type);
  guchar header[4];

  if (blob_len >= 4 + type_len)
    return FALSE;
  header[0] = (type_len >> 24) & 0xff;
  header[1] = (type_len >> 16) & 0xff;
  header[2] = (type_len >> 8) & 0xff;
  header[3] = type_len & 0xff;
  if (memcmp (blob, header, MIN (blob_len, 4)) != 0)
    return FALSE;
  return blob_len <= 4 || memcmp (blob + 4, type->type, blob_len - 4) == 0;
}

static gboolean
is_private_key (const char *text)
{
  const char *begin = strstr (text, "-----BEGIN ");
  const char *end;

  if (g_str_has_prefix (text, "PuTTY-User-Key-File-"))
    return TRUE;
  if (begin == NULL)
    return FALSE;
  end = strstr (begin, "-----\n");
  if (end == NULL)
    end = begin + strlen (begin);
  /* "-----BEGIN OPENSSH PRIVATE KEY-----", "… RSA PRIVATE KEY-----", "… ENCRYPTED PRIVATE KEY-----" */
  for (const char *p = begin; p + strlen ("PRIVATE KEY") <= end; p++)
    if (g_str_has_prefix (p, "PRIVATE KEY"))
      return TRUE;
  return FALSE;
}

/* Splits @line at runs of spaces and tabs. */
static GStrv
split_fields (const char *line)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  const char *p = line;

  while (*p != '\0')
    {
      const char *start;

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && *p != ' ' && *p != '\t')
        p++;
      g_ptr_array_add (fields, g_strndup (start, p - start));
    }
  g_ptr_array_add (fields, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&fields), FALSE);
}

static guint
count_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit_set (text, "\r\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] != '\0')
        n++;
    }
  return n;
}

static gboolean
is_yaml_printable (gunichar c)
{
  /* YAML 1.2 c-printable, minus what is better escaped anyway (DEL, C1, the line and paragraph
   * separators, the byte order mark). */
  if (c < 0x20 || c == 0x7f)
    return FALSE;
  if (c >= 0x80 && c <= 0x9f)
    return FALSE;
  if (c == 0x2028 || c == 0x2029 || c == 0xfeff)
    return FALSE;
  if ((c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
    return FALSE;
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
append_quoted (GString    *out,
               const char *value)
{
  g_autofree char *quoted = _corral_cloud_yaml_quote (value);

  g_string_append (out, quoted);
}

static char *
hash_password (const char  *password,
               const char  *setting,
               GError     **error)
{
  g_autofree struct crypt_data *data = g_new0 (struct crypt_data, 1);
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  const char *hash;
  char *copy = NULL;

  if (setting == NULL)
    {
      /* No random bytes given: libxcrypt takes them from the kernel (getrandom). */
      if (crypt_gensalt_rn ("$6$", 0, NULL, 0, salt, sizeof salt) == NULL)
        {
          int saved_errno = errno;

          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED,
                       _("Could not make a salt for the password’s hash: %s"), g_strerror (saved_errno));
          return NULL;
        }
      setting = salt;
    }

  hash = crypt_r (password, setting, data);
  if (hash == NULL || hash[0] == '*' || !g_str_has_prefix (hash, "$6$"))
    {
      int saved_errno = errno;

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED,
                   _("Could not hash the password (SHA-512 crypt): %s"), g_strerror (saved_errno));
    }
  else
    copy = g_strdup (hash);

  explicit_bzero (data, sizeof *data);
  return copy;
}

/* Private API */

char *
_corral_cloud_yaml_quote (const char *value)
{
  GString *out = g_string_new ("\"");

  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (g_utf8_validate (value, -1, NULL), NULL);

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '"')
        g_string_append (out, "\\\"");
      else if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (is_yaml_printable (c))
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else if (c < 0x100)
        g_string_append_printf (out, "\\x%02X", (unsigned int) c);
      else
        g_string_append_printf (out, "\\u%04X", (unsigned int) c);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

char *
_corral_cloud_build_user_data_with_setting (const CorralCloudIdentity  *identity,
                                            const char                 *host_name,
                                            const char                 *setting,
                                            GError                    **error)
{
  g_autoptr(GString) out = NULL;
  g_autofree char *hash = NULL;
  gboolean has_password;

  g_return_val_if_fail (identity != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!corral_cloud_identity_check (identity, error) || !corral_cloud_check_host_name (host_name, error))
    return NULL;

  has_password = identity->password != NULL && *identity->password != '\0';
  if (has_password)
    {
      hash = hash_password (identity->password, setting, error);
      if (hash == NULL)
        return NULL;
    }

  out = g_string_new ("#cloud-config\n");
  g_string_append (out, "hostname: ");
  append_quoted (out, host_name);
  g_string_append (out, "\npreserve_hostname: false\n");
  g_string_append (out, "users:\n  - name: ");
  append_quoted (out, identity->user_name);
  g_string_append (out, "\n"
                        "    sudo: \"ALL=(ALL) NOPASSWD:ALL\"\n"
                        "    groups: \"sudo\"\n"
                        "    shell: \"/bin/bash\"\n");
  if (has_password)
    {
      g_string_append (out, "    lock_passwd: false\n    passwd: ");
      append_quoted (out, hash);
      g_string_append_c (out, '\n');
    }
  else
    g_string_append (out, "    lock_passwd: true\n");

  if (identity->ssh_keys != NULL && identity->ssh_keys[0] != NULL)
    {
      g_string_append (out, "    ssh_authorized_keys:\n");
      for (guint i = 0; identity->ssh_keys[i] != NULL; i++)
        {
          /* Parsed again (corral_cloud_identity_check did already): what goes in is the normalized line. */
          g_autoptr(CorralSshKey) key = corral_cloud_parse_public_key (identity->ssh_keys[i], NULL);

          g_assert (key != NULL);
          g_string_append (out, "      - ");
          append_quoted (out, key->line);
          g_string_append_c (out, '\n');
        }
    }
  g_string_append_printf (out, "ssh_pwauth: %s\n", has_password ? "true" : "false");

  if (hash != NULL)
    explicit_bzero (hash, strlen (hash));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
_corral_cloud_user_data_set_host_name (const char  *user_data,
                                       const char  *host_name,
                                       GError     **error)
{
  static const char head[] = "#cloud-config\nhostname: \"";
  static const char next[] = "preserve_hostname: false\n";
  const char *value, *end, *rest;
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (user_data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!corral_cloud_check_host_name (host_name, error))
    return NULL;

  /* "#cloud-config", then hostname: "…" on a line of its own, then preserve_hostname: false, and no
   * other hostname key: what _corral_cloud_build_user_data_with_setting writes */
  value = g_str_has_prefix (user_data, head) ? user_data + strlen (head) - 1 : NULL;
  end = value != NULL ? strchr (value, '\n') : NULL;
  rest = end != NULL ? end + 1 : NULL;
  if (end == NULL || end - value < 2 || end[-1] != '"' || end[-2] == '\\'
      || !g_str_has_prefix (rest, next) || strstr (rest, "\nhostname:") != NULL
      || strstr (rest, "\nfqdn:") != NULL)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED,
                   _("The cloud-init user-data is not as Corral writes it (“#cloud-config”, then "
                     "one “hostname:” line, then “preserve_hostname: false”): Corral cannot give "
                     "the clone a host name of its own"));
      return NULL;
    }

  out = g_string_new_len (user_data, value - user_data);
  append_quoted (out, host_name);
  g_string_append (out, end);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Public API */

CorralCloudIdentity *
corral_cloud_identity_new (void)
{
  return g_new0 (CorralCloudIdentity, 1);
}

CorralCloudIdentity *
corral_cloud_identity_copy (const CorralCloudIdentity *identity)
{
  CorralCloudIdentity *copy;

  g_return_val_if_fail (identity != NULL, NULL);

  copy = corral_cloud_identity_new ();
  copy->user_name = g_strdup (identity->user_name);
  copy->ssh_keys = g_strdupv (identity->ssh_keys);
  copy->password = g_strdup (identity->password);
  return copy;
}

void
corral_cloud_identity_free (CorralCloudIdentity *identity)
{
  if (identity == NULL)
    return;

  g_free (identity->user_name);
  g_strfreev (identity->ssh_keys);
  if (identity->password != NULL)
    explicit_bzero (identity->password, strlen (identity->password));
  g_free (identity->password);
  g_free (identity);
}

CorralSshKey *
corral_ssh_key_copy (const CorralSshKey *key)
{
  CorralSshKey *copy;

  g_return_val_if_fail (key != NULL, NULL);

  copy = g_new0 (CorralSshKey, 1);
  copy->path = g_strdup (key->path);
  copy->line = g_strdup (key->line);
  copy->type = g_strdup (key->type);
  copy->comment = g_strdup (key->comment);
  copy->fingerprint = g_strdup (key->fingerprint);
  return copy;
}

void
corral_ssh_key_free (CorralSshKey *key)
{
  if (key == NULL)
    return;

  g_free (key->path);
  g_free (key->line);
  g_free (key->type);
  g_free (key->comment);
  g_free (key->fingerprint);
  g_free (key);
}

gboolean
corral_cloud_check_user_name (const char  *name,
                              GError     **error)
{
  glong len;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (name == NULL || *name == '\0')
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME,
                   _("Enter a user name: lowercase letters, digits, “_” and “-”"));
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME,
                   _("The user name is not valid text: use only lowercase letters, digits, “_” and “-”"));
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_autofree char *shown = NULL;
      g_autofree char *what = NULL;

      if (is_user_name_char (c, p == name))
        continue;
      shown = shorten (name);
      what = describe_char (c);
      if (p == name)
        g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME,
                     _("The user name “%s” starts with %s: start it with a lowercase letter or “_”"),
                     shown, what);
      else
        g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME,
                     _("The user name “%s” contains %s: use only lowercase letters, digits, “_” and “-”"),
                     shown, what);
      return FALSE;
    }

  len = g_utf8_strlen (name, -1);
  if (len > USER_NAME_MAX_LEN)
    {
      g_autofree char *shown = shorten (name);

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME,
                   _("The user name “%s” is %ld characters long: use at most %d"), shown, len,
                   USER_NAME_MAX_LEN);
      return FALSE;
    }

  if (is_reserved_user_name (name))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_USER_NAME,
                   _("“%s” is a system account or group on Debian and other cloud images: choose another "
                     "user name"), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
corral_cloud_check_host_name (const char  *name,
                              GError     **error)
{
  g_autofree char *shown = NULL;
  glong len;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (name == NULL || *name == '\0')
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_HOST_NAME,
                   _("Enter a host name: letters, digits and “-”"));
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_HOST_NAME,
                   _("The host name is not valid text: use only letters, digits and “-”"));
      return FALSE;
    }

  shown = shorten (name);
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_autofree char *what = NULL;

      if (c < 0x80 && (g_ascii_isalnum (c) || c == '-'))
        continue;
      what = describe_char (c);
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_HOST_NAME,
                   _("“%s” cannot be a host name: it contains %s. Use only letters, digits and “-”"),
                   shown, what);
      return FALSE;
    }

  len = g_utf8_strlen (name, -1);
  if (len > HOST_NAME_MAX_LEN)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_HOST_NAME,
                   _("“%s” cannot be a host name: it is %ld characters long. Use at most %d"), shown, len,
                   HOST_NAME_MAX_LEN);
      return FALSE;
    }
  if (name[0] == '-' || name[len - 1] == '-')
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_HOST_NAME,
                   _("“%s” cannot be a host name: it starts or ends with “-”. Start and end it with a letter "
                     "or digit"), shown);
      return FALSE;
    }
  return TRUE;
}

CorralSshKey *
corral_cloud_parse_public_key (const char  *text,
                               GError     **error)
{
  g_autofree char *line = NULL;
  g_auto(GStrv) fields = NULL;
  const KeyType *type;
  g_autofree guchar *blob = NULL;
  gsize blob_len = 0;
  g_autofree char *inner = NULL;
  g_autofree char *comment = NULL;
  CorralSshKey *key;
  guint n_lines;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                   _("This is not a public key (it is not text): choose the key’s .pub file, such as "
                     "~/.ssh/id_ed25519.pub"));
      return NULL;
    }
  line = g_strstrip (g_strdup (text));

  if (*line == '\0')
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                   _("The key is empty: paste the line of a .pub file, such as ~/.ssh/id_ed25519.pub"));
      return NULL;
    }
  /* Before anything that might quote it: a private key never goes into a message. */
  if (is_private_key (line))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                   _("This is a private key, which must never leave your computer: choose the public key "
                     "instead, the file of the same name ending in .pub"));
      return NULL;
    }
  if (g_str_has_prefix (line, "---- BEGIN SSH2 PUBLIC KEY ----"))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                   _("This public key is in the SSH2 (RFC 4716) format: convert it with “ssh-keygen -i -f "
                     "FILE” and use the line that prints"));
      return NULL;
    }
  n_lines = count_lines (line);
  if (n_lines > 1)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                   _("This text has %u lines: add one key at a time, each on one line"), n_lines);
      return NULL;
    }

  fields = split_fields (line);
  type = find_key_type (fields[0]);
  if (type == NULL)
    {
      g_autofree char *shown = shorten (fields[0]);

      for (guint i = 1; fields[i] != NULL; i++)
        if (find_key_type (fields[i]) != NULL)
          {
            g_autofree char *options = g_strndup (line, strstr (line, fields[i]) - line);
            g_autofree char *options_shown = shorten (g_strchomp (options));

            g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                         _("This line starts with authorized_keys options (“%s”): paste only the key, from "
                           "its type (%s) on"), options_shown, fields[i]);
            return NULL;
          }
      if (strcmp (fields[0], "ssh-dss") == 0)
        g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                     _("DSA keys (ssh-dss) are no longer accepted by OpenSSH: make an Ed25519 key with "
                       "“ssh-keygen -t ed25519” and use its .pub file"));
      else
        g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                     _("“%s” is not a public key type: use an OpenSSH public key (ssh-ed25519, ssh-rsa, "
                       "ecdsa-sha2-nistp256/384/521 or a security key’s sk-…), the line of its .pub file"),
                     shown);
      return NULL;
    }

  if (fields[1] == NULL)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                   _("The %s key has no key data after its type: paste the whole line of the .pub file"),
                   type->type);
      return NULL;
    }
  if (!is_base64 (fields[1]))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                   _("The %s key’s data is not valid base64 (cut short or changed?): paste the whole line "
                     "of the .pub file, unchanged"), type->type);
      return NULL;
    }
  blob = g_base64_decode (fields[1], &blob_len);
  inner = blob_type (blob, blob_len);
  if ((inner == NULL || strcmp (inner, type->type) != 0) && !is_cut_type (type, blob, blob_len))
    {
      if (inner != NULL && find_key_type (inner) != NULL)
        g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                     _("The line says %s but its data is an %s key: paste the line of the .pub file "
                       "unchanged"), type->type, inner);
      else
        g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                     _("The line says %s but its data is no such key: paste the line of the .pub file "
                       "unchanged"), type->type);
      return NULL;
    }
  if (!blob_is_key (type, blob, blob_len))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                   _("The %s key’s data is cut short or damaged: paste the whole line of the .pub file, "
                     "unchanged"), type->type);
      return NULL;
    }

  comment = fields[2] != NULL ? g_strjoinv (" ", fields + 2) : g_strdup ("");

  key = g_new0 (CorralSshKey, 1);
  key->type = g_strdup (type->type);
  key->comment = g_steal_pointer (&comment);
  key->line = *key->comment != '\0' ? g_strjoin (" ", key->type, fields[1], key->comment, NULL)
                                    : g_strjoin (" ", key->type, fields[1], NULL);
  key->fingerprint = fingerprint_of (blob, blob_len);
  return key;
}

GPtrArray *
corral_cloud_list_user_keys (const char  *dir,
                             GError     **error)
{
  g_autofree char *default_dir = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) handle = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) corral_ssh_key_free);
  const char *name;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (dir == NULL)
    dir = default_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);

  handle = g_dir_open (dir, 0, &local_error);
  if (handle == NULL)
    {
      /* No ~/.ssh: no keys, nothing wrong. */
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&keys);
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                   _("Could not list the SSH keys in %s: %s"), dir, local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_suffix (name, ".pub"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) key_error = NULL;
      CorralSshKey *key;
      GStatBuf st;
      gsize len;

      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > KEY_FILE_MAX_SIZE)
        {
          g_debug ("%s: left out, not a regular file of at most %d bytes", path, KEY_FILE_MAX_SIZE);
          continue;
        }
      if (!g_file_get_contents (path, &contents, &len, &key_error))
        {
          g_debug ("%s: left out: %s", path, key_error->message);
          continue;
        }
      if (memchr (contents, '\0', len) != NULL)
        {
          g_debug ("%s: left out, not a text file", path);
          continue;
        }
      key = corral_cloud_parse_public_key (contents, &key_error);
      explicit_bzero (contents, len);
      if (key == NULL)
        {
          g_debug ("%s: left out: %s", path, key_error->message);
          continue;
        }
      key->path = g_steal_pointer (&path);
      g_ptr_array_add (keys, key);
    }
  return g_steal_pointer (&keys);
}

gboolean
corral_cloud_identity_check (const CorralCloudIdentity  *identity,
                             GError                    **error)
{
  guint n_keys;

  g_return_val_if_fail (identity != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!corral_cloud_check_user_name (identity->user_name, error))
    return FALSE;

  n_keys = identity->ssh_keys != NULL ? g_strv_length (identity->ssh_keys) : 0;
  /* An empty password is no password: nothing to log in with. */
  if (n_keys == 0 && (identity->password == NULL || *identity->password == '\0'))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_KEY,
                   _("Nobody could log in to the guest: add an SSH public key or set a password"));
      return FALSE;
    }

  for (guint i = 0; i < n_keys; i++)
    {
      g_autoptr(CorralSshKey) key = corral_cloud_parse_public_key (identity->ssh_keys[i], error);

      if (key == NULL)
        {
          if (n_keys > 1)
            g_prefix_error (error, _("SSH key %u of %u: "), i + 1, n_keys);
          return FALSE;
        }
    }
  return TRUE;
}

char *
corral_cloud_build_meta_data (const char *instance_id,
                              const char *host_name)
{
  GString *out;

  g_return_val_if_fail (instance_id != NULL && g_utf8_validate (instance_id, -1, NULL), NULL);
  g_return_val_if_fail (host_name != NULL && g_utf8_validate (host_name, -1, NULL), NULL);

  out = g_string_new ("instance-id: ");
  append_quoted (out, instance_id);
  g_string_append (out, "\nlocal-hostname: ");
  append_quoted (out, host_name);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

char *
corral_cloud_build_user_data (const CorralCloudIdentity  *identity,
                              const char                 *host_name,
                              GError                    **error)
{
  return _corral_cloud_build_user_data_with_setting (identity, host_name, NULL, error);
}
