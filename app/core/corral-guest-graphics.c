/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-graphics"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt-gconfig/libvirt-gconfig.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>
#include <unistd.h>

#include "corral-connection.h"
#include "corral-error.h"
#include "corral-guest-graphics.h"

/* Opening a guest's screen: the VNC stream from libvirt itself (virDomainOpenGraphicsFD) on a local
 * connection, or the argv of an ssh tunnel to the display for a qemu+ssh:// one, as virt-viewer does.
 * The console page shows what comes back; nothing here knows of GTK. */

struct _CorralGraphics
{
  int    fd;         /* from libvirt, or -1 */
  char **ssh_argv;   /* for a tunnel, or NULL */
  char  *hostname;   /* the host at the tunnel's far end (what a TLS certificate names), or NULL */
};

static void
graphics_clear (CorralGraphics *self)
{
  if (self->fd >= 0)
    close (self->fd);
  g_strfreev (self->ssh_argv);
  g_free (self->hostname);
}

static CorralGraphics *
graphics_new (void)
{
  CorralGraphics *self = g_atomic_rc_box_new0 (CorralGraphics);

  self->fd = -1;
  return self;
}

G_DEFINE_BOXED_TYPE (CorralGraphics, corral_graphics, corral_graphics_ref, corral_graphics_unref)

CorralGraphics *
corral_graphics_ref (CorralGraphics *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
corral_graphics_unref (CorralGraphics *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_rc_box_release_full (self, (GDestroyNotify) graphics_clear);
}

/**
 * corral_graphics_steal_fd:
 *
 * Returns: the socket libvirt gave for the guest's VNC display, now the caller's to close; -1 when
 *   the display is reached through an ssh tunnel instead, or when it was taken already.
 */
int
corral_graphics_steal_fd (CorralGraphics *self)
{
  int fd;

  g_return_val_if_fail (self != NULL, -1);
  fd = self->fd;
  self->fd = -1;
  return fd;
}

/**
 * corral_graphics_get_ssh_argv:
 *
 * Returns: (nullable): the argv of an ssh whose stdin and stdout carry the guest's VNC stream (spawn
 *   it as it is, with no shell), or %NULL when libvirt gave a file descriptor.
 */
const char * const *
corral_graphics_get_ssh_argv (CorralGraphics *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->ssh_argv;
}

/* The host a TLS certificate of the display should name: the tunnel's far end; NULL for a local one. */
const char *
corral_graphics_get_tls_hostname (CorralGraphics *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->hostname;
}

/* ---- the ssh tunnel --------------------------------------------------------------------------- */

static gboolean
is_safe_remote_word (const char *s)
{
  /* goes through the remote user's shell: allow only what needs no quoting */
  if (s == NULL || *s == '\0' || *s == '-')
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("/._-+@:", *p) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * corral_graphics_build_ssh_argv:
 * @libvirt_uri: a qemu+ssh:// URI (user, host, port and the keyfile, known_hosts and no_verify
 *   parameters are used, as libvirt uses them)
 * @vnc_socket: (nullable): the guest's VNC UNIX socket on the remote host, or %NULL
 * @vnc_host: (nullable): where the VNC port listens on the remote host (default 127.0.0.1)
 * @vnc_port: the VNC TCP port when there is no socket
 *
 * The argv of an ssh whose stdin/stdout carry the guest's VNC stream, as virt-viewer does: `ssh -W`
 * for a TCP port, `nc -U` on the remote host for a UNIX socket. No local shell is involved; the
 * remote command's words are checked to need no quoting.
 */
char **
corral_graphics_build_ssh_argv (const char  *libvirt_uri,
                               const char  *vnc_socket,
                               const char  *vnc_host,
                               int          vnc_port,
                               GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *target = NULL;
  const char *scheme, *host, *user, *query, *keyfile = NULL, *known_hosts = NULL;

  g_return_val_if_fail (libvirt_uri != NULL, NULL);

  uri = g_uri_parse (libvirt_uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED_QUERY, error);
  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  user = g_uri_get_user (uri);
  if (scheme == NULL || !g_str_has_suffix (scheme, "+ssh"))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                   _("“%s” is not an ssh connection"), libvirt_uri);
      return NULL;
    }
  /* what ssh is given as its destination: checked as the add-connection dialog checks what it is typed */
  if (host == NULL || !corral_ssh_target_is_valid (host))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                   _("The connection “%s” names no usable host"), libvirt_uri);
      return NULL;
    }
  if (user != NULL)
    target = g_strconcat (user, "@", host, NULL);
  if (target != NULL && !corral_ssh_target_is_valid (target))
    {
      g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                   _("The connection “%s” names an unusable user"), libvirt_uri);
      return NULL;
    }

  query = g_uri_get_query (uri);
  if (query != NULL)
    params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);

  g_strv_builder_add_many (argv, "ssh", "-T", "-e", "none", "-o", "BatchMode=yes", NULL);
  if (g_uri_get_port (uri) > 0)
    {
      g_autofree char *port = g_strdup_printf ("%d", g_uri_get_port (uri));
      g_strv_builder_add_many (argv, "-p", port, NULL);
    }
  if (user != NULL)
    g_strv_builder_add_many (argv, "-l", user, NULL);
  if (params != NULL)
    {
      keyfile = g_hash_table_lookup (params, "keyfile");
      if (keyfile != NULL && *keyfile != '\0')
        g_strv_builder_add_many (argv, "-i", keyfile, NULL);
      if (g_strcmp0 (g_hash_table_lookup (params, "no_verify"), "1") == 0)
        g_strv_builder_add_many (argv, "-o", "StrictHostKeyChecking=no", NULL);
      known_hosts = g_hash_table_lookup (params, "known_hosts");
      if (known_hosts != NULL && *known_hosts != '\0')
        {
          g_autofree char *option = NULL;

          /* ssh splits an option's value at white space and takes quotes: allow neither */
          if (!g_path_is_absolute (known_hosts) || strpbrk (known_hosts, " \t\n\r\"'") != NULL)
            {
              g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                           _("The known hosts file “%s” cannot be given to ssh"), known_hosts);
              return NULL;
            }
          option = g_strconcat ("UserKnownHostsFile=", known_hosts, NULL);
          g_strv_builder_add_many (argv, "-o", option, NULL);
        }
    }

  if (vnc_socket != NULL)
    {
      if (!g_path_is_absolute (vnc_socket) || !is_safe_remote_word (vnc_socket))
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                       _("The guest's VNC socket path “%s” cannot be used through ssh"), vnc_socket);
          return NULL;
        }
      g_strv_builder_add_many (argv, "--", host, "nc", "-U", vnc_socket, NULL);
    }
  else
    {
      g_autofree char *vnc_target = NULL;

      if (vnc_port <= 0 || vnc_port > 65535)
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_NO_GRAPHICS,
                       _("The guest's VNC display has no port"));
          return NULL;
        }
      /* a wildcard listen address is reached on the loopback */
      if (vnc_host == NULL || *vnc_host == '\0' || g_str_equal (vnc_host, "0.0.0.0") ||
          g_str_equal (vnc_host, "::"))
        vnc_host = "127.0.0.1";
      if (!is_safe_remote_word (vnc_host))
        {
          g_set_error (error, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                       _("The guest's VNC address “%s” cannot be used through ssh"), vnc_host);
          return NULL;
        }
      vnc_target = strchr (vnc_host, ':') != NULL ? g_strdup_printf ("[%s]:%d", vnc_host, vnc_port)
                                                   : g_strdup_printf ("%s:%d", vnc_host, vnc_port);
      g_strv_builder_add_many (argv, "-W", vnc_target, "--", host, NULL);
    }

  return g_strv_builder_end (argv);
}

/* A copy of @node's attribute @name, or NULL when it has none or an empty one. */
static char *
xml_attribute (xmlNode    *node,
               const char *name)
{
  xmlChar *value = xmlGetProp (node, (const xmlChar *) name);
  char *copy = value != NULL && *value != '\0' ? g_strdup ((const char *) value) : NULL;

  xmlFree (value);
  return copy;
}

/**
 * corral_graphics_vnc_listen:
 * @graphics_xml: a domain's `<graphics type='vnc'>` element
 * @socket_path: (out) (transfer full) (nullable): the UNIX socket the display listens on, or %NULL
 * @address: (out) (transfer full) (nullable): the address its TCP port listens on, or %NULL
 *
 * Where a guest's VNC display listens, as libvirt writes it: the element's `socket` and `listen`
 * attributes, else its first `<listen>` child (`type='socket'` with `socket`, `type='address'` or
 * `type='network'` with `address`). libvirt-gconfig has no getter for the listen address. XML that
 * does not parse gives %NULL for both.
 */
void
corral_graphics_vnc_listen (const char  *graphics_xml,
                           char       **socket_path,
                           char       **address)
{
  xmlDoc *doc;
  xmlNode *root;

  *socket_path = NULL;
  *address = NULL;
  if (graphics_xml == NULL)
    return;
  doc = xmlReadMemory (graphics_xml, strlen (graphics_xml), "graphics.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    return;
  root = xmlDocGetRootElement (doc);
  if (root != NULL && xmlStrEqual (root->name, (const xmlChar *) "graphics"))
    {
      *socket_path = xml_attribute (root, "socket");
      *address = xml_attribute (root, "listen");
      for (xmlNode *child = root->children; child != NULL && *socket_path == NULL && *address == NULL;
           child = child->next)
        {
          g_autofree char *type = NULL;

          if (child->type != XML_ELEMENT_NODE || !xmlStrEqual (child->name, (const xmlChar *) "listen"))
            continue;
          type = xml_attribute (child, "type");
          if (g_strcmp0 (type, "socket") == 0)
            *socket_path = xml_attribute (child, "socket");
          else if (g_strcmp0 (type, "address") == 0 || g_strcmp0 (type, "network") == 0)
            *address = xml_attribute (child, "address");
          break;
        }
    }
  xmlFreeDoc (doc);
}

/* ---- opening ---------------------------------------------------------------------------------- */

/* Copied on the main thread: the guest's GVirDomain changes when libvirtd reconnects. */
typedef struct
{
  GVirDomain *domain;
  char       *uri;
  gboolean    local;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->domain);
  g_free (data->uri);
  g_free (data);
}

/* In a worker thread: libvirt calls may block on a busy or remote daemon. */
static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autoptr(CorralGraphics) result = NULL;
  GVirConfigDomainGraphicsVnc *vnc = NULL;
  g_autofree char *vnc_socket = NULL;
  g_autofree char *vnc_address = NULL;
  g_autofree char *vnc_xml = NULL;
  int vnc_port = -1;
  GList *devices;

  config = gvir_domain_get_config (data->domain, 0, &error);
  if (config == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  devices = gvir_config_domain_get_devices (config);
  for (GList *l = devices; l != NULL; l = l->next)
    if (vnc == NULL && GVIR_CONFIG_IS_DOMAIN_GRAPHICS_VNC (l->data))
      vnc = g_object_ref (l->data);
  g_list_free_full (devices, g_object_unref);

  if (vnc == NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NO_GRAPHICS,
                               _("This guest has no VNC graphics device"));
      return;
    }
  vnc_xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (vnc));
  corral_graphics_vnc_listen (vnc_xml, &vnc_socket, &vnc_address);
  vnc_port = gvir_config_domain_graphics_vnc_get_port (vnc);
  g_object_unref (vnc);

  result = graphics_new ();
  if (data->local)
    {
      result->fd = gvir_domain_open_graphics_fd (data->domain, 0, 0, &error);
      if (result->fd < 0)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      g_autoptr(GUri) uri = NULL;

      result->ssh_argv = corral_graphics_build_ssh_argv (data->uri, vnc_socket, vnc_address, vnc_port, &error);
      if (result->ssh_argv == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* parsed as corral_graphics_build_ssh_argv() does: the same host ssh is given */
      uri = g_uri_parse (data->uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED_QUERY, NULL);
      result->hostname = uri != NULL ? g_strdup (g_uri_get_host (uri)) : NULL;
    }

  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) corral_graphics_unref);
}

/**
 * corral_guest_open_graphics_async:
 *
 * Finds the guest's VNC display and opens the way to it: a file descriptor from libvirt on a local
 * connection, the argv of an ssh tunnel on a qemu+ssh:// one. Fails with %CORRAL_ERROR_NO_GRAPHICS
 * when the guest has no VNC display, %CORRAL_ERROR_NOT_CONNECTED while its host is not connected.
 */
void
corral_guest_open_graphics_async (CorralGuest         *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CorralConnection *connection;
  GVirDomain *domain;
  OpenData *data;

  g_return_if_fail (CORRAL_IS_GUEST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_guest_open_graphics_async);
  g_task_set_return_on_cancel (task, TRUE);

  connection = corral_guest_get_connection (self);
  /* the GVirDomain changes when libvirtd reconnects: take the current one, here on the main thread */
  domain = corral_guest_get_domain (self);
  if (connection == NULL || domain == NULL || corral_guest_get_state (self) == CORRAL_GUEST_STATE_DISCONNECTED)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("The connection to “%s”’s host is down"), corral_guest_get_name (self));
      return;
    }

  data = g_new0 (OpenData, 1);
  data->domain = g_object_ref (domain);
  data->uri = g_strdup (corral_connection_get_uri (connection));
  data->local = corral_connection_is_local (connection);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

/**
 * corral_guest_open_graphics_finish:
 *
 * Returns: (transfer full): the way to the guest's display, or %NULL with @error set.
 */
CorralGraphics *
corral_guest_open_graphics_finish (CorralGuest   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == corral_guest_open_graphics_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
