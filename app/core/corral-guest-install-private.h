/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "corral-gvir-autoptr.h"

G_BEGIN_DECLS

/* Corral's own namespace in a domain's <metadata>: <corral:install/> marks an install run. */
#define CORRAL_XMLNS "https://corralvm.org/xmlns/corral/1.0"

/* A guest installed from an ISO is defined in its final form (boots its disk, CD-ROM drive empty);
 * the install boots once, as a live configuration of that same guest (virDomainCreateXML with its
 * name and UUID: libvirt keeps the persistent definition and returns to it when the run ends).
 * The install configuration ends its run on the installer's reboot, so even without Corral the
 * guest's next start boots the installed system. */
int       _corral_guest_install_start        (virDomainPtr          defined,
                                              GVirConfigDomain     *install);

/* Whether the guest's running configuration is an install run (its live metadata carries
 * <corral:install/>): one virDomainGetMetadata, in a worker thread. FALSE for a guest that does
 * not run. */
void      _corral_guest_install_query_async  (GVirDomain           *domain,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean  _corral_guest_install_query_finish (GAsyncResult         *result,
                                              GError              **error);

/* Starts the guest from its definition once its install run has ended; running already (started by
 * someone else meanwhile) is success too. */
void      _corral_guest_install_restart_async  (GVirDomain           *domain,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean  _corral_guest_install_restart_finish (GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
