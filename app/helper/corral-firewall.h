/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CORRAL_FIREWALL_IPTABLES,
  CORRAL_FIREWALL_NFTABLES,
} CorralFirewallBackend;

/* The backend libvirt uses: nftables when libvirt's own "ip libvirt_network"
 * table exists or /etc/libvirt/network.conf says firewall_backend =
 * "nftables" (libvirt >= 10.4), else iptables (libvirt 9.0 in Debian 12). */
CorralFirewallBackend corral_firewall_detect       (void);
const char           *corral_firewall_backend_name (CorralFirewallBackend backend);

/* Makes Corral's rules exactly those of @forwards (CorralForwardRecord *) in the
 * backend libvirt uses, in one atomic step, touching nothing that is not
 * ours, and removes any of ours from the other backend. With no forwards,
 * every trace of ours is removed. Applying twice gives the same ruleset. */
gboolean              corral_firewall_apply        (GPtrArray              *forwards,
                                                    GError                **error);

G_END_DECLS
