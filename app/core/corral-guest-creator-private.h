/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libvirt/libvirt.h>

#include "corral-guest-creator.h"

G_BEGIN_DECLS

/* What a run made for one guest, to undo it when something fails. */
typedef struct
{
  char        *guest_name;
  char        *disk_path;
  gboolean     disk_is_block;
  const char  *disk_format;
  virStorageVolPtr volume;     /* a new pool volume */
  char        *lv_group;       /* a new LVM volume: group and name */
  char        *lv_name;
  virStorageVolPtr seed_volume; /* a cloud image's guest: its new cloud-init seed volume */
  char        *seed_path;
  virDomainPtr domain;
  GVirConfigDomain *install;   /* its install run's configuration (an ISO install) */
  gboolean     started;
} Made;

/* The base image of guests made from a cloud image: a volume of their pool. */
typedef struct
{
  virStorageVolPtr volume;
  char            *path;
  char            *name;
  const char      *format;        /* "qcow2" or "raw" */
  guint64          virtual_size;  /* bytes */
  gboolean         made;          /* uploaded by this run: removed when the run fails */
} CorralCloudBase;

G_GNUC_PRINTF (3, 4)
void             _corral_guest_creator_report        (CorralGuestCreator     *self,
                                                      double                  fraction,
                                                      const char             *format,
                                                      ...);
GError          *_corral_guest_creator_libvirt_error (const char             *what);
gboolean         _corral_guest_creator_pool_has_volume (virStoragePoolPtr     pool,
                                                        const char           *name);

/* corral-guest-creator-cloud.c. The base: the image itself when it is a volume of the pool, else a
 * volume named after the file, reused when it holds the same image, else made and the file uploaded
 * into it (progress from @start to @end, cancellable). */
CorralCloudBase *_corral_cloud_base_prepare          (CorralGuestCreator     *self,
                                                      virConnectPtr           conn,
                                                      const CorralGuestSpec  *spec,
                                                      double                  start,
                                                      double                  end,
                                                      GCancellable           *cancellable,
                                                      GError                **error);
void             _corral_cloud_base_free             (CorralCloudBase        *base);
/* Removes the base when this run made it (after every guest's disk on it is gone). */
void             _corral_cloud_base_roll_back        (CorralCloudBase        *base,
                                                      GString                *undone);
/* One guest's disk (an overlay on the base, or a full copy) and its seed volume. */
gboolean         _corral_cloud_make_disk             (virConnectPtr           conn,
                                                      const CorralGuestSpec  *spec,
                                                      CorralCloudBase        *base,
                                                      Made                   *made,
                                                      GCancellable           *cancellable,
                                                      GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralCloudBase, _corral_cloud_base_free)

G_END_DECLS
