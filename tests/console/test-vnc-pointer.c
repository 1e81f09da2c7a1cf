/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CorralVncDisplay's pointer against a server that switches it between relative and absolute, as QEMU
 * does for a guest with a PS/2 mouse and no tablet: rfb-pointer-server.py (an RFB 3.8 server on
 * loopback) sends QEMU's PointerTypeChange pseudo-rectangle (encoding -257; x = 0 relative, x = 1
 * absolute) and prints every PointerEvent it gets. In relative mode QEMU moves the guest's mouse by
 * (x - 0x7FFF, y - 0x7FFF) guest pixels per event; in absolute mode x, y are framebuffer coordinates.
 *
 * The widget is driven through _corral_vnc_display_process_pointer() and through its own event
 * controllers (their "motion", "leave" and "scroll" signals, as GTK emits them), in a window under
 * Xvfb (DISPLAY). The expected values come from the protocol: a movement of N widget pixels is N / scale
 * guest pixels, a button or wheel click moves nothing, absolute coordinates stay on the framebuffer. */
#include "config.h"

#include <gio/gio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include <X11/Xlib.h>

#include "console-test-util.h"
#include "corral-vnc-display-private.h"

#define TIMEOUT_S 10

#include "corral-test-util.h"

/* QEMU: dx = x - 0x7FFF, dy = y - 0x7FFF (ui/vnc.c, pointer_event) */
#define CENTER 0x7fff

#define BUTTON_LEFT   (1 << 0)
#define BUTTON_RIGHT  (1 << 2)
#define WHEEL_UP      (1 << 3)
#define WHEEL_DOWN    (1 << 4)

static const char *python_path;
static const char *server_path;

typedef struct
{
  guint mask;
  guint x;
  guint y;
} PointerEvent;

typedef struct
{
  int              fb_width;     /* the server's framebuffer */
  int              fb_height;
  CorralVncScaling scaling;
  int              win_width;    /* the widget's size */
  int              win_height;
} FixtureOptions;

typedef struct
{
  GSubprocess        *server;
  GOutputStream      *server_in;
  GDataInputStream   *server_out;
  GCancellable       *cancellable;
  GPtrArray          *lines;      /* everything the server printed */
  GArray             *events;     /* PointerEvent: the PointerEvents it got */
  guint               checked;    /* how many of them the test has looked at */
  char               *port;
  const FixtureOptions *opts;

  GtkWidget          *window;
  CorralVncDisplay   *vnc;
  GtkEventController *motion;
  GtkEventController *scroll;
  ConsoleTestSignals  seen;
} Fixture;

static const FixtureOptions one_to_one = { 320, 240, CORRAL_VNC_SCALING_ONE_TO_ONE, 320, 240 };
static const FixtureOptions fit_half = { 320, 240, CORRAL_VNC_SCALING_FIT, 160, 120 };
static const FixtureOptions fit_double = { 160, 120, CORRAL_VNC_SCALING_FIT, 320, 240 };
static const FixtureOptions fit_triple = { 106, 80, CORRAL_VNC_SCALING_FIT, 318, 240 };

/* Puts the X pointer in the screen's far corner, away from the test window (at 0,0, no larger than
 * 320x240): no crossing or motion event from the real pointer reaches the widget. */
static void
move_x_pointer_away (void)
{
  Display *dpy = XOpenDisplay (NULL);
  int screen;

  if (dpy == NULL)
    return;
  screen = DefaultScreen (dpy);
  XWarpPointer (dpy, None, RootWindow (dpy, screen), 0, 0, 0, 0,
                DisplayWidth (dpy, screen) - 1, DisplayHeight (dpy, screen) - 1);
  XSync (dpy, False);
  XCloseDisplay (dpy);
}

/* Each line the server prints (console_test_read_lines() keeps them in f->lines). */
static void
server_line (const char *line,
             gpointer    user_data)
{
  Fixture *f = user_data;
  PointerEvent ev;

  if (g_str_has_prefix (line, "error"))
    g_error ("the server did not understand the client: %s", line);
  if (sscanf (line, "pointer %u %u %u", &ev.mask, &ev.x, &ev.y) == 3)
    g_array_append_val (f->events, ev);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *width = NULL;
  g_autofree char *height = NULL;

  memset (f, 0, sizeof *f);
  f->opts = data;
  f->lines = g_ptr_array_new_with_free_func (g_free);
  f->events = g_array_new (FALSE, FALSE, sizeof (PointerEvent));
  f->cancellable = g_cancellable_new ();

  if (!console_test_init_display ())
    return;
  if (python_path == NULL)
    {
      g_test_skip ("python3 not found");
      return;
    }
  move_x_pointer_away ();

  width = g_strdup_printf ("%d", f->opts->fb_width);
  height = g_strdup_printf ("%d", f->opts->fb_height);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* the server dies with the test, even when it aborts */
  g_subprocess_launcher_set_child_setup (launcher, console_test_die_with_parent, NULL, NULL);
  f->server = g_subprocess_launcher_spawn (launcher, &error, python_path, "-u", server_path,
                                           "--width", width, "--height", height, NULL);
  g_assert_no_error (error);
  f->server_in = g_object_ref (g_subprocess_get_stdin_pipe (f->server));
  f->server_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));

  /* the first line says where it listens */
  first = g_data_input_stream_read_line_utf8 (f->server_out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_true (g_str_has_prefix (first, "port "));
  f->port = g_strdup (first + strlen ("port "));
  console_test_read_lines (f->server_out, f->lines, f->cancellable, "server", server_line, f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  console_test_destroy_window (f->window, &f->vnc);
  g_cancellable_cancel (f->cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  console_test_stop_process (&f->server);
  g_clear_object (&f->server_in);
  g_clear_object (&f->server_out);
  g_clear_object (&f->cancellable);
  g_clear_pointer (&f->lines, g_ptr_array_unref);
  g_clear_pointer (&f->events, g_array_unref);
  g_free (f->port);
  console_test_signals_clear (&f->seen);
}

static void
server_command (Fixture    *f,
                const char *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strconcat (command, "\n", NULL);

  g_output_stream_write_all (f->server_in, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (f->server_in, NULL, &error);
  g_assert_no_error (error);
}

/* ---- the widget ------------------------------------------------------------------------------- */

static void
find_controllers (Fixture *f)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->vnc));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
        f->motion = controller;
      else if (GTK_IS_EVENT_CONTROLLER_SCROLL (controller))
        f->scroll = controller;
    }
  /* the widget keeps them */
  g_assert_nonnull (f->motion);
  g_assert_nonnull (f->scroll);
}

static gboolean
is_allocated (Fixture *f)
{
  return gtk_widget_get_mapped (GTK_WIDGET (f->vnc)) &&
         gtk_widget_get_width (GTK_WIDGET (f->vnc)) == f->opts->win_width &&
         gtk_widget_get_height (GTK_WIDGET (f->vnc)) == f->opts->win_height &&
         _corral_vnc_display_get_frames_drawn (f->vnc) > 0;
}

/* Opens the display on the server and waits until the server has made the pointer relative. */
static void
connect_relative (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *encodings = NULL;

  f->window = console_test_display_window (f->opts->scaling, f->opts->win_width, f->opts->win_height, &f->seen,
                                           &f->vnc);
  find_controllers (f);
  gtk_window_present (GTK_WINDOW (f->window));

  /* absolute until a server says otherwise (gvnc's default, and the RFB protocol's) */
  g_assert_true (corral_vnc_display_get_absolute_pointer (f->vnc));
  g_assert_true (corral_vnc_display_open_host (f->vnc, "127.0.0.1", f->port, &error));
  g_assert_no_error (error);
  WAIT_FOR (f->seen.initialized);
  WAIT_FOR (console_test_has_line (f->lines, "mode relative"));
  WAIT_FOR (!corral_vnc_display_get_absolute_pointer (f->vnc));
  WAIT_FOR (is_allocated (f));
  g_assert_cmpint (corral_vnc_display_get_guest_width (f->vnc), ==, f->opts->fb_width);
  g_assert_cmpint (corral_vnc_display_get_guest_height (f->vnc), ==, f->opts->fb_height);

  /* the client asked for the pseudo-encoding (or the server would never have sent it) */
  for (guint i = 0; i < f->lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->lines, i), "encodings "))
      encodings = g_strdup_printf ("%s ", (const char *) g_ptr_array_index (f->lines, i));
  g_assert_nonnull (encodings);
  g_assert_nonnull (strstr (encodings, " -257 "));

  /* nothing moved the pointer yet (the X pointer is away from the window) */
  corral_test_drain (100);
  g_assert_cmpuint (f->events->len, ==, 0);
}

static void
switch_mode (Fixture  *f,
             gboolean  absolute)
{
  server_command (f, absolute ? "absolute" : "relative");
  WAIT_FOR (corral_vnc_display_get_absolute_pointer (f->vnc) == absolute);
}

static char *
format_events (const PointerEvent *events,
               guint               n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      const PointerEvent *e = &events[i];
      g_string_append_printf (s, "%s{mask %u, %u (%+d), %u (%+d)}", i > 0 ? ", " : "",
                              e->mask, e->x, (int) e->x - CENTER, e->y, (int) e->y - CENTER);
    }
  return g_string_free (s, FALSE);
}

/* Waits for the server to get @n more PointerEvents, and for nothing more to come. Returns them. */
static const PointerEvent *
next_events (Fixture    *f,
             guint       n,
             const char *what)
{
  const PointerEvent *got;

  WAIT_FOR (f->events->len >= f->checked + n);
  corral_test_drain (50);   /* anything extra would be here by now */
  got = &g_array_index (f->events, PointerEvent, f->checked);
  if (f->events->len != f->checked + n)
    {
      g_autofree char *all = format_events (got, f->events->len - f->checked);
      g_error ("%s: expected %u pointer events, the server got %u: %s", what, n, f->events->len - f->checked, all);
    }
  f->checked += n;
  return got;
}

static gboolean
same_events (const PointerEvent *a,
             const PointerEvent *b,
             guint               n)
{
  for (guint i = 0; i < n; i++)
    if (a[i].mask != b[i].mask || a[i].x != b[i].x || a[i].y != b[i].y)
      return FALSE;
  return TRUE;
}

static void
expect_events (Fixture            *f,
               const char         *what,
               const PointerEvent *expected,
               guint               n)
{
  const PointerEvent *got = next_events (f, n, what);

  if (!same_events (got, expected, n))
    {
      g_autofree char *want = format_events (expected, n);
      g_autofree char *have = format_events (got, n);
      g_error ("%s:\n  expected %s\n  the server got %s", what, want, have);
    }
}

#define EXPECT(what, ...) G_STMT_START {                                          \
    static const PointerEvent _expected[] = { __VA_ARGS__ };                      \
    expect_events (f, what, _expected, G_N_ELEMENTS (_expected));                 \
  } G_STMT_END

static void
motion (Fixture *f,
        double   x,
        double   y)
{
  g_signal_emit_by_name (f->motion, "motion", x, y);
}

static void
scroll (Fixture *f,
        double   dx,
        double   dy)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (f->scroll, "scroll", dx, dy, &handled);
  g_assert_true (handled);
}

/* ---- tests ------------------------------------------------------------------------------------ */

static void
test_relative_and_back (Fixture       *f,
                        gconstpointer  data)
{
  if (f->server == NULL)
    return;

  connect_relative (f);

  /* Movements at 1:1 are widget pixels; the first position after the switch is no movement. */
  _corral_vnc_display_process_pointer (f->vnc, 100, 100, 0);
  _corral_vnc_display_process_pointer (f->vnc, 110, 105, 0);
  _corral_vnc_display_process_pointer (f->vnc, 90, 125, 0);
  EXPECT ("relative motion",
          { 0, CENTER, CENTER }, { 0, CENTER + 10, CENTER + 5 }, { 0, CENTER - 20, CENTER + 20 });

  /* A button goes down and up where the pointer is: the current mask, no movement. A drag moves. */
  _corral_vnc_display_process_pointer (f->vnc, 90, 125, BUTTON_LEFT);
  _corral_vnc_display_process_pointer (f->vnc, 97, 121, BUTTON_LEFT);
  _corral_vnc_display_process_pointer (f->vnc, 97, 121, 0);
  _corral_vnc_display_process_pointer (f->vnc, 97, 121, BUTTON_RIGHT);
  _corral_vnc_display_process_pointer (f->vnc, 97, 121, 0);
  EXPECT ("relative buttons",
          { BUTTON_LEFT, CENTER, CENTER }, { BUTTON_LEFT, CENTER + 7, CENTER - 4 }, { 0, CENTER, CENTER },
          { BUTTON_RIGHT, CENTER, CENTER }, { 0, CENTER, CENTER });

  /* The widget's own controllers: motion, a wheel click (button 4 or 5 down and up, no movement) */
  motion (f, 100, 119);
  scroll (f, 0, 1);
  scroll (f, 0, -1);
  motion (f, 101, 119);
  EXPECT ("relative motion and wheel through the controllers",
          { 0, CENTER + 3, CENTER - 2 },
          { WHEEL_DOWN, CENTER, CENTER }, { 0, CENTER, CENTER },
          { WHEEL_UP, CENTER, CENTER }, { 0, CENTER, CENTER },
          { 0, CENTER + 1, CENTER });

  /* Leaving the widget and coming back in elsewhere is no movement. */
  g_signal_emit_by_name (f->motion, "leave");
  motion (f, 250, 20);
  motion (f, 245, 30);
  EXPECT ("relative motion after leaving", { 0, CENTER, CENTER }, { 0, CENTER - 5, CENTER + 10 });

  /* A movement larger than a PointerEvent can carry is cut to the largest one, not wrapped. */
  _corral_vnc_display_process_pointer (f->vnc, 245 - 40000, 30 + 40000, 0);
  {
    const PointerEvent *e = next_events (f, 1, "huge relative motion");
    g_assert_cmpuint (e->mask, ==, 0);
    g_assert_cmpuint (e->x, ==, 0);            /* -0x7FFF */
    g_assert_cmpuint (e->y, >=, 0xfffe);       /* +0x7FFF or +0x8000 */
  }

  /* The server makes it absolute again: framebuffer coordinates, on the framebuffer. */
  switch_mode (f, TRUE);
  _corral_vnc_display_process_pointer (f->vnc, 50.7, 20.2, 0);
  _corral_vnc_display_process_pointer (f->vnc, 50.7, 20.2, BUTTON_LEFT);
  _corral_vnc_display_process_pointer (f->vnc, -30, 500, BUTTON_LEFT);
  _corral_vnc_display_process_pointer (f->vnc, 5000, -5, 0);
  _corral_vnc_display_process_pointer (f->vnc, 319.9, 239.9, 0);
  _corral_vnc_display_process_pointer (f->vnc, 320, 240, 0);
  motion (f, 12, 34);
  EXPECT ("absolute again",
          { 0, 50, 20 }, { BUTTON_LEFT, 50, 20 }, { BUTTON_LEFT, 0, 239 }, { 0, 319, 0 },
          { 0, 319, 239 }, { 0, 319, 239 }, { 0, 12, 34 });
  scroll (f, 0, 1);
  EXPECT ("absolute wheel", { WHEEL_DOWN, 12, 34 }, { 0, 12, 34 });

  /* And relative once more: the last absolute position is no starting point. */
  switch_mode (f, FALSE);
  _corral_vnc_display_process_pointer (f->vnc, 10, 10, 0);
  _corral_vnc_display_process_pointer (f->vnc, 13, 6, 0);
  EXPECT ("relative once more", { 0, CENTER, CENTER }, { 0, CENTER + 3, CENTER - 4 });
}

/* Scaled: a movement of N widget pixels is N / scale guest pixels. */
static void
test_relative_scaled (Fixture       *f,
                      gconstpointer  data)
{
  double s;

  if (f->server == NULL)
    return;

  connect_relative (f);
  s = (double) f->opts->win_width / f->opts->fb_width;

  _corral_vnc_display_process_pointer (f->vnc, 40, 40, 0);
  _corral_vnc_display_process_pointer (f->vnc, 40 + 20 * s, 40 + 10 * s, 0);
  _corral_vnc_display_process_pointer (f->vnc, 40 + 20 * s, 40 + 10 * s, BUTTON_LEFT);
  _corral_vnc_display_process_pointer (f->vnc, 40 + 10 * s, 40 + 30 * s, BUTTON_LEFT);
  _corral_vnc_display_process_pointer (f->vnc, 40 + 10 * s, 40 + 30 * s, 0);
  EXPECT ("scaled relative motion",
          { 0, CENTER, CENTER }, { 0, CENTER + 20, CENTER + 10 },
          { BUTTON_LEFT, CENTER, CENTER }, { BUTTON_LEFT, CENTER - 10, CENTER + 20 }, { 0, CENTER, CENTER });

  /* absolute: widget pixels map to guest pixels through the scale */
  switch_mode (f, TRUE);
  _corral_vnc_display_process_pointer (f->vnc, 30 * s, 15 * s, 0);
  _corral_vnc_display_process_pointer (f->vnc, f->opts->win_width + 50, f->opts->win_height + 50, 0);
  {
    const PointerEvent expected[] = {
      { 0, 30, 15 }, { 0, f->opts->fb_width - 1, f->opts->fb_height - 1 },
    };
    expect_events (f, "scaled absolute", expected, G_N_ELEMENTS (expected));
  }
}

/* Slow motion on a zoomed guest: many events of one widget pixel each, each less than a guest pixel
 * at this scale. Summed up they are a movement of N / scale guest pixels, which the guest must get,
 * give or take a pixel of rounding. */
static void
test_relative_slow_motion (Fixture       *f,
                           gconstpointer  data)
{
  const int steps = 12;
  double s;
  int want, sum_x = 0, sum_y = 0;
  const PointerEvent *got;

  if (f->server == NULL)
    return;

  connect_relative (f);
  s = (double) f->opts->win_width / f->opts->fb_width;
  want = (int) (steps / s);

  _corral_vnc_display_process_pointer (f->vnc, 100, 100, 0);
  for (int i = 1; i <= steps; i++)
    _corral_vnc_display_process_pointer (f->vnc, 100 + i, 100 - i, 0);
  got = next_events (f, steps + 1, "slow motion");
  for (int i = 0; i <= steps; i++)
    {
      sum_x += (int) got[i].x - CENTER;
      sum_y += (int) got[i].y - CENTER;
    }

  if (ABS (sum_x - want) > 1 || ABS (-sum_y - want) > 1)
    {
      g_autofree char *all = format_events (got, steps + 1);
      g_error ("%d one-pixel moves at scale %g moved the guest's pointer by %+d,%+d, not about %+d,%+d: %s",
               steps, s, sum_x, sum_y, want, -want, all);
    }
}

/* A wheel click (or a click GTK gives up on) right after the server switched modes, before the pointer
 * moved: in relative mode it must not move the guest's pointer, in absolute mode it must be on the
 * framebuffer. */
static void
test_wheel_after_mode_switch (Fixture       *f,
                              gconstpointer  data)
{
  const PointerEvent *got;

  if (f->server == NULL)
    return;

  connect_relative (f);
  _corral_vnc_display_process_pointer (f->vnc, 100, 100, 0);
  _corral_vnc_display_process_pointer (f->vnc, 110, 100, 0);
  EXPECT ("relative motion", { 0, CENTER, CENTER }, { 0, CENTER + 10, CENTER });

  /* relative -> absolute, then the wheel: on the framebuffer */
  switch_mode (f, TRUE);
  scroll (f, 0, 1);
  got = next_events (f, 2, "wheel after switching to absolute");
  g_assert_cmpuint (got[0].mask, ==, WHEEL_DOWN);
  g_assert_cmpuint (got[1].mask, ==, 0);
  if (got[0].x >= (guint) f->opts->fb_width || got[0].y >= (guint) f->opts->fb_height)
    {
      g_autofree char *all = format_events (got, 2);
      g_error ("wheel after switching to absolute: off the %dx%d framebuffer: %s",
               f->opts->fb_width, f->opts->fb_height, all);
    }

  /* absolute -> relative, then the wheel: no movement */
  _corral_vnc_display_process_pointer (f->vnc, 300, 200, 0);
  EXPECT ("absolute motion", { 0, 300, 200 });
  switch_mode (f, FALSE);
  scroll (f, 0, -1);
  got = next_events (f, 2, "wheel after switching to relative");
  g_assert_cmpuint (got[0].mask, ==, WHEEL_UP);
  g_assert_cmpuint (got[1].mask, ==, 0);
  if (got[0].x != CENTER || got[0].y != CENTER || got[1].x != CENTER || got[1].y != CENTER)
    {
      g_autofree char *all = format_events (got, 2);
      g_error ("wheel after switching to relative moved the pointer: %s", all);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *default_python = g_find_program_in_path ("python3");
  g_autofree char *default_server = NULL;

  /* --python=PATH --server=PATH (from meson); else python3 from PATH and the script beside the source */
  python_path = default_python;
  while (argc > 1 && (g_str_has_prefix (argv[1], "--python=") || g_str_has_prefix (argv[1], "--server=")))
    {
      if (g_str_has_prefix (argv[1], "--python="))
        python_path = argv[1] + strlen ("--python=");
      else
        server_path = argv[1] + strlen ("--server=");
      argv[1] = argv[0];
      argv++;
      argc--;
    }
  if (server_path == NULL)
    {
      const char *srcdir = g_getenv ("CORRAL_SOURCE_DIR");
      default_server = g_build_filename (srcdir != NULL ? srcdir : ".", "tests", "console",
                                         "rfb-pointer-server.py", NULL);
      server_path = default_server;
    }

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/console/pointer/relative-and-back", Fixture, &one_to_one, fixture_setup,
              test_relative_and_back, fixture_teardown);
  g_test_add ("/console/pointer/relative-scaled-half", Fixture, &fit_half, fixture_setup,
              test_relative_scaled, fixture_teardown);
  g_test_add ("/console/pointer/relative-scaled-double", Fixture, &fit_double, fixture_setup,
              test_relative_scaled, fixture_teardown);
  g_test_add ("/console/pointer/relative-slow-motion-2x", Fixture, &fit_double, fixture_setup,
              test_relative_slow_motion, fixture_teardown);
  g_test_add ("/console/pointer/relative-slow-motion-3x", Fixture, &fit_triple, fixture_setup,
              test_relative_slow_motion, fixture_teardown);
  g_test_add ("/console/pointer/wheel-after-mode-switch", Fixture, &one_to_one, fixture_setup,
              test_wheel_after_mode_switch, fixture_teardown);

  return g_test_run ();
}
