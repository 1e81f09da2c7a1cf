/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What Corral's C tests share: waiting on the main loop with a time limit, and finding guests. */
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "corral-connection.h"

G_BEGIN_DECLS

/* A file may define TIMEOUT_S (seconds) before including this header. */
#ifndef TIMEOUT_S
#define TIMEOUT_S 20
#endif

/* Runs the main loop until cond holds; fails the test (naming cond) after TIMEOUT_S seconds. A file
 * that wants to say more on a timeout may define its own WAIT_FOR before including this header. */
#ifndef WAIT_FOR
#define WAIT_FOR(cond) G_STMT_START {                                                             \
    guint _timeout = g_timeout_add_seconds (TIMEOUT_S, corral_test_timeout_cb, (gpointer) #cond); \
    while (!(cond))                                                                               \
      g_main_context_iteration (NULL, TRUE);                                                      \
    g_source_remove (_timeout);                                                                   \
  } G_STMT_END
#endif

/* Runs the main loop until cond holds, polling it every millisecond (so that it may also come true with
 * time alone, or through something outside the main loop): TRUE once it holds, FALSE if it still does
 * not after timeout_ms milliseconds. */
#define WAIT_UNTIL(cond, timeout_ms) ({                                                           \
    gint64 _end = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000;                         \
    gboolean _held;                                                                               \
    while (!(_held = (cond)) && corral_test_poll (_end))                                          \
      ;                                                                                           \
    _held;                                                                                        \
  })

gboolean          corral_test_timeout_cb      (gpointer          user_data);
void              corral_test_drain           (guint             ms);
gboolean          corral_test_poll            (gint64            end);
CorralConnection *corral_test_open_connection (const char       *uri);
CorralGuest      *corral_test_find_guest      (CorralConnection *connection,
                                               const char       *name);
void              corral_test_wait_last_ref   (gpointer          object);

/* A GAsyncReadyCallback that keeps the result (a reference) in *(GAsyncResult **) user_data. */
void              corral_test_keep_result     (GObject          *source,
                                               GAsyncResult     *result,
                                               gpointer          user_data);

/* A test:///FILE node opened through Corral, and the libvirt handle of that same connection, for the
 * tests on libvirt's test driver (a g_test_add fixture). Closing checks that nothing keeps the
 * connection alive. */
typedef struct
{
  CorralConnection *connection;
  virConnectPtr     conn;
} CorralTestNode;

void              corral_test_node_open       (CorralTestNode   *node,
                                               const char       *path);
void              corral_test_node_close      (CorralTestNode   *node);

/* A storage pool's volumes' names (the pool refreshed first), sorted and joined with spaces. */
char             *corral_test_pool_volumes    (virConnectPtr     conn,
                                               const char       *pool);
/* A volume's bytes, downloaded through libvirt's storage API. */
GBytes           *corral_test_volume_download (virConnectPtr     conn,
                                               const char       *pool,
                                               const char       *volume);

G_END_DECLS
