/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-guest.h"

G_BEGIN_DECLS

typedef enum {
  CORRAL_CONNECTION_STATUS_IDLE,          /* not opened yet */
  CORRAL_CONNECTION_STATUS_CONNECTING,
  CORRAL_CONNECTION_STATUS_CONNECTED,
  CORRAL_CONNECTION_STATUS_DISCONNECTED,  /* the daemon went away: reconnecting with backoff */
  CORRAL_CONNECTION_STATUS_FAILED,        /* could not be opened */
} CorralConnectionStatus;

typedef enum {
  CORRAL_ACCELERATION_UNKNOWN,
  CORRAL_ACCELERATION_KVM,
  CORRAL_ACCELERATION_EMULATION_ONLY,
  CORRAL_ACCELERATION_NOT_APPLICABLE,     /* test driver: no real guests */
} CorralAcceleration;

/* The demo connection: libvirt's test driver on the node file Corral ships (a dozen guests, a NAT network),
 * or on the driver's own default when that file is not there. */
#define CORRAL_DEMO_URI (corral_demo_uri ())

const char *corral_demo_uri (void);

#define CORRAL_TYPE_CONNECTION (corral_connection_get_type ())

G_DECLARE_FINAL_TYPE (CorralConnection, corral_connection, CORRAL, CONNECTION, GObject)

CorralConnection       *corral_connection_new                 (const char           *uri);
const char             *corral_connection_get_uri             (CorralConnection     *self);
const char             *corral_connection_get_title           (CorralConnection     *self);
gboolean                corral_connection_is_demo             (CorralConnection     *self);
gboolean                corral_connection_is_local            (CorralConnection     *self);
gboolean                corral_connection_is_system           (CorralConnection     *self);
gboolean                corral_connection_is_session          (CorralConnection     *self);
gboolean                corral_connection_is_test             (CorralConnection     *self);
const char             *corral_connection_get_driver          (CorralConnection     *self);
char                   *corral_connection_dup_ssh_target      (CorralConnection     *self);
CorralConnectionStatus  corral_connection_get_status          (CorralConnection     *self);
const char             *corral_connection_get_status_label    (CorralConnection     *self);
const char             *corral_connection_get_error_message   (CorralConnection     *self);
CorralAcceleration      corral_connection_get_acceleration    (CorralConnection     *self);
GListModel             *corral_connection_get_guests          (CorralConnection     *self);
CorralGuest            *corral_connection_find_guest          (CorralConnection     *self,
                                                               const char           *uuid);
GVirConnection         *corral_connection_get_gvir            (CorralConnection     *self);
void                    corral_connection_set_reconnect_delays (CorralConnection    *self,
                                                               guint                 first_ms,
                                                               guint                 max_ms);
void                    corral_connection_open_async          (CorralConnection     *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean                corral_connection_open_finish         (CorralConnection     *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);
void                    corral_connection_close               (CorralConnection     *self);

gboolean                corral_ssh_target_is_valid            (const char           *text);

G_END_DECLS
