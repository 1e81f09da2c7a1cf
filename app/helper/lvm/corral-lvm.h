/* SPDX-License-Identifier: GPL-3.0-or-later */
/* corral-lvm.h: the helper's LVM volumes, through the lvm2 command-line tools
 *
 * Every function here is synchronous and may block for as long as LVM takes (each
 * command has a timeout): call them from a worker thread.  Cancelling @cancellable
 * kills the running LVM command and the call fails with G_IO_ERROR_CANCELLED; every
 * other failure is in the CORRAL_HELPER_ERROR domain.
 *
 * Test/debug hook: when the environment variable CORRAL_LVM_CONFIG is set (even to
 * ""), its value is passed to every LVM command as `--config VALUE`.  The tests use it
 * to turn activation off (`global { activation = 0 }`) on kernels without
 * device-mapper.  A real helper runs without it.
 */

#pragma once

#include <gio/gio.h>

#include "corral-helper-error.h"

G_BEGIN_DECLS

/* The LVM tag on every logical volume Corral creates; Corral lists and removes only
 * volumes that carry it. */
#define CORRAL_LVM_TAG "corral"

/* Errors are CORRAL_HELPER_ERROR codes (the helper's wire errors): INVALID_ARGUMENT (a bad name
 * or size: nothing was run), NOT_FOUND (no such volume group or logical volume), NO_SPACE (the
 * group has too little free space), NOT_CORRAL (the volume lacks CORRAL_LVM_TAG), CONFLICT (a
 * logical volume of that name exists already), FAILED (LVM failed: the message has its stderr,
 * timed out, or is not installed). */

typedef struct
{
  char    *name;
  guint64  size; /* bytes */
  guint64  free; /* bytes */
} CorralVolumeGroup;

typedef struct
{
  char    *vg;
  char    *name;
  guint64  size; /* bytes, as allocated (a whole number of extents) */
  char    *path; /* /dev/VG/NAME */
} CorralLogicalVolume;


void                 corral_volume_group_free        (CorralVolumeGroup   *vg);
void                 corral_logical_volume_free      (CorralLogicalVolume *lv);

/* Checks @name against lvm(8) "VALID NAMES": 1 to 127 characters from a-z A-Z 0-9
 * + _ . -, not starting with '-', not "." or "..".  Unless @what is exactly "volume
 * group", it also refuses the names lvm(8) reserves for logical volumes: those
 * starting with "snapshot" or "pvmove", and those containing "_mlog", "_rimage" and
 * the like (a volume group may be called "snapshots").  @what ("volume group",
 * "logical volume") also names the thing in the error message.
 * corral_lvm_create_volume() and corral_lvm_remove_volume() check their arguments
 * themselves, the same way. */
gboolean             corral_lvm_validate_name        (const char          *name,
                                                      const char          *what,
                                                      GError             **error);

/* All volume groups (a GPtrArray of CorralVolumeGroup, owning them). */
GPtrArray           *corral_lvm_list_volume_groups   (GCancellable        *cancellable,
                                                      GError             **error);

/* The logical volumes that carry CORRAL_LVM_TAG, in every volume group (a GPtrArray of
 * CorralLogicalVolume, owning them). */
GPtrArray           *corral_lvm_list_volumes         (GCancellable        *cancellable,
                                                      GError             **error);

/* Creates the linear logical volume @vg/@name tagged CORRAL_LVM_TAG.  @size_bytes must
 * be above 0 and a multiple of 512 (LVM's sector); it is rounded up to a whole number
 * of the group's extents (4 MiB by default), as LVM itself would, and that rounded
 * size must fit in the group's free space (read afresh).  The returned volume has the
 * size actually allocated. */
CorralLogicalVolume *corral_lvm_create_volume        (const char          *vg,
                                                      const char          *name,
                                                      guint64              size_bytes,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

/* Removes @vg/@name, only if it carries CORRAL_LVM_TAG (else NOT_CORRAL, and nothing
 * is touched). */
gboolean             corral_lvm_remove_volume        (const char          *vg,
                                                      const char          *name,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

/* Grows @vg/@name, only if it carries CORRAL_LVM_TAG (else NOT_CORRAL), to @size_bytes (a
 * multiple of 512, rounded up to whole extents like corral_lvm_create_volume()). Never shrinks: a
 * size not above the volume's is INVALID_ARGUMENT; growing by more than the group's free space is
 * NO_SPACE. Runs `lvextend`. @new_size (may be NULL): the size allocated afterwards. */
gboolean             corral_lvm_resize_volume        (const char          *vg,
                                                      const char          *name,
                                                      guint64              size_bytes,
                                                      guint64             *new_size,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralVolumeGroup, corral_volume_group_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralLogicalVolume, corral_logical_volume_free)

G_END_DECLS
