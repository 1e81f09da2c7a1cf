/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-creator"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-cloud-init.h"
#include "corral-error.h"
#include "corral-guest-creator-private.h"
#include "corral-guest-spec-access.h"

/* Guests made from a cloud image: the image becomes a base volume in the guests' pool (uploaded
 * through libvirt's storage API, so a remote connection works the same), each guest gets a qcow2
 * overlay on it (or a full copy) grown to the chosen size, and a cloud-init seed volume. */

#define CHUNK_SIZE (1024 * 1024)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (virStoragePool, virStoragePoolFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virStorageVol, virStorageVolFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (virStream, virStreamFree)

void
_corral_cloud_base_free (CorralCloudBase *base)
{
  if (base == NULL)
    return;
  g_clear_pointer (&base->volume, virStorageVolFree);
  g_free (base->path);
  g_free (base->name);
  g_free (base);
}

void
_corral_cloud_base_roll_back (CorralCloudBase *base,
                              GString         *undone)
{
  g_return_if_fail (base != NULL);

  if (!base->made || base->volume == NULL)
    return;
  if (virStorageVolDelete (base->volume, 0) == 0)
    g_string_append_printf (undone, _("Removed the copy of the cloud image “%s”. "), base->path);
  else
    g_string_append_printf (undone, _("Could not remove the copy of the cloud image “%s” (%s): "
                                      "delete it by hand. "),
                            base->path, virGetLastErrorMessage ());
  g_clear_pointer (&base->volume, virStorageVolFree);
  base->made = FALSE;
}

/* What qemu-img says the file is: its format and virtual size (qemu-img info --output=json). */
static gboolean
qemu_img_info (const char  *path,
               char       **format,
               guint64     *virtual_size,
               gboolean    *has_backing,
               GError     **error)
{
  const char *argv[] = { "qemu-img", "info", "--output=json", "--", path, NULL };
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GRegex) format_re = g_regex_new ("^    \"format\": \"([^\"]+)\"", G_REGEX_MULTILINE, 0,
                                             NULL);
  g_autoptr(GRegex) size_re = g_regex_new ("^    \"virtual-size\": ([0-9]+)", G_REGEX_MULTILINE,
                                           0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            error);
  if (proc == NULL)
    {
      g_prefix_error (error, _("Could not run qemu-img (install the qemu-utils package): "));
      return FALSE;
    }
  if (!g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, error))
    return FALSE;
  if (!g_subprocess_get_successful (proc))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_IMAGE,
                   _("“%s” is no disk image qemu-img can read: %s"), path,
                   err != NULL ? g_strstrip (err) : "");
      return FALSE;
    }
  if (!g_regex_match (format_re, out, 0, &match))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_IMAGE,
                   _("qemu-img does not say what “%s” is"), path);
      return FALSE;
    }
  *format = g_match_info_fetch (match, 1);
  g_clear_pointer (&match, g_match_info_free);
  *virtual_size = 0;
  if (g_regex_match (size_re, out, 0, &match))
    {
      g_autofree char *size = g_match_info_fetch (match, 1);

      *virtual_size = g_ascii_strtoull (size, NULL, 10);
    }
  *has_backing = strstr (out, "\"backing-filename\"") != NULL;
  return TRUE;
}

/* A raw file is a disk only when it starts like one: an MBR or GPT partition table, or a file
 * system (ext2/3/4, XFS, Btrfs) on the whole disk. qemu-img reads anything as raw. */
static gboolean
raw_looks_like_disk (const char *path)
{
  guchar buf[65600 + 8];
  ssize_t n;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  n = pread (fd, buf, sizeof buf, 0);
  close (fd);
  if (n >= 512 && buf[510] == 0x55 && buf[511] == 0xaa)
    return TRUE;
  if (n >= 520 && memcmp (buf + 512, "EFI PART", 8) == 0)
    return TRUE;
  if (n >= 1082 && buf[1080] == 0x53 && buf[1081] == 0xef)
    return TRUE;
  if (n >= 4 && memcmp (buf, "XFSB", 4) == 0)
    return TRUE;
  if (n >= 65600 + 8 && memcmp (buf + 65600, "_BHRfS_M", 8) == 0)
    return TRUE;
  return FALSE;
}

/* The image file: qcow2 (without a backing file) or a raw disk; CORRAL_ERROR_CLOUD_IMAGE with what
 * qemu-img says it is otherwise. */
static gboolean
probe_image_file (const char  *path,
                  const char **format,
                  guint64     *virtual_size,
                  guint64     *file_size,
                  GError     **error)
{
  g_autofree char *qemu_format = NULL;
  gboolean has_backing = FALSE, is_block = FALSE;
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_IMAGE,
                   _("There is no image file “%s”: choose another one"), path);
      return FALSE;
    }
  *file_size = st.st_size;
  if (!qemu_img_info (path, &qemu_format, virtual_size, &has_backing, error))
    return FALSE;
  /* the project's own probe decides, qemu-img's word is what the user reads */
  *format = corral_disk_image_format (path, &is_block);
  if (g_str_equal (qemu_format, "qcow2") && g_str_equal (*format, "qcow2"))
    {
      if (has_backing)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_IMAGE,
                       _("“%s” is a qcow2 overlay on another image, not a whole cloud image: "
                         "choose its base, or flatten it with qemu-img convert"), path);
          return FALSE;
        }
      return TRUE;
    }
  if (g_str_equal (qemu_format, "raw"))
    {
      if (raw_looks_like_disk (path))
        return TRUE;
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_IMAGE,
                   _("“%s” is no disk image: qemu-img sees only raw data in it (no partition "
                     "table, no file system). Choose a qcow2 or raw cloud image"), path);
      return FALSE;
    }
  g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_IMAGE,
               _("qemu-img says “%s” is a %s image: Corral takes qcow2 or raw cloud images "
                 "(convert it with qemu-img convert -O qcow2)"), path, qemu_format);
  return FALSE;
}

static const char *
volume_format (virStorageVolPtr vol)
{
  g_autofree char *xml = virStorageVolGetXMLDesc (vol, 0);

  if (xml != NULL && (strstr (xml, "<format type='qcow2'/>") != NULL
                      || strstr (xml, "<format type=\"qcow2\"/>") != NULL))
    return "qcow2";
  return "raw";
}

/* By listing, not by lookup (a failed lookup is logged by libvirt as an error). */
static virStorageVolPtr
find_volume (virStoragePoolPtr  pool,
             const char        *name,
             const char        *path)
{
  virStorageVolPtr *vols = NULL;
  virStorageVolPtr found = NULL;
  int n = virStoragePoolListAllVolumes (pool, &vols, 0);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *vol_path = path != NULL ? virStorageVolGetPath (vols[i]) : NULL;

      if (found == NULL && (name != NULL ? g_strcmp0 (virStorageVolGetName (vols[i]), name) == 0
                                         : g_strcmp0 (vol_path, path) == 0))
        found = vols[i];
      else
        virStorageVolFree (vols[i]);
    }
  free (vols);
  return found;
}

/* Sends @size bytes from @fd (or @data) into a new volume's upload stream, in chunks, with progress
 * (none without @self); aborts the stream on failure or cancel. */
static gboolean
upload (CorralGuestCreator  *self,
        virConnectPtr        conn,
        virStorageVolPtr     vol,
        int                  fd,
        GBytes              *data,
        guint64              size,
        const char          *what,
        double               start,
        double               end,
        GCancellable        *cancellable,
        GError             **error)
{
  g_autoptr(virStream) stream = virStreamNew (conn, 0);
  g_autofree char *buf = g_malloc (CHUNK_SIZE);
  const char *bytes = data != NULL ? g_bytes_get_data (data, NULL) : NULL;
  guint64 sent = 0;
  gint64 last_report = 0;

  if (stream == NULL || virStorageVolUpload (vol, stream, 0, size, 0) < 0)
    {
      *error = _corral_guest_creator_libvirt_error (_("Could not start copying into the pool"));
      return FALSE;
    }
  while (sent < size)
    {
      gsize want = MIN (CHUNK_SIZE, size - sent);
      const char *chunk;
      gsize have = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto abort;
      if (bytes != NULL)
        {
          chunk = bytes + sent;
          have = want;
        }
      else
        {
          while (have < want)
            {
              ssize_t n = read (fd, buf + have, want - have);

              if (n < 0 && errno == EINTR)
                continue;
              if (n <= 0)
                {
                  g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_IMAGE,
                               _("Could not read %s: %s"), what,
                               n < 0 ? g_strerror (errno) : _("the file got shorter"));
                  goto abort;
                }
              have += n;
            }
          chunk = buf;
        }
      for (gsize off = 0; off < have;)
        {
          int n = virStreamSend (stream, chunk + off, have - off);

          if (n < 0)
            {
              *error = _corral_guest_creator_libvirt_error (_("Could not copy into the pool"));
              goto abort;
            }
          off += n;
        }
      sent += have;
      if (self != NULL
          && (g_get_monotonic_time () - last_report > G_USEC_PER_SEC / 10 || sent == size))
        {
          g_autofree char *done = corral_format_size (sent);
          g_autofree char *total = corral_format_size (size);

          last_report = g_get_monotonic_time ();
          _corral_guest_creator_report (self, start + (end - start) * sent / MAX (size, 1),
                                        _("Copying %s into the pool… %s of %s"), what, done, total);
        }
    }
  if (virStreamFinish (stream) < 0)
    {
      *error = _corral_guest_creator_libvirt_error (_("Could not finish copying into the pool"));
      return FALSE;
    }
  return TRUE;

abort:
  virStreamAbort (stream);
  return FALSE;
}

static virStorageVolPtr
create_volume (virStoragePoolPtr  pool,
               const char        *name,
               const char        *format,
               guint64            capacity,
               const char        *backing_path,
               const char        *backing_format,
               GError           **error)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autofree char *escaped = g_markup_escape_text (name, -1);
  virStorageVolPtr vol;

  g_string_append_printf (xml, "<volume><name>%s</name><capacity unit='bytes'>%" G_GUINT64_FORMAT
                          "</capacity><allocation unit='bytes'>0</allocation>"
                          "<target><format type='%s'/></target>", escaped, capacity, format);
  if (backing_path != NULL)
    {
      g_autofree char *path = g_markup_escape_text (backing_path, -1);

      g_string_append_printf (xml, "<backingStore><path>%s</path><format type='%s'/>"
                              "</backingStore>", path, backing_format);
    }
  g_string_append (xml, "</volume>");
  vol = virStorageVolCreateXML (pool, xml->str, 0);
  if (vol == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("Could not create the volume “%s” in “%s”"), name,
                                               virStoragePoolGetName (pool));

      *error = _corral_guest_creator_libvirt_error (what);
    }
  return vol;
}

static gboolean
check_free_name (virStoragePoolPtr  pool,
                 const char        *name,
                 GError           **error)
{
  if (!_corral_guest_creator_pool_has_volume (pool, name))
    return TRUE;
  g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
               _("The storage pool “%s” already has a volume “%s”: choose another guest name, or "
                 "delete that volume"), virStoragePoolGetName (pool), name);
  return FALSE;
}

CorralCloudBase *
_corral_cloud_base_prepare (CorralGuestCreator     *self,
                            virConnectPtr           conn,
                            const CorralGuestSpec  *spec,
                            double                  start,
                            double                  end,
                            GCancellable           *cancellable,
                            GError                **error)
{
  g_autoptr(virStoragePool) pool = virStoragePoolLookupByName (conn, spec->disk_location);
  g_autoptr(CorralCloudBase) base = g_new0 (CorralCloudBase, 1);
  g_autofree char *basename = NULL;
  g_autofree char *what = NULL;
  virStoragePoolInfo pool_info;
  virStorageVolInfo info;
  guint64 file_size = 0;
  int fd;

  if (pool == NULL)
    {
      virResetLastError ();
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                   _("There is no storage pool “%s”: choose another one"), spec->disk_location);
      return NULL;
    }
  virStoragePoolRefresh (pool, 0);

  /* the image is a volume of the pool already: the guests' base as it is */
  base->volume = find_volume (pool, NULL, spec->image_path);
  if (base->volume != NULL)
    {
      if (virStorageVolGetInfo (base->volume, &info) < 0)
        {
          *error = _corral_guest_creator_libvirt_error (_("Could not read the cloud image’s volume"));
          return NULL;
        }
      base->path = g_strdup (spec->image_path);
      base->name = g_strdup (virStorageVolGetName (base->volume));
      base->format = volume_format (base->volume);
      base->virtual_size = info.capacity;
      _corral_guest_creator_report (self, end, _("The cloud image is in “%s” already"),
                                    spec->disk_location);
      goto check_size;
    }

  _corral_guest_creator_report (self, start, "%s", _("Checking the cloud image…"));
  if (!probe_image_file (spec->image_path, &base->format, &base->virtual_size, &file_size, error))
    return NULL;

  basename = g_path_get_basename (spec->image_path);
  base->name = g_strdup (basename);
  base->volume = find_volume (pool, basename, NULL);
  if (base->volume != NULL)
    {
      /* kept from an earlier run: offered again when it holds this image */
      if (virStorageVolGetInfoFlags (base->volume, &info, VIR_STORAGE_VOL_GET_PHYSICAL) < 0
          || info.allocation != file_size || g_strcmp0 (volume_format (base->volume),
                                                        base->format) != 0)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_IMAGE,
                       _("The storage pool “%s” has a volume “%s” that is not this image: rename "
                         "the image file, or delete that volume"), spec->disk_location, basename);
          virResetLastError ();
          return NULL;
        }
      base->path = virStorageVolGetPath (base->volume);
      _corral_guest_creator_report (self, end, _("Using the copy of “%s” kept in “%s”"), basename,
                                    spec->disk_location);
      goto check_size;
    }

  if (virStoragePoolGetInfo (pool, &pool_info) == 0 && pool_info.available < file_size)
    {
      g_autofree char *need = corral_format_size (file_size);
      g_autofree char *have = corral_format_size (pool_info.available);

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_IMAGE,
                   _("The storage pool “%s” cannot hold the cloud image: %s needed, %s free"),
                   spec->disk_location, need, have);
      return NULL;
    }

  fd = open (spec->image_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLOUD_IMAGE, _("Could not read “%s”: %s"),
                   spec->image_path, g_strerror (errno));
      return NULL;
    }
  base->volume = create_volume (pool, basename, base->format, base->virtual_size, NULL, NULL,
                                error);
  if (base->volume == NULL)
    {
      close (fd);
      return NULL;
    }
  base->made = TRUE;
  what = g_strdup_printf ("“%s”", basename);
  if (!upload (self, conn, base->volume, fd, NULL, file_size, what, start, end, cancellable,
               error))
    {
      g_autoptr(GString) undone = g_string_new (NULL);

      close (fd);
      /* no partial volume is left behind */
      _corral_cloud_base_roll_back (base, undone);
      g_debug ("%s", undone->str);
      return NULL;
    }
  close (fd);
  base->path = virStorageVolGetPath (base->volume);

check_size:
  if (base->path == NULL)
    {
      *error = _corral_guest_creator_libvirt_error (_("Could not read the cloud image’s volume"));
      return NULL;
    }
  if (!corral_guest_spec_check_image_size (spec, base->virtual_size, error))
    {
      g_autoptr(GString) undone = g_string_new (NULL);

      _corral_cloud_base_roll_back (base, undone);
      return NULL;
    }
  return g_steal_pointer (&base);
}

static gboolean
make_seed (virConnectPtr           conn,
           virStoragePoolPtr       pool,
           const CorralGuestSpec  *spec,
           Made                   *made,
           GCancellable           *cancellable,
           GError                **error)
{
  g_autofree char *name = g_strconcat (made->guest_name, "-cidata.iso", NULL);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *instance_id = g_strconcat ("iid-", uuid, NULL);
  g_autofree char *meta_data = NULL;
  g_autofree char *user_data = NULL;
  g_autoptr(GBytes) seed = NULL;
  g_autofree char *what = NULL;

  meta_data = corral_cloud_build_meta_data (instance_id, made->guest_name);
  user_data = corral_cloud_build_user_data (spec->identity, made->guest_name, error);
  if (user_data == NULL)
    return FALSE;
  seed = corral_cloud_build_seed (meta_data, user_data, error);
  if (seed == NULL)
    return FALSE;
  if (!check_free_name (pool, name, error))
    return FALSE;
  made->seed_volume = create_volume (pool, name, "raw", g_bytes_get_size (seed), NULL, NULL, error);
  if (made->seed_volume == NULL)
    return FALSE;
  made->seed_path = virStorageVolGetPath (made->seed_volume);
  what = g_strdup_printf (_("the cloud-init seed of “%s”"), made->guest_name);
  /* (progress: the seed is small, the step's own report says enough) */
  return made->seed_path != NULL
         && upload (NULL, conn, made->seed_volume, -1, seed, g_bytes_get_size (seed), what, 0, 0,
                    cancellable, error);
}

gboolean
_corral_cloud_make_disk (virConnectPtr           conn,
                         const CorralGuestSpec  *spec,
                         CorralCloudBase        *base,
                         Made                   *made,
                         GCancellable           *cancellable,
                         GError                **error)
{
  g_autoptr(virStoragePool) pool = virStoragePoolLookupByName (conn, spec->disk_location);
  g_autofree char *name = g_strconcat (made->guest_name, ".qcow2", NULL);
  guint64 capacity = MAX (spec->disk_size, base->virtual_size);

  g_return_val_if_fail (base != NULL, FALSE);

  if (pool == NULL)
    {
      *error = _corral_guest_creator_libvirt_error (_("The storage pool is gone"));
      return FALSE;
    }
  if (!check_free_name (pool, name, error))
    return FALSE;

  if (spec->full_copy)
    {
      g_autofree char *xml = g_strdup_printf ("<volume><name>%s</name><capacity unit='bytes'>%"
                                              G_GUINT64_FORMAT "</capacity><target><format "
                                              "type='qcow2'/></target></volume>", name, capacity);
      virStorageVolInfo info;

      made->volume = virStorageVolCreateXMLFrom (pool, xml, base->volume, 0);
      if (made->volume == NULL)
        {
          g_autofree char *what = g_strdup_printf (_("Could not copy the cloud image to “%s”"), name);

          *error = _corral_guest_creator_libvirt_error (what);
          return FALSE;
        }
      if (virStorageVolGetInfo (made->volume, &info) < 0
          || (info.capacity < capacity && virStorageVolResize (made->volume, capacity, 0) < 0))
        {
          g_autofree char *what = g_strdup_printf (_("Could not grow “%s”"), name);

          *error = _corral_guest_creator_libvirt_error (what);
          made->disk_path = virStorageVolGetPath (made->volume);
          return FALSE;
        }
    }
  else
    {
      made->volume = create_volume (pool, name, "qcow2", capacity, base->path, base->format, error);
      if (made->volume == NULL)
        return FALSE;
    }
  made->disk_path = virStorageVolGetPath (made->volume);
  made->disk_format = "qcow2";
  if (made->disk_path == NULL)
    {
      *error = _corral_guest_creator_libvirt_error (_("Could not read the new disk’s path"));
      return FALSE;
    }
  return make_seed (conn, pool, spec, made, cancellable, error);
}
