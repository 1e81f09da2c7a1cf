/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libvirt/libvirt.h>

#include "corral-forwards-check.h"

G_BEGIN_DECLS

/* Why forwards cannot apply to the guest described by @domain_xml on @conn (its first interface
 * must be on a libvirt NAT network), or NULL when they can. Blocks on libvirt: for worker threads
 * (and tests). */
char *_corral_forwards_check_domain (virConnectPtr  conn,
                                     const char    *domain_xml);

G_END_DECLS
