/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <osinfo/osinfo.h>

G_BEGIN_DECLS

/* What Corral asks libosinfo: the OS database (loaded once, in a thread), the OS on an install
 * ISO (read asynchronously on the caller's main context), which devices an OS has drivers for,
 * and its recommended resources. */

typedef struct
{
  guint64 min_ram;          /* bytes; 0 when osinfo-db does not say */
  guint64 recommended_ram;  /* bytes */
  guint   recommended_cpus;
  guint64 recommended_storage; /* bytes */
} CorralOsResources;

/* What firmware an OS needs. osinfo-db says which firmware types an OS supports (<firmware
 * type="efi"/>, <firmware type="bios" supported="false"/>), but nothing yet about Secure Boot or a
 * TPM: those come from what the OS's vendor requires (Windows 11 and what derives from it). */
typedef struct
{
  gboolean needs_uefi;         /* BIOS is not supported */
  gboolean prefers_uefi;       /* UEFI is listed as supported */
  gboolean needs_secure_boot;
  gboolean needs_tpm;
} CorralOsFirmware;

void       corral_osinfo_load_db_async       (GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
OsinfoDb  *corral_osinfo_load_db_finish      (GAsyncResult         *result,
                                              GError              **error);
OsinfoDb  *corral_osinfo_get_db              (GError              **error);
gboolean   corral_osinfo_db_is_loaded        (void);
char      *corral_osinfo_dup_os_name         (const char           *id);

void       corral_osinfo_detect_media_async  (const char           *path,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
OsinfoOs  *corral_osinfo_detect_media_finish (GAsyncResult         *result,
                                              GError              **error);

OsinfoOs  *corral_osinfo_find_os             (const char           *id);
gboolean   corral_osinfo_os_supports         (OsinfoOs             *os,
                                              const char           *device_name);
void       corral_osinfo_os_get_resources    (OsinfoOs             *os,
                                              const char           *arch,
                                              CorralOsResources    *resources);
void       corral_osinfo_os_get_firmware     (OsinfoOs             *os,
                                              const char           *arch,
                                              CorralOsFirmware     *firmware);
char      *corral_osinfo_suggest_name        (OsinfoOs             *os);
GPtrArray *corral_osinfo_list_os             (void);

G_END_DECLS
