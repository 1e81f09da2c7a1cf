/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libvirt/libvirt.h>

#include "corral-connection.h"

G_BEGIN_DECLS

/* A new reference to the libvirt handle, for worker threads; NULL while disconnected.
 * Release it with virConnectClose(). */
virConnectPtr _corral_connection_ref_handle (CorralConnection *self);

G_END_DECLS
