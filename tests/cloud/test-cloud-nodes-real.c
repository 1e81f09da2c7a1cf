/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The real end-to-end test of a cluster from a cloud image: through Corral's core (CorralGuestCreator with
 * a CorralGuestSpec whose source is CORRAL_INSTALL_SOURCE_CLOUD_IMAGE), two guests node1 and node2 from
 * the test cloud image (tests/cloud/make-cloud-image, $CORRAL_TEST_CLOUD_IMAGE) in a storage pool, on the
 * harness's NAT network, started, TCG; the identity: user alice, a key the test makes with ssh-keygen and a
 * password. Then, on the real guests, with tests/cloud/cloud-check (the same checks a UI test calls):
 * each gets a lease that names it, sshd lets the key in, `hostname` says node1 / node2, the password login
 * works and a wrong one is refused, the root grew to the chosen disk size, node1 resolves node2 and
 * reaches its sshd; a forward host 2222 -> node1:22 made through corral-helper takes ssh from the
 * harness's client namespace to node1.
 *
 * Runs inside tests/system/harness/with-libvirtd --network, with corral-helper on a private system bus
 * and the client namespace up (test-cloud-nodes-real.py does all that, and builds the image first,
 * outside: the harness's namespaces have no network). */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-cloud-init.h"
#include "corral-connection-private.h"
#include "corral-guest-creator.h"
#include "corral-helper-client.h"

#define TIMEOUT_S 600

#include "corral-test-util.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)
#define POOL "cloud-pool"
#define POOL_DIR "/var/lib/libvirt/images/cloud-pool"
#define USER "alice"
#define PASSWORD "corral-nodes-pw"
#define DISK_MIB 3072

typedef struct
{
  CorralConnection *connection;
  virConnectPtr     conn;
  char             *dir;
  char             *key;
  char             *check;
  char             *address[3];   /* [1], [2]: node1's, node2's */
  gboolean          created;
} Fixture;

static Fixture fx;

/* cloud-check with @args (NULL-terminated): TRUE when it passes; its stdout in @out. A failure is
 * reported (its stderr) and fails the test, but the next checks still run. */
static gboolean
check (char       **out,
       const char  *first,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (argv, fx.check);
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &stdout_text, &stderr_text, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("cloud-check %s failed: %s", first, stderr_text);
      g_test_fail ();
      return FALSE;
    }
  if (out != NULL)
    *out = g_strdup (g_strstrip (stdout_text));
  else if (*g_strstrip (stdout_text) != '\0')
    g_test_message ("cloud-check %s: %s", first, stdout_text);
  return TRUE;
}

static double
since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
status_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  g_test_message ("[%.1f s] creator: %s", since (*(gint64 *) user_data),
                  corral_guest_creator_get_status (CORRAL_GUEST_CREATOR (object)));
}

static void
test_create (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  g_autoptr(CorralGuestCreator) creator = NULL;
  g_autoptr(CorralSshKey) key = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pub_path = g_strconcat (fx.key, ".pub", NULL);
  g_autofree char *pub = NULL;
  g_auto(GStrv) uuids = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_true (g_file_get_contents (pub_path, &pub, NULL, &error));
  g_assert_no_error (error);
  key = corral_cloud_parse_public_key (pub, &error);
  g_assert_no_error (error);

  spec->name = g_strdup ("node");
  spec->count = 2;
  spec->source = CORRAL_INSTALL_SOURCE_CLOUD_IMAGE;
  spec->image_path = g_strdup (g_getenv ("CORRAL_TEST_CLOUD_IMAGE"));
  spec->disk_kind = CORRAL_DISK_POOL;
  g_free (spec->disk_location);
  spec->disk_location = g_strdup (POOL);
  spec->disk_size = DISK_MIB * MiB;
  spec->memory = 512 * MiB;
  spec->vcpus = 1;
  spec->network_kind = CORRAL_NETWORK_LIBVIRT;
  g_free (spec->network);
  spec->network = g_strdup (g_getenv ("CORRAL_TEST_NETWORK"));
  spec->start = TRUE;
  spec->identity = corral_cloud_identity_new ();
  spec->identity->user_name = g_strdup (USER);
  spec->identity->ssh_keys = g_new0 (char *, 2);
  spec->identity->ssh_keys[0] = g_strdup (key->line);
  spec->identity->password = g_strdup (PASSWORD);

  creator = corral_guest_creator_new (fx.connection, spec);
  corral_guest_creator_set_virt_type (creator, "qemu");
  g_signal_connect (creator, "notify::status", G_CALLBACK (status_cb), &start);
  corral_guest_creator_run_async (creator, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  uuids = corral_guest_creator_run_finish (creator, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (uuids), ==, 2);
  g_test_message ("the creator made and started node1 and node2 in %.1f s", since (start));
  fx.created = TRUE;

  /* each boots, takes a lease that names it (dnsmasq registered the name), lets the key in */
  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("node%u", i);

      if (!check (&fx.address[i], "address", name, "420", NULL))
        continue;
      g_test_message ("%s has %s (%.1f s after Create)", name, fx.address[i], since (start));
    }
  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("node%u", i);

      if (fx.address[i] == NULL)
        continue;
      if (check (NULL, "ssh-wait", fx.key, USER, fx.address[i], "600", NULL))
        g_test_message ("%s: ssh answers %.1f s after Create", name, since (start));
      check (NULL, "lease-name", name, name, NULL);
    }
}

static void
test_hostname (void)
{
  if (!fx.created)
    {
      g_test_skip ("no guests");
      return;
    }
  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("node%u", i);

      g_assert_nonnull (fx.address[i]);
      check (NULL, "hostname", fx.key, USER, fx.address[i], name, NULL);
    }
}

static void
test_password (void)
{
  if (!fx.created)
    {
      g_test_skip ("no guests");
      return;
    }
  g_assert_nonnull (fx.address[1]);
  check (NULL, "password", USER, fx.address[1], PASSWORD, NULL);
  check (NULL, "no-password", USER, fx.address[1], PASSWORD "-wrong", NULL);
}

static void
test_root_size (void)
{
  g_autofree char *min = g_strdup_printf ("%d", DISK_MIB);

  if (!fx.created)
    {
      g_test_skip ("no guests");
      return;
    }
  for (guint i = 1; i <= 2; i++)
    {
      g_assert_nonnull (fx.address[i]);
      check (NULL, "root-size", fx.key, USER, fx.address[i], min, NULL);
    }
}

static void
test_peer (void)
{
  if (!fx.created)
    {
      g_test_skip ("no guests");
      return;
    }
  g_assert_nonnull (fx.address[1]);
  check (NULL, "peer", fx.key, USER, fx.address[1], "node2", NULL);
}

static void
test_forward (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(CorralHelperClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *client_ns = NULL;
  g_autofree char *id = NULL;
  char uuid[VIR_UUID_STRING_BUFLEN];
  virConnectPtr conn;
  virDomainPtr dom;

  if (!fx.created)
    {
      g_test_skip ("no guests");
      return;
    }
  if (g_getenv ("DBUS_SYSTEM_BUS_ADDRESS") == NULL || g_getenv ("CORRAL_HARNESS") == NULL)
    {
      g_test_skip ("no corral-helper on a private bus (run by test-cloud-nodes-real.py)");
      return;
    }
  /* a connection of its own: the checks above kept the main loop from running for minutes, and
   * libvirt's keepalive has closed fx.conn meanwhile */
  conn = virConnectOpen (g_getenv ("CORRAL_TEST_LIBVIRT_URI"));
  g_assert_nonnull (conn);
  dom = virDomainLookupByName (conn, "node1");
  if (dom == NULL)
    g_error ("node1: %s", virGetLastErrorMessage ());
  g_assert_cmpint (virDomainGetUUIDString (dom, uuid), ==, 0);
  virDomainFree (dom);
  virConnectClose (conn);

  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_assert_no_error (error);
  client = corral_helper_client_new (bus);
  corral_helper_client_add_forward_async (client, uuid, "tcp", "", 2222, 22, NULL,
                                          corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  id = corral_helper_client_add_forward_finish (client, result, &error);
  g_assert_no_error (error);
  g_test_message ("forward host 2222 -> node1 (%s):22", id);

  /* from "another machine": the client namespace, to the libvirt namespace's address on its side */
  client_ns = g_build_filename (g_getenv ("CORRAL_HARNESS"), "client-ns", NULL);
  {
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = 0;

    g_ptr_array_add (argv, client_ns);
    g_ptr_array_add (argv, (char *) "exec");
    g_ptr_array_add (argv, fx.check);
    g_ptr_array_add (argv, (char *) "ssh-port");
    g_ptr_array_add (argv, fx.key);
    g_ptr_array_add (argv, (char *) USER);
    g_ptr_array_add (argv, (char *) "10.232.0.1");
    g_ptr_array_add (argv, (char *) "2222");
    g_ptr_array_add (argv, (char *) "node1");
    g_ptr_array_add (argv, NULL);
    g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("ssh through the forward from the client namespace failed: %s", err);
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *skip = g_getenv ("CORRAL_TEST_SKIP_REASON");
  const char *image = g_getenv ("CORRAL_TEST_CLOUD_IMAGE");
  const char *source_dir = g_getenv ("CORRAL_SOURCE_DIR");
  g_autoptr(GError) error = NULL;
  virStoragePoolPtr pool;
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (skip == NULL && (image == NULL || !g_file_test (image, G_FILE_TEST_EXISTS)))
    skip = "no test cloud image (run by test-cloud-nodes-real.py)";
  if (skip == NULL && source_dir == NULL)
    skip = "CORRAL_SOURCE_DIR is not set (meson's test environment sets it)";
  if (skip == NULL && g_getenv ("CORRAL_TEST_NETWORK") == NULL)
    skip = "no network (with-libvirtd --network)";
  if (skip == NULL && (g_find_program_in_path ("ssh") == NULL
                       || g_find_program_in_path ("ssh-keygen") == NULL))
    skip = "needs openssh-client";
  if (skip != NULL)
    {
      g_test_add_data_func ("/cloud/nodes-real", skip, (GTestDataFunc) g_test_skip);
      return g_test_run ();
    }

  fx.dir = g_dir_make_tmp ("corral-cloud-nodes-XXXXXX", &error);
  g_assert_no_error (error);
  fx.key = g_build_filename (fx.dir, "id_ed25519", NULL);
  fx.check = g_build_filename (source_dir, "tests", "cloud", "cloud-check", NULL);
  {
    const char *keygen[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "corral-nodes-test",
                             "-f", fx.key, NULL };
    int status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **) keygen, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                                 NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  fx.connection = corral_test_open_connection (g_getenv ("CORRAL_TEST_LIBVIRT_URI"));
  fx.conn = _corral_connection_ref_handle (fx.connection);
  pool = virStoragePoolDefineXML (fx.conn, "<pool type='dir'><name>" POOL "</name><target><path>"
                                           POOL_DIR "</path></target></pool>", 0);
  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolBuild (pool, 0), ==, 0);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);
  virStoragePoolFree (pool);

  /* in this order: the first creates the guests the others check */
  g_test_add_func ("/cloud/nodes-real/create-boot-ssh", test_create);
  g_test_add_func ("/cloud/nodes-real/hostname", test_hostname);
  g_test_add_func ("/cloud/nodes-real/password", test_password);
  g_test_add_func ("/cloud/nodes-real/root-size", test_root_size);
  g_test_add_func ("/cloud/nodes-real/peer-by-name", test_peer);
  g_test_add_func ("/cloud/nodes-real/forward", test_forward);
  ret = g_test_run ();

  virConnectClose (fx.conn);
  g_clear_object (&fx.connection);
  {
    const char *rm[] = { "rm", "-rf", fx.dir, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  for (guint i = 0; i < G_N_ELEMENTS (fx.address); i++)
    g_free (fx.address[i]);
  g_free (fx.check);
  g_free (fx.key);
  g_free (fx.dir);
  return ret;
}
