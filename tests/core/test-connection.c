/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The guest list against libvirt's real test driver (in process, no daemon): it follows changes made on the
 * same connection through libvirt's events, and lists thousands of guests completely and in order. */
#include "config.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-manager.h"

#define TIMEOUT_S 20

#include "corral-test-util.h"

typedef struct
{
  char             *dir;
  char             *uri;
  CorralConnection *connection;
} Fixture;

static char *
node_xml (guint n_guests,
          guint n_running)
{
  GString *xml = g_string_new ("<node>\n");

  for (guint i = 0; i < n_guests; i++)
    g_string_append_printf (xml,
                            "  <domain type='test'>\n"
                            "    <name>node%u</name>\n"
                            "    <uuid>6c1f4d3a-0000-4000-8000-%012x</uuid>\n"
                            "    <memory unit='MiB'>%u</memory>\n"
                            "    <vcpu>%u</vcpu>\n"
                            "    <os><type>hvm</type></os>\n"
                            "%s"
                            "  </domain>\n",
                            i + 1, i + 1, 256 + (i % 4) * 256, 1 + i % 4,
                            i < n_running ? "" : "    <test:runstate xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>5</test:runstate>\n");
  g_string_append (xml, "</node>\n");
  return g_string_free (xml, FALSE);
}




static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  guint n = GPOINTER_TO_UINT (data);
  g_autofree char *xml = node_xml (n, n / 2);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("corral-test-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "node.xml", NULL);
  g_file_set_contents (path, xml, -1, &error);
  g_assert_no_error (error);
  fixture->uri = g_strdup_printf ("test://%s", path);

  fixture->connection = corral_test_open_connection (fixture->uri);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "node.xml", NULL);

  corral_test_wait_last_ref (fixture->connection);
  g_assert_finalize_object (fixture->connection);
  g_unlink (path);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->uri);
}


static void
test_initial_list (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *guests = corral_connection_get_guests (fixture->connection);
  CorralGuest *guest;

  g_assert_cmpuint (g_list_model_get_n_items (guests), ==, 4);
  guest = corral_test_find_guest (fixture->connection, "node1");
  g_assert_nonnull (guest);
  g_assert_cmpint (corral_guest_get_state (guest), ==, CORRAL_GUEST_STATE_RUNNING);
  g_assert_cmpuint (corral_guest_get_memory (guest), ==, 256 * 1024);
  g_assert_cmpuint (corral_guest_get_vcpus (guest), ==, 1);
  g_assert_cmpstr (corral_guest_get_uuid (guest), ==, "6c1f4d3a-0000-4000-8000-000000000001");
  guest = corral_test_find_guest (fixture->connection, "node4");
  g_assert_cmpint (corral_guest_get_state (guest), ==, CORRAL_GUEST_STATE_SHUTOFF);
  g_assert_cmpuint (corral_guest_get_vcpus (guest), ==, 4);
}

static void
test_lifecycle_events (Fixture       *fixture,
                       gconstpointer  data)
{
  GListModel *guests = corral_connection_get_guests (fixture->connection);
  virConnectPtr conn = _corral_connection_ref_handle (fixture->connection);
  virDomainPtr dom;
  CorralGuest *guest;
  const char *xml =
    "<domain type='test'><name>fresh</name><uuid>11111111-2222-4333-8444-555555555555</uuid>"
    "<memory unit='MiB'>512</memory><vcpu>2</vcpu><os><type>hvm</type></os></domain>";

  g_assert_nonnull (conn);

  /* define: a new guest appears, shut off */
  dom = virDomainDefineXML (conn, xml);
  g_assert_nonnull (dom);
  WAIT_FOR (corral_test_find_guest (fixture->connection, "fresh") != NULL);
  guest = corral_test_find_guest (fixture->connection, "fresh");
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);
  g_assert_cmpuint (g_list_model_get_n_items (guests), ==, 5);
  g_assert_cmpuint (corral_guest_get_memory (guest), ==, 512 * 1024);

  /* start, suspend, resume, destroy: the state follows */
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  g_assert_true (corral_guest_is_action_allowed (guest, CORRAL_GUEST_ACTION_PAUSE));
  g_assert_cmpint (virDomainSuspend (dom), ==, 0);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_PAUSED);
  g_assert_true (corral_guest_is_action_allowed (guest, CORRAL_GUEST_ACTION_RESUME));
  g_assert_cmpint (virDomainResume (dom), ==, 0);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);

  /* undefine: it leaves the list */
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  WAIT_FOR (corral_test_find_guest (fixture->connection, "fresh") == NULL);
  g_assert_cmpuint (g_list_model_get_n_items (guests), ==, 4);

  virDomainFree (dom);
  virConnectClose (conn);
}

static void
action_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;

  corral_guest_run_action_finish (CORRAL_GUEST (object), result, error);
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "ok");
}

static void
run_action (CorralGuest       *guest,
            CorralGuestAction  action)
{
  GError *error = NULL;

  corral_guest_run_action_async (guest, action, NULL, action_cb, &error);
  WAIT_FOR (error != NULL);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_assert_no_error (error);
  g_clear_error (&error);
}

static void
test_actions (Fixture       *fixture,
              gconstpointer  data)
{
  CorralGuest *guest = corral_test_find_guest (fixture->connection, "node4");
  GError *error = NULL;

  g_assert_cmpint (corral_guest_get_state (guest), ==, CORRAL_GUEST_STATE_SHUTOFF);

  /* Not allowed in this state: a clear error, nothing happens. */
  corral_guest_run_action_async (guest, CORRAL_GUEST_ACTION_PAUSE, NULL, action_cb, &error);
  WAIT_FOR (error != NULL);
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_INVALID_STATE);
  g_assert_cmpstr (error->message, ==, "“node4” is shut off");
  g_clear_error (&error);

  run_action (guest, CORRAL_GUEST_ACTION_START);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  run_action (guest, CORRAL_GUEST_ACTION_PAUSE);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_PAUSED);
  run_action (guest, CORRAL_GUEST_ACTION_RESUME);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  run_action (guest, CORRAL_GUEST_ACTION_REBOOT);
  run_action (guest, CORRAL_GUEST_ACTION_SHUTDOWN);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);
  run_action (guest, CORRAL_GUEST_ACTION_START);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  run_action (guest, CORRAL_GUEST_ACTION_FORCE_OFF);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_guest_delete_finish (CORRAL_GUEST (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_delete_running (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(CorralGuest) guest = g_object_ref (corral_test_find_guest (fixture->connection, "node1"));
  gboolean done = FALSE;

  g_assert_cmpint (corral_guest_get_state (guest), ==, CORRAL_GUEST_STATE_RUNNING);
  corral_guest_delete_async (guest, TRUE, NULL, delete_cb, &done);
  WAIT_FOR (done);
  WAIT_FOR (corral_test_find_guest (fixture->connection, "node1") == NULL);
  g_assert_cmpuint (g_list_model_get_n_items (corral_connection_get_guests (fixture->connection)), ==, 3);
}

static void
test_many_guests (Fixture       *fixture,
                  gconstpointer  data)
{
  guint n = GPOINTER_TO_UINT (data);
  GListModel *guests = corral_connection_get_guests (fixture->connection);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint running = 0;

  g_assert_cmpuint (g_list_model_get_n_items (guests), ==, n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CorralGuest) guest = g_list_model_get_item (guests, i);

      /* natural order: node1, node2, ... node10 ... node5000 */
      g_autofree char *expected = g_strdup_printf ("node%u", i + 1);
      g_assert_cmpstr (corral_guest_get_name (guest), ==, expected);
      g_assert_true (g_hash_table_add (names, g_strdup (corral_guest_get_name (guest))));
      if (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING)
        running++;
      g_assert_cmpuint (corral_guest_get_memory (guest), >, 0);
    }
  g_assert_cmpuint (running, ==, n / 2);
}

static void
test_default_uri_title (void)
{
  g_autoptr(CorralConnection) demo = corral_connection_new (CORRAL_DEMO_URI);
  g_autoptr(CorralConnection) ssh = corral_connection_new ("qemu+ssh://ann@vmhost.example/system");
  g_autoptr(CorralConnection) system = corral_connection_new ("qemu:///system");

  g_assert_true (corral_connection_is_demo (demo));
  g_assert_true (corral_connection_is_local (system));
  g_assert_false (corral_connection_is_local (ssh));
  g_assert_cmpstr (corral_connection_get_title (ssh), ==, "vmhost.example");
  g_assert_cmpstr (corral_connection_get_title (system), ==, "This computer");
}

static void
test_open_failure (void)
{
  g_autoptr(CorralConnection) bad = corral_connection_new ("test:///nonexistent/corral/node.xml");
  gboolean failed = FALSE;

  corral_connection_open_async (bad, NULL, NULL, NULL);
  while (corral_connection_get_status (bad) != CORRAL_CONNECTION_STATUS_FAILED && !failed)
    {
      g_main_context_iteration (NULL, TRUE);
      failed = corral_connection_get_status (bad) == CORRAL_CONNECTION_STATUS_FAILED;
    }
  g_assert_nonnull (corral_connection_get_error_message (bad));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gvir_init_object (NULL, NULL);

  g_test_add ("/core/connection/initial-list", Fixture, GUINT_TO_POINTER (4),
              fixture_setup, test_initial_list, fixture_teardown);
  g_test_add ("/core/connection/lifecycle-events", Fixture, GUINT_TO_POINTER (4),
              fixture_setup, test_lifecycle_events, fixture_teardown);
  g_test_add ("/core/connection/actions", Fixture, GUINT_TO_POINTER (4),
              fixture_setup, test_actions, fixture_teardown);
  g_test_add ("/core/connection/delete-running", Fixture, GUINT_TO_POINTER (4),
              fixture_setup, test_delete_running, fixture_teardown);
  g_test_add ("/core/connection/5000-guests", Fixture, GUINT_TO_POINTER (5000),
              fixture_setup, test_many_guests, fixture_teardown);
  g_test_add_func ("/core/connection/titles", test_default_uri_title);
  g_test_add_func ("/core/connection/open-failure", test_open_failure);

  return g_test_run ();
}
