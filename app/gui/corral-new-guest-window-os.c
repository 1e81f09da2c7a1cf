/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The wizard's OS page: the list of operating systems from osinfo-db, the OS detected on the
 * install image, and what choosing an OS sets on the later pages (memory, processors, disk size,
 * the suggested name). */
#define G_LOG_DOMAIN "corral-new-guest-window"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-new-guest-window-private.h"

static void
search_changed_cb (CorralNewGuestWindow *self)
{
  gtk_string_filter_set_search (self->os_filter,
                                gtk_editable_get_text (GTK_EDITABLE (self->os_search)));
}

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

/* The OS's short name, unique on the host: only while the user has not typed a name of their own. */
void
_corral_new_guest_window_suggest_name (CorralNewGuestWindow *self)
{
  g_autofree char *current = _corral_new_guest_window_entry_text (self->name_entry);
  g_autofree char *base = corral_osinfo_suggest_name (self->os);
  g_autofree char *name = unique_name (self, base);

  /* only while the user has not typed a name of their own */
  if (current != NULL && g_strcmp0 (current, self->suggested_name) != 0)
    return;
  g_free (self->suggested_name);
  self->suggested_name = g_strdup (name);
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name);
}

/* What the chosen OS sets on the later pages (memory, processors, disk size, firmware, the name),
 * within what the host has: when it is chosen, and again for another connection's host. */
void
_corral_new_guest_window_apply_os_defaults (CorralNewGuestWindow *self)
{
  OsinfoOs *os = self->os;
  CorralOsResources res;
  g_autofree char *memory_hint = NULL;
  g_autofree char *host_memory = NULL;

  if (os == NULL)
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

  /* the firmware and TPM the OS needs; others keep BIOS, as before */
  {
    CorralOsFirmware fw;

    corral_osinfo_os_get_firmware (os, self->host != NULL ? self->host->arch : "x86_64", &fw);
    adw_combo_row_set_selected (self->firmware_combo,
                                fw.needs_secure_boot ? CORRAL_FIRMWARE_UEFI_SECURE_BOOT
                                : fw.needs_uefi ? CORRAL_FIRMWARE_UEFI : CORRAL_FIRMWARE_BIOS);
    gtk_switch_set_active (self->tpm_switch, fw.needs_tpm);
    _corral_new_guest_window_update_firmware (self);
  }

  _corral_new_guest_window_suggest_name (self);
  _corral_new_guest_window_update (self);
}

static void
set_os (CorralNewGuestWindow *self,
        OsinfoOs             *os)
{
  if (!g_set_object (&self->os, os))
    return;
  _corral_new_guest_window_apply_os_defaults (self);
}

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
  _corral_new_guest_window_update (self);
}

/* Reads the OS off the install image at @path (a regular file); NULL: only stops the detection
 * under way, and says that imported disks are not examined. */
void
_corral_new_guest_window_detect (CorralNewGuestWindow *self,
                                 const char           *path)
{
  g_cancellable_cancel (self->detect_cancellable);
  g_clear_object (&self->detect_cancellable);

  if (_corral_new_guest_window_is_cloud (self))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detected_row),
                                     _("Choose the system of the cloud image"));
      adw_action_row_set_subtitle (self->detected_row, _("Cloud images are not examined"));
      gtk_stack_set_visible_child_name (self->detect_icon_stack, "unknown");
      return;
    }
  if (gtk_check_button_get_active (self->import_check))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detected_row),
                                     _("Choose the system on the disk image"));
      adw_action_row_set_subtitle (self->detected_row, _("Imported disks are not examined"));
      gtk_stack_set_visible_child_name (self->detect_icon_stack, "unknown");
      return;
    }
  if (path == NULL)
    return;

  self->detect_cancellable = g_cancellable_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detected_row), _("Detecting…"));
  adw_action_row_set_subtitle (self->detected_row, "");
  gtk_stack_set_visible_child_name (self->detect_icon_stack, "spinner");
  gtk_spinner_start (self->detect_spinner);
  /* no reference for the callback: dispose cancels, and a cancelled callback touches nothing */
  corral_osinfo_detect_media_async (path, self->detect_cancellable, detected_cb, self);
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
  _corral_new_guest_window_update (self);
}

/* --- the list's rows: the OS's name, a check mark on the chosen one --- */

static void
os_row_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  /* the chosen one, marked beyond the selection's background; the row says "selected" itself */
  GtkWidget *check = g_object_new (GTK_TYPE_IMAGE, "icon-name", "object-select-symbolic",
                                   "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  g_object_bind_property (item, "selected", check, "visible", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_item_set_child (item, box);
}

static void
os_row_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  OsinfoProduct *os = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *row = gtk_widget_get_parent (box);
  const char *name = osinfo_product_get_name (os);

  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (box)), name);
  /* GTK 4.8's list rows have no accessible name of their own: the OS's */
  if (row != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

void
_corral_new_guest_window_init_os (CorralNewGuestWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkExpression *name;

  g_signal_connect (factory, "setup", G_CALLBACK (os_row_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (os_row_bind_cb), NULL);
  gtk_list_view_set_factory (self->os_list, factory);

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

  corral_osinfo_load_db_async (self->cancellable, db_loaded_cb, self);
}
