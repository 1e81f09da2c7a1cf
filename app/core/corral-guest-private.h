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

G_END_DECLS
