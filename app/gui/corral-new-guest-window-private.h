/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The new-guest wizard's parts: the window and its pages (corral-new-guest-window.c), the OS page's
 * database and detection (-os.c), what the host offers: pools, networks, bridges, volume groups,
 * memory and processors (-host.c), and a cloud image's login: user, SSH keys, password
 * (-identity.c). */

#include <adwaita.h>

#include "corral-guest-creator.h"
#include "corral-guest-spec.h"
#include "corral-helper-client.h"
#include "corral-new-guest-window.h"
#include "corral-osinfo.h"

G_BEGIN_DECLS

#define MiB (G_GUINT64_CONSTANT (1024) * 1024)
#define GiB (MiB * 1024)

/* The wizard's pages, in order; each is the stack child of the same name in
 * corral-new-guest-window.ui ("source", "os", "identity", "resources", "disk", "network", "review").
 * The identity page is only for a cloud image: the other sources skip it. */
typedef enum {
  CORRAL_NEW_GUEST_PAGE_SOURCE,
  CORRAL_NEW_GUEST_PAGE_OS,
  CORRAL_NEW_GUEST_PAGE_IDENTITY,
  CORRAL_NEW_GUEST_PAGE_RESOURCES,
  CORRAL_NEW_GUEST_PAGE_DISK,
  CORRAL_NEW_GUEST_PAGE_NETWORK,
  CORRAL_NEW_GUEST_PAGE_REVIEW,
  CORRAL_NEW_GUEST_N_PAGES,
} CorralNewGuestPage;

struct _CorralNewGuestWindow
{
  AdwWindow           parent_instance;

  CorralConnection   *connection;      /* where the guest is made: the connection row's choice */
  CorralManager      *manager;         /* NULL: only ever the one connection */
  GListStore         *connections;     /* CorralConnection: the connected ones the row offers */
  gboolean            filling_connections;
  gboolean            constructed;     /* past constructed(): a new connection is a change */
  gboolean            reapply_os;      /* the connection changed: the OS's defaults anew for it */
  CorralHostInfo     *host;
  GPtrArray          *volume_groups;     /* CorralVolumeGroup */
  CorralHelperClient *helper;
  GCancellable       *cancellable;       /* OS database, recent files; cancelled in dispose */
  GCancellable       *host_cancellable;  /* the host queries: cancelled by another connection's
                                          * and in dispose */
  GCancellable       *detect_cancellable;
  GCancellable       *source_cancellable; /* the source file's checks and access grant: cancelled
                                           * by a newer choice and in dispose */
  GCancellable       *create_cancellable;
  guint64             image_size;        /* the cloud image's virtual size (qemu-img), 0 unknown */
  char               *image_problem;     /* why the cloud image is no disk image, or NULL */
  CorralGuestCreator *creator;
  GtkNativeDialog    *chooser;
  GListStore         *os_store;
  GtkStringFilter    *os_filter;
  GtkSingleSelection *os_selection;
  OsinfoOs           *detected_os;
  OsinfoOs           *os;                /* the chosen one */
  char               *suggested_name;
  GStrv               created;
  CorralSourceFile    source_file;       /* what the last finished check found */
  gboolean            source_checking;   /* a check of the source file is under way */
  gboolean            source_touched;    /* the user has chosen or typed a source, or pressed Next:
                                          * only then does the source page say what is missing */
  CorralNewGuestPage  page;
  gboolean            db_loaded;
  gboolean            keys_requested;    /* the user's ~/.ssh keys were asked for (once) … */
  gboolean            keys_loading;      /* … and are being read */
  gboolean            identity_touched;  /* as source_touched, for the identity page */

  /* template children */
  AdwWindowTitle     *window_title;
  GtkWidget          *back_button;
  GtkWidget          *close_button;
  GtkWidget          *next_button;
  GtkStack           *stack;
  AdwComboRow        *connection_combo;
  AdwActionRow       *connection_row;
  GtkCheckButton     *iso_check;
  AdwEntryRow        *iso_entry;
  GtkCheckButton     *import_check;
  AdwEntryRow        *import_entry;
  GtkCheckButton     *cloud_check;
  AdwEntryRow        *cloud_entry;
  GtkWidget          *access_group;
  AdwActionRow       *access_row;
  GtkWidget          *access_button;
  GtkWidget          *recent_group;
  GtkListBox         *recent_list;
  AdwActionRow       *detected_row;
  GtkStack           *detect_icon_stack;
  GtkSpinner         *detect_spinner;
  GtkSearchEntry     *os_search;
  GtkListView        *os_list;
  AdwEntryRow        *user_entry;
  AdwActionRow       *host_name_row;
  GtkListBox         *keys_list;
  GtkRevealer        *paste_revealer;
  AdwEntryRow        *paste_entry;
  GtkLabel           *paste_error_label;
  AdwEntryRow        *password_entry;    /* AdwPasswordEntryRow */
  AdwEntryRow        *confirm_entry;     /* AdwPasswordEntryRow */
  AdwActionRow       *memory_row;
  GtkSpinButton      *memory_spin;
  AdwActionRow       *cpus_row;
  GtkSpinButton      *cpus_spin;
  AdwComboRow        *firmware_combo;    /* CorralFirmware, in order */
  AdwActionRow       *tpm_row;
  GtkSwitch          *tpm_switch;
  AdwActionRow       *imported_row;
  AdwActionRow       *pool_row;
  GtkCheckButton     *pool_check;
  AdwComboRow        *pool_combo;
  GtkStringList      *pool_model;
  AdwActionRow       *lvm_row;
  GtkCheckButton     *lvm_check;
  AdwComboRow        *vg_combo;
  GtkStringList      *vg_model;
  AdwActionRow       *size_row;
  GtkSpinButton      *size_spin;
  AdwActionRow       *existing_row;
  GtkCheckButton     *existing_check;
  AdwEntryRow        *existing_entry;
  AdwActionRow       *nodisk_row;
  GtkCheckButton     *nodisk_check;
  GtkWidget          *cloud_disk_group;
  GtkCheckButton     *overlay_check;
  GtkCheckButton     *full_copy_check;
  GtkCheckButton     *net_check;
  AdwComboRow        *network_combo;
  GtkStringList      *network_model;
  AdwActionRow       *bridge_row;
  GtkCheckButton     *bridge_check;
  AdwComboRow        *bridge_combo;
  GtkStringList      *bridge_model;
  GtkCheckButton     *nonet_check;
  AdwEntryRow        *name_entry;
  AdwActionRow       *count_row;
  GtkSpinButton      *count_spin;
  AdwActionRow       *summary_connection;
  AdwActionRow       *summary_source;
  AdwActionRow       *summary_user;
  AdwActionRow       *summary_keys;
  AdwActionRow       *summary_os;
  AdwActionRow       *summary_resources;
  AdwActionRow       *summary_firmware;
  AdwActionRow       *summary_disk;
  AdwActionRow       *summary_copy;
  AdwActionRow       *summary_network;
  GtkSwitch          *start_switch;
  AdwStatusPage      *progress_page;
  GtkProgressBar     *progress_bar;
  GtkLabel           *progress_label;
  GtkWidget          *cancel_button;
  AdwStatusPage      *failed_page;
  GtkRevealer        *error_revealer;
  GtkLabel           *error_label;
};

/* corral-new-guest-window.c */
void                _corral_new_guest_window_update             (CorralNewGuestWindow *self);
char               *_corral_new_guest_window_entry_text         (AdwEntryRow          *entry);
void                _corral_new_guest_window_check_source       (CorralNewGuestWindow *self);
gboolean            _corral_new_guest_window_is_cloud           (CorralNewGuestWindow *self);

/* corral-new-guest-window-identity.c */
void                _corral_new_guest_window_init_identity      (CorralNewGuestWindow *self);
void                _corral_new_guest_window_load_keys          (CorralNewGuestWindow *self);
void                _corral_new_guest_window_add_key_action     (GtkWidget            *widget,
                                                                 const char           *action_name,
                                                                 GVariant             *parameter);
CorralCloudIdentity *_corral_new_guest_window_build_identity    (CorralNewGuestWindow *self);
guint               _corral_new_guest_window_count_keys         (CorralNewGuestWindow *self);
gboolean            _corral_new_guest_window_check_identity     (CorralNewGuestWindow *self,
                                                                 const CorralGuestSpec *spec,
                                                                 GError              **error);
void                _corral_new_guest_window_update_identity    (CorralNewGuestWindow *self,
                                                                 const CorralGuestSpec *spec,
                                                                 const GError         *problem);

/* corral-new-guest-window-os.c */
void                _corral_new_guest_window_init_os            (CorralNewGuestWindow *self);
void                _corral_new_guest_window_detect             (CorralNewGuestWindow *self,
                                                                 const char           *path);
void                _corral_new_guest_window_suggest_name       (CorralNewGuestWindow *self);
void                _corral_new_guest_window_update_firmware    (CorralNewGuestWindow *self);
void                _corral_new_guest_window_apply_os_defaults  (CorralNewGuestWindow *self);

/* corral-new-guest-window-host.c */
void                _corral_new_guest_window_query_host         (CorralNewGuestWindow *self);
void                _corral_new_guest_window_init_connections   (CorralNewGuestWindow *self);
void                _corral_new_guest_window_fill_connections   (CorralNewGuestWindow *self);
void                _corral_new_guest_window_set_connection     (CorralNewGuestWindow *self,
                                                                 CorralConnection     *connection);
CorralStoragePlace *_corral_new_guest_window_selected_pool      (CorralNewGuestWindow *self);
CorralVolumeGroup  *_corral_new_guest_window_selected_vg        (CorralNewGuestWindow *self);
const char         *_corral_new_guest_window_selected_network   (CorralNewGuestWindow *self);
const char         *_corral_new_guest_window_selected_bridge    (CorralNewGuestWindow *self);

G_END_DECLS
