/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-helper"

#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>

#include "corral-firewall.h"
#include "corral-forward-store.h"
#include "corral-helper-error.h"
#include "corral-spawn.h"

/* iptables: our own chains, each reached by one jump at the top of a
 * built-in chain. The FORWARD jump must come before libvirt's LIBVIRT_FWI,
 * whose reject would otherwise drop the forwarded connection. */
#define IPT_PRE "CORRAL_PRE"
#define IPT_OUT "CORRAL_OUT"
#define IPT_FWD "CORRAL_FWD"

/* nftables: our own table for the DNAT; the accept has to sit in libvirt's
 * guest_input chain, because an accept in another table does not override a
 * reject in libvirt's. Ours are marked with this comment. */
#define NFT_TABLE         "corral"
#define NFT_LIBVIRT_TABLE "libvirt_network"
#define NFT_LIBVIRT_CHAIN "guest_input"
#define NFT_COMMENT       "corral"

typedef struct
{
  const char *table;
  const char *builtin;
  const char *ours;
} IptJump;

static const IptJump ipt_jumps[] = {
  { "nat", "PREROUTING", IPT_PRE },
  { "nat", "OUTPUT", IPT_OUT },
  { "filter", "FORWARD", IPT_FWD },
};

const char *
corral_firewall_backend_name (CorralFirewallBackend backend)
{
  switch (backend)
    {
    case CORRAL_FIREWALL_IPTABLES:
      return "iptables";
    case CORRAL_FIREWALL_NFTABLES:
      return "nftables";
    default:
      g_assert_not_reached ();
    }
}

/* firewall_backend in /etc/libvirt/network.conf (libvirt >= 10.4), or NULL. */
static const char *
network_conf_backend (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/etc/libvirt/network.conf", &contents, NULL, NULL))
    return NULL;

  lines = g_strsplit (contents, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strdup (lines[i]);
      char *eq;

      g_strstrip (line);
      if (line[0] == '#' || !g_str_has_prefix (line, "firewall_backend"))
        continue;
      eq = strchr (line, '=');
      if (eq != NULL && strstr (eq, "\"nftables\"") != NULL)
        return "nftables";
      if (eq != NULL && strstr (eq, "\"iptables\"") != NULL)
        return "iptables";
    }

  return NULL;
}

static CorralFirewallBackend
detect_with (gboolean libvirt_table_exists)
{
  const char *configured;

  /* libvirt's own table says so whatever its configuration. */
  if (libvirt_table_exists)
    return CORRAL_FIREWALL_NFTABLES;

  /* libvirt before 10.4 (9.0 in Debian 12) has only iptables. The helper
   * is built against the system's libvirt. */
  if (LIBVIR_VERSION_NUMBER < 10004000)
    return CORRAL_FIREWALL_IPTABLES;

  /* Later ones use firewall_backend, else prefer nftables. */
  configured = network_conf_backend ();
  if (configured != NULL && g_str_equal (configured, "iptables"))
    return CORRAL_FIREWALL_IPTABLES;
  return CORRAL_FIREWALL_NFTABLES;
}

CorralFirewallBackend
corral_firewall_detect (void)
{
  const char *argv[] = { "nft", "list", "table", "ip", NFT_LIBVIRT_TABLE, NULL };

  return detect_with (corral_spawn (argv, NULL, NULL, NULL));
}

static void
append_unique (GPtrArray  *lines,
               char       *line)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_str_equal (g_ptr_array_index (lines, i), line))
      {
        g_free (line);
        return;
      }
  g_ptr_array_add (lines, line);
}

/* --- iptables --- */

typedef struct
{
  gboolean  chain_exists;
  guint     n_jumps;
  gboolean  jump_first;
  guint     n_other_rules;     /* rules of the built-in chain that are not our jump */
  gboolean  builtin_accepts;   /* the built-in chain is there with policy ACCEPT */
} IptJumpState;

static void
ipt_scan (const char   *save,
          IptJumpState  states[G_N_ELEMENTS (ipt_jumps)])
{
  g_auto(GStrv) lines = g_strsplit (save, "\n", -1);
  const char *table = "";
  g_autoptr(GHashTable) seen_builtin = NULL;

  seen_builtin = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (gsize i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (line[0] == '*')
        {
          table = line + 1;
          continue;
        }

      for (gsize j = 0; j < G_N_ELEMENTS (ipt_jumps); j++)
        {
          const IptJump *jump = &ipt_jumps[j];
          g_autofree char *decl = NULL;
          g_autofree char *rule_prefix = NULL;
          g_autofree char *jump_rule = NULL;
          g_autofree char *key = NULL;

          if (!g_str_equal (table, jump->table))
            continue;

          decl = g_strdup_printf (":%s ", jump->ours);
          if (g_str_has_prefix (line, decl))
            states[j].chain_exists = TRUE;
          g_clear_pointer (&decl, g_free);
          decl = g_strdup_printf (":%s ACCEPT ", jump->builtin);
          if (g_str_has_prefix (line, decl))
            states[j].builtin_accepts = TRUE;

          rule_prefix = g_strdup_printf ("-A %s ", jump->builtin);
          if (!g_str_has_prefix (line, rule_prefix))
            continue;

          key = g_strdup_printf ("%s/%s", jump->table, jump->builtin);
          jump_rule = g_strdup_printf ("-A %s -j %s", jump->builtin, jump->ours);
          if (g_str_equal (line, jump_rule))
            {
              states[j].n_jumps++;
              if (!g_hash_table_contains (seen_builtin, key))
                states[j].jump_first = TRUE;
            }
          else
            states[j].n_other_rules++;
          g_hash_table_add (seen_builtin, g_steal_pointer (&key));
        }
    }
}

static char *
ipt_dnat_rule (const char          *chain,
               const CorralForwardRecord *f)
{
  g_autofree char *dest = NULL;

  if (f->host_address[0] != '\0')
    dest = g_strdup_printf ("-d %s/32 ", f->host_address);

  /* --dst-type LOCAL: only connections to the host itself, so a guest's own
   * outgoing connections to that port elsewhere are left alone. */
  return g_strdup_printf ("-A %s %s-p %s -m addrtype --dst-type LOCAL -m %s --dport %u "
                          "-m comment --comment \"corral %s\" "
                          "-j DNAT --to-destination %s:%u",
                          chain, dest ? dest : "", f->protocol, f->protocol, f->host_port,
                          f->guest_uuid, f->guest_address, f->guest_port);
}

static char *
ipt_accept_rule (const CorralForwardRecord *f)
{
  /* --ctstate DNAT: only connections that came through a forward; a client
   * routing straight to the guest is still refused by libvirt. */
  return g_strdup_printf ("-A " IPT_FWD " -d %s/32 -p %s -m %s --dport %u "
                          "-m conntrack --ctstate DNAT -m comment --comment \"corral\" -j ACCEPT",
                          f->guest_address, f->protocol, f->protocol, f->guest_port);
}

/* iptables-nft makes a built-in chain (an nftables base chain) only when a rule needs it: nat
 * PREROUTING and OUTPUT usually exist just for our jumps. Once those are gone, such a chain that is
 * empty and accepts does nothing but stay behind: drop it, so that the ruleset is as it was before the
 * first forward. (iptables-legacy's built-in chains always exist: nothing to do there.) */
static gboolean
ipt_drop_empty_builtins (const char    *save,
                         IptJumpState   states[G_N_ELEMENTS (ipt_jumps)],
                         GError       **error)
{
  const char *argv[] = { "nft", "-f", "-", NULL };
  g_autoptr(GString) batch = g_string_new (NULL);

  if (strstr (save, "(nf_tables)") == NULL)
    return TRUE;
  for (gsize j = 0; j < G_N_ELEMENTS (ipt_jumps); j++)
    if (states[j].n_jumps > 0 && states[j].n_other_rules == 0 && states[j].builtin_accepts)
      g_string_append_printf (batch, "delete chain ip %s %s\n", ipt_jumps[j].table,
                              ipt_jumps[j].builtin);
  if (batch->len == 0)
    return TRUE;
  g_debug ("nft input:\n%s", batch->str);
  return corral_spawn (argv, batch->str, NULL, error);
}

static gboolean
ipt_apply (GPtrArray  *forwards,
           GError    **error)
{
  const char *save_argv[] = { "iptables-save", NULL };
  const char *restore_argv[] = { "iptables-restore", "--noflush", "--wait", NULL };
  IptJumpState states[G_N_ELEMENTS (ipt_jumps)] = { { 0 } };
  g_autofree char *save = NULL;
  g_autoptr(GString) script = g_string_new (NULL);
  gboolean want = forwards->len > 0;
  const char *tables[] = { "nat", "filter" };

  if (!corral_spawn (save_argv, NULL, &save, error))
    return FALSE;
  ipt_scan (save, states);

  for (gsize t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func (g_free);
      gboolean touched = FALSE;

      g_string_append_printf (script, "*%s\n", tables[t]);

      for (gsize j = 0; j < G_N_ELEMENTS (ipt_jumps); j++)
        {
          const IptJump *jump = &ipt_jumps[j];

          if (!g_str_equal (jump->table, tables[t]))
            continue;

          if (want)
            {
              /* Declaring a chain creates it, or (with --noflush) flushes it. */
              g_string_append_printf (script, ":%s - [0:0]\n", jump->ours);
              touched = TRUE;
              if (states[j].n_jumps != 1 || !states[j].jump_first)
                {
                  for (guint n = 0; n < states[j].n_jumps; n++)
                    g_string_append_printf (script, "-D %s -j %s\n", jump->builtin, jump->ours);
                  g_string_append_printf (script, "-I %s 1 -j %s\n", jump->builtin, jump->ours);
                }
            }
          else
            {
              for (guint n = 0; n < states[j].n_jumps; n++)
                {
                  g_string_append_printf (script, "-D %s -j %s\n", jump->builtin, jump->ours);
                  touched = TRUE;
                }
              if (states[j].chain_exists)
                {
                  g_string_append_printf (script, "-F %s\n-X %s\n", jump->ours, jump->ours);
                  touched = TRUE;
                }
            }
        }

      for (guint i = 0; i < forwards->len; i++)
        {
          const CorralForwardRecord *f = g_ptr_array_index (forwards, i);

          if (g_str_equal (tables[t], "nat"))
            {
              append_unique (rules, ipt_dnat_rule (IPT_PRE, f));
              append_unique (rules, ipt_dnat_rule (IPT_OUT, f));
            }
          else
            {
              append_unique (rules, ipt_accept_rule (f));
            }
        }

      for (guint i = 0; i < rules->len; i++)
        g_string_append_printf (script, "%s\n", (char *) g_ptr_array_index (rules, i));

      if (!touched && rules->len == 0)
        g_string_truncate (script, script->len - strlen (tables[t]) - 2);
      else
        g_string_append (script, "COMMIT\n");
    }

  if (script->len == 0)
    return TRUE;

  g_debug ("iptables-restore input:\n%s", script->str);
  if (!corral_spawn (restore_argv, script->str, NULL, error))
    return FALSE;
  return want || ipt_drop_empty_builtins (save, states, error);
}

/* --- nftables --- */

typedef struct
{
  GPtrArray *handles;         /* our rules in libvirt's guest_input chain */
  gboolean   libvirt_table;   /* libvirt's "table ip libvirt_network" exists */
  gboolean   libvirt_chain;   /* its guest_input chain exists */
  gboolean   our_table;       /* "table ip corral" exists */
} NftScan;

static void
nft_scan_clear (NftScan *scan)
{
  g_clear_pointer (&scan->handles, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NftScan, nft_scan_clear)

/* One `nft -a list ruleset`: what of ours is there. Without nft (not
 * installed, or no nf_tables), there is nothing of ours either. */
static gboolean
nft_scan (NftScan  *scan,
          GError  **error)
{
  const char *argv[] = { "nft", "-a", "list", "ruleset", NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean in_libvirt_table = FALSE;
  gboolean in_libvirt_chain = FALSE;

  scan->handles = g_ptr_array_new_with_free_func (g_free);
  if (!corral_spawn (argv, NULL, &out, NULL))
    return TRUE;

  lines = g_strsplit (out, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *handle;
      guint64 n;

      while (*line == ' ' || *line == '\t')
        line++;

      if (g_str_has_prefix (line, "table "))
        {
          in_libvirt_table = g_str_has_prefix (line, "table ip " NFT_LIBVIRT_TABLE " ");
          in_libvirt_chain = FALSE;
          scan->libvirt_table |= in_libvirt_table;
          if (g_str_has_prefix (line, "table ip " NFT_TABLE " "))
            scan->our_table = TRUE;
          continue;
        }
      if (g_str_has_prefix (line, "chain "))
        {
          in_libvirt_chain = in_libvirt_table &&
                             g_str_has_prefix (line, "chain " NFT_LIBVIRT_CHAIN " ");
          scan->libvirt_chain |= in_libvirt_chain;
          continue;
        }
      if (!in_libvirt_chain || strstr (line, "comment \"" NFT_COMMENT "\"") == NULL)
        continue;

      handle = strstr (line, "# handle ");
      if (handle == NULL ||
          !g_ascii_string_to_unsigned (handle + strlen ("# handle "), 10, 1, G_MAXUINT64, &n, NULL))
        {
          g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                       "Could not read a rule handle from nft: %s", line);
          return FALSE;
        }
      g_ptr_array_add (scan->handles, g_strdup_printf ("%" G_GUINT64_FORMAT, n));
    }

  return TRUE;
}

static char *
nft_dnat_rule (const CorralForwardRecord *f)
{
  g_autofree char *dest = NULL;

  if (f->host_address[0] != '\0')
    dest = g_strdup_printf ("ip daddr %s ", f->host_address);

  return g_strdup_printf ("    %sfib daddr type local %s dport %u "
                          "dnat to %s:%u comment \"corral %s\"",
                          dest ? dest : "", f->protocol, f->host_port,
                          f->guest_address, f->guest_port, f->guest_uuid);
}

static gboolean
nft_apply (GPtrArray      *forwards,
           const NftScan  *scan,
           GError        **error)
{
  const char *argv[] = { "nft", "-f", "-", NULL };
  GPtrArray *handles = scan->handles;
  g_autoptr(GPtrArray) dnat = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) accept = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) batch = g_string_new (NULL);
  gboolean libvirt_chain = scan->libvirt_chain;

  /* Nothing of ours and nothing wanted: leave nftables alone. */
  if (forwards->len == 0 && handles->len == 0 && !scan->our_table)
    return TRUE;

  for (guint i = 0; i < forwards->len; i++)
    {
      const CorralForwardRecord *f = g_ptr_array_index (forwards, i);

      append_unique (dnat, nft_dnat_rule (f));
      append_unique (accept, g_strdup_printf ("insert rule ip " NFT_LIBVIRT_TABLE " "
                                              NFT_LIBVIRT_CHAIN " ip daddr %s %s dport %u"
                                              " ct status dnat accept comment \""
                                              NFT_COMMENT "\"",
                                              f->guest_address, f->protocol, f->guest_port));
    }

  /* One batch, one transaction: "add" then "delete" removes our table
   * whether or not it existed, then it is built again from scratch. */
  g_string_append (batch, "add table ip " NFT_TABLE "\ndelete table ip " NFT_TABLE "\n");
  if (forwards->len > 0)
    {
      const char *hooks[][2] = { { "prerouting", "dstnat" }, { "output", "-100" } };

      g_string_append (batch, "table ip " NFT_TABLE " {\n");
      for (gsize h = 0; h < G_N_ELEMENTS (hooks); h++)
        {
          g_string_append_printf (batch,
                                  "  chain %s {\n"
                                  "    type nat hook %s priority %s; policy accept;\n",
                                  hooks[h][0], hooks[h][0], hooks[h][1]);
          for (guint i = 0; i < dnat->len; i++)
            g_string_append_printf (batch, "%s\n", (char *) g_ptr_array_index (dnat, i));
          g_string_append (batch, "  }\n");
        }
      g_string_append (batch, "}\n");
    }

  for (guint i = 0; i < handles->len; i++)
    g_string_append_printf (batch,
                            "delete rule ip " NFT_LIBVIRT_TABLE " " NFT_LIBVIRT_CHAIN
                            " handle %s\n",
                            (char *) g_ptr_array_index (handles, i));
  if (libvirt_chain)
    for (guint i = 0; i < accept->len; i++)
      g_string_append_printf (batch, "%s\n", (char *) g_ptr_array_index (accept, i));

  g_debug ("nft input:\n%s", batch->str);
  return corral_spawn (argv, batch->str, NULL, error);
}

gboolean
corral_firewall_apply (GPtrArray  *forwards,
                       GError    **error)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_auto(NftScan) scan = { 0 };

  /* One look at nftables tells the backend and what of ours is there. Rules
   * of ours left in the other backend (libvirt switched backends) are
   * removed too. */
  if (!nft_scan (&scan, error))
    return FALSE;

  switch (detect_with (scan.libvirt_table))
    {
    case CORRAL_FIREWALL_IPTABLES:
      return ipt_apply (forwards, error) && nft_apply (none, &scan, error);
    case CORRAL_FIREWALL_NFTABLES:
      return nft_apply (forwards, &scan, error) && ipt_apply (none, error);
    default:
      g_assert_not_reached ();
    }
}
