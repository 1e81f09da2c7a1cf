/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "corral-guest.h"

G_BEGIN_DECLS

/* What the forwards dialog checks on this side of the bus: can this guest have forwards at all,
 * and does a forward answer. */

/* NULL when forwards can apply to @guest, else why not (a sentence to show). Reads the guest's
 * and its network's XML, so it runs in a thread. */
void      corral_forwards_check_guest_async  (CorralGuest           *guest,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
char     *corral_forwards_check_guest_finish (CorralGuest           *guest,
                                              GAsyncResult          *result,
                                              GError               **error);
/* The part of that check that needs only what kind of connection it is (NULL: maybe). */
char     *corral_forwards_check_connection   (CorralConnection      *connection);

/* Connects to a TCP forward from the host itself (a non-loopback address of this host when
 * @host_address is "") and says whether something answered (else CORRAL_ERROR_NO_ANSWER). */
void      corral_forwards_test_async         (const char            *host_address,
                                              guint                  host_port,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
gboolean  corral_forwards_test_finish        (GAsyncResult          *result,
                                              GError               **error);

G_END_DECLS
