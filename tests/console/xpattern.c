/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A tiny X client for the console tests, run inside Xvnc's display.
 *
 *   xpattern [--clipboard TEXT]
 *
 * Covers the screen with a window showing a known pattern (noise, flat blocks, gradients, a 1-pixel
 * checkerboard: the cases the VNC encoders treat differently), takes the keyboard focus, and prints
 * one line per input event on stdout:
 *   ready WIDTHxHEIGHT
 *   key-press KEYSYM-NAME KEYCODE / key-release KEYSYM-NAME KEYCODE
 *   button-press BUTTON X Y / button-release BUTTON X Y
 * With --clipboard it also owns the CLIPBOARD and PRIMARY selections with TEXT, taking them again on
 * each press of button 2 (an owner change, which Xvnc announces to the viewers connected then).
 * Runs until killed. */
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t
pattern_pixel (int x,
               int y,
               int w,
               int h)
{
  int band = y * 4 / h;

  if (band == 0)
    {
      /* noise: a hash of the position */
      uint32_t v = (uint32_t) x * 2654435761u ^ (uint32_t) y * 2246822519u;
      v ^= v >> 13;
      v *= 3266489917u;
      v ^= v >> 16;
      return v & 0xffffff;
    }
  if (band == 1)
    {
      /* flat blocks of a few colours */
      static const uint32_t colours[] = { 0xff0000, 0x00ff00, 0x0000ff, 0xffffff, 0x000000, 0x808080,
                                          0xffff00, 0x00ffff, 0xff00ff, 0x123456 };
      return colours[((x / 37) + (y / 23) * 3) % 10];
    }
  if (band == 2)
    {
      /* gradients */
      return ((uint32_t) (x * 255 / (w - 1)) << 16) | ((uint32_t) ((y * 5) & 0xff) << 8) |
             (uint32_t) ((x + y) & 0xff);
    }
  /* 1-pixel checkerboard, two colours, with a border line every 64 pixels */
  if (x % 64 == 0 || y % 64 == 0)
    return 0xff8000;
  return ((x + y) & 1) ? 0xf0f0f0 : 0x101010;
}

int
main (int   argc,
      char *argv[])
{
  Display *dpy;
  int screen, w, h;
  Window root, win;
  XSetWindowAttributes attrs = { 0 };
  XImage *image;
  GC gc;
  const char *clip_text = NULL;
  Atom clipboard, targets, utf8;

  if (argc == 3 && strcmp (argv[1], "--clipboard") == 0)
    clip_text = argv[2];

  setvbuf (stdout, NULL, _IOLBF, 0);
  dpy = XOpenDisplay (NULL);
  if (dpy == NULL)
    {
      fprintf (stderr, "xpattern: cannot open display\n");
      return 1;
    }
  screen = DefaultScreen (dpy);
  root = RootWindow (dpy, screen);
  w = DisplayWidth (dpy, screen);
  h = DisplayHeight (dpy, screen);
  if (DefaultDepth (dpy, screen) != 24)
    {
      fprintf (stderr, "xpattern: depth 24 needed\n");
      return 1;
    }

  attrs.override_redirect = True;
  attrs.background_pixel = 0;
  attrs.event_mask = ExposureMask | KeyPressMask | KeyReleaseMask | ButtonPressMask | ButtonReleaseMask;
  win = XCreateWindow (dpy, root, 0, 0, w, h, 0, CopyFromParent, InputOutput, CopyFromParent,
                       CWOverrideRedirect | CWBackPixel | CWEventMask, &attrs);
  XMapRaised (dpy, win);
  gc = XCreateGC (dpy, win, 0, NULL);

  image = XCreateImage (dpy, DefaultVisual (dpy, screen), 24, ZPixmap, 0,
                        malloc ((size_t) w * h * 4), w, h, 32, 0);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      XPutPixel (image, x, y, pattern_pixel (x, y, w, h));

  clipboard = XInternAtom (dpy, "CLIPBOARD", False);
  targets = XInternAtom (dpy, "TARGETS", False);
  utf8 = XInternAtom (dpy, "UTF8_STRING", False);

  for (;;)
    {
      XEvent ev;

      XNextEvent (dpy, &ev);
      switch (ev.type)
        {
        case Expose:
          if (ev.xexpose.count == 0)
            {
              static int first = 1;
              XPutImage (dpy, win, gc, image, 0, 0, 0, 0, w, h);
              XSync (dpy, False);
              if (first)
                {
                  first = 0;
                  XSetInputFocus (dpy, win, RevertToParent, CurrentTime);
                  if (clip_text != NULL)
                    {
                      XSetSelectionOwner (dpy, clipboard, win, CurrentTime);
                      XSetSelectionOwner (dpy, XA_PRIMARY, win, CurrentTime);
                    }
                  XSync (dpy, False);
                  printf ("ready %dx%d\n", w, h);
                }
            }
          break;
        case KeyPress:
        case KeyRelease:
          {
            KeySym sym = XLookupKeysym (&ev.xkey, (ev.xkey.state & ShiftMask) ? 1 : 0);
            const char *name = XKeysymToString (sym);
            printf ("%s %s %u\n", ev.type == KeyPress ? "key-press" : "key-release",
                    name != NULL ? name : "NoSymbol", ev.xkey.keycode);
          }
          break;
        case ButtonPress:
        case ButtonRelease:
          printf ("%s %u %d %d\n", ev.type == ButtonPress ? "button-press" : "button-release",
                  ev.xbutton.button, ev.xbutton.x, ev.xbutton.y);
          if (clip_text != NULL && ev.type == ButtonPress && ev.xbutton.button == 2)
            {
              XSetSelectionOwner (dpy, clipboard, None, ev.xbutton.time);
              XSetSelectionOwner (dpy, clipboard, win, ev.xbutton.time);
              XSetSelectionOwner (dpy, XA_PRIMARY, win, ev.xbutton.time);
              XFlush (dpy);
            }
          break;
        case SelectionRequest:
          {
            XSelectionRequestEvent *req = &ev.xselectionrequest;
            XEvent reply = { 0 };

            reply.xselection.type = SelectionNotify;
            reply.xselection.requestor = req->requestor;
            reply.xselection.selection = req->selection;
            reply.xselection.target = req->target;
            reply.xselection.time = req->time;
            reply.xselection.property = None;
            if (clip_text != NULL && req->target == targets)
              {
                Atom list[] = { targets, utf8, XA_STRING };
                XChangeProperty (dpy, req->requestor, req->property, XA_ATOM, 32, PropModeReplace,
                                 (unsigned char *) list, 3);
                reply.xselection.property = req->property;
              }
            else if (clip_text != NULL && (req->target == utf8 || req->target == XA_STRING))
              {
                XChangeProperty (dpy, req->requestor, req->property, req->target, 8, PropModeReplace,
                                 (const unsigned char *) clip_text, strlen (clip_text));
                reply.xselection.property = req->property;
              }
            XSendEvent (dpy, req->requestor, False, 0, &reply);
            XFlush (dpy);
          }
          break;
        default:
          break;
        }
    }
  return 0;
}
