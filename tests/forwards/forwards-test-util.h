/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-forwards-dialog.h"

G_BEGIN_DECLS

#define TIMEOUT_S 30

#include "corral-test-gtk.h"

#define SEES(dialog, text) (find_label (GTK_WIDGET (dialog), (text), FALSE) != NULL)
#define SEES_PART(dialog, text) (find_label (GTK_WIDGET (dialog), (text), TRUE) != NULL)

GtkWidget         *find_label               (GtkWidget            *widget,
                                             const char           *text,
                                             gboolean              partial);
GtkWidget         *find_action              (GtkWidget            *widget,
                                             const char           *action);
AdwPreferencesRow *find_row                 (GtkWidget            *widget,
                                             const char           *title);
void               type_into                (CorralForwardsDialog *dialog,
                                             const char           *field,
                                             const char           *text);
const char        *field_text               (CorralForwardsDialog *dialog,
                                             const char           *field);
void               click                    (CorralForwardsDialog *dialog,
                                             const char           *action);
gboolean           can_click                (CorralForwardsDialog *dialog,
                                             const char           *action);
void               press_enter              (CorralForwardsDialog *dialog,
                                             const char           *field);

G_END_DECLS
