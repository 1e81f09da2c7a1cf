/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-new-guest-window"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-guest-creator.h"
#include "corral-guest-spec-access.h"
#include "corral-helper-client.h"
#include "corral-new-guest-window.h"
#include "corral-osinfo.h"
#include "corral-window.h"

#define MiB (G_GUINT64_CONSTANT (1024) * 1024)
#define GiB (MiB * 1024)
#define MAX_RECENT 5

static const char * const page_names[] = { "source", "os", "resources", "disk", "network",
                                          "review" };
#define N_PAGES G_N_ELEMENTS (page_names)
#define PAGE_REVIEW (N_PAGES - 1)

struct _CorralNewGuestWindow
{
  AdwWindow           parent_instance;

  CorralConnection   *connection;
  CorralHostInfo     *host;
  GPtrArray          *volume_groups;     /* CorralVolumeGroup */
  CorralHelperClient *helper;
  GCancellable       *cancellable;       /* host queries, OS database; cancelled in dispose */
  GCancellable       *detect_cancellable;
  GCancellable       *create_cancellable;
  CorralGuestCreator *creator;
  GtkNativeDialog    *chooser;
  GListStore         *os_store;
  GtkStringFilter    *os_filter;
  GtkSingleSelection *os_selection;
  OsinfoOs           *detected_os;
  OsinfoOs           *os;                /* the chosen one */
  char               *suggested_name;
  GStrv               created;
  guint               page;
  gboolean            detecting;
  gboolean            db_loaded;

  /* template children */
  AdwWindowTitle     *window_title;
  GtkWidget          *back_button;
  GtkWidget          *close_button;
  GtkWidget          *next_button;
  GtkStack           *stack;
  GtkCheckButton     *iso_check;
  AdwEntryRow        *iso_entry;
  GtkCheckButton     *import_check;
  AdwEntryRow        *import_entry;
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
  AdwActionRow       *memory_row;
  GtkSpinButton      *memory_spin;
  AdwActionRow       *cpus_row;
  GtkSpinButton      *cpus_spin;
  GtkCheckButton     *pool_check;
  AdwComboRow        *pool_combo;
  GtkStringList      *pool_model;
  AdwActionRow       *lvm_row;
  GtkCheckButton     *lvm_check;
  AdwComboRow        *vg_combo;
  GtkStringList      *vg_model;
  AdwActionRow       *size_row;
  GtkSpinButton      *size_spin;
  GtkCheckButton     *existing_check;
  AdwEntryRow        *existing_entry;
  GtkCheckButton     *nodisk_check;
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
  AdwActionRow       *summary_source;
  AdwActionRow       *summary_os;
  AdwActionRow       *summary_resources;
  AdwActionRow       *summary_disk;
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

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CorralNewGuestWindow, corral_new_guest_window, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];

static void update (CorralNewGuestWindow *self);

/* --- reading the pages --- */

static char *
entry_path (AdwEntryRow *entry)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));

  g_strstrip (text);
  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static CorralStoragePlace *
selected_pool (CorralNewGuestWindow *self)
{
  guint pos = adw_combo_row_get_selected (self->pool_combo);

  if (self->host == NULL || pos == GTK_INVALID_LIST_POSITION || pos >= self->host->pools->len)
    return NULL;
  return g_ptr_array_index (self->host->pools, pos);
}

static CorralVolumeGroup *
selected_vg (CorralNewGuestWindow *self)
{
  guint pos = adw_combo_row_get_selected (self->vg_combo);

  if (self->volume_groups == NULL || pos == GTK_INVALID_LIST_POSITION
      || pos >= self->volume_groups->len)
    return NULL;
  return g_ptr_array_index (self->volume_groups, pos);
}

static const char *
selected_network (CorralNewGuestWindow *self)
{
  guint pos = adw_combo_row_get_selected (self->network_combo);

  if (self->host == NULL || pos == GTK_INVALID_LIST_POSITION || pos >= self->host->networks->len)
    return NULL;
  return g_ptr_array_index (self->host->networks, pos);
}

static const char *
selected_bridge (CorralNewGuestWindow *self)
{
  guint pos = adw_combo_row_get_selected (self->bridge_combo);

  if (self->host == NULL || pos == GTK_INVALID_LIST_POSITION || pos >= self->host->bridges->len)
    return NULL;
  return g_ptr_array_index (self->host->bridges, pos);
}

static CorralGuestSpec *
build_spec (CorralNewGuestWindow *self)
{
  CorralGuestSpec *spec = corral_guest_spec_new ();

  spec->name = entry_path (self->name_entry);
  if (self->os != NULL)
    spec->os_id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (self->os)));
  spec->memory = (guint64) gtk_spin_button_get_value_as_int (self->memory_spin) * MiB;
  spec->vcpus = gtk_spin_button_get_value_as_int (self->cpus_spin);
  spec->count = gtk_spin_button_get_value_as_int (self->count_spin);
  spec->start = gtk_switch_get_active (self->start_switch);

  if (gtk_check_button_get_active (self->import_check))
    {
      spec->source = CORRAL_INSTALL_SOURCE_IMPORT;
      spec->disk_kind = CORRAL_DISK_EXISTING;
      g_free (spec->disk_location);
      spec->disk_location = entry_path (self->import_entry);
    }
  else
    {
      spec->source = CORRAL_INSTALL_SOURCE_ISO;
      spec->iso_path = entry_path (self->iso_entry);
      g_clear_pointer (&spec->disk_location, g_free);
      spec->disk_size = (guint64) gtk_spin_button_get_value_as_int (self->size_spin) * GiB;
      if (gtk_check_button_get_active (self->pool_check))
        {
          CorralStoragePlace *pool = selected_pool (self);

          spec->disk_kind = CORRAL_DISK_POOL;
          spec->disk_location = pool != NULL ? g_strdup (pool->name) : NULL;
        }
      else if (gtk_check_button_get_active (self->lvm_check))
        {
          CorralVolumeGroup *vg = selected_vg (self);

          spec->disk_kind = CORRAL_DISK_LVM;
          spec->disk_location = vg != NULL ? g_strdup (vg->name) : NULL;
        }
      else if (gtk_check_button_get_active (self->existing_check))
        {
          spec->disk_kind = CORRAL_DISK_EXISTING;
          spec->disk_location = entry_path (self->existing_entry);
        }
      else
        spec->disk_kind = CORRAL_DISK_NONE;
    }

  g_clear_pointer (&spec->network, g_free);
  if (gtk_check_button_get_active (self->net_check))
    {
      spec->network_kind = CORRAL_NETWORK_LIBVIRT;
      spec->network = g_strdup (selected_network (self));
    }
  else if (gtk_check_button_get_active (self->bridge_check))
    {
      spec->network_kind = CORRAL_NETWORK_BRIDGE;
      spec->network = g_strdup (selected_bridge (self));
    }
  else
    spec->network_kind = CORRAL_NETWORK_NONE;

  return spec;
}

static void
fill_limits (CorralNewGuestWindow *self,
             CorralGuestSpec      *spec,
             CorralGuestLimits    *limits)
{
  CorralOsResources res;

  memset (limits, 0, sizeof *limits);
  if (self->host != NULL)
    {
      limits->host_memory = self->host->memory;
      limits->host_cpus = self->host->cpus;
      limits->taken_names = (const char * const *) self->host->guest_names;
    }
  if (spec->disk_kind == CORRAL_DISK_POOL && selected_pool (self) != NULL)
    limits->disk_free = selected_pool (self)->available;
  else if (spec->disk_kind == CORRAL_DISK_LVM && selected_vg (self) != NULL)
    limits->disk_free = selected_vg (self)->free;
  corral_osinfo_os_get_resources (self->os, self->host != NULL ? self->host->arch : "x86_64", &res);
  limits->os_min_memory = res.min_ram;
}

/* The problem that keeps the user on @page, or NULL. */
static char *
page_problem (CorralNewGuestWindow *self,
              guint                 page)
{
  g_autoptr(CorralGuestSpec) spec = build_spec (self);
  g_autoptr(GError) error = NULL;
  CorralGuestLimits limits;
  /* paths name files on the libvirt host: only check them when that is this machine */
  gboolean local = corral_connection_is_local (self->connection);

  fill_limits (self, spec, &limits);

  switch (page)
    {
    case 0:
      if (spec->source == CORRAL_INSTALL_SOURCE_ISO)
        {
          if (spec->iso_path == NULL || !g_path_is_absolute (spec->iso_path))
            return g_strdup (_("Choose an install image (ISO file), or drop one here"));
          if (local && !g_file_test (spec->iso_path, G_FILE_TEST_IS_REGULAR))
            return g_strdup_printf (_("There is no file “%s”: choose another one"), spec->iso_path);
        }
      else
        {
          if (spec->disk_location == NULL || !g_path_is_absolute (spec->disk_location))
            return g_strdup (_("Choose the disk image to import"));
          if (local && !g_file_test (spec->disk_location, G_FILE_TEST_EXISTS))
            return g_strdup_printf (_("There is no file “%s”: choose another one"),
                                    spec->disk_location);
        }
      return NULL;

    case 1:
      if (!self->db_loaded)
        return g_strdup (_("Reading the list of operating systems…"));
      if (self->os == NULL)
        return g_strdup (_("Choose the operating system from the list"));
      return NULL;

    case 2:
      if (!corral_guest_spec_check_memory (spec->memory, spec->count, &limits, &error)
          || !corral_guest_spec_check_vcpus (spec->vcpus, &limits, &error))
        return g_strdup (error->message);
      return NULL;

    case 3:
      if (spec->disk_kind == CORRAL_DISK_POOL && self->host != NULL && self->host->pools->len == 0)
        return g_strdup (_("This connection has no active storage pool: choose another kind of "
                           "disk"));
      if (spec->disk_kind == CORRAL_DISK_LVM
          && (self->volume_groups == NULL || self->volume_groups->len == 0))
        return g_strdup (adw_action_row_get_subtitle (self->lvm_row));
      if (!corral_guest_spec_check_disk (spec, &limits, &error))
        return g_strdup (error->message);
      return NULL;

    case 4:
      if (spec->network_kind == CORRAL_NETWORK_LIBVIRT && spec->network == NULL)
        return g_strdup (_("This connection has no virtual network: choose a bridge or no "
                           "network"));
      if (spec->network_kind == CORRAL_NETWORK_BRIDGE && spec->network == NULL)
        return g_strdup (_("This host has no bridge: choose a virtual network or no network"));
      return NULL;

    case PAGE_REVIEW:
      if (!corral_guest_spec_check_name (spec->name, spec->count, limits.taken_names, &error)
          || !corral_guest_spec_validate (spec, &limits, &error))
        return g_strdup (error->message);
      return NULL;

    default:
      return NULL;
    }
}

/* --- what the pages show --- */

static void
update_summary (CorralNewGuestWindow *self)
{
  g_autoptr(CorralGuestSpec) spec = build_spec (self);
  g_autofree char *memory = corral_format_size (spec->memory);
  g_autofree char *resources = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *size = corral_format_size (spec->disk_size);
  g_autofree char *count_text = NULL;
  const char *network = NULL;

  adw_action_row_set_subtitle (self->summary_source, spec->source == CORRAL_INSTALL_SOURCE_ISO
                                                     ? spec->iso_path : spec->disk_location);
  adw_action_row_set_subtitle (self->summary_os,
                               self->os != NULL
                               ? osinfo_product_get_name (OSINFO_PRODUCT (self->os)) : "");
  resources = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u processor",
                                            "%s, %u processors",
                                            spec->vcpus), memory, spec->vcpus);
  adw_action_row_set_subtitle (self->summary_resources, resources);

  switch (spec->disk_kind)
    {
    case CORRAL_DISK_POOL:
      disk = spec->count > 1
             ? g_strdup_printf (_("%u new %s volumes, one per guest, in the storage pool “%s”"),
                                spec->count, size,
                                spec->disk_location)
             : g_strdup_printf (_("New %s volume in the storage pool “%s”"), size,
                                spec->disk_location);
      break;
    case CORRAL_DISK_LVM:
      disk = spec->count > 1
             ? g_strdup_printf (_("%u new %s logical volumes, one per guest, in the volume group "
                                  "“%s”"), spec->count,
                                size, spec->disk_location)
             : g_strdup_printf (_("New %s logical volume in the volume group “%s”"), size,
                                spec->disk_location);
      break;
    case CORRAL_DISK_EXISTING:
      disk = g_strdup (spec->disk_location);
      break;
    case CORRAL_DISK_NONE:
    default:
      disk = g_strdup (_("None"));
    }
  adw_action_row_set_subtitle (self->summary_disk, disk);

  switch (spec->network_kind)
    {
    case CORRAL_NETWORK_LIBVIRT:
    case CORRAL_NETWORK_BRIDGE:
      network = spec->network;
      break;
    case CORRAL_NETWORK_NONE:
    default:
      network = _("None");
    }
  adw_action_row_set_subtitle (self->summary_network, network);

  if (spec->count > 1 && spec->name != NULL)
    count_text = g_strdup_printf (_("Each with its own disk, named %s1 … %s%u"), spec->name,
                                  spec->name,
                                  spec->count);
  else
    count_text = g_strdup (_("Several guests from one description, e.g. for a small cluster"));
  adw_action_row_set_subtitle (self->count_row, count_text);
}

static void
update (CorralNewGuestWindow *self)
{
  const char *visible = gtk_stack_get_visible_child_name (self->stack);
  gboolean wizard_page = self->page < N_PAGES && g_strcmp0 (visible, page_names[self->page]) == 0;
  g_autofree char *problem = wizard_page ? page_problem (self, self->page) : NULL;
  g_autofree char *subtitle = NULL;

  if (wizard_page)
    {
      GtkWidget *visible_child = gtk_stack_get_visible_child (self->stack);
      GtkStackPage *page = gtk_stack_get_page (self->stack, visible_child);

      subtitle = g_strdup_printf (_("Step %u of %u: %s"), self->page + 1, (guint) N_PAGES,
                                  gtk_stack_page_get_title (page));
      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
  else
    adw_window_title_set_subtitle (self->window_title, NULL);

  if (self->page == PAGE_REVIEW && wizard_page)
    update_summary (self);

  if (self->page == PAGE_REVIEW && problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_entry), "error");
  gtk_label_set_label (self->error_label, problem != NULL ? problem : "");
  gtk_revealer_set_reveal_child (self->error_revealer, problem != NULL);

  gtk_widget_set_visible (self->back_button,
                          g_strcmp0 (visible, "failed") == 0 || (wizard_page && self->page > 0));
  gtk_widget_set_visible (self->next_button, wizard_page);
  gtk_widget_set_visible (self->close_button, g_strcmp0 (visible, "progress") != 0);
  gtk_button_set_label (GTK_BUTTON (self->next_button),
                        self->page == PAGE_REVIEW ? _("_Create") : _("_Next"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next", wizard_page && problem == NULL);
}

static void
show_page (CorralNewGuestWindow *self,
           guint                 page)
{
  self->page = page;
  gtk_stack_set_visible_child_name (self->stack, page_names[page]);
  update (self);
}

/* --- the OS --- */

static char *
unique_name (CorralNewGuestWindow *self,
             const char           *base)
{
  const char * const *taken = NULL;

  if (self->host != NULL)
    taken = (const char * const *) self->host->guest_names;

  if (taken == NULL || !g_strv_contains (taken, base))
    return g_strdup (base);
  for (guint i = 2;; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s-%u", base, i);

      if (!g_strv_contains (taken, candidate))
        return g_steal_pointer (&candidate);
    }
}

static void
suggest_name (CorralNewGuestWindow *self)
{
  g_autofree char *current = entry_path (self->name_entry);
  g_autofree char *base = corral_osinfo_suggest_name (self->os);
  g_autofree char *name = unique_name (self, base);

  /* only while the user has not typed a name of their own */
  if (current != NULL && g_strcmp0 (current, self->suggested_name) != 0)
    return;
  g_free (self->suggested_name);
  self->suggested_name = g_strdup (name);
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name);
}

static void
set_os (CorralNewGuestWindow *self,
        OsinfoOs             *os)
{
  CorralOsResources res;
  g_autofree char *memory_hint = NULL;
  g_autofree char *host_memory = NULL;

  if (!g_set_object (&self->os, os))
    return;

  corral_osinfo_os_get_resources (os, self->host != NULL ? self->host->arch : "x86_64", &res);
  if (res.recommended_ram > 0)
    {
      guint64 ram = res.recommended_ram;

      if (self->host != NULL && self->host->memory > 0)
        ram = MIN (ram, self->host->memory / 2);
      gtk_spin_button_set_value (self->memory_spin, MAX (ram, res.min_ram) / MiB);
    }
  if (res.recommended_cpus > 0)
    gtk_spin_button_set_value (self->cpus_spin, MIN (res.recommended_cpus,
                                                     self->host != NULL && self->host->cpus > 0
                                                     ? self->host->cpus : res.recommended_cpus));
  if (res.recommended_storage > 0)
    gtk_spin_button_set_value (self->size_spin, MAX (res.recommended_storage / GiB, 1));

  if (os != NULL && res.recommended_ram > 0)
    {
      g_autofree char *rec = corral_format_size (res.recommended_ram);

      host_memory = self->host != NULL ? corral_format_size (self->host->memory) : NULL;
      memory_hint = host_memory != NULL
                    ? g_strdup_printf (_("Recommended for %s: %s. This host has %s."),
                                       osinfo_product_get_name (OSINFO_PRODUCT (os)), rec,
                                       host_memory)
                    : g_strdup_printf (_("Recommended for %s: %s."),
                                       osinfo_product_get_name (OSINFO_PRODUCT (os)), rec);
    }
  adw_action_row_set_subtitle (self->memory_row, memory_hint != NULL ? memory_hint : "");

  suggest_name (self);
  update (self);
}

static void search_changed_cb (CorralNewGuestWindow *self);

static void
select_os_in_list (CorralNewGuestWindow *self,
                   OsinfoOs             *os)
{
  GListModel *model = G_LIST_MODEL (self->os_selection);

  const char *distro = osinfo_os_get_distro (os);

  /* show the detected OS among its siblings ("debian": Debian 6 … 11), selected */
  gtk_editable_set_text (GTK_EDITABLE (self->os_search), distro != NULL ? distro : "");
  search_changed_cb (self);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(OsinfoOs) item = g_list_model_get_item (model, i);

      if (item == os)
        {
          gtk_single_selection_set_selected (self->os_selection, i);
          return;
        }
    }
}

static void
os_selected_cb (CorralNewGuestWindow *self)
{
  OsinfoOs *os = gtk_single_selection_get_selected_item (self->os_selection);

  if (os != NULL)
    set_os (self, os);
}

static void
detected_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CorralNewGuestWindow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsinfoOs) os = corral_osinfo_detect_media_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_NEW_GUEST_WINDOW (user_data);
  self->detecting = FALSE;
  gtk_spinner_stop (self->detect_spinner);

  g_set_object (&self->detected_os, os);
  if (os != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detected_row),
                                     osinfo_product_get_name (OSINFO_PRODUCT (os)));
      adw_action_row_set_subtitle (self->detected_row, _("Detected from the install image"));
      gtk_stack_set_visible_child_name (self->detect_icon_stack, "found");
      select_os_in_list (self, os);
      set_os (self, os);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detected_row), _("Not detected"));
      adw_action_row_set_subtitle (self->detected_row, error->message);
      gtk_stack_set_visible_child_name (self->detect_icon_stack, "unknown");
    }
  update (self);
  g_object_unref (self);
}

static gboolean is_system_connection (CorralConnection *connection);

/* System libvirt runs QEMU as its own user: warn when that user cannot read the ISO, and offer the
 * fix. */
static void
check_access (CorralNewGuestWindow *self)
{
  g_autofree char *path = entry_path (self->iso_entry);
  g_autoptr(GPtrArray) blockers = NULL;
  g_autofree char *message = NULL;

  gtk_widget_set_visible (self->access_group, FALSE);
  if (path == NULL || gtk_check_button_get_active (self->import_check)
      || !is_system_connection (self->connection) || !corral_connection_is_local (self->connection)
      || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return;

  blockers = corral_guest_spec_access_blockers (path, CORRAL_QEMU_USER, NULL);
  if (blockers == NULL || blockers->len == 0)
    return;
  message = corral_guest_spec_access_describe (path, CORRAL_QEMU_USER, blockers);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->access_row),
                                 _("The virtual machine cannot read this file"));
  adw_action_row_set_subtitle (self->access_row, message);
  gtk_widget_set_sensitive (self->access_button, TRUE);
  gtk_widget_set_visible (self->access_group, TRUE);
}

static void
grant_access_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (widget);
  g_autofree char *path = entry_path (self->iso_entry);
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  if (!corral_guest_spec_access_grant (path, CORRAL_QEMU_USER, &error))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->access_row),
                                     _("Access could not be allowed"));
      adw_action_row_set_subtitle (self->access_row, error->message);
      return;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->access_row), _("Access allowed"));
  adw_action_row_set_subtitle (self->access_row,
                               _("The virtual machine may now read this file, and nothing else of "
                                 "yours."));
  gtk_widget_set_sensitive (self->access_button, FALSE);
}

static void
detect (CorralNewGuestWindow *self)
{
  g_autofree char *path = NULL;

  g_cancellable_cancel (self->detect_cancellable);
  g_clear_object (&self->detect_cancellable);
  self->detecting = FALSE;

  if (gtk_check_button_get_active (self->import_check))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detected_row),
                                     _("Choose the system on the disk image"));
      adw_action_row_set_subtitle (self->detected_row, _("Imported disks are not examined"));
      gtk_stack_set_visible_child_name (self->detect_icon_stack, "unknown");
      return;
    }

  path = entry_path (self->iso_entry);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return;

  self->detecting = TRUE;
  self->detect_cancellable = g_cancellable_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detected_row), _("Detecting…"));
  adw_action_row_set_subtitle (self->detected_row, "");
  gtk_stack_set_visible_child_name (self->detect_icon_stack, "spinner");
  gtk_spinner_start (self->detect_spinner);
  corral_osinfo_detect_media_async (path, self->detect_cancellable, detected_cb,
                                    g_object_ref (self));
}

static void
db_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CorralNewGuestWindow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsinfoDb) db = corral_osinfo_load_db_finish (result, &error);
  g_autoptr(GPtrArray) all = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_NEW_GUEST_WINDOW (user_data);
  if (db == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detected_row), error->message);
      return;
    }

  self->db_loaded = TRUE;
  all = corral_osinfo_list_os ();
  g_list_store_splice (self->os_store, 0, 0, all->pdata, all->len);
  gtk_single_selection_set_selected (self->os_selection, GTK_INVALID_LIST_POSITION);
  /* given to the view only once filled: GTK 4.8's list view shows a single row when a model this
   * size arrives while it is unmapped */
  gtk_list_view_set_model (self->os_list, GTK_SELECTION_MODEL (self->os_selection));
  update (self);
}

/* --- host: pools, networks, bridges, volume groups --- */

static void
fill_model (GtkStringList *model,
            GPtrArray     *strings)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();

  for (guint i = 0; i < strings->len; i++)
    g_ptr_array_add (items, g_ptr_array_index (strings, i));
  g_ptr_array_add (items, NULL);
  gtk_string_list_splice (model, 0, g_list_model_get_n_items (G_LIST_MODEL (model)),
                          (const char * const *) items->pdata);
}

static void
host_info_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CorralNewGuestWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pool_labels = g_ptr_array_new_with_free_func (g_free);
  CorralHostInfo *info = corral_host_info_query_finish (result, &error);
  guint default_net;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
      return;
    }
  g_clear_pointer (&self->host, corral_host_info_free);
  self->host = info;

  for (guint i = 0; i < info->pools->len; i++)
    {
      CorralStoragePlace *pool = g_ptr_array_index (info->pools, i);
      g_autofree char *free_str = corral_format_size (pool->available);

      g_ptr_array_add (pool_labels, g_strdup_printf (_("%s (%s free)"), pool->name, free_str));
    }
  fill_model (self->pool_model, pool_labels);
  for (guint i = 0; i < info->pools->len; i++)
    {
      if (g_str_equal (((CorralStoragePlace *) g_ptr_array_index (info->pools, i))->name,
                       "default"))
        adw_combo_row_set_selected (self->pool_combo, i);
    }
  fill_model (self->network_model, info->networks);
  if (g_ptr_array_find_with_equal_func (info->networks, "default", g_str_equal, &default_net))
    adw_combo_row_set_selected (self->network_combo, default_net);
  fill_model (self->bridge_model, info->bridges);
  gtk_widget_set_sensitive (GTK_WIDGET (self->bridge_check), info->bridges->len > 0);
  if (info->bridges->len == 0)
    adw_action_row_set_subtitle (self->bridge_row, _("This host has no bridge"));

  if (info->memory > 0)
    gtk_spin_button_set_range (self->memory_spin, CORRAL_GUEST_SPEC_MIN_MEMORY / MiB,
                               info->memory / MiB);
  if (info->cpus > 0)
    gtk_spin_button_set_range (self->cpus_spin, 1, info->cpus);

  suggest_name (self);
  update (self);
}

static void
volume_groups_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CorralNewGuestWindow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  groups = corral_helper_client_list_volume_groups_finish (CORRAL_HELPER_CLIENT (object), result,
                                                           &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_NEW_GUEST_WINDOW (user_data);
  if (groups == NULL)
    {
      adw_action_row_set_subtitle (self->lvm_row, error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->lvm_check), FALSE);
      return;
    }
  if (groups->len == 0)
    {
      adw_action_row_set_subtitle (self->lvm_row, _("This host has no LVM volume group"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->lvm_check), FALSE);
      return;
    }
  for (guint i = 0; i < groups->len; i++)
    {
      CorralVolumeGroup *vg = g_ptr_array_index (groups, i);
      g_autofree char *free_str = corral_format_size (vg->free);

      g_ptr_array_add (labels, g_strdup_printf (_("%s (%s free)"), vg->name, free_str));
    }
  g_clear_pointer (&self->volume_groups, g_ptr_array_unref);
  self->volume_groups = g_steal_pointer (&groups);
  fill_model (self->vg_model, labels);
  adw_action_row_set_subtitle (self->lvm_row, _("A block device managed by corral-helper"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->lvm_check), TRUE);
  update (self);
}

static gboolean
is_system_connection (CorralConnection *connection)
{
  const char *uri = corral_connection_get_uri (connection);

  return g_str_has_prefix (uri, "qemu:///system") || g_str_has_prefix (uri, "qemu+unix:///system");
}

/* --- files: chooser, recent ISOs, drag and drop --- */

static void
set_source_file (CorralNewGuestWindow *self,
                 GFile                *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *lower = NULL;

  if (path == NULL)
    return;
  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".iso"))
    {
      gtk_check_button_set_active (self->iso_check, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->iso_entry), path);
    }
  else
    {
      gtk_check_button_set_active (self->import_check, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->import_entry), path);
    }
}

static void
chooser_response_cb (CorralNewGuestWindow *self,
                     int                   response,
                     GtkNativeDialog      *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      AdwEntryRow *target = g_object_get_data (G_OBJECT (chooser), "corral-target");

      if (file != NULL && target == self->existing_entry)
        {
          g_autofree char *path = g_file_get_path (file);

          gtk_editable_set_text (GTK_EDITABLE (self->existing_entry), path != NULL ? path : "");
        }
      else if (file != NULL)
        set_source_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
choose_file (CorralNewGuestWindow *self,
             AdwEntryRow          *target,
             const char           *title,
             gboolean              iso)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"),
                                         _("_Cancel"));
  if (iso)
    {
      gtk_file_filter_set_name (filter, _("ISO images"));
      gtk_file_filter_add_mime_type (filter, "application/x-cd-image");
      gtk_file_filter_add_suffix (filter, "iso");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  g_object_set_data (G_OBJECT (chooser), "corral-target", target);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static gboolean
drop_cb (GtkDropTarget        *target,
         const GValue         *value,
         double                x,
         double                y,
         CorralNewGuestWindow *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE) || self->page != 0)
    return FALSE;
  set_source_file (self, g_value_get_object (value));
  return TRUE;
}

static void
recent_row_activated_cb (AdwActionRow         *row,
                         CorralNewGuestWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (row), "corral-path");

  gtk_check_button_set_active (self->iso_check, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->iso_entry), path);
}

static void
fill_recent (CorralNewGuestWindow *self)
{
  GtkRecentManager *recent = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (recent);
  guint shown = 0;

  for (GList *l = items; l != NULL && shown < MAX_RECENT; l = l->next)
    {
      const char *uri = gtk_recent_info_get_uri (l->data);
      g_autofree char *path = g_filename_from_uri (uri, NULL, NULL);
      g_autofree char *lower = path != NULL ? g_ascii_strdown (path, -1) : NULL;
      g_autofree char *base = NULL, *dir = NULL;
      GtkWidget *row;

      if (lower == NULL || !g_str_has_suffix (lower, ".iso")
          || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      base = g_path_get_basename (path);
      dir = g_path_get_dirname (path);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), base);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dir);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "corral-path", g_steal_pointer (&path), g_free);
      g_signal_connect_object (row, "activated", G_CALLBACK (recent_row_activated_cb), self, 0);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  gtk_widget_set_visible (self->recent_group, shown > 0);
}

/* --- creating --- */

static void
creator_progress_cb (CorralNewGuestWindow *self)
{
  if (self->creator == NULL)
    return;
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 corral_guest_creator_get_fraction (self->creator));
  gtk_label_set_label (self->progress_label, corral_guest_creator_get_status (self->creator) ?: "");
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CorralNewGuestWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uuids = corral_guest_creator_run_finish (CORRAL_GUEST_CREATOR (object), result,
                                                         &error);
  g_autoptr(CorralGuestSpec) spec = build_spec (self);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  g_clear_object (&self->creator);
  g_clear_object (&self->create_cancellable);

  if (uuids == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_page (self, PAGE_REVIEW);
          gtk_label_set_label (self->error_label,
                               _("Stopped. Nothing that was made is left behind."));
          gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
          return;
        }
      adw_status_page_set_description (self->failed_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "failed");
      update (self);
      return;
    }

  self->created = g_steal_pointer (&uuids);
  if (spec->source == CORRAL_INSTALL_SOURCE_ISO && spec->iso_path != NULL)
    {
      g_autofree char *uri = g_filename_to_uri (spec->iso_path, NULL, NULL);

      if (uri != NULL)
        gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
    }
  if (CORRAL_IS_WINDOW (parent))
    {
      g_autofree char *message = spec->count > 1
                                 ? g_strdup_printf (_("Created %u guests"), spec->count)
                                 : g_strdup_printf (_("Created “%s”"), spec->name);

      corral_window_add_toast (CORRAL_WINDOW (parent), message);
    }
  if (spec->start && parent != NULL && self->created[0] != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "app.open-console", "s", self->created[0]);
  gtk_window_close (GTK_WINDOW (self));
}

static void
create (CorralNewGuestWindow *self)
{
  g_autoptr(CorralGuestSpec) spec = build_spec (self);

  g_return_if_fail (self->creator == NULL);

  self->creator = corral_guest_creator_new (self->connection, spec);
  if (self->helper != NULL)
    corral_guest_creator_set_helper (self->creator, self->helper);
  g_signal_connect_object (self->creator, "notify::status", G_CALLBACK (creator_progress_cb), self,
                           G_CONNECT_SWAPPED);
  self->create_cancellable = g_cancellable_new ();
  adw_status_page_set_title (self->progress_page, spec->count > 1 ? _("Creating Guests…")
                                                                   : _("Creating the Guest…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_label_set_label (self->progress_label, "");
  gtk_stack_set_visible_child_name (self->stack, "progress");
  update (self);
  corral_guest_creator_run_async (self->creator, self->create_cancellable, created_cb,
                                  g_object_ref (self));
}

/* --- actions --- */

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (widget);
  g_autofree char *problem = page_problem (self, self->page);

  if (problem != NULL)
    return;
  if (self->page == PAGE_REVIEW)
    create (self);
  else
    show_page (self, self->page + 1);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "failed") == 0)
    show_page (self, PAGE_REVIEW);
  else if (self->page > 0)
    show_page (self, self->page - 1);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (widget);

  g_cancellable_cancel (self->create_cancellable);
  gtk_label_set_label (self->progress_label, _("Stopping and removing what was made…"));
}

static void
choose_iso_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (widget);

  choose_file (self, self->iso_entry, _("Choose an ISO Image"), TRUE);
}

static void
choose_image_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (widget);

  choose_file (self, self->import_entry, _("Choose a Disk Image"), FALSE);
}

static void
changed_cb (CorralNewGuestWindow *self)
{
  update (self);
}

static void
source_changed_cb (CorralNewGuestWindow *self)
{
  check_access (self);
  detect (self);
  update (self);
}

static void
search_changed_cb (CorralNewGuestWindow *self)
{
  gtk_string_filter_set_search (self->os_filter,
                                gtk_editable_get_text (GTK_EDITABLE (self->os_search)));
}

/* --- object --- */

static gboolean
close_request_cb (CorralNewGuestWindow *self)
{
  /* while creating, closing means stopping: the rollback runs, then the window closes itself */
  if (self->creator != NULL)
    {
      g_cancellable_cancel (self->create_cancellable);
      return TRUE;
    }
  return FALSE;
}

static void
corral_new_guest_window_constructed (GObject *object)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (object);

  G_OBJECT_CLASS (corral_new_guest_window_parent_class)->constructed (object);

  g_assert (self->connection != NULL);
  corral_host_info_query_async (self->connection, self->cancellable, host_info_cb, self);
  if (is_system_connection (self->connection))
    {
      self->helper = g_object_ref (corral_helper_client_get_default ());
      corral_helper_client_list_volume_groups_async (self->helper, self->cancellable,
                                                     volume_groups_cb, self);
    }
  else
    {
      adw_action_row_set_subtitle (self->lvm_row,
                                   _("Only for guests of this computer’s system connection "
                                     "(qemu:///system)"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->lvm_check), FALSE);
    }
  update (self);
}

static void
corral_new_guest_window_dispose (GObject *object)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->detect_cancellable);
  g_clear_object (&self->detect_cancellable);
  g_cancellable_cancel (self->create_cancellable);
  g_clear_object (&self->create_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), CORRAL_TYPE_NEW_GUEST_WINDOW);
  g_clear_object (&self->creator);
  g_clear_object (&self->os_selection);
  g_clear_object (&self->os_filter);
  g_clear_object (&self->os_store);
  g_clear_object (&self->detected_os);
  g_clear_object (&self->os);
  g_clear_object (&self->helper);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (corral_new_guest_window_parent_class)->dispose (object);
}

static void
corral_new_guest_window_finalize (GObject *object)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (object);

  g_clear_pointer (&self->host, corral_host_info_free);
  g_clear_pointer (&self->volume_groups, g_ptr_array_unref);
  g_free (self->suggested_name);
  g_strfreev (self->created);

  G_OBJECT_CLASS (corral_new_guest_window_parent_class)->finalize (object);
}

static void
corral_new_guest_window_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_new_guest_window_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
corral_new_guest_window_class_init (CorralNewGuestWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = corral_new_guest_window_constructed;
  object_class->dispose = corral_new_guest_window_dispose;
  object_class->finalize = corral_new_guest_window_finalize;
  object_class->get_property = corral_new_guest_window_get_property;
  object_class->set_property = corral_new_guest_window_set_property;

  properties[PROP_CONNECTION] = g_param_spec_object ("connection", NULL, NULL,
                                                     CORRAL_TYPE_CONNECTION,
                                                     G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                     G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (OSINFO_TYPE_PRODUCT);
  g_type_ensure (OSINFO_TYPE_OS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/corralvm/Corral/corral-new-guest-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CorralNewGuestWindow, name)
  BIND (window_title);
  BIND (back_button);
  BIND (close_button);
  BIND (next_button);
  BIND (stack);
  BIND (iso_check);
  BIND (iso_entry);
  BIND (import_check);
  BIND (import_entry);
  BIND (access_group);
  BIND (access_row);
  BIND (access_button);
  BIND (recent_group);
  BIND (recent_list);
  BIND (detected_row);
  BIND (detect_icon_stack);
  BIND (detect_spinner);
  BIND (os_search);
  BIND (os_list);
  BIND (memory_row);
  BIND (memory_spin);
  BIND (cpus_row);
  BIND (cpus_spin);
  BIND (pool_check);
  BIND (pool_combo);
  BIND (pool_model);
  BIND (lvm_row);
  BIND (lvm_check);
  BIND (vg_combo);
  BIND (vg_model);
  BIND (size_row);
  BIND (size_spin);
  BIND (existing_check);
  BIND (existing_entry);
  BIND (nodisk_check);
  BIND (net_check);
  BIND (network_combo);
  BIND (network_model);
  BIND (bridge_row);
  BIND (bridge_check);
  BIND (bridge_combo);
  BIND (bridge_model);
  BIND (nonet_check);
  BIND (name_entry);
  BIND (count_row);
  BIND (count_spin);
  BIND (summary_source);
  BIND (summary_os);
  BIND (summary_resources);
  BIND (summary_disk);
  BIND (summary_network);
  BIND (start_switch);
  BIND (progress_page);
  BIND (progress_bar);
  BIND (progress_label);
  BIND (cancel_button);
  BIND (failed_page);
  BIND (error_revealer);
  BIND (error_label);
#undef BIND

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "wizard.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "wizard.choose-iso", NULL, choose_iso_action);
  gtk_widget_class_install_action (widget_class, "wizard.choose-image", NULL, choose_image_action);
  gtk_widget_class_install_action (widget_class, "wizard.grant-access", NULL, grant_access_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
corral_new_guest_window_init (CorralNewGuestWindow *self)
{
  GtkDropTarget *drop;
  GtkExpression *name;

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->os_store = g_list_store_new (OSINFO_TYPE_OS);
  name = gtk_property_expression_new (OSINFO_TYPE_PRODUCT, NULL, "name");
  self->os_filter = gtk_string_filter_new (name);
  gtk_string_filter_set_match_mode (self->os_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->os_filter, TRUE);
  self->os_selection = gtk_single_selection_new (
    G_LIST_MODEL (gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->os_store)),
                                             g_object_ref (GTK_FILTER (self->os_filter)))));
  gtk_single_selection_set_autoselect (self->os_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->os_selection, TRUE);
  g_signal_connect_object (self->os_selection, "notify::selected-item", G_CALLBACK (os_selected_cb),
                           self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->os_search, "search-changed", G_CALLBACK (search_changed_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->iso_entry, "changed", G_CALLBACK (source_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->import_check, "toggled", G_CALLBACK (source_changed_cb), self,
                           G_CONNECT_SWAPPED);
#define WATCH(widget, signal) \
  g_signal_connect_object (self->widget, signal, G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED)
  WATCH (import_entry, "changed");
  WATCH (memory_spin, "value-changed");
  WATCH (cpus_spin, "value-changed");
  WATCH (size_spin, "value-changed");
  WATCH (count_spin, "value-changed");
  WATCH (pool_check, "toggled");
  WATCH (lvm_check, "toggled");
  WATCH (existing_check, "toggled");
  WATCH (nodisk_check, "toggled");
  WATCH (existing_entry, "changed");
  WATCH (pool_combo, "notify::selected");
  WATCH (vg_combo, "notify::selected");
  WATCH (net_check, "toggled");
  WATCH (bridge_check, "toggled");
  WATCH (nonet_check, "toggled");
  WATCH (network_combo, "notify::selected");
  WATCH (bridge_combo, "notify::selected");
  WATCH (name_entry, "changed");
  WATCH (start_switch, "notify::active");
#undef WATCH
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  fill_recent (self);
  corral_osinfo_load_db_async (self->cancellable, db_loaded_cb, self);
}

/* --- public --- */

CorralNewGuestWindow *
corral_new_guest_window_new (GtkWindow        *parent,
                             CorralConnection *connection)
{
  CorralNewGuestWindow *self;

  g_return_val_if_fail (CORRAL_IS_CONNECTION (connection), NULL);

  self = g_object_new (CORRAL_TYPE_NEW_GUEST_WINDOW, "transient-for", parent, "connection",
                       connection, NULL);
  return self;
}

/* The connection new guests go to: the first connected one, local before remote. */
CorralConnection *
corral_new_guest_window_pick_connection (CorralManager *manager)
{
  GListModel *connections = corral_manager_get_connections (manager);
  CorralConnection *remote = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(CorralConnection) connection = g_list_model_get_item (connections, i);

      if (corral_connection_get_status (connection) != CORRAL_CONNECTION_STATUS_CONNECTED)
        continue;
      if (corral_connection_is_local (connection))
        return connection;
      if (remote == NULL)
        remote = connection;
    }
  return remote;
}

/* The wizard's visible page: one of "source", "os", "resources", "disk", "network", "review",
 * "progress", "failed". */
const char *
corral_new_guest_window_get_page (CorralNewGuestWindow *self)
{
  g_return_val_if_fail (CORRAL_IS_NEW_GUEST_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/* The UUIDs of the guests this wizard created, once it has. */
GStrv
corral_new_guest_window_get_created (CorralNewGuestWindow *self)
{
  g_return_val_if_fail (CORRAL_IS_NEW_GUEST_WINDOW (self), NULL);

  return self->created;
}
