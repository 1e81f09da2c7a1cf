/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* QEMU's extended key event carries a "qnum": the XT (PC scancode set 1) make code of the key, with
 * 0xe0-prefixed keys written as 0x80 | code (Right Ctrl, e0 1d, is 0x9d) and Pause as 0xc6.
 * GDK hands us the hardware keycode, which on X11 and on Wayland is the Linux evdev code + 8. */

#define CORRAL_VNC_KEYMAP_X11_OFFSET 8

guint16 corral_vnc_keymap_evdev_to_qnum   (guint evdev_code);
guint16 corral_vnc_keymap_keycode_to_qnum (guint hardware_keycode);
guint   corral_vnc_keymap_qnum_to_evdev   (guint16 qnum);

G_END_DECLS
