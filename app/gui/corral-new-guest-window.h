/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-connection.h"
#include "corral-guest-spec.h"
#include "corral-manager.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_NEW_GUEST_WINDOW (corral_new_guest_window_get_type ())

G_DECLARE_FINAL_TYPE (CorralNewGuestWindow, corral_new_guest_window, CORRAL, NEW_GUEST_WINDOW,
                      AdwWindow)

CorralNewGuestWindow *corral_new_guest_window_new             (GtkWindow            *parent,
                                                               CorralConnection     *connection);
CorralNewGuestWindow *corral_new_guest_window_new_for_manager (GtkWindow            *parent,
                                                               CorralManager        *manager,
                                                               CorralConnection     *connection);
const char           *corral_new_guest_window_get_page        (CorralNewGuestWindow *self);
GStrv                 corral_new_guest_window_get_created     (CorralNewGuestWindow *self);
CorralGuestSpec      *corral_new_guest_window_dup_spec        (CorralNewGuestWindow *self);

G_END_DECLS
