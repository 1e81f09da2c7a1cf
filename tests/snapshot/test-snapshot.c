/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A guest's snapshots (corral-guest-snapshot) against libvirt's test driver on a host of the test's own
 * (node.xml): "web" runs with a qcow2 disk and a CD, "db" is shut off with a qcow2 disk, "raw" has a raw
 * file, "lvm" an LVM volume and a block device. Each refusal's message word for word. */
#include "config.h"

#include <libvirt/libvirt.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-config.h"
#include "corral-guest-snapshot.h"

#define TIMEOUT_S 20

#include "corral-test-util.h"

static const char *node_path;

typedef CorralTestNode Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  corral_test_node_open (fixture, node_path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  corral_test_node_close (fixture);
}

static GPtrArray *
fetch (CorralGuest *guest)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  corral_guest_fetch_snapshots_async (guest, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  list = corral_guest_fetch_snapshots_finish (guest, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static gboolean
take (CorralGuest  *guest,
      const char   *name,
      const char   *description,
      GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  corral_guest_take_snapshot_async (guest, name, description, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  return corral_guest_take_snapshot_finish (guest, result, error);
}

static gboolean
revert (CorralGuest  *guest,
        const char   *name,
        GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  corral_guest_revert_snapshot_async (guest, name, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  return corral_guest_revert_snapshot_finish (guest, result, error);
}

static gboolean
delete (CorralGuest  *guest,
        const char   *name,
        GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  corral_guest_delete_snapshot_async (guest, name, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  return corral_guest_delete_snapshot_finish (guest, result, error);
}

static CorralGuestConfig *
fetch_config (CorralGuest *guest)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CorralGuestConfig *config;

  corral_guest_fetch_config_async (guest, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  config = corral_guest_fetch_config_finish (guest, result, &error);
  g_assert_no_error (error);
  return config;
}

static int
vir_state (Fixture    *fixture,
           const char *name)
{
  virDomainPtr vdom = virDomainLookupByName (fixture->conn, name);
  int state = -1, reason;

  g_assert_nonnull (vdom);
  g_assert_cmpint (virDomainGetState (vdom, &state, &reason, 0), ==, 0);
  virDomainFree (vdom);
  return state;
}

static void
set_running (Fixture    *fixture,
             const char *name,
             gboolean    running)
{
  virDomainPtr vdom = virDomainLookupByName (fixture->conn, name);

  g_assert_nonnull (vdom);
  g_assert_cmpint (running ? virDomainCreate (vdom) : virDomainDestroy (vdom), ==, 0);
  virDomainFree (vdom);
}

static CorralSnapshotInfo *
find (GPtrArray  *list,
      const char *name)
{
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (((CorralSnapshotInfo *) g_ptr_array_index (list, i))->name, name) == 0)
      return g_ptr_array_index (list, i);
  return NULL;
}

static void
test_take_list (Fixture       *fixture,
                gconstpointer  data)
{
  CorralGuest *web = corral_test_find_guest (fixture->connection, "web");
  g_autoptr(GPtrArray) before = fetch (web);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  CorralSnapshotInfo *one, *two;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpuint (before->len, ==, 0);
  g_assert_true (take (web, "one", "before the upgrade <&>", &error));
  g_assert_no_error (error);
  g_assert_true (take (web, "two", NULL, &error));
  g_assert_no_error (error);

  after = fetch (web);
  g_assert_cmpuint (after->len, ==, 2);
  one = find (after, "one");
  two = find (after, "two");
  g_assert_nonnull (one);
  g_assert_nonnull (two);
  g_assert_cmpstr (one->description, ==, "before the upgrade <&>");
  g_assert_cmpstr (two->description, ==, "");
  g_assert_true (one->running);
  g_assert_true (two->running);
  g_assert_null (one->parent);
  g_assert_cmpstr (two->parent, ==, "one");
  g_assert_false (one->is_current);
  g_assert_true (two->is_current);
  g_assert_cmpint (ABS (one->creation_time - now), <=, 60);
}

static void
test_name_refusals (Fixture       *fixture,
                    gconstpointer  data)
{
  CorralGuest *web = corral_test_find_guest (fixture->connection, "web");
  g_autoptr(GPtrArray) list = NULL;
  GError *error = NULL;

  g_assert_false (take (web, "", NULL, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_NAME);
  g_assert_cmpstr (error->message, ==, "A snapshot needs a name");
  g_clear_error (&error);

  g_assert_false (take (web, "a/b", NULL, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_NAME);
  g_assert_cmpstr (error->message, ==, "A snapshot’s name cannot contain “/”");
  g_clear_error (&error);

  g_assert_true (take (web, "base", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (take (web, "base", "again", &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_NAME_TAKEN);
  g_assert_cmpstr (error->message, ==, "“web” has a snapshot named “base” already");
  g_clear_error (&error);

  g_assert_false (revert (web, "nope", &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "“web” has no snapshot named “nope”");
  g_clear_error (&error);
  g_assert_false (delete (web, "nope", &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_NOT_FOUND);
  g_clear_error (&error);

  list = fetch (web);
  g_assert_cmpuint (list->len, ==, 1);
}

static void
test_support (Fixture       *fixture,
              gconstpointer  data)
{
  CorralGuest *raw = corral_test_find_guest (fixture->connection, "raw");
  CorralGuest *lvm = corral_test_find_guest (fixture->connection, "lvm");
  CorralGuest *web = corral_test_find_guest (fixture->connection, "web");
  g_autoptr(CorralGuestConfig) raw_config = fetch_config (raw);
  g_autoptr(CorralGuestConfig) lvm_config = fetch_config (lvm);
  g_autoptr(CorralGuestConfig) web_config = fetch_config (web);
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *reason = NULL;
  GError *error = NULL;

  g_assert_true (corral_guest_snapshot_support (web_config, &reason));
  g_assert_null (reason);

  g_assert_false (corral_guest_snapshot_support (raw_config, &reason));
  g_assert_cmpstr (reason, ==, "Snapshots need every disk in qcow2 (sda is a raw file): Corral takes internal "
                               "snapshots, which live inside qcow2 disks (libvirt before 9.7, such as "
                               "Debian 12's, cannot revert external ones).");
  g_clear_pointer (&reason, g_free);
  g_assert_false (corral_guest_snapshot_support (lvm_config, &reason));
  g_assert_cmpstr (reason, ==, "Snapshots need every disk in qcow2 (vda is an LVM volume, vdb is a block "
                               "device): Corral takes internal snapshots, which live inside qcow2 disks "
                               "(libvirt before 9.7, such as Debian 12's, cannot revert external ones).");
  g_clear_pointer (&reason, g_free);

  /* refused before libvirt is asked: no snapshot made */
  g_assert_false (take (raw, "s", NULL, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "Snapshots need every disk in qcow2 (sda is a raw file): Corral takes "
                                       "internal snapshots, which live inside qcow2 disks (libvirt before 9.7, "
                                       "such as Debian 12's, cannot revert external ones).");
  g_clear_error (&error);
  list = fetch (raw);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_revert_state (Fixture       *fixture,
                   gconstpointer  data)
{
  CorralGuest *db = corral_test_find_guest (fixture->connection, "db");
  g_autoptr(GPtrArray) list = NULL;
  GError *error = NULL;

  /* shut off when taken */
  g_assert_cmpint (vir_state (fixture, "db"), ==, VIR_DOMAIN_SHUTOFF);
  g_assert_true (take (db, "cold", "shut off", &error));
  g_assert_no_error (error);
  set_running (fixture, "db", TRUE);
  g_assert_true (take (db, "warm", "running", &error));
  g_assert_no_error (error);

  list = fetch (db);
  g_assert_false (find (list, "cold")->running);
  g_assert_true (find (list, "warm")->running);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* running now: the shut-off snapshot shuts it off */
  g_assert_true (revert (db, "cold", &error));
  g_assert_no_error (error);
  g_assert_cmpint (vir_state (fixture, "db"), ==, VIR_DOMAIN_SHUTOFF);
  list = fetch (db);
  g_assert_true (find (list, "cold")->is_current);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* shut off now: the running snapshot brings it back running */
  g_assert_true (revert (db, "warm", &error));
  g_assert_no_error (error);
  g_assert_cmpint (vir_state (fixture, "db"), ==, VIR_DOMAIN_RUNNING);
  WAIT_FOR (corral_guest_get_state (db) == CORRAL_GUEST_STATE_RUNNING);
  set_running (fixture, "db", FALSE);
}

static void
test_delete_keeps_children (Fixture       *fixture,
                            gconstpointer  data)
{
  CorralGuest *web = corral_test_find_guest (fixture->connection, "web");
  g_autoptr(GPtrArray) list = NULL;
  GError *error = NULL;

  g_assert_true (take (web, "a", NULL, &error));
  g_assert_true (take (web, "b", NULL, &error));
  g_assert_true (take (web, "c", NULL, &error));
  g_assert_no_error (error);

  g_assert_true (delete (web, "b", &error));
  g_assert_no_error (error);
  list = fetch (web);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_null (find (list, "b"));
  g_assert_nonnull (find (list, "a"));
  g_assert_cmpstr (find (list, "c")->parent, ==, "a");
  g_assert_true (find (list, "c")->is_current);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  node_path = argv[1];

  g_test_add ("/snapshot/take-list", Fixture, NULL, fixture_setup, test_take_list, fixture_teardown);
  g_test_add ("/snapshot/name-refusals", Fixture, NULL, fixture_setup, test_name_refusals, fixture_teardown);
  g_test_add ("/snapshot/support", Fixture, NULL, fixture_setup, test_support, fixture_teardown);
  g_test_add ("/snapshot/revert-state", Fixture, NULL, fixture_setup, test_revert_state, fixture_teardown);
  g_test_add ("/snapshot/delete-keeps-children", Fixture, NULL, fixture_setup, test_delete_keeps_children,
              fixture_teardown);
  return g_test_run ();
}
