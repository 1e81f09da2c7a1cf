/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-guest.h"
#include "corral-vnc-display.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_CONSOLE_PAGE (corral_console_page_get_type ())

G_DECLARE_FINAL_TYPE (CorralConsolePage, corral_console_page, CORRAL, CONSOLE_PAGE, GtkWidget)

GtkWidget        *corral_console_page_new              (CorralGuest        *guest);
CorralGuest      *corral_console_page_get_guest        (CorralConsolePage  *self);
const char       *corral_console_page_get_title        (CorralConsolePage  *self);
const char       *corral_console_page_get_status       (CorralConsolePage  *self);
CorralVncDisplay *corral_console_page_get_display      (CorralConsolePage  *self);
gboolean          corral_console_page_get_fullscreen   (CorralConsolePage  *self);

G_END_DECLS
