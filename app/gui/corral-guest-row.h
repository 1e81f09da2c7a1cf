/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "corral-guest.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_GUEST_ROW (corral_guest_row_get_type ())

G_DECLARE_FINAL_TYPE (CorralGuestRow, corral_guest_row, CORRAL, GUEST_ROW, GtkWidget)

GtkWidget   *corral_guest_row_new       (void);
CorralGuest *corral_guest_row_get_guest (CorralGuestRow *self);
void         corral_guest_row_set_guest (CorralGuestRow *self,
                                         CorralGuest    *guest);

G_END_DECLS
