/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-guest.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_GUEST_HARDWARE (corral_guest_hardware_get_type ())

G_DECLARE_FINAL_TYPE (CorralGuestHardware, corral_guest_hardware, CORRAL, GUEST_HARDWARE, GtkWidget)

CorralGuest *corral_guest_hardware_get_guest (CorralGuestHardware *self);
void         corral_guest_hardware_set_guest (CorralGuestHardware *self,
                                              CorralGuest         *guest);
gboolean     corral_guest_hardware_is_busy   (CorralGuestHardware *self);

G_END_DECLS
