/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs @argv (no shell) and returns its standard output, or NULL (with the reason as a test message)
 * when it cannot start or exits non-zero. */
char    *cloud_test_run             (const char * const *argv);
/* A new ssh-keygen key pair of @type ("ed25519", "rsa", "ecdsa") and @bits (0: the default) at @path
 * and @path.pub, without a passphrase. */
gboolean cloud_test_ssh_keygen      (const char         *type,
                                     int                 bits,
                                     const char         *comment,
                                     const char         *path);
/* The "SHA256:…" that `ssh-keygen -lf @path` prints. */
char    *cloud_test_ssh_fingerprint (const char         *path);
char    *cloud_test_read            (const char         *path);
/* A new directory under the test's temporary directory. */
char    *cloud_test_make_dir        (void);
void     cloud_test_remove_tree     (const char         *path);

G_END_DECLS
