/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-row"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-connection.h"
#include "corral-guest-row.h"

struct _CorralGuestRow
{
  GtkWidget    parent_instance;

  CorralGuest *guest;

  /* template children */
  GtkWidget   *box;
  GtkWidget   *state_dot;
  GtkLabel    *name_label;
  GtkLabel    *subtitle_label;
};

enum {
  PROP_0,
  PROP_GUEST,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CorralGuestRow, corral_guest_row, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* A small dot that reads as state, not as a button: filled and coloured while a guest runs, is paused or
 * crashed; a quiet hollow ring when it is shut off. */
static const char * const state_classes[] = {
  "corral-state-running", "corral-state-paused", "corral-state-disconnected", "corral-state-crashed",
  "corral-state-off",
};

/* In a list view the widget that takes focus, and that a screen reader announces, is the row around this
 * one (GTK 4.8's GtkListItem has no accessible label of its own): it gets the same name. */
static void
update_parent_label (CorralGuestRow *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));
  g_autofree char *accessible = NULL;

  if (parent == NULL || self->guest == NULL || GTK_IS_BOX (parent))
    return;
  accessible = g_strdup_printf (_("%s, %s"), corral_guest_get_name (self->guest),
                                gtk_label_get_label (self->subtitle_label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (parent), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
update (CorralGuestRow *self)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *accessible = NULL;
  const char *forwards;
  CorralGuestState state;
  const char *ip, *css = NULL;

  if (self->guest == NULL)
    return;

  state = corral_guest_get_state (self->guest);
  ip = corral_guest_get_ip_address (self->guest);

  gtk_label_set_label (self->name_label, corral_guest_get_name (self->guest));

  if (ip != NULL)
    /* Translators: a guest's state and address, e.g. "Running · 10.0.0.5" */
    subtitle = g_strdup_printf (_("%s · %s"), corral_guest_get_state_label (self->guest), ip);
  else
    subtitle = g_strdup (corral_guest_get_state_label (self->guest));
  forwards = corral_guest_get_forwards_summary (self->guest);
  if (forwards != NULL)
    {
      /* Translators: a guest's state and its port forwards, e.g. "Running · 10.0.0.5 · 8765→1337" */
      g_autofree char *with_forwards = g_strdup_printf (_("%s · %s"), subtitle, forwards);

      g_free (subtitle);
      subtitle = g_steal_pointer (&with_forwards);
    }
  gtk_label_set_label (self->subtitle_label, subtitle);

  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (self->state_dot, state_classes[i]);
  switch (state)
    {
    case CORRAL_GUEST_STATE_RUNNING:
      css = "corral-state-running";
      break;
    case CORRAL_GUEST_STATE_PAUSED:
    case CORRAL_GUEST_STATE_SUSPENDED:
      css = "corral-state-paused";
      break;
    case CORRAL_GUEST_STATE_DISCONNECTED:
      css = "corral-state-disconnected";
      break;
    case CORRAL_GUEST_STATE_CRASHED:
      css = "corral-state-crashed";
      break;
    case CORRAL_GUEST_STATE_SHUTTING_DOWN:
      css = "corral-state-running";
      break;
    case CORRAL_GUEST_STATE_UNKNOWN:
    case CORRAL_GUEST_STATE_SHUTOFF:
    default:
      css = "corral-state-off";
      break;
    }
  gtk_widget_add_css_class (self->state_dot, css);

  /* Translators: what a screen reader says for a row of the guest list, e.g. "web1, Running" */
  accessible = g_strdup_printf (_("%s, %s"), corral_guest_get_name (self->guest), subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  update_parent_label (self);
}

static void
guest_notify_cb (CorralGuestRow *self,
                 GParamSpec     *pspec,
                 CorralGuest    *guest)
{
  update (self);
}


static void
corral_guest_row_dispose (GObject *object)
{
  CorralGuestRow *self = CORRAL_GUEST_ROW (object);

  corral_guest_row_set_guest (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CORRAL_TYPE_GUEST_ROW);
  /* the list's context menu, if it was last shown for this row */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)), *next; child != NULL; child = next)
    {
      next = gtk_widget_get_next_sibling (child);
      if (GTK_IS_POPOVER (child))
        gtk_widget_unparent (child);
    }

  G_OBJECT_CLASS (corral_guest_row_parent_class)->dispose (object);
}

static void
corral_guest_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CorralGuestRow *self = CORRAL_GUEST_ROW (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_value_set_object (value, self->guest);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_guest_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CorralGuestRow *self = CORRAL_GUEST_ROW (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      corral_guest_row_set_guest (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_guest_row_class_init (CorralGuestRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = corral_guest_row_dispose;
  object_class->get_property = corral_guest_row_get_property;
  object_class->set_property = corral_guest_row_set_property;

  properties[PROP_GUEST] = g_param_spec_object ("guest", NULL, NULL, CORRAL_TYPE_GUEST,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/corralvm/Corral/corral-guest-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CorralGuestRow, box);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestRow, state_dot);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CorralGuestRow, subtitle_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
corral_guest_row_init (CorralGuestRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "notify::parent", G_CALLBACK (update_parent_label), NULL);
}

GtkWidget *
corral_guest_row_new (void)
{
  return g_object_new (CORRAL_TYPE_GUEST_ROW, NULL);
}

CorralGuest *
corral_guest_row_get_guest (CorralGuestRow *self)
{
  g_return_val_if_fail (CORRAL_IS_GUEST_ROW (self), NULL);
  return self->guest;
}

void
corral_guest_row_set_guest (CorralGuestRow *self,
                            CorralGuest    *guest)
{
  g_return_if_fail (CORRAL_IS_GUEST_ROW (self));
  g_return_if_fail (guest == NULL || CORRAL_IS_GUEST (guest));

  if (self->guest == guest)
    return;

  if (self->guest != NULL)
    g_signal_handlers_disconnect_by_func (self->guest, guest_notify_cb, self);
  g_set_object (&self->guest, guest);
  if (guest != NULL)
    {
      /* One handler for the properties a row shows: a state change redraws this row only. */
      g_signal_connect_object (guest, "notify::name", G_CALLBACK (guest_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (guest, "notify::state", G_CALLBACK (guest_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (guest, "notify::ip-address", G_CALLBACK (guest_notify_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (guest, "notify::forwards-summary", G_CALLBACK (guest_notify_cb), self,
                               G_CONNECT_SWAPPED);
      update (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST]);
}
