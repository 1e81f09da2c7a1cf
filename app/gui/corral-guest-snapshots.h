/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-guest.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_GUEST_SNAPSHOTS (corral_guest_snapshots_get_type ())

G_DECLARE_FINAL_TYPE (CorralGuestSnapshots, corral_guest_snapshots, CORRAL, GUEST_SNAPSHOTS, AdwPreferencesGroup)

/* The "Snapshots" group of a guest's page: its snapshots as a tree, the current one marked; Take,
 * Revert and Delete, each asked first where something is lost. */
GtkWidget   *corral_guest_snapshots_new       (void);
CorralGuest *corral_guest_snapshots_get_guest (CorralGuestSnapshots *self);
void         corral_guest_snapshots_set_guest (CorralGuestSnapshots *self,
                                               CorralGuest          *guest);
/* Whether a fetch or an action is under way (tests wait for it to end). */
gboolean     corral_guest_snapshots_is_busy   (CorralGuestSnapshots *self);

G_END_DECLS
