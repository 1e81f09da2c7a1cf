/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <osinfo/osinfo.h>

G_BEGIN_DECLS

/* Downloading a cloud image over http(s) (issue 17): written to DIR/NAME.part and renamed to
 * DIR/NAME only when complete, resumed with a Range request when a NAME.part is there, its size
 * checked against the server's Content-Length / Content-Range and the size expected. */

/* Called on the caller's main context, at most about ten times a second and once at the end;
 * @total is 0 while the size is unknown. */
typedef void (*CorralImageDownloadProgress) (guint64  received,
                                             guint64  total,
                                             gpointer user_data);

/* The file name a download of @url is written to (its last path segment), or NULL and
 * CORRAL_ERROR_DOWNLOAD when @url is no http(s) URL or its last segment is no plain file name. */
char    *corral_image_download_name_for_url (const char                  *url,
                                             GError                     **error);
void     corral_image_download_async        (const char                  *url,
                                             const char                  *dest_dir,
                                             guint64                      expected_size,
                                             GCancellable                *cancellable,
                                             CorralImageDownloadProgress  progress_cb,
                                             gpointer                     progress_data,
                                             GAsyncReadyCallback          callback,
                                             gpointer                     user_data);
/* The downloaded file's path. When the download was cut short or cancelled its .part stays and the
 * next download of the same URL into the same directory resumes it. */
char    *corral_image_download_finish       (GAsyncResult                *result,
                                             GError                     **error);

/* Where the wizard keeps downloaded images: $XDG_CACHE_HOME/corral/images. */
char    *corral_image_download_dir          (void);
/* The complete images in @dir (no .part, no hidden files), full paths, sorted; empty when @dir does
 * not exist. */
GStrv    corral_image_download_list_kept    (const char                  *dir);

/* The cloud images libosinfo lists for @os (images marked cloud-init, of @arch, qcow2 or raw):
 * their URLs, in the database's order, each once; empty when it lists none. */
GStrv    corral_image_download_offers       (OsinfoOs                    *os,
                                             const char                  *arch);

G_END_DECLS
