/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console benchmark's workload, run inside Xvnc's display: repaints the whole screen FPS times a
 * second so that every pixel changes each frame, with rows of pseudo-text (blocks, no fonts) scrolling
 * up by one text line per frame.
 *
 *   console-workload FPS            repaint FPS times a second until killed
 *   console-workload --keys         a still screen; each key press paints a white square at the top
 *                                   left, each release a black one (for key-to-pixels latency) */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE_H 16
#define CHAR_W 8

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Is pixel (cx, cy) of the glyph for character code c lit? A made-up 8x16 glyph: strokes from a hash. */
static int
glyph_bit (unsigned c,
           int      cx,
           int      cy)
{
  unsigned h;

  if (cx == CHAR_W - 1 || cy < 3 || cy > 12 || c % 7 == 0)   /* spacing, and some spaces */
    return 0;
  h = (c * 2654435761u) >> (((cy - 3) / 2) * 3 % 29);
  return (h >> (cx % 7)) & 1;
}

static void
paint_frame (XImage   *img,
             int       w,
             int       h,
             unsigned  frame)
{
  /* background and ink change every frame: no pixel keeps its value */
  uint32_t bg = ((frame * 37) & 0x7f) << 16 | ((frame * 11) & 0x7f) << 8 | 0x20;
  uint32_t ink = 0xc0c0c0 ^ ((frame & 1) ? 0x0f0f0f : 0x000000) ^ ((frame * 5) & 0x3f);

  for (int y = 0; y < h; y++)
    {
      uint32_t *row = (uint32_t *) (img->data + (size_t) y * img->bytes_per_line);
      unsigned line = (unsigned) (y / LINE_H) + frame;   /* one text line up per frame */
      int cy = y % LINE_H;
      int len = (int) ((line * 2654435761u) >> 24) % 200 + 20;   /* ragged line ends */

      for (int x0 = 0; x0 < w; x0 += CHAR_W)
        {
          unsigned col = (unsigned) (x0 / CHAR_W);
          unsigned c = line * 131u + col * 7u + (line * col) % 13u;
          int lit = (int) col < len;

          for (int x = x0; x < x0 + CHAR_W && x < w; x++)
            row[x] = lit && glyph_bit (c, x - x0, cy) ? ink : bg;
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  Display *dpy;
  Window win;
  XSetWindowAttributes attrs = { 0 };
  XImage *img;
  GC gc;
  int screen, w, h;
  int keys_mode = argc > 1 && strcmp (argv[1], "--keys") == 0;
  double fps = argc > 1 && !keys_mode ? atof (argv[1]) : 30;

  if (fps <= 0 || fps > 240)
    {
      fprintf (stderr, "usage: console-workload FPS | --keys\n");
      return 2;
    }

  setvbuf (stdout, NULL, _IOLBF, 0);
  dpy = XOpenDisplay (NULL);
  if (dpy == NULL)
    {
      fprintf (stderr, "console-workload: cannot open display\n");
      return 1;
    }
  screen = DefaultScreen (dpy);
  w = DisplayWidth (dpy, screen);
  h = DisplayHeight (dpy, screen);
  attrs.override_redirect = True;
  attrs.background_pixel = 0;
  attrs.event_mask = KeyPressMask | KeyReleaseMask | ExposureMask;
  win = XCreateWindow (dpy, RootWindow (dpy, screen), 0, 0, w, h, 0, CopyFromParent, InputOutput,
                       CopyFromParent, CWOverrideRedirect | CWBackPixel | CWEventMask, &attrs);
  XMapRaised (dpy, win);
  gc = XCreateGC (dpy, win, 0, NULL);
  img = XCreateImage (dpy, DefaultVisual (dpy, screen), DefaultDepth (dpy, screen), ZPixmap, 0,
                      malloc ((size_t) w * h * 4), w, h, 32, 0);
  XSync (dpy, False);

  if (keys_mode)
    {
      XSetInputFocus (dpy, win, RevertToParent, CurrentTime);
      XSync (dpy, False);
      printf ("ready\n");
      for (;;)
        {
          XEvent ev;
          XNextEvent (dpy, &ev);
          if (ev.type == KeyPress || ev.type == KeyRelease)
            {
              XSetForeground (dpy, gc, ev.type == KeyPress ? 0xffffff : 0x000000);
              XFillRectangle (dpy, win, gc, 0, 0, 64, 64);
              XFlush (dpy);
            }
        }
    }

  printf ("ready\n");
  for (unsigned frame = 0;; frame++)
    {
      double start = now_s (), left;

      paint_frame (img, w, h, frame);
      XPutImage (dpy, win, gc, img, 0, 0, 0, 0, w, h);
      XSync (dpy, False);
      left = 1.0 / fps - (now_s () - start);
      if (left > 0)
        {
          struct timespec ts = { (time_t) left, (long) ((left - (time_t) left) * 1e9) };
          nanosleep (&ts, NULL);
        }
    }
  return 0;
}
