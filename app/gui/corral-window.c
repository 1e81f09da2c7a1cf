/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "corral-a11y.h"
#include "corral-add-connection-dialog.h"
#include "corral-console-page.h"
#include "corral-connection-row.h"
#include "corral-group-page.h"
#include "corral-guest-detail.h"
#include "corral-guest-row.h"
#include "corral-new-guest-window.h"
#include "corral-window.h"

struct _CorralWindow
{
  AdwApplicationWindow  parent_instance;

  CorralManager        *manager;
  GListStore           *sections;    /* one flattened [header, sorted guests] model per connection */
  GtkFlattenListModel  *rows;
  GtkMultiSelection    *selection;   /* guests; connection headers are never selected */
  GtkCustomFilter      *filter;
  char                 *search;        /* casefolded search text, or NULL */
  char                 *no_libvirt_details;
  gboolean              retrying;      /* Try Again pressed, the answer not in yet */
  CorralGuest          *last_selected; /* the guest shown, to select a neighbour when it is deleted */
  guint                 last_position;
  GtkWidget            *context_menu;
  GMenu                *group_section; /* the context menu's "Select Group", for a guest of a group */
  guint                 group_loads;   /* details being read before a group is selected */
  char                 *group_uri;     /* the group to select once they are in, and its connection */
  char                 *group_name;
  CorralGuest          *actions_guest; /* whose state the win.guest-* actions follow */
  gboolean              bench;         /* CORRAL_BENCH is set: print the benchmark's marks */
  gboolean              bench_list_marked;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  GtkToggleButton      *search_button;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkRevealer          *kvm_banner;
  GtkStack             *sidebar_stack;
  AdwStatusPage        *no_results_page;
  GtkSpinner           *loading_spinner;
  GtkListView          *list_view;
  AdwStatusPage        *no_libvirt_page;
  GtkLabel             *no_libvirt_details_label;
  GtkLabel             *no_libvirt_result_label;
  GtkButton            *retry_button;
  GtkSpinner           *retry_spinner;
  AdwWindowTitle       *content_title;
  AdwTabView           *tab_view;
  GtkWidget            *tab_bar;
  GtkWidget            *content_header;
  GtkWidget            *sidebar_separator;
  AdwTabPage           *details_page;
  GtkStack             *content_stack;
  CorralGuestDetail    *guest_detail;
  CorralGroupPage      *group_page;
  GMenuModel           *guest_menu;
};

enum {
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CorralWindow, corral_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

static void update_guest_actions (CorralWindow *self);

/* --- which page the sidebar shows --- */

static guint
count_guests (CorralWindow *self,
              gboolean     *any_connecting,
              gboolean     *any_connected)
{
  GListModel *connections = corral_manager_get_connections (self->manager);
  guint n = g_list_model_get_n_items (connections);
  guint guests = 0;

  *any_connecting = FALSE;
  *any_connected = FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CorralConnection) connection = g_list_model_get_item (connections, i);
      CorralConnectionStatus status = corral_connection_get_status (connection);

      guests += g_list_model_get_n_items (corral_connection_get_guests (connection));
      if (status == CORRAL_CONNECTION_STATUS_CONNECTING || status == CORRAL_CONNECTION_STATUS_IDLE)
        *any_connecting = TRUE;
      else if (status != CORRAL_CONNECTION_STATUS_FAILED)
        *any_connected = TRUE;
    }
  return guests;
}

static void
update_retry (CorralWindow *self)
{
  gtk_button_set_label (self->retry_button, self->retrying ? _("Trying…") : _("_Try Again"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->retry_button), !self->retrying);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_spinner), self->retrying);
  gtk_spinner_set_spinning (self->retry_spinner, self->retrying);
}

/* The guests the search leaves in the list (only asked while searching). */
static guint
count_visible_guests (CorralWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  guint visible = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      if (CORRAL_IS_GUEST (item))
        visible++;
    }
  return visible;
}

static void
update_view (CorralWindow *self)
{
  gboolean connecting, connected;
  guint guests;
  const char *page;

  guests = count_guests (self, &connecting, &connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-guest",
                                 corral_manager_pick_connection_for_new_guest (self->manager) != NULL);
  if (connected && self->retrying)
    {
      self->retrying = FALSE;
      update_retry (self);
    }

  if ((self->no_libvirt_details != NULL || self->retrying) && !connected && !connecting)
    {
      /* The explanation gets the wide pane; the list beside it is empty. A folded window shows the
       * explanation, not the empty list. */
      gtk_stack_set_visible_child_name (self->sidebar_stack, "list");
      gtk_stack_set_visible_child_name (self->content_stack, "no-libvirt");
      gtk_spinner_set_spinning (self->loading_spinner, FALSE);
      adw_leaflet_set_visible_child (self->leaflet, self->content);
      return;
    }

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "no-libvirt") == 0)
    {
      gboolean has_guest = corral_guest_detail_get_guest (self->guest_detail) != NULL;

      gtk_stack_set_visible_child_name (self->content_stack, has_guest ? "guest" : "none");
      if (!has_guest)
        adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
    }

  if (guests > 0 || connected)
    page = guests > 0 || g_list_model_get_n_items (corral_manager_get_connections (self->manager)) > 1
           ? "list" : "empty";
  else if (connecting)
    page = "loading";
  else
    page = "list";   /* failed connections still show their header and why */

  /* A search that leaves no guest says so, rather than showing bare connection headers. */
  if (g_str_equal (page, "list") && self->search != NULL && guests > 0 && count_visible_guests (self) == 0)
    page = "no-results";

  gtk_stack_set_visible_child_name (self->sidebar_stack, page);
  /* A spinning spinner keeps the frame clock ticking even on a hidden page: spin only while shown. */
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));
}

static void
update_banner (CorralWindow *self)
{
  GListModel *connections = corral_manager_get_connections (self->manager);
  guint n = g_list_model_get_n_items (connections);
  gboolean slow = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CorralConnection) connection = g_list_model_get_item (connections, i);

      if (corral_connection_get_acceleration (connection) == CORRAL_ACCELERATION_EMULATION_ONLY &&
          corral_connection_is_local (connection))
        slow = TRUE;
    }
  gtk_revealer_set_reveal_child (self->kvm_banner, slow);
}

/* --- the benchmark's marks ---
 *
 * tests/bench/list-scale starts Corral with CORRAL_BENCH set and reads two marks from its standard output:
 * "corral-bench: list-drawn TIME guests ROWS" once, after the first frame that shows every connection's
 * full list, and "corral-bench: selection-drawn TIME" after the frame that answers each click on a guest.
 * This is the only benchmark code in Corral. */

static void
bench_after_paint_cb (GdkFrameClock *clock,
                      CorralWindow  *self)
{
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, self);
  if (!self->bench_list_marked)
    {
      self->bench_list_marked = TRUE;
      g_print ("corral-bench: list-drawn %.6f guests %u\n", g_get_real_time () / (double) G_USEC_PER_SEC,
               g_list_model_get_n_items (G_LIST_MODEL (self->rows)));
    }
  else
    g_print ("corral-bench: selection-drawn %.6f\n", g_get_real_time () / (double) G_USEC_PER_SEC);
}

/* The mark is printed after the next frame. @list_ready: every connection has finished connecting. */
static void
bench_mark (CorralWindow *self,
            gboolean      list_ready)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->list_view));

  if (!self->bench || clock == NULL || (!self->bench_list_marked && !list_ready))
    return;
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, self);
  g_signal_connect (clock, "after-paint", G_CALLBACK (bench_after_paint_cb), self);
  gtk_widget_queue_draw (GTK_WIDGET (self->list_view));
}

/* --- models --- */

static void
connection_changed_cb (CorralWindow *self)
{
  update_view (self);
  update_banner (self);
  if (self->bench && !self->bench_list_marked)
    {
      gboolean connecting, connected;

      count_guests (self, &connecting, &connected);
      bench_mark (self, connected && !connecting);
    }
}

/* The installer rebooted and Corral started the guest from its disk (CorralGuest::install-finished). */
static void
install_finished_cb (CorralWindow *self,
                     CorralGuest  *guest,
                     const char   *error_message)
{
  g_autofree char *message = NULL;

  if (error_message == NULL)
    message = g_strdup_printf (_("“%s” finished installing and now starts from its disk"),
                               corral_guest_get_name (guest));
  else
    message = g_strdup_printf (_("“%s” finished installing but could not start from its disk: %s"),
                               corral_guest_get_name (guest), error_message);
  corral_window_add_toast (self, message);
}

static GListModel *
make_section (CorralWindow     *self,
              CorralConnection *connection)
{
  g_autoptr(GListStore) header = g_list_store_new (CORRAL_TYPE_CONNECTION);
  g_autoptr(GListStore) parts = g_list_store_new (G_TYPE_LIST_MODEL);
  GtkFilterListModel *filtered;

  g_list_store_append (header, connection);
  filtered = gtk_filter_list_model_new (g_object_ref (corral_connection_get_guests (connection)),
                                        g_object_ref (GTK_FILTER (self->filter)));
  g_signal_connect_object (filtered, "items-changed", G_CALLBACK (connection_changed_cb), self,
                           G_CONNECT_SWAPPED);
  /* The core keeps each connection's guests sorted by name: no GtkSortListModel needed. */
  g_list_store_append (parts, header);
  g_list_store_append (parts, filtered);
  g_object_unref (filtered);

  g_signal_connect_object (connection, "notify::status", G_CALLBACK (connection_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "notify::acceleration", G_CALLBACK (connection_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (connection, "install-finished", G_CALLBACK (install_finished_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (corral_connection_get_guests (connection), "items-changed",
                           G_CALLBACK (connection_changed_cb), self, G_CONNECT_SWAPPED);

  return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&parts))));
}

static void
connections_changed_cb (CorralWindow *self,
                        guint         position,
                        guint         removed,
                        guint         added,
                        GListModel   *connections)
{
  g_autoptr(GPtrArray) sections = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(CorralConnection) connection = g_list_model_get_item (connections, position + i);
      g_ptr_array_add (sections, make_section (self, connection));
    }
  g_list_store_splice (self->sections, position, removed, sections->pdata, sections->len);
  connection_changed_cb (self);
}

static void
update_title (CorralWindow *self)
{
  AdwTabPage *page = adw_tab_view_get_selected_page (self->tab_view);
  CorralGuest *guest = corral_guest_detail_get_guest (self->guest_detail);

  guint group = corral_group_page_get_guests (self->group_page)->len;

  if (page != NULL && page != self->details_page)
    adw_window_title_set_title (self->content_title, adw_tab_page_get_title (page));
  else if (guest == NULL && group > 0)
    {
      g_autofree char *title = g_strdup_printf (g_dngettext (NULL, "%u Guest", "%u Guests", group), group);

      adw_window_title_set_title (self->content_title, title);
    }
  else
    adw_window_title_set_title (self->content_title, guest != NULL ? corral_guest_get_name (guest) : "");
}

static gboolean
close_page_cb (CorralWindow *self,
               AdwTabPage   *page,
               AdwTabView   *view)
{
  /* The details tab stays; consoles close. */
  adw_tab_view_close_page_finish (view, page, page != self->details_page);
  return GDK_EVENT_STOP;
}

/* The details tab is pinned: libadwaita 1.2 draws no close button on a pinned tab (AdwTabPage has no
 * "closable" of its own), only its icon, with the title as tooltip. A pinned tab also keeps an autohiding
 * AdwTabBar shown for good, so the bar does not autohide: it shows while there is a console tab beside the
 * details, and never in a console's fullscreen. */
static void
update_tab_bar (CorralWindow *self)
{
  gboolean fullscreen = !gtk_widget_get_visible (self->content_header);

  gtk_widget_set_visible (self->tab_bar, !fullscreen && adw_tab_view_get_n_pages (self->tab_view) > 1);
}

/* The tabs' own buttons (close, indicator), made by the bar as pages come. */
static gboolean
fix_tab_names_idle (gpointer user_data)
{
  g_autoptr(CorralWindow) self = g_weak_ref_get (user_data);

  if (self != NULL && self->tab_bar != NULL)
    corral_a11y_fix_names (self->tab_bar);
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
page_attached_cb (CorralWindow *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  g_idle_add_full (G_PRIORITY_DEFAULT, fix_tab_names_idle, ref, weak_ref_free);
}

/* The guests selected, in the list's order. */
static GPtrArray *
selected_guests (CorralWindow *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *guests = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      GObject *item = g_list_model_get_item (G_LIST_MODEL (self->rows), position);

      if (CORRAL_IS_GUEST (item))
        g_ptr_array_add (guests, item);
      else
        g_clear_object (&item);
    }
  return guests;
}

/* The one guest selected (and its position), or NULL when none or several are. */
static CorralGuest *
single_selected (CorralWindow *self,
                 guint        *position)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  g_autoptr(GObject) item = NULL;

  if (gtk_bitset_get_size (selected) != 1)
    return NULL;
  item = g_list_model_get_item (G_LIST_MODEL (self->rows), gtk_bitset_get_nth (selected, 0));
  if (!CORRAL_IS_GUEST (item))
    return NULL;
  if (position != NULL)
    *position = gtk_bitset_get_nth (selected, 0);
  return CORRAL_GUEST (item);   /* the list holds it */
}

static void
select_only (CorralWindow *self,
             guint         position)
{
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
}

static void
selection_changed_cb (CorralWindow *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  g_autoptr(GPtrArray) guests = NULL;
  guint position = 0;
  CorralGuest *guest;

  /* Connection headers are not selectable (a Ctrl+A or a range over them leaves them out). */
  for (guint i = 0; i < gtk_bitset_get_size (selected); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->rows), gtk_bitset_get_nth (selected, i));

      if (item != NULL && !CORRAL_IS_GUEST (item))
        {
          gtk_selection_model_unselect_item (GTK_SELECTION_MODEL (self->selection), gtk_bitset_get_nth (selected, i));
          return;   /* called again by the unselection */
        }
    }

  guests = selected_guests (self);
  guest = single_selected (self, &position);
  if (guest != NULL)
    {
      corral_group_page_set_guests (self->group_page, NULL);
      g_set_object (&self->last_selected, guest);
      self->last_position = position;
      corral_guest_detail_set_guest (self->guest_detail, guest);
      corral_a11y_fix_names (GTK_WIDGET (self->guest_detail));
      gtk_stack_set_visible_child_name (self->content_stack, "guest");
      adw_tab_view_set_selected_page (self->tab_view, self->details_page);
      update_title (self);
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
      bench_mark (self, FALSE);
    }
  else if (guests->len >= 2)
    {
      /* Several guests: the group page, and no single guest's actions (Delete in the list asks for all). */
      corral_group_page_set_guests (self->group_page, guests);
      corral_guest_detail_set_guest (self->guest_detail, NULL);
      corral_a11y_fix_names (GTK_WIDGET (self->group_page));
      gtk_stack_set_visible_child_name (self->content_stack, "group");
      adw_tab_view_set_selected_page (self->tab_view, self->details_page);
      update_title (self);
      update_guest_actions (self);
    }
  else
    {
      corral_guest_detail_set_guest (self->guest_detail, NULL);
      corral_group_page_set_guests (self->group_page, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "none");
      update_title (self);
      update_guest_actions (self);
    }
}

/* Whether the content side shows something else than the selection now is. */
static gboolean
selection_differs (CorralWindow *self)
{
  g_autoptr(GPtrArray) guests = selected_guests (self);
  GPtrArray *shown = corral_group_page_get_guests (self->group_page);

  if (guests->len == 1)
    return g_ptr_array_index (guests, 0) != (gpointer) corral_guest_detail_get_guest (self->guest_detail);
  if (corral_guest_detail_get_guest (self->guest_detail) != NULL || guests->len != shown->len)
    return TRUE;
  for (guint i = 0; i < guests->len; i++)
    if (g_ptr_array_index (guests, i) != g_ptr_array_index (shown, i))
      return TRUE;
  return FALSE;
}

/* The guest at @position of the list, if that row is a guest of @connection. */
static CorralGuest *
guest_at (CorralWindow     *self,
          guint             position,
          CorralConnection *connection)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->rows), position);

  if (CORRAL_IS_GUEST (item) && corral_guest_get_connection (CORRAL_GUEST (item)) == connection)
    return CORRAL_GUEST (item);
  return NULL;
}

static void
selected_guest_removed_cb (CorralWindow *self,
                           guint         position,
                           guint         removed,
                           guint         added)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GObject *item = (GObject *) single_selected (self, &self->last_position);

  /* Make sure the pane never shows a guest that is gone from the list. */
  if (selection_differs (self))
    selection_changed_cb (self);
  /* only after a single guest's page: not when several were selected */
  if (!gtk_bitset_is_empty (selected))
    return;

  /* The guest shown was deleted (gone from its connection, not just hidden by a search or a disconnect):
   * select its neighbour in the same connection, as a list does after a delete. */
  if (item == NULL && self->last_selected != NULL && removed > added &&
      position <= self->last_position && self->last_position < position + removed)
    {
      CorralConnection *connection = corral_guest_get_connection (self->last_selected);
      g_autoptr(CorralGuest) gone = g_steal_pointer (&self->last_selected);
      CorralGuest *next;

      if (connection == NULL ||
          corral_connection_get_status (connection) != CORRAL_CONNECTION_STATUS_CONNECTED ||
          corral_connection_find_guest (connection, corral_guest_get_uuid (gone)) != NULL)
        return;
      next = guest_at (self, position, connection);
      if (next == NULL && position > 0)
        next = guest_at (self, position - 1, connection);
      if (next != NULL)
        corral_window_select_guest (self, next);
    }
}

/* --- a guest's actions from the list: context menu, Delete --- */

/* The selected guest's own actions, from the window: Delete and the list's context menu. */
static void
guest_forward_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CorralWindow *self = CORRAL_WINDOW (widget);
  static const struct { const char *win, *guest; } map[] = {
    { "win.guest-start", "guest.start" },
    { "win.guest-shutdown", "guest.shutdown" },
    { "win.guest-console", "guest.show-console" },
    { "win.guest-forwards", "guest.forwards" },
    { "win.guest-clone", "guest.clone" },
    { "win.guest-delete", "guest.delete" },
  };

  static const struct { const char *win, *group; } group_map[] = {
    { "win.guest-start", "group.start" },
    { "win.guest-shutdown", "group.shutdown" },
    { "win.guest-delete", "group.delete" },
  };

  /* Several guests selected: the list's menu and Delete act on all of them, through the group page. */
  if (corral_guest_detail_get_guest (self->guest_detail) == NULL)
    {
      if (corral_group_page_get_guests (self->group_page)->len < 2)
        return;
      for (guint i = 0; i < G_N_ELEMENTS (group_map); i++)
        if (g_str_equal (action_name, group_map[i].win))
          gtk_widget_activate_action (GTK_WIDGET (self->group_page), group_map[i].group, NULL);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (action_name, map[i].win))
      gtk_widget_activate_action (GTK_WIDGET (self->guest_detail), map[i].guest, NULL);
}

static void
update_guest_actions (CorralWindow *self)
{
  CorralGuest *guest = corral_guest_detail_get_guest (self->guest_detail);
  gboolean has = guest != NULL;
  gboolean group = !has && corral_group_page_get_guests (self->group_page)->len >= 2;

  if (self->actions_guest != guest)
    {
      if (self->actions_guest != NULL)
        g_signal_handlers_disconnect_by_func (self->actions_guest, update_guest_actions, self);
      g_set_object (&self->actions_guest, guest);
      if (guest != NULL)
        g_signal_connect_object (guest, "notify::state", G_CALLBACK (update_guest_actions), self,
                                 G_CONNECT_SWAPPED);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.guest-start",
                                 group || (has && corral_guest_is_action_allowed (guest, CORRAL_GUEST_ACTION_START)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.guest-shutdown",
                                 group
                                 || (has && corral_guest_is_action_allowed (guest, CORRAL_GUEST_ACTION_SHUTDOWN)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.guest-console", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.guest-forwards", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.guest-clone", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.guest-delete",
                                 group || (has && corral_guest_is_action_allowed (guest, CORRAL_GUEST_ACTION_DELETE)));
}

static gboolean
guest_is_selected (CorralWindow *self,
                   CorralGuest  *guest)
{
  g_autoptr(GPtrArray) guests = selected_guests (self);

  return g_ptr_array_find (guests, guest, NULL);
}

/* "Select Group “node”" in the menu of a guest that "create N guests" made. */
static void
update_group_section (CorralWindow *self,
                      CorralGuest  *guest)
{
  const char *group = corral_guest_get_group (guest);
  CorralConnection *connection = corral_guest_get_connection (guest);
  g_autofree char *label = NULL;
  g_autoptr(GMenuItem) item = NULL;

  g_menu_remove_all (self->group_section);
  if (group == NULL || connection == NULL)
    return;
  /* Translators: selects every guest of a group made by "create N guests"; %s is its base name */
  label = g_strdup_printf (_("Select _Group “%s”"), group);
  item = g_menu_item_new (label, NULL);
  g_menu_item_set_action_and_target_value (item, "win.select-group",
                                           g_variant_new ("(ss)", corral_connection_get_uri (connection), group));
  g_menu_append_item (self->group_section, item);
}

static void
menu_details_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(CorralWindow) self = g_weak_ref_get (ref);
  GtkWidget *row;

  g_weak_ref_clear (ref);
  g_free (ref);
  corral_guest_load_details_finish (CORRAL_GUEST (source), result, NULL);
  if (self == NULL || self->context_menu == NULL)
    return;
  row = gtk_widget_get_parent (self->context_menu);
  if (CORRAL_IS_GUEST_ROW (row) && corral_guest_row_get_guest (CORRAL_GUEST_ROW (row)) == CORRAL_GUEST (source))
    update_group_section (self, CORRAL_GUEST (source));
}

/* Every guest of @connection whose group is @group, selected (nothing else). */
static void
apply_group_selection (CorralWindow *self)
{
  CorralConnection *connection = corral_manager_find_connection (self->manager, self->group_uri);
  g_autoptr(GtkBitset) wanted = gtk_bitset_new_empty ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  g_autoptr(GtkBitset) mask = gtk_bitset_new_range (0, n);

  for (guint i = 0; connection != NULL && i < n; i++)
    {
      CorralGuest *guest = guest_at (self, i, connection);

      if (guest != NULL && g_strcmp0 (corral_guest_get_group (guest), self->group_name) == 0)
        gtk_bitset_add (wanted, i);
    }
  if (gtk_bitset_is_empty (wanted))
    return;
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), wanted, mask);
}

static void
group_details_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(CorralWindow) self = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  corral_guest_load_details_finish (CORRAL_GUEST (source), result, NULL);
  if (self != NULL && --self->group_loads == 0)
    apply_group_selection (self);
}

/* From the group page or a guest's menu: (connection URI, group). The group is read with each guest's
 * details, so they are read first, for every guest of the connection. */
static void
select_group_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CorralWindow *self = CORRAL_WINDOW (widget);
  const char *uri, *group;
  CorralConnection *connection;
  GListModel *guests;

  g_variant_get (parameter, "(&s&s)", &uri, &group);
  connection = corral_manager_find_connection (self->manager, uri);
  if (connection == NULL)
    return;
  g_free (self->group_uri);
  self->group_uri = g_strdup (uri);
  g_free (self->group_name);
  self->group_name = g_strdup (group);
  guests = corral_connection_get_guests (connection);
  self->group_loads++;   /* this loop's own count */
  for (guint i = 0; i < g_list_model_get_n_items (guests); i++)
    {
      g_autoptr(CorralGuest) guest = g_list_model_get_item (guests, i);
      GWeakRef *ref;

      if (corral_guest_get_domain (guest) == NULL)
        continue;
      ref = g_new0 (GWeakRef, 1);
      g_weak_ref_init (ref, self);
      self->group_loads++;
      corral_guest_load_details_async (guest, NULL, group_details_cb, ref);
    }
  if (--self->group_loads == 0)
    apply_group_selection (self);
}

/* A right click, Menu or Shift+F10 on a guest row: select it, then its menu. */
static void
show_context_menu (CorralWindow *self,
                   GtkWidget    *row,
                   double        x,
                   double        y)
{
  CorralGuest *guest = corral_guest_row_get_guest (CORRAL_GUEST_ROW (row));
  graphene_rect_t bounds;
  graphene_point_t point;
  GdkRectangle rect;

  if (guest == NULL)
    return;
  /* A right click on one of several guests selected keeps them: the menu is for all of them. */
  if (!guest_is_selected (self, guest) && !corral_window_select_guest (self, guest))
    return;
  update_guest_actions (self);
  update_group_section (self, guest);
  if (corral_guest_get_group (guest) == NULL && corral_guest_get_domain (guest) != NULL)
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      /* the group comes with the guest's details: the item appears when they are in */
      g_weak_ref_init (ref, self);
      corral_guest_load_details_async (guest, NULL, menu_details_cb, ref);
    }
  /* One menu, moved to the row it is for (a guest row lets it go when it is disposed); it points at the
   * row, or where it was clicked. */
  if (gtk_widget_get_parent (self->context_menu) != row)
    {
      if (gtk_widget_get_parent (self->context_menu) != NULL)
        gtk_widget_unparent (self->context_menu);
      gtk_widget_set_parent (self->context_menu, row);
    }
  if (!gtk_widget_compute_bounds (row, row, &bounds))
    return;
  point = GRAPHENE_POINT_INIT (x, y);
  if (x < 0)
    rect = (GdkRectangle) { 24, bounds.size.height / 2, 1, 1 };
  else
    rect = (GdkRectangle) { point.x, point.y, 1, 1 };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
row_secondary_pressed_cb (GtkGestureClick *gesture,
                          int              n_press,
                          double           x,
                          double           y,
                          CorralWindow    *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  show_context_menu (self, row, x, y);
}

/* Menu or Shift+F10 in the list: the menu of the focused row (the list focuses the row widget around
 * a CorralGuestRow). */
static gboolean
list_menu_key_cb (GtkWidget *list,
                  GVariant  *args,
                  gpointer   user_data)
{
  CorralWindow *self = CORRAL_WINDOW (gtk_widget_get_root (list));
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *row = focus != NULL ? gtk_widget_get_first_child (focus) : NULL;

  if (!CORRAL_IS_GUEST_ROW (row))
    return FALSE;
  show_context_menu (self, row, -1, -1);
  return TRUE;
}

/* --- list rows --- */

static void
factory_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 CorralWindow             *self)
{
  GObject *object = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);

  if (CORRAL_IS_CONNECTION (object))
    {
      if (!CORRAL_IS_CONNECTION_ROW (child))
        {
          child = corral_connection_row_new ();
          gtk_list_item_set_child (item, child);
        }
      /* The header is no focus stop of its own; its menu button is. */
      gtk_widget_set_focusable (gtk_widget_get_parent (child), FALSE);
      corral_connection_row_set_connection (CORRAL_CONNECTION_ROW (child), CORRAL_CONNECTION (object));
      corral_a11y_fix_names (child);
      gtk_list_item_set_selectable (item, FALSE);
      gtk_list_item_set_activatable (item, FALSE);
    }
  else
    {
      if (!CORRAL_IS_GUEST_ROW (child))
        {
          GtkGesture *click = gtk_gesture_click_new ();

          child = corral_guest_row_new ();
          gtk_list_item_set_child (item, child);
          gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
          g_signal_connect (click, "pressed", G_CALLBACK (row_secondary_pressed_cb), self);
          gtk_widget_add_controller (child, GTK_EVENT_CONTROLLER (click));
        }
      gtk_widget_set_focusable (gtk_widget_get_parent (child), TRUE);
      corral_guest_row_set_guest (CORRAL_GUEST_ROW (child), CORRAL_GUEST (object));
      corral_a11y_fix_names (child);
      gtk_list_item_set_selectable (item, TRUE);
      gtk_list_item_set_activatable (item, TRUE);
    }
}

static void
factory_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   CorralWindow             *self)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (self->context_menu != NULL && gtk_widget_get_parent (self->context_menu) == child)
    gtk_widget_unparent (self->context_menu);
  if (CORRAL_IS_CONNECTION_ROW (child))
    corral_connection_row_set_connection (CORRAL_CONNECTION_ROW (child), NULL);
  else if (CORRAL_IS_GUEST_ROW (child))
    corral_guest_row_set_guest (CORRAL_GUEST_ROW (child), NULL);
}

/* Enter or a double click on a row: that row's guest (the focused one, which need not be the selected
 * one after Tab), its console. */
static void
list_activate_cb (CorralWindow *self,
                  guint         position,
                  GtkListView  *list_view)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->rows), position);

  if (!CORRAL_IS_GUEST (item))
    return;
  select_only (self, position);
  gtk_widget_activate_action (GTK_WIDGET (self->guest_detail), "guest.show-console", NULL);
}

/* A click on the guest already selected, while a console tab is in front: back to its details (a click
 * on another guest does that through the selection). */
static void
list_pressed_cb (CorralWindow    *self,
                 int              n_press,
                 double           x,
                 double           y,
                 GtkGestureClick *gesture)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->list_view), x, y, GTK_PICK_DEFAULT);
  GtkWidget *row = picked != NULL ? gtk_widget_get_ancestor (picked, CORRAL_TYPE_GUEST_ROW) : NULL;

  if (row != NULL && n_press == 1 &&
      corral_guest_row_get_guest (CORRAL_GUEST_ROW (row)) == corral_guest_detail_get_guest (self->guest_detail))
    corral_window_show_details (self);
}

static gboolean
guest_matches (gpointer item,
               gpointer user_data)
{
  CorralWindow *self = user_data;
  CorralGuest *guest = item;
  const char *fields[] = { corral_guest_get_name (guest), corral_guest_get_os_id (guest) };

  if (self->search == NULL)
    return TRUE;
  /* The name and the operating system (its libosinfo id, e.g. "http://debian.org/debian/12"); guests have
   * no separate title in Corral. */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *folded = fields[i] != NULL ? g_utf8_casefold (fields[i], -1) : NULL;

      if (folded != NULL && strstr (folded, self->search) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
os_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(CorralWindow) self = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  corral_guest_load_details_finish (CORRAL_GUEST (source), result, NULL);
  if (self != NULL && self->search != NULL && corral_guest_get_os_id (CORRAL_GUEST (source)) != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_LESS_STRICT);
}

/* A guest's OS is read with its details, when its page is first shown: a search reads it for the guests
 * whose page was not (once each). */
static void
load_os_ids (CorralWindow *self)
{
  GListModel *connections = corral_manager_get_connections (self->manager);

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(CorralConnection) connection = g_list_model_get_item (connections, i);
      GListModel *guests = corral_connection_get_guests (connection);

      for (guint j = 0; j < g_list_model_get_n_items (guests); j++)
        {
          g_autoptr(CorralGuest) guest = g_list_model_get_item (guests, j);
          GWeakRef *ref;

          if (corral_guest_get_os_id (guest) != NULL || g_object_get_data (G_OBJECT (guest), "corral-os-asked"))
            continue;
          g_object_set_data (G_OBJECT (guest), "corral-os-asked", GINT_TO_POINTER (1));
          ref = g_new0 (GWeakRef, 1);
          g_weak_ref_init (ref, self);
          corral_guest_load_details_async (guest, NULL, os_loaded_cb, ref);
        }
    }
}

static void
search_changed_cb (CorralWindow   *self,
                   GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *description = NULL;

  g_clear_pointer (&self->search, g_free);
  if (text != NULL && *text != '\0')
    {
      self->search = g_utf8_casefold (text, -1);
      load_os_ids (self);
    }
  /* Translators: shown when a search of the guest list finds nothing; %s is what was typed */
  description = g_strdup_printf (_("No guest’s name or operating system contains “%s”."), text);
  adw_status_page_set_description (self->no_results_page, description);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_view (self);
}

/* --- actions --- */

static void
connect_demo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CorralWindow *self = CORRAL_WINDOW (widget);
  CorralConnection *connection;

  g_clear_pointer (&self->no_libvirt_details, g_free);
  connection = corral_manager_add_connection (self->manager, CORRAL_DEMO_URI);
  if (corral_connection_get_status (connection) == CORRAL_CONNECTION_STATUS_IDLE)
    corral_connection_open_async (connection, NULL, NULL, NULL);
  update_view (self);
}

/* From a connection header's menu: out of the list, and (the application's part) out of the saved ones. */
static void
remove_connection_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  CorralWindow *self = CORRAL_WINDOW (widget);
  const char *uri = g_variant_get_string (parameter, NULL);
  CorralConnection *connection = corral_manager_find_connection (self->manager, uri);

  if (connection != NULL)
    corral_manager_remove_connection (self->manager, connection);
  gtk_widget_activate_action (widget, "app.forget-connection-uri", "s", uri);
  update_view (self);
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CorralWindow *self = CORRAL_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
add_connection_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CorralWindow *self = CORRAL_WINDOW (widget);
  GtkWidget *dialog;

  dialog = corral_add_connection_dialog_new (GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_guest_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CorralWindow *self = CORRAL_WINDOW (widget);
  CorralConnection *connection = corral_manager_pick_connection_for_new_guest (self->manager);

  if (connection == NULL)
    {
      corral_window_add_toast (self, _("Not connected to libvirt: connect first, then create a guest"));
      return;
    }
  gtk_window_present (GTK_WINDOW (corral_new_guest_window_new_for_manager (GTK_WINDOW (self),
                                                                           self->manager,
                                                                           connection)));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CorralWindow *self = CORRAL_WINDOW (widget);

  gtk_toggle_button_set_active (self->search_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
retry_default_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CorralWindow *self = CORRAL_WINDOW (widget);

  /* The page stays while libvirt is asked again; the button says so, and the answer follows. */
  self->retrying = TRUE;
  gtk_label_set_label (self->no_libvirt_result_label, "");
  update_retry (self);
  /* The application owns the start-up logic; it listens for this. */
  gtk_widget_activate_action (widget, "app.connect-default", NULL);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CorralWindow *self = CORRAL_WINDOW (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), g_variant_get_string (parameter, NULL));
  corral_window_add_toast (self, _("Copied"));
}

static void
open_console_cb (CorralWindow      *self,
                 CorralGuest       *guest,
                 CorralGuestDetail *detail)
{
  corral_window_open_console (self, guest);
}

/* --- GObject --- */

static void
corral_window_constructed (GObject *object)
{
  CorralWindow *self = CORRAL_WINDOW (object);
  GListModel *connections;

  G_OBJECT_CLASS (corral_window_parent_class)->constructed (object);

  g_assert (self->manager != NULL);
  connections = corral_manager_get_connections (self->manager);
  g_signal_connect_object (connections, "items-changed", G_CALLBACK (connections_changed_cb), self,
                           G_CONNECT_SWAPPED);
  connections_changed_cb (self, 0, 0, g_list_model_get_n_items (connections), connections);
}

static void
corral_window_dispose (GObject *object)
{
  CorralWindow *self = CORRAL_WINDOW (object);

  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  if (self->context_menu != NULL && gtk_widget_get_parent (self->context_menu) != NULL)
    gtk_widget_unparent (self->context_menu);
  g_clear_object (&self->context_menu);
  g_clear_object (&self->group_section);
  g_clear_object (&self->last_selected);
  if (self->actions_guest != NULL)
    g_signal_handlers_disconnect_by_func (self->actions_guest, update_guest_actions, self);
  g_clear_object (&self->actions_guest);
  gtk_widget_dispose_template (GTK_WIDGET (self), CORRAL_TYPE_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_object (&self->sections);
  g_clear_object (&self->filter);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (corral_window_parent_class)->dispose (object);
}

static void
corral_window_finalize (GObject *object)
{
  CorralWindow *self = CORRAL_WINDOW (object);

  g_free (self->no_libvirt_details);
  g_free (self->group_uri);
  g_free (self->group_name);
  g_free (self->search);

  G_OBJECT_CLASS (corral_window_parent_class)->finalize (object);
}

static void
corral_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CorralWindow *self = CORRAL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CorralWindow *self = CORRAL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_window_class_init (CorralWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = corral_window_constructed;
  object_class->dispose = corral_window_dispose;
  object_class->finalize = corral_window_finalize;
  object_class->get_property = corral_window_get_property;
  object_class->set_property = corral_window_set_property;

  properties[PROP_MANAGER] = g_param_spec_object ("manager", NULL, NULL, CORRAL_TYPE_MANAGER,
                                                  G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                  G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CORRAL_TYPE_GUEST_DETAIL);
  g_type_ensure (CORRAL_TYPE_GROUP_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/corralvm/Corral/corral-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, content);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, kvm_banner);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, no_libvirt_page);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, no_libvirt_details_label);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, no_libvirt_result_label);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, retry_spinner);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, guest_menu);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, tab_view);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, tab_bar);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, content_header);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, details_page);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, guest_detail);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, group_page);

  gtk_widget_class_install_action (widget_class, "win.connect-demo", NULL, connect_demo_action);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.add-connection", NULL, add_connection_action);
  gtk_widget_class_install_action (widget_class, "win.retry-default", NULL, retry_default_action);
  gtk_widget_class_install_action (widget_class, "win.new-guest", NULL, new_guest_action);

  gtk_widget_class_install_action (widget_class, "win.copy", "s", copy_action);
  gtk_widget_class_install_action (widget_class, "win.remove-connection", "s", remove_connection_action);
  gtk_widget_class_install_action (widget_class, "win.guest-start", NULL, guest_forward_action);
  gtk_widget_class_install_action (widget_class, "win.guest-shutdown", NULL, guest_forward_action);
  gtk_widget_class_install_action (widget_class, "win.guest-console", NULL, guest_forward_action);
  gtk_widget_class_install_action (widget_class, "win.guest-forwards", NULL, guest_forward_action);
  gtk_widget_class_install_action (widget_class, "win.guest-clone", NULL, guest_forward_action);
  gtk_widget_class_install_action (widget_class, "win.guest-delete", NULL, guest_forward_action);
  gtk_widget_class_install_action (widget_class, "win.select-group", "(ss)", select_group_action);

  /* Every one of these is listed in ui/gtk/help-overlay.ui, with its key. */
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-guest", NULL);
}

static void
corral_window_init (CorralWindow *self)
{
  GtkListItemFactory *factory;
  GtkGesture *click;
  GtkEventController *keys;

  self->bench = g_getenv ("CORRAL_BENCH") != NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->filter = gtk_custom_filter_new (guest_matches, self, NULL);

  self->sections = g_list_store_new (G_TYPE_LIST_MODEL);
  self->rows = gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (self->sections)));
  /* Click selects one guest, Ctrl+click adds or removes one, Shift+click a range. */
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->rows, "items-changed", G_CALLBACK (selected_guest_removed_cb), self,
                           G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list_view, "activate", G_CALLBACK (list_activate_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->guest_detail, "open-console", G_CALLBACK (open_console_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tab_view, "close-page", G_CALLBACK (close_page_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tab_view, "notify::selected-page", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tab_view, "notify::n-pages", G_CALLBACK (update_tab_bar), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tab_view, "page-attached", G_CALLBACK (page_attached_cb), self,
                           G_CONNECT_SWAPPED);
  {
    g_autoptr(GIcon) details_icon = g_themed_icon_new ("document-properties-symbolic");

    adw_tab_page_set_icon (self->details_page, details_icon);
    adw_tab_page_set_tooltip (self->details_page, _("Details"));
  }
  adw_tab_view_set_page_pinned (self->tab_view, self->details_page, TRUE);
  update_tab_bar (self);

  /* Before the rows' own click handling: a click on the guest already selected changes no selection. */
  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "pressed", G_CALLBACK (list_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (click));
  keys = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Menu, 0),
                                                          gtk_callback_action_new (list_menu_key_cb, NULL, NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_F10, GDK_SHIFT_MASK),
                                                          gtk_callback_action_new (list_menu_key_cb, NULL, NULL)));
  /* Delete in the list only: not while typing in an entry or into a guest's console. */
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                                                          gtk_named_action_new ("win.guest-delete")));
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), keys);

  self->group_section = g_menu_new ();
  g_menu_append_section (G_MENU (self->guest_menu), NULL, G_MENU_MODEL (self->group_section));
  self->context_menu = g_object_ref_sink (gtk_popover_menu_new_from_model (self->guest_menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  g_signal_connect_object (self->guest_detail, "notify::guest", G_CALLBACK (update_guest_actions), self,
                           G_CONNECT_SWAPPED);
  update_guest_actions (self);
  update_retry (self);
  corral_a11y_fix_names (GTK_WIDGET (self));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
}

/* --- public API --- */

CorralWindow *
corral_window_new (GtkApplication *application,
                   CorralManager  *manager)
{
  return g_object_new (CORRAL_TYPE_WINDOW, "application", application, "manager", manager, NULL);
}

void
corral_window_set_no_libvirt (CorralWindow *self,
                              const char   *details)
{
  g_return_if_fail (CORRAL_IS_WINDOW (self));

  /* While Try Again asks libvirt, the application clears the details first: keep the page (and what it
   * said) until the answer is in. */
  if (details == NULL && self->retrying)
    return;
  g_free (self->no_libvirt_details);
  self->no_libvirt_details = g_strdup (details);
  if (details != NULL)
    {
      gtk_label_set_label (self->no_libvirt_details_label, details);
      if (self->retrying)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_local ();
          g_autofree char *time = g_date_time_format (now, "%X");
          /* Translators: after Try Again on the "libvirt Is Not Running" page; %s is the time of day */
          g_autofree char *result = g_strdup_printf (_("Tried again at %s: still no answer."), time);

          gtk_label_set_label (self->no_libvirt_result_label, result);
        }
      self->retrying = FALSE;
      update_retry (self);
    }
  update_view (self);
}

void
corral_window_add_toast (CorralWindow *self,
                         const char   *message)
{
  g_return_if_fail (CORRAL_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

GtkListView *
corral_window_get_list_view (CorralWindow *self)
{
  g_return_val_if_fail (CORRAL_IS_WINDOW (self), NULL);
  return self->list_view;
}

GtkWidget *
corral_window_get_detail (CorralWindow *self)
{
  g_return_val_if_fail (CORRAL_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->guest_detail);
}

/* A console in fullscreen shows the guest's screen alone: the window's own chrome goes away meanwhile. */
static void
console_fullscreen_cb (CorralWindow      *self,
                       GParamSpec        *pspec,
                       CorralConsolePage *page)
{
  gboolean fullscreen = corral_console_page_get_fullscreen (page);

  gtk_widget_set_visible (self->sidebar, !fullscreen);
  gtk_widget_set_visible (self->sidebar_separator, !fullscreen);
  gtk_widget_set_visible (self->content_header, !fullscreen);
  update_tab_bar (self);
}

/* Shows the details tab (of the guest selected). */
void
corral_window_show_details (CorralWindow *self)
{
  g_return_if_fail (CORRAL_IS_WINDOW (self));
  adw_tab_view_set_selected_page (self->tab_view, self->details_page);
}

static gboolean
console_tooltip_transform (GBinding     *binding,
                           const GValue *from,
                           GValue       *to,
                           gpointer      user_data)
{
  CorralConnection *connection = user_data;

  /* Translators: a console tab's tooltip, e.g. "Console of web1 on This computer (system)" */
  g_value_take_string (to, g_strdup_printf (_("Console of %s on %s"), g_value_get_string (from),
                                            corral_connection_get_title (connection)));
  return TRUE;
}

/* Shows the guest's console in a tab of its own, opening it the first time. */
void
corral_window_open_console (CorralWindow *self,
                            CorralGuest  *guest)
{
  g_autoptr(GIcon) icon = g_themed_icon_new ("video-display-symbolic");
  guint n;
  GtkWidget *console;
  AdwTabPage *page;

  g_return_if_fail (CORRAL_IS_WINDOW (self));
  g_return_if_fail (CORRAL_IS_GUEST (guest));

  n = adw_tab_view_get_n_pages (self->tab_view);
  for (guint i = 0; i < n; i++)
    {
      page = adw_tab_view_get_nth_page (self->tab_view, i);
      console = adw_tab_page_get_child (page);
      if (page != self->details_page &&
          corral_console_page_get_guest (CORRAL_CONSOLE_PAGE (console)) == guest)
        {
          adw_tab_view_set_selected_page (self->tab_view, page);
          return;
        }
    }

  console = corral_console_page_new (guest);
  corral_a11y_fix_names (console);
  g_signal_connect_object (console, "notify::fullscreen", G_CALLBACK (console_fullscreen_cb), self,
                           G_CONNECT_SWAPPED);
  page = adw_tab_view_append (self->tab_view, console);
  g_object_bind_property (guest, "name", page, "title", G_BINDING_SYNC_CREATE);
  /* The title stays the guest's name; the icon says "screen", the tooltip which connection. */
  adw_tab_page_set_icon (page, icon);
  if (corral_guest_get_connection (guest) != NULL)
    g_object_bind_property_full (guest, "name", page, "tooltip", G_BINDING_SYNC_CREATE,
                                 console_tooltip_transform, NULL,
                                 g_object_ref (corral_guest_get_connection (guest)), g_object_unref);
  adw_tab_view_set_selected_page (self->tab_view, page);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

gboolean
corral_window_select_guest (CorralWindow *self,
                            CorralGuest  *guest)
{
  guint n;

  g_return_val_if_fail (CORRAL_IS_WINDOW (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
      if (item == (GObject *) guest)
        {
          select_only (self, i);
          return TRUE;
        }
    }
  return FALSE;
}
