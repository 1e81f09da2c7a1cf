/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One port forward from the host to a guest, as corral-helper lists it (a value: it never
 * changes), with the texts the GUI shows for it. */

typedef enum {
  CORRAL_FORWARD_STATE_ACTIVE,       /* rules in place */
  CORRAL_FORWARD_STATE_WAITING,      /* the guest is not running: applied when it starts */
  CORRAL_FORWARD_STATE_FAILING,      /* the guest runs but the rules are not in place */
} CorralForwardState;

#define CORRAL_TYPE_FORWARD (corral_forward_get_type ())

G_DECLARE_FINAL_TYPE (CorralForward, corral_forward, CORRAL, FORWARD, GObject)

CorralForward      *corral_forward_new                (const char     *guest_uuid,
                                                       const char     *protocol,
                                                       const char     *host_address,
                                                       guint           host_port,
                                                       const char     *guest_address,
                                                       guint           guest_port,
                                                       gboolean        active);
const char         *corral_forward_get_guest_uuid     (CorralForward  *self);
const char         *corral_forward_get_protocol       (CorralForward  *self);
const char         *corral_forward_get_host_address   (CorralForward  *self);
guint               corral_forward_get_host_port      (CorralForward  *self);
const char         *corral_forward_get_guest_address  (CorralForward  *self);
guint               corral_forward_get_guest_port     (CorralForward  *self);
gboolean            corral_forward_get_active         (CorralForward  *self);
CorralForwardState  corral_forward_get_state          (CorralForward  *self,
                                                       gboolean        guest_running);
char               *corral_forward_dup_title          (CorralForward  *self);
char               *corral_forward_dup_state_label    (CorralForward  *self,
                                                       gboolean        guest_running);
char               *corral_forward_dup_summary        (CorralForward  *self);
/* "8765→1337, 2222→22 +3" for an array of CorralForward, or NULL when it is empty. */
char               *corral_forwards_summarize         (GPtrArray      *forwards);

G_END_DECLS
