/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The evdev -> XT ("qnum") table, checked key by key against the two standards: the Linux evdev codes
 * (linux/input-event-codes.h) and the make codes of PC scancode set 1, written here as the bytes a
 * PC keyboard sends. Every key of a 105-key ISO keyboard is listed. */
#include "config.h"

#include <linux/input-event-codes.h>

#include "corral-vnc-keymap.h"

typedef struct
{
  guint       evdev;
  const char *name;
  const char *set1;   /* make code bytes, as a keyboard sends them */
} KeyCase;

#define K(code, bytes) { code, #code, bytes }

/* The 105 keys of an ISO PC keyboard, row by row. */
static const KeyCase keys_105[] = {
  K (KEY_ESC, "01"),
  K (KEY_F1, "3b"), K (KEY_F2, "3c"), K (KEY_F3, "3d"), K (KEY_F4, "3e"), K (KEY_F5, "3f"),
  K (KEY_F6, "40"), K (KEY_F7, "41"), K (KEY_F8, "42"), K (KEY_F9, "43"), K (KEY_F10, "44"),
  K (KEY_F11, "57"), K (KEY_F12, "58"),
  K (KEY_SYSRQ, "e0 37"), K (KEY_SCROLLLOCK, "46"), K (KEY_PAUSE, "e1 1d 45"),

  K (KEY_GRAVE, "29"), K (KEY_1, "02"), K (KEY_2, "03"), K (KEY_3, "04"), K (KEY_4, "05"),
  K (KEY_5, "06"), K (KEY_6, "07"), K (KEY_7, "08"), K (KEY_8, "09"), K (KEY_9, "0a"),
  K (KEY_0, "0b"), K (KEY_MINUS, "0c"), K (KEY_EQUAL, "0d"), K (KEY_BACKSPACE, "0e"),

  K (KEY_TAB, "0f"), K (KEY_Q, "10"), K (KEY_W, "11"), K (KEY_E, "12"), K (KEY_R, "13"),
  K (KEY_T, "14"), K (KEY_Y, "15"), K (KEY_U, "16"), K (KEY_I, "17"), K (KEY_O, "18"),
  K (KEY_P, "19"), K (KEY_LEFTBRACE, "1a"), K (KEY_RIGHTBRACE, "1b"),

  K (KEY_CAPSLOCK, "3a"), K (KEY_A, "1e"), K (KEY_S, "1f"), K (KEY_D, "20"), K (KEY_F, "21"),
  K (KEY_G, "22"), K (KEY_H, "23"), K (KEY_J, "24"), K (KEY_K, "25"), K (KEY_L, "26"),
  K (KEY_SEMICOLON, "27"), K (KEY_APOSTROPHE, "28"), K (KEY_BACKSLASH, "2b"), K (KEY_ENTER, "1c"),

  K (KEY_LEFTSHIFT, "2a"), K (KEY_102ND, "56"), K (KEY_Z, "2c"), K (KEY_X, "2d"), K (KEY_C, "2e"),
  K (KEY_V, "2f"), K (KEY_B, "30"), K (KEY_N, "31"), K (KEY_M, "32"), K (KEY_COMMA, "33"),
  K (KEY_DOT, "34"), K (KEY_SLASH, "35"), K (KEY_RIGHTSHIFT, "36"),

  K (KEY_LEFTCTRL, "1d"), K (KEY_LEFTMETA, "e0 5b"), K (KEY_LEFTALT, "38"), K (KEY_SPACE, "39"),
  K (KEY_RIGHTALT, "e0 38"), K (KEY_RIGHTMETA, "e0 5c"), K (KEY_COMPOSE, "e0 5d"),
  K (KEY_RIGHTCTRL, "e0 1d"),

  K (KEY_INSERT, "e0 52"), K (KEY_HOME, "e0 47"), K (KEY_PAGEUP, "e0 49"),
  K (KEY_DELETE, "e0 53"), K (KEY_END, "e0 4f"), K (KEY_PAGEDOWN, "e0 51"),
  K (KEY_UP, "e0 48"), K (KEY_LEFT, "e0 4b"), K (KEY_DOWN, "e0 50"), K (KEY_RIGHT, "e0 4d"),

  K (KEY_NUMLOCK, "45"), K (KEY_KPSLASH, "e0 35"), K (KEY_KPASTERISK, "37"), K (KEY_KPMINUS, "4a"),
  K (KEY_KP7, "47"), K (KEY_KP8, "48"), K (KEY_KP9, "49"), K (KEY_KPPLUS, "4e"),
  K (KEY_KP4, "4b"), K (KEY_KP5, "4c"), K (KEY_KP6, "4d"),
  K (KEY_KP1, "4f"), K (KEY_KP2, "50"), K (KEY_KP3, "51"), K (KEY_KPENTER, "e0 1c"),
  K (KEY_KP0, "52"), K (KEY_KPDOT, "53"),
};

/* Keys beyond the 105: Japanese/Brazilian layouts and the multimedia/ACPI keys. */
static const KeyCase keys_extra[] = {
  K (KEY_RO, "73"), K (KEY_YEN, "7d"), K (KEY_HENKAN, "79"), K (KEY_MUHENKAN, "7b"),
  K (KEY_KATAKANAHIRAGANA, "70"), K (KEY_KPCOMMA, "7e"), K (KEY_KPEQUAL, "59"),
  K (KEY_MUTE, "e0 20"), K (KEY_VOLUMEDOWN, "e0 2e"), K (KEY_VOLUMEUP, "e0 30"),
  K (KEY_PLAYPAUSE, "e0 22"), K (KEY_NEXTSONG, "e0 19"), K (KEY_PREVIOUSSONG, "e0 10"),
  K (KEY_STOPCD, "e0 24"), K (KEY_POWER, "e0 5e"), K (KEY_SLEEP, "e0 5f"), K (KEY_WAKEUP, "e0 63"),
  K (KEY_CALC, "e0 21"), K (KEY_MAIL, "e0 6c"), K (KEY_HOMEPAGE, "e0 32"),
};

/* The qnum of a set-1 make code: one byte as is, 0xe0 XX as 0x80 | XX, Pause as QEMU's 0xc6. */
static guint16
qnum_from_set1 (const char *bytes)
{
  g_auto(GStrv) parts = g_strsplit (bytes, " ", -1);
  guint n = g_strv_length (parts);
  guint64 b[3] = { 0 };

  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, 3);
  for (guint i = 0; i < n; i++)
    b[i] = g_ascii_strtoull (parts[i], NULL, 16);

  if (n == 3)
    {
      g_assert_cmpuint (b[0], ==, 0xe1);   /* only Pause */
      return 0xc6;
    }
  if (n == 2)
    {
      g_assert_cmpuint (b[0], ==, 0xe0);
      g_assert_cmpuint (b[1], <, 0x80);
      return 0x80 | b[1];
    }
  g_assert_cmpuint (b[0], <, 0x80);
  return b[0];
}

static void
check_cases (const KeyCase *cases,
             gsize          n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      guint16 expected = qnum_from_set1 (cases[i].set1);
      guint16 got = corral_vnc_keymap_evdev_to_qnum (cases[i].evdev);

      if (got != expected)
        g_error ("%s (evdev %u): expected qnum 0x%02x (set 1: %s), table has 0x%02x",
                 cases[i].name, cases[i].evdev, expected, cases[i].set1, got);
      /* GDK's hardware keycode is evdev + 8 on X11 and Wayland. */
      g_assert_cmpuint (corral_vnc_keymap_keycode_to_qnum (cases[i].evdev + 8), ==, expected);
    }
}

static void
test_keymap_examples (void)
{
  /* The examples named in the issue. */
  g_assert_cmpuint (corral_vnc_keymap_evdev_to_qnum (30), ==, 0x1e);
  g_assert_cmpuint (corral_vnc_keymap_evdev_to_qnum (97), ==, 0x9d);
  g_assert_cmpuint (corral_vnc_keymap_evdev_to_qnum (103), ==, 0xc8);
  /* X11 keycode 38 is 'a' on every evdev keyboard, 111 is Up, 105 is Right Ctrl. */
  g_assert_cmpuint (corral_vnc_keymap_keycode_to_qnum (38), ==, 0x1e);
  g_assert_cmpuint (corral_vnc_keymap_keycode_to_qnum (111), ==, 0xc8);
  g_assert_cmpuint (corral_vnc_keymap_keycode_to_qnum (105), ==, 0x9d);
}

static void
test_keymap_105 (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (keys_105), ==, 105);
  check_cases (keys_105, G_N_ELEMENTS (keys_105));
}

static void
test_keymap_unique (void)
{
  /* No two keys of the keyboard send the same scancode, and each is a distinct evdev code. */
  g_autoptr(GHashTable) seen_q = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) seen_e = g_hash_table_new (NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (keys_105); i++)
    {
      guint16 q = corral_vnc_keymap_evdev_to_qnum (keys_105[i].evdev);

      g_assert_cmpuint (q, !=, 0);
      g_assert_false (g_hash_table_contains (seen_q, GUINT_TO_POINTER (q)));
      g_assert_false (g_hash_table_contains (seen_e, GUINT_TO_POINTER (keys_105[i].evdev)));
      g_hash_table_add (seen_q, GUINT_TO_POINTER (q));
      g_hash_table_add (seen_e, GUINT_TO_POINTER (keys_105[i].evdev));
      /* and the reverse lookup finds the key again */
      g_assert_cmpuint (corral_vnc_keymap_qnum_to_evdev (q), ==, keys_105[i].evdev);
    }
}

static void
test_keymap_extra (void)
{
  check_cases (keys_extra, G_N_ELEMENTS (keys_extra));
}

static void
test_keymap_out_of_range (void)
{
  /* Unknown keys have no scancode: the display falls back to the keysym. */
  g_assert_cmpuint (corral_vnc_keymap_evdev_to_qnum (KEY_RESERVED), ==, 0);
  g_assert_cmpuint (corral_vnc_keymap_evdev_to_qnum (KEY_MAX + 1), ==, 0);
  g_assert_cmpuint (corral_vnc_keymap_evdev_to_qnum (G_MAXUINT), ==, 0);
  g_assert_cmpuint (corral_vnc_keymap_keycode_to_qnum (0), ==, 0);
  g_assert_cmpuint (corral_vnc_keymap_keycode_to_qnum (7), ==, 0);
  g_assert_cmpuint (corral_vnc_keymap_qnum_to_evdev (0), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/console/keymap/examples", test_keymap_examples);
  g_test_add_func ("/console/keymap/iso-105", test_keymap_105);
  g_test_add_func ("/console/keymap/unique", test_keymap_unique);
  g_test_add_func ("/console/keymap/extra-keys", test_keymap_extra);
  g_test_add_func ("/console/keymap/out-of-range", test_keymap_out_of_range);

  return g_test_run ();
}
