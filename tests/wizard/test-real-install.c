/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A real install and reboot, against a real libvirtd + QEMU (TCG) in private namespaces
 * (tests/system/harness/with-libvirtd). The install ISO is tests/system/harness/build-installer's: its
 * "installer" writes a bootable system (MBR, FAT, syslinux, a kernel and a busybox initramfs) to the
 * guest's virtio disk and reboots. The wizard's core path creates and starts the guest (a qcow2
 * volume in a directory pool). The guest's serial console (virDomainOpenConsole) tells the two
 * apart: CORRAL-INSTALLER from the ISO, CORRAL-INSTALLED-SYSTEM from the disk.
 *
 * With Corral watching (a CorralConnection, as the app has): the installer's reboot ends the install
 * run, Corral notices, says so (install-finished) and starts the guest again, and the installed
 * system comes up. With Corral closed before the reboot: the guest is shut off after it, and a plain
 * `virsh start` boots the installed system. Both times the persistent definition boots from the disk
 * with an empty CD-ROM drive. */
#include "config.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-connection-private.h"
#include "corral-guest-creator.h"

#define TIMEOUT_S 180

#include "corral-test-util.h"
#include "real-guest-util.h"

#define IMAGES "/var/lib/libvirt/images"
#define POOL_DIR IMAGES "/corral-install-pool"
#define ISO_PATH IMAGES "/corral-test-installer.iso"
#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

#define INSTALLER_MARKER "CORRAL-INSTALLER: running from the install medium"
#define INSTALLER_DONE "CORRAL-INSTALLER-DONE"
#define SYSTEM_MARKER "CORRAL-INSTALLED-SYSTEM"



/* --- setup shared by both cases --- */

typedef struct
{
  const char       *uri;
  CorralConnection *connection;
  virConnectPtr     conn;
  virStoragePoolPtr pool;
} Fixture;

static gboolean
fixture_setup (Fixture *f)
{
  const char *skip = g_getenv ("CORRAL_TEST_SKIP_REASON");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = NULL;
  g_autofree char *iso = NULL;
  int status = 0;

  memset (f, 0, sizeof *f);
  f->uri = g_getenv ("CORRAL_TEST_LIBVIRT_URI");
  if (f->uri == NULL)
    {
      g_test_skip (skip != NULL ? skip
                   : "no private libvirtd (run through tests/system/harness/with-libvirtd)");
      return FALSE;
    }

  /* the installer ISO (cached), where libvirt's QEMU user can read it */
  script = g_build_filename (g_getenv ("CORRAL_SOURCE_DIR"), "tests", "system", "harness",
                             "build-installer", NULL);
  {
    const char *argv[] = { script, NULL };

    iso = spawn_output (argv, &status);
  }
  if (status == 77)
    {
      g_test_skip ("the installer ISO cannot be built here (see build-installer's message)");
      return FALSE;
    }
  g_assert_cmpint (status, ==, 0);
  g_strchomp (iso);
  if (!g_file_test (ISO_PATH, G_FILE_TEST_EXISTS))
    {
      const char *argv[] = { "cp", iso, ISO_PATH, NULL };

      g_free (spawn_output (argv, NULL));
    }

  f->connection = corral_connection_new (f->uri);
  corral_connection_open_async (f->connection, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (corral_connection_open_finish (f->connection, result, &error));
  g_assert_no_error (error);

  f->conn = virConnectOpen (f->uri);
  g_assert_nonnull (f->conn);
  f->pool = virStoragePoolLookupByName (f->conn, "install");
  virResetLastError ();
  if (f->pool == NULL)
    {
      g_assert_cmpint (g_mkdir_with_parents (POOL_DIR, 0755), ==, 0);
      f->pool = virStoragePoolDefineXML (f->conn, "<pool type='dir'><name>install</name>"
                                                  "<target><path>" POOL_DIR "</path></target>"
                                                  "</pool>", 0);
      g_assert_nonnull (f->pool);
      g_assert_cmpint (virStoragePoolCreate (f->pool, 0), ==, 0);
    }
  return TRUE;
}

static void
fixture_teardown (Fixture *f)
{
  if (f->connection != NULL)
    {
      corral_connection_close (f->connection);
      corral_test_wait_last_ref (f->connection);
      g_clear_object (&f->connection);
    }
  g_clear_pointer (&f->pool, virStoragePoolFree);
  g_clear_pointer (&f->conn, virConnectClose);
}

/* Creates NAME from the installer ISO with the wizard's core, started; returns its UUID. */
static char *
create_guest (Fixture    *f,
              const char *name)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  g_autoptr(CorralGuestCreator) creator = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uuids = NULL;

  spec->name = g_strdup (name);
  /* an OS libosinfo knows with virtio disks, as the installer's kernel wants */
  spec->os_id = g_strdup ("http://debian.org/debian/11");
  spec->source = CORRAL_INSTALL_SOURCE_ISO;
  spec->iso_path = g_strdup (ISO_PATH);
  spec->memory = 256 * MiB;
  spec->vcpus = 1;
  spec->disk_kind = CORRAL_DISK_POOL;
  g_free (spec->disk_location);
  spec->disk_location = g_strdup ("install");
  spec->disk_size = 64 * MiB;
  spec->network_kind = CORRAL_NETWORK_NONE;
  spec->start = TRUE;

  creator = corral_guest_creator_new (f->connection, spec);
  /* KVM on these test machines hangs guests: emulate, as the harness's own guest does */
  corral_guest_creator_set_virt_type (creator, "qemu");
  corral_guest_creator_run_async (creator, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  uuids = corral_guest_creator_run_finish (creator, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (uuids), ==, 1);
  return g_strdup (uuids[0]);
}

static char *
virsh_dumpxml (Fixture    *f,
               const char *name,
               gboolean    inactive)
{
  const char *argv[] = { "virsh", "-q", "-c", f->uri, "dumpxml", name,
                         inactive ? "--inactive" : NULL, NULL };

  return spawn_output (argv, NULL);
}

/* The persistent definition, as `virsh dumpxml --inactive` has it: the disk only, CD-ROM empty. */
static void
assert_final_definition (Fixture    *f,
                         const char *name)
{
  g_autofree char *xml = virsh_dumpxml (f, name, TRUE);
  const char *cdrom = strstr (xml, "device='cdrom'");
  const char *cdrom_end = cdrom != NULL ? strstr (cdrom, "</disk>") : NULL;

  g_assert_nonnull (strstr (xml, "<boot dev='hd'/>\n  </os>"));
  g_assert_null (strstr (xml, "<boot dev='cdrom'/>"));
  g_assert_nonnull (cdrom_end);
  g_assert_null (g_strstr_len (cdrom, cdrom_end - cdrom, "<source"));
  g_assert_null (strstr (xml, ISO_PATH));
  g_assert_null (strstr (xml, "corral:install"));
  g_assert_nonnull (strstr (xml, "<on_reboot>restart</on_reboot>"));
}

static int
domain_state (Fixture    *f,
              const char *name)
{
  virDomainPtr dom = virDomainLookupByName (f->conn, name);
  int state = -1, reason = 0;

  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainGetState (dom, &state, &reason, 0), ==, 0);
  virDomainFree (dom);
  return state;
}

static void
remove_guest (Fixture    *f,
              const char *name)
{
  virDomainPtr dom = virDomainLookupByName (f->conn, name);
  g_autofree char *vol_name = g_strconcat (name, ".qcow2", NULL);
  virStorageVolPtr vol;

  if (dom != NULL)
    {
      virDomainDestroy (dom);
      g_assert_cmpint (virDomainUndefine (dom), ==, 0);
      virDomainFree (dom);
    }
  vol = virStorageVolLookupByName (f->pool, vol_name);
  if (vol != NULL)
    {
      virStorageVolDelete (vol, 0);
      virStorageVolFree (vol);
    }
  virResetLastError ();
}

typedef struct
{
  guint   count;
  char   *error_message;
  gint64  when;
} Finished;

static void
install_finished_cb (CorralGuest *guest,
                     const char  *error_message,
                     Finished    *finished)
{
  finished->count++;
  finished->when = g_get_monotonic_time ();
  g_free (finished->error_message);
  finished->error_message = g_strdup (error_message);
}

/* Corral watching: the installer's reboot ends the run, Corral starts the installed system. */
static void
test_install_watched (void)
{
  const char *name = "installed-watched";
  Fixture f;
  g_autoptr(Console) installer = NULL;
  g_autoptr(Console) system = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *live = NULL;
  Finished finished = { 0 };
  CorralGuest *guest;
  gint64 start, seen_installer, seen_done, seen_system;

  if (!fixture_setup (&f))
    return;

  start = g_get_monotonic_time ();
  uuid = create_guest (&f, name);
  installer = console_open (f.conn, name);
  g_test_message ("created, defined and the install run started in %.1f s", seconds_since (start));

  WAIT_FOR (corral_test_find_guest (f.connection, name) != NULL);
  guest = corral_test_find_guest (f.connection, name);
  g_assert_cmpstr (corral_guest_get_uuid (guest), ==, uuid);
  g_signal_connect (guest, "install-finished", G_CALLBACK (install_finished_cb), &finished);
  /* Corral knows the run for an install run (its live metadata) */
  WAIT_FOR (corral_guest_is_installing (guest));

  /* the live configuration boots the ISO; the definition is the installed system's already */
  live = virsh_dumpxml (&f, name, FALSE);
  g_assert_nonnull (strstr (live, "<source file='" ISO_PATH "'"));
  g_assert_nonnull (strstr (live, "<on_reboot>destroy</on_reboot>"));
  g_assert_nonnull (strstr (live, "corral:install"));
  g_clear_pointer (&live, g_free);
  assert_final_definition (&f, name);

  WAIT_FOR (console_has (installer, INSTALLER_MARKER));
  seen_installer = g_get_monotonic_time ();
  g_test_message ("create -> installer running (its marker on the serial console): %.1f s",
                  (seen_installer - start) / 1e6);

  WAIT_FOR (console_has (installer, INSTALLER_DONE));
  seen_done = g_get_monotonic_time ();
  WAIT_FOR (finished.count == 1);
  g_assert_null (finished.error_message);
  g_test_message ("installer running -> its reboot: %.1f s; reboot -> Corral restarted it: %.1f s",
                  (seen_done - seen_installer) / 1e6, (finished.when - seen_done) / 1e6);
  WAIT_FOR (installer->ended);
  g_assert_false (console_has (installer, SYSTEM_MARKER));

  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  g_assert_cmpint (domain_state (&f, name), ==, VIR_DOMAIN_RUNNING);
  system = console_open (f.conn, name);
  WAIT_FOR (console_has (system, SYSTEM_MARKER));
  seen_system = g_get_monotonic_time ();
  g_test_message ("reboot -> installed system running (from the disk): %.1f s",
                  (seen_system - seen_done) / 1e6);
  g_test_message ("create -> installed system: %.1f s", (seen_system - start) / 1e6);
  g_assert_false (console_has (system, "CORRAL-INSTALLER"));
  g_assert_false (corral_guest_is_installing (guest));
  g_assert_cmpuint (finished.count, ==, 1);

  /* what runs now is the definition: no install marker, the CD-ROM drive empty */
  live = virsh_dumpxml (&f, name, FALSE);
  g_assert_null (strstr (live, "corral:install"));
  g_assert_null (strstr (live, ISO_PATH));
  g_assert_nonnull (strstr (live, "device='cdrom'"));
  g_assert_nonnull (strstr (live, "<on_reboot>restart</on_reboot>"));
  assert_final_definition (&f, name);

  g_signal_handlers_disconnect_by_data (guest, &finished);
  g_free (finished.error_message);
  remove_guest (&f, name);
  fixture_teardown (&f);
}

/* Corral closed before the installer reboots: the guest is left shut off, and its next start (by
 * anyone: virsh here) boots the installed system. */
static void
test_install_unwatched (void)
{
  const char *name = "installed-unwatched";
  Fixture f;
  g_autoptr(Console) installer = NULL;
  g_autoptr(Console) system = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *out = NULL;
  CorralGuest *guest;
  gint64 start, seen_installer, seen_done, started, seen_system;

  if (!fixture_setup (&f))
    return;

  start = g_get_monotonic_time ();
  uuid = create_guest (&f, name);
  installer = console_open (f.conn, name);
  WAIT_FOR (corral_test_find_guest (f.connection, name) != NULL);
  guest = corral_test_find_guest (f.connection, name);
  WAIT_FOR (corral_guest_is_installing (guest));

  /* Corral goes away while the installer runs */
  corral_connection_close (f.connection);
  corral_test_wait_last_ref (f.connection);
  g_clear_object (&f.connection);

  WAIT_FOR (console_has (installer, INSTALLER_MARKER));
  seen_installer = g_get_monotonic_time ();
  WAIT_FOR (console_has (installer, INSTALLER_DONE));
  seen_done = g_get_monotonic_time ();
  WAIT_FOR (installer->ended);
  g_test_message ("Corral closed: create -> installer %.1f s, installer -> its reboot %.1f s",
                  (seen_installer - start) / 1e6, (seen_done - seen_installer) / 1e6);

  /* the run ended with the reboot, and nobody starts it again */
  g_assert_true (WAIT_UNTIL (domain_state (&f, name) == VIR_DOMAIN_SHUTOFF, 30000));
  corral_test_drain (3000);
  g_assert_cmpint (domain_state (&f, name), ==, VIR_DOMAIN_SHUTOFF);
  assert_final_definition (&f, name);

  {
    const char *argv[] = { "virsh", "-q", "-c", f.uri, "start", name, NULL };

    out = spawn_output (argv, NULL);
  }
  started = g_get_monotonic_time ();
  system = console_open (f.conn, name);
  WAIT_FOR (console_has (system, SYSTEM_MARKER));
  seen_system = g_get_monotonic_time ();
  g_test_message ("Corral closed: virsh start -> installed system running %.1f s",
                  (seen_system - started) / 1e6);
  g_assert_false (console_has (system, "CORRAL-INSTALLER"));

  remove_guest (&f, name);
  fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gvir_init_object (NULL, NULL);

  g_test_add_func ("/wizard/real/install/corral-restarts-into-installed-system",
                   test_install_watched);
  g_test_add_func ("/wizard/real/install/corral-closed-next-start-is-installed-system",
                   test_install_unwatched);

  return g_test_run ();
}
