/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libvirt/libvirt.h>
#include <libxml/tree.h>

#include "corral-guest-config.h"
#include "corral-helper-client.h"

G_BEGIN_DECLS

/* What one domain XML (the next start's or the running guest's) says. */
typedef struct
{
  char           *name;
  char           *type;          /* "qemu", "kvm", "test" */
  guint64         memory;        /* bytes: <currentMemory> */
  guint64         max_memory;    /* bytes: <memory> */
  guint           vcpus;         /* <vcpu current=…> or <vcpu> */
  guint           max_vcpus;     /* <vcpu> */
  GPtrArray      *disks;         /* of CorralGuestDiskInfo, in document order */
  GPtrArray      *nics;          /* of CorralGuestNicInfo */
  CorralFirmware  firmware;
  gboolean        tpm;
  GStrv           boot_order;
  char           *title;
  char           *description;
} CorralDomainFacts;

struct _CorralGuestConfig
{
  gatomicrefcount     ref_count;

  CorralDomainFacts  *config;        /* the next start's definition */
  CorralDomainFacts  *live;          /* the running guest's; NULL when it is not running */
  char               *inactive_xml;
  char               *live_xml;
  GPtrArray          *disks;         /* merged: config's, then live-only ones (pending) */
  GPtrArray          *nics;
  const char        **boot_order;    /* borrowed from config */
  guint64             host_memory;
  guint               host_cpus;
  guint               hypervisor_max_vcpus;
  gboolean            autostart;
  gboolean            running;
  gboolean            pending;
};

typedef enum {
  EDIT_CDROM,
  EDIT_ADD_DISK,
  EDIT_RESIZE_DISK,
  EDIT_REMOVE_DISK,
  EDIT_ADD_NIC,
  EDIT_CHANGE_NIC,
  EDIT_REMOVE_NIC,
} CorralEditOpKind;

/* One device change; which fields count depends on @kind. */
typedef struct
{
  CorralEditOpKind   kind;
  char              *target;       /* disk target, or a NIC's MAC */
  char              *path;         /* ISO, or the new disk's location */
  char              *type;         /* NIC kind */
  char              *source;       /* NIC network or bridge */
  char              *model;        /* NIC model */
  CorralNewDiskKind  disk_kind;
  guint64            bytes;
  gboolean           flag;         /* remove_disk: delete the storage */
} CorralEditOp;

struct _CorralGuestEdit
{
  gatomicrefcount     ref_count;

  gboolean            set_memory, set_vcpus, set_autostart, set_boot, set_name, set_title,
                      set_description, set_firmware, set_tpm;
  guint64             memory;
  guint               vcpus;
  gboolean            autostart;
  GStrv               boot_order;
  char               *name;
  char               *title;
  char               *description;
  CorralFirmware      firmware;
  gboolean            tpm;
  GPtrArray          *ops;           /* of CorralEditOp, in the order they were asked for */
  CorralHelperClient *helper;
};

void                _corral_domain_facts_free          (CorralDomainFacts *facts);
CorralDomainFacts  *_corral_domain_facts_parse         (const char        *xml,
                                                        GError           **error);
/* Reads the guest as libvirt has it now: both definitions, autostart, the host's figures and each
 * disk's pool, volume and capacity. Call it from a worker thread. */
CorralGuestConfig  *_corral_guest_config_read          (virConnectPtr      conn,
                                                        virDomainPtr       vdom,
                                                        GError           **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorralDomainFacts, _corral_domain_facts_free)

/* libxml2 helpers shared by the reading and the changing side. */
xmlNodePtr          _corral_xml_child                  (xmlNodePtr         node,
                                                        const char        *name);
char               *_corral_xml_prop                   (xmlNodePtr         node,
                                                        const char        *name);
CorralGuestDiskInfo *_corral_disk_info_from_node       (xmlNodePtr         disk);

G_END_DECLS
