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

/* The NoCloud seed: an ISO 9660 image made with libisofs, in memory. */

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
  iso_node_set_permissions ((IsoNode *) file, 0644);
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
