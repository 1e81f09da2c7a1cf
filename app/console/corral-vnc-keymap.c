/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-vnc-keymap"

#include "config.h"

#include <linux/input-event-codes.h>

#include "corral-vnc-keymap.h"

/* Written from the two standards: the Linux evdev codes (linux/input-event-codes.h) and the PC
 * keyboard's scancode set 1 (a key's make code; keys sent with an 0xe0 prefix get bit 7 set, which
 * is how QEMU numbers them). 0 means "no scancode": the caller falls back to the keysym. */
static const guint16 evdev_to_qnum[KEY_MAX + 1] = {
  /* 1..83: the original XT/AT block, where the evdev code is the set-1 scancode itself. */
  [KEY_ESC] = 0x01,
  [KEY_1] = 0x02, [KEY_2] = 0x03, [KEY_3] = 0x04, [KEY_4] = 0x05, [KEY_5] = 0x06,
  [KEY_6] = 0x07, [KEY_7] = 0x08, [KEY_8] = 0x09, [KEY_9] = 0x0a, [KEY_0] = 0x0b,
  [KEY_MINUS] = 0x0c, [KEY_EQUAL] = 0x0d, [KEY_BACKSPACE] = 0x0e, [KEY_TAB] = 0x0f,
  [KEY_Q] = 0x10, [KEY_W] = 0x11, [KEY_E] = 0x12, [KEY_R] = 0x13, [KEY_T] = 0x14,
  [KEY_Y] = 0x15, [KEY_U] = 0x16, [KEY_I] = 0x17, [KEY_O] = 0x18, [KEY_P] = 0x19,
  [KEY_LEFTBRACE] = 0x1a, [KEY_RIGHTBRACE] = 0x1b, [KEY_ENTER] = 0x1c, [KEY_LEFTCTRL] = 0x1d,
  [KEY_A] = 0x1e, [KEY_S] = 0x1f, [KEY_D] = 0x20, [KEY_F] = 0x21, [KEY_G] = 0x22,
  [KEY_H] = 0x23, [KEY_J] = 0x24, [KEY_K] = 0x25, [KEY_L] = 0x26, [KEY_SEMICOLON] = 0x27,
  [KEY_APOSTROPHE] = 0x28, [KEY_GRAVE] = 0x29, [KEY_LEFTSHIFT] = 0x2a, [KEY_BACKSLASH] = 0x2b,
  [KEY_Z] = 0x2c, [KEY_X] = 0x2d, [KEY_C] = 0x2e, [KEY_V] = 0x2f, [KEY_B] = 0x30,
  [KEY_N] = 0x31, [KEY_M] = 0x32, [KEY_COMMA] = 0x33, [KEY_DOT] = 0x34, [KEY_SLASH] = 0x35,
  [KEY_RIGHTSHIFT] = 0x36, [KEY_KPASTERISK] = 0x37, [KEY_LEFTALT] = 0x38, [KEY_SPACE] = 0x39,
  [KEY_CAPSLOCK] = 0x3a,
  [KEY_F1] = 0x3b, [KEY_F2] = 0x3c, [KEY_F3] = 0x3d, [KEY_F4] = 0x3e, [KEY_F5] = 0x3f,
  [KEY_F6] = 0x40, [KEY_F7] = 0x41, [KEY_F8] = 0x42, [KEY_F9] = 0x43, [KEY_F10] = 0x44,
  [KEY_NUMLOCK] = 0x45, [KEY_SCROLLLOCK] = 0x46,
  [KEY_KP7] = 0x47, [KEY_KP8] = 0x48, [KEY_KP9] = 0x49, [KEY_KPMINUS] = 0x4a,
  [KEY_KP4] = 0x4b, [KEY_KP5] = 0x4c, [KEY_KP6] = 0x4d, [KEY_KPPLUS] = 0x4e,
  [KEY_KP1] = 0x4f, [KEY_KP2] = 0x50, [KEY_KP3] = 0x51, [KEY_KP0] = 0x52, [KEY_KPDOT] = 0x53,

  /* The 102nd key of ISO keyboards, F11/F12 (added with the AT 101-key layout). */
  [KEY_102ND] = 0x56, [KEY_F11] = 0x57, [KEY_F12] = 0x58,

  /* Japanese, Korean and Brazilian keys (non-prefixed codes). */
  [KEY_KPEQUAL] = 0x59, [KEY_KPJPCOMMA] = 0x5c, [KEY_KATAKANAHIRAGANA] = 0x70, [KEY_RO] = 0x73,
  [KEY_ZENKAKUHANKAKU] = 0x76, [KEY_HIRAGANA] = 0x77, [KEY_KATAKANA] = 0x78, [KEY_HENKAN] = 0x79,
  [KEY_MUHENKAN] = 0x7b, [KEY_YEN] = 0x7d, [KEY_KPCOMMA] = 0x7e,

  /* 0xe0-prefixed keys of the 101/104/105-key layout. */
  [KEY_KPENTER] = 0x9c,      /* e0 1c */
  [KEY_RIGHTCTRL] = 0x9d,    /* e0 1d */
  [KEY_KPSLASH] = 0xb5,      /* e0 35 */
  [KEY_SYSRQ] = 0xb7,        /* e0 37: the Print Screen key; Linux names that key KEY_SYSRQ */
  [KEY_PRINT] = 0xb7,
  [KEY_RIGHTALT] = 0xb8,     /* e0 38 */
  [KEY_PAUSE] = 0xc6,        /* e1 1d 45 on the wire; e0 46 (Ctrl+Break) is how QEMU numbers Pause */
  [KEY_HOME] = 0xc7,         /* e0 47 */
  [KEY_UP] = 0xc8,           /* e0 48 */
  [KEY_PAGEUP] = 0xc9,       /* e0 49 */
  [KEY_LEFT] = 0xcb,         /* e0 4b */
  [KEY_RIGHT] = 0xcd,        /* e0 4d */
  [KEY_END] = 0xcf,          /* e0 4f */
  [KEY_DOWN] = 0xd0,         /* e0 50 */
  [KEY_PAGEDOWN] = 0xd1,     /* e0 51 */
  [KEY_INSERT] = 0xd2,       /* e0 52 */
  [KEY_DELETE] = 0xd3,       /* e0 53 */
  [KEY_LEFTMETA] = 0xdb,     /* e0 5b */
  [KEY_RIGHTMETA] = 0xdc,    /* e0 5c */
  [KEY_COMPOSE] = 0xdd,      /* e0 5d: the Menu key */

  /* ACPI and multimedia keys (0xe0-prefixed, as Microsoft specified them for set 1). */
  [KEY_POWER] = 0xde, [KEY_SLEEP] = 0xdf, [KEY_WAKEUP] = 0xe3,
  [KEY_PREVIOUSSONG] = 0x90, [KEY_NEXTSONG] = 0x99, [KEY_MUTE] = 0xa0, [KEY_CALC] = 0xa1,
  [KEY_PLAYPAUSE] = 0xa2, [KEY_STOPCD] = 0xa4, [KEY_VOLUMEDOWN] = 0xae, [KEY_VOLUMEUP] = 0xb0,
  [KEY_HOMEPAGE] = 0xb2, [KEY_SEARCH] = 0xe5, [KEY_BOOKMARKS] = 0xe6, [KEY_REFRESH] = 0xe7,
  [KEY_STOP] = 0xe8, [KEY_FORWARD] = 0xe9, [KEY_BACK] = 0xea, [KEY_COMPUTER] = 0xeb,
  [KEY_MAIL] = 0xec,
};

guint16
corral_vnc_keymap_evdev_to_qnum (guint evdev_code)
{
  if (evdev_code >= G_N_ELEMENTS (evdev_to_qnum))
    return 0;
  return evdev_to_qnum[evdev_code];
}

guint16
corral_vnc_keymap_keycode_to_qnum (guint hardware_keycode)
{
  if (hardware_keycode < CORRAL_VNC_KEYMAP_X11_OFFSET)
    return 0;
  return corral_vnc_keymap_evdev_to_qnum (hardware_keycode - CORRAL_VNC_KEYMAP_X11_OFFSET);
}

/* The first evdev code that maps to @qnum (KEY_SYSRQ for 0xb7), or 0. */
guint
corral_vnc_keymap_qnum_to_evdev (guint16 qnum)
{
  if (qnum == 0)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (evdev_to_qnum); i++)
    if (evdev_to_qnum[i] == qnum)
      return i;
  return 0;
}
