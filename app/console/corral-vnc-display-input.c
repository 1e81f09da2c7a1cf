/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CorralVncDisplay's input: the pointer (absolute, or relative for a guest with a PS/2 mouse),
 * buttons and scrolling, keys through the keymap, the keyboard grab, and the keys a host keeps. */
#define G_LOG_DOMAIN "corral-vnc-display"

#include "config.h"

#include <linux/input-event-codes.h>
#include <math.h>

#include "corral-vnc-display-private.h"
#include "corral-vnc-keymap.h"

#define RELATIVE_CENTER 0x7fff

/* ---- pointer ---------------------------------------------------------------------------------- */

static void
send_pointer (CorralVncDisplay *self,
              double            gx,
              double            gy)
{
  if (!self->initialized || self->conn == NULL)
    return;
  self->last_x = gx;
  self->last_y = gy;
  vnc_connection_pointer_event (self->conn, self->button_mask,
                                (guint16) CLAMP (gx, 0, G_MAXUINT16),
                                (guint16) CLAMP (gy, 0, G_MAXUINT16));
  if (!self->absolute)
    {
      /* a button or wheel event that follows moves nothing */
      self->last_x = RELATIVE_CENTER;
      self->last_y = RELATIVE_CENTER;
    }
}

static void
pointer_at (CorralVncDisplay *self,
            double            wx,
            double            wy)
{
  double gx, gy;

  if (self->absolute)
    {
      _corral_vnc_display_widget_to_guest (self, wx, wy, &gx, &gy);
    }
  else
    {
      /* Relative mode (a guest with a PS/2 mouse): with the pointer-type-change extension the server
       * takes each position as a movement from RELATIVE_CENTER. GTK 4 cannot warp the host pointer,
       * so the guest's pointer moves as the host's does while it is over the widget. */
      double s, ox, oy, dx = 0, dy = 0;

      _corral_vnc_display_get_geometry (self, &s, &ox, &oy);
      if (!self->rel_valid)
        {
          self->rel_wx = wx;
          self->rel_wy = wy;
          self->rel_valid = TRUE;
        }
      /* Whole guest pixels are sent and the rest is kept for the next event (the reference point
       * advances by what was sent), so that slow motion on a zoomed screen adds up instead of
       * rounding away to nothing. */
      dx = CLAMP (round ((wx - self->rel_wx) / s), -RELATIVE_CENTER, RELATIVE_CENTER);
      dy = CLAMP (round ((wy - self->rel_wy) / s), -RELATIVE_CENTER, RELATIVE_CENTER);
      self->rel_wx += dx * s;
      self->rel_wy += dy * s;
      /* a movement too large for one event is cut, not carried over */
      if (fabs (wx - self->rel_wx) >= s)
        self->rel_wx = wx;
      if (fabs (wy - self->rel_wy) >= s)
        self->rel_wy = wy;
      gx = RELATIVE_CENTER + dx;
      gy = RELATIVE_CENTER + dy;
    }
  send_pointer (self, gx, gy);
}

static void
motion_cb (CorralVncDisplay         *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  pointer_at (self, x, y);
}

static void
motion_leave_cb (CorralVncDisplay         *self,
                 GtkEventControllerMotion *motion)
{
  /* coming back in elsewhere is no movement */
  self->rel_valid = FALSE;
}

static guint
button_bit (guint button)
{
  switch (button)
    {
    case GDK_BUTTON_PRIMARY:   return 1 << 0;
    case GDK_BUTTON_MIDDLE:    return 1 << 1;
    case GDK_BUTTON_SECONDARY: return 1 << 2;
    default:                   return 0;
    }
}

/* ---- keyboard grab ---------------------------------------------------------------------------- */

static GdkToplevel *
get_toplevel (CorralVncDisplay *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;

  if (surface == NULL || !GDK_IS_TOPLEVEL (surface))
    return NULL;
  return GDK_TOPLEVEL (surface);
}

static void
grab_keyboard_now (CorralVncDisplay *self,
                   GdkEvent         *event)
{
  GdkToplevel *toplevel = get_toplevel (self);

  if (toplevel == NULL || self->keyboard_grabbed)
    return;
  gdk_toplevel_inhibit_system_shortcuts (toplevel, event);
  self->keyboard_grabbed = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_KEYBOARD_GRABBED]);
}

/* ---- callbacks -------------------------------------------------------------------------------- */

static void
pressed_cb (CorralVncDisplay *self,
            int               n_press,
            double            x,
            double            y,
            GtkGestureClick  *gesture)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  if (!gtk_widget_has_focus (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->grab_keyboard && !self->keyboard_grabbed)
    grab_keyboard_now (self, gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (gesture)));

  self->button_mask |= button_bit (button);
  pointer_at (self, x, y);
}

static void
released_cb (CorralVncDisplay *self,
             int               n_press,
             double            x,
             double            y,
             GtkGestureClick  *gesture)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  self->button_mask &= ~button_bit (button);
  pointer_at (self, x, y);
}

static void
click_stopped_cb (CorralVncDisplay *self,
                  GtkGestureClick  *gesture)
{
  /* a click that GTK gave up on (grab moved elsewhere): do not leave buttons stuck down */
  if (self->button_mask != 0)
    {
      self->button_mask = 0;
      send_pointer (self, self->last_x, self->last_y);
    }
}

static void
wheel_click (CorralVncDisplay *self,
             guint             bit)
{
  guint saved = self->button_mask;

  self->button_mask = saved | bit;
  send_pointer (self, self->last_x, self->last_y);
  self->button_mask = saved;
  send_pointer (self, self->last_x, self->last_y);
}

static gboolean
scroll_cb (CorralVncDisplay         *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *scroll)
{
  /* wheel as buttons 4 (up), 5 (down), 6 (left), 7 (right); smooth scrolling is added up into clicks */
  self->scroll_dx += dx;
  self->scroll_dy += dy;
  while (self->scroll_dy <= -1.0)
    {
      wheel_click (self, 1 << 3);
      self->scroll_dy += 1.0;
    }
  while (self->scroll_dy >= 1.0)
    {
      wheel_click (self, 1 << 4);
      self->scroll_dy -= 1.0;
    }
  while (self->scroll_dx <= -1.0)
    {
      wheel_click (self, 1 << 5);
      self->scroll_dx += 1.0;
    }
  while (self->scroll_dx >= 1.0)
    {
      wheel_click (self, 1 << 6);
      self->scroll_dx -= 1.0;
    }
  return TRUE;
}

static gboolean
key_pressed_cb (CorralVncDisplay      *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *key)
{
  return _corral_vnc_display_process_key (self, TRUE, keyval, keycode);
}

static void
key_released_cb (CorralVncDisplay      *self,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 GtkEventControllerKey *key)
{
  _corral_vnc_display_process_key (self, FALSE, keyval, keycode);
}

static void
focus_enter_cb (CorralVncDisplay        *self,
                GtkEventControllerFocus *focus)
{
  if (self->grab_keyboard)
    grab_keyboard_now (self, NULL);
}

static void
focus_leave_cb (CorralVncDisplay        *self,
                GtkEventControllerFocus *focus)
{
  corral_vnc_display_release_keys (self);
  corral_vnc_display_release_keyboard (self);
}

/* ---- set-up ----------------------------------------------------------------------------------- */

/* The server switched between absolute and relative pointer (QEMU's PointerTypeChange). */
void
_corral_vnc_display_set_pointer_mode (CorralVncDisplay *self,
                                      gboolean          absolute)
{
  self->absolute = absolute;
  self->rel_valid = FALSE;
  /* a button or wheel event before the next motion must not carry the other mode's position: in
   * relative mode that would be a huge movement, in absolute mode a point off the screen */
  if (absolute)
    {
      self->last_x = MAX (self->fb_width / 2, 0);
      self->last_y = MAX (self->fb_height / 2, 0);
    }
  else
    {
      self->last_x = RELATIVE_CENTER;
      self->last_y = RELATIVE_CENTER;
    }
}

void
_corral_vnc_display_input_init (CorralVncDisplay *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (motion_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (pressed_cb), self);
  g_signal_connect_swapped (click, "released", G_CALLBACK (released_cb), self);
  g_signal_connect_swapped (click, "stopped", G_CALLBACK (click_stopped_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect_swapped (controller, "key-released", G_CALLBACK (key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "enter", G_CALLBACK (focus_enter_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* ---- public API ------------------------------------------------------------------------------- */

gboolean
corral_vnc_display_get_grab_keyboard (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  return self->grab_keyboard;
}

/* Take the keyboard (system shortcuts go to the guest) whenever the display has the focus.
 * Left Ctrl+Alt gives it back. */
void
corral_vnc_display_set_grab_keyboard (CorralVncDisplay *self,
                                      gboolean          grab_keyboard)
{
  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  grab_keyboard = !!grab_keyboard;
  if (self->grab_keyboard == grab_keyboard)
    return;
  self->grab_keyboard = grab_keyboard;
  if (!grab_keyboard)
    corral_vnc_display_release_keyboard (self);
  else if (gtk_widget_has_focus (GTK_WIDGET (self)))
    grab_keyboard_now (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_GRAB_KEYBOARD]);
}

gboolean
corral_vnc_display_get_keyboard_grabbed (CorralVncDisplay *self)
{
  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);
  return self->keyboard_grabbed;
}

void
corral_vnc_display_release_keyboard (CorralVncDisplay *self)
{
  GdkToplevel *toplevel;

  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  if (!self->keyboard_grabbed)
    return;
  toplevel = get_toplevel (self);
  if (toplevel != NULL)
    gdk_toplevel_restore_system_shortcuts (toplevel);
  self->keyboard_grabbed = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), _corral_vnc_display_properties[PROP_KEYBOARD_GRABBED]);
}

/**
 * _corral_vnc_display_process_key:
 * @keyval: the GDK keyval (an X keysym), used when the server takes no scancodes
 * @hardware_keycode: GDK's hardware keycode (evdev code + 8 on X11 and Wayland)
 *
 * What the display does with a key event; the key controller calls it, and so can a test.
 * Returns: whether the key went to the guest.
 */
gboolean
_corral_vnc_display_process_key (CorralVncDisplay *self,
                                 gboolean          pressed,
                                 guint             keyval,
                                 guint             hardware_keycode)
{
  guint16 qnum;
  guint keysym = keyval;

  g_return_val_if_fail (CORRAL_IS_VNC_DISPLAY (self), FALSE);

  /* Left Ctrl+Alt releases a grabbed keyboard (the keys still reach the guest). */
  if (keyval == GDK_KEY_Control_L)
    self->ctrl_down = pressed;
  else if (keyval == GDK_KEY_Alt_L || keyval == GDK_KEY_Meta_L)
    self->alt_down = pressed;
  if (pressed && self->ctrl_down && self->alt_down && self->keyboard_grabbed)
    corral_vnc_display_release_keyboard (self);

  if (!self->initialized || self->conn == NULL)
    return FALSE;

  qnum = corral_vnc_keymap_keycode_to_qnum (hardware_keycode);

  if (pressed)
    {
      g_hash_table_insert (self->held_keys, GUINT_TO_POINTER (hardware_keycode), GUINT_TO_POINTER (keysym));
    }
  else
    {
      gpointer down_keysym;

      /* release with the keysym the key went down with (Shift may have changed in between) */
      if (g_hash_table_lookup_extended (self->held_keys, GUINT_TO_POINTER (hardware_keycode),
                                        NULL, &down_keysym))
        {
          keysym = GPOINTER_TO_UINT (down_keysym);
          g_hash_table_remove (self->held_keys, GUINT_TO_POINTER (hardware_keycode));
        }
    }

  /* gvnc sends a QEMU extended key event (scancode + keysym) when the server announced it, else a
   * plain keysym event. */
  vnc_connection_key_event (self->conn, pressed, keysym, qnum);
  return TRUE;
}

/* Releases every key the guest still sees held (on focus loss: the host got the key-up). */
void
corral_vnc_display_release_keys (CorralVncDisplay *self)
{
  GHashTableIter iter;
  gpointer keycode, keysym;

  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  self->ctrl_down = self->alt_down = FALSE;
  if (self->conn != NULL && self->initialized)
    {
      g_hash_table_iter_init (&iter, self->held_keys);
      while (g_hash_table_iter_next (&iter, &keycode, &keysym))
        vnc_connection_key_event (self->conn, FALSE, GPOINTER_TO_UINT (keysym),
                                  corral_vnc_keymap_keycode_to_qnum (GPOINTER_TO_UINT (keycode)));
    }
  g_hash_table_remove_all (self->held_keys);
}

static void
send_combo (CorralVncDisplay *self,
            const guint      *keysyms,
            const guint      *evdev,
            gsize             n)
{
  for (gsize i = 0; i < n; i++)
    vnc_connection_key_event (self->conn, TRUE, keysyms[i], corral_vnc_keymap_evdev_to_qnum (evdev[i]));
  for (gsize i = n; i > 0; i--)
    vnc_connection_key_event (self->conn, FALSE, keysyms[i - 1],
                              corral_vnc_keymap_evdev_to_qnum (evdev[i - 1]));
}

void
corral_vnc_display_send_keys (CorralVncDisplay  *self,
                              CorralVncSendKeys  keys)
{
  static const guint f_keysyms[12] = {
    GDK_KEY_F1, GDK_KEY_F2, GDK_KEY_F3, GDK_KEY_F4, GDK_KEY_F5, GDK_KEY_F6,
    GDK_KEY_F7, GDK_KEY_F8, GDK_KEY_F9, GDK_KEY_F10, GDK_KEY_F11, GDK_KEY_F12,
  };
  static const guint f_evdev[12] = {
    KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8, KEY_F9, KEY_F10, KEY_F11, KEY_F12,
  };
  guint keysyms[3] = { GDK_KEY_Control_L, GDK_KEY_Alt_L, 0 };
  guint evdev[3] = { KEY_LEFTCTRL, KEY_LEFTALT, 0 };

  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  if (!self->initialized || self->conn == NULL)
    return;

  if (keys == CORRAL_VNC_SEND_PRINT_SCREEN)
    {
      keysyms[0] = GDK_KEY_Print;
      evdev[0] = KEY_SYSRQ;
      send_combo (self, keysyms, evdev, 1);
      return;
    }
  if (keys == CORRAL_VNC_SEND_CTRL_ALT_DEL)
    {
      keysyms[2] = GDK_KEY_Delete;
      evdev[2] = KEY_DELETE;
    }
  else if (keys == CORRAL_VNC_SEND_CTRL_ALT_BACKSPACE)
    {
      keysyms[2] = GDK_KEY_BackSpace;
      evdev[2] = KEY_BACKSPACE;
    }
  else if (keys >= CORRAL_VNC_SEND_CTRL_ALT_F1 && keys <= CORRAL_VNC_SEND_CTRL_ALT_F12)
    {
      keysyms[2] = f_keysyms[keys - CORRAL_VNC_SEND_CTRL_ALT_F1];
      evdev[2] = f_evdev[keys - CORRAL_VNC_SEND_CTRL_ALT_F1];
    }
  else
    {
      g_return_if_reached ();
    }
  send_combo (self, keysyms, evdev, 3);
}

/* Sends the pointer at widget coordinates (@x, @y) with @button_mask (bit 0 left, 1 middle, 2 right,
 * 3-6 wheel) as the pointer controllers do. */
void
_corral_vnc_display_process_pointer (CorralVncDisplay *self,
                                     double            x,
                                     double            y,
                                     guint             button_mask)
{
  g_return_if_fail (CORRAL_IS_VNC_DISPLAY (self));

  self->button_mask = button_mask & 0x7f;
  pointer_at (self, x, y);
}
