/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "corral-vnc-display.h"

G_BEGIN_DECLS

/* Hooks for tests and the benchmark: what the widget does with an event, without the event. */
gboolean  _corral_vnc_display_process_key            (CorralVncDisplay *self,
                                                      gboolean          pressed,
                                                      guint             keyval,
                                                      guint             hardware_keycode);
void      _corral_vnc_display_process_pointer        (CorralVncDisplay *self,
                                                      double            x,
                                                      double            y,
                                                      guint             button_mask);
gboolean  _corral_vnc_display_widget_to_guest        (CorralVncDisplay *self,
                                                      double            wx,
                                                      double            wy,
                                                      double           *gx,
                                                      double           *gy);
guint64   _corral_vnc_display_get_frames_drawn       (CorralVncDisplay *self);
void      _corral_vnc_display_set_encodings          (CorralVncDisplay *self,
                                                      const gint32     *encodings,
                                                      gsize             n_encodings);

G_END_DECLS
