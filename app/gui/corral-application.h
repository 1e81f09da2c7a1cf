/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-manager.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_APPLICATION (corral_application_get_type ())

G_DECLARE_FINAL_TYPE (CorralApplication, corral_application, CORRAL, APPLICATION, AdwApplication)

CorralApplication *corral_application_new         (void);
CorralManager     *corral_application_get_manager (CorralApplication *self);

G_END_DECLS
