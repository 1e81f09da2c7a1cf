/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libvirt/libvirt.h>

#include "corral-guest-state.h"

static void
test_from_libvirt (void)
{
  g_assert_cmpint (corral_guest_state_from_libvirt (VIR_DOMAIN_RUNNING), ==, CORRAL_GUEST_STATE_RUNNING);
  g_assert_cmpint (corral_guest_state_from_libvirt (VIR_DOMAIN_BLOCKED), ==, CORRAL_GUEST_STATE_RUNNING);
  g_assert_cmpint (corral_guest_state_from_libvirt (VIR_DOMAIN_PAUSED), ==, CORRAL_GUEST_STATE_PAUSED);
  g_assert_cmpint (corral_guest_state_from_libvirt (VIR_DOMAIN_SHUTDOWN), ==, CORRAL_GUEST_STATE_SHUTTING_DOWN);
  g_assert_cmpint (corral_guest_state_from_libvirt (VIR_DOMAIN_SHUTOFF), ==, CORRAL_GUEST_STATE_SHUTOFF);
  g_assert_cmpint (corral_guest_state_from_libvirt (VIR_DOMAIN_CRASHED), ==, CORRAL_GUEST_STATE_CRASHED);
  g_assert_cmpint (corral_guest_state_from_libvirt (VIR_DOMAIN_PMSUSPENDED), ==, CORRAL_GUEST_STATE_SUSPENDED);
  g_assert_cmpint (corral_guest_state_from_libvirt (VIR_DOMAIN_NOSTATE), ==, CORRAL_GUEST_STATE_UNKNOWN);
  g_assert_cmpint (corral_guest_state_from_libvirt (4242), ==, CORRAL_GUEST_STATE_UNKNOWN);
}

static void
test_labels (void)
{
  for (int s = CORRAL_GUEST_STATE_UNKNOWN; s <= CORRAL_GUEST_STATE_DISCONNECTED; s++)
    {
      g_assert_nonnull (corral_guest_state_to_label (s));
      g_assert_true (g_str_has_suffix (corral_guest_state_to_icon_name (s), "-symbolic"));
    }
  g_assert_cmpstr (corral_guest_state_to_label (CORRAL_GUEST_STATE_RUNNING), ==, "Running");
  g_assert_cmpstr (corral_guest_state_to_label (CORRAL_GUEST_STATE_SHUTOFF), ==, "Shut off");
  g_assert_cmpstr (corral_guest_state_to_label (CORRAL_GUEST_STATE_DISCONNECTED), ==, "Disconnected");
}

static void
test_actions (void)
{
  /* Each row: state, then whether start, shutdown, force off, reboot, pause, resume, delete are allowed. */
  static const struct {
    CorralGuestState state;
    gboolean         allowed[7];
  } table[] = {
    { CORRAL_GUEST_STATE_SHUTOFF,       { 1, 0, 0, 0, 0, 0, 1 } },
    { CORRAL_GUEST_STATE_RUNNING,       { 0, 1, 1, 1, 1, 0, 1 } },
    { CORRAL_GUEST_STATE_PAUSED,        { 0, 0, 1, 0, 0, 1, 1 } },
    { CORRAL_GUEST_STATE_SHUTTING_DOWN, { 0, 0, 1, 0, 0, 0, 1 } },
    { CORRAL_GUEST_STATE_CRASHED,       { 1, 0, 1, 0, 0, 0, 1 } },
    { CORRAL_GUEST_STATE_SUSPENDED,     { 0, 0, 1, 0, 0, 0, 1 } },
    { CORRAL_GUEST_STATE_DISCONNECTED,  { 0, 0, 0, 0, 0, 0, 0 } },
    { CORRAL_GUEST_STATE_UNKNOWN,       { 0, 0, 0, 0, 0, 0, 0 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    for (int a = CORRAL_GUEST_ACTION_START; a <= CORRAL_GUEST_ACTION_DELETE; a++)
      {
        g_test_message ("state %d action %d", table[i].state, a);
        g_assert_cmpint (corral_guest_action_is_allowed (a, table[i].state), ==, table[i].allowed[a]);
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/guest-state/from-libvirt", test_from_libvirt);
  g_test_add_func ("/core/guest-state/labels", test_labels);
  g_test_add_func ("/core/guest-state/actions", test_actions);

  return g_test_run ();
}
