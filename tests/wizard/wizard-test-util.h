/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the wizard's UI tests share: its template children as a user sees them, and driving it. */
#pragma once

#include <adwaita.h>

#include "corral-new-guest-window.h"

#ifndef TIMEOUT_S
#define TIMEOUT_S 30
#endif
#include "corral-test-gtk.h"

G_BEGIN_DECLS

GtkWidget *child (CorralNewGuestWindow *wizard, const char *name);
const char *row_title (CorralNewGuestWindow *wizard, const char *name);
const char *row_subtitle (CorralNewGuestWindow *wizard, const char *name);
int spin_value (CorralNewGuestWindow *wizard, const char *name);
const char *combo_text (CorralNewGuestWindow *wizard, const char *name);
const char *error_text (CorralNewGuestWindow *wizard);
gboolean next_enabled (CorralNewGuestWindow *wizard);
void click (GtkWidget *button);
CorralNewGuestWindow *find_wizard (void);
CorralNewGuestWindow *open_wizard (GtkWidget *window);
void close_wizard (CorralNewGuestWindow *wizard);
void page_screenshot (CorralNewGuestWindow *wizard, const char *name);
void set_text (CorralNewGuestWindow *wizard, const char *name, const char *text);

G_END_DECLS
