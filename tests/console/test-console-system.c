/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console page against a real QEMU guest under a real, private libvirtd (run through
 * tests/system/harness/with-libvirtd). The guest boots a tiny isolinux ISO that waits at its boot:
 * prompt. The page opens the console through virDomainOpenGraphicsFD (the local link: Raw in QEMU's own
 * pixel format); what it shows is compared with
 * `virsh screenshot`; typed keys change the guest's screen; stopping the guest shows "not running",
 * and starting it again (the page's own Start button) brings the screen back by itself. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "corral-connection.h"
#include "corral-console-page.h"
#include "corral-vnc-display-private.h"

#define TIMEOUT_S 60
#define GUEST_NAME "corral-console-test"

static GtkWidget *the_page;

static gboolean
timeout_cb (gpointer user_data)
{
  g_autofree char *out = NULL;
  const char *argv[] = { "virsh", "-c", g_getenv ("CORRAL_TEST_LIBVIRT_URI"), "domstate", "--reason",
                         GUEST_NAME, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, NULL, NULL);
  g_printerr ("virsh domstate: %s\n", out);
  g_error ("Timed out waiting for: %s (the page shows \"%s\")", (const char *) user_data,
           the_page != NULL ? corral_console_page_get_status (CORRAL_CONSOLE_PAGE (the_page)) : "-");
  return G_SOURCE_REMOVE;
}

#define WAIT_FOR(cond) G_STMT_START {                                                 \
    guint _timeout = g_timeout_add_seconds (TIMEOUT_S, timeout_cb, (gpointer) #cond); \
    while (!(cond))                                                                   \
      g_main_context_iteration (NULL, TRUE);                                          \
    g_source_remove (_timeout);                                                       \
  } G_STMT_END

#include "corral-test-gtk.h"

static void
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
}

/* An ISO that boots isolinux and waits at its boot: prompt for ever. Built once, cached. */
static char *
build_iso (void)
{
  const char *cache = g_getenv ("CORRAL_TEST_CACHE");
  g_autofree char *dir = g_build_filename (cache != NULL ? cache : "/var/tmp/corral-test-cache", "console", NULL);
  g_autofree char *iso = g_build_filename (dir, "isolinux-prompt-1.iso", NULL);
  g_autofree char *root = NULL;
  g_autofree char *isodir = NULL;
  g_autofree char *tmp_iso = NULL;
  g_autoptr(GError) error = NULL;

  if (g_file_test (iso, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&iso);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  root = g_dir_make_tmp ("corral-console-iso-XXXXXX", &error);
  g_assert_no_error (error);
  isodir = g_build_filename (root, "isolinux", NULL);
  g_assert_cmpint (g_mkdir (isodir, 0755), ==, 0);
  {
    const char *cp_argv[] = { "cp", "/usr/lib/ISOLINUX/isolinux.bin",
                              "/usr/lib/syslinux/modules/bios/ldlinux.c32", isodir, NULL };
    g_autofree char *cfg = g_build_filename (isodir, "isolinux.cfg", NULL);
    g_autofree char *msg = g_build_filename (isodir, "banner.txt", NULL);

    run (cp_argv);
    g_file_set_contents (cfg, "PROMPT 1\nTIMEOUT 0\nDISPLAY banner.txt\nDEFAULT none\n", -1, &error);
    g_assert_no_error (error);
    g_file_set_contents (msg, "\n  CORRAL CONSOLE TEST\n  ===================\n\n"
                              "  Type something at the prompt below.\n\n", -1, &error);
    g_assert_no_error (error);
  }
  tmp_iso = g_strdup_printf ("%s.%d.tmp", iso, (int) getpid ());
  {
    const char *xorriso_argv[] = { "xorriso", "-as", "mkisofs", "-quiet", "-o", tmp_iso,
                                   "-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat",
                                   "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table",
                                   "-V", "CORRALCON", root, NULL };
    const char *rm_argv[] = { "rm", "-rf", root, NULL };
    run (xorriso_argv);
    run (rm_argv);
  }
  g_chmod (tmp_iso, 0644);
  g_assert_cmpint (g_rename (tmp_iso, iso), ==, 0);
  return g_steal_pointer (&iso);
}

/* `virsh screenshot`: the guest's screen as QEMU has it, as 0x00RRGGBB pixels. */
static guint32 *
virsh_screenshot (const char *uri,
                  int        *width,
                  int        *height)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "corral-console-virsh.ppm", NULL);
  const char *argv[] = { "virsh", "-q", "-c", uri, "screenshot", GUEST_NAME, "--file", path, NULL };
  g_autofree char *data = NULL;
  gsize len;
  int w, h, max, off = 0;
  guint32 *pixels;

  run (argv);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_unlink (path);
  if (len > 8 && memcmp (data, "\x89PNG", 4) == 0)
    {
      /* libvirt asks QEMU for PNG when it can */
      g_autoptr(GBytes) bytes = g_bytes_new (data, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (bytes, &error);

      g_assert_no_error (error);
      w = gdk_texture_get_width (texture);
      h = gdk_texture_get_height (texture);
      pixels = g_new (guint32, (gsize) w * h);
      gdk_texture_download (texture, (guint8 *) pixels, (gsize) w * 4);
      for (gsize i = 0; i < (gsize) w * h; i++)
        pixels[i] &= 0xffffff;
      *width = w;
      *height = h;
      return pixels;
    }
  g_assert_cmpint (sscanf (data, "P6 %d %d %d%n", &w, &h, &max, &off), ==, 3);
  g_assert_cmpint (max, ==, 255);
  off++;   /* the one whitespace after maxval */
  g_assert_cmpuint (len, >=, (gsize) off + (gsize) w * h * 3);
  pixels = g_new (guint32, (gsize) w * h);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      const guint8 *p = (const guint8 *) data + off + i * 3;
      pixels[i] = (guint32) p[0] << 16 | (guint32) p[1] << 8 | p[2];
    }
  *width = w;
  *height = h;
  return pixels;
}

/* What the console widget holds of the guest's screen, as 0x00RRGGBB pixels. */
static guint32 *
console_image (CorralVncDisplay *display,
               int              *width,
               int              *height)
{
  g_autoptr(GdkTexture) texture = corral_vnc_display_get_image (display);
  guint32 *pixels;
  int w, h;

  if (texture == NULL)
    return NULL;
  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  pixels = g_new (guint32, (gsize) w * h);
  gdk_texture_download (texture, (guint8 *) pixels, (gsize) w * 4);
  for (gsize i = 0; i < (gsize) w * h; i++)
    pixels[i] &= 0xffffff;
  *width = w;
  *height = h;
  return pixels;
}

/* The console shows what QEMU shows. Text mode has a blinking cursor, so a few tries are allowed. */
static gboolean
console_matches_virsh (CorralVncDisplay *display,
                       const char       *uri)
{
  for (int attempt = 0; attempt < 20; attempt++)
    {
      int vw, vh, cw, ch;
      g_autofree guint32 *virsh = NULL;
      g_autofree guint32 *console = NULL;

      corral_test_drain (150);
      virsh = virsh_screenshot (uri, &vw, &vh);
      corral_test_drain (50);
      console = console_image (display, &cw, &ch);
      if (console != NULL && cw == vw && ch == vh &&
          memcmp (console, virsh, (gsize) vw * vh * 4) == 0)
        return TRUE;
    }
  return FALSE;
}

static guint64
count_lit (CorralVncDisplay *display)
{
  int w, h;
  g_autofree guint32 *pixels = console_image (display, &w, &h);
  guint64 n = 0;

  for (gsize i = 0; pixels != NULL && i < (gsize) w * h; i++)
    n += pixels[i] != 0;
  return n;
}

/* Waits until the guest's screen has stopped changing for a while (isolinux is at its prompt). */
static guint32 *virsh_screenshot (const char *uri, int *width, int *height);

static void
wait_stable_screen (CorralVncDisplay *display)
{
  gint64 end = g_get_monotonic_time () + (gint64) TIMEOUT_S * G_USEC_PER_SEC;
  guint64 last = G_MAXUINT64;
  int stable = 0;

  while (stable < 10)
    {
      guint64 lit = count_lit (display);

      if (g_get_monotonic_time () > end)
        {
          g_autoptr(GdkTexture) image = corral_vnc_display_get_image (display);
          if (image != NULL)
            gdk_texture_save_to_png (image, "/tmp/corral-console-system-last.png");
          int vw, vh;
          guint64 vlit = 0;
          g_autofree guint32 *v = virsh_screenshot (g_getenv ("CORRAL_TEST_LIBVIRT_URI"), &vw, &vh);
          for (gsize i = 0; i < (gsize) vw * vh; i++)
            vlit += v[i] != 0;
          g_error ("the guest's screen did not settle (%" G_GUINT64_FORMAT " lit pixels in the console, "
                   "%" G_GUINT64_FORMAT " in virsh's %dx%d screenshot)", lit, vlit, vw, vh);
        }
      /* the text cursor blinks: a few hundred pixels come and go */
      stable = (last != G_MAXUINT64 && lit > 1500 && (lit > last ? lit - last : last - lit) < 300) ? stable + 1 : 0;
      last = lit;
      corral_test_drain (150);
    }
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (corral_connection_open_finish (CORRAL_CONNECTION (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static CorralGuest *
find_guest (CorralConnection *connection)
{
  GListModel *guests = corral_connection_get_guests (connection);

  for (guint i = 0; i < g_list_model_get_n_items (guests); i++)
    {
      g_autoptr(CorralGuest) guest = g_list_model_get_item (guests, i);
      if (g_strcmp0 (corral_guest_get_name (guest), GUEST_NAME) == 0)
        return guest;
    }
  return NULL;
}

static void
display_error_cb (CorralVncDisplay *display,
                  const char       *message,
                  gpointer          data)
{
  g_test_message ("console error: %s", message);
}

static gboolean
status_is (GtkWidget  *page,
           const char *status)
{
  return g_strcmp0 (corral_console_page_get_status (CORRAL_CONSOLE_PAGE (page)), status) == 0;
}

static void
type_key (CorralVncDisplay *display,
          guint             keyval,
          guint             keycode)
{
  _corral_vnc_display_process_key (display, TRUE, keyval, keycode);
  _corral_vnc_display_process_key (display, FALSE, keyval, keycode);
}

static void
test_console_real_guest (void)
{
  const char *skip = g_getenv ("CORRAL_TEST_SKIP_REASON");
  const char *uri = g_getenv ("CORRAL_TEST_LIBVIRT_URI");
  g_autoptr(CorralConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autoptr(GVirDomain) domain = NULL;
  CorralGuest *guest;
  CorralVncDisplay *display;
  GtkWidget *window, *page;
  gboolean done = FALSE;
  guint64 lit_before;

  if (skip != NULL)
    {
      g_test_skip (skip);
      return;
    }
  if (uri == NULL)
    {
      g_test_skip ("run through tests/system/harness/with-libvirtd (no CORRAL_TEST_LIBVIRT_URI)");
      return;
    }
  if ((g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL))
    {
      g_test_skip ("no display (run under xvfb-run, or tests/with-mutter for Wayland)");
      return;
    }
  if (!g_file_test ("/usr/lib/ISOLINUX/isolinux.bin", G_FILE_TEST_EXISTS) ||
      g_find_program_in_path ("xorriso") == NULL)
    {
      g_test_skip ("isolinux or xorriso not installed");
      return;
    }

  iso = build_iso ();
  xml = g_strdup_printf ("<domain type='qemu'><name>" GUEST_NAME "</name>"
                         "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                         "<os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/></os>"
                         "<on_poweroff>destroy</on_poweroff>"
                         "<devices><disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
                         "<source file='%s'/><target dev='hdc' bus='ide'/><readonly/></disk>"
                         "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>"
                         "<video><model type='vga'/></video></devices></domain>", iso);

  connection = corral_connection_new (uri);
  corral_connection_open_async (connection, NULL, opened_cb, &done);
  WAIT_FOR (done);
  config = gvir_config_domain_new_from_xml (xml, &error);
  g_assert_no_error (error);
  domain = gvir_connection_create_domain (corral_connection_get_gvir (connection), config, &error);
  g_assert_no_error (error);
  WAIT_FOR ((guest = find_guest (connection)) != NULL);

  /* the page on a guest that is not running says so */
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  page = corral_console_page_new (guest);
  the_page = page;
  g_signal_connect (corral_console_page_get_display (CORRAL_CONSOLE_PAGE (page)), "error",
                    G_CALLBACK (display_error_cb), NULL);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  display = corral_console_page_get_display (CORRAL_CONSOLE_PAGE (page));
  WAIT_FOR (status_is (page, "not-running"));
  /* (a guest defined a moment ago has no known state in the core yet, so the page's Start button is
   * not offered: start it through libvirt; the button is used for the second start below) */
  gvir_domain_start (domain, 0, &error);
  g_assert_no_error (error);
  WAIT_FOR (corral_guest_get_state (guest) == CORRAL_GUEST_STATE_RUNNING);

  /* running: the console opens through libvirt and shows isolinux's prompt, as virsh sees it, on the
   * local link (Raw in QEMU's own pixel format) */
  WAIT_FOR (status_is (page, "display"));
  g_assert_cmpint (corral_vnc_display_get_link (display), ==, CORRAL_VNC_LINK_LOCAL);
  g_assert_cmpint (corral_vnc_display_get_active_link (display), ==, CORRAL_VNC_LINK_LOCAL);
  WAIT_FOR (corral_vnc_display_get_guest_width (display) == 720);
  wait_stable_screen (display);   /* SeaBIOS, then isolinux's banner and prompt */
  g_assert_true (console_matches_virsh (display, corral_connection_get_uri (connection)));
  corral_test_screenshot (window, "console-isolinux.png");

  /* typed keys reach the guest: the prompt shows them */
  lit_before = count_lit (display);
  type_key (display, GDK_KEY_c, 54);
  type_key (display, GDK_KEY_o, 32);
  type_key (display, GDK_KEY_r, 27);
  type_key (display, GDK_KEY_r, 27);
  type_key (display, GDK_KEY_a, 38);
  type_key (display, GDK_KEY_l, 46);
  WAIT_FOR (count_lit (display) > lit_before + 100);
  g_assert_true (console_matches_virsh (display, corral_connection_get_uri (connection)));
  corral_test_screenshot (window, "console-isolinux-typed.png");

  /* the guest stops: the page says so */
  done = FALSE;
  gvir_domain_stop (domain, 0, &error);
  g_assert_no_error (error);
  WAIT_FOR (status_is (page, "not-running"));
  corral_test_screenshot (window, "console-stopped.png");

  /* and comes back by itself when the guest runs again, started by the page's own Start button */
  g_assert_true (gtk_widget_activate_action (page, "console.start", NULL));
  WAIT_FOR (status_is (page, "display"));
  wait_stable_screen (display);
  g_assert_true (console_matches_virsh (display, corral_connection_get_uri (connection)));

  the_page = NULL;
  g_object_add_weak_pointer (G_OBJECT (page), (gpointer *) &page);
  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_FOR (page == NULL);
  gvir_domain_stop (domain, 0, NULL);
  gvir_domain_delete (domain, 0, NULL);
  corral_connection_close (connection);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    adw_init ();

  g_test_add_func ("/console/system/real-guest", test_console_real_guest);

  return g_test_run ();
}
