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

/* libvirt's network driver configuration, and a file of the same package
 * generated from it at build time: the augeas lens test, which holds the
 * commented-out default of network.conf as a setting. */
#define LIBVIRT_NETWORK_CONF "/etc/libvirt/network.conf"
#define LIBVIRT_NETWORK_AUG_TEST "/usr/share/augeas/lenses/tests/test_libvirtd_network.aug"

static gboolean
backend_from_name (const char            *name,
                   gsize                  len,
                   CorralFirewallBackend *backend)
{
  if (len == strlen ("iptables") && strncmp (name, "iptables", len) == 0)
    *backend = CORRAL_FIREWALL_IPTABLES;
  else if (len == strlen ("nftables") && strncmp (name, "nftables", len) == 0)
    *backend = CORRAL_FIREWALL_NFTABLES;
  else
    return FALSE;
  return TRUE;
}

/* A `firewall_backend = "NAME"` line of network.conf; @commented: only such a
 * line commented out (the default network.conf documents the built-in
 * default that way), else only a setting. The last one counts, as in libvirt's
 * own reader. */
static gboolean
network_conf_backend (const char            *contents,
                      gboolean               commented,
                      CorralFirewallBackend *backend)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  gboolean found = FALSE;

  for (gsize i = 0; lines[i] != NULL; i++)
    {
      const char *p = lines[i];
      const char *end;

      while (g_ascii_isspace (*p))
        p++;
      if ((*p == '#') != commented)
        continue;
      if (commented)
        p++;
      while (g_ascii_isspace (*p))
        p++;
      if (!g_str_has_prefix (p, "firewall_backend"))
        continue;
      p += strlen ("firewall_backend");
      while (g_ascii_isspace (*p))
        p++;
      if (*p++ != '=')
        continue;
      while (g_ascii_isspace (*p))
        p++;
      if (*p++ != '"' || (end = strchr (p, '"')) == NULL)
        continue;
      found |= backend_from_name (p, end - p, backend);
    }

  return found;
}

/* The first backend of libvirt's built-in priority list (its meson option
 * firewall_backend_priority: "nftables,iptables" upstream and in Fedora,
 * "iptables,nftables" in Debian 13), as the augeas test of the same package
 * says: { "firewall_backend" = "NAME" }. */
static gboolean
aug_test_backend (const char            *contents,
                  CorralFirewallBackend *backend)
{
  const char *key = "{ \"firewall_backend\" = \"";
  const char *p = strstr (contents, key);
  const char *end;

  if (p == NULL)
    return FALSE;
  p += strlen (key);
  end = strchr (p, '"');
  return end != NULL && backend_from_name (p, end - p, backend);
}

static CorralFirewallBackend
other_backend (CorralFirewallBackend backend)
{
  return backend == CORRAL_FIREWALL_IPTABLES ? CORRAL_FIREWALL_NFTABLES : CORRAL_FIREWALL_IPTABLES;
}

static gboolean
backend_installed (CorralFirewallBackend backend)
{
  g_autofree char *program =
    corral_spawn_find_program (backend == CORRAL_FIREWALL_IPTABLES ? "iptables" : "nft");

  return program != NULL;
}

/* What libvirt picks when network.conf sets nothing: the first backend of its
 * priority list whose program (iptables, nft) is installed. */
static CorralFirewallBackend
builtin_default (const char **source)
{
  g_autofree char *aug_test = NULL;
  g_autofree char *conf = NULL;
  CorralFirewallBackend first;

  if (g_file_get_contents (LIBVIRT_NETWORK_AUG_TEST, &aug_test, NULL, NULL) &&
      aug_test_backend (aug_test, &first))
    *source = "libvirt's default (" LIBVIRT_NETWORK_AUG_TEST ")";
  else if (g_file_get_contents (LIBVIRT_NETWORK_CONF, &conf, NULL, NULL) &&
           network_conf_backend (conf, TRUE, &first))
    *source = "libvirt's default (commented out in " LIBVIRT_NETWORK_CONF ")";
  else
    {
      /* libvirt's own default priority */
      first = CORRAL_FIREWALL_NFTABLES;
      *source = "libvirt's upstream default";
    }

  if (!backend_installed (first) && backend_installed (other_backend (first)))
    return other_backend (first);
  return first;
}

/* libvirt's private iptables chains (LIBVIRT_INP, LIBVIRT_FWI, ... ,
 * LIBVIRT_PRT) in iptables-save's output. */
static gboolean
ipt_has_libvirt_chains (const char *save)
{
  return g_str_has_prefix (save, ":LIBVIRT_") || strstr (save, "\n:LIBVIRT_") != NULL;
}

static CorralFirewallBackend
detect_with (gboolean nft_libvirt_table,
             gboolean ipt_libvirt_chains)
{
  g_autofree char *conf = NULL;
  unsigned long version = 0;
  CorralFirewallBackend backend;
  const char *source;

  /* firewall_backend and the nftables backend came with libvirt 10.4 (Debian
   * 12 has 9.0). */
  gboolean before_10_4 = virGetVersion (&version, NULL, NULL) == 0 && version < 10004000;

  /* What network.conf sets, libvirt uses (whatever tables are left from
   * before: libvirt removes them when it starts with the new setting). */
  if (!before_10_4 &&
      g_file_get_contents (LIBVIRT_NETWORK_CONF, &conf, NULL, NULL) &&
      network_conf_backend (conf, FALSE, &backend))
    source = LIBVIRT_NETWORK_CONF;
  /* Else libvirt's own tables show what it uses. Both: one is left from a
   * change of default, which the default tells. */
  else if (nft_libvirt_table != ipt_libvirt_chains)
    {
      backend = nft_libvirt_table ? CORRAL_FIREWALL_NFTABLES : CORRAL_FIREWALL_IPTABLES;
      source = nft_libvirt_table ? "libvirt's nftables table" : "libvirt's iptables chains";
    }
  else if (before_10_4)
    {
      backend = CORRAL_FIREWALL_IPTABLES;
      source = "libvirt before 10.4 (iptables only)";
    }
  else
    backend = builtin_default (&source);

  g_debug ("firewall backend %s, from %s", corral_firewall_backend_name (backend), source);
  return backend;
}

CorralFirewallBackend
corral_firewall_detect (void)
{
  const char *nft_argv[] = { "nft", "list", "table", "ip", NFT_LIBVIRT_TABLE, NULL };
  const char *save_argv[] = { "iptables-save", NULL };
  g_autofree char *save = NULL;
  gboolean nft_table = corral_spawn (nft_argv, NULL, NULL, NULL);
  gboolean ipt_chains = corral_spawn (save_argv, NULL, &save, NULL) && ipt_has_libvirt_chains (save);

  return detect_with (nft_table, ipt_chains);
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

/* @save: iptables-save's output now. */
static gboolean
ipt_apply (GPtrArray   *forwards,
           const char  *save,
           GError     **error)
{
  const char *restore_argv[] = { "iptables-restore", "--noflush", "--wait", NULL };
  IptJumpState states[G_N_ELEMENTS (ipt_jumps)] = { { 0 } };
  g_autoptr(GString) script = g_string_new (NULL);
  gboolean want = forwards->len > 0;
  const char *tables[] = { "nat", "filter" };

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
  const char *save_argv[] = { "iptables-save", NULL };
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_auto(NftScan) scan = { 0 };
  g_autofree char *save = NULL;

  /* One look at nftables and one at iptables tell the backend (with libvirt's
   * configuration) and what of ours is there. Rules of ours left in the other
   * backend (libvirt switched backends) are removed too. */
  if (!nft_scan (&scan, error) ||
      !corral_spawn (save_argv, NULL, &save, error))
    return FALSE;

  switch (detect_with (scan.libvirt_table, ipt_has_libvirt_chains (save)))
    {
    case CORRAL_FIREWALL_IPTABLES:
      return ipt_apply (forwards, save, error) && nft_apply (none, &scan, error);
    case CORRAL_FIREWALL_NFTABLES:
      return nft_apply (forwards, &scan, error) && ipt_apply (none, save, error);
    default:
      g_assert_not_reached ();
    }
}
