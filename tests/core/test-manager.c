/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finding things across connections (CorralManager) against libvirt's test driver: a guest by UUID (what
 * the app.open-console action and notifications are given), a connection by URI, and the connection a new
 * guest goes to. */
#include "config.h"

#include <glib/gstdio.h>

#include "corral-manager.h"
#include "corral-test-util.h"

#define DEMO_GUEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"

typedef struct
{
  CorralManager *manager;
  char          *dir;
  char          *node_uri;
} Fixture;

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

static CorralConnection *
add_open (Fixture    *f,
          const char *uri)
{
  CorralConnection *connection = corral_manager_add_connection (f->manager, uri);
  gboolean done = FALSE;

  corral_connection_open_async (connection, NULL, opened_cb, &done);
  WAIT_FOR (done);
  return connection;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->manager = corral_manager_new ();
  f->dir = g_dir_make_tmp ("corral-manager-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "node.xml", NULL);
  g_file_set_contents (path,
                       "<node><domain type='test'><name>other</name>"
                       "<uuid>6c1f4d3a-0000-4000-8000-000000000001</uuid><memory unit='MiB'>256</memory>"
                       "<os><type>hvm</type></os></domain></node>", -1, &error);
  g_assert_no_error (error);
  f->node_uri = g_strconcat ("test://", path, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "node.xml", NULL);
  GListModel *connections = corral_manager_get_connections (f->manager);

  while (g_list_model_get_n_items (connections) > 0)
    {
      g_autoptr(CorralConnection) connection = g_list_model_get_item (connections, 0);

      corral_manager_remove_connection (f->manager, connection);
      corral_test_wait_last_ref (connection);
    }
  g_assert_finalize_object (f->manager);
  g_unlink (path);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->node_uri);
}

static void
test_find_guest (Fixture       *f,
                 gconstpointer  data)
{
  CorralConnection *demo, *node;
  CorralGuest *guest;

  g_assert_null (corral_manager_find_guest (f->manager, DEMO_GUEST_UUID));

  node = add_open (f, f->node_uri);
  demo = add_open (f, CORRAL_DEMO_URI);

  /* on whichever connection it is */
  guest = corral_manager_find_guest (f->manager, DEMO_GUEST_UUID);
  g_assert_nonnull (guest);
  g_assert_cmpstr (corral_guest_get_name (guest), ==, "test");
  g_assert_true (corral_guest_get_connection (guest) == demo);
  guest = corral_manager_find_guest (f->manager, "6c1f4d3a-0000-4000-8000-000000000001");
  g_assert_nonnull (guest);
  g_assert_cmpstr (corral_guest_get_name (guest), ==, "other");
  g_assert_true (corral_guest_get_connection (guest) == node);
  g_assert_null (corral_manager_find_guest (f->manager, "00000000-0000-4000-8000-000000000000"));

  g_assert_true (corral_manager_find_connection (f->manager, CORRAL_DEMO_URI) == demo);
  g_assert_true (corral_manager_find_connection (f->manager, f->node_uri) == node);
  g_assert_null (corral_manager_find_connection (f->manager, "qemu:///session"));

  /* gone with its connection */
  corral_manager_remove_connection (f->manager, demo);
  g_assert_null (corral_manager_find_guest (f->manager, DEMO_GUEST_UUID));
}

static void
test_pick_for_new_guest (Fixture       *f,
                         gconstpointer  data)
{
  CorralConnection *node, *demo;

  /* nothing connected: none (the window says "connect first") */
  g_assert_null (corral_manager_pick_connection_for_new_guest (f->manager));
  corral_manager_add_connection (f->manager, "qemu+ssh://ann@vmhost.example/system");
  g_assert_null (corral_manager_pick_connection_for_new_guest (f->manager));

  /* the first connected one */
  node = add_open (f, f->node_uri);
  demo = add_open (f, CORRAL_DEMO_URI);
  g_assert_true (corral_manager_pick_connection_for_new_guest (f->manager) == node);

  /* no longer connected: the next one */
  corral_connection_close (node);
  g_assert_true (corral_manager_pick_connection_for_new_guest (f->manager) == demo);
  corral_connection_close (demo);
  g_assert_null (corral_manager_pick_connection_for_new_guest (f->manager));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gvir_init_object (NULL, NULL);

  g_test_add ("/core/manager/find-guest", Fixture, NULL, fixture_setup, test_find_guest, fixture_teardown);
  g_test_add ("/core/manager/pick-for-new-guest", Fixture, NULL, fixture_setup, test_pick_for_new_guest,
              fixture_teardown);

  return g_test_run ();
}
