/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CorralGuestSpec: the domain XML it becomes for several OSes of the installed osinfo-db, compared
 * with
 * golden files (CORRAL_UPDATE_GOLDEN=1 rewrites them), and the messages its validation shows the
 * user. */
#include "config.h"

#include <glib/gstdio.h>

#include "corral-guest-creator.h"
#include "corral-guest-spec.h"
#include "corral-osinfo.h"

#define GiB (G_GUINT64_CONSTANT (1024) * 1024 * 1024)
#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

typedef struct
{
  const char *golden;
  const char *os_id;       /* NULL: unknown OS */
  const char *virt_type;
  CorralInstallSource source;
  CorralDiskKind disk_kind;
  const char *disk_path;
  gboolean disk_is_block;
  const char *disk_format;
  CorralNetworkKind network_kind;
  const char *network;
  guint64 memory;
  guint vcpus;
  gboolean install;        /* the install run's configuration, not the definition */
  gboolean no_start;       /* not started on creation (no install run) */
  CorralFirmware firmware;
  gboolean tpm;
} GoldenCase;

static const GoldenCase golden_cases[] = {
  { "debian11-kvm-pool.xml", "http://debian.org/debian/11", "kvm", CORRAL_INSTALL_SOURCE_ISO,
   CORRAL_DISK_POOL,
    "/var/lib/libvirt/images/debian11.qcow2", FALSE, "qcow2", CORRAL_NETWORK_LIBVIRT, "default",
    2 * GiB, 2 },
  { "fedora36-qemu-lvm.xml", "http://fedoraproject.org/fedora/36", "qemu",
   CORRAL_INSTALL_SOURCE_ISO,
    CORRAL_DISK_LVM, "/dev/vg0/fedora36", TRUE, "raw", CORRAL_NETWORK_BRIDGE, "br0", 4 * GiB, 4 },
  { "win10-kvm-pool.xml", "http://microsoft.com/win/10", "kvm", CORRAL_INSTALL_SOURCE_ISO,
   CORRAL_DISK_POOL,
    "/var/lib/libvirt/images/win10.qcow2", FALSE, "qcow2", CORRAL_NETWORK_LIBVIRT, "default",
    4 * GiB, 2 },
  { "freedos-qemu-nodisk.xml", "http://freedos.org/freedos/1.2", "qemu", CORRAL_INSTALL_SOURCE_ISO,
    CORRAL_DISK_NONE, NULL, FALSE, NULL, CORRAL_NETWORK_NONE, NULL, 64 * MiB, 1 },
  { "alpine-import.xml", "http://alpinelinux.org/alpinelinux/3.16", "kvm",
   CORRAL_INSTALL_SOURCE_IMPORT,
    CORRAL_DISK_EXISTING, "/srv/images/alpine.qcow2", FALSE, "qcow2", CORRAL_NETWORK_LIBVIRT,
    "default",
    512 * MiB, 1 },
  { "unknown-os.xml", NULL, "qemu", CORRAL_INSTALL_SOURCE_ISO, CORRAL_DISK_EXISTING, "/dev/sdb",
   TRUE, "raw",
    CORRAL_NETWORK_LIBVIRT, "default", 1 * GiB, 1 },
  /* the install runs of the ISO installs above */
  { "debian11-kvm-pool-install.xml", "http://debian.org/debian/11", "kvm",
    CORRAL_INSTALL_SOURCE_ISO, CORRAL_DISK_POOL, "/var/lib/libvirt/images/debian11.qcow2", FALSE,
    "qcow2", CORRAL_NETWORK_LIBVIRT, "default", 2 * GiB, 2, TRUE },
  { "fedora36-qemu-lvm-install.xml", "http://fedoraproject.org/fedora/36", "qemu",
    CORRAL_INSTALL_SOURCE_ISO, CORRAL_DISK_LVM, "/dev/vg0/fedora36", TRUE, "raw",
    CORRAL_NETWORK_BRIDGE, "br0", 4 * GiB, 4, TRUE },
  { "win10-kvm-pool-install.xml", "http://microsoft.com/win/10", "kvm", CORRAL_INSTALL_SOURCE_ISO,
    CORRAL_DISK_POOL, "/var/lib/libvirt/images/win10.qcow2", FALSE, "qcow2",
    CORRAL_NETWORK_LIBVIRT, "default", 4 * GiB, 2, TRUE },
  { "unknown-os-install.xml", NULL, "qemu", CORRAL_INSTALL_SOURCE_ISO, CORRAL_DISK_EXISTING,
    "/dev/sdb", TRUE, "raw", CORRAL_NETWORK_LIBVIRT, "default", 1 * GiB, 1, TRUE },
  /* created but not started: no install run, the ISO stays in after the disk */
  { "debian11-kvm-pool-nostart.xml", "http://debian.org/debian/11", "kvm",
    CORRAL_INSTALL_SOURCE_ISO, CORRAL_DISK_POOL, "/var/lib/libvirt/images/debian11.qcow2", FALSE,
    "qcow2", CORRAL_NETWORK_LIBVIRT, "default", 2 * GiB, 2, FALSE, TRUE },
  /* UEFI without Secure Boot; Windows 11: UEFI, Secure Boot and a TPM, final and install run */
  { "debian11-kvm-pool-uefi.xml", "http://debian.org/debian/11", "kvm",
    CORRAL_INSTALL_SOURCE_ISO, CORRAL_DISK_POOL, "/var/lib/libvirt/images/debian11.qcow2", FALSE,
    "qcow2", CORRAL_NETWORK_LIBVIRT, "default", 2 * GiB, 2, FALSE, FALSE, CORRAL_FIRMWARE_UEFI },
  { "win11-kvm-pool-secureboot-tpm.xml", "http://microsoft.com/win/11", "kvm",
    CORRAL_INSTALL_SOURCE_ISO, CORRAL_DISK_POOL, "/var/lib/libvirt/images/win11.qcow2", FALSE,
    "qcow2", CORRAL_NETWORK_LIBVIRT, "default", 4 * GiB, 2, FALSE, FALSE,
    CORRAL_FIRMWARE_UEFI_SECURE_BOOT, TRUE },
  { "win11-kvm-pool-secureboot-tpm-install.xml", "http://microsoft.com/win/11", "kvm",
    CORRAL_INSTALL_SOURCE_ISO, CORRAL_DISK_POOL, "/var/lib/libvirt/images/win11.qcow2", FALSE,
    "qcow2", CORRAL_NETWORK_LIBVIRT, "default", 4 * GiB, 2, TRUE, FALSE,
    CORRAL_FIRMWARE_UEFI_SECURE_BOOT, TRUE },
};

static void
test_golden (gconstpointer data)
{
  const GoldenCase *c = data;
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  g_autoptr(OsinfoOs) os = NULL;
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  CorralDomainParams params = { 0 };

  if (c->os_id != NULL)
    {
      os = corral_osinfo_find_os (c->os_id);
      if (os == NULL)
        {
          g_test_skip_printf ("osinfo-db has no %s", c->os_id);
          return;
        }
    }

  g_free (spec->name);
  spec->name = g_strdup ("guest");
  spec->os_id = g_strdup (c->os_id);
  spec->source = c->source;
  if (c->source == CORRAL_INSTALL_SOURCE_ISO)
    spec->iso_path = g_strdup ("/srv/iso/install.iso");
  spec->disk_kind = c->disk_kind;
  spec->network_kind = c->network_kind;
  g_free (spec->network);
  spec->network = g_strdup (c->network);
  spec->memory = c->memory;
  spec->vcpus = c->vcpus;
  spec->start = !c->no_start;
  spec->firmware = c->firmware;
  spec->tpm = c->tpm;

  params.name = "guest";
  params.virt_type = c->virt_type;
  params.arch = "x86_64";
  params.os = os;
  params.disk_path = c->disk_path;
  params.disk_is_block = c->disk_is_block;
  params.disk_format = c->disk_format;

  if (c->install)
    {
      g_assert_true (corral_guest_spec_installs_to_disk (spec));
      domain = corral_guest_spec_build_install_domain (spec, &params, &error);
    }
  else
    domain = corral_guest_spec_build_domain (spec, &params, &error);
  g_assert_no_error (error);
  g_assert_nonnull (domain);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));

  /* what libvirt itself reads back must be what we meant */
  {
    g_autoptr(GVirConfigDomain) parsed = gvir_config_domain_new_from_xml (xml, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (gvir_config_domain_get_name (parsed), ==, "guest");
  }

  path = g_build_filename (g_getenv ("CORRAL_SOURCE_DIR"), "tests", "wizard", "golden", c->golden,
                           NULL);
  if (g_getenv ("CORRAL_UPDATE_GOLDEN") != NULL)
    {
      g_autofree char *with_newline = g_strconcat (xml, "\n", NULL);

      g_file_set_contents (path, with_newline, -1, &error);
      g_assert_no_error (error);
    }
  g_file_get_contents (path, &expected, NULL, &error);
  g_assert_no_error (error);
  g_strchomp (expected);
  g_assert_cmpstr (xml, ==, expected);
}

/* The choices that matter, spelled out, so a golden file cannot silently drift into nonsense. */
static void
test_devices (void)
{
  g_autoptr(OsinfoOs) debian = corral_osinfo_find_os ("http://debian.org/debian/11");
  g_autoptr(OsinfoOs) freedos = corral_osinfo_find_os ("http://freedos.org/freedos/1.2");

  g_assert_nonnull (debian);
  g_assert_nonnull (freedos);
  g_assert_true (corral_osinfo_os_supports (debian, "virtio-block"));
  g_assert_true (corral_osinfo_os_supports (debian, "virtio-net"));
  g_assert_true (corral_osinfo_os_supports (debian, "qemu-x86-q35"));
  g_assert_false (corral_osinfo_os_supports (freedos, "virtio-block"));
  g_assert_false (corral_osinfo_os_supports (freedos, "virtio-net"));
  g_assert_false (corral_osinfo_os_supports (NULL, "virtio-net"));
}

static gboolean
xml_has (const char *golden,
         const char *needle)
{
  g_autofree char *path = g_build_filename (g_getenv ("CORRAL_SOURCE_DIR"), "tests", "wizard",
                                            "golden", golden,
                                            NULL);
  g_autofree char *xml = NULL;

  g_assert_true (g_file_get_contents (path, &xml, NULL, NULL));
  return strstr (xml, needle) != NULL;
}

static void
test_golden_content (void)
{
  /* Debian: virtio disk and NIC, KVM, libosinfo id, tablet, local-only VNC, serial console */
  g_assert_true (xml_has ("debian11-kvm-pool.xml", "<domain type=\"kvm\""));
  g_assert_true (xml_has ("debian11-kvm-pool.xml", "<target bus=\"virtio\" dev=\"vda\"/>"));
  g_assert_true (xml_has ("debian11-kvm-pool.xml", "<model type=\"virtio\"/>"));
  g_assert_true (xml_has ("debian11-kvm-pool.xml",
                          "<libosinfo:os id=\"http://debian.org/debian/11\"/>"));
  g_assert_true (xml_has ("debian11-kvm-pool.xml", "<input type=\"tablet\" bus=\"usb\"/>"));
  g_assert_true (xml_has ("debian11-kvm-pool.xml", "<listen type=\"none\"/>"));
  g_assert_true (xml_has ("debian11-kvm-pool.xml", "<serial type=\"pty\"/>"));
  /* its definition is the installed system: boots the disk only, the CD-ROM drive there but empty,
   * a reboot is a reboot, no install marker */
  g_assert_true (xml_has ("debian11-kvm-pool.xml",
                          "<os>\n    <type arch=\"x86_64\" machine=\"q35\">hvm</type>\n"
                          "    <boot dev=\"hd\"/>\n  </os>"));
  g_assert_true (xml_has ("debian11-kvm-pool.xml",
                          "<disk type=\"file\" device=\"cdrom\">\n"
                          "      <driver name=\"qemu\" type=\"raw\"/>\n"
                          "      <target bus=\"sata\" dev=\"sda\"/>\n"
                          "      <readonly/>\n    </disk>"));
  g_assert_false (xml_has ("debian11-kvm-pool.xml", "/srv/iso/install.iso"));
  g_assert_true (xml_has ("debian11-kvm-pool.xml", "<on_reboot>restart</on_reboot>"));
  g_assert_false (xml_has ("debian11-kvm-pool.xml", "corral"));
  /* its install run: CD then disk, the ISO in the same drive, a reboot ends the run, marked */
  g_assert_true (xml_has ("debian11-kvm-pool-install.xml",
                          "<boot dev=\"cdrom\"/>\n    <boot dev=\"hd\"/>"));
  g_assert_true (xml_has ("debian11-kvm-pool-install.xml",
                          "<source file=\"/srv/iso/install.iso\"/>\n"
                          "      <target bus=\"sata\" dev=\"sda\"/>"));
  g_assert_true (xml_has ("debian11-kvm-pool-install.xml", "<on_reboot>destroy</on_reboot>"));
  g_assert_true (xml_has ("debian11-kvm-pool-install.xml", "<on_poweroff>destroy</on_poweroff>"));
  g_assert_true (xml_has ("debian11-kvm-pool-install.xml",
                          "<corral:install xmlns:corral=\"https://corralvm.org/xmlns/corral/1.0\"/>"));
  g_assert_true (xml_has ("debian11-kvm-pool-install.xml",
                          "<libosinfo:os id=\"http://debian.org/debian/11\"/>"));
  /* not started on creation: disk first, then the ISO, still in */
  g_assert_true (xml_has ("debian11-kvm-pool-nostart.xml",
                          "<boot dev=\"hd\"/>\n    <boot dev=\"cdrom\"/>"));
  g_assert_true (xml_has ("debian11-kvm-pool-nostart.xml",
                          "<source file=\"/srv/iso/install.iso\"/>"));
  g_assert_true (xml_has ("debian11-kvm-pool-nostart.xml", "<on_reboot>restart</on_reboot>"));
  /* the other installs alike: the disk only, the empty drive keeps its bus and target */
  g_assert_true (xml_has ("fedora36-qemu-lvm.xml", "<boot dev=\"hd\"/>\n  </os>"));
  g_assert_true (xml_has ("unknown-os.xml", "<target bus=\"sata\" dev=\"sdb\"/>\n      <readonly/>"));
  g_assert_true (xml_has ("unknown-os-install.xml", "<source file=\"/srv/iso/install.iso\"/>\n"
                          "      <target bus=\"sata\" dev=\"sdb\"/>"));
  /* FreeDOS: no virtio drivers, so IDE on the i440fx machine; no disk, no NIC */
  g_assert_true (xml_has ("freedos-qemu-nodisk.xml", "<domain type=\"qemu\""));
  g_assert_true (xml_has ("freedos-qemu-nodisk.xml", "bus=\"ide\""));
  g_assert_false (xml_has ("freedos-qemu-nodisk.xml", "virtio"));
  g_assert_false (xml_has ("freedos-qemu-nodisk.xml", "<interface"));
  /* no disk to install to: a live ISO, in for good and booted first */
  g_assert_true (xml_has ("freedos-qemu-nodisk.xml",
                          "<boot dev=\"cdrom\"/>\n    <boot dev=\"hd\"/>"));
  g_assert_true (xml_has ("freedos-qemu-nodisk.xml", "<source file=\"/srv/iso/install.iso\"/>"));
  /* unknown OS: SATA disk, e1000 */
  g_assert_true (xml_has ("unknown-os.xml", "<model type=\"e1000\"/>"));
  g_assert_true (xml_has ("unknown-os.xml", "<disk type=\"block\" device=\"disk\">"));
  g_assert_true (xml_has ("unknown-os.xml", "<target bus=\"sata\" dev=\"sda\"/>"));
  /* import: boots the disk only, no CD-ROM */
  g_assert_false (xml_has ("alpine-import.xml", "cdrom"));
  g_assert_true (xml_has ("alpine-import.xml", "<boot dev=\"hd\"/>\n  </os>"));
  /* a bridge */
  g_assert_true (xml_has ("fedora36-qemu-lvm.xml", "<source bridge=\"br0\"/>"));
  /* BIOS unless asked: no firmware attribute, no TPM, no SMM */
  g_assert_false (xml_has ("debian11-kvm-pool.xml", "firmware"));
  g_assert_false (xml_has ("win10-kvm-pool.xml", "<tpm"));
  /* UEFI through libvirt's auto-selection, Secure Boot refused, no SMM needed */
  g_assert_true (xml_has ("debian11-kvm-pool-uefi.xml", "<os firmware=\"efi\">"));
  g_assert_true (xml_has ("debian11-kvm-pool-uefi.xml",
                          "<firmware>\n      <feature enabled=\"no\" name=\"secure-boot\"/>\n"
                          "    </firmware>"));
  g_assert_true (xml_has ("debian11-kvm-pool-uefi.xml", "machine=\"q35\""));
  g_assert_false (xml_has ("debian11-kvm-pool-uefi.xml", "<smm"));
  g_assert_false (xml_has ("debian11-kvm-pool-uefi.xml", "<tpm"));
  /* Windows 11: Secure Boot with SMM on, a TPM 2.0 emulated by swtpm; the install run alike */
  for (guint i = 0; i < 2; i++)
    {
      const char *golden = i == 0 ? "win11-kvm-pool-secureboot-tpm.xml"
                                  : "win11-kvm-pool-secureboot-tpm-install.xml";

      g_assert_true (xml_has (golden, "<os firmware=\"efi\">"));
      g_assert_true (xml_has (golden, "<feature enabled=\"yes\" name=\"secure-boot\"/>"));
      g_assert_true (xml_has (golden, "<smm state=\"on\"/>"));
      g_assert_true (xml_has (golden, "<tpm model=\"tpm-crb\">\n"
                                      "      <backend type=\"emulator\" version=\"2.0\"/>\n"
                                      "    </tpm>"));
    }
  g_assert_true (xml_has ("win11-kvm-pool-secureboot-tpm-install.xml",
                          "<on_reboot>destroy</on_reboot>"));
}

/* --- validation: the messages the user reads --- */

static void
assert_message (GError     *error,
                int         code,
                const char *message)
{
  g_assert_error (error, CORRAL_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_validate_name (void)
{
  const char *taken[] = { "web", "node2", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_guest_spec_check_name ("debian11", 1, taken, &error));
  g_assert_no_error (error);
  g_assert_true (corral_guest_spec_check_name ("node", 1, taken, &error));

  g_assert_false (corral_guest_spec_check_name ("", 1, taken, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NAME, "Give the guest a name");
  g_clear_error (&error);

  g_assert_false (corral_guest_spec_check_name ("-x", 1, taken, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NAME,
                  "The name must start with a letter or a digit");
  g_clear_error (&error);

  g_assert_false (corral_guest_spec_check_name ("my guest", 1, taken, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NAME,
                  "The name may only contain letters, digits, “-”, “_” and “.”");
  g_clear_error (&error);

  g_assert_false (corral_guest_spec_check_name ("a/b", 1, taken, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME);
  g_clear_error (&error);

  g_assert_false (corral_guest_spec_check_name (
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1, taken, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NAME,
                  "The name is too long: use at most 48 characters");
  g_clear_error (&error);

  g_assert_false (corral_guest_spec_check_name ("web", 1, taken, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NAME_TAKEN,
                  "A guest called “web” exists already: choose another name");
  g_clear_error (&error);

  /* node1…node3 collide with node2 */
  g_assert_false (corral_guest_spec_check_name ("node", 3, taken, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NAME_TAKEN,
                  "A guest called “node2” exists already: choose another name");
  g_clear_error (&error);

  g_assert_false (corral_guest_spec_check_name ("node", 17, NULL, &error));
  assert_message (error, CORRAL_ERROR_SPEC_COUNT, "Create between 1 and 16 guests at once");
}

static void
test_validate_resources (void)
{
  CorralGuestLimits limits = { .host_memory = 8 * GiB, .host_cpus = 4, .os_min_memory = 1 * GiB };
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_guest_spec_check_memory (2 * GiB, 1, &limits, &error));
  g_assert_false (corral_guest_spec_check_memory (512 * MiB, 1, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_MEMORY,
                  "Too little memory: this system needs at least 1.0\u00a0GiB");
  g_clear_error (&error);

  g_assert_false (corral_guest_spec_check_memory (16 * MiB, 1, NULL, &error));
  assert_message (error, CORRAL_ERROR_SPEC_MEMORY,
                  "Too little memory: this system needs at least 64.0\u00a0MiB");
  g_clear_error (&error);

  g_assert_false (corral_guest_spec_check_memory (9 * GiB, 1, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_MEMORY,
                  "More memory than the host has (8.0\u00a0GiB): choose less");
  g_clear_error (&error);

  g_assert_true (corral_guest_spec_check_vcpus (4, &limits, &error));
  g_assert_false (corral_guest_spec_check_vcpus (0, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_VCPUS, "A guest needs at least one processor");
  g_clear_error (&error);
  g_assert_false (corral_guest_spec_check_vcpus (5, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_VCPUS,
                  "More processors than the host has (4): choose fewer");
}

static void
test_validate_disk (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  CorralGuestLimits limits = { .disk_free = 30 * GiB };
  g_autoptr(GError) error = NULL;

  spec->disk_kind = CORRAL_DISK_POOL;
  spec->disk_size = 20 * GiB;
  g_assert_true (corral_guest_spec_check_disk (spec, &limits, &error));
  g_assert_no_error (error);

  spec->disk_size = 40 * GiB;
  g_assert_false (corral_guest_spec_check_disk (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_DISK,
                  "Not enough free space in “default”: 40.0\u00a0GiB needed, 30.0\u00a0GiB free. "
                  "Choose a smaller disk or another place");
  g_clear_error (&error);

  /* two 20 GiB disks do not fit in 30 GiB */
  spec->disk_size = 20 * GiB;
  spec->count = 2;
  g_assert_false (corral_guest_spec_check_disk (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_DISK,
                  "Not enough free space in “default”: 40.0\u00a0GiB needed, 30.0\u00a0GiB free. "
                  "Choose a smaller disk or another place");
  g_clear_error (&error);
  spec->count = 1;

  spec->disk_kind = CORRAL_DISK_LVM;
  g_clear_pointer (&spec->disk_location, g_free);
  g_assert_false (corral_guest_spec_check_disk (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_DISK, "Choose a volume group for the disk");
  g_clear_error (&error);

  spec->disk_kind = CORRAL_DISK_EXISTING;
  spec->disk_location = g_strdup ("relative/disk.img");
  g_assert_false (corral_guest_spec_check_disk (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_DISK, "Choose the disk image file or device");
  g_clear_error (&error);

  g_free (spec->disk_location);
  spec->disk_location = g_strdup ("/srv/disk.img");
  spec->count = 3;
  g_assert_false (corral_guest_spec_check_disk (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_DISK,
                  "Several guests cannot share one existing disk: create new disks instead");
  g_clear_error (&error);

  spec->count = 1;
  spec->source = CORRAL_INSTALL_SOURCE_IMPORT;
  spec->disk_kind = CORRAL_DISK_POOL;
  g_assert_false (corral_guest_spec_check_disk (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_DISK,
                  "Importing needs an existing disk image: choose its file");
}

static void
test_validate_whole (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  const char *taken[] = { "a", NULL };
  CorralGuestLimits limits = { .host_memory = 8 * GiB, .host_cpus = 4, .disk_free = 100 * GiB,
                               .taken_names = taken };
  g_autoptr(GError) error = NULL;

  g_assert_false (corral_guest_spec_validate (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_MEDIA, "Choose an install image (ISO file)");
  g_clear_error (&error);

  spec->iso_path = g_strdup ("/srv/x.iso");
  g_assert_false (corral_guest_spec_validate (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NAME, "Give the guest a name");
  g_clear_error (&error);

  spec->name = g_strdup ("b");
  g_clear_pointer (&spec->network, g_free);
  g_assert_false (corral_guest_spec_validate (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NETWORK, "Choose a network");
  g_clear_error (&error);

  spec->network = g_strdup ("default");
  g_assert_true (corral_guest_spec_validate (spec, &limits, &error));
  g_assert_no_error (error);
}

static void
test_names (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  g_autoptr(OsinfoOs) debian = corral_osinfo_find_os ("http://debian.org/debian/11");
  g_autofree char *suggested = corral_osinfo_suggest_name (debian);
  g_autofree char *one = NULL, *three = NULL;

  g_assert_cmpstr (suggested, ==, "debian11");
  spec->name = g_strdup ("node");
  one = corral_guest_spec_dup_guest_name (spec, 0);
  g_assert_cmpstr (one, ==, "node");
  spec->count = 3;
  three = corral_guest_spec_dup_guest_name (spec, 2);
  g_assert_cmpstr (three, ==, "node3");
  g_clear_pointer (&three, g_free);
  /* a name ending in a digit gets a separator: linux2022-1, not linux20221 */
  g_free (spec->name);
  spec->name = g_strdup ("linux2022");
  three = corral_guest_spec_dup_guest_name (spec, 2);
  g_assert_cmpstr (three, ==, "linux2022-3");

}

/* Resources come from the OS itself, then from what it derives from, per field, for the architecture
 * or "all". Checked on a database of the test's own: osinfo-db's figures change between releases
 * (Debian 11's recommended RAM is 1 GiB in Debian 12's osinfo-db and 2 GiB in Debian 13's). */
static void
test_os_resources (void)
{
  /* one entity per file, where newer libosinfo wants it: os/DOMAIN/PATH-WITH-DASHES.xml */
  static const char base_xml[] =
    "<libosinfo version=\"0.0.1\">\n"
    " <os id=\"http://corralvm.org/test/base\">\n"
    "  <short-id>corraltestbase</short-id><name>Corral Test Base</name>\n"
    "  <resources arch=\"all\">\n"
    "   <minimum><ram>1073741824</ram></minimum>\n"
    "   <recommended><ram>2147483648</ram><storage>21474836480</storage><n-cpus>2</n-cpus></recommended>\n"
    "  </resources>\n"
    " </os>\n"
    "</libosinfo>\n";
  static const char derived_xml[] =
    "<libosinfo version=\"0.0.1\">\n"
    " <os id=\"http://corralvm.org/test/derived\">\n"
    "  <short-id>corraltestderived</short-id><name>Corral Test Derived</name>\n"
    "  <derives-from id=\"http://corralvm.org/test/base\"/>\n"
    "  <resources arch=\"x86_64\"><recommended><ram>4294967296</ram></recommended></resources>\n"
    "  <resources arch=\"aarch64\"><recommended><storage>1073741824</storage></recommended></resources>\n"
    " </os>\n"
    "</libosinfo>\n";
  g_autofree char *dir = g_dir_make_tmp ("corral-osinfo-XXXXXX", NULL);
  g_autofree char *os_parent = g_build_filename (dir, "os", NULL);
  g_autofree char *os_dir = g_build_filename (os_parent, "corralvm.org", NULL);
  g_autofree char *base_file = g_build_filename (os_dir, "test-base.xml", NULL);
  g_autofree char *derived_file = g_build_filename (os_dir, "test-derived.xml", NULL);
  g_autoptr(OsinfoLoader) loader = osinfo_loader_new ();
  g_autoptr(GError) error = NULL;
  OsinfoOs *derived, *base;
  CorralOsResources res;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir_with_parents (os_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (base_file, base_xml, -1, NULL));
  g_assert_true (g_file_set_contents (derived_file, derived_xml, -1, NULL));
  osinfo_loader_process_path (loader, dir, &error);
  g_assert_no_error (error);
  derived = osinfo_db_get_os (osinfo_loader_get_db (loader), "http://corralvm.org/test/derived");
  base = osinfo_db_get_os (osinfo_loader_get_db (loader), "http://corralvm.org/test/base");
  g_assert_nonnull (derived);
  g_assert_nonnull (base);

  corral_osinfo_os_get_resources (derived, "x86_64", &res);
  g_assert_cmpuint (res.recommended_ram, ==, 4 * GiB);      /* its own, for x86_64 */
  g_assert_cmpuint (res.min_ram, ==, 1 * GiB);              /* the base's */
  g_assert_cmpuint (res.recommended_storage, ==, 20 * GiB); /* the base's, not aarch64's */
  g_assert_cmpuint (res.recommended_cpus, ==, 2);

  corral_osinfo_os_get_resources (base, "x86_64", &res);
  g_assert_cmpuint (res.recommended_ram, ==, 2 * GiB);

  corral_osinfo_os_get_resources (NULL, "x86_64", &res);
  g_assert_cmpuint (res.recommended_ram, ==, 0);

  g_unlink (base_file);
  g_unlink (derived_file);
  g_rmdir (os_dir);
  g_rmdir (os_parent);
  g_rmdir (dir);
}

/* Where @id stands in the manual OS list, or -1 when this osinfo-db has no such OS. */
static int
os_position (GPtrArray  *list,
             const char *id)
{
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (osinfo_entity_get_id (g_ptr_array_index (list, i)), id) == 0)
      return (int) i;
  return -1;
}

/* The manual OS list: the common families first (Debian, Ubuntu, Fedora, Windows, generic Linux), each
 * newest first with versions compared as versions (Debian 11, 10, 6 — not 10, 11, 6.0). Checked on
 * pairs every osinfo-db since 2022 has, so it holds for the database the test runs against. */
static void
test_os_list_order (void)
{
  g_autoptr(GPtrArray) list = NULL;
  static const char * const in_order[] = {
    "http://debian.org/debian/11", "http://debian.org/debian/10", "http://debian.org/debian/6",
    "http://ubuntu.com/ubuntu/22.04", "http://ubuntu.com/ubuntu/20.04",
    "http://fedoraproject.org/fedora/36", "http://fedoraproject.org/fedora/9",
    "http://microsoft.com/win/11", "http://microsoft.com/win/10", "http://microsoft.com/win/7",
    "http://libosinfo.org/linux/2022", "http://libosinfo.org/linux/2020",
    "http://altlinux.org/alt/10.0",
  };
  int last = -1;

  g_assert_nonnull (corral_osinfo_get_db (NULL));
  list = corral_osinfo_list_os ();
  g_assert_cmpuint (list->len, >, 100);
  g_assert_cmpstr (osinfo_os_get_distro (g_ptr_array_index (list, 0)), ==, "debian");
  for (guint i = 0; i < G_N_ELEMENTS (in_order); i++)
    {
      int position = os_position (list, in_order[i]);

      if (position < 0)
        {
          g_test_message ("this osinfo-db has no %s", in_order[i]);
          continue;
        }
      g_test_message ("%s at %d", in_order[i], position);
      g_assert_cmpint (position, >, last);
      last = position;
    }
  g_assert_cmpint (last, >, 0);
}

/* --- the wizard's pages: what keeps the user on each, word for word --- */

static void
test_page_source (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  CorralGuestPageFacts facts = { .source_file = CORRAL_SOURCE_FILE_UNCHECKED };
  g_autoptr(GError) error = NULL;

  spec->source = CORRAL_INSTALL_SOURCE_ISO;
  g_assert_false (corral_guest_spec_check_source_page (spec, &facts, &error));
  assert_message (error, CORRAL_ERROR_SPEC_MEDIA,
                  "Choose an install image (ISO file), or drop one here");
  g_clear_error (&error);

  spec->iso_path = g_strdup ("relative.iso");
  g_assert_false (corral_guest_spec_check_source_page (spec, &facts, &error));
  assert_message (error, CORRAL_ERROR_SPEC_MEDIA,
                  "Choose an install image (ISO file), or drop one here");
  g_clear_error (&error);

  /* on another host the file is not looked at */
  g_free (spec->iso_path);
  spec->iso_path = g_strdup ("/nonexistent/x.iso");
  g_assert_true (corral_guest_spec_check_source_page (spec, &facts, &error));
  g_assert_no_error (error);

  facts.source_file = CORRAL_SOURCE_FILE_MISSING;
  g_assert_false (corral_guest_spec_check_source_page (spec, &facts, &error));
  assert_message (error, CORRAL_ERROR_SPEC_MEDIA,
                  "There is no file “/nonexistent/x.iso”: choose another one");
  g_clear_error (&error);

  facts.source_file = CORRAL_SOURCE_FILE_FOUND;
  g_assert_true (corral_guest_spec_check_source_page (spec, &facts, &error));
  g_assert_no_error (error);

  /* importing a disk image */
  spec->source = CORRAL_INSTALL_SOURCE_IMPORT;
  g_clear_pointer (&spec->disk_location, g_free);
  g_assert_false (corral_guest_spec_check_source_page (spec, &facts, &error));
  assert_message (error, CORRAL_ERROR_SPEC_MEDIA, "Choose the disk image to import");
  g_clear_error (&error);

  spec->disk_location = g_strdup ("/srv/images/old-server.qcow2");
  facts.source_file = CORRAL_SOURCE_FILE_MISSING;
  g_assert_false (corral_guest_spec_check_source_page (spec, &facts, &error));
  assert_message (error, CORRAL_ERROR_SPEC_MEDIA,
                  "There is no file “/srv/images/old-server.qcow2”: choose another one");
  g_clear_error (&error);

  facts.source_file = CORRAL_SOURCE_FILE_FOUND;
  g_assert_true (corral_guest_spec_check_source_page (spec, &facts, &error));
  g_assert_no_error (error);
}

static void
test_page_os (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  CorralGuestPageFacts facts = { .os_db_loaded = FALSE };
  g_autoptr(GError) error = NULL;

  g_assert_false (corral_guest_spec_check_os_page (spec, &facts, &error));
  assert_message (error, CORRAL_ERROR_SPEC_OS, "Reading the list of operating systems…");
  g_clear_error (&error);

  facts.os_db_loaded = TRUE;
  g_assert_false (corral_guest_spec_check_os_page (spec, &facts, &error));
  assert_message (error, CORRAL_ERROR_SPEC_OS, "Choose the operating system from the list");
  g_clear_error (&error);

  spec->os_id = g_strdup ("http://debian.org/debian/11");
  g_assert_true (corral_guest_spec_check_os_page (spec, &facts, &error));
  g_assert_no_error (error);
}

static void
test_page_resources (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  CorralGuestLimits limits = { .host_memory = 4 * GiB, .host_cpus = 2 };
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_guest_spec_check_resources_page (spec, &limits, &error));
  g_assert_no_error (error);

  spec->memory = 8 * GiB;
  g_assert_false (corral_guest_spec_check_resources_page (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_MEMORY,
                  "More memory than the host has (4.0\u00a0GiB): choose less");
  g_clear_error (&error);

  spec->memory = GiB;
  spec->vcpus = 4;
  g_assert_false (corral_guest_spec_check_resources_page (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_VCPUS,
                  "More processors than the host has (2): choose fewer");
}

static void
test_page_disk (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  CorralGuestLimits limits = { 0 };
  CorralGuestPageFacts facts = { .pools_known = FALSE };
  g_autoptr(GError) error = NULL;

  /* pools not listed yet: only the spec is checked */
  g_assert_true (corral_guest_spec_check_disk_page (spec, &limits, &facts, &error));
  g_assert_no_error (error);

  facts.pools_known = TRUE;
  g_assert_false (corral_guest_spec_check_disk_page (spec, &limits, &facts, &error));
  assert_message (error, CORRAL_ERROR_SPEC_DISK,
                  "This connection has no active storage pool: choose another kind of disk");
  g_clear_error (&error);

  facts.n_pools = 1;
  limits.disk_free = 10 * GiB;
  g_assert_false (corral_guest_spec_check_disk_page (spec, &limits, &facts, &error));
  assert_message (error, CORRAL_ERROR_SPEC_DISK,
                  "Not enough free space in “default”: 20.0\u00a0GiB needed, 10.0\u00a0GiB free. "
                  "Choose a smaller disk or another place");
  g_clear_error (&error);

  /* LVM: the reason the page gives for having no volume group */
  spec->disk_kind = CORRAL_DISK_LVM;
  g_clear_pointer (&spec->disk_location, g_free);
  facts.lvm_problem = "This host has no LVM volume group";
  g_assert_false (corral_guest_spec_check_disk_page (spec, &limits, &facts, &error));
  assert_message (error, CORRAL_ERROR_SPEC_DISK, "This host has no LVM volume group");
  g_clear_error (&error);

  facts.lvm_problem = NULL;
  g_assert_false (corral_guest_spec_check_disk_page (spec, &limits, &facts, &error));
  assert_message (error, CORRAL_ERROR_SPEC_DISK, "Choose a volume group for the disk");
  g_clear_error (&error);

  spec->disk_location = g_strdup ("vg0");
  spec->disk_size = GiB;
  g_assert_true (corral_guest_spec_check_disk_page (spec, &limits, &facts, &error));
  g_assert_no_error (error);
}

static void
test_page_network (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_guest_spec_check_network_page (spec, &error));
  g_assert_no_error (error);

  g_clear_pointer (&spec->network, g_free);
  g_assert_false (corral_guest_spec_check_network_page (spec, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NETWORK,
                  "This connection has no virtual network: choose a bridge or no network");
  g_clear_error (&error);

  spec->network_kind = CORRAL_NETWORK_BRIDGE;
  g_assert_false (corral_guest_spec_check_network_page (spec, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NETWORK,
                  "This host has no bridge: choose a virtual network or no network");
  g_clear_error (&error);

  spec->network_kind = CORRAL_NETWORK_NONE;
  g_assert_true (corral_guest_spec_check_network_page (spec, &error));
  g_assert_no_error (error);
}

static void
test_page_review (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  const char *taken[] = { "test", NULL };
  CorralGuestLimits limits = { .taken_names = taken };
  g_autoptr(GError) error = NULL;

  spec->iso_path = g_strdup ("/srv/debian.iso");
  spec->name = g_strdup ("test");
  g_assert_false (corral_guest_spec_check_review_page (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NAME_TAKEN,
                  "A guest called “test” exists already: choose another name");
  g_clear_error (&error);

  g_free (spec->name);
  spec->name = g_strdup ("my guest");
  g_assert_false (corral_guest_spec_check_review_page (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NAME,
                  "The name may only contain letters, digits, “-”, “_” and “.”");
  g_clear_error (&error);

  /* the name is fine, but something on an earlier page no longer is */
  g_free (spec->name);
  spec->name = g_strdup ("debian11");
  spec->network_kind = CORRAL_NETWORK_BRIDGE;
  g_clear_pointer (&spec->network, g_free);
  g_assert_false (corral_guest_spec_check_review_page (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_NETWORK, "Choose a bridge for the network");
  g_clear_error (&error);

  spec->network_kind = CORRAL_NETWORK_NONE;
  g_assert_true (corral_guest_spec_check_review_page (spec, &limits, &error));
  g_assert_no_error (error);
}

/* What libosinfo says an OS needs, and what a host offers by its domain capabilities. */
static void
test_os_firmware (void)
{
  g_autoptr(OsinfoOs) win11 = corral_osinfo_find_os ("http://microsoft.com/win/11");
  g_autoptr(OsinfoOs) win10 = corral_osinfo_find_os ("http://microsoft.com/win/10");
  g_autoptr(OsinfoOs) debian = corral_osinfo_find_os ("http://debian.org/debian/11");
  CorralOsFirmware fw;

  g_assert_nonnull (win11);
  corral_osinfo_os_get_firmware (win11, "x86_64", &fw);
  g_assert_true (fw.needs_uefi);
  g_assert_true (fw.prefers_uefi);
  g_assert_true (fw.needs_secure_boot);
  g_assert_true (fw.needs_tpm);
  corral_osinfo_os_get_firmware (win10, "x86_64", &fw);
  g_assert_false (fw.needs_uefi);
  g_assert_false (fw.needs_tpm);
  /* a Linux keeps BIOS */
  corral_osinfo_os_get_firmware (debian, "x86_64", &fw);
  g_assert_false (fw.needs_uefi);
  g_assert_false (fw.needs_secure_boot);
  g_assert_false (fw.needs_tpm);
  corral_osinfo_os_get_firmware (NULL, "x86_64", &fw);
  g_assert_false (fw.needs_uefi || fw.prefers_uefi || fw.needs_tpm);
}

static void
test_validate_firmware (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  CorralGuestLimits limits = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (spec->firmware, ==, CORRAL_FIRMWARE_BIOS);
  g_assert_false (spec->tpm);
  g_assert_true (corral_guest_spec_check_firmware (spec, &limits, &error));
  g_assert_no_error (error);

  /* nothing known about the host: not checked */
  spec->firmware = CORRAL_FIRMWARE_UEFI_SECURE_BOOT;
  spec->tpm = TRUE;
  g_assert_true (corral_guest_spec_check_firmware (spec, &limits, &error));
  g_assert_no_error (error);

  limits.os_no_q35 = TRUE;
  g_assert_false (corral_guest_spec_check_firmware (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_FIRMWARE,
                  "UEFI needs the Q35 machine, which this operating system does not support: "
                  "choose BIOS");
  g_clear_error (&error);
  limits.os_no_q35 = FALSE;

  limits.firmware_known = TRUE;
  g_assert_false (corral_guest_spec_check_firmware (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_FIRMWARE,
                  "This host has no UEFI firmware for guests: install the ovmf package, or choose "
                  "BIOS");
  g_clear_error (&error);

  limits.host_uefi = TRUE;
  g_assert_false (corral_guest_spec_check_firmware (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_FIRMWARE,
                  "This host has no UEFI firmware with Secure Boot: install the ovmf package, or "
                  "choose UEFI without Secure Boot");
  g_clear_error (&error);

  spec->firmware = CORRAL_FIRMWARE_UEFI;
  g_assert_false (corral_guest_spec_check_firmware (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_FIRMWARE,
                  "This host cannot emulate a TPM: install the swtpm and swtpm-tools packages, or "
                  "turn the TPM off");
  g_clear_error (&error);

  limits.host_secure_boot = TRUE;
  limits.host_tpm = TRUE;
  spec->firmware = CORRAL_FIRMWARE_UEFI_SECURE_BOOT;
  g_assert_true (corral_guest_spec_check_firmware (spec, &limits, &error));
  g_assert_no_error (error);

  /* an OS that does not start with BIOS (Windows 11) */
  limits.os_needs_uefi = TRUE;
  spec->firmware = CORRAL_FIRMWARE_BIOS;
  g_assert_false (corral_guest_spec_check_firmware (spec, &limits, &error));
  assert_message (error, CORRAL_ERROR_SPEC_FIRMWARE,
                  "This operating system does not start with BIOS: choose UEFI");
  g_clear_error (&error);

  /* the resources page and the whole spec check it too */
  g_assert_false (corral_guest_spec_check_resources_page (spec, &limits, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_FIRMWARE);
  g_clear_error (&error);
  spec->iso_path = g_strdup ("/srv/win11.iso");
  g_assert_false (corral_guest_spec_validate (spec, &limits, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_SPEC_FIRMWARE);
  g_clear_error (&error);
  spec->firmware = CORRAL_FIRMWARE_UEFI;
  g_assert_true (corral_guest_spec_check_resources_page (spec, &limits, &error));
  g_assert_no_error (error);
}

/* An OS without q35 (FreeDOS) cannot get UEFI: build_domain refuses as the check does. */
static void
test_build_uefi_without_q35 (void)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  g_autoptr(OsinfoOs) freedos = corral_osinfo_find_os ("http://freedos.org/freedos/1.2");
  g_autoptr(GError) error = NULL;
  CorralDomainParams params = { .name = "dos", .virt_type = "qemu", .arch = "x86_64",
                                .os = freedos };

  g_assert_nonnull (freedos);
  spec->name = g_strdup ("dos");
  spec->iso_path = g_strdup ("/srv/dos.iso");
  spec->disk_kind = CORRAL_DISK_NONE;
  spec->firmware = CORRAL_FIRMWARE_UEFI;
  g_assert_null (corral_guest_spec_build_domain (spec, &params, &error));
  assert_message (error, CORRAL_ERROR_SPEC_FIRMWARE,
                  "UEFI needs the Q35 machine, which this operating system does not support: "
                  "choose BIOS");
}

/* Domain capabilities as libvirt 9.0 reports them for q35: with ovmf and swtpm installed (trimmed
 * from a real `virsh domcapabilities --machine q35`), and without either. */
static void
test_host_domain_caps (void)
{
  const char *full =
    "<domainCapabilities><machine>pc-q35-7.2</machine>"
    "<os supported='yes'><enum name='firmware'><value>efi</value></enum>"
    "<loader supported='yes'><value>/usr/share/OVMF/OVMF_CODE_4M.ms.fd</value>"
    "<value>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</value>"
    "<value>/usr/share/OVMF/OVMF_CODE_4M.fd</value>"
    "<enum name='type'><value>rom</value><value>pflash</value></enum>"
    "<enum name='secure'><value>yes</value><value>no</value></enum></loader></os>"
    "<devices><tpm supported='yes'><enum name='model'><value>tpm-tis</value>"
    "<value>tpm-crb</value></enum><enum name='backendModel'><value>passthrough</value>"
    "<value>emulator</value><value>external</value></enum></tpm></devices>"
    "</domainCapabilities>";
  const char *bare =
    "<domainCapabilities><os supported='yes'><enum name='firmware'/>"
    "<loader supported='yes'><enum name='type'><value>rom</value><value>pflash</value></enum>"
    "<enum name='secure'><value>no</value></enum></loader></os>"
    "<devices><tpm supported='yes'><enum name='model'><value>tpm-tis</value></enum>"
    "<enum name='backendModel'><value>passthrough</value></enum></tpm></devices>"
    "</domainCapabilities>";
  CorralHostInfo info = { 0 };

  g_assert_true (corral_host_info_read_domain_capabilities (&info, full));
  g_assert_true (info.firmware_known);
  g_assert_true (info.uefi);
  g_assert_true (info.secure_boot);
  g_assert_true (info.tpm);
  g_assert_true (corral_host_info_read_domain_capabilities (&info, bare));
  g_assert_true (info.firmware_known);
  g_assert_false (info.uefi);
  g_assert_false (info.secure_boot);
  g_assert_false (info.tpm);
  g_assert_false (corral_host_info_read_domain_capabilities (&info, "not xml"));
  g_assert_false (info.firmware_known);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);

  if (corral_osinfo_get_db (&error) == NULL)
    g_error ("%s", error->message);

  for (guint i = 0; i < G_N_ELEMENTS (golden_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/wizard/spec/golden/%s", golden_cases[i].golden);

      g_test_add_data_func (path, &golden_cases[i], test_golden);
    }
  g_test_add_func ("/wizard/spec/golden/content", test_golden_content);
  g_test_add_func ("/wizard/spec/devices", test_devices);
  g_test_add_func ("/wizard/spec/names", test_names);
  g_test_add_func ("/wizard/spec/os-resources", test_os_resources);
  g_test_add_func ("/wizard/spec/os-list-order", test_os_list_order);
  g_test_add_func ("/wizard/spec/validate/name", test_validate_name);
  g_test_add_func ("/wizard/spec/validate/resources", test_validate_resources);
  g_test_add_func ("/wizard/spec/validate/disk", test_validate_disk);
  g_test_add_func ("/wizard/spec/validate/whole", test_validate_whole);
  g_test_add_func ("/wizard/spec/page/source", test_page_source);
  g_test_add_func ("/wizard/spec/page/os", test_page_os);
  g_test_add_func ("/wizard/spec/page/resources", test_page_resources);
  g_test_add_func ("/wizard/spec/page/disk", test_page_disk);
  g_test_add_func ("/wizard/spec/page/network", test_page_network);
  g_test_add_func ("/wizard/spec/page/review", test_page_review);
  g_test_add_func ("/wizard/spec/firmware/os", test_os_firmware);
  g_test_add_func ("/wizard/spec/firmware/validate", test_validate_firmware);
  g_test_add_func ("/wizard/spec/firmware/no-q35", test_build_uefi_without_q35);
  g_test_add_func ("/wizard/spec/firmware/host", test_host_domain_caps);

  return g_test_run ();
}
