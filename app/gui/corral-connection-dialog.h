/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-connection.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_CONNECTION_DIALOG (corral_connection_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CorralConnectionDialog, corral_connection_dialog, CORRAL, CONNECTION_DIALOG, AdwMessageDialog)

GtkWidget        *corral_connection_dialog_new            (GtkWindow              *parent,
                                                           CorralConnection       *connection);
CorralConnection *corral_connection_dialog_get_connection (CorralConnectionDialog *self);

G_END_DECLS
