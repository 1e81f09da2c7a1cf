/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "corral-guest.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_GRAPHICS (corral_graphics_get_type ())

/* Where a guest's VNC stream comes from: a file descriptor libvirt handed over (a local connection),
 * or the argv of an ssh whose stdin and stdout carry it (qemu+ssh://). */
typedef struct _CorralGraphics CorralGraphics;

GType                corral_graphics_get_type             (void) G_GNUC_CONST;
CorralGraphics      *corral_graphics_ref                  (CorralGraphics  *self);
void                 corral_graphics_unref                (CorralGraphics  *self);
int                  corral_graphics_steal_fd             (CorralGraphics  *self);
const char * const  *corral_graphics_get_ssh_argv         (CorralGraphics  *self);
const char          *corral_graphics_get_tls_hostname     (CorralGraphics  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralGraphics, corral_graphics_unref)

void                 corral_guest_open_graphics_async     (CorralGuest          *self,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
CorralGraphics      *corral_guest_open_graphics_finish    (CorralGuest          *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

char               **corral_graphics_build_ssh_argv       (const char           *libvirt_uri,
                                                           const char           *vnc_socket,
                                                           const char           *vnc_host,
                                                           int                   vnc_port,
                                                           GError              **error);
void                 corral_graphics_vnc_listen           (const char           *graphics_xml,
                                                           char                **socket_path,
                                                           char                **address);

G_END_DECLS
