/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CorralGuestHardware's parts: the struct its two files share (corral-guest-hardware.c: the fixed
 * rows, fetching and applying; -devices.c: the rows of disks, CD/DVD drives and network cards, the
 * CD/DVD actions; -disks.c: the disk dialogs; -nics.c: the network cards). */
#pragma once

#include "corral-guest-config.h"
#include "corral-guest-creator.h"
#include "corral-guest-hardware.h"

G_BEGIN_DECLS

#define MiB (G_GUINT64_CONSTANT (1024) * 1024)
#define GiB (MiB * 1024)

struct _CorralGuestHardware
{
  GtkWidget             parent_instance;

  CorralGuest          *guest;
  CorralGuestConfig    *config;           /* what libvirt had at the last fetch, or NULL */
  CorralHostInfo       *host;             /* pools, networks, bridges; NULL until known */
  GPtrArray            *volume_groups;    /* CorralVolumeGroup, local system connections only */
  char                 *volume_groups_error;
  GCancellable         *cancellable;      /* the widget's life: applies, dialogs */
  GCancellable         *guest_cancellable;/* this guest's queries: cancelled when the guest changes */
  GCancellable         *fetch_cancellable;/* the fetch in flight: a newer one cancels it */
  gboolean              updating;         /* values set by the page, not by the user */
  gboolean              memory_dirty;
  gboolean              vcpus_dirty;
  guint                 applying;
  guint                 fetching;
  char                 *devices_signature;
  GPtrArray            *device_rows;      /* rows added to the device groups, removed on rebuild */
  GtkNativeDialog      *chooser;
  char                 *shown_name;
  char                 *shown_title;
  char                 *shown_description;
  GStrv                 boot_choices;     /* boot orders of boot_model's items, joined by ',' */

  /* template children */
  GtkWidget            *box;
  GtkRevealer          *pending_revealer;
  GtkLabel             *pending_label;
  GtkLabel             *fetch_error_label;
  AdwPreferencesGroup  *resources_group;
  AdwActionRow         *memory_row;
  GtkSpinButton        *memory_spin;
  AdwActionRow         *vcpus_row;
  GtkSpinButton        *vcpus_spin;
  GtkRevealer          *resources_revealer;
  GtkLabel             *resources_hint;
  GtkLabel             *resources_error;
  AdwPreferencesGroup  *cdrom_group;
  GtkLabel             *cdrom_error;
  AdwPreferencesGroup  *disks_group;
  GtkLabel             *disks_error;
  AdwPreferencesGroup  *nics_group;
  GtkLabel             *nics_error;
  AdwPreferencesGroup  *system_group;
  AdwActionRow         *firmware_row;
  GtkLabel             *firmware_label;
  AdwActionRow         *tpm_row;
  GtkSwitch            *tpm_switch;
  AdwComboRow          *boot_combo;
  GtkStringList        *boot_model;
  AdwActionRow         *autostart_row;
  GtkSwitch            *autostart_switch;
  GtkLabel             *system_error;
  AdwPreferencesGroup  *identity_group;
  AdwEntryRow          *name_row;
  AdwEntryRow          *title_row;
  AdwEntryRow          *description_row;
  GtkLabel             *identity_error;
};

/* corral-guest-hardware.c */
void     _corral_guest_hardware_apply          (CorralGuestHardware *self,
                                                CorralGuestEdit     *edit,
                                                GtkLabel            *error_label,
                                                const char          *done_message);
void     _corral_guest_hardware_refresh        (CorralGuestHardware *self);
void     _corral_guest_hardware_toast          (CorralGuestHardware *self,
                                                const char          *message);
void     _corral_guest_hardware_show_error     (CorralGuestHardware *self,
                                                GtkLabel            *error_label,
                                                const char          *message);
gboolean _corral_guest_hardware_is_running     (CorralGuestHardware *self);

/* corral-guest-hardware-devices.c */
GtkWindow           *_corral_guest_hardware_toplevel  (CorralGuestHardware *self);
CorralGuestDiskInfo *_corral_guest_hardware_find_disk (CorralGuestHardware *self,
                                                       const char          *target);
CorralStoragePlace  *_corral_guest_hardware_find_pool (CorralGuestHardware *self,
                                                       const char          *name);
GtkWidget           *_corral_guest_hardware_flat_button (const char *label,
                                                         const char *icon_name,
                                                         const char *tooltip,
                                                         const char *action,
                                                         const char *target);
void                 _corral_guest_hardware_add_row   (CorralGuestHardware *self,
                                                       AdwPreferencesGroup *group,
                                                       GtkWidget           *row);
void     _corral_guest_hardware_update_devices (CorralGuestHardware *self,
                                                gboolean             force);
void     _corral_guest_hardware_clear_devices  (CorralGuestHardware *self);
void     _corral_guest_hardware_query_host     (CorralGuestHardware *self);
void     _corral_guest_hardware_class_init_devices (GtkWidgetClass  *widget_class);

/* corral-guest-hardware-nics.c */
void     _corral_guest_hardware_add_nic_row        (CorralGuestHardware *self,
                                                    CorralGuestNicInfo  *nic);
void     _corral_guest_hardware_class_init_nics    (GtkWidgetClass      *widget_class);

/* corral-guest-hardware-disks.c */
void     _corral_guest_hardware_class_init_disks   (GtkWidgetClass  *widget_class);

G_END_DECLS
