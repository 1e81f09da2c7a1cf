/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/tree.h>

#include "corral-guest-config-private.h"

G_BEGIN_DECLS

/* Applying a CorralGuestEdit: the worker's state (corral-guest-edit.c applies, corral-guest-edit-plan.c
 * checks every change and builds the new definition). */

typedef struct
{
  CorralEditOp  *op;            /* borrowed from the edit */
  xmlNodePtr     node;          /* its element in the new definition (owned by the doc) */
  char          *target;
  char          *live_before;   /* the running guest's element before (detach, CD, NIC update) */
  char          *live_after;    /* and after (attach, CD, NIC update) */
  gboolean       live;          /* changes the running guest too */
  gboolean       live_done;
  gboolean       attach_failed;
  /* storage */
  char          *path;
  char          *format;
  gboolean       block;
  char          *pool;
  char          *volume;
  char          *lvm_group;
  char          *lvm_name;
  guint64        old_capacity;
  gboolean       storage_done;
} Step;

typedef struct
{
  /* copied on the main thread */
  virConnectPtr       conn;
  char               *uuid;
  CorralGuestEdit    *edit;
  CorralHelperClient *helper;
  GMainContext       *context;
  gboolean            local;          /* paths can be looked at from here */
  gboolean            local_system;   /* qemu:///system here: QEMU runs as CORRAL_QEMU_USER */

  /* the worker's */
  virDomainPtr        vdom;
  CorralGuestConfig  *now;
  xmlDocPtr           doc;
  xmlDocPtr           live_doc;
  GPtrArray          *steps;
  GPtrArray          *groups;         /* CorralVolumeGroup from the helper, asked once */
  GHashTable         *needed;         /* pool or "lvm:VG" → guint64* bytes more asked for */
  GHashTable         *targets;        /* disk targets in use */
  gboolean            needs_restart;
  gboolean            memory_live, vcpus_live, defined, renamed, autostart_done, title_live,
                      description_live;
  guint64             old_live_memory;
  guint               old_live_vcpus;
} Apply;


typedef enum { HELPER_GROUPS, HELPER_VOLUMES, HELPER_CREATE, HELPER_RESIZE, HELPER_REMOVE } HelperWhat;

static inline const char *
_corral_edit_guest_name (Apply *a)
{
  return a->now->config->name;
}

static inline char *
_corral_edit_last_error (void)
{
  char *message = g_strdup (virGetLastErrorMessage ());

  virResetLastError ();
  return message;
}

void          _corral_edit_step_free       (Step        *step);
gboolean      _corral_edit_plan            (Apply       *a,
                                            GError     **error);
void          _corral_edit_build_disk_node (Apply       *a,
                                            Step        *step);
char         *_corral_edit_node_xml        (xmlNodePtr   node);
xmlNodePtr    _corral_edit_find_device     (xmlDocPtr    doc,
                                            const char  *element,
                                            const char  *key);
/* From the worker: runs a corral-helper call on the edit's main context and waits for it. Returns its
 * result (owned), for the matching _finish. */
GAsyncResult *_corral_edit_helper_call     (Apply       *a,
                                            HelperWhat   what,
                                            const char  *group,
                                            const char  *name,
                                            guint64      size);

G_END_DECLS
