/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-guest.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_GROUP_PAGE (corral_group_page_get_type ())

G_DECLARE_FINAL_TYPE (CorralGroupPage, corral_group_page, CORRAL, GROUP_PAGE, GtkWidget)

/* What the content side shows while two or more guests are selected: them with their states, the
 * actions on all of them, and after each action every guest's own result. "Select Group" activates
 * win.select-group with (connection URI, group name). */
GtkWidget *corral_group_page_new        (void);
void       corral_group_page_set_guests (CorralGroupPage *self,
                                         GPtrArray       *guests);
GPtrArray *corral_group_page_get_guests (CorralGroupPage *self);
gboolean   corral_group_page_is_busy    (CorralGroupPage *self);

G_END_DECLS
