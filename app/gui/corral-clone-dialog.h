/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-guest.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_CLONE_DIALOG (corral_clone_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CorralCloneDialog, corral_clone_dialog, CORRAL, CLONE_DIALOG, AdwWindow)

/* Clones of @guest: their names (one, or ×N), full copies or linked clones, the space they need; a
 * running guest is offered a shut-down first. Copies with progress and Cancel, then closes. */
CorralCloneDialog *corral_clone_dialog_new       (CorralGuest       *guest);
CorralGuest       *corral_clone_dialog_get_guest (CorralCloneDialog *self);
gboolean           corral_clone_dialog_is_busy   (CorralCloneDialog *self);

G_END_DECLS
