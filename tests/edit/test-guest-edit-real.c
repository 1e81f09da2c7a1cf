/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Changing a guest after creation against a real libvirtd and a TCG guest (tests/system/harness
 * --guest: the busybox guest e2e-guest, its ISO, the NAT network "default"), in one sequence:
 * shut off, then running (live where libvirt can), then after a restart, then shut off again. Each
 * change is checked in libvirt's own XML (virsh dumpxml, live and --inactive); the list of edit
 * operations with "live" or "next start" on the running guest is printed (g_test_message).
 *
 * LVM disks (add, grow) go through corral-helper, which this harness does not run: they are tested
 * at the helper (tests/helper/test-helper-lvm-dbus.py, a loop-device volume group). */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-config.h"
#include "corral-guest-spec-access.h"

#define TIMEOUT_S 120

#include "corral-test-util.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)
#define EXISTING "/var/lib/libvirt/images/existing.img"   /* a plain file, in no pool */

static const char *guest_name;
static const char *iso;
static GString    *table;

static void
row (const char *operation,
     const char *how)
{
  g_string_append_printf (table, "  %-46s %s\n", operation, how);
}

static char *
run (const char * const *argv,
     gboolean            check)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (check && !g_spawn_check_wait_status (status, NULL))
    g_error ("%s %s failed: %s", argv[0], argv[1], err);
  return out;
}

static char *
virsh (const char *a,
       const char *b,
       const char *c,
       const char *d)
{
  const char *argv[] = { "virsh", "-q", "-c", g_getenv ("CORRAL_TEST_LIBVIRT_URI"), a, b, c, d, NULL };

  return run (argv, TRUE);
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static CorralGuestConfig *
fetch (CorralGuest *guest)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CorralGuestConfig *config;

  corral_guest_fetch_config_async (guest, NULL, result_cb, &result);
  WAIT_FOR (result != NULL);
  config = corral_guest_fetch_config_finish (guest, result, &error);
  g_assert_no_error (error);
  return config;
}

/* 1: applied, some of it at the next start; 0: applied; -1: refused or failed (@error). */
static int
apply (CorralGuest      *guest,
       CorralGuestEdit  *edit,
       GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gboolean needs_restart = FALSE;
  gboolean ok;

  corral_guest_apply_edit_async (guest, edit, NULL, result_cb, &result);
  WAIT_FOR (result != NULL);
  ok = corral_guest_apply_edit_finish (guest, result, &needs_restart, error);
  return ok ? needs_restart : -1;
}

static void
apply_ok (CorralGuest     *guest,
          CorralGuestEdit *edit,
          gboolean         want_restart)
{
  g_autoptr(GError) error = NULL;
  int needs_restart = apply (guest, edit, &error);

  g_assert_no_error (error);
  g_assert_cmpint (needs_restart, ==, want_restart);
}

static CorralGuestDiskInfo *
disk (CorralGuestConfig *config,
      const char        *target)
{
  GPtrArray *disks = corral_guest_config_get_disks (config);

  for (guint i = 0; i < disks->len; i++)
    if (g_strcmp0 (((CorralGuestDiskInfo *) g_ptr_array_index (disks, i))->target, target) == 0)
      return g_ptr_array_index (disks, i);
  return NULL;
}

static CorralGuestNicInfo *
nic_on (CorralGuestConfig *config,
        const char        *network)
{
  GPtrArray *nics = corral_guest_config_get_nics (config);

  for (guint i = 0; i < nics->len; i++)
    if (g_strcmp0 (((CorralGuestNicInfo *) g_ptr_array_index (nics, i))->source, network) == 0)
      return g_ptr_array_index (nics, i);
  return NULL;
}

static gboolean
has (const char *haystack,
     const char *needle)
{
  return strstr (haystack, needle) != NULL;
}

/* How many times the guest has said @line on its serial console since it started. The test guest
 * reports its CD-ROM's medium as its own kernel reads it (CORRAL-GUEST-CD=label|none) on each change. */
static guint
serial_count (const char *line)
{
  g_autofree char *path = g_strdup_printf ("/var/log/libvirt/qemu/%s-serial.log", guest_name);
  g_autofree char *text = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  for (const char *p = text; (p = strstr (p, line)) != NULL; p += strlen (line))
    if (p[strlen (line)] == '\r' || p[strlen (line)] == '\n')
      n++;
  return n;
}

static void
test_edit_real (void)
{
  const char *skip = g_getenv ("CORRAL_TEST_SKIP_REASON");
  g_autoptr(CorralConnection) connection = NULL;
  g_autoptr(CorralGuestConfig) config = NULL;
  g_autoptr(CorralGuestEdit) edit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *other_mac = NULL;
  g_autofree char *swtpm = g_find_program_in_path ("swtpm");
  CorralGuest *guest;
  virConnectPtr conn;
  virDomainPtr vdom;
  gint64 t0 = g_get_monotonic_time ();

  if (skip != NULL)
    {
      g_test_skip (skip);
      return;
    }
  guest_name = g_getenv ("CORRAL_TEST_GUEST");
  iso = g_getenv ("CORRAL_TEST_GUEST_ISO");
  table = g_string_new ("edit operations on a running guest (real libvirtd 9.0, QEMU 7.2 TCG, machine pc):\n");

  connection = corral_test_open_connection (g_getenv ("CORRAL_TEST_LIBVIRT_URI"));
  conn = _corral_connection_ref_handle (connection);
  {
    const char *argv[] = { "virsh", "-q", "-c", g_getenv ("CORRAL_TEST_LIBVIRT_URI"), "setvcpus", "e2e-guest",
                           "2", "--maximum", "--config", NULL };
    const char *argv2[] = { "virsh", "-q", "-c", g_getenv ("CORRAL_TEST_LIBVIRT_URI"), "setmaxmem", "e2e-guest",
                            "384M", "--config", NULL };
    const char *pool_xml =
      "<pool type='dir'><name>edit-pool</name><target><path>/var/lib/libvirt/images/edit-pool</path>"
      "</target></pool>";
    const char *net_xml =
      "<network><name>other</name><bridge name='virbr9'/><ip address='10.233.0.1' netmask='255.255.255.0'/>"
      "</network>";
    virStoragePoolPtr pool = virStoragePoolDefineXML (conn, pool_xml, 0);
    virNetworkPtr net = virNetworkDefineXML (conn, net_xml);

    g_assert_nonnull (pool);
    g_assert_cmpint (virStoragePoolBuild (pool, 0), ==, 0);
    g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);
    virStoragePoolFree (pool);
    g_assert_nonnull (net);
    g_assert_cmpint (virNetworkCreate (net), ==, 0);
    virNetworkFree (net);
    const char *argv3[] = { "qemu-img", "create", "-q", "-f", "raw", EXISTING, "16M", NULL };

    g_free (run (argv, TRUE));
    g_free (run (argv2, TRUE));
    g_free (run (argv3, TRUE));
  }
  WAIT_FOR ((guest = corral_test_find_guest (connection, guest_name)) != NULL);
  vdom = virDomainLookupByName (conn, guest_name);

  /* --- shut off --- */
  config = fetch (guest);
  g_assert_false (corral_guest_config_is_running (config));
  g_assert_cmpuint (corral_guest_config_get_memory (config, FALSE), ==, 256 * MiB);
  g_assert_cmpuint (corral_guest_config_get_max_memory (config), ==, 384 * MiB);
  g_assert_cmpuint (corral_guest_config_get_vcpus (config, FALSE), ==, 1);
  g_assert_cmpuint (corral_guest_config_get_max_vcpus (config), ==, 2);
  g_assert_cmpuint (corral_guest_config_get_host_cpus (config), >, 0);
  g_assert_cmpuint (corral_guest_config_get_hypervisor_max_vcpus (config), >=, 2);
  g_assert_cmpstr (disk (config, "hdc")->source, ==, iso);
  g_assert_true (disk (config, "hdc")->is_cdrom);

  edit = corral_guest_edit_new ();
  corral_guest_edit_set_cdrom_media (edit, "hdc", NULL);
  corral_guest_edit_add_disk (edit, CORRAL_NEW_DISK_POOL_VOLUME, "edit-pool", 64 * MiB);
  corral_guest_edit_add_nic (edit, "network", "other", NULL);
  corral_guest_edit_set_tpm (edit, TRUE);
  corral_guest_edit_set_title (edit, "Edit test");
  corral_guest_edit_set_description (edit, "changed by Corral");
  corral_guest_edit_set_autostart (edit, TRUE);
  corral_guest_edit_set_boot_order (edit, (const char * const[]) { "hd", "cdrom", NULL });
  apply_ok (guest, edit, FALSE);
  xml = virsh ("dumpxml", guest_name, "--inactive", NULL);
  g_assert_true (has (xml, "<boot dev='hd'/>\n    <boot dev='cdrom'/>"));
  g_assert_true (has (xml, "<tpm model='tpm-crb'>"));
  g_assert_true (has (xml, "<backend type='emulator' version='2.0'/>"));
  g_assert_true (has (xml, "/var/lib/libvirt/images/edit-pool/e2e-guest-vda.qcow2"));
  g_assert_true (has (xml, "<source network='other'/>"));
  g_assert_true (has (xml, "<title>Edit test</title>"));
  g_assert_false (has (xml, iso));   /* ejected */
  g_clear_pointer (&config, corral_guest_config_unref);
  config = fetch (guest);
  g_assert_true (corral_guest_config_get_autostart (config));
  g_assert_cmpuint (disk (config, "vda")->capacity, ==, 64 * MiB);
  g_assert_cmpstr (disk (config, "vda")->pool, ==, "edit-pool");
  other_mac = g_strdup (nic_on (config, "other")->mac);
  g_clear_pointer (&edit, corral_guest_edit_unref);

  /* an ISO QEMU (libvirt-qemu) cannot read: the wizard's access check and its wording */
  {
    const char *dir = "/var/lib/libvirt/images/private";
    g_autofree char *hidden = g_build_filename (dir, "hidden.iso", NULL);
    g_autoptr(GPtrArray) blockers = NULL;
    g_autofree char *want = NULL;
    g_autofree char *before = virsh ("dumpxml", guest_name, "--inactive", NULL);
    g_autofree char *after = NULL;
    const char *argv[] = { "cp", iso, hidden, NULL };

    g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
    g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
    g_free (run (argv, TRUE));
    blockers = corral_guest_spec_access_blockers (hidden, CORRAL_QEMU_USER, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (blockers->len, >, 0);
    want = corral_guest_spec_access_describe (hidden, CORRAL_QEMU_USER, blockers);
    edit = corral_guest_edit_new ();
    corral_guest_edit_set_cdrom_media (edit, "hdc", hidden);
    g_assert_cmpint (apply (guest, edit, &error), ==, -1);
    g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_ACCESS);
    g_assert_cmpstr (error->message, ==, want);
    g_test_message ("refused: %s", error->message);
    g_clear_error (&error);
    g_clear_pointer (&edit, corral_guest_edit_unref);
    after = virsh ("dumpxml", guest_name, "--inactive", NULL);
    g_assert_cmpstr (after, ==, before);
  }

  /* the CD back, and without the TPM when swtpm is missing */
  edit = corral_guest_edit_new ();
  corral_guest_edit_set_cdrom_media (edit, "hdc", iso);
  if (swtpm == NULL)
    {
      g_test_message ("no swtpm (Debian: swtpm swtpm-tools): the guest starts without its TPM");
      corral_guest_edit_set_tpm (edit, FALSE);
    }
  apply_ok (guest, edit, FALSE);
  g_clear_pointer (&edit, corral_guest_edit_unref);

  /* --- running --- */
  g_assert_cmpint (virDomainCreate (vdom), ==, 0);
  {
    g_autofree char *wait = g_build_filename (g_getenv ("CORRAL_HARNESS"), "guest-wait-http", NULL);
    const char *argv[] = { wait, "60", NULL };

    g_free (run (argv, TRUE));
  }
  g_test_message ("guest up after %.1f s", (g_get_monotonic_time () - t0) / 1e6);
  WAIT_FOR (serial_count ("CORRAL-GUEST-CD=CORRAL_TEST") == 1);   /* booted from the CD after the empty hd */
  g_clear_pointer (&config, corral_guest_config_unref);
  config = fetch (guest);
  g_assert_true (corral_guest_config_is_running (config));
  if (corral_guest_config_has_pending_changes (config))
    g_test_message ("pending after start: memory %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT ", vcpus %u/%u\n"
                    "LIVE %s\nINACTIVE %s", corral_guest_config_get_memory (config, TRUE),
                    corral_guest_config_get_memory (config, FALSE), corral_guest_config_get_vcpus (config, TRUE),
                    corral_guest_config_get_vcpus (config, FALSE), corral_guest_config_get_xml (config, TRUE),
                    corral_guest_config_get_xml (config, FALSE));
  g_assert_false (corral_guest_config_has_pending_changes (config));

  edit = corral_guest_edit_new ();
  corral_guest_edit_set_memory (edit, 320 * MiB);
  corral_guest_edit_set_vcpus (edit, 2);
  corral_guest_edit_set_cdrom_media (edit, "hdc", NULL);
  corral_guest_edit_add_disk (edit, CORRAL_NEW_DISK_POOL_VOLUME, "edit-pool", 32 * MiB);
  corral_guest_edit_add_disk (edit, CORRAL_NEW_DISK_EXISTING, EXISTING, 0);
  corral_guest_edit_change_nic (edit, other_mac, "network", "default", NULL);
  corral_guest_edit_set_title (edit, "Edit test, running");
  corral_guest_edit_set_description (edit, "changed live");
  corral_guest_edit_set_autostart (edit, FALSE);
  apply_ok (guest, edit, FALSE);
  g_clear_pointer (&edit, corral_guest_edit_unref);
  g_free (xml);
  xml = virsh ("dumpxml", guest_name, NULL, NULL);
  g_assert_true (has (xml, "<vcpu placement='static'>2</vcpu>"));
  g_assert_true (has (xml, "e2e-guest-vdb.qcow2"));
  g_assert_true (has (xml, "<title>Edit test, running</title>"));
  g_assert_false (has (xml, "<source network='other'"));
  g_assert_false (has (xml, iso));   /* ejected from the running guest */
  WAIT_FOR (serial_count ("CORRAL-GUEST-CD=none") == 1);   /* and the guest's kernel sees no medium */
  g_assert_cmpuint (serial_count ("CORRAL-GUEST-CD=CORRAL_TEST"), ==, 1);
  g_clear_pointer (&config, corral_guest_config_unref);
  config = fetch (guest);
  g_assert_null (disk (config, "hdc")->source);
  g_assert_cmpuint (corral_guest_config_get_vcpus (config, TRUE), ==, 2);
  g_assert_nonnull (disk (config, "vdb"));
  g_assert_false (disk (config, "vdb")->pending);
  g_assert_nonnull (disk (config, "vdc"));
  g_assert_false (disk (config, "vdc")->pending);
  g_assert_cmpstr (nic_on (config, "default") != NULL ? "default" : NULL, ==, "default");
  g_test_message ("balloon: live memory %" G_GUINT64_FORMAT " MiB after asking for 320 (next start's %"
                  G_GUINT64_FORMAT " MiB)", corral_guest_config_get_memory (config, TRUE) / MiB,
                  corral_guest_config_get_memory (config, FALSE) / MiB);
  row ("memory within the maximum (balloon)", corral_guest_config_get_memory (config, TRUE) == 320 * MiB
                                              ? "live" : "live request sent; the guest's balloon driver decides");
  row ("processors up to the maximum (hotplug)", "live");
  row ("CD/DVD eject", "live");
  row ("disk add, new qcow2 in a pool (virtio)", "live (hot-add)");
  row ("disk add, an existing path (virtio)", "live (hot-add)");
  row ("network card: move to another network", "live");
  row ("title, description", "live and next start");
  row ("autostart", "immediately (host start)");

  edit = corral_guest_edit_new ();
  corral_guest_edit_set_cdrom_media (edit, "hdc", iso);
  corral_guest_edit_resize_disk (edit, "vda", 96 * MiB);
  corral_guest_edit_remove_disk (edit, "vdb", TRUE);
  corral_guest_edit_remove_disk (edit, "vdc", FALSE);
  corral_guest_edit_remove_nic (edit, other_mac);
  corral_guest_edit_add_nic (edit, "network", "other", "virtio");
  {
    int needs_restart = apply (guest, edit, &error);

    if (error != NULL)
      g_test_message ("remove while running: %s", error->message);
    g_assert_no_error (error);
    row ("disk removal (virtio), with/without storage", needs_restart ? "next start (the guest did not let go)" : "live (hot-remove)");
  }
  g_clear_pointer (&edit, corral_guest_edit_unref);
  g_clear_pointer (&config, corral_guest_config_unref);
  config = fetch (guest);
  g_assert_cmpstr (disk (config, "hdc")->source, ==, iso);
  g_assert_cmpuint (disk (config, "vda")->capacity, ==, 96 * MiB);
  g_assert_null (disk (config, "vdb"));
  g_assert_null (disk (config, "vdc"));
  g_assert_nonnull (nic_on (config, "other"));
  g_assert_false (nic_on (config, "other")->pending);
  g_assert_true (g_file_test (EXISTING, G_FILE_TEST_EXISTS));   /* a plain file is never deleted */
  {
    virStoragePoolPtr pool = virStoragePoolLookupByName (conn, "edit-pool");

    virStoragePoolRefresh (pool, 0);
    g_assert_cmpint (virStoragePoolNumOfVolumes (pool), ==, 1);   /* vdb's volume deleted */
    virStoragePoolFree (pool);
  }
  g_free (xml);
  xml = virsh ("domblkinfo", guest_name, "vda", "--human");
  g_test_message ("domblkinfo vda after growing live: %s", xml);
  g_assert_true (has (xml, "96.000 MiB"));
  g_free (xml);
  xml = virsh ("dumpxml", guest_name, NULL, NULL);
  g_assert_true (has (xml, iso));   /* inserted in the running guest */
  WAIT_FOR (serial_count ("CORRAL-GUEST-CD=CORRAL_TEST") == 2);   /* and read by the guest again */
  g_assert_false (has (xml, "e2e-guest-vdb.qcow2"));   /* hot-removed */
  g_assert_false (has (xml, EXISTING));
  row ("CD/DVD insert", "live");
  row ("disk grow, pool volume (QEMU's block_resize)", "live");
  row ("network card add, remove", "live (hotplug)");

  /* beyond what changes live */
  edit = corral_guest_edit_new ();
  corral_guest_edit_set_memory (edit, 448 * MiB);
  corral_guest_edit_set_vcpus (edit, 1);
  corral_guest_edit_change_nic (edit, nic_on (config, "other")->mac, NULL, NULL, "e1000");
  if (swtpm != NULL)
    corral_guest_edit_set_tpm (edit, TRUE);
  corral_guest_edit_set_boot_order (edit, (const char * const[]) { "cdrom", "hd", NULL });
  apply_ok (guest, edit, TRUE);
  g_clear_pointer (&edit, corral_guest_edit_unref);
  g_clear_pointer (&config, corral_guest_config_unref);
  config = fetch (guest);
  g_assert_true (corral_guest_config_has_pending_changes (config));
  g_assert_cmpuint (corral_guest_config_get_memory (config, FALSE), ==, 448 * MiB);
  g_assert_cmpuint (corral_guest_config_get_max_memory (config), ==, 448 * MiB);
  g_assert_cmpuint (corral_guest_config_get_vcpus (config, TRUE), ==, 2);
  g_assert_cmpuint (corral_guest_config_get_vcpus (config, FALSE), ==, 1);
  g_assert_true (nic_on (config, "other")->pending);
  g_assert_cmpstrv (corral_guest_config_get_boot_order (config), ((const char * const[]) { "cdrom", "hd", NULL }));
  row ("memory above the running maximum", "next start");
  row ("fewer processors (unplug)", "next start");
  row ("network card model", "next start");
  row ("TPM add or remove", "next start");
  row ("firmware", "refused while running (shut-off guests only)");
  row ("boot order", "next start");

  /* refused while running */
  edit = corral_guest_edit_new ();
  corral_guest_edit_set_name (edit, "edit-guest");
  g_assert_cmpint (apply (guest, edit, &error), ==, -1);
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NEEDS_SHUTOFF);
  g_assert_cmpstr (error->message, ==, "“e2e-guest” can be renamed only while it is shut off");
  g_clear_error (&error);
  g_clear_pointer (&edit, corral_guest_edit_unref);
  row ("rename", "refused while running (shut-off guests only)");

  /* a change racing `virsh` keeps both */
  g_free (virsh ("desc", guest_name, "--config", "set by virsh"));
  edit = corral_guest_edit_new ();
  corral_guest_edit_set_memory (edit, 416 * MiB);
  apply_ok (guest, edit, TRUE);
  g_clear_pointer (&edit, corral_guest_edit_unref);
  g_free (xml);
  xml = virsh ("dumpxml", guest_name, "--inactive", NULL);
  g_assert_true (has (xml, "<description>set by virsh</description>"));
  g_assert_true (has (xml, "<currentMemory unit='KiB'>425984</currentMemory>"));

  /* --- after a restart: what waited is there --- */
  g_assert_cmpint (virDomainDestroy (vdom), ==, 0);
  g_assert_cmpint (virDomainCreate (vdom), ==, 0);
  g_clear_pointer (&config, corral_guest_config_unref);
  config = fetch (guest);
  g_assert_true (corral_guest_config_is_running (config));
  g_assert_false (corral_guest_config_has_pending_changes (config));
  g_assert_cmpuint (corral_guest_config_get_vcpus (config, TRUE), ==, 1);
  g_assert_cmpuint (corral_guest_config_get_memory (config, TRUE), ==, 416 * MiB);
  g_assert_cmpstr (nic_on (config, "other")->model, ==, "e1000");
  g_assert_cmpint (corral_guest_config_has_tpm (config), ==, swtpm != NULL);
  g_free (xml);
  xml = virsh ("dumpxml", guest_name, NULL, NULL);
  g_assert_true (has (xml, "<boot dev='cdrom'/>\n    <boot dev='hd'/>"));   /* live now */
  WAIT_FOR (corral_guest_get_vcpus (guest) == 1);

  /* --- shut off again: rename, remove the disk with its volume --- */
  g_assert_cmpint (virDomainDestroy (vdom), ==, 0);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_SHUTOFF);
  edit = corral_guest_edit_new ();
  corral_guest_edit_remove_disk (edit, "vda", TRUE);
  apply_ok (guest, edit, FALSE);
  g_clear_pointer (&edit, corral_guest_edit_unref);
  {
    virStoragePoolPtr pool = virStoragePoolLookupByName (conn, "edit-pool");

    virStoragePoolRefresh (pool, 0);
    g_assert_cmpint (virStoragePoolNumOfVolumes (pool), ==, 0);
    virStoragePoolFree (pool);
  }
  edit = corral_guest_edit_new ();
  corral_guest_edit_set_name (edit, "edit-guest");
  {
    /* libvirt-gobject 4.0 warns (g_warn_if_reached) on rename events: not fatal here */
    GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

    apply_ok (guest, edit, FALSE);
    corral_test_drain (500);
    g_log_set_always_fatal (fatal);
  }
  g_clear_pointer (&edit, corral_guest_edit_unref);
  g_assert_cmpstr (corral_guest_get_name (guest), ==, "edit-guest");
  g_free (xml);
  xml = virsh ("domname", corral_guest_get_uuid (guest), NULL, NULL);
  g_assert_cmpstr (g_strstrip (xml), ==, "edit-guest");

  virDomainFree (vdom);
  virConnectClose (conn);
  g_test_message ("%s", table->str);
  g_test_message ("whole sequence: %.1f s", (g_get_monotonic_time () - t0) / 1e6);
  g_string_free (table, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/edit/real-daemon", test_edit_real);
  return g_test_run ();
}
