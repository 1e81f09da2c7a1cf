/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "corral-new-guest-window"

#include "config.h"

#include <glib/gi18n.h>

#include "corral-a11y.h"
#include "corral-guest-spec-access.h"
#include "corral-new-guest-window-private.h"
#include "corral-window.h"

#define MAX_RECENT 5

/* the stack children of the pages, in corral-new-guest-window.ui */
static const char * const page_names[CORRAL_NEW_GUEST_N_PAGES] = {
  [CORRAL_NEW_GUEST_PAGE_SOURCE] = "source",
  [CORRAL_NEW_GUEST_PAGE_OS] = "os",
  [CORRAL_NEW_GUEST_PAGE_IDENTITY] = "identity",
  [CORRAL_NEW_GUEST_PAGE_RESOURCES] = "resources",
  [CORRAL_NEW_GUEST_PAGE_DISK] = "disk",
  [CORRAL_NEW_GUEST_PAGE_NETWORK] = "network",
  [CORRAL_NEW_GUEST_PAGE_REVIEW] = "review",
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_MANAGER,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CorralNewGuestWindow, corral_new_guest_window, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];

/* --- reading the pages --- */

/* The entry's text without surrounding blanks, or NULL when that leaves nothing. */
char *
_corral_new_guest_window_entry_text (AdwEntryRow *entry)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));

  g_strstrip (text);
  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static CorralGuestSpec *
build_spec (CorralNewGuestWindow *self)
{
  CorralGuestSpec *spec = corral_guest_spec_new ();

  spec->name = _corral_new_guest_window_entry_text (self->name_entry);
  if (self->os != NULL)
    spec->os_id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (self->os)));
  spec->memory = (guint64) gtk_spin_button_get_value_as_int (self->memory_spin) * MiB;
  spec->vcpus = gtk_spin_button_get_value_as_int (self->cpus_spin);
  spec->count = gtk_spin_button_get_value_as_int (self->count_spin);
  spec->start = gtk_switch_get_active (self->start_switch);
  spec->firmware = (CorralFirmware) adw_combo_row_get_selected (self->firmware_combo);
  spec->tpm = gtk_switch_get_active (self->tpm_switch);

  if (_corral_new_guest_window_is_cloud (self))
    {
      CorralStoragePlace *pool = _corral_new_guest_window_selected_pool (self);

      /* each guest's disk is a new volume in a pool, made from the image, grown to the size */
      spec->source = CORRAL_INSTALL_SOURCE_CLOUD_IMAGE;
      spec->image_path = _corral_new_guest_window_entry_text (self->cloud_entry);
      spec->full_copy = gtk_check_button_get_active (self->full_copy_check);
      spec->identity = _corral_new_guest_window_build_identity (self);
      spec->disk_kind = CORRAL_DISK_POOL;
      g_free (spec->disk_location);
      spec->disk_location = pool != NULL ? g_strdup (pool->name) : NULL;
      spec->disk_size = (guint64) gtk_spin_button_get_value_as_int (self->size_spin) * GiB;
    }
  else if (gtk_check_button_get_active (self->import_check))
    {
      spec->source = CORRAL_INSTALL_SOURCE_IMPORT;
      spec->disk_kind = CORRAL_DISK_EXISTING;
      g_free (spec->disk_location);
      spec->disk_location = _corral_new_guest_window_entry_text (self->import_entry);
    }
  else
    {
      spec->source = CORRAL_INSTALL_SOURCE_ISO;
      spec->iso_path = _corral_new_guest_window_entry_text (self->iso_entry);
      g_clear_pointer (&spec->disk_location, g_free);
      spec->disk_size = (guint64) gtk_spin_button_get_value_as_int (self->size_spin) * GiB;
      if (gtk_check_button_get_active (self->pool_check))
        {
          CorralStoragePlace *pool = _corral_new_guest_window_selected_pool (self);

          spec->disk_kind = CORRAL_DISK_POOL;
          spec->disk_location = pool != NULL ? g_strdup (pool->name) : NULL;
        }
      else if (gtk_check_button_get_active (self->lvm_check))
        {
          CorralVolumeGroup *vg = _corral_new_guest_window_selected_vg (self);

          spec->disk_kind = CORRAL_DISK_LVM;
          spec->disk_location = vg != NULL ? g_strdup (vg->name) : NULL;
        }
      else if (gtk_check_button_get_active (self->existing_check))
        {
          spec->disk_kind = CORRAL_DISK_EXISTING;
          spec->disk_location = _corral_new_guest_window_entry_text (self->existing_entry);
        }
      else
        spec->disk_kind = CORRAL_DISK_NONE;
    }

  g_clear_pointer (&spec->network, g_free);
  if (gtk_check_button_get_active (self->net_check))
    {
      spec->network_kind = CORRAL_NETWORK_LIBVIRT;
      spec->network = g_strdup (_corral_new_guest_window_selected_network (self));
    }
  else if (gtk_check_button_get_active (self->bridge_check))
    {
      spec->network_kind = CORRAL_NETWORK_BRIDGE;
      spec->network = g_strdup (_corral_new_guest_window_selected_bridge (self));
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
  CorralOsFirmware fw;

  memset (limits, 0, sizeof *limits);
  if (self->host != NULL)
    {
      limits->host_memory = self->host->memory;
      limits->host_cpus = self->host->cpus;
      limits->taken_names = (const char * const *) self->host->guest_names;
    }
  if (spec->disk_kind == CORRAL_DISK_POOL && _corral_new_guest_window_selected_pool (self) != NULL)
    limits->disk_free = _corral_new_guest_window_selected_pool (self)->available;
  else if (spec->disk_kind == CORRAL_DISK_LVM && _corral_new_guest_window_selected_vg (self) != NULL)
    limits->disk_free = _corral_new_guest_window_selected_vg (self)->free;
  corral_osinfo_os_get_resources (self->os, self->host != NULL ? self->host->arch : "x86_64", &res);
  limits->os_min_memory = res.min_ram;
  corral_osinfo_os_get_firmware (self->os, self->host != NULL ? self->host->arch : "x86_64", &fw);
  limits->os_needs_uefi = fw.needs_uefi;
  limits->os_no_q35 = self->os != NULL && !corral_osinfo_os_supports (self->os, "qemu-x86-q35");
  if (self->host != NULL && self->host->firmware_known)
    {
      limits->firmware_known = TRUE;
      limits->host_uefi = self->host->uefi;
      limits->host_secure_boot = self->host->secure_boot;
      limits->host_tpm = self->host->tpm;
    }
}

/* The firmware row and TPM switch: a default from what the OS needs (set_os), insensitive with the
 * package to install when the host lacks it. */
void
_corral_new_guest_window_update_firmware (CorralNewGuestWindow *self)
{
  gboolean known = self->host != NULL && self->host->firmware_known;
  CorralOsFirmware fw;

  corral_osinfo_os_get_firmware (self->os, self->host != NULL ? self->host->arch : "x86_64", &fw);
  if (known && !self->host->uefi)
    {
      adw_combo_row_set_selected (self->firmware_combo, CORRAL_FIRMWARE_BIOS);
      gtk_widget_set_sensitive (GTK_WIDGET (self->firmware_combo), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->firmware_combo),
                                   _("UEFI needs the ovmf package on the host"));
    }
  else
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->firmware_combo), TRUE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->firmware_combo),
                                   fw.needs_secure_boot
                                   ? _("This operating system needs UEFI with Secure Boot")
                                   : fw.needs_uefi ? _("This operating system needs UEFI")
                                   : known && !self->host->secure_boot
                                   ? _("Secure Boot needs the ovmf package on the host") : "");
    }
  if (known && !self->host->tpm)
    {
      gtk_switch_set_active (self->tpm_switch, FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->tpm_row), FALSE);
      adw_action_row_set_subtitle (self->tpm_row, _("An emulated TPM needs the swtpm and "
                                                    "swtpm-tools packages on the host"));
    }
  else
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->tpm_row), TRUE);
      adw_action_row_set_subtitle (self->tpm_row, fw.needs_tpm
                                                  ? _("This operating system needs a TPM")
                                                  : _("Emulated by swtpm"));
    }
}

/* TRUE when the user may leave @page; FALSE with @error saying what keeps them there, or FALSE
 * without an error while the page still waits for a fact (the source file being looked at). */
static gboolean
page_ready (CorralNewGuestWindow  *self,
            CorralNewGuestPage     page,
            GError               **error)
{
  g_autoptr(CorralGuestSpec) spec = build_spec (self);
  CorralGuestLimits limits;
  CorralGuestPageFacts facts = { 0 };
  /* paths name files on the libvirt host: only check them when that is this machine */
  gboolean local = corral_connection_is_local (self->connection);

  fill_limits (self, spec, &limits);
  facts.source_file = local ? self->source_file : CORRAL_SOURCE_FILE_UNCHECKED;
  facts.os_db_loaded = self->db_loaded;
  facts.pools_known = self->host != NULL;
  facts.n_pools = self->host != NULL ? self->host->pools->len : 0;
  facts.image_size = local ? self->image_size : 0;
  facts.image_problem = local ? self->image_problem : NULL;
  if (self->volume_groups == NULL || self->volume_groups->len == 0)
    {
      const char *why = adw_action_row_get_subtitle (self->lvm_row);

      facts.lvm_problem = why != NULL && *why != '\0' ? why : NULL;
    }

  switch (page)
    {
    case CORRAL_NEW_GUEST_PAGE_SOURCE:
      if (local && self->source_checking)
        return FALSE;
      return corral_guest_spec_check_source_page (spec, &facts, error);
    case CORRAL_NEW_GUEST_PAGE_OS:
      return corral_guest_spec_check_os_page (spec, &facts, error);
    case CORRAL_NEW_GUEST_PAGE_IDENTITY:
      return _corral_new_guest_window_check_identity (self, spec, error);
    case CORRAL_NEW_GUEST_PAGE_RESOURCES:
      return corral_guest_spec_check_resources_page (spec, &limits, error);
    case CORRAL_NEW_GUEST_PAGE_DISK:
      return corral_guest_spec_check_disk_page (spec, &limits, &facts, error);
    case CORRAL_NEW_GUEST_PAGE_NETWORK:
      return corral_guest_spec_check_network_page (spec, error);
    case CORRAL_NEW_GUEST_PAGE_REVIEW:
      return corral_guest_spec_check_review_page (spec, &limits, error);
    case CORRAL_NEW_GUEST_N_PAGES:
    default:
      g_assert_not_reached ();
    }
}

/* --- what the pages show --- */

/* The review page's rows for a cloud image: who logs in, with how many keys, and the disks. */
static void
update_cloud_summary (CorralNewGuestWindow  *self,
                      const CorralGuestSpec *spec)
{
  gboolean cloud = spec->source == CORRAL_INSTALL_SOURCE_CLOUD_IMAGE;
  guint n_keys = cloud ? _corral_new_guest_window_count_keys (self) : 0;
  g_autofree char *keys = NULL;
  g_autofree char *user = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->summary_user), cloud);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_keys), cloud);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_copy), cloud);
  if (!cloud)
    return;
  /* Translators: the user cloud-init makes, e.g. "alice, with a password" */
  user = g_strdup_printf (spec->identity->password != NULL ? _("%s, with a password")
                                                           : _("%s, no password"),
                          spec->identity->user_name != NULL ? spec->identity->user_name : "");
  adw_action_row_set_subtitle (self->summary_user, user);
  keys = n_keys == 0 ? g_strdup (_("None: log in with the password"))
         : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u key", "%u keys", n_keys), n_keys);
  adw_action_row_set_subtitle (self->summary_keys, keys);
  adw_action_row_set_subtitle (self->summary_copy,
                               spec->full_copy
                               ? _("A full copy for each guest")
                               : _("A copy-on-write overlay for each guest, on one shared base image"));
}

static void
update_summary (CorralNewGuestWindow *self)
{
  g_autoptr(CorralGuestSpec) spec = build_spec (self);
  g_autofree char *memory = corral_format_size (spec->memory);
  g_autofree char *resources = NULL;
  g_autofree char *firmware = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *size = corral_format_size (spec->disk_size);
  g_autofree char *count_text = NULL;
  const char *network = NULL;

  adw_action_row_set_subtitle (self->summary_connection,
                               corral_connection_get_title (self->connection));
  adw_action_row_set_subtitle (self->summary_source, spec->source == CORRAL_INSTALL_SOURCE_ISO
                                                     ? spec->iso_path
                                                     : spec->source == CORRAL_INSTALL_SOURCE_CLOUD_IMAGE
                                                     ? spec->image_path : spec->disk_location);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->summary_source),
                                 spec->source == CORRAL_INSTALL_SOURCE_CLOUD_IMAGE
                                 ? _("Cloud image") : _("Install source"));
  update_cloud_summary (self, spec);
  adw_action_row_set_subtitle (self->summary_os,
                               self->os != NULL
                               ? osinfo_product_get_name (OSINFO_PRODUCT (self->os)) : "");
  resources = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u processor",
                                            "%s, %u processors",
                                            spec->vcpus), memory, spec->vcpus);
  adw_action_row_set_subtitle (self->summary_resources, resources);
  firmware = g_strdup_printf ("%s%s", spec->firmware == CORRAL_FIRMWARE_UEFI_SECURE_BOOT
                                      ? _("UEFI with Secure Boot")
                                      : spec->firmware == CORRAL_FIRMWARE_UEFI ? _("UEFI")
                                      : _("BIOS"),
                              spec->tpm ? _(", TPM 2.0") : "");
  adw_action_row_set_subtitle (self->summary_firmware, firmware);

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

  if (spec->source == CORRAL_INSTALL_SOURCE_IMPORT)
    count_text = g_strdup (_("One guest: an imported disk image cannot be shared"));
  else if (spec->count > 1 && spec->name != NULL)
    {
      g_autofree char *first = corral_guest_spec_dup_guest_name (spec, 0);
      g_autofree char *last = corral_guest_spec_dup_guest_name (spec, spec->count - 1);

      count_text = g_strdup_printf (_("Each with its own disk, named %s … %s"), first, last);
    }
  else
    count_text = g_strdup (_("Several guests from one description, e.g. for a small cluster"));
  adw_action_row_set_subtitle (self->count_row, count_text);
}

/* The disk page: importing, the image is the guest's disk and the rows for making one do not
 * apply; they are hidden, not offered and then ignored. From a cloud image, each guest's disk is a
 * new volume in a pool made from the image (an overlay or a copy): no LVM yet (the group says so),
 * no existing disk, no "no disk". */
static void
update_disk_page (CorralNewGuestWindow *self)
{
  gboolean import = gtk_check_button_get_active (self->import_check);
  gboolean cloud = _corral_new_guest_window_is_cloud (self);
  g_autofree char *image = _corral_new_guest_window_entry_text (self->import_entry);
  GtkWidget *making[] = {
    GTK_WIDGET (self->pool_combo), GTK_WIDGET (self->size_row),
  };
  /* a pool is the one kind of disk for a cloud image: no choice to show */
  GtkWidget *not_cloud[] = {
    GTK_WIDGET (self->pool_row), GTK_WIDGET (self->lvm_row), GTK_WIDGET (self->vg_combo), GTK_WIDGET (self->existing_row),
    GTK_WIDGET (self->existing_entry), GTK_WIDGET (self->nodisk_row),
  };

  for (guint i = 0; i < G_N_ELEMENTS (making); i++)
    gtk_widget_set_visible (making[i], !import);
  for (guint i = 0; i < G_N_ELEMENTS (not_cloud); i++)
    gtk_widget_set_visible (not_cloud[i], !import && !cloud);
  gtk_widget_set_visible (GTK_WIDGET (self->imported_row), import);
  adw_action_row_set_subtitle (self->imported_row, image != NULL ? image : "");
  gtk_widget_set_visible (self->cloud_disk_group, cloud);
  if (cloud && !gtk_check_button_get_active (self->pool_check))
    gtk_check_button_set_active (self->pool_check, TRUE);
  adw_action_row_set_subtitle (self->size_row,
                               cloud ? _("Each guest’s disk is grown to this size") : "");
}

/* The pages this source goes through: a cloud image's identity page only for that source. */
static gboolean
page_applies (CorralNewGuestWindow *self,
              CorralNewGuestPage    page)
{
  return page != CORRAL_NEW_GUEST_PAGE_IDENTITY || _corral_new_guest_window_is_cloud (self);
}

/* "Step N of M" counts only the pages that apply */
static guint
step_number (CorralNewGuestWindow *self,
             CorralNewGuestPage    page,
             guint                *n_steps)
{
  guint step = 0;

  *n_steps = 0;
  for (CorralNewGuestPage p = CORRAL_NEW_GUEST_PAGE_SOURCE; p < CORRAL_NEW_GUEST_N_PAGES; p++)
    if (page_applies (self, p))
      {
        ++*n_steps;
        if (p <= page)
          step++;
      }
  return step;
}

/* The field a review-page problem is about, marked with the error style: the name, or the count
 * (too many, or several guests on one imported disk). */
static GtkWidget *
problem_field (CorralNewGuestWindow *self,
               const GError         *problem)
{
  if (problem == NULL || problem->domain != CORRAL_ERROR)
    return NULL;
  switch (problem->code)
    {
    case CORRAL_ERROR_SPEC_NAME:
    case CORRAL_ERROR_SPEC_NAME_TAKEN:
      return GTK_WIDGET (self->name_entry);
    case CORRAL_ERROR_SPEC_COUNT:
      return GTK_WIDGET (self->count_spin);
    case CORRAL_ERROR_SPEC_DISK:
      return gtk_spin_button_get_value_as_int (self->count_spin) > 1
             ? GTK_WIDGET (self->count_spin) : NULL;
    default:
      return NULL;
    }
}

void
_corral_new_guest_window_update (CorralNewGuestWindow *self)
{
  const char *visible = gtk_stack_get_visible_child_name (self->stack);
  gboolean wizard_page = self->page < CORRAL_NEW_GUEST_N_PAGES
                         && g_strcmp0 (visible, page_names[self->page]) == 0;
  g_autoptr(GError) problem = NULL;
  gboolean ready = wizard_page && page_ready (self, self->page, &problem);
  /* while a fact is still coming, what the page said last stays */
  gboolean waiting = wizard_page && !ready && problem == NULL;
  g_autofree char *subtitle = NULL;

  if (wizard_page)
    {
      GtkWidget *visible_child = gtk_stack_get_visible_child (self->stack);
      GtkStackPage *page = gtk_stack_get_page (self->stack, visible_child);
      guint n_steps;
      guint step = step_number (self, self->page, &n_steps);

      subtitle = g_strdup_printf (_("Step %u of %u: %s"), step, n_steps,
                                  gtk_stack_page_get_title (page));
      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
  else
    adw_window_title_set_subtitle (self->window_title, NULL);

  if (self->page == CORRAL_NEW_GUEST_PAGE_REVIEW && wizard_page)
    update_summary (self);

  if (self->page == CORRAL_NEW_GUEST_PAGE_DISK && wizard_page)
    update_disk_page (self);

  if (self->page == CORRAL_NEW_GUEST_PAGE_IDENTITY && wizard_page)
    {
      g_autoptr(CorralGuestSpec) spec = build_spec (self);

      _corral_new_guest_window_update_identity (self, spec, problem);
    }

  {
    GtkWidget *marked = self->page == CORRAL_NEW_GUEST_PAGE_REVIEW
                        ? problem_field (self, problem) : NULL;
    GtkWidget *fields[] = { GTK_WIDGET (self->name_entry), GTK_WIDGET (self->count_spin) };

    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      {
        if (fields[i] == marked)
          gtk_widget_add_css_class (fields[i], "error");
        else
          gtk_widget_remove_css_class (fields[i], "error");
      }
  }
  /* The first page does not open with an error: it says what is missing once the user has
   * touched it or pressed Next (issue 19, point 10). */
  if (self->page == CORRAL_NEW_GUEST_PAGE_SOURCE && !self->source_touched)
    g_clear_error (&problem);
  if (self->page == CORRAL_NEW_GUEST_PAGE_IDENTITY && !self->identity_touched)
    g_clear_error (&problem);
  if (!waiting)
    {
      gtk_label_set_label (self->error_label, problem != NULL ? problem->message : "");
      gtk_revealer_set_reveal_child (self->error_revealer, problem != NULL);
    }

  gtk_widget_set_visible (self->back_button,
                          g_strcmp0 (visible, "failed") == 0 || (wizard_page
                                                          && self->page
                                                          > CORRAL_NEW_GUEST_PAGE_SOURCE));
  gtk_widget_set_visible (self->next_button, wizard_page);
  gtk_widget_set_visible (self->close_button, g_strcmp0 (visible, "progress") != 0);
  gtk_button_set_label (GTK_BUTTON (self->next_button),
                        self->page == CORRAL_NEW_GUEST_PAGE_REVIEW ? _("_Create") : _("_Next"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next", ready);
}

static void
show_page (CorralNewGuestWindow *self,
           CorralNewGuestPage    page)
{
  self->page = page;
  gtk_stack_set_visible_child_name (self->stack, page_names[page]);
  _corral_new_guest_window_update (self);
}

/* --- the source page: is the file there, may QEMU read it (off the main thread) --- */

static void
source_checked (CorralNewGuestWindow *self,
                CorralSourceFile      found)
{
  self->source_file = found;
  self->source_checking = FALSE;
  _corral_new_guest_window_update (self);
}

static void
access_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CorralNewGuestWindow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) blockers = corral_guest_spec_access_blockers_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_NEW_GUEST_WINDOW (user_data);
  if (blockers != NULL && blockers->len > 0)
    {
      g_autofree char *path = _corral_new_guest_window_entry_text (self->iso_entry);
      g_autofree char *message = corral_guest_spec_access_describe (path, CORRAL_QEMU_USER,
                                                                    blockers);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->access_row),
                                     _("The virtual machine cannot read this file"));
      adw_action_row_set_subtitle (self->access_row, message);
      gtk_widget_set_sensitive (self->access_button, TRUE);
      gtk_widget_set_visible (self->access_group, TRUE);
    }
  source_checked (self, CORRAL_SOURCE_FILE_FOUND);
}

static void
image_probed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CorralNewGuestWindow *self;
  g_autoptr(GError) error = NULL;
  guint64 size = corral_cloud_image_probe_finish (result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_NEW_GUEST_WINDOW (user_data);
  self->image_size = size;
  g_clear_pointer (&self->image_problem, g_free);
  if (error != NULL)
    self->image_problem = g_strdup (error->message);
  source_checked (self, CORRAL_SOURCE_FILE_FOUND);
}

static void
source_info_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GFile *file = G_FILE (object);
  CorralNewGuestWindow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (file, result, &error);
  g_autofree char *path = NULL;
  gboolean import, iso, found;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CORRAL_NEW_GUEST_WINDOW (user_data);
  /* an install image or a cloud image is a file; a disk image to import may be a block device
   * too */
  import = gtk_check_button_get_active (self->import_check);
  iso = !import && !_corral_new_guest_window_is_cloud (self);
  found = info != NULL && (import || g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR);
  /* a cloud image: its size (the disks are grown from it) and whether it is a disk image at all */
  if (!import && !iso && found)
    {
      path = g_file_get_path (file);
      corral_cloud_image_probe_async (path, self->source_cancellable, image_probed_cb, self);
      return;
    }
  if (!iso || !found)
    {
      source_checked (self, found ? CORRAL_SOURCE_FILE_FOUND : CORRAL_SOURCE_FILE_MISSING);
      return;
    }

  path = g_file_get_path (file);
  _corral_new_guest_window_detect (self, path);
  /* System libvirt runs QEMU as its own user: warn when that user cannot read the ISO, and offer
   * the fix. */
  if (corral_connection_is_system (self->connection) && corral_connection_is_local (self->connection))
    corral_guest_spec_access_blockers_async (path, CORRAL_QEMU_USER, self->source_cancellable,
                                             access_checked_cb, self);
  else
    source_checked (self, CORRAL_SOURCE_FILE_FOUND);
}

/* Whether the guest is made from a cloud image (the third source). */
gboolean
_corral_new_guest_window_is_cloud (CorralNewGuestWindow *self)
{
  return gtk_check_button_get_active (self->cloud_check);
}

/* Looks at the chosen ISO, disk image or cloud image anew: whether it is there, then (an ISO) which
 * OS it holds and whether QEMU may read it. A newer choice cancels the checks of the one before. */
void
_corral_new_guest_window_check_source (CorralNewGuestWindow *self)
{
  gboolean import = gtk_check_button_get_active (self->import_check);
  g_autofree char *path = _corral_new_guest_window_entry_text (import ? self->import_entry
                                                               : _corral_new_guest_window_is_cloud (self)
                                                               ? self->cloud_entry
                                                               : self->iso_entry);
  g_autoptr(GFile) file = NULL;

  g_cancellable_cancel (self->source_cancellable);
  g_clear_object (&self->source_cancellable);
  self->source_file = CORRAL_SOURCE_FILE_UNCHECKED;
  self->source_checking = FALSE;
  self->image_size = 0;
  g_clear_pointer (&self->image_problem, g_free);
  gtk_widget_set_visible (self->access_group, FALSE);
  _corral_new_guest_window_detect (self, NULL);
  if (path == NULL || !g_path_is_absolute (path))
    return;

  self->source_checking = TRUE;
  self->source_cancellable = g_cancellable_new ();
  file = g_file_new_for_path (path);
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, self->source_cancellable, source_info_cb, self);
}

static void
access_granted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CorralNewGuestWindow *self;
  g_autoptr(GError) error = NULL;

  if (!corral_guest_spec_access_grant_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self = CORRAL_NEW_GUEST_WINDOW (user_data);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->access_row),
                                     _("Access could not be allowed"));
      adw_action_row_set_subtitle (self->access_row, error->message);
      gtk_widget_set_sensitive (self->access_button, TRUE);
      return;
    }
  self = CORRAL_NEW_GUEST_WINDOW (user_data);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->access_row), _("Access allowed"));
  adw_action_row_set_subtitle (self->access_row,
                               _("The virtual machine may now read this file, and nothing else of "
                                 "yours."));
}

static void
grant_access_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (widget);
  g_autofree char *path = _corral_new_guest_window_entry_text (self->iso_entry);

  /* the grant belongs to this file: choosing another one cancels it */
  if (path == NULL || self->source_cancellable == NULL)
    return;
  gtk_widget_set_sensitive (self->access_button, FALSE);
  corral_guest_spec_access_grant_async (path, CORRAL_QEMU_USER, self->source_cancellable,
                                        access_granted_cb, self);
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
  else if (_corral_new_guest_window_is_cloud (self))
    /* a disk image dropped while the cloud image is chosen is the cloud image */
    gtk_editable_set_text (GTK_EDITABLE (self->cloud_entry), path);
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

      if (file != NULL && (target == self->existing_entry || target == self->cloud_entry))
        {
          g_autofree char *path = g_file_get_path (file);

          gtk_editable_set_text (GTK_EDITABLE (target), path != NULL ? path : "");
        }
      else if (file != NULL)
        set_source_file (self, file);
    }
  g_clear_object (&self->chooser);
}

/* What the file chooser offers */
typedef enum {
  CHOOSE_ANY,
  CHOOSE_ISO,
  CHOOSE_CLOUD_IMAGE,
} ChooseKind;

static void
choose_file (CorralNewGuestWindow *self,
             AdwEntryRow          *target,
             const char           *title,
             ChooseKind            kind)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"),
                                         _("_Cancel"));
  switch (kind)
    {
    case CHOOSE_ISO:
      gtk_file_filter_set_name (filter, _("ISO images"));
      gtk_file_filter_add_mime_type (filter, "application/x-cd-image");
      gtk_file_filter_add_suffix (filter, "iso");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      break;
    case CHOOSE_CLOUD_IMAGE:
      /* Debian's are .qcow2 and .raw, Ubuntu's .img (qcow2 inside) */
      gtk_file_filter_set_name (filter, _("Disk images (qcow2, raw)"));
      gtk_file_filter_add_mime_type (filter, "application/x-qemu-disk");
      gtk_file_filter_add_mime_type (filter, "application/x-raw-disk-image");
      gtk_file_filter_add_suffix (filter, "qcow2");
      gtk_file_filter_add_suffix (filter, "raw");
      gtk_file_filter_add_suffix (filter, "img");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      break;
    case CHOOSE_ANY:
    default:
      break;
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
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE) || self->page != CORRAL_NEW_GUEST_PAGE_SOURCE)
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

/* which of the recent ISOs are still there: looked at in a thread */
static void
recent_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GPtrArray *candidates = task_data;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < candidates->len && found->len < MAX_RECENT; i++)
    {
      const char *path = g_ptr_array_index (candidates, i);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (found, g_strdup (path));
    }
  g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

static void
recent_found_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CorralNewGuestWindow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = g_task_propagate_pointer (G_TASK (result), &error);

  if (found == NULL)
    return;   /* cancelled with the window */
  self = CORRAL_NEW_GUEST_WINDOW (user_data);
  for (guint i = 0; i < found->len; i++)
    {
      const char *path = g_ptr_array_index (found, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *dir = g_path_get_dirname (path);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), base);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dir);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "corral-path", g_strdup (path), g_free);
      g_signal_connect_object (row, "activated", G_CALLBACK (recent_row_activated_cb), self, 0);
      gtk_list_box_append (self->recent_list, row);
    }
  gtk_widget_set_visible (self->recent_group, found->len > 0);
}

static void
fill_recent (CorralNewGuestWindow *self)
{
  GtkRecentManager *recent = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (recent);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GTask) task = NULL;

  for (GList *l = items; l != NULL; l = l->next)
    {
      const char *uri = gtk_recent_info_get_uri (l->data);
      g_autofree char *path = g_filename_from_uri (uri, NULL, NULL);
      g_autofree char *lower = path != NULL ? g_ascii_strdown (path, -1) : NULL;

      if (lower != NULL && g_str_has_suffix (lower, ".iso"))
        g_ptr_array_add (candidates, g_steal_pointer (&path));
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  gtk_widget_set_visible (self->recent_group, FALSE);
  if (candidates->len == 0)
    return;

  task = g_task_new (NULL, self->cancellable, recent_found_cb, self);
  g_task_set_source_tag (task, fill_recent);
  g_task_set_task_data (task, g_steal_pointer (&candidates), (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, recent_thread);
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
  g_autoptr(CorralGuestSpec) spec = NULL;
  GtkWindow *parent;

  /* destroyed while creating: dispose cleared the creator and the widgets; touch nothing */
  if (self->creator == NULL)
    return;
  spec = build_spec (self);
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_clear_object (&self->creator);
  g_clear_object (&self->create_cancellable);

  if (uuids == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_page (self, CORRAL_NEW_GUEST_PAGE_REVIEW);
          gtk_label_set_label (self->error_label,
                               _("Stopped. Nothing that was made is left behind."));
          gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
          return;
        }
      adw_status_page_set_description (self->failed_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "failed");
      _corral_new_guest_window_update (self);
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
  _corral_new_guest_window_update (self);
  corral_guest_creator_run_async (self->creator, self->create_cancellable, created_cb,
                                  g_object_ref (self));
}

/* --- actions --- */

/* Next, or Create on the last page; also Enter in a field, which may press it while something is
 * still missing (the action is disabled then). */
static void
go_next (CorralNewGuestWindow *self)
{
  if (!page_ready (self, self->page, NULL))
    {
      /* pressed while something is missing (Enter in a field): now say what */
      if (self->page == CORRAL_NEW_GUEST_PAGE_SOURCE && !self->source_touched)
        {
          self->source_touched = TRUE;
          _corral_new_guest_window_update (self);
        }
      else if (self->page == CORRAL_NEW_GUEST_PAGE_IDENTITY && !self->identity_touched)
        {
          self->identity_touched = TRUE;
          _corral_new_guest_window_update (self);
        }
      return;
    }
  if (self->page == CORRAL_NEW_GUEST_PAGE_REVIEW)
    create (self);
  else
    {
      CorralNewGuestPage next = self->page + 1;

      while (!page_applies (self, next))
        next++;
      show_page (self, next);
    }
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  go_next (CORRAL_NEW_GUEST_WINDOW (widget));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "failed") == 0)
    show_page (self, CORRAL_NEW_GUEST_PAGE_REVIEW);
  else if (self->page > CORRAL_NEW_GUEST_PAGE_SOURCE)
    {
      CorralNewGuestPage back = self->page - 1;

      while (!page_applies (self, back))
        back--;
      show_page (self, back);
    }
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

  choose_file (self, self->iso_entry, _("Choose an ISO Image"), CHOOSE_ISO);
}

static void
choose_image_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (widget);

  choose_file (self, self->import_entry, _("Choose a Disk Image"), CHOOSE_ANY);
}

static void
choose_cloud_image_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (widget);

  gtk_check_button_set_active (self->cloud_check, TRUE);
  choose_file (self, self->cloud_entry, _("Choose a Cloud Image"), CHOOSE_CLOUD_IMAGE);
}

static void
changed_cb (CorralNewGuestWindow *self)
{
  _corral_new_guest_window_update (self);
}

/* Enter in a field presses Next (or Create) */
static void
entry_activated_cb (CorralNewGuestWindow *self)
{
  const char *visible = gtk_stack_get_visible_child_name (self->stack);

  /* only on a page of the wizard, not while creating */
  if (self->page < CORRAL_NEW_GUEST_N_PAGES && g_strcmp0 (visible, page_names[self->page]) == 0)
    go_next (self);
}

static void
source_changed_cb (CorralNewGuestWindow *self)
{
  self->source_touched = TRUE;
  if (_corral_new_guest_window_is_cloud (self))
    _corral_new_guest_window_load_keys (self);
  _corral_new_guest_window_check_source (self);
  _corral_new_guest_window_update (self);
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
  _corral_new_guest_window_init_connections (self);
  _corral_new_guest_window_query_host (self);
  self->constructed = TRUE;
  _corral_new_guest_window_update (self);
}

static void
corral_new_guest_window_dispose (GObject *object)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->host_cancellable);
  g_clear_object (&self->host_cancellable);
  g_cancellable_cancel (self->detect_cancellable);
  g_clear_object (&self->detect_cancellable);
  g_cancellable_cancel (self->source_cancellable);
  g_clear_object (&self->source_cancellable);
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
  g_clear_object (&self->connections);
  g_clear_object (&self->connection);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (corral_new_guest_window_parent_class)->dispose (object);
}

static void
corral_new_guest_window_finalize (GObject *object)
{
  CorralNewGuestWindow *self = CORRAL_NEW_GUEST_WINDOW (object);

  g_clear_pointer (&self->host, corral_host_info_free);
  g_clear_pointer (&self->volume_groups, g_ptr_array_unref);
  g_clear_pointer (&self->image_problem, g_free);
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
      if (!self->constructed)
        g_set_object (&self->connection, g_value_get_object (value));
      else if (g_value_get_object (value) != NULL)
        {
          _corral_new_guest_window_set_connection (self, g_value_get_object (value));
          _corral_new_guest_window_fill_connections (self);
        }
      break;
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
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
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
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

  /* where the guest is made; the connection row changes it */
  properties[PROP_CONNECTION] = g_param_spec_object ("connection", NULL, NULL,
                                                     CORRAL_TYPE_CONNECTION,
                                                     G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                                                     G_PARAM_EXPLICIT_NOTIFY |
                                                     G_PARAM_STATIC_STRINGS);
  /* whose connected connections the connection row offers; NULL: only the one */
  properties[PROP_MANAGER] = g_param_spec_object ("manager", NULL, NULL, CORRAL_TYPE_MANAGER,
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
  BIND (connection_combo);
  BIND (connection_row);
  BIND (iso_check);
  BIND (iso_entry);
  BIND (import_check);
  BIND (import_entry);
  BIND (cloud_check);
  BIND (cloud_entry);
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
  BIND (user_entry);
  BIND (host_name_row);
  BIND (keys_list);
  BIND (paste_revealer);
  BIND (paste_entry);
  BIND (paste_error_label);
  BIND (password_entry);
  BIND (confirm_entry);
  BIND (memory_row);
  BIND (memory_spin);
  BIND (cpus_row);
  BIND (cpus_spin);
  BIND (firmware_combo);
  BIND (tpm_row);
  BIND (tpm_switch);
  BIND (imported_row);
  BIND (pool_row);
  BIND (pool_check);
  BIND (pool_combo);
  BIND (pool_model);
  BIND (lvm_row);
  BIND (lvm_check);
  BIND (vg_combo);
  BIND (vg_model);
  BIND (size_row);
  BIND (size_spin);
  BIND (existing_row);
  BIND (existing_check);
  BIND (existing_entry);
  BIND (nodisk_row);
  BIND (nodisk_check);
  BIND (cloud_disk_group);
  BIND (overlay_check);
  BIND (full_copy_check);
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
  BIND (summary_connection);
  BIND (summary_source);
  BIND (summary_user);
  BIND (summary_keys);
  BIND (summary_os);
  BIND (summary_resources);
  BIND (summary_firmware);
  BIND (summary_disk);
  BIND (summary_copy);
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
  gtk_widget_class_install_action (widget_class, "wizard.choose-cloud-image", NULL,
                                   choose_cloud_image_action);
  gtk_widget_class_install_action (widget_class, "wizard.add-key", NULL,
                                   _corral_new_guest_window_add_key_action);
  gtk_widget_class_install_action (widget_class, "wizard.grant-access", NULL, grant_access_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
corral_new_guest_window_init (CorralNewGuestWindow *self)
{
  GtkDropTarget *drop;

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->connections = g_list_store_new (CORRAL_TYPE_CONNECTION);
  adw_combo_row_set_model (self->connection_combo, G_LIST_MODEL (self->connections));
  adw_combo_row_set_expression (self->connection_combo,
                                gtk_property_expression_new (CORRAL_TYPE_CONNECTION, NULL,
                                                             "title"));

  _corral_new_guest_window_init_os (self);
  _corral_new_guest_window_init_identity (self);

  g_signal_connect_object (self->iso_entry, "changed", G_CALLBACK (source_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->import_check, "toggled", G_CALLBACK (source_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->import_entry, "changed", G_CALLBACK (source_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cloud_check, "toggled", G_CALLBACK (source_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cloud_entry, "changed", G_CALLBACK (source_changed_cb), self,
                           G_CONNECT_SWAPPED);
#define WATCH(widget, signal) \
  g_signal_connect_object (self->widget, signal, G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED)
  WATCH (memory_spin, "value-changed");
  WATCH (cpus_spin, "value-changed");
  WATCH (firmware_combo, "notify::selected");
  WATCH (tpm_switch, "notify::active");
  _corral_new_guest_window_update_firmware (self);
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
  WATCH (overlay_check, "toggled");
#undef WATCH
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
#define ENTER(entry) \
  g_signal_connect_object (self->entry, "entry-activated", G_CALLBACK (entry_activated_cb), self, \
                           G_CONNECT_SWAPPED)
  ENTER (iso_entry);
  ENTER (import_entry);
  ENTER (cloud_entry);
  ENTER (user_entry);
  ENTER (password_entry);
  ENTER (confirm_entry);
  ENTER (existing_entry);
  ENTER (name_entry);
#undef ENTER

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  fill_recent (self);
  /* one name each for what a screen reader reads (GTK 4.8's button names, the rows' radio buttons) */
  corral_a11y_fix_names (GTK_WIDGET (self));
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

/* A wizard that makes the guest on @connection first, and offers the other connected connections
 * of @manager on its first page. */
CorralNewGuestWindow *
corral_new_guest_window_new_for_manager (GtkWindow        *parent,
                                         CorralManager    *manager,
                                         CorralConnection *connection)
{
  g_return_val_if_fail (CORRAL_IS_MANAGER (manager), NULL);
  g_return_val_if_fail (CORRAL_IS_CONNECTION (connection), NULL);

  return g_object_new (CORRAL_TYPE_NEW_GUEST_WINDOW, "transient-for", parent, "manager", manager,
                       "connection", connection, NULL);
}

/* The wizard's visible page: one of "source", "os", "identity", "resources", "disk", "network",
 * "review", "progress", "failed". */
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

/* What Create would make, as the pages say now. */
CorralGuestSpec *
corral_new_guest_window_dup_spec (CorralNewGuestWindow *self)
{
  g_return_val_if_fail (CORRAL_IS_NEW_GUEST_WINDOW (self), NULL);

  return build_spec (self);
}
