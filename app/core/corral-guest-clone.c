/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-clone"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "corral-cloud-init-private.h"
#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-guest-clone.h"
#include "corral-guest-clone-private.h"
#include "corral-guest-config-private.h"
#include "corral-guest-install-private.h"
#include "corral-guest-spec.h"

/* How often a full copy's progress is looked at. */
#define POLL_INTERVAL_MS 250

static char *
last_error (void)
{
  const char *message = virGetLastErrorMessage ();
  char *copy = g_strdup (message != NULL ? message : _("unknown error"));

  virResetLastError ();
  return copy;
}

/* --- the clone's definition --- */

static void
remove_children (xmlNodePtr  node,
                 const char *name)
{
  xmlNodePtr child = node != NULL ? node->children : NULL;

  while (child != NULL)
    {
      xmlNodePtr next = child->next;

      if (child->type == XML_ELEMENT_NODE && strcmp ((const char *) child->name, name) == 0)
        {
          xmlUnlinkNode (child);
          xmlFreeNode (child);
        }
      child = next;
    }
}

/* A file of the guest's named after it (a serial log): named after the clone instead. */
static void
rename_path_prop (xmlNodePtr  node,
                  const char *prop,
                  const char *old_name,
                  const char *new_name)
{
  g_autofree char *path = _corral_xml_prop (node, prop);
  g_autofree char *dir = NULL;
  g_autofree char *basename = NULL;
  g_autoptr(GString) base = NULL;
  g_autofree char *renamed = NULL;

  if (path == NULL)
    return;
  dir = g_path_get_dirname (path);
  basename = g_path_get_basename (path);
  base = g_string_new (basename);
  if (g_string_replace (base, old_name, new_name, 0) == 0)
    return;
  renamed = g_build_filename (dir, base->str, NULL);
  xmlSetProp (node, (const xmlChar *) prop, (const xmlChar *) renamed);
}

typedef struct
{
  char *pool;
  char *volume;
  char *path;
  gboolean seed;  /* the cloud-init seed CD-ROM: its driver stays raw */
} NewDisk;

static void
new_disk_free (NewDisk *disk)
{
  g_free (disk->pool);
  g_free (disk->volume);
  g_free (disk->path);
  g_free (disk);
}

/* Points each disk named in @new_disks (target → NewDisk) at its new volume, as qcow2 when @qcow2. */
static void
replace_disks (xmlNodePtr  devices,
               GHashTable *new_disks,
               gboolean    qcow2)
{
  for (xmlNodePtr node = devices != NULL ? devices->children : NULL; node != NULL; node = node->next)
    {
      g_autofree char *target = NULL;
      g_autofree char *type = NULL;
      NewDisk *disk;
      xmlNodePtr source;

      if (node->type != XML_ELEMENT_NODE || strcmp ((const char *) node->name, "disk") != 0)
        continue;
      target = _corral_xml_prop (_corral_xml_child (node, "target"), "dev");
      disk = target != NULL ? g_hash_table_lookup (new_disks, target) : NULL;
      if (disk == NULL)
        continue;
      type = _corral_xml_prop (node, "type");
      remove_children (node, "source");
      remove_children (node, "backingStore");
      remove_children (node, "wwn");
      source = xmlNewNode (NULL, (const xmlChar *) "source");
      if (g_strcmp0 (type, "volume") == 0)
        {
          xmlSetProp (source, (const xmlChar *) "pool", (const xmlChar *) disk->pool);
          xmlSetProp (source, (const xmlChar *) "volume", (const xmlChar *) disk->volume);
        }
      else if (g_strcmp0 (type, "block") == 0)
        xmlSetProp (source, (const xmlChar *) "dev", (const xmlChar *) disk->path);
      else
        {
          xmlSetProp (node, (const xmlChar *) "type", (const xmlChar *) "file");
          xmlSetProp (source, (const xmlChar *) "file", (const xmlChar *) disk->path);
        }
      /* <source> right after <driver>, as libvirt writes it */
      if (_corral_xml_child (node, "driver") != NULL)
        xmlAddNextSibling (_corral_xml_child (node, "driver"), source);
      else if (node->children != NULL)
        xmlAddPrevSibling (node->children, source);
      else
        xmlAddChild (node, source);
      if (qcow2 && !disk->seed)
        {
          xmlNodePtr driver = _corral_xml_child (node, "driver");

          if (driver == NULL)
            {
              driver = xmlNewNode (NULL, (const xmlChar *) "driver");
              xmlSetProp (driver, (const xmlChar *) "name", (const xmlChar *) "qemu");
              xmlAddPrevSibling (source, driver);
            }
          xmlSetProp (driver, (const xmlChar *) "type", (const xmlChar *) "qcow2");
        }
    }
}

static char *
dump_xml (xmlDocPtr doc)
{
  xmlChar *out = NULL;
  int len = 0;
  char *xml;

  xmlDocDumpFormatMemory (doc, &out, &len, 1);
  xml = g_strndup ((const char *) out, len);
  xmlFree (out);
  return xml;
}

/* Corral's <cloud/> element: @node itself or one inside it. */
static xmlNodePtr
find_cloud (xmlNodePtr node)
{
  if (node->type != XML_ELEMENT_NODE)
    return NULL;
  if (strcmp ((const char *) node->name, "cloud") == 0)
    return node;
  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      xmlNodePtr found = find_cloud (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
build_clone_xml (const char  *source_xml,
                 const char  *source_name,
                 const char  *name,
                 GHashTable  *new_disks,
                 gboolean     qcow2,
                 GError     **error)
{
  xmlDocPtr doc = _corral_clone_parse_xml (source_xml, error);
  xmlNodePtr root, devices, metadata, os;
  g_autofree char *cloud_user = NULL;
  char *xml;

  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);

  xmlNodeSetContent (_corral_xml_child (root, "name"), (const xmlChar *) name);
  remove_children (root, "uuid");     /* libvirt makes a new one */
  remove_children (root, "genid");

  /* Corral's own metadata (an install run's marker, a group's name) is the guest's, not its
   * clones'; but a clone of a guest made from a cloud image has its user too (<corral:cloud
   * user=…/>, alone or inside <corral:group/>) */
  metadata = _corral_xml_child (root, "metadata");
  for (xmlNodePtr node = metadata != NULL ? metadata->children : NULL, next; node != NULL; node = next)
    {
      next = node->next;
      if (node->ns != NULL && g_strcmp0 ((const char *) node->ns->href, CORRAL_XMLNS) == 0)
        {
          xmlNodePtr cloud = find_cloud (node);

          if (cloud_user == NULL && cloud != NULL)
            cloud_user = _corral_xml_prop (cloud, "user");
          xmlUnlinkNode (node);
          xmlFreeNode (node);
        }
    }
  if (cloud_user != NULL)
    {
      xmlNodePtr cloud = xmlNewChild (metadata, NULL, (const xmlChar *) "cloud", NULL);

      xmlSetNs (cloud, xmlNewNs (cloud, (const xmlChar *) CORRAL_XMLNS,
                                 (const xmlChar *) "corral"));
      xmlSetProp (cloud, (const xmlChar *) "user", (const xmlChar *) cloud_user);
    }

  /* UEFI variables: libvirt makes the clone a fresh store from the firmware's template */
  os = _corral_xml_child (root, "os");
  remove_children (os, "nvram");

  devices = _corral_xml_child (root, "devices");
  replace_disks (devices, new_disks, qcow2);
  for (xmlNodePtr node = devices != NULL ? devices->children : NULL; node != NULL; node = node->next)
    {
      const char *element = (const char *) node->name;

      if (node->type != XML_ELEMENT_NODE)
        continue;
      if (strcmp (element, "interface") == 0)
        {
          /* libvirt makes new MAC addresses (so DHCP reservations stay the guest's) and device names */
          remove_children (node, "mac");
          remove_children (node, "target");
        }
      else if (strcmp (element, "graphics") == 0)
        {
          gboolean had_port = xmlHasProp (node, (const xmlChar *) "port") != NULL;

          xmlUnsetProp (node, (const xmlChar *) "port");
          xmlUnsetProp (node, (const xmlChar *) "tlsPort");
          xmlUnsetProp (node, (const xmlChar *) "websocket");
          xmlUnsetProp (node, (const xmlChar *) "socket");
          if (had_port)
            xmlSetProp (node, (const xmlChar *) "autoport", (const xmlChar *) "yes");
          for (xmlNodePtr listen = node->children; listen != NULL; listen = listen->next)
            if (listen->type == XML_ELEMENT_NODE && strcmp ((const char *) listen->name, "listen") == 0)
              xmlUnsetProp (listen, (const xmlChar *) "socket");
        }
      else if (strcmp (element, "serial") == 0 || strcmp (element, "console") == 0 ||
               strcmp (element, "channel") == 0 || strcmp (element, "parallel") == 0)
        {
          rename_path_prop (_corral_xml_child (node, "source"), "path", source_name, name);
          rename_path_prop (_corral_xml_child (node, "log"), "file", source_name, name);
        }
    }

  xml = dump_xml (doc);
  xmlFreeDoc (doc);
  return xml;
}

/* --- making the clones --- */

typedef struct
{
  gatomicrefcount          ref_count;
  GMainContext            *context;
  CorralCloneProgressFunc  func;
  gpointer                 data;
  GDestroyNotify           notify;
} Progress;

static Progress *
progress_ref (Progress *progress)
{
  g_atomic_ref_count_inc (&progress->ref_count);
  return progress;
}

static void
progress_unref (Progress *progress)
{
  if (!g_atomic_ref_count_dec (&progress->ref_count))
    return;
  if (progress->notify != NULL)
    progress->notify (progress->data);
  g_main_context_unref (progress->context);
  g_free (progress);
}

typedef struct
{
  Progress *progress;
  double    fraction;
} Report;

static void
report_free (Report *report)
{
  progress_unref (report->progress);
  g_free (report);
}

static gboolean
report_cb (gpointer user_data)
{
  Report *report = user_data;

  report->progress->func (report->fraction, report->progress->data);
  return G_SOURCE_REMOVE;
}

static void
report (Progress *progress,
        double    fraction)
{
  Report *r;

  if (progress == NULL || progress->func == NULL)
    return;
  r = g_new0 (Report, 1);
  r->progress = progress_ref (progress);
  r->fraction = CLAMP (fraction, 0.0, 1.0);
  g_main_context_invoke_full (progress->context, G_PRIORITY_DEFAULT, report_cb, r,
                              (GDestroyNotify) report_free);
}

/* While virStorageVolCreateXMLFrom copies (it blocks its thread), another thread looks at how much of the
 * new volume is written. */
typedef struct
{
  Progress          *progress;
  virStoragePoolPtr  pool;
  char              *volume;
  guint64            done_before;
  guint64            expected;
  guint64            total;
  gint               stop;
} Poll;

static gpointer
poll_thread (gpointer user_data)
{
  Poll *poll = user_data;

  while (!g_atomic_int_get (&poll->stop))
    {
      virStorageVolPtr vol;
      virStorageVolInfo info;

      for (guint waited = 0; waited < POLL_INTERVAL_MS && !g_atomic_int_get (&poll->stop); waited += 25)
        g_usleep (25 * 1000);
      if (g_atomic_int_get (&poll->stop))
        break;
      vol = virStorageVolLookupByName (poll->pool, poll->volume);
      if (vol != NULL && virStorageVolGetInfo (vol, &info) == 0)
        report (poll->progress,
                (double) (poll->done_before + MIN (info.allocation, poll->expected)) / poll->total);
      if (vol != NULL)
        virStorageVolFree (vol);
      virResetLastError ();
    }
  return NULL;
}

typedef struct
{
  char             *uuid;
  virConnectPtr     conn;
  GStrv             names;
  CorralCloneMode   mode;
  Progress         *progress;
} Op;

static void
op_free (Op *op)
{
  g_free (op->uuid);
  if (op->conn != NULL)
    virConnectClose (op->conn);
  g_strfreev (op->names);
  if (op->progress != NULL)
    progress_unref (op->progress);
  g_free (op);
}

static char *
volume_xml (const char *name,
            CloneDisk  *disk,
            const char *format,
            guint64     allocation,
            const char *backing)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autofree char *esc_name = g_markup_escape_text (name, -1);

  g_string_append_printf (xml, "<volume><name>%s</name>"
                               "<capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>"
                               "<allocation unit='bytes'>%" G_GUINT64_FORMAT "</allocation>"
                               "<target><format type='%s'/></target>",
                          esc_name, disk->capacity, allocation, format);
  if (backing != NULL)
    {
      g_autofree char *esc_backing = g_markup_escape_text (backing, -1);

      g_string_append_printf (xml, "<backingStore><path>%s</path><format type='qcow2'/></backingStore>",
                              esc_backing);
    }
  g_string_append (xml, "</volume>");
  return g_string_free (g_steal_pointer (&xml), FALSE);
}

/* Makes volume @name in @disk's pool: a copy of it, or (@linked) an overlay on it. */
static virStorageVolPtr
make_volume (virConnectPtr   conn,
             CloneDisk      *disk,
             const char     *name,
             gboolean        linked,
             Progress       *progress,
             guint64         done_before,
             guint64         total,
             GError        **error)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, disk->pool);
  virStorageVolPtr from = pool != NULL ? virStorageVolLookupByName (pool, disk->volume) : NULL;
  virStorageVolPtr vol = NULL;
  g_autofree char *xml = NULL;

  if (from == NULL)
    {
      g_autofree char *message = last_error ();

      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED, _("Could not find the volume of %s: %s"),
                   disk->target, message);
      if (pool != NULL)
        virStoragePoolFree (pool);
      return NULL;
    }

  if (linked)
    {
      xml = volume_xml (name, disk, "qcow2", 0, disk->path);
      vol = virStorageVolCreateXML (pool, xml, 0);
    }
  else
    {
      Poll poll = { progress, pool, (char *) name, done_before, MAX (disk->allocation, 1), MAX (total, 1),
                    0 };
      GThread *poller = g_thread_new ("corral-clone-poll", poll_thread, &poll);

      xml = volume_xml (name, disk, disk->format != NULL ? disk->format : "raw", disk->allocation, NULL);
      vol = virStorageVolCreateXMLFrom (pool, xml, from, 0);
      g_atomic_int_set (&poll.stop, 1);
      g_thread_join (poller);
    }
  if (vol == NULL)
    {
      g_autofree char *message = last_error ();

      if (linked)
        g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED,
                     _("Could not make an overlay of %s in the storage pool “%s”: %s"), disk->target,
                     disk->pool, message);
      else
        g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED,
                     _("Could not copy %s in the storage pool “%s”: %s"), disk->target, disk->pool, message);
    }
  virStorageVolFree (from);
  virStoragePoolFree (pool);
  return vol;
}

static NewDisk *
new_disk_from_volume (virStorageVolPtr  vol,
                      const char       *pool)
{
  NewDisk *disk = g_new0 (NewDisk, 1);
  char *path = virStorageVolGetPath (vol);

  disk->pool = g_strdup (pool);
  disk->volume = g_strdup (virStorageVolGetName (vol));
  disk->path = g_strdup (path);
  free (path);
  return disk;
}

static void
undo (GPtrArray *domains,
      GPtrArray *volumes)
{
  for (guint i = 0; i < domains->len; i++)
    {
      virDomainPtr dom = g_ptr_array_index (domains, i);

      if (virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_NVRAM) < 0 && virDomainUndefine (dom) < 0)
        g_warning ("Could not remove the half-made clone %s: %s", virDomainGetName (dom),
                   virGetLastErrorMessage ());
      virResetLastError ();
    }
  for (guint i = 0; i < volumes->len; i++)
    {
      virStorageVolPtr vol = g_ptr_array_index (volumes, i);

      if (virStorageVolDelete (vol, 0) < 0)
        g_warning ("Could not delete the half-made volume %s: %s", virStorageVolGetName (vol),
                   virGetLastErrorMessage ());
      virResetLastError ();
    }
}

static void
clone_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Op *op = task_data;
  gboolean linked = op->mode == CORRAL_CLONE_LINKED;
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func ((GDestroyNotify) virDomainFree);
  g_autoptr(GPtrArray) volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) virStorageVolFree);
  g_autoptr(CorralCloneSource) source = NULL;
  g_autoptr(GError) error = NULL;
  guint count = g_strv_length (op->names);
  guint64 total = 0, done = 0;
  guint steps, step = 0;
  g_autofree char *user_data = NULL;
  virDomainPtr vdom;

  vdom = virDomainLookupByUUIDString (op->conn, op->uuid);
  if (vdom == NULL)
    {
      g_autofree char *message = last_error ();

      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_FOUND, _("The guest is gone: %s"),
                               message);
      return;
    }
  source = _corral_clone_source_read (op->conn, vdom, &error);
  virDomainFree (vdom);
  if (source == NULL ||
      !corral_clone_source_check (source, (const char * const *) op->names, op->mode, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* the guest's cloud-init user-data, for the clones' own seeds: refused before anything is made
   * when it is not as Corral writes it */
  if (source->seed != NULL)
    {
      g_autofree char *first = NULL;

      if (!_corral_clone_seed_read (op->conn, source->seed, &user_data, &error) ||
          (first = _corral_cloud_user_data_set_host_name (user_data, op->names[0], &error)) == NULL)
        {
          if (first == NULL && user_data != NULL)
            g_prefix_error (&error, _("The cloud-init seed of “%s”: "), source->name);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  for (guint d = 0; d < source->disks->len; d++)
    total += ((CloneDisk *) g_ptr_array_index (source->disks, d))->allocation * count;
  steps = source->disks->len * (count + (linked ? 1 : 0)) + count + (linked ? 1 : 0);
  report (op->progress, 0.0);

  for (guint i = 0; i < count; i++)
    {
      g_autoptr(GHashTable) new_disks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                               (GDestroyNotify) new_disk_free);
      g_autofree char *xml = NULL;
      virDomainPtr clone;

      for (guint d = 0; d < source->disks->len; d++)
        {
          CloneDisk *disk = g_ptr_array_index (source->disks, d);
          g_autofree char *name = _corral_clone_volume_name (op->names[i], disk, op->mode);
          virStorageVolPtr vol = make_volume (op->conn, disk, name, linked, op->progress, done, total,
                                              &error);

          if (vol == NULL)
            goto failed;
          g_ptr_array_add (volumes, vol);
          g_hash_table_insert (new_disks, g_strdup (disk->target), new_disk_from_volume (vol, disk->pool));
          done += disk->allocation;
          step++;
          report (op->progress, linked ? (double) step / steps : (double) done / MAX (total, 1));
          if (g_cancellable_set_error_if_cancelled (cancellable, &error))
            goto failed;
        }

      if (source->seed != NULL)
        {
          virStorageVolPtr vol = _corral_clone_seed_make (op->conn, source->seed, user_data,
                                                          op->names[i], volumes, &error);
          NewDisk *seed;

          if (vol == NULL)
            goto failed;
          seed = new_disk_from_volume (vol, source->seed->pool);
          seed->seed = TRUE;
          g_hash_table_insert (new_disks, g_strdup (source->seed->target), seed);
          if (g_cancellable_set_error_if_cancelled (cancellable, &error))
            goto failed;
        }

      xml = build_clone_xml (source->xml, source->name, op->names[i], new_disks, linked, &error);
      if (xml == NULL)
        goto failed;
      clone = virDomainDefineXML (op->conn, xml);
      if (clone == NULL)
        {
          g_autofree char *message = last_error ();

          g_set_error (&error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED, _("Could not define “%s”: %s"),
                       op->names[i], message);
          goto failed;
        }
      g_ptr_array_add (domains, clone);
      step++;
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto failed;
    }

  if (linked && source->disks->len > 0)
    {
      /* The guest itself moves onto an overlay: its old disk, the clones' base, is written no more. */
      g_autoptr(GHashTable) new_disks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                               (GDestroyNotify) new_disk_free);
      g_autofree char *xml = NULL;
      virDomainPtr redefined;

      for (guint d = 0; d < source->disks->len; d++)
        {
          CloneDisk *disk = g_ptr_array_index (source->disks, d);
          g_autofree char *name = NULL;
          virStorageVolPtr vol;

          for (guint k = 2; name == NULL || _corral_clone_source_has_volume (source, disk->pool, name); k++)
            {
              g_free (name);
              name = g_strdup_printf ("%s-%s-%u.qcow2", source->name, disk->target, k);
            }
          vol = make_volume (op->conn, disk, name, TRUE, NULL, 0, 0, &error);
          if (vol == NULL)
            goto failed;
          g_ptr_array_add (volumes, vol);
          g_hash_table_insert (new_disks, g_strdup (disk->target), new_disk_from_volume (vol, disk->pool));
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto failed;

      /* the guest's own definition, with only its disks changed */
      {
        xmlDocPtr doc = _corral_clone_parse_xml (source->xml, &error);

        if (doc == NULL)
          goto failed;
        replace_disks (_corral_xml_child (xmlDocGetRootElement (doc), "devices"), new_disks, TRUE);
        xml = dump_xml (doc);
        xmlFreeDoc (doc);
      }
      redefined = virDomainDefineXML (op->conn, xml);
      if (redefined == NULL)
        {
          g_autofree char *message = last_error ();

          g_set_error (&error, CORRAL_ERROR, CORRAL_ERROR_CLONE_FAILED,
                       _("Could not move “%s” onto an overlay of its disk: %s"), source->name, message);
          goto failed;
        }
      virDomainFree (redefined);
    }

  report (op->progress, 1.0);
  g_task_return_boolean (task, TRUE);
  return;

failed:
  undo (domains, volumes);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
read_source_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Op *op = task_data;
  GError *error = NULL;
  CorralCloneSource *source;
  virDomainPtr vdom = virDomainLookupByUUIDString (op->conn, op->uuid);

  if (vdom == NULL)
    {
      g_autofree char *message = last_error ();

      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_FOUND, _("The guest is gone: %s"),
                               message);
      return;
    }
  source = _corral_clone_source_read (op->conn, vdom, &error);
  virDomainFree (vdom);
  if (source == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, source, (GDestroyNotify) corral_clone_source_unref);
}

static Op *
new_op (CorralGuest *guest,
        GError     **error)
{
  CorralConnection *connection = corral_guest_get_connection (guest);
  Op *op = g_new0 (Op, 1);

  op->uuid = g_strdup (corral_guest_get_uuid (guest));
  op->conn = connection != NULL ? _corral_connection_ref_handle (connection) : NULL;
  if (op->conn == NULL || op->uuid == NULL)
    {
      op_free (op);
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED, _("The connection to “%s”’s host is down"),
                   corral_guest_get_name (guest));
      return NULL;
    }
  return op;
}

void
corral_guest_read_clone_source_async (CorralGuest         *guest,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Op *op;

  g_return_if_fail (CORRAL_IS_GUEST (guest));

  task = g_task_new (guest, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_read_clone_source_async);
  op = new_op (guest, &error);
  if (op == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  g_task_run_in_thread (task, read_source_thread);
}

CorralCloneSource *
corral_guest_read_clone_source_finish (CorralGuest   *guest,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
corral_guest_clone_async (CorralGuest             *guest,
                          const char * const      *names,
                          CorralCloneMode          mode,
                          GCancellable            *cancellable,
                          CorralCloneProgressFunc  progress,
                          gpointer                 progress_data,
                          GDestroyNotify           progress_notify,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Op *op;

  g_return_if_fail (CORRAL_IS_GUEST (guest));
  g_return_if_fail (names != NULL);

  task = g_task_new (guest, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_clone_async);
  /* a cancelled clone still removes what it made before it returns */
  g_task_set_check_cancellable (task, FALSE);
  op = new_op (guest, &error);
  if (op == NULL)
    {
      if (progress_notify != NULL)
        progress_notify (progress_data);
      g_task_return_error (task, error);
      return;
    }
  op->names = g_strdupv ((char **) names);
  op->mode = mode;
  op->progress = g_new0 (Progress, 1);
  g_atomic_ref_count_init (&op->progress->ref_count);
  op->progress->context = g_main_context_ref_thread_default ();
  op->progress->func = progress;
  op->progress->data = progress_data;
  op->progress->notify = progress_notify;
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  g_task_run_in_thread (task, clone_thread);
}

gboolean
corral_guest_clone_finish (CorralGuest   *guest,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
