/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Clones of a guest (corral-guest-clone) against libvirt's test driver on a host of the test's own
 * (node.xml, which says what each guest is). Each refusal's message word for word; what a clone's
 * definition keeps and what it gets new; the original unchanged; cleanup when stopped midway; a base
 * that another guest's disk uses is not deleted with its guest. */
#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-clone.h"

#define TIMEOUT_S 20

#include "corral-test-util.h"

#define GiB (1024ULL * 1024 * 1024)

static const char *node_path;

typedef CorralTestNode Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  corral_test_node_open (fixture, node_path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  corral_test_node_close (fixture);
}

static CorralCloneSource *
read_source (Fixture    *fixture,
             const char *name)
{
  CorralGuest *guest = corral_test_find_guest (fixture->connection, name);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CorralCloneSource *source;

  g_assert_nonnull (guest);
  corral_guest_read_clone_source_async (guest, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  source = corral_guest_read_clone_source_finish (guest, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (source);
  return source;
}

typedef struct
{
  double last;
  guint  calls;
  gboolean freed;
  gboolean called_after_finish;
  gboolean finished;
} ProgressSeen;

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  ProgressSeen *seen = user_data;

  g_assert_cmpfloat (fraction, >=, seen->last);
  seen->last = fraction;
  seen->calls++;
  if (seen->finished)
    seen->called_after_finish = TRUE;
}

static void
progress_free (gpointer user_data)
{
  ((ProgressSeen *) user_data)->freed = TRUE;
}

static gboolean
clone (Fixture             *fixture,
       const char          *name,
       const char * const  *names,
       CorralCloneMode      mode,
       GCancellable        *cancellable,
       ProgressSeen        *seen,
       GError             **error)
{
  CorralGuest *guest = corral_test_find_guest (fixture->connection, name);
  g_autoptr(GAsyncResult) result = NULL;
  ProgressSeen ignored = { 0 };
  gboolean ok;

  if (seen == NULL)
    seen = &ignored;
  corral_guest_clone_async (guest, names, mode, cancellable, progress_cb, seen, progress_free, corral_test_keep_result,
                            &result);
  WAIT_FOR (result != NULL);
  seen->finished = TRUE;
  ok = corral_guest_clone_finish (guest, result, error);
  g_clear_object (&result);
  corral_test_drain (50);
  g_assert_true (seen->freed);
  g_assert_false (seen->called_after_finish);
  return ok;
}

static char *
domain_xml (Fixture    *fixture,
            const char *name)
{
  virDomainPtr vdom = virDomainLookupByName (fixture->conn, name);
  char *xml, *copy;

  g_assert_nonnull (vdom);
  xml = virDomainGetXMLDesc (vdom, VIR_DOMAIN_XML_INACTIVE);
  copy = g_strdup (xml);
  free (xml);
  virDomainFree (vdom);
  return copy;
}

static gboolean
domain_exists (Fixture    *fixture,
               const char *name)
{
  virDomainPtr vdom = virDomainLookupByName (fixture->conn, name);

  if (vdom == NULL)
    {
      virResetLastError ();
      return FALSE;
    }
  virDomainFree (vdom);
  return TRUE;
}

/* The value of an XPath expression in @xml, or NULL. */
static char *
xpath (const char *xml,
       const char *expression)
{
  xmlDocPtr doc = xmlReadMemory (xml, strlen (xml), "x.xml", NULL, XML_PARSE_NONET);
  xmlXPathContextPtr ctx;
  xmlXPathObjectPtr obj;
  char *value = NULL;

  g_assert_nonnull (doc);
  ctx = xmlXPathNewContext (doc);
  xmlXPathRegisterNs (ctx, (const xmlChar *) "corral", (const xmlChar *) "https://corralvm.org/xmlns/corral/1.0");
  obj = xmlXPathEvalExpression ((const xmlChar *) expression, ctx);
  if (obj != NULL && obj->type == XPATH_NODESET && obj->nodesetval != NULL && obj->nodesetval->nodeNr > 0)
    {
      xmlChar *content = xmlNodeGetContent (obj->nodesetval->nodeTab[0]);

      value = g_strdup ((const char *) content);
      xmlFree (content);
    }
  else if (obj != NULL && obj->type == XPATH_STRING)
    value = g_strdup ((const char *) obj->stringval);
  xmlXPathFreeObject (obj);
  xmlXPathFreeContext (ctx);
  xmlFreeDoc (doc);
  return value;
}

static int
by_name (const void *a,
         const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static GStrv
pool_volumes (Fixture *fixture)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (fixture->conn, "lab");
  virStorageVolPtr *vols = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  GStrv result;
  int n;

  g_assert_nonnull (pool);
  n = virStoragePoolListAllVolumes (pool, &vols, 0);
  g_assert_cmpint (n, >=, 0);
  for (int i = 0; i < n; i++)
    {
      g_strv_builder_add (names, virStorageVolGetName (vols[i]));
      virStorageVolFree (vols[i]);
    }
  free (vols);
  virStoragePoolFree (pool);
  result = g_strv_builder_end (names);
  qsort (result, g_strv_length (result), sizeof (char *), by_name);
  return result;
}

static char *
volume_backing (Fixture    *fixture,
                const char *path)
{
  virStorageVolPtr vol = virStorageVolLookupByPath (fixture->conn, path);
  char *xml;
  char *backing;

  g_assert_nonnull (vol);
  xml = virStorageVolGetXMLDesc (vol, 0);
  backing = xpath (xml, "/volume/backingStore/path");
  free (xml);
  virStorageVolFree (vol);
  return backing;
}

static void
assert_check (CorralCloneSource  *source,
              const char * const *names,
              CorralCloneMode     mode,
              gint                code,
              const char         *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (corral_clone_source_check (source, names, mode, &error));
  g_assert_error (error, CORRAL_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_names (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(CorralCloneSource) web = read_source (fixture, "web");
  g_autoptr(CorralCloneSource) node1 = read_source (fixture, "node1");
  g_autoptr(CorralCloneSource) debian = read_source (fixture, "debian12");
  g_auto(GStrv) lone = corral_clone_source_suggest_names (debian, 2);
  g_auto(GStrv) one = corral_clone_source_suggest_names (web, 1);
  g_auto(GStrv) three = corral_clone_source_suggest_names (web, 3);
  g_auto(GStrv) group = corral_clone_source_suggest_names (node1, 2);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstrv (one, ((const char *[]) { "web-clone", NULL }));
  g_assert_cmpstrv (three, ((const char *[]) { "web-clone-1", "web-clone-2", "web-clone-3", NULL }));
  /* node1 … node3 exist: the group goes on */
  g_assert_cmpstrv (group, ((const char *[]) { "node4", "node5", NULL }));
  /* a name ending in a number is not a group of its own */
  g_assert_cmpstrv (lone, ((const char *[]) { "debian12-clone-1", "debian12-clone-2", NULL }));

  g_assert_true (corral_clone_source_check (web, (const char * const *) one, CORRAL_CLONE_FULL, &error));
  g_assert_no_error (error);

  assert_check (web, (const char *[]) { "db", NULL }, CORRAL_CLONE_FULL, CORRAL_ERROR_SPEC_NAME_TAKEN,
                "A guest called “db” exists already: choose another name");
  assert_check (web, (const char *[]) { "ok", "web", NULL }, CORRAL_CLONE_FULL, CORRAL_ERROR_SPEC_NAME_TAKEN,
                "A guest called “web” exists already: choose another name");
  assert_check (web, (const char *[]) { "web copy", NULL }, CORRAL_CLONE_FULL, CORRAL_ERROR_SPEC_NAME,
                "The name may only contain letters, digits, “-”, “_” and “.”");
  assert_check (web, (const char *[]) { "", NULL }, CORRAL_CLONE_FULL, CORRAL_ERROR_SPEC_NAME,
                "Give the guest a name");
  assert_check (web, (const char *[]) { "twin", "twin", NULL }, CORRAL_CLONE_FULL,
                CORRAL_ERROR_SPEC_NAME_TAKEN, "“twin” is given twice: each clone needs a name of its own");
  assert_check (web, (const char *[]) { NULL }, CORRAL_CLONE_FULL, CORRAL_ERROR_SPEC_COUNT,
                "Make between 1 and 16 clones at once");
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CorralCloneSource) db = read_source (fixture, "db");
  g_autoptr(CorralCloneSource) raw = read_source (fixture, "raw");
  g_autoptr(CorralCloneSource) plain = read_source (fixture, "plain");
  g_autoptr(CorralCloneSource) lvm = read_source (fixture, "lvm");
  g_autoptr(CorralCloneSource) web = read_source (fixture, "web");
  const char *names[] = { "x", NULL };
  g_auto(GStrv) before = pool_volumes (fixture);
  g_auto(GStrv) after = NULL;
  g_autofree char *reason = NULL;
  GError *error = NULL;

  g_assert_true (corral_clone_source_is_running (db));
  assert_check (db, names, CORRAL_CLONE_FULL, CORRAL_ERROR_CLONE_RUNNING,
                "“db” is running: shut it down before cloning it");

  g_assert_true (corral_clone_source_supports (raw, CORRAL_CLONE_FULL, NULL));
  g_assert_false (corral_clone_source_supports (raw, CORRAL_CLONE_LINKED, &reason));
  g_assert_cmpstr (reason, ==, "Linked clones need qcow2 disks, and sda is raw: make full copies instead");
  assert_check (raw, names, CORRAL_CLONE_LINKED, CORRAL_ERROR_CLONE_UNSUPPORTED,
                "Linked clones need qcow2 disks, and sda is raw: make full copies instead");
  assert_check (plain, names, CORRAL_CLONE_FULL, CORRAL_ERROR_CLONE_UNSUPPORTED,
                "vda (/srv/plain/plain.qcow2) is not in a storage pool: Corral copies disks through "
                "libvirt’s storage pools only");
  assert_check (lvm, names, CORRAL_CLONE_FULL, CORRAL_ERROR_CLONE_UNSUPPORTED,
                "vda is an LVM volume, and corral-helper cannot copy logical volumes yet: Corral cannot "
                "clone this guest");

  /* space: 20 GiB a copy, 76 GiB free in "lab" */
  g_assert_cmpuint (corral_clone_source_get_available (web), ==, 76 * GiB);
  g_assert_cmpuint (corral_clone_source_get_needed (web, CORRAL_CLONE_FULL, 3), ==, 60 * GiB);
  g_assert_cmpuint (corral_clone_source_get_needed (web, CORRAL_CLONE_LINKED, 3), ==, 4 * 1024 * 1024);
  /* a full copy of an overlay holds its base's data too */
  {
    g_autoptr(CorralCloneSource) child = read_source (fixture, "child");

    g_assert_cmpuint (corral_clone_source_get_needed (child, CORRAL_CLONE_FULL, 2), ==, 2 * GiB);
  }
  g_assert_true (corral_clone_source_check (web, (const char *[]) { "a", "b", "c", NULL }, CORRAL_CLONE_FULL,
                                            &error));
  g_assert_no_error (error);
  assert_check (web, (const char *[]) { "a", "b", "c", "d", NULL }, CORRAL_CLONE_FULL,
                CORRAL_ERROR_CLONE_NO_SPACE,
                "Not enough space in the storage pool “lab”: the clones need 80.0\u00a0GiB, 76.0\u00a0GiB are free");
  /* the real call refuses the same, having made nothing */
  g_assert_false (clone (fixture, "web", (const char *[]) { "a", "b", "c", "d", NULL }, CORRAL_CLONE_FULL, NULL,
                         NULL, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_NO_SPACE);
  g_clear_error (&error);
  g_assert_false (clone (fixture, "db", names, CORRAL_CLONE_FULL, NULL, NULL, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_RUNNING);
  g_clear_error (&error);
  after = pool_volumes (fixture);
  g_assert_cmpstrv (after, before);
  g_assert_false (domain_exists (fixture, "a"));
  g_assert_false (domain_exists (fixture, "x"));

  /* a volume of the clone's disk's name is there already */
  assert_check (web, (const char *[]) { "spare", NULL }, CORRAL_CLONE_FULL, CORRAL_ERROR_CONFLICT,
                "The storage pool “lab” has a volume called “spare-vda.qcow2” already: choose another name");
}

static void
test_full (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *before = domain_xml (fixture, "web");
  g_autofree char *after = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *value = NULL;
  g_autofree char *other = NULL;
  g_autofree char *other_xml = NULL;
  g_autoptr(GError) error = NULL;
  ProgressSeen seen = { 0 };
  virStorageVolPtr vol;
  virStorageVolInfo info;

  g_assert_true (clone (fixture, "web", (const char *[]) { "web-clone", "web2", NULL }, CORRAL_CLONE_FULL, NULL,
                        &seen, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (seen.last, ==, 1.0);
  g_assert_cmpuint (seen.calls, >=, 2);
  /* both appear in Corral's list */
  WAIT_FOR (corral_test_find_guest (fixture->connection, "web-clone") != NULL &&
            corral_test_find_guest (fixture->connection, "web2") != NULL);

  /* the original is unchanged */
  after = domain_xml (fixture, "web");
  g_assert_cmpstr (after, ==, before);

  xml = domain_xml (fixture, "web-clone");
  /* a UUID and a MAC address of its own */
  value = xpath (xml, "/domain/uuid");
  g_assert_nonnull (value);
  g_assert_cmpstr (value, !=, "8c1f4d3a-0000-4000-8000-000000000001");
  g_clear_pointer (&value, g_free);
  value = xpath (xml, "string(/domain/devices/interface/mac/@address)");
  g_assert_true (g_str_has_prefix (value, "52:54:00:"));
  g_assert_cmpstr (value, !=, "52:54:00:11:22:33");
  other_xml = domain_xml (fixture, "web2");
  other = xpath (other_xml, "string(/domain/devices/interface/mac/@address)");
  g_assert_cmpstr (other, !=, value);
  g_clear_pointer (&value, g_free);
  /* title and description kept; Corral's install marker not */
  value = xpath (xml, "/domain/title");
  g_assert_cmpstr (value, ==, "Web server");
  g_clear_pointer (&value, g_free);
  value = xpath (xml, "/domain/description");
  g_assert_cmpstr (value, ==, "serves pages");
  g_clear_pointer (&value, g_free);
  value = xpath (after, "string(count(/domain/metadata/corral:install))");
  g_assert_cmpstr (value, ==, "1");
  g_clear_pointer (&value, g_free);
  value = xpath (xml, "string(count(/domain/metadata/corral:install))");
  g_assert_cmpstr (value, ==, "0");
  g_clear_pointer (&value, g_free);
  /* the graphics port is libvirt's to choose; the serial log is the clone's own */
  value = xpath (xml, "string(/domain/devices/graphics/@autoport)");
  g_assert_cmpstr (value, ==, "yes");
  g_clear_pointer (&value, g_free);
  value = xpath (xml, "string(/domain/devices/serial/log/@file)");
  g_assert_cmpstr (value, ==, "/var/log/libvirt/qemu/web-clone-serial.log");
  g_clear_pointer (&value, g_free);
  /* its own disk, a copy in the same pool; the same ISO */
  value = xpath (xml, "string(/domain/devices/disk[@device='disk']/source/@file)");
  g_assert_cmpstr (value, ==, "/lab/web-clone-vda.qcow2");
  g_clear_pointer (&value, g_free);
  value = xpath (xml, "string(/domain/devices/disk[@device='cdrom']/source/@file)");
  g_assert_cmpstr (value, ==, "/tmp/x.iso");
  g_clear_pointer (&value, g_free);
  vol = virStorageVolLookupByPath (fixture->conn, "/lab/web-clone-vda.qcow2");
  g_assert_nonnull (vol);
  g_assert_cmpint (virStorageVolGetInfo (vol, &info), ==, 0);
  g_assert_cmpuint (info.capacity, ==, 40 * GiB);
  virStorageVolFree (vol);
  value = volume_backing (fixture, "/lab/web-clone-vda.qcow2");
  g_assert_null (value);
}

static void
test_linked (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *value = NULL;
  CorralGuest *guest;
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_true (clone (fixture, "app", (const char *[]) { "app-1", "app-2", NULL }, CORRAL_CLONE_LINKED, NULL,
                        NULL, &error));
  g_assert_no_error (error);

  /* each clone on an overlay of the old disk, which is now the base */
  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("app-%u", i);
      g_autofree char *path = g_strdup_printf ("/lab/app-%u-vda.qcow2", i);
      g_autofree char *clone_xml = domain_xml (fixture, name);
      g_autofree char *source = xpath (clone_xml, "string(/domain/devices/disk/source/@file)");
      g_autofree char *backing = NULL;

      g_assert_cmpstr (source, ==, path);
      backing = volume_backing (fixture, path);
      g_assert_cmpstr (backing, ==, "/lab/app.qcow2");
    }
  /* and so is the guest itself, with nothing else of it changed */
  xml = domain_xml (fixture, "app");
  value = xpath (xml, "string(/domain/devices/disk/source/@file)");
  g_assert_cmpstr (value, ==, "/lab/app-vda-2.qcow2");
  g_clear_pointer (&value, g_free);
  value = volume_backing (fixture, "/lab/app-vda-2.qcow2");
  g_assert_cmpstr (value, ==, "/lab/app.qcow2");
  g_clear_pointer (&value, g_free);
  value = xpath (xml, "string(/domain/devices/interface/mac/@address)");
  g_assert_cmpstr (value, ==, "52:54:00:11:22:44");
  g_clear_pointer (&value, g_free);
  value = xpath (xml, "/domain/uuid");
  g_assert_cmpstr (value, ==, "8c1f4d3a-0000-4000-8000-000000000003");

  /* a clone goes with its storage: only its overlay, the base stays */
  guest = corral_test_find_guest (fixture->connection, "app-1");
  corral_guest_delete_async (guest, TRUE, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (corral_guest_delete_finish (guest, result, &error));
  g_assert_no_error (error);
  g_assert_false (domain_exists (fixture, "app-1"));
  g_clear_pointer (&value, g_free);
  value = volume_backing (fixture, "/lab/app-2-vda.qcow2");
  g_assert_cmpstr (value, ==, "/lab/app.qcow2");
}

static void
test_linked_snapshots (Fixture       *fixture,
                       gconstpointer  data)
{
  virDomainPtr vdom = virDomainLookupByName (fixture->conn, "app");
  virDomainSnapshotPtr snap;
  g_autoptr(CorralCloneSource) app = NULL;

  g_assert_nonnull (vdom);
  snap = virDomainSnapshotCreateXML (vdom, "<domainsnapshot><name>s</name></domainsnapshot>", 0);
  g_assert_nonnull (snap);
  virDomainSnapshotFree (snap);
  virDomainFree (vdom);

  app = read_source (fixture, "app");
  g_assert_true (corral_clone_source_supports (app, CORRAL_CLONE_FULL, NULL));
  assert_check (app, (const char *[]) { "x", NULL }, CORRAL_CLONE_LINKED, CORRAL_ERROR_CLONE_UNSUPPORTED,
                "“app” has snapshots, which live in its disks, and a linked clone turns them into a "
                "read-only base: delete the snapshots first, or make full copies");
}

static void
test_cancel_cleans_up (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(GStrv) before = pool_volumes (fixture);
  g_auto(GStrv) after = NULL;
  g_autofree char *xml_before = domain_xml (fixture, "app");
  g_autofree char *xml_after = NULL;
  g_autoptr(GError) error = NULL;

  /* stopped after the first disk was copied: that copy goes, nothing is defined */
  g_cancellable_cancel (cancellable);
  g_assert_false (clone (fixture, "web", (const char *[]) { "w1", "w2", NULL }, CORRAL_CLONE_FULL, cancellable,
                         NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  /* linked: nor is the guest moved onto an overlay */
  g_assert_false (clone (fixture, "app", (const char *[]) { "a1", NULL }, CORRAL_CLONE_LINKED, cancellable, NULL,
                         &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  after = pool_volumes (fixture);
  g_assert_cmpstrv (after, before);
  g_assert_false (domain_exists (fixture, "w1"));
  g_assert_false (domain_exists (fixture, "w2"));
  g_assert_false (domain_exists (fixture, "a1"));
  xml_after = domain_xml (fixture, "app");
  g_assert_cmpstr (xml_after, ==, xml_before);
}

static void
test_base_not_deleted (Fixture       *fixture,
                       gconstpointer  data)
{
  CorralGuest *tmpl = corral_test_find_guest (fixture->connection, "tmpl");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) before = pool_volumes (fixture);
  g_auto(GStrv) after = NULL;

  corral_guest_delete_async (tmpl, TRUE, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  g_assert_false (corral_guest_delete_finish (tmpl, result, &error));
  g_assert_error (error, CORRAL_ERROR, CORRAL_ERROR_BASE_IN_USE);
  g_assert_cmpstr (error->message, ==, "“tmpl” cannot be deleted with its storage: its disk /lab/base.qcow2 is "
                                       "the base of “child”’s disk. Delete “child” first, or keep the storage.");
  g_assert_true (domain_exists (fixture, "tmpl"));
  after = pool_volumes (fixture);
  g_assert_cmpstrv (after, before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  node_path = argv[1];

  g_test_add ("/clone/names", Fixture, NULL, fixture_setup, test_names, fixture_teardown);
  g_test_add ("/clone/refusals", Fixture, NULL, fixture_setup, test_refusals, fixture_teardown);
  g_test_add ("/clone/full", Fixture, NULL, fixture_setup, test_full, fixture_teardown);
  g_test_add ("/clone/linked", Fixture, NULL, fixture_setup, test_linked, fixture_teardown);
  g_test_add ("/clone/linked-snapshots", Fixture, NULL, fixture_setup, test_linked_snapshots, fixture_teardown);
  g_test_add ("/clone/cancel-cleans-up", Fixture, NULL, fixture_setup, test_cancel_cleans_up, fixture_teardown);
  g_test_add ("/clone/base-not-deleted", Fixture, NULL, fixture_setup, test_base_not_deleted, fixture_teardown);
  return g_test_run ();
}
