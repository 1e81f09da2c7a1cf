/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-forward.h"
#include "corral-forwards-check.h"
#include "corral-helper-client.h"
#include "corral-guest.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_FORWARDS_DIALOG (corral_forwards_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CorralForwardsDialog, corral_forwards_dialog, CORRAL, FORWARDS_DIALOG, AdwWindow)

CorralForwardsDialog *corral_forwards_dialog_new        (CorralGuest          *guest,
                                                         CorralHelperClient *client);
CorralGuest          *corral_forwards_dialog_get_guest  (CorralForwardsDialog *self);
gboolean              corral_forwards_dialog_is_busy    (CorralForwardsDialog *self);

G_END_DECLS
