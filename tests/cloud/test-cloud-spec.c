/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A guest spec with a cloud image as its source: the domain XML it becomes (the seed CD-ROM on
 * virtio-scsi on q35, on IDE on i440fx, the disk on virtio, <corral:cloud user/> inside the group's
 * metadata, no install run, the disk booted), defined on libvirt's test driver, and the refusals
 * word for word. */
#include "config.h"

#include <string.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "corral-cloud-init.h"
#include "corral-guest-spec.h"
#include "corral-osinfo.h"

#define GiB (G_GUINT64_CONSTANT (1024) * 1024 * 1024)
#define MiB (G_GUINT64_CONSTANT (1024) * 1024)
#define KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOSbPNqxj6Z+l1LeRVvRdRHFkxuoeRumVnIFuY4IQHbw me@host"
#define SEED "/var/lib/libvirt/images/node1-cidata.iso"
#define DISK "/var/lib/libvirt/images/node1.qcow2"

static CorralGuestSpec *
cloud_spec (guint count)
{
  CorralGuestSpec *spec = corral_guest_spec_new ();

  spec->name = g_strdup ("node");
  spec->count = count;
  spec->source = CORRAL_INSTALL_SOURCE_CLOUD_IMAGE;
  spec->image_path = g_strdup ("/srv/images/debian-12-genericcloud-amd64.qcow2");
  spec->disk_kind = CORRAL_DISK_POOL;
  spec->disk_size = 8 * GiB;
  spec->identity = corral_cloud_identity_new ();
  spec->identity->user_name = g_strdup ("alice");
  spec->identity->ssh_keys = g_new0 (char *, 2);
  spec->identity->ssh_keys[0] = g_strdup (KEY);
  return spec;
}

typedef struct
{
  xmlDoc            *doc;
  xmlXPathContext   *ctx;
  char              *xml;
} Xml;

static void
xml_clear (Xml *x)
{
  g_clear_pointer (&x->ctx, xmlXPathFreeContext);
  g_clear_pointer (&x->doc, xmlFreeDoc);
  g_clear_pointer (&x->xml, g_free);
}

static void
xml_build (Xml                   *x,
           const CorralGuestSpec *spec,
           const char            *os_id,
           const char            *seed_path)
{
  g_autoptr(OsinfoOs) os = os_id != NULL ? corral_osinfo_find_os (os_id) : NULL;
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  CorralDomainParams params = { 0 };

  g_assert_true (os_id == NULL || os != NULL);
  params.name = "node1";
  params.virt_type = "test";
  params.arch = "x86_64";
  params.os = os;
  params.disk_path = DISK;
  params.disk_format = "qcow2";
  params.seed_path = seed_path;
  domain = corral_guest_spec_build_domain (spec, &params, &error);
  g_assert_no_error (error);
  x->xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  x->doc = xmlReadMemory (x->xml, strlen (x->xml), "domain.xml", NULL, XML_PARSE_NONET);
  g_assert_nonnull (x->doc);
  x->ctx = xmlXPathNewContext (x->doc);
  xmlXPathRegisterNs (x->ctx, BAD_CAST "corral", BAD_CAST "https://corralvm.org/xmlns/corral/1.0");
}

static int
xml_count (Xml        *x,
           const char *path)
{
  xmlXPathObject *obj = xmlXPathEvalExpression (BAD_CAST path, x->ctx);
  int n;

  g_assert_nonnull (obj);
  n = obj->nodesetval != NULL ? obj->nodesetval->nodeNr : 0;
  xmlXPathFreeObject (obj);
  return n;
}

#define assert_xml_count(x, path, n) \
  G_STMT_START { \
    int got_ = xml_count ((x), (path)); \
    if (got_ != (n)) \
      g_error ("%s: %d matches, expected %d, in\n%s", (path), got_, (n), (x)->xml); \
  } G_STMT_END

/* The test driver takes the definition as it is. */
static void
define_on_test_driver (Xml *x)
{
  virConnectPtr conn = virConnectOpen ("test:///default");
  virDomainPtr dom;
  g_autofree char *back = NULL;

  g_assert_nonnull (conn);
  dom = virDomainDefineXML (conn, x->xml);
  if (dom == NULL)
    g_error ("the test driver refused the definition: %s\n%s", virGetLastErrorMessage (), x->xml);
  back = virDomainGetXMLDesc (dom, 0);
  g_assert_nonnull (strstr (back, SEED));
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (conn);
}

/* q35 (an unknown OS): the disk on virtio, the seed a read-only SCSI CD-ROM on a virtio-scsi
 * controller, nothing on SATA, the disk booted and no CD-ROM, no install run. */
static void
test_domain_q35 (void)
{
  g_autoptr(CorralGuestSpec) spec = cloud_spec (1);
  Xml x = { 0 };

  g_assert_false (corral_guest_spec_installs_to_disk (spec));
  xml_build (&x, spec, NULL, SEED);
  assert_xml_count (&x, "/domain/os/type[@machine='q35']", 1);
  assert_xml_count (&x, "/domain/os/boot", 1);
  assert_xml_count (&x, "/domain/os/boot[@dev='hd']", 1);
  assert_xml_count (&x, "/domain/devices/disk[@device='disk']/target[@bus='virtio'][@dev='vda']", 1);
  assert_xml_count (&x, "/domain/devices/disk[@device='disk']/source[@file='" DISK "']", 1);
  assert_xml_count (&x, "/domain/devices/disk[@device='disk']/driver[@type='qcow2']", 1);
  assert_xml_count (&x, "/domain/devices/controller[@type='scsi'][@model='virtio-scsi']", 1);
  assert_xml_count (&x, "/domain/devices/disk[@device='cdrom']", 1);
  assert_xml_count (&x, "/domain/devices/disk[@device='cdrom'][target/@bus='scsi']"
                        "[target/@dev='sda'][source/@file='" SEED "'][readonly]"
                        "[driver/@type='raw']", 1);
  assert_xml_count (&x, "//target[@bus='sata']", 0);
  assert_xml_count (&x, "/domain/devices/interface/model[@type='virtio']", 1);
  assert_xml_count (&x, "/domain/metadata/corral:cloud[@user='alice']", 1);
  assert_xml_count (&x, "/domain/metadata/corral:group", 0);
  assert_xml_count (&x, "//corral:install", 0);
  assert_xml_count (&x, "/domain/on_reboot[text()='restart']", 1);
  define_on_test_driver (&x);
  xml_clear (&x);
}

/* i440fx (an OS osinfo-db knows without q35): the seed on IDE (hdc), no SCSI controller; the disk
 * stays on virtio (cloud images are made for virtio). */
static void
test_domain_i440fx (void)
{
  g_autoptr(CorralGuestSpec) spec = cloud_spec (1);
  Xml x = { 0 };

  xml_build (&x, spec, "http://freedos.org/freedos/1.2", SEED);
  assert_xml_count (&x, "/domain/os/type[@machine='pc']", 1);
  assert_xml_count (&x, "/domain/devices/controller[@type='scsi']", 0);
  assert_xml_count (&x, "/domain/devices/disk[@device='disk']/target[@bus='virtio'][@dev='vda']", 1);
  assert_xml_count (&x, "/domain/devices/disk[@device='cdrom'][target/@bus='ide']"
                        "[target/@dev='hdc'][source/@file='" SEED "'][readonly]", 1);
  assert_xml_count (&x, "/domain/os/boot[@dev='cdrom']", 0);
  define_on_test_driver (&x);
  xml_clear (&x);
}

/* One of N: the group's metadata holds the cloud element (libvirt keeps one element per namespace). */
static void
test_domain_group (void)
{
  g_autoptr(CorralGuestSpec) spec = cloud_spec (3);
  Xml x = { 0 };

  xml_build (&x, spec, "http://debian.org/debian/11", SEED);
  assert_xml_count (&x, "/domain/metadata/corral:group[@name='node']", 1);
  assert_xml_count (&x, "/domain/metadata/corral:group[@name='node']/corral:cloud[@user='alice']", 1);
  assert_xml_count (&x, "/domain/devices/controller[@type='scsi'][@model='virtio-scsi']", 1);
  define_on_test_driver (&x);
  xml_clear (&x);
}

#define assert_refused(call, code, expected) \
  G_STMT_START { \
    g_autoptr(GError) e_ = NULL; \
    g_assert_false (call); \
    g_assert_error (e_, CORRAL_ERROR, (code)); \
    g_assert_cmpstr (e_->message, ==, (expected)); \
  } G_STMT_END
#define E (&e_)

static void
test_validate (void)
{
  g_autoptr(CorralGuestSpec) spec = cloud_spec (2);
  g_autoptr(GError) error = NULL;
  CorralGuestPageFacts facts = { 0 };
  CorralGuestLimits limits = { 0 };

  g_assert_true (corral_guest_spec_validate (spec, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (corral_guest_spec_check_identity_page (spec, &error));
  g_assert_no_error (error);

  /* the image */
  g_free (spec->image_path);
  spec->image_path = g_strdup ("images/debian.qcow2");
  assert_refused (corral_guest_spec_validate (spec, NULL, E), CORRAL_ERROR_SPEC_MEDIA,
                  "Choose a cloud image (a qcow2 or raw disk image file)");
  assert_refused (corral_guest_spec_check_source_page (spec, &facts, E), CORRAL_ERROR_SPEC_MEDIA,
                  "Choose a cloud image (a qcow2 or raw disk image file)");
  g_free (spec->image_path);
  spec->image_path = g_strdup ("/srv/images/gone.qcow2");
  facts.source_file = CORRAL_SOURCE_FILE_MISSING;
  assert_refused (corral_guest_spec_check_source_page (spec, &facts, E), CORRAL_ERROR_SPEC_MEDIA,
                  "There is no file “/srv/images/gone.qcow2”: choose another one");
  facts.source_file = CORRAL_SOURCE_FILE_FOUND;
  g_assert_true (corral_guest_spec_check_source_page (spec, &facts, NULL));

  /* the disks: a pool, nothing else; not smaller than the image */
  spec->disk_kind = CORRAL_DISK_LVM;
  assert_refused (corral_guest_spec_validate (spec, NULL, E), CORRAL_ERROR_SPEC_DISK,
                  "Guests made from a cloud image cannot have their disks in a volume group yet: "
                  "choose a storage pool");
  spec->disk_kind = CORRAL_DISK_EXISTING;
  assert_refused (corral_guest_spec_validate (spec, NULL, E), CORRAL_ERROR_SPEC_DISK,
                  "Guests made from a cloud image need new disks: choose a storage pool for them");
  spec->disk_kind = CORRAL_DISK_POOL;
  facts.image_size = 10 * GiB;
  assert_refused (corral_guest_spec_check_disk_page (spec, NULL, &facts, E), CORRAL_ERROR_SPEC_DISK,
                  "The disk is smaller than the cloud image (10.0\u00a0GiB): give it at least that much");
  facts.image_size = 2 * GiB;
  g_assert_true (corral_guest_spec_check_disk_page (spec, NULL, &facts, NULL));
  assert_refused (corral_guest_spec_check_image_size (spec, 9 * GiB, E), CORRAL_ERROR_SPEC_DISK,
                  "The disk is smaller than the cloud image (9.0\u00a0GiB): give it at least that much");
  /* overlays start small: 2 × 8 GiB in 10 GiB free is fine; full copies are not */
  limits.disk_free = 10 * GiB;
  g_assert_true (corral_guest_spec_validate (spec, &limits, NULL));
  spec->full_copy = TRUE;
  assert_refused (corral_guest_spec_validate (spec, &limits, E), CORRAL_ERROR_SPEC_DISK,
                  "Not enough free space in “default”: 16.0\u00a0GiB needed, 10.0\u00a0GiB free. Choose a "
                  "smaller disk or another place");
  spec->full_copy = FALSE;

  /* host names: a guest name with "_" is a guest name, but no host name */
  g_free (spec->name);
  spec->name = g_strdup ("web_node");
  g_assert_true (corral_guest_spec_check_name (spec->name, spec->count, NULL, NULL));
  {
    g_autoptr(GError) e = NULL;

    g_assert_false (corral_guest_spec_validate (spec, NULL, &e));
    g_assert_error (e, CORRAL_ERROR, CORRAL_ERROR_SPEC_NAME);
    g_assert_true (g_str_has_prefix (e->message,
                                     "“web_node1” is the guest’s host name too, and cannot be one: "));
  }
  g_free (spec->name);
  spec->name = g_strdup ("node");

  /* who logs in */
  g_clear_pointer (&spec->identity, corral_cloud_identity_free);
  assert_refused (corral_guest_spec_validate (spec, NULL, E), CORRAL_ERROR_CLOUD_USER_NAME,
                  "Say who may log in to the guests: a user name and a key or password");
  assert_refused (corral_guest_spec_check_identity_page (spec, E), CORRAL_ERROR_CLOUD_USER_NAME,
                  "Say who may log in to the guests: a user name and a key or password");
  spec->identity = corral_cloud_identity_new ();
  spec->identity->user_name = g_strdup ("root");
  {
    g_autoptr(GError) e = NULL;
    g_autoptr(GError) direct = NULL;

    g_assert_false (corral_guest_spec_validate (spec, NULL, &e));
    g_assert_false (corral_cloud_identity_check (spec->identity, &direct));
    g_assert_error (e, CORRAL_ERROR, direct->code);
    g_assert_cmpstr (e->message, ==, direct->message);
  }

  /* other sources are untouched by all of it */
  spec->source = CORRAL_INSTALL_SOURCE_ISO;
  spec->iso_path = g_strdup ("/srv/iso/install.iso");
  g_assert_true (corral_guest_spec_validate (spec, NULL, NULL));
}

static void
test_copy (void)
{
  g_autoptr(CorralGuestSpec) spec = cloud_spec (2);
  g_autoptr(CorralGuestSpec) copy = NULL;

  spec->full_copy = TRUE;
  copy = corral_guest_spec_copy (spec);
  g_assert_cmpstr (copy->image_path, ==, spec->image_path);
  g_assert_true (copy->image_path != spec->image_path);
  g_assert_true (copy->full_copy);
  g_assert_nonnull (copy->identity);
  g_assert_true (copy->identity != spec->identity);
  g_assert_cmpstr (copy->identity->user_name, ==, "alice");
  g_assert_cmpstr (copy->identity->ssh_keys[0], ==, KEY);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);

  if (corral_osinfo_get_db (&error) == NULL)
    g_error ("%s", error->message);

  g_test_add_func ("/cloud/spec/domain/q35", test_domain_q35);
  g_test_add_func ("/cloud/spec/domain/i440fx", test_domain_i440fx);
  g_test_add_func ("/cloud/spec/domain/group", test_domain_group);
  g_test_add_func ("/cloud/spec/validate", test_validate);
  g_test_add_func ("/cloud/spec/copy", test_copy);
  return g_test_run ();
}
