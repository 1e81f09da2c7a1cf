/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libvirt/libvirt.h>

#include "corral-connection.h"

G_BEGIN_DECLS

/* A new reference to the libvirt handle, for worker threads; NULL while disconnected.
 * Release it with virConnectClose(). */
virConnectPtr _corral_connection_ref_handle (CorralConnection *self);

/* CorralGuest's install-finished, passed on as the connection's. */
void          _corral_connection_emit_install_finished (CorralConnection *self,
                                                        CorralGuest      *guest,
                                                        const char       *error_message);

G_END_DECLS
