/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "corral-connection.h"

G_BEGIN_DECLS

#define CORRAL_TYPE_MANAGER (corral_manager_get_type ())

G_DECLARE_FINAL_TYPE (CorralManager, corral_manager, CORRAL, MANAGER, GObject)

CorralManager    *corral_manager_new                   (void);
GListModel       *corral_manager_get_connections       (CorralManager        *self);
CorralConnection *corral_manager_find_connection       (CorralManager        *self,
                                                        const char           *uri);
CorralGuest      *corral_manager_find_guest            (CorralManager        *self,
                                                        const char           *uuid);
CorralConnection *corral_manager_pick_connection_for_new_guest (CorralManager *self);
CorralConnection *corral_manager_add_connection        (CorralManager        *self,
                                                        const char           *uri);
void              corral_manager_remove_connection     (CorralManager        *self,
                                                        CorralConnection     *connection);
void              corral_manager_connect_default_async (CorralManager        *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
CorralConnection *corral_manager_connect_default_finish (CorralManager       *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

G_END_DECLS
