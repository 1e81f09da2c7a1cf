/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-application"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-application.h"

struct _CorralApplication
{
  AdwApplication  parent_instance;

  CorralManager  *manager;
};

G_DEFINE_FINAL_TYPE (CorralApplication, corral_application, ADW_TYPE_APPLICATION)

static void
corral_application_dispose (GObject *object)
{
  CorralApplication *self = CORRAL_APPLICATION (object);

  g_clear_object (&self->manager);

  G_OBJECT_CLASS (corral_application_parent_class)->dispose (object);
}

static void
corral_application_class_init (CorralApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = corral_application_dispose;
}

static void
corral_application_init (CorralApplication *self)
{
  self->manager = corral_manager_new ();
}

CorralApplication *
corral_application_new (void)
{
  return g_object_new (CORRAL_TYPE_APPLICATION, "application-id", APP_ID, NULL);
}

CorralManager *
corral_application_get_manager (CorralApplication *self)
{
  g_return_val_if_fail (CORRAL_IS_APPLICATION (self), NULL);
  return self->manager;
}
