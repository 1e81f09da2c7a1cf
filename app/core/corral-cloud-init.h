/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "corral-error.h"

G_BEGIN_DECLS

/* cloud-init's NoCloud seed for a guest made from a cloud image: who may log in, and the guest's name.
 * Everything here is checked, because it comes from the user or from files in the user's ~/.ssh. */

/* Who may log in to a guest made from a cloud image. The host name is not here: it is the guest's name. */
typedef struct
{
  char  *user_name;  /* a Linux user name, made on first boot with sudo rights */
  char **ssh_keys;   /* NULL-terminated; OpenSSH public key lines, each as corral_cloud_parse_public_key
                      * returned it */
  char  *password;   /* NULL: no password login; written to user-data only as a SHA-512 crypt hash */
} CorralCloudIdentity;

/* One public key the user has, as found in ~/.ssh. */
typedef struct
{
  char *path;        /* the .pub file */
  char *line;        /* "TYPE BASE64 [COMMENT]", normalized: one line, single spaces */
  char *type;        /* "ssh-ed25519", "ssh-rsa", … */
  char *comment;     /* may be empty, never NULL */
  char *fingerprint; /* "SHA256:…" as ssh-keygen -l prints it */
} CorralSshKey;

#define CORRAL_TYPE_CLOUD_IDENTITY (corral_cloud_identity_get_type ())
#define CORRAL_TYPE_SSH_KEY        (corral_ssh_key_get_type ())

GType                corral_cloud_identity_get_type   (void) G_GNUC_CONST;
CorralCloudIdentity *corral_cloud_identity_new        (void);
CorralCloudIdentity *corral_cloud_identity_copy       (const CorralCloudIdentity *identity);
void                 corral_cloud_identity_free       (CorralCloudIdentity       *identity);

GType                corral_ssh_key_get_type          (void) G_GNUC_CONST;
CorralSshKey        *corral_ssh_key_copy              (const CorralSshKey        *key);
void                 corral_ssh_key_free              (CorralSshKey              *key);

/* Linux user names (what Debian's adduser accepts by default: [a-z_][a-z0-9_-]*, at most 32, not a
 * system account such as root); CORRAL_ERROR_CLOUD_USER_NAME. */
gboolean             corral_cloud_check_user_name     (const char                *name,
                                                       GError                   **error);
/* An RFC 1123 host name label (letters, digits, '-', not at either end, 1–63);
 * CORRAL_ERROR_CLOUD_HOST_NAME. */
gboolean             corral_cloud_check_host_name     (const char                *name,
                                                       GError                   **error);
/* One OpenSSH public key line (as in a .pub file or pasted): its type is known, its base64 decodes and
 * names the same type. A private key is refused with a message that says so (and is never kept);
 * CORRAL_ERROR_CLOUD_KEY. On success, the normalized line. */
CorralSshKey        *corral_cloud_parse_public_key    (const char                *text,
                                                       GError                   **error);
/* The public keys in DIR (~/.ssh when NULL): every *.pub that parses, sorted by file name. Files that
 * do not parse are left out (each with a g_debug). Reads files: call it from a worker thread. */
GPtrArray           *corral_cloud_list_user_keys      (const char                *dir,
                                                       GError                   **error);
gboolean             corral_cloud_identity_check      (const CorralCloudIdentity *identity,
                                                       GError                   **error);

/* The seed's two files. instance_id should differ per guest (and per clone). */
char                *corral_cloud_build_meta_data     (const char                *instance_id,
                                                       const char                *host_name);
char                *corral_cloud_build_user_data     (const CorralCloudIdentity *identity,
                                                       const char                *host_name,
                                                       GError                   **error);
/* An ISO 9660 image (Joliet and Rock Ridge) with volume id "cidata" holding meta-data and user-data,
 * made with libisofs; CORRAL_ERROR_CLOUD_SEED when libisofs fails. */
GBytes              *corral_cloud_build_seed          (const char                *meta_data,
                                                       const char                *user_data,
                                                       GError                   **error);

/* The seed's meta-data and user-data read back from such an image (any NoCloud seed whose two files
 * are text); CORRAL_ERROR_CLOUD_SEED when it is none. Either out parameter may be NULL. */
gboolean             corral_cloud_read_seed           (GBytes                    *iso,
                                                       char                     **meta_data,
                                                       char                     **user_data,
                                                       GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralCloudIdentity, corral_cloud_identity_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralSshKey, corral_ssh_key_free)

G_END_DECLS
