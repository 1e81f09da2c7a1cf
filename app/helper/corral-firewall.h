/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CORRAL_FIREWALL_IPTABLES,
  CORRAL_FIREWALL_NFTABLES,
} CorralFirewallBackend;

/* The backend libvirt uses: firewall_backend in /etc/libvirt/network.conf
 * when set (libvirt >= 10.4); else the one whose tables libvirt made
 * (nftables "table ip libvirt_network", iptables LIBVIRT_* chains) when only
 * one has them; else iptables before libvirt 10.4 (9.0 in Debian 12, checked
 * at run time); else libvirt's built-in default,
 * the first of its firewall_backend_priority (nftables upstream and in Fedora,
 * iptables in Debian 13) whose program is installed, as its package's
 * /usr/share/augeas/lenses/tests/test_libvirtd_network.aug says (or, without
 * it, the commented-out default of network.conf). */
CorralFirewallBackend corral_firewall_detect       (void);
const char           *corral_firewall_backend_name (CorralFirewallBackend backend);

/* Makes Corral's rules exactly those of @forwards (CorralForwardRecord *) in the
 * backend libvirt uses, in one atomic step, touching nothing that is not
 * ours, and removes any of ours from the other backend. With no forwards,
 * every trace of ours is removed. Applying twice gives the same ruleset. */
gboolean              corral_firewall_apply        (GPtrArray              *forwards,
                                                    GError                **error);

G_END_DECLS
