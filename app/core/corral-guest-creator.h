/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "corral-connection.h"
#include "corral-guest-spec.h"
#include "corral-helper-client.h"

G_BEGIN_DECLS

/* What a connection's host offers the new-guest wizard. */
typedef struct
{
  char    *name;
  guint64  capacity;    /* bytes */
  guint64  available;   /* bytes */
} CorralStoragePlace;

typedef struct
{
  guint64     memory;        /* bytes of host memory */
  guint       cpus;
  char       *virt_type;     /* "kvm", "qemu" or "test" */
  char       *arch;
  GPtrArray  *pools;         /* CorralStoragePlace, active storage pools */
  GPtrArray  *networks;      /* char *, libvirt networks */
  GPtrArray  *bridges;       /* char *, host bridges */
  GStrv       guest_names;   /* guests that exist */
  /* from the connection's domain capabilities (q35, virt_type): */
  gboolean    firmware_known; /* they could be read */
  gboolean    uefi;          /* firmware auto-selection offers efi (package ovmf) */
  gboolean    secure_boot;   /* a loader with Secure Boot is there */
  gboolean    tpm;           /* an emulated TPM (packages swtpm, swtpm-tools) */
} CorralHostInfo;

void            corral_host_info_free          (CorralHostInfo        *info);
void            corral_storage_place_free      (CorralStoragePlace    *place);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralHostInfo, corral_host_info_free)

gboolean        corral_host_info_read_domain_capabilities (CorralHostInfo *info,
                                                           const char     *xml);
void            corral_host_info_query_async   (CorralConnection      *connection,
                                                GCancellable          *cancellable,
                                                GAsyncReadyCallback    callback,
                                                gpointer               user_data);
CorralHostInfo *corral_host_info_query_finish  (GAsyncResult          *result,
                                                GError               **error);

/* What a cloud image file is, for the wizard's checks (CorralGuestPageFacts.image_size): its virtual
 * size, and its format ("qcow2" or "raw"); CORRAL_ERROR_CLOUD_IMAGE, saying what qemu-img sees, when
 * it is no disk image. Runs qemu-img in a worker thread. */
void            corral_cloud_image_probe_async  (const char            *path,
                                                 GCancellable          *cancellable,
                                                 GAsyncReadyCallback    callback,
                                                 gpointer               user_data);
guint64         corral_cloud_image_probe_finish (GAsyncResult          *result,
                                                 const char           **format,
                                                 GError               **error);

#define CORRAL_TYPE_GUEST_CREATOR (corral_guest_creator_get_type ())

G_DECLARE_FINAL_TYPE (CorralGuestCreator, corral_guest_creator, CORRAL, GUEST_CREATOR, GObject)

/* Creates the spec's guests: each one's disk, then its domain, then (spec->start) starts them all.
 * Properties "fraction" (double) and "status" (string) follow the progress. When anything fails or
 * the run is cancelled, everything it made is removed again and the error says what was removed. */
CorralGuestCreator *corral_guest_creator_new          (CorralConnection      *connection,
                                                       const CorralGuestSpec *spec);
void                corral_guest_creator_set_helper   (CorralGuestCreator    *self,
                                                       CorralHelperClient    *helper);
void                corral_guest_creator_set_virt_type (CorralGuestCreator   *self,
                                                       const char            *virt_type);
double              corral_guest_creator_get_fraction (CorralGuestCreator    *self);
const char         *corral_guest_creator_get_status   (CorralGuestCreator    *self);
void                corral_guest_creator_run_async    (CorralGuestCreator    *self,
                                                       GCancellable          *cancellable,
                                                       GAsyncReadyCallback    callback,
                                                       gpointer               user_data);
GStrv               corral_guest_creator_run_finish   (CorralGuestCreator    *self,
                                                       GAsyncResult          *result,
                                                       GError               **error);

G_END_DECLS
