/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Snapshots on a guest's page, and group actions on several guests, in Corral's window under Xvfb on
 * libvirt's test driver with a host of the test's own (group-node.xml): node1 runs and node2 is shut off,
 * both on qcow2 disks; node3 has a raw disk, so it cannot have snapshots; all three carry the group
 * "node" that "create 3 guests" gives; "lone" is in no group. Screenshots go to the build tree. */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <libvirt/libvirt.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-connection-private.h"
#include "corral-group-page.h"
#include "corral-guest-config.h"
#include "corral-guest-detail.h"
#include "corral-guest-row.h"
#include "corral-guest-snapshot.h"
#include "corral-guest-snapshots.h"
#include "corral-guest-spec.h"
#include "corral-window.h"

#define TIMEOUT_S 20

#include "corral-test-gtk.h"

static const char *node_path;

typedef struct
{
  CorralManager    *manager;
  CorralWindow     *window;
  CorralConnection *connection;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *uri = g_strdup_printf ("test://%s", node_path);

  fixture->manager = corral_manager_new ();
  fixture->window = g_object_ref (corral_window_new (NULL, fixture->manager));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  fixture->connection = corral_manager_add_connection (fixture->manager, uri);
  corral_connection_open_async (fixture->connection, NULL, NULL, NULL);
  WAIT_FOR (corral_connection_get_status (fixture->connection) == CORRAL_CONNECTION_STATUS_CONNECTED);
  WAIT_FOR (corral_test_find_label (GTK_WIDGET (corral_window_get_list_view (fixture->window)), "node3") != NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWindow *dialog;

  while ((dialog = corral_test_find_toplevel (ADW_TYPE_WINDOW)) != NULL)
    {
      gtk_window_set_focus (dialog, NULL);
      gtk_window_destroy (dialog);
    }
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  corral_test_drain (200);
  g_assert_finalize_object (fixture->window);
  g_clear_object (&fixture->manager);
}

static void
save_shot (GtkWidget  *widget,
           const char *name)
{
  corral_test_screenshot (widget, name);
}

static CorralGuestSnapshots *
snapshots_of (Fixture    *fixture,
              const char *name)
{
  CorralGuest *guest = corral_test_find_guest (fixture->connection, name);
  CorralGuestSnapshots *snapshots;

  g_assert_true (corral_window_select_guest (fixture->window, guest));
  snapshots = CORRAL_GUEST_SNAPSHOTS (corral_test_find_type (corral_window_get_detail (fixture->window),
                                                             CORRAL_TYPE_GUEST_SNAPSHOTS));
  g_assert_nonnull (snapshots);
  g_assert_true (corral_guest_snapshots_get_guest (snapshots) == guest);
  corral_test_drain (50);
  WAIT_FOR (!corral_guest_snapshots_is_busy (snapshots));
  return snapshots;
}

/* The row of snapshot @name in the group, or NULL. */
static GtkWidget *
snapshot_row (CorralGuestSnapshots *snapshots,
              const char           *name)
{
  GtkWidget *label = corral_test_find_label (GTK_WIDGET (snapshots), name);

  return label != NULL ? gtk_widget_get_ancestor (label, ADW_TYPE_ACTION_ROW) : NULL;
}

static gboolean
row_is_current (GtkWidget *row)
{
  return corral_test_find_label (row, "Current") != NULL;
}

/* How far the row's title starts from the row's left edge. */
static double
title_x (GtkWidget  *row,
         const char *name)
{
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (corral_test_find_label (row, name), row,
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  return point.x;
}

static CorralSnapshotInfo *
core_snapshot (CorralGuest *guest,
               const char  *name,
               GPtrArray  **keep)
{
  g_autoptr(GAsyncResult) result = NULL;

  corral_guest_fetch_snapshots_async (guest, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  *keep = corral_guest_fetch_snapshots_finish (guest, result, NULL);
  g_assert_nonnull (*keep);
  for (guint i = 0; i < (*keep)->len; i++)
    if (g_strcmp0 (((CorralSnapshotInfo *) g_ptr_array_index (*keep, i))->name, name) == 0)
      return g_ptr_array_index (*keep, i);
  return NULL;
}

typedef struct
{
  GtkWindow   *window;
  AdwEntryRow *name;
  AdwEntryRow *description;
  GtkWidget   *take;
} TakeDialog;

static TakeDialog
open_take_dialog (CorralGuestSnapshots *snapshots)
{
  TakeDialog dialog = { 0 };
  GtkWidget *label;

  g_assert_true (gtk_widget_get_visible (corral_test_find_label (GTK_WIDGET (snapshots),
                                                                 "_Take Snapshot…")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (snapshots), "snapshots.take", NULL));
  WAIT_FOR ((dialog.window = corral_test_find_toplevel (ADW_TYPE_WINDOW)) != NULL);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog.window)));
  label = corral_test_find_label (GTK_WIDGET (dialog.window), "Name");
  dialog.name = ADW_ENTRY_ROW (gtk_widget_get_ancestor (label, ADW_TYPE_ENTRY_ROW));
  label = corral_test_find_label (GTK_WIDGET (dialog.window), "Description (optional)");
  dialog.description = ADW_ENTRY_ROW (gtk_widget_get_ancestor (label, ADW_TYPE_ENTRY_ROW));
  dialog.take = gtk_widget_get_ancestor (corral_test_find_label (GTK_WIDGET (dialog.window), "_Take"),
                                         GTK_TYPE_BUTTON);
  g_assert_nonnull (dialog.take);
  return dialog;
}

static void
take_in_dialog (CorralGuestSnapshots *snapshots,
                const char           *name,
                const char           *description)
{
  TakeDialog dialog = open_take_dialog (snapshots);

  gtk_editable_set_text (GTK_EDITABLE (dialog.name), name);
  gtk_editable_set_text (GTK_EDITABLE (dialog.description), description);
  g_signal_emit_by_name (dialog.take, "clicked");
  WAIT_FOR (corral_test_find_toplevel (ADW_TYPE_WINDOW) == NULL);
  WAIT_FOR (!corral_guest_snapshots_is_busy (snapshots) && snapshot_row (snapshots, name) != NULL);
}

static AdwMessageDialog *
ask_for (CorralGuestSnapshots *snapshots,
         const char           *action,
         const char           *name)
{
  GtkWindow *dialog;

  /* the dialog answered before is gone first */
  WAIT_FOR (corral_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (snapshots), action, "s", name));
  WAIT_FOR ((dialog = corral_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  return ADW_MESSAGE_DIALOG (dialog);
}

/* What a click on one of the dialog's buttons does: the response, then the dialog closes. */
static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The group on a running qcow2 guest's page: take (the dialog's default name, the core's refusal in it
 * word for word), the tree with the current one marked, revert (asked, saying what is lost), delete
 * (asked: only this one goes); on a raw-disk guest, the reason in place of the button. */
static void
test_snapshots_page (Fixture       *fixture,
                     gconstpointer  data)
{
  CorralGuest *node1 = corral_test_find_guest (fixture->connection, "node1");
  CorralGuestSnapshots *snapshots = snapshots_of (fixture, "node1");
  g_autoptr(GPtrArray) keep = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *year = g_date_time_format (now, "%Y-");
  GtkWidget *base, *second, *third, *error;
  AdwMessageDialog *ask;
  TakeDialog dialog;

  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (snapshots), "Snapshots"));
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (snapshots)) ?: "", ==, "");

  /* a default name (the date); an empty one refused inside the dialog, in the core's words */
  dialog = open_take_dialog (snapshots);
  g_assert_true (g_str_has_prefix (gtk_editable_get_text (GTK_EDITABLE (dialog.name)), year));
  gtk_editable_set_text (GTK_EDITABLE (dialog.name), "");
  g_signal_emit_by_name (dialog.take, "clicked");
  WAIT_FOR ((error = corral_test_find_label (GTK_WIDGET (dialog.window), "A snapshot needs a name")) != NULL);
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_true (corral_test_find_toplevel (ADW_TYPE_WINDOW) == dialog.window);
  gtk_editable_set_text (GTK_EDITABLE (dialog.name), "base");
  gtk_editable_set_text (GTK_EDITABLE (dialog.description), "clean install");
  save_shot (GTK_WIDGET (dialog.window), "snapshot-take.png");
  g_signal_emit_by_name (dialog.take, "clicked");
  WAIT_FOR (corral_test_find_toplevel (ADW_TYPE_WINDOW) == NULL);
  WAIT_FOR (!corral_guest_snapshots_is_busy (snapshots) && snapshot_row (snapshots, "base") != NULL);
  g_assert_true (core_snapshot (node1, "base", &keep)->running);
  g_clear_pointer (&keep, g_ptr_array_unref);

  /* a name in use: refused in the dialog, word for word */
  dialog = open_take_dialog (snapshots);
  gtk_editable_set_text (GTK_EDITABLE (dialog.name), "base");
  g_signal_emit_by_name (dialog.take, "clicked");
  WAIT_FOR (corral_test_find_label (GTK_WIDGET (dialog.window),
                                    "“node1” has a snapshot named “base” already") != NULL);
  gtk_window_set_focus (dialog.window, NULL);
  gtk_window_destroy (dialog.window);
  WAIT_FOR (!corral_guest_snapshots_is_busy (snapshots));

  take_in_dialog (snapshots, "configured", "");
  take_in_dialog (snapshots, "tuned", "after tuning");
  base = snapshot_row (snapshots, "base");
  second = snapshot_row (snapshots, "configured");
  third = snapshot_row (snapshots, "tuned");
  g_assert_nonnull (base);
  g_assert_nonnull (second);
  g_assert_nonnull (third);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (base)), ==, "clean install");
  g_assert_true (corral_test_find_label (base, "Running · just now") != NULL);
  /* a tree: each child further in than its parent (as drawn) */
  corral_test_drain (300);
  g_assert_cmpfloat (title_x (second, "configured"), >, title_x (base, "base"));
  g_assert_cmpfloat (title_x (third, "tuned"), >, title_x (second, "configured"));
  g_assert_true (row_is_current (third));
  g_assert_false (row_is_current (base));
  save_shot (GTK_WIDGET (snapshots), "snapshots-list.png");

  /* revert: asked first, saying what is lost */
  ask = ask_for (snapshots, "snapshots.revert", "base");
  g_assert_cmpstr (adw_message_dialog_get_heading (ask), ==, "Revert “node1” to “base”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ask),
                            "The changes since then to the disks, and, for a running guest, its memory state, "
                            "are lost."));
  save_shot (GTK_WIDGET (ask), "snapshot-revert-confirm.png");
  answer (ask, "revert");
  WAIT_FOR (!corral_guest_snapshots_is_busy (snapshots) && row_is_current (snapshot_row (snapshots, "base")));
  g_assert_false (row_is_current (snapshot_row (snapshots, "tuned")));
  g_assert_true (core_snapshot (node1, "base", &keep)->is_current);
  g_clear_pointer (&keep, g_ptr_array_unref);
  g_assert_cmpint (corral_guest_get_state (node1), ==, CORRAL_GUEST_STATE_RUNNING);

  /* delete: asked; only that snapshot goes, its children stay */
  ask = ask_for (snapshots, "snapshots.delete", "configured");
  g_assert_cmpstr (adw_message_dialog_get_heading (ask), ==, "Delete Snapshot “configured”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ask), "Only this snapshot goes"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ask), "the snapshots taken after it are kept"));
  answer (ask, "cancel");
  corral_test_drain (100);
  g_assert_nonnull (snapshot_row (snapshots, "configured"));
  ask = ask_for (snapshots, "snapshots.delete", "configured");
  answer (ask, "delete");
  WAIT_FOR (!corral_guest_snapshots_is_busy (snapshots) && snapshot_row (snapshots, "configured") == NULL);
  g_assert_nonnull (snapshot_row (snapshots, "tuned"));
  g_assert_nonnull (snapshot_row (snapshots, "base"));
  g_assert_null (core_snapshot (node1, "configured", &keep));
  g_assert_cmpstr (core_snapshot (node1, "tuned", &keep)->parent, ==, "base");
  g_clear_pointer (&keep, g_ptr_array_unref);
}

/* A guest with a raw disk: the reason, before anyone tries, where the button would be. */
static void
test_snapshots_unsupported (Fixture       *fixture,
                            gconstpointer  data)
{
  CorralGuest *node3 = corral_test_find_guest (fixture->connection, "node3");
  CorralGuestSnapshots *snapshots = snapshots_of (fixture, "node3");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CorralGuestConfig) config = NULL;
  g_autofree char *reason = NULL;

  corral_guest_fetch_config_async (node3, NULL, corral_test_keep_result, &result);
  WAIT_FOR (result != NULL);
  config = corral_guest_fetch_config_finish (node3, result, NULL);
  g_assert_false (corral_guest_snapshot_support (config, &reason));
  WAIT_FOR (*(adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (snapshots)) ?: "") != 0);
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (snapshots)), ==, reason);
  g_assert_nonnull (strstr (reason, "vda is a raw file"));
  g_assert_null (corral_test_find_label (GTK_WIDGET (snapshots), "_Take Snapshot…"));
  /* nor can it be taken another way (a shortcut): no dialog opens */
  gtk_widget_activate_action (GTK_WIDGET (snapshots), "snapshots.take", NULL);
  corral_test_drain (100);
  g_assert_null (corral_test_find_toplevel (ADW_TYPE_WINDOW));
  save_shot (GTK_WIDGET (snapshots), "snapshots-unsupported.png");
}

/* --- several guests --- */

static guint
row_position (Fixture    *fixture,
              const char *name)
{
  GListModel *rows = G_LIST_MODEL (gtk_list_view_get_model (corral_window_get_list_view (fixture->window)));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (rows, i);

      if (CORRAL_IS_GUEST (item) && g_str_equal (corral_guest_get_name (CORRAL_GUEST (item)), name))
        return i;
    }
  g_assert_not_reached ();
}

/* What a click on the row does (the list's own action), with Ctrl held when @ctrl. */
static void
click_row (Fixture    *fixture,
           const char *name,
           gboolean    ctrl)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (corral_window_get_list_view (fixture->window)),
                                             "list.select-item", "(ubb)", row_position (fixture, name), ctrl,
                                             FALSE));
  corral_test_drain (50);
}

static CorralGroupPage *
group_page (Fixture *fixture)
{
  return CORRAL_GROUP_PAGE (corral_test_find_type (GTK_WIDGET (fixture->window), CORRAL_TYPE_GROUP_PAGE));
}

/* The names of the guests the group page shows, "a,b,c". */
static char *
page_guests (Fixture *fixture)
{
  GPtrArray *guests = corral_group_page_get_guests (group_page (fixture));
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < guests->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? "," : "", corral_guest_get_name (g_ptr_array_index (guests, i)));
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The text of @guest's row in the results, or NULL. */
static const char *
result_of (CorralGroupPage *page,
           const char      *guest)
{
  GtkWidget *guests = gtk_widget_get_ancestor (corral_test_find_label (GTK_WIDGET (page), "Selected Guests"),
                                               ADW_TYPE_PREFERENCES_GROUP);
  GtkWidget *group = NULL;

  /* the results: the page's other group */
  for (GtkWidget *child = gtk_widget_get_first_child (gtk_widget_get_parent (guests)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_PREFERENCES_GROUP (child) && child != guests)
      group = child;
  if (group == NULL || !gtk_widget_get_visible (group))
    return NULL;
  {
    GtkWidget *label = corral_test_find_label (group, guest);
    GtkWidget *row = label != NULL ? gtk_widget_get_ancestor (label, ADW_TYPE_ACTION_ROW) : NULL;

    return row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;
  }
}

static void
wait_page (CorralGroupPage *page)
{
  corral_test_drain (50);
  WAIT_FOR (!corral_group_page_is_busy (page));
  corral_test_drain (50);
}

static AdwMessageDialog *
group_question (CorralGroupPage *page,
                const char      *action)
{
  GtkWindow *dialog;

  WAIT_FOR (corral_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), action, NULL));
  WAIT_FOR ((dialog = corral_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  return ADW_MESSAGE_DIALOG (dialog);
}

/* Three guests selected (click, Ctrl+click): their page; a snapshot of all under one name, the raw-disk
 * guest's refusal in its row while the two others are done; start and force off all; revert all to the
 * snapshot, chosen from the names they share: node1 back running, node2 shut off, node3 explained. */
static void
test_group_actions (Fixture       *fixture,
                    gconstpointer  data)
{
  CorralGuest *node1 = corral_test_find_guest (fixture->connection, "node1");
  CorralGuest *node2 = corral_test_find_guest (fixture->connection, "node2");
  CorralGuest *node3 = corral_test_find_guest (fixture->connection, "node3");
  CorralGroupPage *page;
  AdwMessageDialog *ask;
  g_autofree char *names = NULL;
  g_autoptr(GPtrArray) keep = NULL;
  GtkWidget *label, *entry;
  const char *text;

  click_row (fixture, "node1", FALSE);
  click_row (fixture, "node2", TRUE);
  click_row (fixture, "node3", TRUE);
  page = group_page (fixture);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (page)));
  names = page_guests (fixture);
  g_assert_cmpstr (names, ==, "node1,node2,node3");
  g_assert_null (corral_guest_detail_get_guest (CORRAL_GUEST_DETAIL (corral_window_get_detail (fixture->window))));
  g_assert_nonnull (corral_test_find_label (GTK_WIDGET (page), "3 Guests Selected"));
  label = corral_test_find_label (GTK_WIDGET (page), "node2");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_widget_get_ancestor (label, ADW_TYPE_ACTION_ROW))),
                   ==, "Shut off");
  save_shot (GTK_WIDGET (fixture->window), "group-page.png");

  /* one name for all */
  ask = group_question (page, "group.take-snapshot");
  label = corral_test_find_label (GTK_WIDGET (ask), "Name");
  entry = gtk_widget_get_ancestor (label, ADW_TYPE_ENTRY_ROW);
  gtk_editable_set_text (GTK_EDITABLE (entry), "before-break");
  answer (ask, "take");
  wait_page (page);
  WAIT_FOR (result_of (page, "node3") != NULL);
  g_assert_cmpstr (result_of (page, "node1"), ==, "Done");
  g_assert_cmpstr (result_of (page, "node2"), ==, "Done");
  text = result_of (page, "node3");
  g_assert_true (g_str_has_prefix (text, "Snapshots need every disk in qcow2 (vda is a raw file)"));
  g_assert_nonnull (core_snapshot (node1, "before-break", &keep));
  g_clear_pointer (&keep, g_ptr_array_unref);
  g_assert_nonnull (core_snapshot (node2, "before-break", &keep));
  g_clear_pointer (&keep, g_ptr_array_unref);
  g_assert_false (core_snapshot (node2, "before-break", &keep)->running);
  g_clear_pointer (&keep, g_ptr_array_unref);
  save_shot (GTK_WIDGET (fixture->window), "group-results.png");

  /* start all: node1 was running already */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "group.start", NULL));
  wait_page (page);
  WAIT_FOR (corral_guest_get_state (node2) == CORRAL_GUEST_STATE_RUNNING
            && corral_guest_get_state (node3) == CORRAL_GUEST_STATE_RUNNING);
  g_assert_cmpstr (result_of (page, "node1"), ==, "Running already");
  g_assert_cmpstr (result_of (page, "node2"), ==, "Done");
  g_assert_cmpstr (result_of (page, "node3"), ==, "Done");

  /* force off all: asked first, naming them */
  ask = group_question (page, "group.force-off");
  g_assert_cmpstr (adw_message_dialog_get_heading (ask), ==, "Force Off 3 Guests?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ask), "node1, node2, node3"));
  answer (ask, "force-off");
  wait_page (page);
  WAIT_FOR (corral_guest_get_state (node1) == CORRAL_GUEST_STATE_SHUTOFF
            && corral_guest_get_state (node2) == CORRAL_GUEST_STATE_SHUTOFF
            && corral_guest_get_state (node3) == CORRAL_GUEST_STATE_SHUTOFF);
  g_assert_cmpstr (result_of (page, "node1"), ==, "Done");

  /* revert all, to a name they share, chosen from a list */
  ask = group_question (page, "group.revert-snapshot");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ask),
                            "The changes since then to the disks, and, for a running guest, its memory state, "
                            "are lost."));
  {
    GtkDropDown *choice = GTK_DROP_DOWN (corral_test_find_type (GTK_WIDGET (ask), GTK_TYPE_DROP_DOWN));
    GListModel *model = gtk_drop_down_get_model (choice);

    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), ==, "before-break");
  }
  answer (ask, "revert");
  wait_page (page);
  WAIT_FOR (corral_guest_get_state (node1) == CORRAL_GUEST_STATE_RUNNING);
  g_assert_cmpstr (result_of (page, "node1"), ==, "Done");
  g_assert_cmpstr (result_of (page, "node2"), ==, "Done");
  g_assert_cmpstr (result_of (page, "node3"), ==, "“node3” has no snapshot named “before-break”");
  g_assert_cmpint (corral_guest_get_state (node2), ==, CORRAL_GUEST_STATE_SHUTOFF);
  g_assert_true (core_snapshot (node1, "before-break", &keep)->is_current);
  g_clear_pointer (&keep, g_ptr_array_unref);

  /* back to one guest: its own page again */
  click_row (fixture, "node2", FALSE);
  g_assert_true (corral_guest_detail_get_guest (CORRAL_GUEST_DETAIL (corral_window_get_detail (fixture->window)))
                 == node2);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (page)));
}

/* A group made by "create 3 guests" in one click: from the group page, and from a guest's own menu. */
static void
test_group_select (Fixture       *fixture,
                   gconstpointer  data)
{
  CorralGroupPage *page;
  GtkWidget *button;
  g_autofree char *names = NULL;
  CorralGuest *node2 = corral_test_find_guest (fixture->connection, "node2");

  click_row (fixture, "node1", FALSE);
  click_row (fixture, "lone", TRUE);
  page = group_page (fixture);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (page)));
  WAIT_FOR ((button = corral_test_find_label (GTK_WIDGET (page), "Select Group “node”")) != NULL);
  g_signal_emit_by_name (gtk_widget_get_ancestor (button, GTK_TYPE_BUTTON), "clicked");
  WAIT_FOR (corral_group_page_get_guests (page)->len == 3);
  names = page_guests (fixture);
  g_assert_cmpstr (names, ==, "node1,node2,node3");
  g_clear_pointer (&names, g_free);

  /* Shift+click: a range */
  click_row (fixture, "node1", FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (corral_window_get_list_view (fixture->window)),
                                             "list.select-item", "(ubb)", row_position (fixture, "node3"), FALSE,
                                             TRUE));
  WAIT_FOR (corral_group_page_get_guests (page)->len == 3);
  names = page_guests (fixture);
  g_assert_cmpstr (names, ==, "node1,node2,node3");
  g_clear_pointer (&names, g_free);

  /* from one guest's page: the window's action, as the guest's menu item activates it */
  click_row (fixture, "node2", FALSE);
  g_assert_true (corral_guest_detail_get_guest (CORRAL_GUEST_DETAIL (corral_window_get_detail (fixture->window)))
                 == node2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.select-group", "(ss)",
                                             corral_connection_get_uri (fixture->connection), "node"));
  WAIT_FOR (corral_group_page_get_guests (page)->len == 3);
  names = page_guests (fixture);
  g_assert_cmpstr (names, ==, "node1,node2,node3");
}

static void
details_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(gboolean *) user_data = corral_guest_load_details_finish (CORRAL_GUEST (object), result, NULL);
}

/* "create 3 guests" named node: each definition carries <corral:group name="node"/> (not its install
 * run), which the guest reports as its group once defined; a running group guest is no install run. */
static void
test_group_from_wizard (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(CorralGuestSpec) spec = corral_guest_spec_new ();
  CorralDomainParams params = { .name = "node7", .virt_type = "test", .arch = "x86_64" };
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  virConnectPtr conn;
  virDomainPtr vdom;
  CorralGuest *guest;
  gboolean loaded = FALSE;

  g_free (spec->name);
  spec->name = g_strdup ("node");
  spec->count = 3;
  domain = corral_guest_spec_build_domain (spec, &params, &error);
  g_assert_no_error (error);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  g_assert_nonnull (strstr (xml, "<corral:group xmlns:corral=\"https://corralvm.org/xmlns/corral/1.0\" "
                                 "name=\"node\"/>"));
  /* one guest alone is in no group */
  spec->count = 1;
  g_clear_object (&domain);
  domain = corral_guest_spec_build_domain (spec, &params, &error);
  g_assert_no_error (error);
  g_clear_pointer (&xml, g_free);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  g_assert_null (strstr (xml, "corral:group"));

  spec->count = 3;
  g_clear_object (&domain);
  domain = corral_guest_spec_build_domain (spec, &params, &error);
  g_clear_pointer (&xml, g_free);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  conn = _corral_connection_ref_handle (fixture->connection);
  vdom = virDomainDefineXML (conn, xml);
  g_assert_nonnull (vdom);
  g_assert_cmpint (virDomainCreate (vdom), ==, 0);
  virDomainFree (vdom);
  virConnectClose (conn);
  WAIT_FOR ((guest = corral_test_find_guest (fixture->connection, "node7")) != NULL);
  corral_guest_load_details_async (guest, NULL, details_cb, &loaded);
  WAIT_FOR (loaded);
  g_assert_cmpstr (corral_guest_get_group (guest), ==, "node");
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);
  corral_test_drain (200);
  g_assert_false (corral_guest_is_installing (guest));
  g_assert_null (corral_guest_get_group (corral_test_find_guest (fixture->connection, "lone")));
}

/* Delete (the list's Delete key, with two guests selected): asked, naming both; both gone after. */
static void
test_group_delete (Fixture       *fixture,
                   gconstpointer  data)
{
  CorralGroupPage *page;
  GtkWindow *dialog;
  AdwMessageDialog *ask;

  click_row (fixture, "node2", FALSE);
  click_row (fixture, "lone", TRUE);
  page = group_page (fixture);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (page)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.guest-delete", NULL));
  WAIT_FOR ((dialog = corral_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  ask = ADW_MESSAGE_DIALOG (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ask), ==, "Delete 2 Guests?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ask), "lone, node2"));
  answer (ask, "delete");
  WAIT_FOR (corral_test_find_guest (fixture->connection, "node2") == NULL
            && corral_test_find_guest (fixture->connection, "lone") == NULL);
  g_assert_nonnull (corral_test_find_guest (fixture->connection, "node1"));
  g_assert_nonnull (corral_test_find_guest (fixture->connection, "node3"));
}

/* Whether @model (a menu, with its sections) has an item labelled @label, and its action. */
static gboolean
menu_has (GMenuModel *model,
          const char *label,
          char      **action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *text = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);

      if (section != NULL && menu_has (section, label, action))
        return TRUE;
      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &text) && g_str_equal (text, label))
        {
          g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", action);
          return TRUE;
        }
    }
  return FALSE;
}

/* A right click on a guest of the group: its menu offers "Select Group “node”"; on "lone", nothing. */
static void
test_group_menu (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *list = GTK_WIDGET (corral_window_get_list_view (fixture->window));
  const char * const names[] = { "node1", "lone" };

  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      GtkWidget *row = gtk_widget_get_ancestor (corral_test_find_label (list, names[n]), CORRAL_TYPE_GUEST_ROW);
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (row);
      GtkWidget *menu;
      g_autofree char *action = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

          if (GTK_IS_GESTURE_CLICK (controller)
              && gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
            g_signal_emit_by_name (controller, "pressed", 1, 20.0, 10.0);
        }
      WAIT_FOR ((menu = corral_test_find_type (row, GTK_TYPE_POPOVER_MENU)) != NULL && gtk_widget_get_mapped (menu));
      if (n == 0)
        {
          WAIT_FOR (menu_has (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu)), "Select _Group “node”",
                              &action));
          g_assert_cmpstr (action, ==, "win.select-group");
        }
      else
        {
          corral_test_drain (300);
          g_assert_false (menu_has (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu)),
                                    "Select _Group “node”", &action));
        }
      gtk_popover_popdown (GTK_POPOVER (menu));
      corral_test_drain (50);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    {
      g_printerr ("usage: %s NODE.xml\n", argv[0]);
      return 1;
    }
  node_path = argv[1];
  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run under xvfb-run (the README's test command does)");
      return g_test_run ();
    }
  adw_init ();
  gvir_init_object (NULL, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (css, "/org/corralvm/Corral/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/gui/snapshots/page", test_snapshots_page);
  ADD ("/gui/snapshots/unsupported", test_snapshots_unsupported);
  ADD ("/gui/group/actions", test_group_actions);
  ADD ("/gui/group/select", test_group_select);
  ADD ("/gui/group/from-wizard", test_group_from_wizard);
  ADD ("/gui/group/delete", test_group_delete);
  ADD ("/gui/group/menu", test_group_menu);
#undef ADD

  return g_test_run ();
}
