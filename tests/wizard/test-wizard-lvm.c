/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LVM disks for new guests through corral-helper (started on a private bus by test-wizard-lvm.py,
 * on a
 * loop-device volume group): the helper client lists the group with its free space; the creator
 * makes
 * a tagged logical volume and defines the guest with /dev/VG/LV as its disk (libvirt's test
 * driver);
 * when defining fails, the volume is removed again and the user is told; a disk larger than the
 * free
 * space is refused with the helper's message and nothing is made. */
#include "config.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "corral-connection-private.h"
#include "corral-guest-creator.h"
#include "corral-error.h"

#define TIMEOUT_S 60
#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

static const char *vg;
static CorralConnection *connection;
static CorralHelperClient *helper;

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("Timed out waiting for: %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

#define WAIT_FOR(cond) G_STMT_START {                                                 \
    guint _timeout = g_timeout_add_seconds (TIMEOUT_S, timeout_cb, (gpointer) #cond); \
    while (!(cond))                                                                   \
      g_main_context_iteration (NULL, TRUE);                                          \
    g_source_remove (_timeout);                                                       \
  } G_STMT_END

static void
async_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* "name:tags" of each logical volume in the group, as lvm itself reports them */
static char *
lvs (void)
{
  const char *argv[] = { "lvm", "lvs", "--config", g_getenv ("CORRAL_LVM_CONFIG") ?: "",
                        "--noheadings",
                         "--separator", ":", "-o", "lv_name,lv_tags", vg, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, &out,
                NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_strdelimit (out, " \n", ',');
  return g_strdup (out);
}

static guint64
vg_free (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;

  corral_helper_client_list_volume_groups_async (helper, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  groups = corral_helper_client_list_volume_groups_finish (helper, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < groups->len; i++)
    {
      CorralVolumeGroup *group = g_ptr_array_index (groups, i);

      if (g_str_equal (group->name, vg))
        {
          g_assert_cmpuint (group->size, >, 200 * MiB);
          return group->free;
        }
    }
  g_error ("volume group %s not listed by the helper", vg);
}

static GStrv
create (CorralGuestSpec  *spec,
        GError          **error)
{
  g_autoptr(CorralGuestCreator) creator = corral_guest_creator_new (connection, spec);
  g_autoptr(GAsyncResult) result = NULL;

  corral_guest_creator_set_helper (creator, helper);
  corral_guest_creator_run_async (creator, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  return corral_guest_creator_run_finish (creator, result, error);
}

static CorralGuestSpec *
spec_new (const char *name,
          guint64     size)
{
  CorralGuestSpec *spec = corral_guest_spec_new ();

  spec->name = g_strdup (name);
  spec->os_id = g_strdup ("http://debian.org/debian/11");
  spec->iso_path = g_strdup ("/srv/iso/debian-11.iso");
  spec->memory = 256 * MiB;
  spec->disk_kind = CORRAL_DISK_LVM;
  g_free (spec->disk_location);
  spec->disk_location = g_strdup (vg);
  spec->disk_size = size;
  spec->network_kind = CORRAL_NETWORK_NONE;
  spec->start = FALSE;
  return spec;
}

static char *
domain_xml (const char *name)
{
  virConnectPtr conn = _corral_connection_ref_handle (connection);
  virDomainPtr dom = virDomainLookupByName (conn, name);
  char *xml = NULL;

  if (dom != NULL)
    {
      xml = virDomainGetXMLDesc (dom, 0);
      virDomainFree (dom);
    }
  virResetLastError ();
  virConnectClose (conn);
  return xml;
}

static void
test_create (void)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("lvguest", 16 * MiB);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GStrv) uuids = NULL;
  g_autofree char *expected_dev = g_strdup_printf ("<source dev='/dev/%s/lvguest'/>", vg);
  g_autofree char *xml = NULL;
  g_autofree char *volumes = NULL;
  guint64 free_before = vg_free ();

  uuids = create (spec, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (uuids), ==, 1);

  /* the volume, tagged as Corral's, and the guest using it as a raw block device */
  volumes = lvs ();
  g_assert_nonnull (strstr (volumes, "lvguest:corral"));
  g_assert_cmpuint (vg_free (), ==, free_before - 16 * MiB);
  xml = domain_xml ("lvguest");
  g_assert_nonnull (xml);
  g_assert_nonnull (strstr (xml, "<disk type='block' device='disk'>"));
  g_assert_nonnull (strstr (xml, expected_dev));
  g_assert_nonnull (strstr (xml, "<driver name='qemu' type='raw'/>"));

  /* remove it again through the client's async API */
  corral_helper_client_remove_volume_async (helper, vg, "lvguest", NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (corral_helper_client_remove_volume_finish (helper, result, &error));
  g_assert_no_error (error);
  g_free (volumes);
  volumes = lvs ();
  g_assert_null (strstr (volumes, "lvguest"));
}

static void
test_define_failure_removes_volume (void)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("lvclash", 16 * MiB);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uuids = NULL;
  g_autofree char *removed = g_strdup_printf ("Removed the volume “/dev/%s/lvclash” made for it.",
                                              vg);
  g_autofree char *volumes = NULL;
  virConnectPtr conn = _corral_connection_ref_handle (connection);
  virDomainPtr dom = virDomainDefineXML (conn, "<domain type='test'><name>lvclash</name>"
                                               "<memory>65536</memory>"
                                               "<os><type>hvm</type></os></domain>");
  guint64 free_before = vg_free ();

  g_assert_nonnull (dom);
  uuids = create (spec, &error);
  g_assert_null (uuids);
  g_assert_nonnull (error);
  g_test_message ("the user reads: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Could not define the guest “lvclash”: "));
  g_assert_nonnull (strstr (error->message, removed));

  volumes = lvs ();
  g_assert_null (strstr (volumes, "lvclash"));
  g_assert_cmpuint (vg_free (), ==, free_before);

  virDomainUndefine (dom);
  virDomainFree (dom);
  virConnectClose (conn);
}

static void
test_no_space (void)
{
  g_autoptr(CorralGuestSpec) spec = spec_new ("lvhuge", 1024 * MiB);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uuids = NULL;
  g_autofree char *volumes = NULL;

  uuids = create (spec, &error);
  g_assert_null (uuids);
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_NO_SPACE);
  g_test_message ("the user reads: %s", error->message);
  volumes = lvs ();
  g_assert_null (strstr (volumes, "lvhuge"));
  g_assert_null (domain_xml ("lvhuge"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  vg = g_getenv ("CORRAL_TEST_VG");
  if (vg == NULL || g_getenv ("DBUS_SYSTEM_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("run by test-wizard-lvm.py (a volume group and corral-helper on a private bus)");
      return g_test_run ();
    }

  helper = corral_helper_client_new (NULL);
  connection = corral_connection_new ("test:///default");
  corral_connection_open_async (connection, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (corral_connection_open_finish (connection, result, &error));

  g_test_add_func ("/wizard/lvm/create", test_create);
  g_test_add_func ("/wizard/lvm/define-failure-removes-volume", test_define_failure_removes_volume);
  g_test_add_func ("/wizard/lvm/no-space", test_no_space);
  ret = g_test_run ();

  g_object_unref (helper);
  g_object_unref (connection);
  return ret;
}
