/* SPDX-License-Identifier: GPL-3.0-or-later */
/* corral-lvm-report.c: reading lvm2's JSON reports, and LVM's stderr
 *
 * The helper depends on GLib only, and json-glib would be a new dependency of a root
 * service for the few fields of two reports; so this is a small strict JSON reader
 * (RFC 8259: objects, arrays, strings with all escapes, numbers, true, false, null)
 * that turns a document into a GVariant: an object becomes a{sv}, an array av, a
 * string s, a number s (its literal text; lvm2 2.03's "json" format quotes every value
 * anyway), true/false b, null ().  Anything else is refused, as is nesting deeper than
 * MAX_DEPTH.
 */

#define G_LOG_DOMAIN "corral-lvm"

#include "config.h"

#include <string.h>

#include "corral-lvm-private.h"

#define MAX_DEPTH 32

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  guint       depth;
} JsonReader;

static GVariant *read_value (JsonReader  *r,
                             GError     **error);

static gboolean
json_fail (JsonReader  *r,
           GError     **error,
           const char  *what)
{
  g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
               "LVM's report is not valid JSON: %s at byte %" G_GSIZE_FORMAT,
               what, (gsize) (r->p - r->start));
  return FALSE;
}

static void
skip_space (JsonReader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
    r->p++;
}

static gboolean
read_hex4 (JsonReader  *r,
           gunichar    *out,
           GError     **error)
{
  gunichar v = 0;

  if (r->end - r->p < 4)
    return json_fail (r, error, "a short \\u escape");

  for (guint i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (r->p[i]);

      if (d < 0)
        return json_fail (r, error, "a bad \\u escape");
      v = (v << 4) | (gunichar) d;
    }

  r->p += 4;
  *out = v;
  return TRUE;
}

/* r->p is just after the opening quote; returns the string without its quotes. */
static char *
read_string (JsonReader  *r,
             GError     **error)
{
  g_autoptr(GString) s = g_string_new (NULL);

  while (TRUE)
    {
      unsigned char c;

      if (r->p >= r->end)
        {
          json_fail (r, error, "an unterminated string");
          return NULL;
        }

      c = (unsigned char) *r->p++;

      if (c == '"')
        break;

      if (c < 0x20)
        {
          json_fail (r, error, "a control character in a string");
          return NULL;
        }

      if (c != '\\')
        {
          g_string_append_c (s, (char) c);
          continue;
        }

      if (r->p >= r->end)
        {
          json_fail (r, error, "an unterminated escape");
          return NULL;
        }

      switch (*r->p++)
        {
        case '"': g_string_append_c (s, '"'); break;
        case '\\': g_string_append_c (s, '\\'); break;
        case '/': g_string_append_c (s, '/'); break;
        case 'b': g_string_append_c (s, '\b'); break;
        case 'f': g_string_append_c (s, '\f'); break;
        case 'n': g_string_append_c (s, '\n'); break;
        case 'r': g_string_append_c (s, '\r'); break;
        case 't': g_string_append_c (s, '\t'); break;
        case 'u':
          {
            gunichar u;

            if (!read_hex4 (r, &u, error))
              return NULL;

            if (u >= 0xD800 && u < 0xDC00)
              {
                gunichar low;

                if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
                  {
                    json_fail (r, error, "a lone surrogate");
                    return NULL;
                  }
                r->p += 2;
                if (!read_hex4 (r, &low, error))
                  return NULL;
                if (low < 0xDC00 || low > 0xDFFF)
                  {
                    json_fail (r, error, "a lone surrogate");
                    return NULL;
                  }
                u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
              }
            else if (u >= 0xDC00 && u <= 0xDFFF)
              {
                json_fail (r, error, "a lone surrogate");
                return NULL;
              }

            /* A GVariant string cannot hold NUL. */
            if (u == 0)
              {
                json_fail (r, error, "a NUL character in a string");
                return NULL;
              }

            g_string_append_unichar (s, u);
          }
          break;
        default:
          r->p--;
          json_fail (r, error, "an unknown escape");
          return NULL;
        }
    }

  if (!g_utf8_validate_len (s->str, s->len, NULL))
    {
      json_fail (r, error, "a string that is not UTF-8");
      return NULL;
    }

  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
skip_digits (JsonReader *r)
{
  const char *start = r->p;

  while (r->p < r->end && g_ascii_isdigit (*r->p))
    r->p++;

  return r->p > start;
}

static GVariant *
read_number (JsonReader  *r,
             GError     **error)
{
  const char *start = r->p;

  if (*r->p == '-')
    r->p++;

  if (r->p < r->end && *r->p == '0')
    r->p++;
  else if (!skip_digits (r))
    {
      json_fail (r, error, "a bad number");
      return NULL;
    }

  if (r->p < r->end && *r->p == '.')
    {
      r->p++;
      if (!skip_digits (r))
        {
          json_fail (r, error, "a bad number");
          return NULL;
        }
    }

  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (!skip_digits (r))
        {
          json_fail (r, error, "a bad number");
          return NULL;
        }
    }

  return g_variant_new_take_string (g_strndup (start, r->p - start));
}

static gboolean
read_word (JsonReader *r,
           const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (r->end - r->p) < len || memcmp (r->p, word, len) != 0)
    return FALSE;

  r->p += len;
  return TRUE;
}

static GVariant *
read_object (JsonReader  *r,
             GError     **error)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  /* r->p is just after '{' */
  skip_space (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      return g_variant_builder_end (&builder);
    }

  while (TRUE)
    {
      g_autofree char *key = NULL;
      GVariant *value;

      skip_space (r);
      if (r->p >= r->end || *r->p != '"')
        {
          json_fail (r, error, "an object key that is not a string");
          return NULL;
        }
      r->p++;
      if (!(key = read_string (r, error)))
        return NULL;

      skip_space (r);
      if (r->p >= r->end || *r->p != ':')
        {
          json_fail (r, error, "a missing ':'");
          return NULL;
        }
      r->p++;

      if (!(value = read_value (r, error)))
        return NULL;
      g_variant_builder_add (&builder, "{sv}", key, value);

      skip_space (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == '}')
        {
          r->p++;
          return g_variant_builder_end (&builder);
        }
      json_fail (r, error, "a missing ',' or '}'");
      return NULL;
    }
}

static GVariant *
read_array (JsonReader  *r,
            GError     **error)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("av"));

  /* r->p is just after '[' */
  skip_space (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      return g_variant_builder_end (&builder);
    }

  while (TRUE)
    {
      GVariant *value;

      if (!(value = read_value (r, error)))
        return NULL;
      g_variant_builder_add (&builder, "v", value);

      skip_space (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == ']')
        {
          r->p++;
          return g_variant_builder_end (&builder);
        }
      json_fail (r, error, "a missing ',' or ']'");
      return NULL;
    }
}

/* Returns a floating reference. */
static GVariant *
read_value (JsonReader  *r,
            GError     **error)
{
  GVariant *ret = NULL;
  char c;

  skip_space (r);
  if (r->p >= r->end)
    {
      json_fail (r, error, "an unexpected end");
      return NULL;
    }

  if (r->depth >= MAX_DEPTH)
    {
      json_fail (r, error, "too deep nesting");
      return NULL;
    }

  c = *r->p;
  r->depth++;

  if (c == '{')
    {
      r->p++;
      ret = read_object (r, error);
    }
  else if (c == '[')
    {
      r->p++;
      ret = read_array (r, error);
    }
  else if (c == '"')
    {
      char *s;

      r->p++;
      if ((s = read_string (r, error)))
        ret = g_variant_new_take_string (s);
    }
  else if (c == '-' || g_ascii_isdigit (c))
    ret = read_number (r, error);
  else if (read_word (r, "true"))
    ret = g_variant_new_boolean (TRUE);
  else if (read_word (r, "false"))
    ret = g_variant_new_boolean (FALSE);
  else if (read_word (r, "null"))
    ret = g_variant_new ("()");
  else
    json_fail (r, error, "an unexpected character");

  r->depth--;
  return ret;
}

static void
row_free (gpointer data)
{
  g_hash_table_unref (data);
}

GPtrArray *
_corral_lvm_parse_report (const char  *json,
                          gsize        length,
                          const char  *section,
                          GError     **error)
{
  JsonReader r = { json, json, json + length, 0 };
  g_autoptr(GVariant) doc = NULL;
  g_autoptr(GVariant) reports = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gboolean found = FALSE;
  GVariantIter iter;
  GVariant *report_v;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (section != NULL, NULL);

  if (!(doc = read_value (&r, error)))
    return NULL;
  g_variant_ref_sink (doc);

  skip_space (&r);
  if (r.p != r.end)
    {
      json_fail (&r, error, "text after the document");
      return NULL;
    }

  /* {"report": [ {"vg": [ {"vg_name": "...", ...}, ... ]} ]} */
  if (!g_variant_is_of_type (doc, G_VARIANT_TYPE_VARDICT)
      || !(reports = g_variant_lookup_value (doc, "report", G_VARIANT_TYPE ("av"))))
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "LVM's report has no \"report\" list");
      return NULL;
    }

  rows = g_ptr_array_new_with_free_func (row_free);

  g_variant_iter_init (&iter, reports);
  while (g_variant_iter_next (&iter, "v", &report_v))
    {
      g_autoptr(GVariant) report = report_v;
      g_autoptr(GVariant) items = NULL;
      GVariantIter item_iter;
      GVariant *item_v;

      if (!g_variant_is_of_type (report, G_VARIANT_TYPE_VARDICT)
          || !(items = g_variant_lookup_value (report, section, G_VARIANT_TYPE ("av"))))
        continue;

      found = TRUE;

      g_variant_iter_init (&item_iter, items);
      while (g_variant_iter_next (&item_iter, "v", &item_v))
        {
          g_autoptr(GVariant) item = item_v;
          g_autoptr(GHashTable) row = NULL;
          GVariantIter field_iter;
          const char *key;
          GVariant *value_v;

          if (!g_variant_is_of_type (item, G_VARIANT_TYPE_VARDICT))
            {
              g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                           "LVM's \"%s\" report has a row that is not an object", section);
              return NULL;
            }

          row = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

          g_variant_iter_init (&field_iter, item);
          while (g_variant_iter_next (&field_iter, "{&sv}", &key, &value_v))
            {
              g_autoptr(GVariant) value = value_v;

              if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
                {
                  g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                               "LVM's \"%s\" report has a field \"%s\" that is not a string "
                               "or a number", section, key);
                  return NULL;
                }

              g_hash_table_replace (row, g_strdup (key), g_variant_dup_string (value, NULL));
            }

          g_ptr_array_add (rows, g_steal_pointer (&row));
        }
    }

  if (!found)
    {
      g_set_error (error, CORRAL_HELPER_ERROR, CORRAL_HELPER_ERROR_FAILED,
                   "LVM's report has no \"%s\" section", section);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

static gboolean
is_noise (const char *line)
{
  /* Warnings (such as "Activation disabled", "not zeroed") and hints come with
   * successes too; they do not say what failed. */
  static const char * const prefixes[] = {
    "WARNING:",
    "Run `",
    "TEST MODE:",
    "Rounding up size",
  };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (line, prefixes[i]))
      return TRUE;

  return FALSE;
}

char *
_corral_lvm_summarize_stderr (const char *err)
{
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (err == NULL)
    return NULL;

  lines = g_strsplit (err, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || is_noise (line))
        continue;

      if (out->len > 0)
        g_string_append (out, "; ");
      g_string_append (out, line);
    }

  if (out->len == 0)
    return NULL;

  /* It goes into a GError that may travel over D-Bus: keep it valid UTF-8. */
  if (!g_utf8_validate_len (out->str, out->len, NULL))
    {
      char *valid = g_utf8_make_valid (out->str, out->len);

      g_string_assign (out, valid);
      g_free (valid);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
