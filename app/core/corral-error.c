/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "corral-error.h"

G_DEFINE_QUARK (corral-error-quark, corral_error)
