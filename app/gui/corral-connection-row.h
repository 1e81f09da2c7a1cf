/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "corral-connection.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_CONNECTION_ROW (corral_connection_row_get_type ())

G_DECLARE_FINAL_TYPE (CorralConnectionRow, corral_connection_row, CORRAL, CONNECTION_ROW, GtkWidget)

GtkWidget *corral_connection_row_new            (void);
void       corral_connection_row_set_connection (CorralConnectionRow *self,
                                                 CorralConnection    *connection);

G_END_DECLS
