/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-state"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/libvirt.h>

#include "corral-guest-state.h"

CorralGuestState
corral_guest_state_from_libvirt (int vir_state)
{
  switch ((virDomainState) vir_state)
    {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
      return CORRAL_GUEST_STATE_RUNNING;
    case VIR_DOMAIN_PAUSED:
      return CORRAL_GUEST_STATE_PAUSED;
    case VIR_DOMAIN_SHUTDOWN:
      return CORRAL_GUEST_STATE_SHUTTING_DOWN;
    case VIR_DOMAIN_SHUTOFF:
      return CORRAL_GUEST_STATE_SHUTOFF;
    case VIR_DOMAIN_CRASHED:
      return CORRAL_GUEST_STATE_CRASHED;
    case VIR_DOMAIN_PMSUSPENDED:
      return CORRAL_GUEST_STATE_SUSPENDED;
    case VIR_DOMAIN_NOSTATE:
#ifdef VIR_DOMAIN_LAST
    case VIR_DOMAIN_LAST:
#endif
    default:
      return CORRAL_GUEST_STATE_UNKNOWN;
    }
}

const char *
corral_guest_state_to_label (CorralGuestState state)
{
  switch (state)
    {
    case CORRAL_GUEST_STATE_SHUTOFF:
      return _("Shut off");
    case CORRAL_GUEST_STATE_RUNNING:
      return _("Running");
    case CORRAL_GUEST_STATE_PAUSED:
      return _("Paused");
    case CORRAL_GUEST_STATE_SHUTTING_DOWN:
      return _("Shutting down");
    case CORRAL_GUEST_STATE_CRASHED:
      return _("Crashed");
    case CORRAL_GUEST_STATE_SUSPENDED:
      return _("Suspended");
    case CORRAL_GUEST_STATE_DISCONNECTED:
      return _("Disconnected");
    case CORRAL_GUEST_STATE_UNKNOWN:
    default:
      return _("Unknown");
    }
}

const char *
corral_guest_state_to_icon_name (CorralGuestState state)
{
  switch (state)
    {
    case CORRAL_GUEST_STATE_RUNNING:
      return "media-playback-start-symbolic";
    case CORRAL_GUEST_STATE_PAUSED:
    case CORRAL_GUEST_STATE_SUSPENDED:
      return "media-playback-pause-symbolic";
    case CORRAL_GUEST_STATE_SHUTTING_DOWN:
      return "system-shutdown-symbolic";
    case CORRAL_GUEST_STATE_CRASHED:
      return "dialog-error-symbolic";
    case CORRAL_GUEST_STATE_DISCONNECTED:
      return "network-offline-symbolic";
    case CORRAL_GUEST_STATE_SHUTOFF:
      return "media-playback-stop-symbolic";
    case CORRAL_GUEST_STATE_UNKNOWN:
    default:
      return "dialog-question-symbolic";
    }
}

gboolean
corral_guest_state_is_active (CorralGuestState state)
{
  return state == CORRAL_GUEST_STATE_RUNNING ||
         state == CORRAL_GUEST_STATE_PAUSED ||
         state == CORRAL_GUEST_STATE_SHUTTING_DOWN ||
         state == CORRAL_GUEST_STATE_SUSPENDED;
}

gboolean
corral_guest_action_is_allowed (CorralGuestAction action,
                                CorralGuestState  state)
{
  if (state == CORRAL_GUEST_STATE_DISCONNECTED || state == CORRAL_GUEST_STATE_UNKNOWN)
    return FALSE;

  switch (action)
    {
    case CORRAL_GUEST_ACTION_START:
      return state == CORRAL_GUEST_STATE_SHUTOFF || state == CORRAL_GUEST_STATE_CRASHED;
    case CORRAL_GUEST_ACTION_SHUTDOWN:
    case CORRAL_GUEST_ACTION_REBOOT:
      return state == CORRAL_GUEST_STATE_RUNNING;
    case CORRAL_GUEST_ACTION_FORCE_OFF:
      return corral_guest_state_is_active (state) || state == CORRAL_GUEST_STATE_CRASHED;
    case CORRAL_GUEST_ACTION_PAUSE:
      return state == CORRAL_GUEST_STATE_RUNNING;
    case CORRAL_GUEST_ACTION_RESUME:
      return state == CORRAL_GUEST_STATE_PAUSED;
    case CORRAL_GUEST_ACTION_DELETE:
      return TRUE;
    default:
      return FALSE;
    }
}
