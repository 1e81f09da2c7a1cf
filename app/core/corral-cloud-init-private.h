/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "corral-cloud-init.h"

G_BEGIN_DECLS

/* corral_cloud_build_user_data with the password's crypt setting given ("$6$SALT", as
 * crypt_gensalt_rn makes it) instead of a random one, so tests can compare user-data with a golden
 * file. NULL: a random salt, as corral_cloud_build_user_data does. */
char *_corral_cloud_build_user_data_with_setting (const CorralCloudIdentity *identity,
                                                  const char                *host_name,
                                                  const char                *setting,
                                                  GError                   **error);

/* @value as a YAML double-quoted scalar, quotes included: '"' and '\' escaped, and every character
 * that is not printable in YAML (controls, DEL, C1, U+2028/2029, U+FEFF) as \xNN, \uNNNN. @value must
 * be valid UTF-8. */
char *_corral_cloud_yaml_quote                    (const char                *value);

/* @user_data (as _corral_cloud_build_user_data_with_setting wrote it) with its hostname line saying
 * @host_name instead, every other byte the same: a clone's. CORRAL_ERROR_CLOUD_HOST_NAME for a
 * name that is no host name; CORRAL_ERROR_CLOUD_SEED when the user-data has not that shape. */
char *_corral_cloud_user_data_set_host_name      (const char                *user_data,
                                                  const char                *host_name,
                                                  GError                   **error);

G_END_DECLS
