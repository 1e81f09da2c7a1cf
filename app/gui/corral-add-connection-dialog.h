/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CORRAL_TYPE_ADD_CONNECTION_DIALOG (corral_add_connection_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CorralAddConnectionDialog, corral_add_connection_dialog, CORRAL, ADD_CONNECTION_DIALOG,
                      AdwMessageDialog)

GtkWidget *corral_add_connection_dialog_new     (GtkWindow                 *parent);
char      *corral_add_connection_dialog_get_uri (CorralAddConnectionDialog *self,
                                                 GError                   **error);
char      *corral_connection_uri_for            (guint                      kind,
                                                 const char                *text,
                                                 GError                   **error);

G_END_DECLS
