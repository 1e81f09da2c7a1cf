/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What Corral's widget tests share: finding what a user sees, and screenshots into the build tree. */
#pragma once

#include <gtk/gtk.h>

#include "corral-test-util.h"

G_BEGIN_DECLS

GtkWidget *corral_test_find_label (GtkWidget  *widget,
                                   const char *text);
GtkWidget *corral_test_find_type  (GtkWidget  *widget,
                                   GType       type);
GtkWindow *corral_test_find_toplevel (GType     type);
void       corral_test_screenshot (GtkWidget  *widget,
                                   const char *name);

G_END_DECLS
