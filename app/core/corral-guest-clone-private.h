/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libvirt/libvirt.h>

#include <glib.h>

G_BEGIN_DECLS

/* The name of a guest other than the one of UUID @except_uuid whose disk is based on @path (the volume
 * is in the backing chain of one of its disks), or NULL. Call it from a worker thread. */
char *_corral_clone_find_base_user (virConnectPtr  conn,
                                    const char    *path,
                                    const char    *except_uuid);

G_END_DECLS
