/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper"

#include "config.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "corral-helper-error.h"
#include "corral-helper-libvirt.h"
#include "corral-helper-validate.h"

static char *libvirt_uri;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathObject, xmlXPathFreeObject)

static void
quiet_error_cb (void        *data,
                virErrorPtr  err)
{
  /* Errors are reported through GError, not printed by libvirt. */
}

void
corral_helper_libvirt_init (void)
{
  const char *uri = g_getenv ("CORRAL_HELPER_LIBVIRT_URI");

  g_free (libvirt_uri);
  libvirt_uri = g_strdup (uri != NULL && uri[0] != '\0' ? uri : "qemu:///system");
  virInitialize ();
  virSetErrorFunc (NULL, quiet_error_cb);
}

const char *
corral_helper_libvirt_uri (void)
{
  return libvirt_uri != NULL ? libvirt_uri : "qemu:///system";
}

void
corral_guest_target_free (CorralGuestTarget *target)
{
  if (target == NULL)
    return;
  g_free (target->mac);
  g_free (target->network);
  g_free (target->address);
  g_free (target);
}

static gboolean
libvirt_failed (GError     **error,
                const char  *what)
{
  const char *msg = virGetLastErrorMessage ();

  g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
               "%s: %s", what, msg != NULL ? msg : "unknown libvirt error");
  return FALSE;
}

static char *
xpath_string (xmlXPathContext *ctx,
              xmlNode         *node,
              const char      *expr)
{
  g_autoptr(xmlXPathObject) obj = NULL;
  xmlChar *str;
  char *ret;

  ctx->node = node;
  obj = xmlXPathEvalExpression ((const xmlChar *) expr, ctx);
  if (obj == NULL || obj->type != XPATH_NODESET || obj->nodesetval == NULL ||
      obj->nodesetval->nodeNr == 0)
    return NULL;

  str = xmlNodeGetContent (obj->nodesetval->nodeTab[0]);
  ret = g_strdup ((const char *) str);
  xmlFree (str);
  return ret;
}

static xmlXPathObject *
xpath_nodes (xmlXPathContext *ctx,
             xmlNode         *node,
             const char      *expr)
{
  ctx->node = node;
  return xmlXPathEvalExpression ((const xmlChar *) expr, ctx);
}

static xmlDoc *
parse_xml (const char  *xml,
           GError     **error)
{
  xmlDoc *doc = xmlReadMemory (xml, (int) strlen (xml), "libvirt.xml", NULL,
                               XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

  if (doc == NULL)
    g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                 "libvirt returned XML that cannot be parsed");
  return doc;
}

typedef struct
{
  guint32 gateway;
  guint32 mask;
  guint32 range_start;
  guint32 range_end;
  char   *reserved;     /* the host entry's address for our MAC, if any */
  GArray *taken;        /* guint32: gateway, other host entries */
  char   *bad_reason;   /* why this network is no forward target */
} NetworkInfo;

static void
network_info_clear (NetworkInfo *info)
{
  g_clear_pointer (&info->reserved, g_free);
  g_clear_pointer (&info->taken, g_array_unref);
  g_clear_pointer (&info->bad_reason, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NetworkInfo, network_info_clear)

static guint32
prefix_to_mask (guint prefix)
{
  return prefix == 0 ? 0 : 0xffffffffu << (32 - MIN (prefix, 32));
}

static gboolean
read_network (const char   *xml,
              const char   *mac,
              NetworkInfo  *info,
              GError      **error)
{
  g_autoptr(xmlDoc) doc = parse_xml (xml, error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(xmlXPathObject) hosts = NULL;
  g_autofree char *forward = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *address = NULL;
  g_autofree char *netmask = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  xmlNode *root;

  if (doc == NULL)
    return FALSE;

  info->taken = g_array_new (FALSE, FALSE, sizeof (guint32));
  ctx = xmlXPathNewContext (doc);
  root = xmlDocGetRootElement (doc);

  /* NAT is <forward mode='nat'/>, or <forward/> with no mode. */
  forward = xpath_string (ctx, root, "/network/forward");
  mode = xpath_string (ctx, root, "/network/forward/@mode");
  if (forward == NULL || (mode != NULL && !g_str_equal (mode, "nat")))
    {
      info->bad_reason = g_strdup_printf ("its forward mode is “%s”, not “nat”",
                                          forward == NULL ? "none (isolated)" : mode);
      return TRUE;
    }

  address = xpath_string (ctx, root, "/network/ip[not(@family) or @family='ipv4']/@address");
  netmask = xpath_string (ctx, root, "/network/ip[not(@family) or @family='ipv4']/@netmask");
  prefix = xpath_string (ctx, root, "/network/ip[not(@family) or @family='ipv4']/@prefix");
  start = xpath_string (ctx, root, "/network/ip[not(@family) or @family='ipv4']/dhcp/range/@start");
  end = xpath_string (ctx, root, "/network/ip[not(@family) or @family='ipv4']/dhcp/range/@end");

  if (address == NULL || !corral_parse_ipv4 (address, &info->gateway) ||
      start == NULL || !corral_parse_ipv4 (start, &info->range_start) ||
      end == NULL || !corral_parse_ipv4 (end, &info->range_end))
    {
      info->bad_reason = g_strdup ("it has no IPv4 DHCP range");
      return TRUE;
    }

  if (netmask != NULL)
    {
      guint32 m;

      if (!corral_parse_ipv4 (netmask, &m))
        m = 0xffffff00u;
      info->mask = m;
    }
  else
    {
      guint64 p = 24;

      if (prefix != NULL)
        g_ascii_string_to_unsigned (prefix, 10, 0, 32, &p, NULL);
      info->mask = prefix_to_mask ((guint) p);
    }

  g_array_append_val (info->taken, info->gateway);

  hosts = xpath_nodes (ctx, root, "/network/ip[not(@family) or @family='ipv4']/dhcp/host");
  if (hosts != NULL && hosts->nodesetval != NULL)
    for (int i = 0; i < hosts->nodesetval->nodeNr; i++)
      {
        xmlNode *host = hosts->nodesetval->nodeTab[i];
        g_autofree char *host_mac = xpath_string (ctx, host, "@mac");
        g_autofree char *host_ip = xpath_string (ctx, host, "@ip");
        guint32 ip;

        if (host_ip == NULL || !corral_parse_ipv4 (host_ip, &ip))
          continue;
        if (host_mac != NULL && g_ascii_strcasecmp (host_mac, mac) == 0)
          info->reserved = g_strdup (host_ip);
        else
          g_array_append_val (info->taken, ip);
      }

  return TRUE;
}

static gboolean
in_subnet (const NetworkInfo *info,
           guint32            ip)
{
  return (ip & info->mask) == (info->gateway & info->mask) &&
         ip != (info->gateway & info->mask) && ip != (info->gateway | ~info->mask) &&
         ip != info->gateway;
}

static gboolean
is_taken (const NetworkInfo *info,
          guint32            ip)
{
  for (guint i = 0; i < info->taken->len; i++)
    if (g_array_index (info->taken, guint32, i) == ip)
      return TRUE;
  return FALSE;
}

static char *
ipv4_to_string (guint32 ip)
{
  return g_strdup_printf ("%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
}

/* The guest's leased address if it has one, else the first free address in
 * the DHCP range (not the gateway, not another host's reservation, not
 * another guest's lease). */
static char *
choose_address (virNetworkPtr  net,
                const char    *mac,
                NetworkInfo   *info,
                GError       **error)
{
  virNetworkDHCPLeasePtr *leases = NULL;
  g_autofree char *mine = NULL;
  int n;

  n = virNetworkGetDHCPLeases (net, NULL, &leases, 0);
  for (int i = 0; i < MAX (n, 0); i++)
    {
      guint32 ip;

      if (leases[i]->type == VIR_IP_ADDR_TYPE_IPV4 && leases[i]->ipaddr != NULL &&
          corral_parse_ipv4 (leases[i]->ipaddr, &ip))
        {
          if (mine == NULL && leases[i]->mac != NULL &&
              g_ascii_strcasecmp (leases[i]->mac, mac) == 0 &&
              in_subnet (info, ip) && !is_taken (info, ip))
            mine = g_strdup (leases[i]->ipaddr);
          else
            g_array_append_val (info->taken, ip);
        }
      virNetworkDHCPLeaseFree (leases[i]);
    }
  free (leases);

  if (mine != NULL)
    return g_steal_pointer (&mine);

  for (guint32 ip = info->range_start; ip <= info->range_end && ip >= info->range_start; ip++)
    if (in_subnet (info, ip) && !is_taken (info, ip))
      return ipv4_to_string (ip);

  g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
               "The network has no free address left in its DHCP range");
  return NULL;
}

static gboolean
pin_address (virConnectPtr   conn,
             const char     *network,
             const char     *mac,
             char          **out_address,
             char          **bad_reason,
             GError        **error)
{
  g_auto(NetworkInfo) info = { 0 };
  g_autofree char *xml = NULL;
  g_autofree char *address = NULL;
  g_autofree char *host = NULL;
  virNetworkPtr net;
  guint32 ip;
  unsigned int flags = 0;
  gboolean ok = FALSE;

  net = virNetworkLookupByName (conn, network);
  if (net == NULL)
    {
      *bad_reason = g_strdup ("it does not exist");
      return TRUE;
    }

  xml = virNetworkGetXMLDesc (net, 0);
  if (xml == NULL)
    {
      libvirt_failed (error, "Could not read the network's configuration");
      goto out;
    }

  if (!read_network (xml, mac, &info, error))
    goto out;
  if (info.bad_reason != NULL)
    {
      *bad_reason = g_steal_pointer (&info.bad_reason);
      ok = TRUE;
      goto out;
    }

  if (info.reserved != NULL)
    {
      if (!corral_parse_ipv4 (info.reserved, &ip) || !in_subnet (&info, ip))
        {
          *bad_reason = g_strdup_printf ("its reservation %s is outside the network",
                                         info.reserved);
          ok = TRUE;
          goto out;
        }
      *out_address = g_steal_pointer (&info.reserved);
      ok = TRUE;
      goto out;
    }

  address = choose_address (net, mac, &info, error);
  if (address == NULL)
    goto out;

  if (virNetworkIsActive (net) == 1)
    flags |= VIR_NETWORK_UPDATE_AFFECT_LIVE;
  if (virNetworkIsPersistent (net) == 1)
    flags |= VIR_NETWORK_UPDATE_AFFECT_CONFIG;

  host = g_strdup_printf ("<host mac='%s' ip='%s'/>", mac, address);
  if (virNetworkUpdate (net, VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
                        VIR_NETWORK_SECTION_IP_DHCP_HOST, -1, host, flags) != 0)
    {
      libvirt_failed (error, "Could not add a DHCP host reservation");
      goto out;
    }

  *out_address = g_steal_pointer (&address);
  ok = TRUE;

out:
  virNetworkFree (net);
  return ok;
}

CorralGuestTarget *
corral_libvirt_pin_guest (const char  *uuid,
                          GError     **error)
{
  g_autoptr(CorralGuestTarget) target = NULL;
  g_autoptr(GString) reasons = g_string_new (NULL);
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(xmlXPathObject) ifaces = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *name = NULL;
  virConnectPtr conn;
  virDomainPtr dom = NULL;

  conn = virConnectOpen (corral_helper_libvirt_uri ());
  if (conn == NULL)
    {
      g_autofree char *what = g_strdup_printf ("Could not connect to libvirt at %s",
                                               corral_helper_libvirt_uri ());
      libvirt_failed (error, what);
      return NULL;
    }

  dom = virDomainLookupByUUIDString (conn, uuid);
  if (dom == NULL)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_NOT_FOUND,
                   "There is no guest with UUID %s", uuid);
      goto out;
    }

  xml = virDomainGetXMLDesc (dom, 0);
  if (xml == NULL)
    {
      libvirt_failed (error, "Could not read the guest's configuration");
      goto out;
    }

  doc = parse_xml (xml, error);
  if (doc == NULL)
    goto out;
  ctx = xmlXPathNewContext (doc);
  name = xpath_string (ctx, xmlDocGetRootElement (doc), "/domain/name");

  ifaces = xpath_nodes (ctx, xmlDocGetRootElement (doc),
                        "/domain/devices/interface[@type='network']");
  if (ifaces != NULL && ifaces->nodesetval != NULL)
    for (int i = 0; i < ifaces->nodesetval->nodeNr && target == NULL; i++)
      {
        xmlNode *iface = ifaces->nodesetval->nodeTab[i];
        g_autofree char *network = xpath_string (ctx, iface, "source/@network");
        g_autofree char *mac = xpath_string (ctx, iface, "mac/@address");
        g_autofree char *address = NULL;
        g_autofree char *bad_reason = NULL;

        if (network == NULL || mac == NULL)
          continue;

        if (!pin_address (conn, network, mac, &address, &bad_reason, error))
          goto out;

        if (address == NULL)
          {
            g_string_append_printf (reasons, "%snetwork “%s” is not a NAT network forwards can "
                                    "lead into: %s", reasons->len ? "; " : "", network, bad_reason);
            continue;
          }

        target = g_new0 (CorralGuestTarget, 1);
        target->mac = g_ascii_strdown (mac, -1);
        target->network = g_steal_pointer (&network);
        target->address = g_steal_pointer (&address);
        target->running = virDomainIsActive (dom) == 1;
      }

  if (target == NULL)
    g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_UNSUPPORTED,
                 "Guest “%s” has no interface on a libvirt NAT network%s%s",
                 name != NULL ? name : uuid, reasons->len ? ": " : "", reasons->str);

out:
  if (dom != NULL)
    virDomainFree (dom);
  virConnectClose (conn);
  return g_steal_pointer (&target);
}
