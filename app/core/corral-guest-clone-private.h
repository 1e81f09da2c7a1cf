/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libvirt/libvirt.h>
#include <libxml/tree.h>

#include "corral-guest-clone.h"

G_BEGIN_DECLS

/* One disk of the guest to clone (no CD/DVD drives). */
typedef struct
{
  char     *target;
  char     *type;       /* the <disk type=…>: "file", "block", "volume" */
  char     *path;
  char     *format;
  char     *pool;       /* NULL: not a volume of a libvirt storage pool */
  char     *volume;
  gboolean  lvm;        /* a logical volume outside libvirt's pools (corral-helper's) */
  guint64   capacity;
  guint64   allocation;  /* what a full copy takes: the volume's allocation and its backing files' */
} CloneDisk;

struct _CorralCloneSource
{
  gatomicrefcount  ref_count;

  char            *name;
  char            *uuid;
  char            *xml;            /* the next start's definition, with secrets */
  gboolean         running;
  gboolean         has_snapshots;
  GPtrArray       *disks;          /* of CloneDisk */
  CloneDisk       *seed;           /* its cloud-init seed CD-ROM (NAME-cidata.iso), or NULL */
  GHashTable      *pool_free;      /* pool name → guint64* free bytes */
  GHashTable      *pool_volumes;   /* pool name → set of its volumes' names */
  GStrv            taken;          /* every guest's name on the connection */
};

/* Reads @vdom and what its disks' pools hold; call it from a worker thread. */
CorralCloneSource *_corral_clone_source_read       (virConnectPtr       conn,
                                                    virDomainPtr        vdom,
                                                    GError            **error);
gboolean           _corral_clone_source_has_volume (CorralCloneSource  *self,
                                                    const char         *pool,
                                                    const char         *volume);
/* The name of @clone's copy of (or overlay on) @disk: "CLONE-vda.qcow2", "CLONE-sda.img". */
char              *_corral_clone_volume_name       (const char         *clone,
                                                    CloneDisk          *disk,
                                                    CorralCloneMode     mode);
xmlDocPtr          _corral_clone_parse_xml         (const char         *xml,
                                                    GError            **error);

/* The name of a guest other than the one of UUID @except_uuid whose disk is based on @path (the volume
 * is in the backing chain of one of its disks), or NULL. Call it from a worker thread. */
char              *_corral_clone_find_base_user    (virConnectPtr       conn,
                                                    const char         *path,
                                                    const char         *except_uuid);

/* corral-guest-clone-seed.c: a clone's own cloud-init seed. Call them from a worker thread. */
char              *_corral_clone_seed_volume_name  (const char         *clone);
/* The guest's seed @seed downloaded through libvirt and its user-data read. */
gboolean           _corral_clone_seed_read         (virConnectPtr       conn,
                                                    CloneDisk          *seed,
                                                    char              **user_data,
                                                    GError            **error);
/* A new seed volume "@clone-cidata.iso" in @seed's pool: @user_data with @clone as its host name,
 * meta-data with a new instance-id and local-hostname @clone. The volume is added to @volumes (so
 * that a failure's undo deletes it) as soon as it is made, even when its upload then fails. */
virStorageVolPtr   _corral_clone_seed_make         (virConnectPtr       conn,
                                                    CloneDisk          *seed,
                                                    const char         *user_data,
                                                    const char         *clone,
                                                    GPtrArray          *volumes,
                                                    GError            **error);

G_END_DECLS
