/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "corral-guest.h"

G_BEGIN_DECLS

/* Figures read in one go for many guests (virConnectGetAllDomainStats) off the main thread. */
typedef struct
{
  int      vir_state;
  guint64  memory;     /* KiB */
  guint    vcpus;
} CorralGuestInfo;

CorralGuest *_corral_guest_new          (CorralConnection      *connection,
                                         GVirDomain            *domain,
                                         const CorralGuestInfo *info);
void         _corral_guest_set_domain   (CorralGuest           *self,
                                         GVirDomain            *domain,
                                         const CorralGuestInfo *info);
void         _corral_guest_set_state    (CorralGuest           *self,
                                         CorralGuestState       state);
/* After an edit: reads memory and processors again now, rather than waiting for libvirt's event;
 * @name: the guest's new name after a rename, or NULL. */
void         _corral_guest_refresh      (CorralGuest           *self,
                                         const char            *name);
void         _corral_guest_set_forwards_summary (CorralGuest   *self,
                                                 const char    *summary);

/* Tests only (tests/core/test-guest-action-race.c): when set, the worker of
 * corral_guest_run_action_async() calls @hook first, before anything else, so that a test can hold it
 * there while the main thread reconnects (a forced interleaving). Set it before starting the action and
 * clear it (NULL) after; Corral itself never sets it. */
typedef void (*CorralGuestWorkerHook) (gpointer user_data);

void         _corral_guest_set_action_hook (CorralGuestWorkerHook hook,
                                            gpointer              user_data);

G_END_DECLS
