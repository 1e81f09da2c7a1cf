/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "corral-manager.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_WINDOW (corral_window_get_type ())

G_DECLARE_FINAL_TYPE (CorralWindow, corral_window, CORRAL, WINDOW, AdwApplicationWindow)

CorralWindow *corral_window_new             (GtkApplication *application,
                                             CorralManager  *manager);
void          corral_window_set_no_libvirt  (CorralWindow   *self,
                                             const char     *details);
void          corral_window_add_toast       (CorralWindow   *self,
                                             const char     *message);
GtkListView  *corral_window_get_list_view   (CorralWindow   *self);
GtkWidget    *corral_window_get_detail      (CorralWindow   *self);
gboolean      corral_window_select_guest    (CorralWindow   *self,
                                             CorralGuest    *guest);
void          corral_window_open_console    (CorralWindow   *self,
                                             CorralGuest    *guest);
void          corral_window_show_details    (CorralWindow   *self);

G_END_DECLS
