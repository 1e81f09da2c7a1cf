/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a user sees of a guest's state. Mapped from libvirt's virDomainState, plus DISCONNECTED for the
 * guests of a connection whose daemon went away (their real state is unknown until it comes back). */
typedef enum {
  CORRAL_GUEST_STATE_UNKNOWN,
  CORRAL_GUEST_STATE_SHUTOFF,
  CORRAL_GUEST_STATE_RUNNING,
  CORRAL_GUEST_STATE_PAUSED,
  CORRAL_GUEST_STATE_SHUTTING_DOWN,
  CORRAL_GUEST_STATE_CRASHED,
  CORRAL_GUEST_STATE_SUSPENDED,
  CORRAL_GUEST_STATE_DISCONNECTED,
} CorralGuestState;

/* The lifecycle actions a user can take on a guest. */
typedef enum {
  CORRAL_GUEST_ACTION_START,
  CORRAL_GUEST_ACTION_SHUTDOWN,
  CORRAL_GUEST_ACTION_FORCE_OFF,
  CORRAL_GUEST_ACTION_REBOOT,
  CORRAL_GUEST_ACTION_PAUSE,
  CORRAL_GUEST_ACTION_RESUME,
  CORRAL_GUEST_ACTION_DELETE,
} CorralGuestAction;

CorralGuestState  corral_guest_state_from_libvirt   (int               vir_state);
const char       *corral_guest_state_to_label       (CorralGuestState  state);
const char       *corral_guest_state_to_icon_name   (CorralGuestState  state);
gboolean          corral_guest_state_is_active      (CorralGuestState  state);
gboolean          corral_guest_action_is_allowed    (CorralGuestAction action,
                                                     CorralGuestState  state);

G_END_DECLS
