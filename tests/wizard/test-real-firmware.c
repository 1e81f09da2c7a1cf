/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UEFI with Secure Boot and a TPM, against a real libvirtd + QEMU (TCG) in private namespaces
 * (tests/system/harness/with-libvirtd). The wizard's core path (CorralGuestSpec + CorralGuestCreator)
 * creates and starts a guest with UEFI + Secure Boot + TPM 2.0 from tests/system/harness/build-efi-iso's
 * ISO: Debian's signed shim and signed GRUB, whose grub.cfg prints CORRAL-EFI-GRUB with GRUB's
 * lockdown variable, "y" only when the firmware enforced Secure Boot. libvirt picks the OVMF build
 * with Microsoft's keys enrolled (Debian's ovmf: OVMF_CODE_4M.ms.fd), makes the guest's NVRAM from
 * its template and starts swtpm. The firmware's console reaches the serial port, read through
 * virDomainOpenConsole. The same ISO with UEFI but Secure Boot off boots unlocked: the marker tells
 * the two apart. `virsh dumpxml` shows the loader, the NVRAM and the TPM; the NVRAM file and the TPM
 * state dir exist. */
#include "config.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-connection-private.h"
#include "corral-guest-creator.h"

#define TIMEOUT_S 120

#include "corral-test-util.h"
#include "real-guest-util.h"

#define ISO_PATH "/var/lib/libvirt/images/corral-test-efi.iso"
#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

#define MARKER "CORRAL-EFI-GRUB: lockdown="
#define MARKER_SECURE "CORRAL-EFI-GRUB: lockdown=y shim_lock=y"



typedef struct
{
  const char       *uri;
  CorralConnection *connection;
  virConnectPtr     conn;
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

  script = g_build_filename (g_getenv ("CORRAL_SOURCE_DIR"), "tests", "system", "harness",
                             "build-efi-iso", NULL);
  {
    const char *argv[] = { script, NULL };

    iso = spawn_output (argv, &status);
  }
  if (status == 77)
    {
      g_test_skip ("the EFI test ISO cannot be built here (see build-efi-iso's message)");
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
  g_clear_pointer (&f->conn, virConnectClose);
}

static char *
create_guest (Fixture        *f,
              const char     *name,
              CorralFirmware  firmware,
              gboolean        tpm)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  g_autoptr(CorralGuestCreator) creator = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uuids = NULL;

  spec->name = g_strdup (name);
  /* an OS osinfo-db does not know: q35, as UEFI needs */
  spec->source = CORRAL_INSTALL_SOURCE_ISO;
  spec->iso_path = g_strdup (ISO_PATH);
  spec->memory = 256 * MiB;
  spec->vcpus = 1;
  spec->disk_kind = CORRAL_DISK_NONE;
  spec->network_kind = CORRAL_NETWORK_NONE;
  spec->firmware = firmware;
  spec->tpm = tpm;
  spec->start = TRUE;

  creator = corral_guest_creator_new (f->connection, spec);
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

static void
remove_guest (Fixture    *f,
              const char *name)
{
  virDomainPtr dom = virDomainLookupByName (f->conn, name);

  if (dom != NULL)
    {
      virDomainDestroy (dom);
      g_assert_cmpint (virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_NVRAM
                                                    | VIR_DOMAIN_UNDEFINE_TPM), ==, 0);
      virDomainFree (dom);
    }
  virResetLastError ();
}

/* The host query sees what ovmf and swtpm give this daemon. */
static void
test_host_info (void)
{
  Fixture f;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralHostInfo) info = NULL;

  if (!fixture_setup (&f))
    return;
  corral_host_info_query_async (f.connection, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  info = corral_host_info_query_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (info->firmware_known);
  g_assert_true (info->uefi);
  g_assert_true (info->secure_boot);
  g_assert_true (info->tpm);
  fixture_teardown (&f);
}

/* Whether @xml has an element <@name ...>@text</@name> carrying each of @attrs ("readonly='yes'"), in
 * whatever order and with whatever others libvirt adds (11.3 adds format='raw' and templateFormat) */
static gboolean
has_element (const char         *xml,
             const char         *name,
             const char * const *attrs,
             const char         *text)
{
  g_autofree char *pattern = g_strdup_printf ("<%s((?: [A-Za-z]+='[^']*')*)>%s</%s>", name, text, name);
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_nonnull (regex);
  for (g_regex_match (regex, xml, G_REGEX_MATCH_DEFAULT, &match); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    {
      g_autofree char *tag_attrs = g_match_info_fetch (match, 1);
      gboolean all = TRUE;

      for (guint i = 0; attrs[i] != NULL && all; i++)
        {
          g_autofree char *needle = g_strconcat (" ", attrs[i], NULL);

          all = strstr (tag_attrs, needle) != NULL;
        }
      if (all)
        return TRUE;
    }
  g_test_message ("no <%s> with %s in: %s", name, text, xml);
  return FALSE;
}

static void
test_secure_boot_tpm (void)
{
  const char *name = "efi-secure";
  Fixture f;
  g_autoptr(Console) console = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *nvram = NULL;
  g_autofree char *tpm_dir = NULL;
  gint64 start;

  if (!fixture_setup (&f))
    return;

  start = g_get_monotonic_time ();
  uuid = create_guest (&f, name, CORRAL_FIRMWARE_UEFI_SECURE_BOOT, TRUE);
  console = console_open (f.conn, name);
  g_test_message ("created and started in %.1f s", seconds_since (start));

  WAIT_FOR (console_has (console, MARKER));
  g_test_message ("start -> signed shim + GRUB booted under Secure Boot (marker on the serial "
                  "console): %.1f s", seconds_since (start));
  WAIT_FOR (strstr (strstr (console->text->str, MARKER), "shim_lock=") != NULL
            && strpbrk (strstr (strstr (console->text->str, MARKER), "shim_lock="), "\r\n") != NULL);
  {
    g_autofree char *line = g_strndup (strstr (console->text->str, MARKER),
                                       strcspn (strstr (console->text->str, MARKER), "\r\n"));

    g_test_message ("the boot loader says: %s", line);
  }
  g_assert_true (console_has (console, MARKER_SECURE));

  /* libvirt's auto-selection: the Secure Boot OVMF with Microsoft's keys, the guest's own NVRAM
   * from its template, SMM, and swtpm's TPM 2.0 */
  /* the definition keeps asking libvirt to choose (so a newer ovmf is picked up); the running
   * guest shows what it chose */
  xml = virsh_dumpxml (&f, name, TRUE);
  g_assert_nonnull (strstr (xml, "<os firmware='efi'>"));
  g_assert_nonnull (strstr (xml, "<feature enabled='yes' name='secure-boot'/>"));
  g_clear_pointer (&xml, g_free);
  xml = virsh_dumpxml (&f, name, FALSE);
  g_assert_nonnull (strstr (xml, "<feature enabled='yes' name='secure-boot'/>"));
  {
    static const char * const loader[] = { "readonly='yes'", "secure='yes'", "type='pflash'", NULL };
    static const char * const vars[] = { "template='/usr/share/OVMF/OVMF_VARS_4M.ms.fd'", NULL };
    g_autofree char *path = g_strdup_printf ("/var/lib/libvirt/qemu/nvram/%s_VARS.fd", name);

    g_assert_true (has_element (xml, "loader", loader, "/usr/share/OVMF/OVMF_CODE_4M.ms.fd"));
    g_assert_true (has_element (xml, "nvram", vars, path));
  }
  g_assert_nonnull (strstr (xml, "<smm state='on'/>"));
  g_assert_nonnull (strstr (xml, "<tpm model='tpm-crb'>\n"
                                 "      <backend type='emulator' version='2.0'/>"));
  g_clear_pointer (&nvram, g_free);
  nvram = g_strdup_printf ("/var/lib/libvirt/qemu/nvram/%s_VARS.fd", name);
  g_assert_true (g_file_test (nvram, G_FILE_TEST_IS_REGULAR));
  tpm_dir = g_build_filename ("/var/lib/libvirt/swtpm", uuid, "tpm2", NULL);
  g_assert_true (g_file_test (tpm_dir, G_FILE_TEST_IS_DIR));

  remove_guest (&f, name);
  g_assert_false (g_file_test (nvram, G_FILE_TEST_EXISTS));
  fixture_teardown (&f);
}

/* The same ISO with UEFI and Secure Boot off boots too, but unlocked: the marker says lockdown= */
static void
test_uefi_without_secure_boot (void)
{
  const char *name = "efi-plain";
  Fixture f;
  g_autoptr(Console) console = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *xml = NULL;
  gint64 start;

  if (!fixture_setup (&f))
    return;

  start = g_get_monotonic_time ();
  uuid = create_guest (&f, name, CORRAL_FIRMWARE_UEFI, FALSE);
  console = console_open (f.conn, name);
  WAIT_FOR (console_has (console, MARKER));
  g_test_message ("start -> GRUB booted without Secure Boot: %.1f s", seconds_since (start));
  WAIT_FOR (strstr (strstr (console->text->str, MARKER), "shim_lock=") != NULL
            && strpbrk (strstr (strstr (console->text->str, MARKER), "shim_lock="), "\r\n") != NULL);
  g_assert_false (console_has (console, MARKER_SECURE));
  g_assert_true (console_has (console, "CORRAL-EFI-GRUB: lockdown= "));

  xml = virsh_dumpxml (&f, name, FALSE);
  {
    static const char * const loader[] = { "readonly='yes'", "type='pflash'", NULL };
    static const char * const secure[] = { "secure='yes'", NULL };

    g_assert_true (has_element (xml, "loader", loader, "/usr/share/OVMF/OVMF_CODE_4M.fd"));
    g_assert_false (has_element (xml, "loader", secure, "[^<]*"));
  }
  g_assert_null (strstr (xml, "<tpm"));
  g_assert_null (strstr (xml, "<smm"));

  remove_guest (&f, name);
  fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gvir_init_object (NULL, NULL);

  g_test_add_func ("/wizard/real/firmware/host-info", test_host_info);
  g_test_add_func ("/wizard/real/firmware/uefi-secure-boot-tpm", test_secure_boot_tpm);
  g_test_add_func ("/wizard/real/firmware/uefi-without-secure-boot", test_uefi_without_secure_boot);

  return g_test_run ();
}
