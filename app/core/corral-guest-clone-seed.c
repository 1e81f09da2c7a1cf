/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-clone"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-cloud-init.h"
#include "corral-cloud-init-private.h"
#include "corral-error.h"
#include "corral-guest-clone-private.h"

/* A clone of a guest made from a cloud image comes up as itself: it gets a cloud-init seed of its
 * own (CLONE-cidata.iso in the guest's seed's pool), with the guest's user-data but the clone's host
 * name, and meta-data with a new instance-id. The guest's seed is read through libvirt's storage
 * API, so a remote connection works the same. */

/* Far more than any seed Corral makes (a few hundred KiB). */
#define SEED_MAX_BYTES (16 * 1024 * 1024)

static char *
last_error (void)
{
  const char *message = virGetLastErrorMessage ();
  char *copy = g_strdup (message != NULL ? message : _("unknown error"));

  virResetLastError ();
  return copy;
}

char *
_corral_clone_seed_volume_name (const char *clone)
{
  return g_strconcat (clone, "-cidata.iso", NULL);
}

gboolean
_corral_clone_seed_read (virConnectPtr   conn,
                         CloneDisk      *seed,
                         char          **user_data,
                         GError        **error)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, seed->pool);
  virStorageVolPtr vol = pool != NULL ? virStorageVolLookupByName (pool, seed->volume) : NULL;
  virStreamPtr stream = vol != NULL ? virStreamNew (conn, 0) : NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GBytes) iso = NULL;
  g_autofree char *message = NULL;
  char buf[64 * 1024];
  gboolean ok = FALSE;
  int n = -1;

  if (stream == NULL || virStorageVolDownload (vol, stream, 0, 0, 0) < 0)
    goto failed;
  while ((n = virStreamRecv (stream, buf, sizeof buf)) > 0 && bytes->len <= SEED_MAX_BYTES)
    g_byte_array_append (bytes, (const guint8 *) buf, n);
  if (n < 0)
    goto failed;
  if (n > 0)
    {
      virStreamAbort (stream);
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED,
                   _("The cloud-init seed “%s” is larger than %d MiB: it is not one Corral made"),
                   seed->volume, SEED_MAX_BYTES / 1024 / 1024);
      goto out;
    }
  if (virStreamFinish (stream) < 0)
    goto failed;

  iso = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
  ok = corral_cloud_read_seed (iso, NULL, user_data, error);
  if (!ok)
    g_prefix_error (error, _("“%s”: "), seed->volume);
  goto out;

failed:
  message = last_error ();
  if (stream != NULL && n < 0)
    virStreamAbort (stream);
  g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED,
               _("Could not read the cloud-init seed “%s” in the storage pool “%s”: %s"),
               seed->volume, seed->pool, message);
out:
  virResetLastError ();
  if (stream != NULL)
    virStreamFree (stream);
  if (vol != NULL)
    virStorageVolFree (vol);
  if (pool != NULL)
    virStoragePoolFree (pool);
  return ok;
}

virStorageVolPtr
_corral_clone_seed_make (virConnectPtr   conn,
                         CloneDisk      *seed,
                         const char     *user_data,
                         const char     *clone,
                         GPtrArray      *volumes,
                         GError        **error)
{
  g_autofree char *name = _corral_clone_seed_volume_name (clone);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *instance_id = g_strconcat ("iid-", uuid, NULL);
  g_autofree char *meta_data = corral_cloud_build_meta_data (instance_id, clone);
  g_autofree char *clone_user_data = NULL;
  g_autofree char *escaped = g_markup_escape_text (name, -1);
  g_autofree char *xml = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GBytes) iso = NULL;
  virStoragePoolPtr pool = NULL;
  virStorageVolPtr vol = NULL;
  virStreamPtr stream = NULL;
  const char *data;
  gsize size, sent = 0;

  clone_user_data = _corral_cloud_user_data_set_host_name (user_data, clone, error);
  if (clone_user_data == NULL)
    {
      g_prefix_error (error, _("The cloud-init seed of “%s”: "), clone);
      return NULL;
    }
  iso = corral_cloud_build_seed (meta_data, clone_user_data, error);
  if (iso == NULL)
    return NULL;
  data = g_bytes_get_data (iso, &size);

  pool = virStoragePoolLookupByName (conn, seed->pool);
  xml = g_strdup_printf ("<volume><name>%s</name><capacity unit='bytes'>%" G_GSIZE_FORMAT
                         "</capacity><allocation unit='bytes'>0</allocation>"
                         "<target><format type='raw'/></target></volume>", escaped, size);
  vol = pool != NULL ? virStorageVolCreateXML (pool, xml, 0) : NULL;
  if (vol == NULL)
    goto failed;
  /* from here on, a failure's undo deletes it */
  g_ptr_array_add (volumes, vol);

  stream = virStreamNew (conn, 0);
  if (stream == NULL || virStorageVolUpload (vol, stream, 0, size, 0) < 0)
    goto failed;
  while (sent < size)
    {
      int n = virStreamSend (stream, data + sent, size - sent);

      if (n < 0)
        {
          message = last_error ();
          virStreamAbort (stream);
          goto failed;
        }
      sent += n;
    }
  if (virStreamFinish (stream) < 0)
    goto failed;
  virStreamFree (stream);
  virStoragePoolFree (pool);
  return vol;

failed:
  if (message == NULL)
    message = last_error ();
  g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED,
               _("Could not make the cloud-init seed “%s” in the storage pool “%s”: %s"), name,
               seed->pool, message);
  if (stream != NULL)
    virStreamFree (stream);
  if (pool != NULL)
    virStoragePoolFree (pool);
  return NULL;
}
