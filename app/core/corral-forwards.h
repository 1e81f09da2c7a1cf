/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "corral-guest.h"

G_BEGIN_DECLS

/* Port forwards from the host to guests, kept by corral-helper (org.corralvm.Helper1 on the system
 * bus). GLib only: a client with async calls on the generated proxy, errors a person can act on,
 * and the checks the forwards dialog needs (is the helper there, is its libvirt hook active, can
 * this guest have forwards at all, is a host port free, does a forward answer). */

#define CORRAL_FORWARDS_ERROR (corral_forwards_error_quark ())

typedef enum {
  CORRAL_FORWARDS_ERROR_FAILED,
  CORRAL_FORWARDS_ERROR_HELPER_MISSING,    /* corral-helper is not installed or cannot be started */
  CORRAL_FORWARDS_ERROR_NOT_AUTHORIZED,    /* polkit said no, or the prompt was dismissed */
  CORRAL_FORWARDS_ERROR_INVALID_ARGUMENT,
  CORRAL_FORWARDS_ERROR_CONFLICT,          /* the host port is forwarded already or in use */
  CORRAL_FORWARDS_ERROR_NOT_FOUND,
  CORRAL_FORWARDS_ERROR_UNSUPPORTED,       /* the guest is not on a libvirt NAT network */
  CORRAL_FORWARDS_ERROR_NO_ANSWER,         /* Test: nothing answered through the forward */
} CorralForwardsError;

GQuark corral_forwards_error_quark (void);

/* What the helper says about forwarding on this host, worst first. */
typedef enum {
  CORRAL_FORWARDS_READY,
  CORRAL_FORWARDS_NO_IP_FORWARDING,  /* IPv4 forwarding is off: only the host reaches forwards */
  CORRAL_FORWARDS_HOOK_INACTIVE,     /* installed after libvirtd started: libvirtd ignores it */
  CORRAL_FORWARDS_HOOK_MISSING,      /* the helper runs but its libvirt hook is not installed */
} CorralForwardsReadiness;

typedef enum {
  CORRAL_FORWARD_STATE_ACTIVE,       /* rules in place */
  CORRAL_FORWARD_STATE_WAITING,      /* the guest is not running: applied when it starts */
  CORRAL_FORWARD_STATE_FAILING,      /* the guest runs but the rules are not in place */
} CorralForwardState;

/* --- one forward --- */

#define CORRAL_TYPE_FORWARD (corral_forward_get_type ())

G_DECLARE_FINAL_TYPE (CorralForward, corral_forward, CORRAL, FORWARD, GObject)

CorralForward      *corral_forward_new                (const char     *guest_uuid,
                                                       const char     *protocol,
                                                       const char     *host_address,
                                                       guint           host_port,
                                                       const char     *guest_address,
                                                       guint           guest_port,
                                                       gboolean        active);
const char         *corral_forward_get_guest_uuid     (CorralForward  *self);
const char         *corral_forward_get_protocol       (CorralForward  *self);
const char         *corral_forward_get_host_address   (CorralForward  *self);
guint               corral_forward_get_host_port      (CorralForward  *self);
const char         *corral_forward_get_guest_address  (CorralForward  *self);
guint               corral_forward_get_guest_port     (CorralForward  *self);
gboolean            corral_forward_get_active         (CorralForward  *self);
CorralForwardState  corral_forward_get_state          (CorralForward  *self,
                                                       gboolean        guest_running);
char               *corral_forward_dup_title          (CorralForward  *self);
char               *corral_forward_dup_state_label    (CorralForward  *self,
                                                       gboolean        guest_running);
char               *corral_forward_dup_summary        (CorralForward  *self);
char               *corral_forwards_summarize         (GPtrArray      *forwards);

/* --- the client --- */

#define CORRAL_TYPE_FORWARDS_CLIENT (corral_forwards_client_get_type ())

G_DECLARE_FINAL_TYPE (CorralForwardsClient, corral_forwards_client, CORRAL, FORWARDS_CLIENT,
                      GObject)

CorralForwardsClient *corral_forwards_client_new           (GDBusConnection       *bus);
CorralForwardsClient *corral_forwards_client_get_default   (void);

void                  corral_forwards_client_get_readiness_async
                                                           (CorralForwardsClient  *self,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
CorralForwardsReadiness
corral_forwards_client_get_readiness_finish (CorralForwardsClient  *self,
                                             GAsyncResult          *result,
                                             char                 **message,
                                             GError               **error);

void                  corral_forwards_client_list_async    (CorralForwardsClient  *self,
                                                            const char            *guest_uuid,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
GPtrArray            *corral_forwards_client_list_finish   (CorralForwardsClient  *self,
                                                            GAsyncResult          *result,
                                                            GError               **error);
void                  corral_forwards_client_add_async     (CorralForwardsClient  *self,
                                                            const char            *guest_uuid,
                                                            const char            *protocol,
                                                            const char            *host_address,
                                                            guint                  host_port,
                                                            guint                  guest_port,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
char                 *corral_forwards_client_add_finish    (CorralForwardsClient  *self,
                                                            GAsyncResult          *result,
                                                            GError               **error);
void                  corral_forwards_client_remove_async  (CorralForwardsClient  *self,
                                                            const char            *protocol,
                                                            const char            *host_address,
                                                            guint                  host_port,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
gboolean              corral_forwards_client_remove_finish (CorralForwardsClient  *self,
                                                            GAsyncResult          *result,
                                                            GError               **error);

/* The last list of all guests' forwards (ListForwards ""), fetched once on first use and after each
 * change made through this client; "changed" is emitted when it was fetched again. */
void                  corral_forwards_client_refresh_all   (CorralForwardsClient  *self);
GPtrArray            *corral_forwards_client_get_cached    (CorralForwardsClient  *self,
                                                            const char            *guest_uuid);
char                 *corral_forwards_client_dup_summary   (CorralForwardsClient  *self,
                                                            const char            *guest_uuid);

/* --- checks --- */

/* NULL when forwards can apply to @guest, else why not (a sentence to show). Reads the guest's
 * and its network's XML, so it runs in a thread. */
void      corral_forwards_check_guest_async  (CorralGuest           *guest,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
char     *corral_forwards_check_guest_finish (CorralGuest           *guest,
                                              GAsyncResult          *result,
                                              GError               **error);
/* The part of that check that needs only the connection's URI (NULL: maybe). */
char     *corral_forwards_check_uri          (const char            *uri,
                                              gboolean               is_local);

/* Parses a port as typed: 1 to 65535, digits only. On failure a message saying so. */
gboolean  corral_forwards_parse_port         (const char            *text,
                                              const char            *what,
                                              guint                 *port,
                                              GError               **error);
/* Is a program on this host listening on @port (tcp) or bound to it (udp)? Reads /proc/net. */
gboolean  corral_forwards_port_in_use        (const char            *protocol,
                                              guint                  port);
/* A host port to suggest for @guest_port: the same number if free, else a free one. */
guint     corral_forwards_suggest_host_port  (CorralForwardsClient  *self,
                                              const char            *protocol,
                                              guint                  guest_port);
/* Connects to a TCP forward from the host itself (a non-loopback address of this host when
 * @host_address is "") and says whether something answered. */
void      corral_forwards_test_async         (const char            *host_address,
                                              guint                  host_port,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
gboolean  corral_forwards_test_finish        (GAsyncResult          *result,
                                              GError               **error);

G_END_DECLS
