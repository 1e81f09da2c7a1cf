/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-forward"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-forward.h"

struct _CorralForward
{
  GObject   parent_instance;

  char     *guest_uuid;
  char     *protocol;
  char     *host_address;
  char     *guest_address;
  guint     host_port;
  guint     guest_port;
  gboolean  active;
};

G_DEFINE_FINAL_TYPE (CorralForward, corral_forward, G_TYPE_OBJECT)

static void
corral_forward_finalize (GObject *object)
{
  CorralForward *self = CORRAL_FORWARD (object);

  g_free (self->guest_uuid);
  g_free (self->protocol);
  g_free (self->host_address);
  g_free (self->guest_address);

  G_OBJECT_CLASS (corral_forward_parent_class)->finalize (object);
}

static void
corral_forward_class_init (CorralForwardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = corral_forward_finalize;
}

static void
corral_forward_init (CorralForward *self)
{
}

CorralForward *
corral_forward_new (const char *guest_uuid,
                    const char *protocol,
                    const char *host_address,
                    guint       host_port,
                    const char *guest_address,
                    guint       guest_port,
                    gboolean    active)
{
  CorralForward *self = g_object_new (CORRAL_TYPE_FORWARD, NULL);

  self->guest_uuid = g_strdup (guest_uuid);
  self->protocol = g_strdup (protocol);
  self->host_address = g_strdup (host_address != NULL ? host_address : "");
  self->host_port = host_port;
  self->guest_address = g_strdup (guest_address != NULL ? guest_address : "");
  self->guest_port = guest_port;
  self->active = active;
  return self;
}

const char *
corral_forward_get_guest_uuid (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);
  return self->guest_uuid;
}

const char *
corral_forward_get_protocol (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);
  return self->protocol;
}

const char *
corral_forward_get_host_address (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);
  return self->host_address;
}

guint
corral_forward_get_host_port (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), 0);
  return self->host_port;
}

const char *
corral_forward_get_guest_address (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);
  return self->guest_address;
}

guint
corral_forward_get_guest_port (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), 0);
  return self->guest_port;
}

gboolean
corral_forward_get_active (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), FALSE);
  return self->active;
}

CorralForwardState
corral_forward_get_state (CorralForward *self,
                          gboolean       guest_running)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), CORRAL_FORWARD_STATE_WAITING);

  if (self->active)
    return CORRAL_FORWARD_STATE_ACTIVE;
  return guest_running ? CORRAL_FORWARD_STATE_FAILING : CORRAL_FORWARD_STATE_WAITING;
}

char *
corral_forward_dup_title (CorralForward *self)
{
  const char *protocol;

  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);

  protocol = g_str_equal (self->protocol, "udp") ? "UDP" : "TCP";

  if (self->host_address[0] != '\0')
    /* Translators: a forward, e.g. "TCP 192.168.1.5:8765 → guest 1337" */
    return g_strdup_printf (_("%s %s:%u → guest %u"), protocol, self->host_address, self->host_port,
                            self->guest_port);
  /* Translators: a forward, e.g. "TCP 8765 → guest 1337" */
  return g_strdup_printf (_("%s %u → guest %u"), protocol, self->host_port, self->guest_port);
}

char *
corral_forward_dup_state_label (CorralForward *self,
                                gboolean       guest_running)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);

  switch (corral_forward_get_state (self, guest_running))
    {
    case CORRAL_FORWARD_STATE_ACTIVE:
      /* Translators: a forward's state, e.g. "Active, to 10.0.0.5" */
      return g_strdup_printf (_("Active, to %s"), self->guest_address);
    case CORRAL_FORWARD_STATE_FAILING:
      return g_strdup (_("Failing: the guest runs but its rules are not in place. libvirt did not "
                         "run Corral’s hook when the guest started: restart libvirtd, then the "
                         "guest"));
    case CORRAL_FORWARD_STATE_WAITING:
    default:
      return g_strdup (_("Waiting for the guest to start"));
    }
}

char *
corral_forward_dup_summary (CorralForward *self)
{
  g_return_val_if_fail (CORRAL_IS_FORWARD (self), NULL);

  if (g_str_equal (self->protocol, "udp"))
    return g_strdup_printf ("%u→%u/udp", self->host_port, self->guest_port);
  return g_strdup_printf ("%u→%u", self->host_port, self->guest_port);
}

char *
corral_forwards_summarize (GPtrArray *forwards)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const guint shown = 2;

  if (forwards == NULL || forwards->len == 0)
    return NULL;
  for (guint i = 0; i < forwards->len && i < shown; i++)
    {
      g_autofree char *one = corral_forward_dup_summary (g_ptr_array_index (forwards, i));

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, one);
    }
  if (forwards->len > shown)
    /* Translators: more forwards than the list row shows, e.g. "8765→1337, 2222→22 +3" */
    g_string_append_printf (text, _(" +%u"), forwards->len - shown);
  return g_string_free (g_steal_pointer (&text), FALSE);
}
