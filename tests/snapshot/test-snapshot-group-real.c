/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A group of three against a real libvirtd (tests/system/harness --guest): three copies of the harness's
 * TCG guest (its busybox ISO, a root shell on its serial line), each with a disk vda of its own in a dir
 * pool: g1 and g2 on qcow2, g3 on a raw file (so it cannot have snapshots). The test types into each
 * guest's shell to write markers to its vda:
 *   M1 on all, a snapshot "lab" of all (corral-guest-group): g1 and g2 done, g3 refused with its reason;
 *   M2 on all, revert all to "lab": g1 and g2 done, running, vda has M1 again; g3 refused (no such
 *   snapshot), still running, vda still M2. Timings printed with g_test_message. */
#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-group.h"
#include "corral-guest-snapshot.h"
#include "real-guest-util.h"

#define TIMEOUT_S 300

#include "corral-test-util.h"

#define N_GUESTS 3


static char *
write_marker (Console    *console,
              const char *marker)
{
  g_autofree char *command = g_strdup_printf ("printf %s | dd of=/dev/vda conv=fsync 2>/dev/null; sync", marker);

  return console_shell (console, command);
}

/* The harness guest's definition made into guest @name with disk @disk (@format) as vda. */
static char *
copy_definition (const char *xml,
                 const char *original,
                 const char *name,
                 const char *disk,
                 const char *format)
{
  g_autoptr(GRegex) uuid = g_regex_new ("<uuid>[^<]*</uuid>", 0, 0, NULL);
  g_autoptr(GRegex) mac = g_regex_new ("<mac address=['\"][^'\"]*['\"]/>", 0, 0, NULL);
  g_autofree char *a = g_regex_replace_literal (uuid, xml, -1, 0, "", 0, NULL);
  g_autofree char *b = g_regex_replace_literal (mac, a, -1, 0, "", 0, NULL);
  g_autofree char *old_name = g_strdup_printf ("<name>%s</name>", original);
  g_autofree char *new_name = g_strdup_printf ("<name>%s</name>", name);
  g_autofree char *old_log = g_strdup_printf ("%s-serial.log", original);
  g_autofree char *new_log = g_strdup_printf ("%s-serial.log", name);
  g_autofree char *vda = g_strdup_printf ("<devices><disk type='file' device='disk'><driver name='qemu' type='%s'/>"
                                          "<source file='%s'/><target dev='vda' bus='virtio'/></disk>",
                                          format, disk);
  g_autoptr(GString) out = g_string_new (b);

  g_assert_cmpuint (g_string_replace (out, old_name, new_name, 1), ==, 1);
  g_string_replace (out, old_log, new_log, 0);
  g_assert_cmpuint (g_string_replace (out, "<devices>", vda, 1), ==, 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GPtrArray *
run_group (GPtrArray         *guests,
           CorralGroupAction  action,
           const char        *name)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *results;
  gint64 t0 = g_get_monotonic_time ();

  corral_guest_group_run_async (guests, action, name, "real group test", FALSE, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  results = corral_guest_group_run_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, guests->len);
  g_test_message ("%s “%s” on %u guests: %.1f s", action == CORRAL_GROUP_ACTION_TAKE_SNAPSHOT ? "take" : "revert",
                  name, guests->len, seconds_since (t0));
  return results;
}

static int
state_of (virConnectPtr  conn,
          const char    *name)
{
  virDomainPtr vdom = virDomainLookupByName (conn, name);
  int state = -1, reason;

  g_assert_nonnull (vdom);
  g_assert_cmpint (virDomainGetState (vdom, &state, &reason, 0), ==, 0);
  virDomainFree (vdom);
  return state;
}

static void
test_group_real (void)
{
  const char *skip = g_getenv ("CORRAL_TEST_SKIP_REASON");
  const char *original = g_getenv ("CORRAL_TEST_GUEST");
  const char * const names[N_GUESTS] = { "g1", "g2", "g3" };
  const char * const formats[N_GUESTS] = { "qcow2", "qcow2", "raw" };
  g_autoptr(CorralConnection) connection = NULL;
  g_autoptr(GPtrArray) guests = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) results = NULL;
  Console *consoles[N_GUESTS] = { NULL };
  g_autofree char *xml = NULL;
  CorralGroupResult *one;
  virConnectPtr conn;
  virDomainPtr vdom;
  virStoragePoolPtr pool;
  gint64 t0;

  if (skip != NULL)
    {
      g_test_skip (skip);
      return;
    }
  connection = corral_test_open_connection (g_getenv ("CORRAL_TEST_LIBVIRT_URI"));
  conn = _corral_connection_ref_handle (connection);
  pool = virStoragePoolDefineXML (conn, "<pool type='dir'><name>group-pool</name><target>"
                                        "<path>/var/lib/libvirt/images/group-pool</path></target></pool>", 0);
  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolBuild (pool, 0), ==, 0);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);
  vdom = virDomainLookupByName (conn, original);
  g_assert_nonnull (vdom);
  xml = virDomainGetXMLDesc (vdom, VIR_DOMAIN_XML_INACTIVE);
  virDomainFree (vdom);

  for (guint i = 0; i < N_GUESTS; i++)
    {
      g_autofree char *volume = g_strdup_printf ("<volume><name>%s.img</name><capacity unit='MiB'>16</capacity>"
                                                 "<target><format type='%s'/></target></volume>", names[i],
                                                 formats[i]);
      virStorageVolPtr vol = virStorageVolCreateXML (pool, volume, 0);
      g_autofree char *path = NULL;
      g_autofree char *definition = NULL;
      CorralGuest *guest;

      g_assert_nonnull (vol);
      path = virStorageVolGetPath (vol);
      virStorageVolFree (vol);
      definition = copy_definition (xml, original, names[i], path, formats[i]);
      vdom = virDomainDefineXML (conn, definition);
      g_assert_nonnull (vdom);
      g_assert_cmpint (virDomainCreate (vdom), ==, 0);
      virDomainFree (vdom);
      WAIT_FOR ((guest = corral_test_find_guest (connection, names[i])) != NULL);
      g_ptr_array_add (guests, g_object_ref (guest));
    }
  virStoragePoolFree (pool);

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < N_GUESTS; i++)
    consoles[i] = console_open (conn, names[i]);
  for (guint i = 0; i < N_GUESTS; i++)
    WAIT_FOR (console_has (consoles[i], "CORRAL-GUEST-CD="));
  g_usleep (G_USEC_PER_SEC);
  g_test_message ("three guests to their shells: %.1f s", seconds_since (t0));

  for (guint i = 0; i < N_GUESTS; i++)
    {
      g_autofree char *out = write_marker (consoles[i], "M1");

      g_assert_cmpstr (out, ==, "M1");
    }

  /* a snapshot of all: g3's disk cannot have one, said in its words; the two others taken */
  results = run_group (guests, CORRAL_GROUP_ACTION_TAKE_SNAPSHOT, "lab");
  for (guint i = 0; i < 2; i++)
    {
      one = g_ptr_array_index (results, i);
      g_assert_true (one->guest == g_ptr_array_index (guests, i));
      g_assert_no_error (one->error);
    }
  one = g_ptr_array_index (results, 2);
  g_assert_error (one->error, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_UNSUPPORTED);
  g_assert_nonnull (strstr (one->error->message, "vda is a raw file"));
  g_test_message ("g3: %s", one->error->message);
  g_clear_pointer (&results, g_ptr_array_unref);

  /* each changed */
  for (guint i = 0; i < N_GUESTS; i++)
    {
      g_autofree char *out = write_marker (consoles[i], "M2");

      g_assert_cmpstr (out, ==, "M2");
    }

  /* revert all: g1 and g2 back to M1, running; g3 explained, unchanged */
  for (guint i = 0; i < 2; i++)
    g_clear_pointer (&consoles[i], console_free);
  results = run_group (guests, CORRAL_GROUP_ACTION_REVERT_SNAPSHOT, "lab");
  for (guint i = 0; i < 2; i++)
    g_assert_no_error (((CorralGroupResult *) g_ptr_array_index (results, i))->error);
  one = g_ptr_array_index (results, 2);
  g_assert_error (one->error, CORRAL_ERROR, CORRAL_ERROR_SNAPSHOT_NOT_FOUND);
  g_assert_cmpstr (one->error->message, ==, "“g3” has no snapshot named “lab”");
  for (guint i = 0; i < N_GUESTS; i++)
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (state_of (conn, names[i]), ==, VIR_DOMAIN_RUNNING);
      if (consoles[i] == NULL)
        {
          consoles[i] = console_open (conn, names[i]);
          console_send (consoles[i], "\n");
        }
      out = console_shell (consoles[i], "true");
      g_assert_cmpstr (out, ==, i < 2 ? "M1" : "M2");
    }

  for (guint i = 0; i < N_GUESTS; i++)
    {
      g_clear_pointer (&consoles[i], console_free);
      vdom = virDomainLookupByName (conn, names[i]);
      virDomainDestroy (vdom);
      virDomainFree (vdom);
    }
  virConnectClose (conn);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* as test-snapshot-real: libvirt-gobject 4.0 warns (g_warn_if_reached) on the events of a revert */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_add_func ("/snapshot/group-real", test_group_real);
  return g_test_run ();
}
