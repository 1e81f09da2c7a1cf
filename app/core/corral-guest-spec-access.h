/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Can QEMU under the system libvirt (running as CORRAL_QEMU_USER) read an install image? Home
 * directories
 * usually say no. The fix offered: a POSIX ACL entry for that user alone (search on each blocking
 * directory, read on the file), as `setfacl -m u:libvirt-qemu:x DIR` would add it. */

#define CORRAL_QEMU_USER "libvirt-qemu"

GPtrArray *corral_guest_spec_access_blockers        (const char           *path,
                                                     const char           *user,
                                                     GError              **error);
void       corral_guest_spec_access_blockers_async  (const char           *path,
                                                     const char           *user,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GPtrArray *corral_guest_spec_access_blockers_finish (GAsyncResult         *result,
                                                     GError              **error);
char      *corral_guest_spec_access_describe        (const char           *path,
                                                     const char           *user,
                                                     GPtrArray            *blockers);
gboolean   corral_guest_spec_access_grant           (const char           *path,
                                                     const char           *user,
                                                     GError              **error);
void       corral_guest_spec_access_grant_async     (const char           *path,
                                                     const char           *user,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean   corral_guest_spec_access_grant_finish    (GAsyncResult         *result,
                                                     GError              **error);

/* A local disk image's format as QEMU should be told: "qcow2" when the file starts with qcow2's magic,
 * else "raw" (block devices, raw files, files that cannot be read). @is_block: whether it is a block
 * device. Reads 4 bytes: call it off the main thread. */
const char *corral_disk_image_format                (const char           *path,
                                                     gboolean             *is_block);

G_END_DECLS
