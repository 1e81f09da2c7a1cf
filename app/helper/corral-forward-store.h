/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CORRAL_FORWARD_STORE_FORMAT_VERSION 1

typedef struct
{
  char    *guest_uuid;     /* lower case */
  char    *protocol;       /* "tcp" or "udp" */
  char    *host_address;   /* "" for every local address */
  guint16  host_port;
  char    *guest_address;  /* the guest's reserved IPv4 address */
  guint16  guest_port;
  char    *network;        /* the libvirt NAT network the address is on */
  char    *mac;            /* the guest NIC the reservation is for */
} CorralForwardRecord;

CorralForwardRecord *corral_forward_record_copy           (const CorralForwardRecord *forward);
void                 corral_forward_record_free           (CorralForwardRecord       *forward);
gboolean             corral_forward_record_same_host_port (const CorralForwardRecord *a,
                                                           const char                *protocol,
                                                           const char                *host_address,
                                                           guint                      host_port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralForwardRecord, corral_forward_record_free)

/* /var/lib/corral and /run/corral; CORRAL_HELPER_STATE_DIR and
 * CORRAL_HELPER_RUNTIME_DIR override them, for tests only. */
const char    *corral_helper_state_dir   (void);
const char    *corral_helper_runtime_dir (void);

/* What a transaction's edit sees: every forward, and the UUIDs of the guests
 * whose forwards are active (they are running). The edit changes them in
 * place and sets *changed when something is to be saved and applied. */
typedef gboolean (*CorralForwardStoreEdit) (GPtrArray   *forwards,
                                            GHashTable  *active_guests,
                                            gboolean    *changed,
                                            gpointer     user_data,
                                            GError     **error);

/* Under an exclusive lock (waiting at most @lock_timeout_ms): loads the state,
 * runs @edit (may be NULL: re-apply only), saves atomically and applies the
 * firewall rules of the active forwards. If applying fails the old state is
 * written back and re-applied. A corrupt state file is an error
 * (CORRUPT_STATE) and is left as it is. */
gboolean corral_forward_store_transact (guint                    lock_timeout_ms,
                                        CorralForwardStoreEdit   edit,
                                        gpointer                 user_data,
                                        GError                 **error);

/* Reads without locking the state file (rename makes reads consistent). */
GPtrArray  *corral_forward_store_load               (GError **error);
GHashTable *corral_forward_store_load_active_guests (GError **error);

G_END_DECLS
