/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LVM disks changed after creation, through the edit path and corral-helper: run by
 * tests/wizard/test-wizard-lvm.py (corral-helper on a private system bus, mock polkit allowing
 * org.corralvm.volumes.manage, a loop-device volume group made by tests/helper/lvm/run-lvm-loop.sh),
 * on libvirt's test driver. A new logical volume is added to a shut-off guest as a raw block disk,
 * grown, refused when the group has not the space (nothing changed), then removed with its volume;
 * each step checked in lvm's own report and in the guest's XML. */
#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-config.h"

#define TIMEOUT_S 60
#include "corral-test-util.h"

#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

static const char *vg;
static CorralConnection *connection;
static CorralHelperClient *helper;

static void
async_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* "name:size-in-bytes:tags," for each logical volume of the group, as lvm reports them */
static char *
lvs (void)
{
  const char *argv[] = { "lvm", "lvs", "--config", g_getenv ("CORRAL_LVM_CONFIG") ?: "", "--noheadings",
                         "--nosuffix", "--units", "b", "--separator", ":", "-o", "lv_name,lv_size,lv_tags",
                         vg, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_strdelimit (out, " \n", ',');
  return g_strdup (out);
}

static char *
domain_xml (const char *name)
{
  virConnectPtr conn = _corral_connection_ref_handle (connection);
  virDomainPtr dom = virDomainLookupByName (conn, name);
  char *xml;

  g_assert_nonnull (dom);
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  virDomainFree (dom);
  virConnectClose (conn);
  return xml;
}

static CorralGuestConfig *
fetch (CorralGuest *guest)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CorralGuestConfig *config;

  corral_guest_fetch_config_async (guest, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  config = corral_guest_fetch_config_finish (guest, result, &error);
  g_assert_no_error (error);
  return config;
}

static gboolean
apply (CorralGuest      *guest,
       CorralGuestEdit  *edit,
       GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gboolean needs_restart = TRUE;
  gboolean ok;

  corral_guest_edit_set_helper_client (edit, helper);
  corral_guest_apply_edit_async (guest, edit, NULL, async_cb, &result);
  WAIT_FOR (result != NULL);
  ok = corral_guest_apply_edit_finish (guest, result, &needs_restart, error);
  if (!ok)
    g_test_message ("refused: %s", (*error)->message);
  g_assert_false (ok && needs_restart);   /* a shut-off guest: nothing waits for a restart */
  return ok;
}

static gboolean
contains (const char *haystack,
          const char *needle)
{
  return strstr (haystack, needle) != NULL;
}

static void
test_add_grow_remove (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralGuestEdit) edit = NULL;
  g_autoptr(CorralGuestConfig) config = NULL;
  g_autofree char *dev = g_strdup_printf ("<source dev='/dev/%s/lvedit-vda'/>", vg);
  g_autofree char *volumes = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *before = NULL;
  g_autofree char *want = NULL;
  virConnectPtr conn = _corral_connection_ref_handle (connection);
  virDomainPtr dom = virDomainDefineXML (conn, "<domain type='test'><name>lvedit</name><memory>65536</memory>"
                                               "<os><type>hvm</type></os></domain>");
  CorralGuest *guest;

  g_assert_nonnull (dom);
  virDomainFree (dom);
  virConnectClose (conn);
  WAIT_FOR ((guest = corral_test_find_guest (connection, "lvedit")) != NULL);

  /* add: a new tagged logical volume, the guest's raw block disk */
  edit = corral_guest_edit_new ();
  corral_guest_edit_add_disk (edit, CORRAL_NEW_DISK_LVM, vg, 16 * MiB);
  g_assert_true (apply (guest, edit, &error));
  g_assert_no_error (error);
  g_clear_pointer (&edit, corral_guest_edit_unref);
  volumes = lvs ();
  g_test_message ("after the add: %s", volumes);
  g_assert_true (contains (volumes, "lvedit-vda:16777216:corral"));
  xml = domain_xml ("lvedit");
  g_assert_true (contains (xml, "<disk type='block' device='disk'>"));
  g_assert_true (contains (xml, dev));
  config = fetch (guest);
  {
    GPtrArray *disks = corral_guest_config_get_disks (config);
    CorralGuestDiskInfo *disk;

    g_assert_cmpuint (disks->len, ==, 1);
    disk = g_ptr_array_index (disks, 0);
    g_assert_cmpstr (disk->lvm_group, ==, vg);
    g_assert_cmpstr (disk->lvm_name, ==, "lvedit-vda");
    g_test_message ("capacity as read back: %" G_GUINT64_FORMAT, disk->capacity);
  }

  /* grow, through the helper's ResizeVolume */
  edit = corral_guest_edit_new ();
  corral_guest_edit_resize_disk (edit, "vda", 40 * MiB);
  g_assert_true (apply (guest, edit, &error));
  g_assert_no_error (error);
  g_clear_pointer (&edit, corral_guest_edit_unref);
  g_free (volumes);
  volumes = lvs ();
  g_assert_true (contains (volumes, "lvedit-vda:41943040:corral"));

  /* larger than the group's free space: refused, nothing changed */
  before = domain_xml ("lvedit");
  edit = corral_guest_edit_new ();
  corral_guest_edit_resize_disk (edit, "vda", 4096 * MiB);
  g_assert_false (apply (guest, edit, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NO_SPACE);
  g_test_message ("the user reads: %s", error->message);
  want = g_strdup_printf ("Not enough free space in “%s”: ", vg);
  g_assert_true (g_str_has_prefix (error->message, want));
  g_clear_error (&error);
  g_clear_pointer (&edit, corral_guest_edit_unref);
  edit = corral_guest_edit_new ();
  corral_guest_edit_add_disk (edit, CORRAL_NEW_DISK_LVM, vg, 4096 * MiB);
  g_assert_false (apply (guest, edit, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_EDIT_NO_SPACE);
  g_clear_error (&error);
  g_clear_pointer (&edit, corral_guest_edit_unref);
  g_free (xml);
  xml = domain_xml ("lvedit");
  g_assert_cmpstr (xml, ==, before);
  g_free (volumes);
  volumes = lvs ();
  g_assert_true (contains (volumes, "lvedit-vda:41943040:corral"));
  g_assert_false (contains (volumes, "lvedit-vdb"));

  /* remove, keeping the volume, is not asked for here: remove with it */
  edit = corral_guest_edit_new ();
  corral_guest_edit_remove_disk (edit, "vda", TRUE);
  g_assert_true (apply (guest, edit, &error));
  g_assert_no_error (error);
  g_clear_pointer (&edit, corral_guest_edit_unref);
  g_free (volumes);
  volumes = lvs ();
  g_assert_false (contains (volumes, "lvedit-vda"));
  g_free (xml);
  xml = domain_xml ("lvedit");
  g_assert_false (contains (xml, "<disk"));
}

/* removing the disk but not its storage keeps the volume */
static void
test_remove_keeps_volume (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CorralGuestEdit) edit = NULL;
  g_autofree char *volumes = NULL;
  g_autofree char *xml = NULL;
  CorralGuest *guest;

  WAIT_FOR ((guest = corral_test_find_guest (connection, "lvedit")) != NULL);
  edit = corral_guest_edit_new ();
  corral_guest_edit_add_disk (edit, CORRAL_NEW_DISK_LVM, vg, 8 * MiB);
  g_assert_true (apply (guest, edit, &error));
  g_assert_no_error (error);
  g_clear_pointer (&edit, corral_guest_edit_unref);
  edit = corral_guest_edit_new ();
  corral_guest_edit_remove_disk (edit, "vda", FALSE);
  g_assert_true (apply (guest, edit, &error));
  g_assert_no_error (error);
  volumes = lvs ();
  g_assert_true (contains (volumes, "lvedit-vda:8388608:corral"));
  xml = domain_xml ("lvedit");
  g_assert_false (contains (xml, "<disk"));

  /* the helper's own remove, as the test's cleanup */
  {
    g_autoptr(GAsyncResult) result = NULL;

    corral_helper_client_remove_volume_async (helper, vg, "lvedit-vda", NULL, async_cb, &result);
    WAIT_FOR (result != NULL);
    g_assert_true (corral_helper_client_remove_volume_finish (helper, result, &error));
    g_assert_no_error (error);
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  vg = g_getenv ("CORRAL_TEST_VG");
  if (vg == NULL || g_getenv ("DBUS_SYSTEM_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("run by test-wizard-lvm.py (a volume group and corral-helper on a private bus)");
      return g_test_run ();
    }

  helper = corral_helper_client_new (NULL);
  connection = corral_test_open_connection ("test:///default");

  g_test_add_func ("/edit/lvm/add-grow-remove", test_add_grow_remove);
  g_test_add_func ("/edit/lvm/remove-keeps-volume", test_remove_keeps_volume);
  ret = g_test_run ();

  g_object_unref (helper);
  g_object_unref (connection);
  return ret;
}
