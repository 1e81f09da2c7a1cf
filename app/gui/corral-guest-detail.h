/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-guest.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_GUEST_DETAIL (corral_guest_detail_get_type ())

G_DECLARE_FINAL_TYPE (CorralGuestDetail, corral_guest_detail, CORRAL, GUEST_DETAIL, GtkWidget)

CorralGuest *corral_guest_detail_get_guest (CorralGuestDetail *self);
void         corral_guest_detail_set_guest (CorralGuestDetail *self,
                                            CorralGuest       *guest);

G_END_DECLS
