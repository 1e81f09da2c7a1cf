/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-image-download"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "corral-error.h"
#include "corral-image-download.h"

/* The download runs in a worker thread with its own SoupSession and libsoup's blocking API
 * (soup_session_send, g_input_stream_read), so the main thread never waits on the network; progress
 * goes back to the caller's main context. The .part file is held open with an exclusive flock, so
 * two downloads of one image into one directory cannot write the same file. */

#define CHUNK_SIZE          (64 * 1024)
#define PROGRESS_INTERVAL   (G_USEC_PER_SEC / 10)
#define PART_SUFFIX         ".part"
#define IO_TIMEOUT_SECONDS  60

typedef struct
{
  char                        *url;
  char                        *name;
  char                        *dir;
  char                        *part_path;
  char                        *final_path;
  guint64                      expected_size;
  CorralImageDownloadProgress  progress_cb;
  gpointer                     progress_data;
  GMainContext                *context;
  gint64                       last_report;
  guint64                      last_received;
} Download;

typedef struct
{
  CorralImageDownloadProgress  progress_cb;
  gpointer                     progress_data;
  guint64                      received;
  guint64                      total;
} ProgressReport;

typedef enum {
  RESPONSE_FAILED,
  RESPONSE_DONE,
  RESPONSE_RESTART,  /* 416: the .part cannot be continued; ask again for the whole file */
} ResponseOutcome;

static void
download_free (Download *download)
{
  g_free (download->url);
  g_free (download->name);
  g_free (download->dir);
  g_free (download->part_path);
  g_free (download->final_path);
  g_clear_pointer (&download->context, g_main_context_unref);
  g_free (download);
}

static gboolean
is_plain_file_name (const char *name)
{
  if (name == NULL || *name == '\0' || *name == '.' || strlen (name) > 200)
    return FALSE;
  if (!g_utf8_validate (name, -1, NULL) || g_str_has_suffix (name, PART_SUFFIX))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (*p == '/' || *p == '\\' || g_ascii_iscntrl (*p))
      return FALSE;
  return TRUE;
}

static gboolean
report_cb (gpointer user_data)
{
  ProgressReport *report = user_data;

  report->progress_cb (report->received, report->total, report->progress_data);
  return G_SOURCE_REMOVE;
}

/* From the worker thread: at most every PROGRESS_INTERVAL unless @last, never backwards. */
static void
report_progress (Download *download,
                 guint64   received,
                 guint64   total,
                 gboolean  last)
{
  ProgressReport *report;
  gint64 now = g_get_monotonic_time ();

  if (download->progress_cb == NULL)
    return;
  if (!last && now - download->last_report < PROGRESS_INTERVAL)
    return;
  if (received < download->last_received)
    received = download->last_received;
  download->last_report = now;
  download->last_received = received;

  report = g_new0 (ProgressReport, 1);
  report->progress_cb = download->progress_cb;
  report->progress_data = download->progress_data;
  report->received = received;
  report->total = total;
  /* Same priority as the GTask's completion, and queued before it: every report is delivered before
   * the callback runs, none after. */
  g_main_context_invoke_full (download->context, G_PRIORITY_DEFAULT, report_cb, report, g_free);
}

static gboolean
write_all (int          fd,
           const char  *buffer,
           gsize        size,
           const char  *path,
           GError     **error)
{
  while (size > 0)
    {
      ssize_t written = write (fd, buffer, size);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        {
          int saved_errno = errno;
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD, _("Could not write %s: %s"),
                       path, g_strerror (saved_errno));
          return FALSE;
        }
      buffer += written;
      size -= written;
    }
  return TRUE;
}

static gboolean
truncate_part (Download  *download,
               int        fd,
               GError   **error)
{
  if (ftruncate (fd, 0) < 0 || lseek (fd, 0, SEEK_SET) < 0)
    {
      int saved_errno = errno;
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD, _("Could not empty %s: %s"),
                   download->part_path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static void
set_size_mismatch (Download  *download,
                   guint64    size,
                   GError   **error)
{
  g_autofree char *size_text = g_format_size_full (size, G_FORMAT_SIZE_LONG_FORMAT);
  g_autofree char *expected_text = g_format_size_full (download->expected_size,
                                                       G_FORMAT_SIZE_LONG_FORMAT);

  g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
               _("The server’s %s is %s, but %s were expected: it is not the image asked for"),
               download->name, size_text, expected_text);
}

static void
set_resumable (Download    *download,
               guint64      received,
               guint64      total,
               const char  *why,
               GError     **error)
{
  g_autofree char *received_text = g_format_size (received);
  g_autofree char *total_text = total > 0 ? g_format_size (total) : g_strdup (_("an unknown size"));

  g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
               _("The download of %s stopped after %s of %s (%s). What arrived is kept: "
                 "download it again to resume"),
               download->name, received_text, total_text, why);
}

/* Reads one response into the .part (open as @fd, @offset bytes in it). */
static ResponseOutcome
read_response (Download      *download,
               SoupMessage   *message,
               GInputStream  *body,
               int            fd,
               guint64        offset,
               GCancellable  *cancellable,
               GError       **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  guint status = soup_message_get_status (message);
  g_autofree char *buffer = NULL;
  guint64 received;
  guint64 total = 0;

  if (status == SOUP_STATUS_PARTIAL_CONTENT && offset > 0)
    {
      goffset start = 0, end = 0, length = 0;

      if (!soup_message_headers_get_content_range (headers, &start, &end, &length)
          || (guint64) start != offset)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
                       _("The server answered the request to resume %s with another part of it"),
                       download->name);
          return RESPONSE_FAILED;
        }
      if (length > 0)
        total = length;
      if (lseek (fd, offset, SEEK_SET) < 0)
        {
          int saved_errno = errno;
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD, _("Could not write %s: %s"),
                       download->part_path, g_strerror (saved_errno));
          return RESPONSE_FAILED;
        }
    }
  else if (status == SOUP_STATUS_OK)
    {
      /* A server that does not do ranges sends the whole file: start again from 0. */
      if (offset > 0)
        g_debug ("%s: the server ignored the range, downloading it again", download->name);
      offset = 0;
      if (!truncate_part (download, fd, error))
        return RESPONSE_FAILED;
      if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
        total = soup_message_headers_get_content_length (headers);
    }
  else if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && offset > 0)
    {
      return RESPONSE_RESTART;
    }
  else
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
                   _("Could not download %s: the server answered %u %s"),
                   download->url, status, soup_message_get_reason_phrase (message));
      return RESPONSE_FAILED;
    }

  if (download->expected_size > 0 && total > 0 && total != download->expected_size)
    {
      set_size_mismatch (download, total, error);
      truncate_part (download, fd, NULL);
      return RESPONSE_FAILED;
    }
  if (total == 0)
    total = download->expected_size;

  received = offset;
  report_progress (download, received, total, TRUE);
  buffer = g_malloc (CHUNK_SIZE);
  for (;;)
    {
      g_autoptr(GError) read_error = NULL;
      gssize n = g_input_stream_read (body, buffer, CHUNK_SIZE, cancellable, &read_error);

      if (n == 0)
        break;
      if (n < 0)
        {
          if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&read_error));
          else
            set_resumable (download, received, total, read_error->message, error);
          return RESPONSE_FAILED;
        }
      if (download->expected_size > 0 && received + n > download->expected_size)
        {
          set_size_mismatch (download, received + n, error);
          truncate_part (download, fd, NULL);
          return RESPONSE_FAILED;
        }
      if (!write_all (fd, buffer, n, download->part_path, error))
        return RESPONSE_FAILED;
      received += n;
      report_progress (download, received, total, FALSE);
    }

  if (total > 0 && received < total)
    {
      set_resumable (download, received, total, _("the connection was closed early"), error);
      return RESPONSE_FAILED;
    }
  if (total > 0 && received > total)
    {
      set_size_mismatch (download, received, error);
      truncate_part (download, fd, NULL);
      return RESPONSE_FAILED;
    }
  if (fsync (fd) < 0)
    {
      int saved_errno = errno;
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD, _("Could not write %s: %s"),
                   download->part_path, g_strerror (saved_errno));
      return RESPONSE_FAILED;
    }
  report_progress (download, received, received, TRUE);
  return RESPONSE_DONE;
}

static gboolean
download_to_part (Download      *download,
                  int            fd,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", IO_TIMEOUT_SECONDS,
                                                                   "user-agent",
                                                                   "Corral/" PACKAGE_VERSION " ",
                                                                   NULL);
  struct stat st;
  guint64 offset;

  /* Byte ranges and sizes are of the file as stored: no gzip in between. */
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);

  if (fstat (fd, &st) < 0)
    {
      int saved_errno = errno;
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD, _("Could not read %s: %s"),
                   download->part_path, g_strerror (saved_errno));
      return FALSE;
    }
  offset = st.st_size;
  if (download->expected_size > 0 && offset > download->expected_size)
    {
      if (!truncate_part (download, fd, error))
        return FALSE;
      offset = 0;
    }

  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, download->url);
      g_autoptr(GInputStream) body = NULL;
      g_autoptr(GError) local_error = NULL;
      ResponseOutcome outcome;

      if (message == NULL)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
                       _("“%s” is no address to download from"), download->url);
          return FALSE;
        }
      if (offset > 0)
        soup_message_headers_set_range (soup_message_get_request_headers (message), offset, -1);

      body = soup_session_send (session, message, cancellable, &local_error);
      if (body == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD, _("Could not download %s: %s"),
                         download->url, local_error->message);
          return FALSE;
        }

      outcome = read_response (download, message, body, fd, offset, cancellable, error);
      g_input_stream_close (body, NULL, NULL);
      switch (outcome)
        {
        case RESPONSE_DONE:
          return TRUE;
        case RESPONSE_FAILED:
          return FALSE;
        case RESPONSE_RESTART:
          if (!truncate_part (download, fd, error))
            return FALSE;
          offset = 0;
          break;
        default:
          g_assert_not_reached ();
        }
    }

  g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
               _("The server refused every range of %s"), download->name);
  return FALSE;
}

static void
download_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Download *download = task_data;
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  int fd;

  if (g_mkdir_with_parents (download->dir, 0755) < 0)
    {
      int saved_errno = errno;
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
                               _("Could not make the folder %s: %s"), download->dir,
                               g_strerror (saved_errno));
      return;
    }

  /* Downloaded before: a complete file of the size asked for is the image. */
  if (g_stat (download->final_path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > 0
      && (download->expected_size == 0 || (guint64) st.st_size == download->expected_size))
    {
      report_progress (download, st.st_size, st.st_size, TRUE);
      g_task_return_pointer (task, g_strdup (download->final_path), g_free);
      return;
    }

  fd = g_open (download->part_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
                               _("Could not open %s: %s"), download->part_path,
                               g_strerror (saved_errno));
      return;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) < 0)
    {
      close (fd);
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
                               _("%s is being downloaded already"), download->name);
      return;
    }

  if (!download_to_part (download, fd, cancellable, &error))
    {
      close (fd);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* rename(2) in one directory: the final name appears complete or not at all. */
  if (g_rename (download->part_path, download->final_path) < 0)
    {
      int saved_errno = errno;
      close (fd);
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
                               _("Could not rename %s to %s: %s"), download->part_path,
                               download->final_path, g_strerror (saved_errno));
      return;
    }
  close (fd);
  g_task_return_pointer (task, g_strdup (download->final_path), g_free);
}

char *
corral_image_download_name_for_url (const char  *url,
                                    GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *name = NULL;
  const char *scheme;
  const char *path;
  const char *slash;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_PATH, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL
      || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
                   _("Only http:// and https:// addresses can be downloaded, not “%s”"), url);
      return NULL;
    }

  path = g_uri_get_path (uri);
  slash = strrchr (path, '/');
  name = g_uri_unescape_string (slash != NULL ? slash + 1 : path, NULL);
  if (!is_plain_file_name (name))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_DOWNLOAD,
                   _("“%s” does not end in a file name to save the image as"), url);
      return NULL;
    }
  return g_steal_pointer (&name);
}

void
corral_image_download_async (const char                  *url,
                             const char                  *dest_dir,
                             guint64                      expected_size,
                             GCancellable                *cancellable,
                             CorralImageDownloadProgress  progress_cb,
                             gpointer                     progress_data,
                             GAsyncReadyCallback          callback,
                             gpointer                     user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  Download *download;

  g_return_if_fail (url != NULL);
  g_return_if_fail (dest_dir != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_image_download_async);
  /* The .part stays on cancel: the thread stops at its next read, not the task at once. */
  g_task_set_return_on_cancel (task, FALSE);

  name = corral_image_download_name_for_url (url, &error);
  if (name == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  download = g_new0 (Download, 1);
  download->url = g_strdup (url);
  download->dir = g_strdup (dest_dir);
  download->part_path = g_strconcat (dest_dir, G_DIR_SEPARATOR_S, name, PART_SUFFIX, NULL);
  download->final_path = g_build_filename (dest_dir, name, NULL);
  download->name = g_steal_pointer (&name);
  download->expected_size = expected_size;
  download->progress_cb = progress_cb;
  download->progress_data = progress_data;
  download->context = g_main_context_ref_thread_default ();
  download->last_report = G_MININT64;
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);
  g_task_run_in_thread (task, download_thread);
}

char *
corral_image_download_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == corral_image_download_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
corral_image_download_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "corral", "images", NULL);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

GStrv
corral_image_download_list_kept (const char *dir)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) handle = NULL;
  const char *name;

  g_return_val_if_fail (dir != NULL, NULL);

  handle = g_dir_open (dir, 0, NULL);
  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!is_plain_file_name (name))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size == 0)
        continue;
      g_ptr_array_add (paths, g_steal_pointer (&path));
    }
  g_ptr_array_sort (paths, compare_strings);
  g_ptr_array_add (paths, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
}

GStrv
corral_image_download_offers (OsinfoOs   *os,
                              const char *arch)
{
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(OsinfoImageList) images = NULL;

  g_return_val_if_fail (OSINFO_IS_OS (os), NULL);
  g_return_val_if_fail (arch != NULL, NULL);

  images = osinfo_os_get_image_list (os);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (images)); i++)
    {
      OsinfoImage *image = OSINFO_IMAGE (osinfo_list_get_nth (OSINFO_LIST (images), i));
      const char *url = osinfo_image_get_url (image);
      const char *format = osinfo_image_get_format (image);
      g_autofree char *name = NULL;

      if (!osinfo_image_get_cloud_init (image)
          || g_strcmp0 (osinfo_image_get_architecture (image), arch) != 0)
        continue;
      if (g_strcmp0 (format, "qcow2") != 0 && g_strcmp0 (format, "raw") != 0)
        continue;
      name = url != NULL ? corral_image_download_name_for_url (url, NULL) : NULL;
      if (name == NULL)
        continue;
      if (!g_ptr_array_find_with_equal_func (urls, url, g_str_equal, NULL))
        g_ptr_array_add (urls, g_strdup (url));
    }
  g_ptr_array_add (urls, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&urls), FALSE);
}
