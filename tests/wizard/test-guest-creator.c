/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The wizard's core on libvirt's test driver (test:///default, in process): what the host offers, a
 * guest created with a new qcow2 volume and started, "create N guests", and rollback when defining
 * fails
 * or the user cancels: nothing the run made is left behind, and the message says what was removed.
 */
#include "config.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-creator.h"

#define TIMEOUT_S 30

#include "corral-test-util.h"
#define POOL "default-pool"
#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

typedef struct
{
  CorralConnection *connection;
} Fixture;



static void
open_cb (GObject      *object,
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
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  gboolean done = FALSE;

  fixture->connection = corral_connection_new ("test:///default");
  corral_connection_open_async (fixture->connection, NULL, open_cb, &done);
  WAIT_FOR (done);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  corral_test_wait_last_ref (fixture->connection);
  g_assert_finalize_object (fixture->connection);
}


/* libvirt's own view, independent of Corral's model */
static gboolean
volume_exists (CorralConnection *connection,
               const char       *name)
{
  virConnectPtr conn = _corral_connection_ref_handle (connection);
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, POOL);
  virStorageVolPtr vol = virStorageVolLookupByName (pool, name);
  gboolean exists = vol != NULL;

  if (vol != NULL)
    virStorageVolFree (vol);
  virResetLastError ();
  virStoragePoolFree (pool);
  virConnectClose (conn);
  return exists;
}

static char *
domain_xml_flags (CorralConnection *connection,
                  const char       *name,
                  unsigned int      flags)
{
  virConnectPtr conn = _corral_connection_ref_handle (connection);
  virDomainPtr dom = virDomainLookupByName (conn, name);
  char *xml = NULL;

  if (dom != NULL)
    {
      xml = virDomainGetXMLDesc (dom, flags);
      virDomainFree (dom);
    }
  virResetLastError ();
  virConnectClose (conn);
  return xml;
}

/* the persistent definition */
static char *
domain_xml (CorralConnection *connection,
            const char       *name)
{
  return domain_xml_flags (connection, name, VIR_DOMAIN_XML_INACTIVE);
}

/* what runs now */
static char *
live_xml (CorralConnection *connection,
          const char       *name)
{
  return domain_xml_flags (connection, name, 0);
}

static CorralGuestSpec *
spec_new (const char *name)
{
  CorralGuestSpec *spec = corral_guest_spec_new ();

  spec->name = g_strdup (name);
  spec->os_id = g_strdup ("http://debian.org/debian/11");
  spec->iso_path = g_strdup ("/srv/iso/debian-11.iso");
  spec->memory = 512 * MiB;
  spec->vcpus = 1;
  g_free (spec->disk_location);
  spec->disk_location = g_strdup (POOL);
  spec->disk_size = 64 * MiB;
  spec->start = TRUE;
  return spec;
}

typedef struct
{
  gboolean  done;
  GStrv     uuids;
  GError   *error;
  GPtrArray *statuses;
} RunResult;

static void
status_cb (CorralGuestCreator *creator,
           GParamSpec         *pspec,
           RunResult          *result)
{
  g_ptr_array_add (result->statuses, g_strdup (corral_guest_creator_get_status (creator)));
}

static void
run_cb (GObject      *object,
        GAsyncResult *res,
        gpointer      user_data)
{
  RunResult *result = user_data;

  result->uuids = corral_guest_creator_run_finish (CORRAL_GUEST_CREATOR (object), res,
                                                   &result->error);
  result->done = TRUE;
}

static void
run (CorralConnection *connection,
     CorralGuestSpec  *spec,
     GCancellable     *cancellable,
     RunResult        *result)
{
  g_autoptr(CorralGuestCreator) creator = corral_guest_creator_new (connection, spec);

  memset (result, 0, sizeof *result);
  result->statuses = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (creator, "notify::status", G_CALLBACK (status_cb), result);
  corral_guest_creator_run_async (creator, cancellable, run_cb, result);
  WAIT_FOR (result->done);
  /* the last progress update may still be queued */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_handlers_disconnect_by_data (creator, result);
}

static void
run_result_clear (RunResult *result)
{
  g_strfreev (result->uuids);
  g_clear_error (&result->error);
  g_clear_pointer (&result->statuses, g_ptr_array_unref);
}

static void
host_info_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CorralHostInfo **info = user_data;
  g_autoptr(GError) error = NULL;

  *info = corral_host_info_query_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_host_info (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CorralHostInfo) info = NULL;
  gboolean has_pool = FALSE;

  corral_host_info_query_async (fixture->connection, NULL, host_info_cb, &info);
  WAIT_FOR (info != NULL);

  g_assert_cmpstr (info->virt_type, ==, "test");
  g_assert_cmpuint (info->cpus, >, 0);
  g_assert_cmpuint (info->memory, >, 0);
  for (guint i = 0; i < info->pools->len; i++)
    {
      CorralStoragePlace *place = g_ptr_array_index (info->pools, i);

      if (g_str_equal (place->name, POOL))
        {
          has_pool = TRUE;
          g_assert_cmpuint (place->available, >, 0);
        }
    }
  g_assert_true (has_pool);
  g_assert_true (g_ptr_array_find_with_equal_func (info->networks, "default", g_str_equal, NULL));
  g_assert_true (g_strv_contains ((const char * const *) info->guest_names, "test"));
}

static void
test_create_one (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("web");
  g_autofree char *xml = NULL;
  RunResult result;
  CorralGuest *guest;

  run (fixture->connection, spec, NULL, &result);
  g_assert_no_error (result.error);
  g_assert_cmpuint (g_strv_length (result.uuids), ==, 1);
  g_assert_cmpstr (g_ptr_array_index (result.statuses, result.statuses->len - 1), ==,
                   "Guest created");
  g_assert_true (g_ptr_array_find_with_equal_func (result.statuses, "Creating the disk of “web”…",
                                                   g_str_equal,
                                                   NULL));

  /* listed by Corral, running, and found by the UUID the creator returned */
  WAIT_FOR (corral_test_find_guest (fixture->connection, "web") != NULL);
  guest = corral_test_find_guest (fixture->connection, "web");
  g_assert_cmpstr (corral_guest_get_uuid (guest), ==, result.uuids[0]);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);

  /* its own qcow2 volume, used as its virtio disk; the ISO as its CD-ROM in the install run it runs
   * now, while its definition boots the disk, the drive empty */
  g_assert_true (volume_exists (fixture->connection, "web.qcow2"));
  xml = domain_xml (fixture->connection, "web");
  g_assert_nonnull (strstr (xml, "/default-pool/web.qcow2"));
  g_assert_null (strstr (xml, "/srv/iso/debian-11.iso"));
  g_assert_nonnull (strstr (xml, "<disk type='file' device='cdrom'>"));
  g_assert_nonnull (strstr (xml, "<boot dev='hd'/>\n  </os>"));
  g_assert_null (strstr (xml, "corral:install"));
  g_assert_nonnull (strstr (xml, "bus='virtio'"));
  g_assert_nonnull (strstr (xml, "http://debian.org/debian/11"));
  g_free (xml);
  xml = live_xml (fixture->connection, "web");
  g_assert_nonnull (strstr (xml, "<source file='/srv/iso/debian-11.iso'/>"));
  g_assert_nonnull (strstr (xml, "<boot dev='cdrom'/>\n    <boot dev='hd'/>"));
  g_assert_nonnull (strstr (xml, "<on_reboot>destroy</on_reboot>"));
  g_assert_nonnull (strstr (xml, "<corral:install xmlns:corral=\"https://corralvm.org/xmlns/corral/1.0\"/>"));
  run_result_clear (&result);
}

static void
test_create_cluster (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("node");
  RunResult result;

  spec->count = 3;
  spec->start = FALSE;
  run (fixture->connection, spec, NULL, &result);
  g_assert_no_error (result.error);
  g_assert_cmpuint (g_strv_length (result.uuids), ==, 3);
  g_assert_cmpstr (g_ptr_array_index (result.statuses, result.statuses->len - 1), ==,
                   "Guests created");

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("node%u", i);
      g_autofree char *vol = g_strdup_printf ("node%u.qcow2", i);
      g_autofree char *xml = NULL;
      CorralGuest *guest;

      WAIT_FOR (corral_test_find_guest (fixture->connection, name) != NULL);
      guest = corral_test_find_guest (fixture->connection, name);
      WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);
      g_assert_true (volume_exists (fixture->connection, vol));
      xml = domain_xml (fixture->connection, name);
      g_assert_nonnull (strstr (xml, vol));
    }
  run_result_clear (&result);
}

/* A guest of that name appears between the wizard's check and the define: the define fails, and the
 * volume made for it is removed again. With three guests, the first (defined) is removed as well.
 */
static void
test_rollback_define (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("clash");
  virConnectPtr conn = _corral_connection_ref_handle (fixture->connection);
  virDomainPtr dom = virDomainDefineXML (conn, "<domain type='test'><name>clash2</name>"
                                               "<memory>65536</memory>"
                                               "<os><type>hvm</type></os></domain>");
  RunResult result;

  g_assert_nonnull (dom);
  virDomainFree (dom);
  virConnectClose (conn);

  spec->count = 3;
  run (fixture->connection, spec, NULL, &result);
  g_assert_error (result.error, CORRAL_ERROR, CORRAL_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (result.error->message, "Could not define the guest “clash2”: "));
  g_assert_nonnull (strstr (result.error->message,
                            "Removed the disk “/default-pool/clash2.qcow2” made for it."));
  g_assert_nonnull (strstr (result.error->message, "Removed the guest “clash1”."));
  g_assert_nonnull (strstr (result.error->message,
                            "Removed the disk “/default-pool/clash1.qcow2” made for it."));
  g_assert_null (result.uuids);

  g_assert_false (volume_exists (fixture->connection, "clash1.qcow2"));
  g_assert_false (volume_exists (fixture->connection, "clash2.qcow2"));
  g_assert_false (volume_exists (fixture->connection, "clash3.qcow2"));
  g_assert_null (domain_xml (fixture->connection, "clash1"));
  g_assert_null (domain_xml (fixture->connection, "clash3"));
  /* the guest that was there before is left alone */
  {
    g_autofree char *before = domain_xml (fixture->connection, "clash2");

    g_assert_nonnull (before);
  }
  run_result_clear (&result);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("cancelled");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  RunResult result;

  g_cancellable_cancel (cancellable);
  run (fixture->connection, spec, cancellable, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (volume_exists (fixture->connection, "cancelled.qcow2"));
  g_assert_null (domain_xml (fixture->connection, "cancelled"));
  run_result_clear (&result);
}

static void
test_existing_disk_no_network (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("imported");
  g_autofree char *xml = NULL;
  RunResult result;

  spec->source = CORRAL_INSTALL_SOURCE_IMPORT;
  spec->disk_kind = CORRAL_DISK_EXISTING;
  g_free (spec->disk_location);
  spec->disk_location = g_strdup ("/srv/images/imported.img");
  spec->network_kind = CORRAL_NETWORK_NONE;
  spec->start = FALSE;
  run (fixture->connection, spec, NULL, &result);
  g_assert_no_error (result.error);

  xml = domain_xml (fixture->connection, "imported");
  g_assert_nonnull (strstr (xml, "<source file='/srv/images/imported.img'/>"));
  g_assert_null (strstr (xml, "cdrom"));
  g_assert_null (strstr (xml, "<interface"));
  run_result_clear (&result);
}


/* --- the install run's end, as Corral sees it (CorralGuest) --- */

typedef struct
{
  guint  count;
  char  *name;
  char  *error_message;
} Finished;

static void
install_finished_cb (CorralGuest *guest,
                     const char  *error_message,
                     Finished    *finished)
{
  finished->count++;
  g_free (finished->name);
  finished->name = g_strdup (corral_guest_get_name (guest));
  g_free (finished->error_message);
  finished->error_message = g_strdup (error_message);
}

static void
connection_install_finished_cb (CorralConnection *connection,
                                CorralGuest      *guest,
                                const char       *error_message,
                                Finished         *finished)
{
  install_finished_cb (guest, error_message, finished);
}

static void
domain_do (CorralConnection *connection,
           const char       *name,
           int             (*action) (virDomainPtr))
{
  virConnectPtr conn = _corral_connection_ref_handle (connection);
  virDomainPtr dom = virDomainLookupByName (conn, name);

  g_assert_nonnull (dom);
  g_assert_cmpint (action (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (conn);
}

static gboolean
domain_is_active (CorralConnection *connection,
                  const char       *name)
{
  virConnectPtr conn = _corral_connection_ref_handle (connection);
  virDomainPtr dom = virDomainLookupByName (conn, name);
  gboolean active = virDomainIsActive (dom) == 1;

  virDomainFree (dom);
  virConnectClose (conn);
  return active;
}

/* a while of the main loop: what Corral would do by itself has had its chance */
static void
settle (void)
{
  gint64 end = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* The installer reboots (here: a guest-side shutdown, libvirt's "stopped, shutdown"): the install
 * run is over, and Corral starts the guest again from its definition, telling whoever listens. */
static void
test_install_run_ends (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("inst");
  g_autofree char *xml = NULL;
  Finished finished = { 0 }, by_connection = { 0 };
  RunResult result;
  CorralGuest *guest;

  run (fixture->connection, spec, NULL, &result);
  g_assert_no_error (result.error);
  WAIT_FOR (corral_test_find_guest (fixture->connection, "inst") != NULL);
  guest = corral_test_find_guest (fixture->connection, "inst");
  g_signal_connect (guest, "install-finished", G_CALLBACK (install_finished_cb), &finished);
  /* the window listens to the connection: one signal for all its guests */
  g_signal_connect (fixture->connection, "install-finished",
                    G_CALLBACK (connection_install_finished_cb), &by_connection);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  WAIT_FOR (corral_guest_is_installing (guest));

  domain_do (fixture->connection, "inst", virDomainShutdown);
  WAIT_FOR (finished.count == 1);
  g_assert_cmpstr (finished.name, ==, "inst");
  g_assert_null (finished.error_message);
  g_assert_cmpuint (by_connection.count, ==, 1);
  g_assert_cmpstr (by_connection.name, ==, "inst");
  g_signal_handlers_disconnect_by_data (fixture->connection, &by_connection);
  g_free (by_connection.name);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  g_assert_true (domain_is_active (fixture->connection, "inst"));

  /* now it runs its definition: the disk, no ISO, no install marker; and it is no install run */
  xml = live_xml (fixture->connection, "inst");
  g_assert_null (strstr (xml, "/srv/iso/debian-11.iso"));
  g_assert_null (strstr (xml, "corral:install"));
  g_assert_nonnull (strstr (xml, "<on_reboot>restart</on_reboot>"));
  settle ();
  g_assert_false (corral_guest_is_installing (guest));

  /* its next shutdown is an ordinary one: it stays off */
  domain_do (fixture->connection, "inst", virDomainShutdown);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);
  settle ();
  g_assert_cmpuint (finished.count, ==, 1);
  g_assert_false (domain_is_active (fixture->connection, "inst"));

  g_signal_handlers_disconnect_by_data (guest, &finished);
  g_free (finished.name);
  run_result_clear (&result);
}

/* Forced off (or crashed), the installer did not finish: Corral leaves the guest off. */
static void
test_install_run_destroyed (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("forced");
  Finished finished = { 0 };
  RunResult result;
  CorralGuest *guest;

  run (fixture->connection, spec, NULL, &result);
  g_assert_no_error (result.error);
  WAIT_FOR (corral_test_find_guest (fixture->connection, "forced") != NULL);
  guest = corral_test_find_guest (fixture->connection, "forced");
  g_signal_connect (guest, "install-finished", G_CALLBACK (install_finished_cb), &finished);
  WAIT_FOR (corral_guest_is_installing (guest));

  domain_do (fixture->connection, "forced", virDomainDestroy);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);
  settle ();
  g_assert_cmpuint (finished.count, ==, 0);
  g_assert_false (domain_is_active (fixture->connection, "forced"));
  g_assert_false (corral_guest_is_installing (guest));

  g_signal_handlers_disconnect_by_data (guest, &finished);
  run_result_clear (&result);
}

/* "Create N guests": each guest its own install run, each restarted on its own. */
static void
test_install_runs_cluster (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("farm");
  Finished finished = { 0 };
  RunResult result;
  CorralGuest *guests[3];

  spec->count = 3;
  run (fixture->connection, spec, NULL, &result);
  g_assert_no_error (result.error);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("farm%u", i + 1);
      g_autofree char *xml = NULL;

      WAIT_FOR (corral_test_find_guest (fixture->connection, name) != NULL);
      guests[i] = corral_test_find_guest (fixture->connection, name);
      g_signal_connect (guests[i], "install-finished", G_CALLBACK (install_finished_cb),
                        &finished);
      WAIT_FOR (corral_guest_is_installing (guests[i]));
      xml = domain_xml (fixture->connection, name);
      g_assert_null (strstr (xml, "/srv/iso/debian-11.iso"));
    }

  domain_do (fixture->connection, "farm2", virDomainShutdown);
  WAIT_FOR (finished.count == 1);
  g_assert_cmpstr (finished.name, ==, "farm2");
  WAIT_FOR (corral_guest_get_state (guests[1]) == CORRAL_GUEST_STATE_RUNNING);
  settle ();
  g_assert_false (corral_guest_is_installing (guests[1]));
  g_assert_true (corral_guest_is_installing (guests[0]));
  g_assert_true (corral_guest_is_installing (guests[2]));

  domain_do (fixture->connection, "farm3", virDomainShutdown);
  domain_do (fixture->connection, "farm1", virDomainShutdown);
  WAIT_FOR (finished.count == 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("farm%u", i + 1);
      g_autofree char *xml = NULL;

      WAIT_FOR (corral_guest_get_state (guests[i]) == CORRAL_GUEST_STATE_RUNNING);
      xml = live_xml (fixture->connection, name);
      g_assert_null (strstr (xml, "corral:install"));
      g_signal_handlers_disconnect_by_data (guests[i], &finished);
    }
  g_free (finished.name);
  run_result_clear (&result);
}

/* Corral opened while an installer runs learns so from the running guest (its live metadata), and
 * takes over from there. */
static void
test_install_run_seen_on_connect (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("later");
  g_autoptr(CorralConnection) second = corral_connection_new ("test:///default");
  Finished finished = { 0 };
  gboolean opened = FALSE;
  RunResult result;
  CorralGuest *guest, *other;

  run (fixture->connection, spec, NULL, &result);
  g_assert_no_error (result.error);

  /* test:///default is one state per process: a second connection sees the same guests */
  corral_connection_open_async (second, NULL, open_cb, &opened);
  WAIT_FOR (opened);
  WAIT_FOR (corral_test_find_guest (second, "later") != NULL);
  guest = corral_test_find_guest (second, "later");
  WAIT_FOR (corral_guest_is_installing (guest));
  /* guests that run no installer ("test" of test:///default) are not taken for one */
  other = corral_test_find_guest (second, "test");
  g_assert_nonnull (other);
  g_assert_cmpint (corral_guest_get_state (other), ==, CORRAL_GUEST_STATE_RUNNING);
  settle ();
  g_assert_false (corral_guest_is_installing (other));

  g_signal_connect (guest, "install-finished", G_CALLBACK (install_finished_cb), &finished);
  domain_do (second, "later", virDomainShutdown);
  WAIT_FOR (finished.count >= 1);
  g_assert_null (finished.error_message);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);

  g_signal_handlers_disconnect_by_data (guest, &finished);
  g_free (finished.name);
  corral_connection_close (second);
  corral_test_wait_last_ref (second);
  run_result_clear (&result);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/wizard/creator/host-info", Fixture, NULL, fixture_setup, test_host_info,
              fixture_teardown);
  g_test_add ("/wizard/creator/one", Fixture, NULL, fixture_setup, test_create_one,
              fixture_teardown);
  g_test_add ("/wizard/creator/cluster", Fixture, NULL, fixture_setup, test_create_cluster,
              fixture_teardown);
  g_test_add ("/wizard/creator/rollback-define", Fixture, NULL, fixture_setup, test_rollback_define,
              fixture_teardown);
  g_test_add ("/wizard/creator/cancel", Fixture, NULL, fixture_setup, test_cancel,
              fixture_teardown);
  g_test_add ("/wizard/creator/existing-disk", Fixture, NULL, fixture_setup,
              test_existing_disk_no_network,
              fixture_teardown);

  g_test_add ("/wizard/creator/install-run/ends", Fixture, NULL, fixture_setup,
              test_install_run_ends, fixture_teardown);
  g_test_add ("/wizard/creator/install-run/destroyed", Fixture, NULL, fixture_setup,
              test_install_run_destroyed, fixture_teardown);
  g_test_add ("/wizard/creator/install-run/cluster", Fixture, NULL, fixture_setup,
              test_install_runs_cluster, fixture_teardown);
  g_test_add ("/wizard/creator/install-run/seen-on-connect", Fixture, NULL, fixture_setup,
              test_install_run_seen_on_connect, fixture_teardown);

  return g_test_run ();
}
