/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The libvirt the helper talks to: qemu:///system, or the URI in
 * CORRAL_HELPER_LIBVIRT_URI when the helper starts (for tests only). Never
 * used in hook mode: libvirt waits for its hooks, calling it back deadlocks. */
void        corral_helper_libvirt_init (void);
const char *corral_helper_libvirt_uri  (void);

typedef struct
{
  char     *mac;      /* lower case */
  char     *network;  /* a libvirt NAT network */
  char     *address;  /* reserved for @mac on @network by a DHCP host entry */
  gboolean  running;
} CorralGuestTarget;

void corral_guest_target_free (CorralGuestTarget *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralGuestTarget, corral_guest_target_free)

/* Finds guest @uuid's first interface on a libvirt NAT network and makes sure
 * a DHCP host reservation pins its address (keeping the address it holds a
 * lease for, else taking a free one in the DHCP range), so forwards never
 * depend on a lease. NOT_FOUND for an unknown guest, UNSUPPORTED for a guest
 * with no interface on a NAT network. */
CorralGuestTarget *corral_libvirt_pin_guest (const char  *uuid,
                                             GError     **error);

G_END_DECLS
