/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-window"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-add-connection-dialog.h"
#include "corral-console-page.h"
#include "corral-connection-row.h"
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
  GtkSingleSelection   *selection;
  GtkStringFilter      *filter;
  char                 *no_libvirt_details;
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
  GtkSpinner           *loading_spinner;
  GtkListView          *list_view;
  AdwStatusPage        *no_libvirt_page;
  AdwWindowTitle       *content_title;
  AdwTabView           *tab_view;
  GtkWidget            *tab_bar;
  GtkWidget            *content_header;
  GtkWidget            *sidebar_separator;
  AdwTabPage           *details_page;
  GtkStack             *content_stack;
  CorralGuestDetail    *guest_detail;
};

enum {
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CorralWindow, corral_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

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
update_view (CorralWindow *self)
{
  gboolean connecting, connected;
  guint guests;
  const char *page;

  guests = count_guests (self, &connecting, &connected);

  if (self->no_libvirt_details != NULL && !connected && !connecting)
    {
      /* The explanation gets the wide pane; the list beside it is empty. */
      gtk_stack_set_visible_child_name (self->sidebar_stack, "list");
      gtk_stack_set_visible_child_name (self->content_stack, "no-libvirt");
      gtk_spinner_set_spinning (self->loading_spinner, FALSE);
      return;
    }

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "no-libvirt") == 0)
    gtk_stack_set_visible_child_name (self->content_stack,
                                      corral_guest_detail_get_guest (self->guest_detail) ? "guest" : "none");

  if (guests > 0 || connected)
    page = guests > 0 || g_list_model_get_n_items (corral_manager_get_connections (self->manager)) > 1
           ? "list" : "empty";
  else if (connecting)
    page = "loading";
  else
    page = "list";   /* failed connections still show their header and why */

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

  if (page != NULL && page != self->details_page)
    adw_window_title_set_title (self->content_title, adw_tab_page_get_title (page));
  else
    adw_window_title_set_title (self->content_title, guest != NULL ? corral_guest_get_name (guest) : "");
}

static gboolean
close_page_cb (CorralWindow *self,
               AdwTabPage   *page,
               AdwTabView   *view)
{
  /* The details tab stays; consoles close. (Not pinned: a pinned tab keeps the tab bar always shown.) */
  adw_tab_view_close_page_finish (view, page, page != self->details_page);
  return GDK_EVENT_STOP;
}

static void
selection_changed_cb (CorralWindow *self)
{
  GObject *item = gtk_single_selection_get_selected_item (self->selection);

  if (CORRAL_IS_GUEST (item))
    {
      corral_guest_detail_set_guest (self->guest_detail, CORRAL_GUEST (item));
      gtk_stack_set_visible_child_name (self->content_stack, "guest");
      adw_tab_view_set_selected_page (self->tab_view, self->details_page);
      update_title (self);
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
      bench_mark (self, FALSE);
    }
  else
    {
      corral_guest_detail_set_guest (self->guest_detail, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "none");
      update_title (self);
      /* Connection headers are not selectable. */
      if (item != NULL)
        gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
    }
}

static void
selected_guest_removed_cb (CorralWindow *self)
{
  GObject *item = gtk_single_selection_get_selected_item (self->selection);

  /* Make sure the pane never shows a guest that is gone from the list. */
  if (item != (GObject *) corral_guest_detail_get_guest (self->guest_detail))
    selection_changed_cb (self);
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
      corral_connection_row_set_connection (CORRAL_CONNECTION_ROW (child), CORRAL_CONNECTION (object));
      gtk_list_item_set_selectable (item, FALSE);
      gtk_list_item_set_activatable (item, FALSE);
    }
  else
    {
      if (!CORRAL_IS_GUEST_ROW (child))
        {
          child = corral_guest_row_new ();
          gtk_list_item_set_child (item, child);
        }
      corral_guest_row_set_guest (CORRAL_GUEST_ROW (child), CORRAL_GUEST (object));
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

  if (CORRAL_IS_CONNECTION_ROW (child))
    corral_connection_row_set_connection (CORRAL_CONNECTION_ROW (child), NULL);
  else if (CORRAL_IS_GUEST_ROW (child))
    corral_guest_row_set_guest (CORRAL_GUEST_ROW (child), NULL);
}

static void
list_activate_cb (CorralWindow *self,
                  guint         position,
                  GtkListView  *list_view)
{
  gtk_widget_activate_action (GTK_WIDGET (self->guest_detail), "guest.show-console", NULL);
}

static void
search_changed_cb (CorralWindow   *self,
                   GtkSearchEntry *entry)
{
  gtk_string_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (entry)));
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
  gtk_window_present (GTK_WINDOW (corral_new_guest_window_new (GTK_WINDOW (self), connection)));
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
  /* The application owns the start-up logic; it listens for this. */
  gtk_widget_activate_action (widget, "app.connect-default", NULL);
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
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, tab_view);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, tab_bar);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, content_header);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, details_page);
  gtk_widget_class_bind_template_child (widget_class, CorralWindow, guest_detail);

  gtk_widget_class_install_action (widget_class, "win.connect-demo", NULL, connect_demo_action);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.add-connection", NULL, add_connection_action);
  gtk_widget_class_install_action (widget_class, "win.retry-default", NULL, retry_default_action);
  gtk_widget_class_install_action (widget_class, "win.new-guest", NULL, new_guest_action);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
}

static void
corral_window_init (CorralWindow *self)
{
  GtkListItemFactory *factory;
  GtkExpression *name;

  self->bench = g_getenv ("CORRAL_BENCH") != NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  name = gtk_property_expression_new (CORRAL_TYPE_GUEST, NULL, "name");
  self->filter = gtk_string_filter_new (name);
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->filter, TRUE);

  self->sections = g_list_store_new (G_TYPE_LIST_MODEL);
  self->rows = gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (self->sections)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self,
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

  g_free (self->no_libvirt_details);
  self->no_libvirt_details = g_strdup (details);
  if (details != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->no_libvirt_page), details);
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
  gtk_widget_set_visible (self->tab_bar, !fullscreen);
}

/* Shows the guest's console in a tab of its own, opening it the first time. */
void
corral_window_open_console (CorralWindow *self,
                            CorralGuest  *guest)
{
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
  g_signal_connect_object (console, "notify::fullscreen", G_CALLBACK (console_fullscreen_cb), self,
                           G_CONNECT_SWAPPED);
  page = adw_tab_view_append (self->tab_view, console);
  g_object_bind_property (guest, "name", page, "title", G_BINDING_SYNC_CREATE);
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
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}
