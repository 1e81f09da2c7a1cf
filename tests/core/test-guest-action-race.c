/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A lifecycle action while Corral reconnects to libvirtd, against the test driver, with a forced
 * interleaving: the action's worker is held (_corral_guest_set_action_hook, corral-guest-private.h)
 * while the main thread closes and reopens the connection, which replaces every guest's GVirDomain, and
 * clears it for a guest that is gone after the reconnect. The worker must act on what the main thread
 * gave it when the action was asked for, never read the guest's domain itself: before that was so, it
 * read the cleared domain here (a critical, fatal in tests; in Corral, a use after free when the swap
 * came between its load and its ref). */
#include "config.h"

#include <glib/gstdio.h>

#include "corral-guest-private.h"
#include "corral-test-util.h"

typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean entered;
  gboolean released;
} Gate;

/* In the worker: say so, then wait until the main thread lets it go on. */
static void
hold_worker (gpointer user_data)
{
  Gate *gate = user_data;

  g_mutex_lock (&gate->lock);
  gate->entered = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static gboolean
gate_entered (Gate *gate)
{
  gboolean entered;

  g_mutex_lock (&gate->lock);
  entered = gate->entered;
  g_mutex_unlock (&gate->lock);
  return entered;
}

static void
gate_release (Gate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->released = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Outcome;

static void
action_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->ok = corral_guest_run_action_finish (CORRAL_GUEST (object), result, &outcome->error);
  outcome->done = TRUE;
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_connection_open_finish (CORRAL_CONNECTION (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
write_node (const char *path,
            const char *name,
            const char *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml =
    g_strdup_printf ("<node><domain type='test'><name>%s</name><uuid>%s</uuid>"
                     "<memory unit='MiB'>256</memory><os><type>hvm</type></os>"
                     "<test:runstate xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>5</test:runstate>"
                     "</domain></node>", name, uuid);

  g_file_set_contents (path, xml, -1, &error);
  g_assert_no_error (error);
}

static void
test_start_while_reconnecting (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("corral-race-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "node.xml", NULL);
  g_autofree char *uri = g_strconcat ("test://", path, NULL);
  g_autoptr(CorralConnection) connection = NULL;
  g_autoptr(CorralGuest) guest = NULL;
  Gate gate = { 0 };
  Outcome outcome = { 0 };
  gboolean reopened = FALSE;

  g_assert_no_error (error);
  write_node (path, "racer", "6c1f4d3a-0000-4000-8000-00000000000a");
  connection = corral_test_open_connection (uri);
  guest = g_object_ref (corral_test_find_guest (connection, "racer"));
  g_assert_nonnull (guest);
  g_assert_cmpint (corral_guest_get_state (guest), ==, CORRAL_GUEST_STATE_SHUTOFF);

  /* Start is asked for; its worker is held before it does anything */
  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  _corral_guest_set_action_hook (hold_worker, &gate);
  corral_guest_run_action_async (guest, CORRAL_GUEST_ACTION_START, NULL, action_cb, &outcome);
  g_assert_true (WAIT_UNTIL (gate_entered (&gate), TIMEOUT_S * 1000));

  /* meanwhile libvirtd comes back without the guest (undefined while Corral was away) */
  write_node (path, "newcomer", "6c1f4d3a-0000-4000-8000-00000000000b");
  corral_connection_close (connection);
  corral_connection_open_async (connection, NULL, opened_cb, &reopened);
  WAIT_FOR (reopened);
  g_assert_nonnull (corral_test_find_guest (connection, "newcomer"));
  g_assert_null (corral_test_find_guest (connection, "racer"));
  g_assert_null (corral_guest_get_domain (guest));

  /* the worker goes on with the domain it was given: an answer comes back, naming the guest */
  gate_release (&gate);
  WAIT_FOR (outcome.done);
  _corral_guest_set_action_hook (NULL, NULL);
  if (!outcome.ok)
    {
      g_assert_nonnull (outcome.error);
      g_assert_true (g_str_has_prefix (outcome.error->message, "Could not start “racer”: "));
      g_test_message ("the action says: %s", outcome.error->message);
      g_clear_error (&outcome.error);
    }

  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
  corral_test_wait_last_ref (guest);
  g_assert_finalize_object (g_steal_pointer (&guest));
  corral_connection_close (connection);
  corral_test_wait_last_ref (connection);
  g_assert_finalize_object (g_steal_pointer (&connection));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gvir_init_object (NULL, NULL);

  g_test_add_func ("/core/guest/action-while-reconnecting", test_start_while_reconnecting);

  return g_test_run ();
}
