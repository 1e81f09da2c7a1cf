/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper"

#include "config.h"

#include <gio/gunixinputstream.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "corral-forward-store.h"
#include "corral-helper-hook.h"
#include "corral-helper-hook-private.h"
#include "corral-helper-validate.h"

/* libvirt waits for the hook while it starts the guest: never for long. */
#define HOOK_LOCK_TIMEOUT_MS (10 * 1000)
#define MAX_XML_SIZE         (16 * 1024 * 1024)

typedef struct
{
  const char *uuid;
  gboolean    start;
} HookEdit;

static gboolean
hook_edit (GPtrArray   *forwards,
           GHashTable  *active,
           gboolean    *changed,
           gpointer     user_data,
           GError     **error)
{
  HookEdit *edit = user_data;
  gboolean has_forwards = FALSE;

  for (guint i = 0; i < forwards->len && !has_forwards; i++)
    {
      const CorralForwardRecord *f = g_ptr_array_index (forwards, i);

      has_forwards = g_str_equal (f->guest_uuid, edit->uuid);
    }

  /* A guest without forwards costs nothing: the firewall is not touched. */
  if (edit->start)
    {
      if (!has_forwards)
        return TRUE;
      g_hash_table_add (active, g_strdup (edit->uuid));
    }
  else
    {
      if (!has_forwards && !g_hash_table_contains (active, edit->uuid))
        return TRUE;
      g_hash_table_remove (active, edit->uuid);
    }

  *changed = TRUE;
  return TRUE;
}

static char *
read_stdin (void)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint8 buf[8192];
  gssize n;

  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    if (bytes->len < MAX_XML_SIZE)
      g_byte_array_append (bytes, buf, (guint) n);

  g_byte_array_append (bytes, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);
}

char *
_corral_helper_hook_domain_uuid (const char *xml,
                                 gsize       length)
{
  xmlDoc *doc;
  xmlXPathContext *ctx;
  xmlXPathObject *obj;
  char *uuid = NULL;

  if (length > G_MAXINT)
    return NULL;
  doc = xmlReadMemory (xml, (int) length, "domain.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    return NULL;

  ctx = xmlXPathNewContext (doc);
  obj = xmlXPathEvalExpression ((const xmlChar *) "/domain/uuid", ctx);
  if (obj != NULL && obj->type == XPATH_NODESET && obj->nodesetval != NULL &&
      obj->nodesetval->nodeNr > 0)
    {
      xmlChar *str = xmlNodeGetContent (obj->nodesetval->nodeTab[0]);

      uuid = g_strstrip (g_ascii_strdown ((const char *) str, -1));
      xmlFree (str);
    }

  xmlXPathFreeObject (obj);
  xmlXPathFreeContext (ctx);
  xmlFreeDoc (doc);
  return uuid;
}

static int
qemu_hook (int    argc,
           char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = read_stdin ();
  g_autofree char *uuid = NULL;
  const char *operation;
  HookEdit edit = { NULL, FALSE };

  if (argc < 2)
    return 0;
  operation = argv[1];

  if (g_str_equal (operation, "start") || g_str_equal (operation, "started") ||
      g_str_equal (operation, "reconnect"))
    edit.start = TRUE;
  else if (g_str_equal (operation, "stopped") || g_str_equal (operation, "release"))
    edit.start = FALSE;
  else
    return 0;

  uuid = _corral_helper_hook_domain_uuid (xml, strlen (xml));
  if (uuid == NULL || !corral_validate_uuid (uuid, NULL))
    {
      g_printerr ("corral-helper hook: no guest UUID in the domain XML of “%s”\n", argv[0]);
      return 0;
    }
  edit.uuid = uuid;

  if (!corral_forward_store_transact (HOOK_LOCK_TIMEOUT_MS, hook_edit, &edit, &error))
    g_printerr ("corral-helper hook: %s %s: forwards not %s: %s\n", argv[0], operation,
                edit.start ? "applied" : "removed", error->message);
  return 0;
}

static int
network_hook (int    argc,
              char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) active = NULL;
  g_autofree char *xml = read_stdin ();

  /* A network that (re)started brought libvirt's rules back in front of
   * ours: put ours back ahead of them. */
  if (argc < 2 || !g_str_equal (argv[1], "started"))
    return 0;

  active = corral_forward_store_load_active_guests (&error);
  if (active == NULL || g_hash_table_size (active) == 0)
    {
      if (error != NULL)
        g_printerr ("corral-helper hook: network %s: %s\n", argv[0], error->message);
      return 0;
    }

  if (!corral_forward_store_transact (HOOK_LOCK_TIMEOUT_MS, NULL, NULL, &error))
    g_printerr ("corral-helper hook: network %s started: forwards not applied: %s\n",
                argv[0], error->message);
  return 0;
}

int
corral_helper_hook_run (const char  *kind,
                        int          argc,
                        char       **argv)
{
  if (g_strcmp0 (kind, "qemu") == 0)
    return qemu_hook (argc, argv);
  if (g_strcmp0 (kind, "network") == 0)
    return network_hook (argc, argv);

  g_printerr ("corral-helper: unknown hook kind “%s” (expected qemu or network)\n", kind);
  return 0;
}

int
corral_helper_apply_run (void)
{
  g_autoptr(GError) error = NULL;

  if (!corral_forward_store_transact (HOOK_LOCK_TIMEOUT_MS, NULL, NULL, &error))
    {
      g_printerr ("corral-helper: %s\n", error->message);
      return 1;
    }
  return 0;
}
