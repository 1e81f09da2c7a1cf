/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-forwards-check"

#include "config.h"

#include <glib/gi18n.h>
#include <ifaddrs.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "corral-connection-private.h"
#include "corral-error.h"
#include "corral-forwards-check.h"
#include "corral-forwards-check-private.h"

#define TEST_TIMEOUT_S 5

/* --- can this guest have forwards? --- */

char *
corral_forwards_check_connection (CorralConnection *connection)
{
  g_return_val_if_fail (CORRAL_IS_CONNECTION (connection), NULL);

  if (corral_connection_is_test (connection))
    return g_strdup (_("Guests of libvirt’s test driver (the demo connection) have no real "
                       "network, so they cannot have port forwards."));
  if (!corral_connection_is_local (connection))
    return g_strdup (_("Port forwards work only for guests on this computer: this guest runs on "
                       "another host. Forward ports on that host instead."));
  if (g_strcmp0 (corral_connection_get_driver (connection), "qemu") != 0)
    return g_strdup (_("Port forwards work only for QEMU/KVM guests of the system connection "
                       "(qemu:///system)."));
  if (corral_connection_is_session (connection))
    return g_strdup (_("Guests of a session connection (qemu:///session) have no libvirt NAT "
                       "network, so their ports cannot be forwarded. Use the system connection "
                       "(qemu:///system) for guests that need forwards."));
  return NULL;
}

typedef struct
{
  int        depth;
  gboolean   in_devices;
  gboolean   in_interface;
  gboolean   done;
  char      *type;       /* of the first <interface> */
  char      *source;     /* its network or bridge */
  char      *forward;    /* <network>: the <forward mode>, "nat" when the mode is left out */
} XmlScan;

static void
scan_start (GMarkupParseContext  *context,
            const char           *element,
            const char          **names,
            const char          **values,
            gpointer              user_data,
            GError              **error)
{
  XmlScan *scan = user_data;

  scan->depth++;
  if (scan->done)
    return;
  if (scan->depth == 2 && g_str_equal (element, "devices"))
    scan->in_devices = TRUE;
  else if (scan->depth == 2 && g_str_equal (element, "forward"))
    {
      const char *mode = "nat";

      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "mode"))
          mode = values[i];
      g_free (scan->forward);
      scan->forward = g_strdup (mode);
    }
  else if (scan->in_devices && scan->depth == 3 && g_str_equal (element, "interface"))
    {
      scan->in_interface = TRUE;
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "type"))
          scan->type = g_strdup (values[i]);
    }
  else if (scan->in_interface && scan->depth == 4 && g_str_equal (element, "source"))
    {
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "network") || g_str_equal (names[i], "bridge") ||
            g_str_equal (names[i], "dev"))
          {
            g_free (scan->source);
            scan->source = g_strdup (values[i]);
          }
    }
}

static void
scan_end (GMarkupParseContext  *context,
          const char           *element,
          gpointer              user_data,
          GError              **error)
{
  XmlScan *scan = user_data;

  if (scan->in_interface && scan->depth == 3)
    {
      scan->in_interface = FALSE;
      scan->done = TRUE;
    }
  if (scan->in_devices && scan->depth == 2)
    scan->in_devices = FALSE;
  scan->depth--;
}

static void
xml_scan (const char *xml,
          XmlScan    *scan)
{
  static const GMarkupParser parser = { scan_start, scan_end, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, scan, NULL);

  if (!g_markup_parse_context_parse (context, xml, -1, NULL))
    scan->done = FALSE;
}

static void
xml_scan_clear (XmlScan *scan)
{
  g_free (scan->type);
  g_free (scan->source);
  g_free (scan->forward);
}

static char *
network_reason (virConnectPtr  conn,
                const char    *name)
{
  XmlScan scan = { 0 };
  virNetworkPtr net;
  char *xml;
  char *reason = NULL;

  net = virNetworkLookupByName (conn, name);
  if (net == NULL)
    {
      virResetLastError ();
      return g_strdup_printf (_("The guest’s network “%s” does not exist, so its ports cannot be "
                                "forwarded."), name);
    }
  xml = virNetworkGetXMLDesc (net, 0);
  virNetworkFree (net);
  if (xml == NULL)
    {
      virResetLastError ();
      return NULL;  /* cannot tell: let the helper decide */
    }
  xml_scan (xml, &scan);
  free (xml);

  if (scan.forward == NULL)
    reason = g_strdup_printf (_("The guest’s network “%s” is isolated (it has no NAT), so nothing "
                                "can reach it from outside."), name);
  else if (!g_str_equal (scan.forward, "nat"))
    reason = g_strdup_printf (_("The guest’s network “%s” is not a NAT network (its mode is “%s”): "
                                "the guest is reachable at its own address and needs no "
                                "forwards."), name, scan.forward);
  xml_scan_clear (&scan);
  return reason;
}

static void
check_guest_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  CorralGuest *guest = source_object;
  CorralConnection *connection = task_data;
  GVirDomain *domain = corral_guest_get_domain (guest);
  virDomainPtr vdom = NULL;
  virConnectPtr conn = NULL;
  char *xml = NULL;
  char *reason = NULL;

  if (domain != NULL)
    g_object_get (domain, "handle", &vdom, NULL);
  if (vdom == NULL || (conn = _corral_connection_ref_handle (connection)) == NULL)
    {
      if (vdom != NULL)
        virDomainFree (vdom);
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("Not connected to the guest’s host"));
      return;
    }
  xml = virDomainGetXMLDesc (vdom, VIR_DOMAIN_XML_INACTIVE);
  virDomainFree (vdom);
  if (xml == NULL)
    virResetLastError ();  /* cannot tell: let the helper decide */
  else
    reason = _corral_forwards_check_domain (conn, xml);
  free (xml);
  virConnectClose (conn);
  g_task_return_pointer (task, reason, g_free);
}

char *
_corral_forwards_check_domain (virConnectPtr  conn,
                               const char    *domain_xml)
{
  XmlScan scan = { 0 };
  char *reason = NULL;

  g_return_val_if_fail (conn != NULL && domain_xml != NULL, NULL);

  xml_scan (domain_xml, &scan);
  if (scan.type == NULL)
    reason = g_strdup (_("The guest has no network interface."));
  else if (g_str_equal (scan.type, "network") && scan.source != NULL)
    reason = network_reason (conn, scan.source);
  else if (g_str_equal (scan.type, "bridge") || g_str_equal (scan.type, "direct"))
    reason = g_strdup_printf (_("The guest is bridged to %s: it has an address of its own on your "
                                "network, so it needs no port forwards."),
                              scan.source != NULL ? scan.source : "?");
  else if (g_str_equal (scan.type, "user"))
    reason = g_strdup (_("The guest uses user-mode networking, which has no NAT network for Corral "
                         "to forward ports to. Connect it to a libvirt NAT network."));
  else
    reason = g_strdup_printf (_("The guest’s network interface is of type “%s”, not on a libvirt "
                                "NAT network, so its ports cannot be forwarded."), scan.type);

  xml_scan_clear (&scan);
  return reason;
}

void
corral_forwards_check_guest_async (CorralGuest         *guest,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CorralConnection *connection;
  char *reason;

  g_return_if_fail (CORRAL_IS_GUEST (guest));

  task = g_task_new (guest, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_forwards_check_guest_async);
  connection = corral_guest_get_connection (guest);
  if (connection == NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NOT_CONNECTED,
                               _("Not connected to the guest’s host"));
      return;
    }
  reason = corral_forwards_check_connection (connection);
  if (reason != NULL)
    {
      g_task_return_pointer (task, reason, g_free);
      return;
    }
  g_task_set_task_data (task, g_object_ref (connection), g_object_unref);
  g_task_run_in_thread (task, check_guest_thread);
}

/* NULL with no error: forwards can apply (as far as can be told). Else the reason they cannot. */
char *
corral_forwards_check_guest_finish (CorralGuest   *guest,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- Test --- */

/* An IPv4 address of this host that is not loopback (forwards leave loopback alone). */
static GInetAddress *
host_address_for_test (void)
{
  struct ifaddrs *list = NULL;
  GInetAddress *found = NULL;

  if (getifaddrs (&list) != 0)
    return NULL;
  for (struct ifaddrs *ifa = list; ifa != NULL && found == NULL; ifa = ifa->ifa_next)
    {
      if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET ||
          (ifa->ifa_flags & IFF_LOOPBACK) || !(ifa->ifa_flags & IFF_UP))
        continue;
      const struct sockaddr_in *sin = (const struct sockaddr_in *) ifa->ifa_addr;

      found = g_inet_address_new_from_bytes ((const guint8 *) &sin->sin_addr, G_SOCKET_FAMILY_IPV4);
    }
  freeifaddrs (list);
  return found;
}

static void
test_connected_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_NO_ANSWER,
                                 "%s", error->message);
      return;
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

void
corral_forwards_test_async (const char          *host_address,
                            guint                host_port,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) target = NULL;

  g_return_if_fail (host_port > 0 && host_port <= 65535);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, corral_forwards_test_async);
  if (host_address != NULL && host_address[0] != '\0')
    address = g_inet_address_new_from_string (host_address);
  else
    address = host_address_for_test ();
  if (address == NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_FAILED,
                               _("This computer has no network address to test the forward from"));
      return;
    }
  target = g_inet_socket_address_new (address, host_port);
  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, TEST_TIMEOUT_S);
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (target), cancellable,
                                 test_connected_cb, g_steal_pointer (&task));
}

/* TRUE when something answered through the forward; else a NO_ANSWER error saying what happened. */
gboolean
corral_forwards_test_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
