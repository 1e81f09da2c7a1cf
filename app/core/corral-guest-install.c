/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-guest-install"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "corral-error.h"
#include "corral-guest-install-private.h"

/* Starts the install run of @defined, a guest defined (inactive) a moment ago, with @install, the
 * configuration corral_guest_spec_build_install_domain() made for it. libvirt (checked with 9.0)
 * starts an inactive persistent domain given to virDomainCreateXML with the same name and UUID
 * with that configuration, live only, and keeps the persistent one for the next start.
 * Returns 0, or -1 with libvirt's last error set, as virDomainCreate() does. */
int
_corral_guest_install_start (virDomainPtr      defined,
                             GVirConfigDomain *install)
{
  char uuid[VIR_UUID_STRING_BUFLEN];
  g_autofree char *xml = NULL;
  virDomainPtr running;

  g_return_val_if_fail (defined != NULL, -1);
  g_return_val_if_fail (GVIR_CONFIG_IS_DOMAIN (install), -1);

  if (virDomainGetUUIDString (defined, uuid) < 0)
    return -1;
  gvir_config_domain_set_uuid (install, uuid);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (install));

  running = virDomainCreateXML (virDomainGetConnect (defined), xml, 0);
  if (running == NULL)
    return -1;
  virDomainFree (running);
  return 0;
}

/* Whether the metadata element is <install/> (with or without a prefix), not a <group/>. */
static gboolean
is_install_element (const char *xml)
{
  const char *start = strchr (xml, '<');
  const char *end, *colon;

  if (start == NULL)
    return FALSE;
  start++;
  end = start + strcspn (start, " \t\n/>");
  colon = memchr (start, ':', end - start);
  if (colon != NULL)
    start = colon + 1;
  return end - start == strlen ("install") && strncmp (start, "install", end - start) == 0;
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GVirDomain *domain = task_data;
  virDomainPtr handle = NULL;
  char *metadata;

  g_object_get (domain, "handle", &handle, NULL);
  if (handle == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  /* No element, or no longer running: both are "not an install run". libvirtd logs neither
   * (VIR_ERR_NO_DOMAIN_METADATA and VIR_ERR_OPERATION_INVALID are expected errors to it). */
  metadata = virDomainGetMetadata (handle, VIR_DOMAIN_METADATA_ELEMENT, CORRAL_XMLNS,
                                   VIR_DOMAIN_AFFECT_LIVE);
  if (metadata == NULL)
    {
      if (virGetLastErrorCode () != VIR_ERR_NO_DOMAIN_METADATA)
        g_debug ("Could not read %s's live metadata: %s", virDomainGetName (handle),
                 virGetLastErrorMessage ());
      virResetLastError ();
    }
  /* the element in Corral's namespace is <corral:install/>, not a guest's <corral:group/> */
  g_task_return_boolean (task, metadata != NULL && is_install_element (metadata));
  free (metadata);
  virDomainFree (handle);
}

void
_corral_guest_install_query_async (GVirDomain          *domain,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GVIR_IS_DOMAIN (domain));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _corral_guest_install_query_async);
  g_task_set_task_data (task, g_object_ref (domain), g_object_unref);
  g_task_run_in_thread (task, query_thread);
}

gboolean
_corral_guest_install_query_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
restart_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GVirDomain *domain = task_data;
  virDomainPtr handle = NULL;

  g_object_get (domain, "handle", &handle, NULL);
  if (handle == NULL)
    {
      g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_FAILED, "%s",
                               _("The guest is no longer there"));
      return;
    }
  /* another Corral watching the same guest may have been quicker: running is what counts */
  if (virDomainCreate (handle) == 0 || virDomainIsActive (handle) == 1)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, CORRAL_ERROR, CORRAL_ERROR_FAILED, "%s",
                             virGetLastErrorMessage ());
  virResetLastError ();
  virDomainFree (handle);
}

/* Starts the guest from its definition after its install run ended. */
void
_corral_guest_install_restart_async (GVirDomain          *domain,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GVIR_IS_DOMAIN (domain));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _corral_guest_install_restart_async);
  g_task_set_task_data (task, g_object_ref (domain), g_object_unref);
  g_task_run_in_thread (task, restart_thread);
}

gboolean
_corral_guest_install_restart_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
