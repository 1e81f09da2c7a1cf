/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-cloud-init"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
/* libisofs.h uses uint32_t and friends without including <stdint.h> (unless HAVE_STDINT_H), and
 * declares struct burn_source only for programs that do not include libburn.h. */
#include <stdint.h>
#include <sys/types.h>
#define LIBISOFS_WITHOUT_LIBBURN 1
#include <libisofs/libisofs.h>

#include "corral-cloud-init.h"

/* The NoCloud seed: an ISO 9660 image made with libisofs, in memory; and read back (a clone's
 * seed is made from its guest's). */

#define SEED_VOLUME_ID "cidata"
#define ISO_BLOCK_SIZE 2048

static gboolean
seed_failed (GError     **error,
             const char  *what,
             int          code)
{
  g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED,
               _("Could not make the cloud-init seed (%s): %s (libisofs error 0x%X)"), what,
               iso_error_to_msg (code), (unsigned int) code);
  return FALSE;
}

/* iso_init once per process. Bit 0: leave the process's locale alone (iso_init would call
 * setlocale, which is not safe from the worker thread the seed is made in). */
static int
libisofs_init (void)
{
  static gsize initialized = 0;
  static int result;

  if (g_once_init_enter (&initialized))
    {
      result = iso_init_with_flag (1);
      if (result >= 0)
        /* Failures come back as return codes and go into our GErrors; nothing on stderr. */
        iso_set_msgs_severities ("NEVER", "NEVER", "corral");
      g_once_init_leave (&initialized, 1);
    }
  return result;
}

static gboolean
add_seed_file (IsoImage    *image,
               const char  *name,
               const char  *text,
               GError     **error)
{
  gsize len = strlen (text);
  /* The memory stream owns its buffer and free()s it. */
  unsigned char *buf = malloc (len > 0 ? len : 1);
  IsoStream *stream = NULL;
  IsoFile *file = NULL;
  int ret;

  if (buf == NULL)
    return seed_failed (error, name, ISO_OUT_OF_MEM);
  memcpy (buf, text, len);
  ret = iso_memory_stream_new (buf, len, &stream);
  if (ret < 0)
    {
      free (buf);
      return seed_failed (error, name, ret);
    }
  ret = iso_image_add_new_file (image, iso_image_get_root (image), name, stream, &file);
  if (ret < 0)
    {
      iso_stream_unref (stream);
      return seed_failed (error, name, ret);
    }
  return TRUE;
}

/* Reads the image libisofs writes (in its own thread) into memory. */
static GBytes *
read_burn_source (struct burn_source  *source,
                  GError             **error)
{
  off_t size = source->get_size (source);
  g_autoptr(GByteArray) bytes = g_byte_array_sized_new (size > 0 ? (guint) size : ISO_BLOCK_SIZE);
  guchar block[ISO_BLOCK_SIZE];

  for (;;)
    {
      int n = source->read != NULL ? source->read (source, block, sizeof block)
                                   : source->read_xt (source, block, sizeof block);

      if (n < 0)
        {
          if (source->read == NULL && source->cancel != NULL)
            source->cancel (source);
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED,
                       _("Could not make the cloud-init seed: libisofs failed while writing the image"));
          return NULL;
        }
      if (n == 0)
        break;
      g_byte_array_append (bytes, block, n);
    }

  if (size > 0 && (off_t) bytes->len != size)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED,
                   _("Could not make the cloud-init seed: libisofs wrote %u of %" G_GINT64_FORMAT " bytes"),
                   bytes->len, (gint64) size);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* An image in memory as libisofs's data source: it holds a reference to the bytes. */
static int
memory_source_open (IsoDataSource *src)
{
  return ISO_SUCCESS;
}

static int
memory_source_close (IsoDataSource *src)
{
  return ISO_SUCCESS;
}

static int
memory_source_read_block (IsoDataSource *src,
                          uint32_t       lba,
                          uint8_t       *buffer)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (src->data, &size);
  guint64 offset = (guint64) lba * ISO_BLOCK_SIZE;

  if (offset >= size)
    return ISO_DATA_SOURCE_MISHAP;
  if (size - offset < ISO_BLOCK_SIZE)
    {
      memset (buffer, 0, ISO_BLOCK_SIZE);
      memcpy (buffer, data + offset, size - offset);
    }
  else
    memcpy (buffer, data + offset, ISO_BLOCK_SIZE);
  return ISO_SUCCESS;
}

static void
memory_source_free_data (IsoDataSource *src)
{
  g_bytes_unref (src->data);
}

static gboolean
read_failed (GError     **error,
             const char  *what,
             int          code)
{
  g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED,
               _("Could not read the cloud-init seed (%s): %s (libisofs error 0x%X)"), what,
               iso_error_to_msg (code), (unsigned int) code);
  return FALSE;
}

/* The text of the file /@name of @image: valid UTF-8, at most a MiB. */
static char *
read_seed_file (IsoImage    *image,
                const char  *name,
                GError     **error)
{
  g_autofree char *path = g_strconcat ("/", name, NULL);
  g_autoptr(GByteArray) text = g_byte_array_new ();
  IsoNode *node = NULL;
  IsoStream *stream;
  guchar buf[ISO_BLOCK_SIZE];
  int ret;

  ret = iso_tree_path_to_node (image, path, &node);
  if (ret < 0)
    {
      read_failed (error, name, ret);
      return NULL;
    }
  if (ret == 0 || node == NULL || !ISO_NODE_IS_FILE (node))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED,
                   _("The cloud-init seed has no file “%s”: it is no NoCloud seed"), name);
      return NULL;
    }
  stream = iso_file_get_stream ((IsoFile *) node);
  if (iso_stream_get_size (stream) > 1024 * 1024)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED,
                   _("The cloud-init seed’s “%s” is larger than a MiB: it is not one Corral made"),
                   name);
      return NULL;
    }
  ret = iso_stream_open (stream);
  if (ret < 0)
    {
      read_failed (error, name, ret);
      return NULL;
    }
  while ((ret = iso_stream_read (stream, buf, sizeof buf)) > 0)
    g_byte_array_append (text, buf, ret);
  iso_stream_close (stream);
  if (ret < 0)
    {
      read_failed (error, name, ret);
      return NULL;
    }
  /* an empty file is text (and its GByteArray has no data to look at) */
  if (text->len > 0 && (memchr (text->data, '\0', text->len) != NULL
                        || !g_utf8_validate ((const char *) text->data, text->len, NULL)))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED,
                   _("The cloud-init seed’s “%s” is not text"), name);
      return NULL;
    }
  g_byte_array_append (text, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&text), FALSE);
}

/* Public API */

GBytes *
corral_cloud_build_seed (const char  *meta_data,
                         const char  *user_data,
                         GError     **error)
{
  IsoImage *image = NULL;
  IsoWriteOpts *opts = NULL;
  struct burn_source *source = NULL;
  GBytes *seed = NULL;
  int ret;

  g_return_val_if_fail (meta_data != NULL, NULL);
  g_return_val_if_fail (user_data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ret = libisofs_init ();
  if (ret < 0)
    {
      seed_failed (error, "iso_init", ret);
      return NULL;
    }

  ret = iso_image_new (SEED_VOLUME_ID, &image);
  if (ret < 0)
    {
      seed_failed (error, "iso_image_new", ret);
      return NULL;
    }
  if (!add_seed_file (image, "meta-data", meta_data, error) ||
      !add_seed_file (image, "user-data", user_data, error))
    goto out;

  /* Profile 2 ("distribution"): Rock Ridge and Joliet, plain permissions and owners. */
  ret = iso_write_opts_new (&opts, 2);
  if (ret < 0)
    {
      seed_failed (error, "iso_write_opts_new", ret);
      goto out;
    }
  if ((ret = iso_write_opts_set_rockridge (opts, 1)) < 0 ||
      (ret = iso_write_opts_set_joliet (opts, 1)) < 0 ||
      /* The volume id stays lowercase "cidata" (d-characters are uppercase only), as genisoimage
       * -V cidata and cloud-localds write it. */
      (ret = iso_write_opts_set_relaxed_vol_atts (opts, 1)) < 0)
    {
      seed_failed (error, "iso_write_opts_set_*", ret);
      goto out;
    }

  ret = iso_image_create_burn_source (image, opts, &source);
  if (ret < 0)
    {
      seed_failed (error, "iso_image_create_burn_source", ret);
      goto out;
    }
  seed = read_burn_source (source, error);
  source->free_data (source);
  free (source);

out:
  if (opts != NULL)
    iso_write_opts_free (opts);
  iso_image_unref (image);
  return seed;
}

gboolean
corral_cloud_read_seed (GBytes      *iso,
                        char       **meta_data,
                        char       **user_data,
                        GError     **error)
{
  IsoDataSource *src = NULL;
  IsoImage *image = NULL;
  IsoReadOpts *opts = NULL;
  IsoReadImageFeatures *features = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *user = NULL;
  gboolean ok = FALSE;
  int ret;

  g_return_val_if_fail (iso != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ret = libisofs_init ();
  if (ret < 0)
    return read_failed (error, "iso_init", ret);
  if (g_bytes_get_size (iso) < 17 * ISO_BLOCK_SIZE)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_SEED,
                   _("The cloud-init seed is no ISO 9660 image: it has only %" G_GSIZE_FORMAT
                     " bytes"), g_bytes_get_size (iso));
      return FALSE;
    }

  /* libisofs free()s it when its last reference goes */
  src = calloc (1, sizeof *src);
  if (src == NULL)
    return read_failed (error, "calloc", ISO_OUT_OF_MEM);
  src->refcount = 1;
  src->open = memory_source_open;
  src->close = memory_source_close;
  src->read_block = memory_source_read_block;
  src->free_data = memory_source_free_data;
  src->data = g_bytes_ref (iso);

  ret = iso_image_new (SEED_VOLUME_ID, &image);
  if (ret < 0)
    {
      read_failed (error, "iso_image_new", ret);
      goto out;
    }
  /* Profile 0: Rock Ridge read (and Joliet), so the names are as written. */
  ret = iso_read_opts_new (&opts, 0);
  if (ret < 0)
    {
      read_failed (error, "iso_read_opts_new", ret);
      goto out;
    }
  /* libisofs 1.5.6 (Debian 13) crashes in iso_image_import when it is not given somewhere to put the
   * image's features, whatever its documentation says about NULL */
  ret = iso_image_import (image, src, opts, &features);
  if (features != NULL)
    iso_read_image_features_destroy (features);
  if (ret < 0)
    {
      read_failed (error, "iso_image_import", ret);
      goto out;
    }
  meta = read_seed_file (image, "meta-data", error);
  user = meta != NULL ? read_seed_file (image, "user-data", error) : NULL;
  if (user == NULL)
    goto out;
  if (meta_data != NULL)
    *meta_data = g_steal_pointer (&meta);
  if (user_data != NULL)
    *user_data = g_steal_pointer (&user);
  ok = TRUE;

out:
  if (opts != NULL)
    iso_read_opts_free (opts);
  if (image != NULL)
    iso_image_unref (image);
  iso_data_source_unref (src);
  return ok;
}
