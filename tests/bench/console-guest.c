/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console benchmark's QEMU guest: a multiboot kernel (no OS) that repaints the whole screen of QEMU's
 * standard VGA (bochs VBE, linear framebuffer) like console-workload does in Xvnc: rows of pseudo-text
 * scrolling up by two text lines a frame over a background whose colour changes every frame, so that
 * every pixel changes. Paced by the PIT's interrupt at FPS frames a second, halted in between.
 *
 *   qemu-system-x86_64 -kernel console-guest -append "FPS"      repaint FPS times a second (30 if absent)
 *   qemu-system-x86_64 -kernel console-guest -append "keys"     a still screen; each key press (PS/2)
 *                                                               paints a white square at the top left,
 *                                                               each release a black one
 * Built freestanding for 32-bit protected mode (what a multiboot loader enters): see tests/bench/console. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;

#define W 1920
#define H 1080
#define PAGE_H (2 * H)
#define LINE_H 16
#define CHAR_W 8
#define N_COLOURS 6

/* multiboot 1 header: magic, flags (page-align, memory info), checksum */
__attribute__ ((section (".multiboot"), used, aligned (4)))
static const u32 multiboot_header[3] = { 0x1BADB002u, 0x3u, -(0x1BADB002u + 0x3u) };

static inline void outb (u16 port, u8 v) { __asm__ volatile ("outb %0, %1" : : "a" (v), "Nd" (port)); }
static inline void outw (u16 port, u16 v) { __asm__ volatile ("outw %0, %1" : : "a" (v), "Nd" (port)); }
static inline void outl (u16 port, u32 v) { __asm__ volatile ("outl %0, %1" : : "a" (v), "Nd" (port)); }
static inline u8 inb (u16 port) { u8 v; __asm__ volatile ("inb %1, %0" : "=a" (v) : "Nd" (port)); return v; }
static inline u32 inl (u16 port) { u32 v; __asm__ volatile ("inl %1, %0" : "=a" (v) : "Nd" (port)); return v; }

static void
copy32 (u32 *dst, const u32 *src, u32 n)
{
  __asm__ volatile ("rep movsl" : "+D" (dst), "+S" (src), "+c" (n) : : "memory");
}

static void
fill32 (u32 *dst, u32 value, u32 n)
{
  __asm__ volatile ("rep stosl" : "+D" (dst), "+c" (n) : "a" (value) : "memory");
}

static u32
pci_read (u32 dev, u32 offset)
{
  outl (0xcf8, 0x80000000u | (dev << 11) | (offset & 0xfc));
  return inl (0xcfc);
}

/* BAR 0 of the first bochs VGA (1234:1111) on bus 0: its linear framebuffer */
static u32 *
find_framebuffer (void)
{
  for (u32 dev = 0; dev < 32; dev++)
    if (pci_read (dev, 0) == 0x11111234u)
      return (u32 *) (pci_read (dev, 0x10) & ~0xfu);
  return (u32 *) 0xfd000000u;
}

static void
dispi (u16 index, u16 value)
{
  outw (0x1ce, index);
  outw (0x1cf, value);
}

/* Interrupts, so that the guest sleeps (hlt) between frames instead of spinning a host CPU under TCG:
 * the PICs remapped to vectors 0x20.., IRQ 0 (the PIT at FPS Hz) and IRQ 1 (the keyboard). */
struct idt_entry
{
  u16 offset_lo;
  u16 selector;
  u8  zero;
  u8  type;
  u16 offset_hi;
} __attribute__ ((packed));

static struct idt_entry idt[256];
static volatile u32 timer_ticks;
static volatile u32 key_events;
static volatile u8 last_scancode;

void timer_irq (void);
void keyboard_irq (void);
void ignore_irq (void);
void timer_tick (void);
void keyboard_key (void);

void
timer_tick (void)
{
  timer_ticks++;
  outb (0x20, 0x20);
}

void
keyboard_key (void)
{
  last_scancode = inb (0x60);
  key_events++;
  outb (0x20, 0x20);
}

__asm__ (".section .text\n"
         "timer_irq: pusha; cld; call timer_tick; popa; iret\n"
         "keyboard_irq: pusha; cld; call keyboard_key; popa; iret\n"
         "ignore_irq: push %eax; mov $0x20, %al; out %al, $0xa0; out %al, $0x20; pop %eax; iret\n");

static void
set_gate (int vector, void (*handler) (void))
{
  u32 addr = (u32) handler;
  u16 cs;

  __asm__ volatile ("mov %%cs, %0" : "=r" (cs));
  idt[vector] = (struct idt_entry) { addr & 0xffff, cs, 0, 0x8e, addr >> 16 };
}

static void
setup_interrupts (u32 hz)
{
  struct { u16 limit; u32 base; } __attribute__ ((packed)) idtr = { sizeof idt - 1, (u32) idt };
  u32 divisor = 1193182u / hz;

  for (int v = 0x20; v < 0x30; v++)
    set_gate (v, ignore_irq);
  set_gate (0x20, timer_irq);
  set_gate (0x21, keyboard_irq);
  __asm__ volatile ("lidt %0" : : "m" (idtr));
  /* ICW1..4: edge, cascade, vectors 0x20 and 0x28, 8086 mode; then unmask IRQ 0 and 1 only */
  outb (0x20, 0x11); outb (0xa0, 0x11);
  outb (0x21, 0x20); outb (0xa1, 0x28);
  outb (0x21, 0x04); outb (0xa1, 0x02);
  outb (0x21, 0x01); outb (0xa1, 0x01);
  outb (0x21, 0xfc); outb (0xa1, 0xff);
  /* PIT channel 0, mode 2 (rate generator) */
  outb (0x43, 0x34);
  outb (0x40, divisor & 0xff);
  outb (0x40, divisor >> 8);
  __asm__ volatile ("sti");
}

static void
wait_interrupt (void)
{
  __asm__ volatile ("hlt");
}

static int
glyph_bit (u32 c, int cx, int cy)
{
  u32 h;

  if (cx == CHAR_W - 1 || cy < 3 || cy > 12 || c % 7 == 0)
    return 0;
  h = (c * 2654435761u) >> (((cy - 3) / 2) * 3 % 29);
  return (h >> (cx % 7)) & 1;
}

static const u32 bg[N_COLOURS] = { 0xf0f0f0, 0x202830, 0xfff4d0, 0x103060, 0xe0ffe0, 0x402020 };
static const u32 fg[N_COLOURS] = { 0x101010, 0xe0e0e0, 0x303000, 0xffffa0, 0x003000, 0xffe0e0 };

/* the text page in each colour pair, two screens tall (wraps), placed above 16 MiB */
#define PAGES ((u32 *) 0x01000000u)

static void
build_pages (void)
{
  u32 seed = 12345;

  for (int line = 0; line < PAGE_H / LINE_H; line++)
    {
      u32 len;

      seed = seed * 1103515245u + 12345u;
      len = 20 + (seed >> 16) % (W / CHAR_W - 24);
      for (int cy = 0; cy < LINE_H; cy++)
        {
          int y = line * LINE_H + cy;
          for (int x = 0; x < W; x++)
            {
              u32 col = x / CHAR_W;
              int lit = col < len && glyph_bit (col * 31 + line * 17 + 1, x % CHAR_W, cy);
              for (int k = 0; k < N_COLOURS; k++)
                PAGES[(u32) k * W * PAGE_H + (u32) y * W + x] = lit ? fg[k] : bg[k];
            }
        }
    }
}

static int
parse_fps (const char *s)
{
  int n = 0;

  if (s == 0)
    return 30;
  while (*s == ' ')
    s++;
  if (s[0] == 'k' && s[1] == 'e' && s[2] == 'y' && s[3] == 's')
    return -1;
  while (*s >= '0' && *s <= '9')
    n = n * 10 + (*s++ - '0');
  return n > 0 ? n : 30;
}

void kmain (u32 magic, const u32 *info);

void
kmain (u32 magic, const u32 *info)
{
  const char *cmdline = (magic == 0x2BADB002u && (info[0] & 4)) ? (const char *) info[4] : 0;
  int fps = parse_fps (cmdline);
  u32 *fb = find_framebuffer ();
  u32 frame = 0, seen_keys = 0, next;

  dispi (4, 0);          /* disable */
  dispi (1, W);
  dispi (2, H);
  dispi (3, 32);
  dispi (4, 0x41);       /* enable, linear framebuffer */

  if (fps < 0)
    {
      /* keys: a still grey screen; PS/2 set 1 scancodes from the i8042, bit 7 set on release */
      fill32 (fb, 0x808080, W * H);
      setup_interrupts (100);
      for (;;)
        {
          while (key_events == seen_keys)
            wait_interrupt ();
          seen_keys = key_events;
          u32 colour = (last_scancode & 0x80) ? 0x000000 : 0xffffff;
          for (int y = 0; y < 64; y++)
            fill32 (fb + y * W, colour, 64);
        }
    }

  build_pages ();
  setup_interrupts ((u32) fps);
  next = timer_ticks;
  for (;;)
    {
      int k = frame % N_COLOURS;
      u32 off = (frame * 2 * LINE_H) % PAGE_H;
      u32 h1 = PAGE_H - off < H ? PAGE_H - off : H;
      const u32 *page = PAGES + (u32) k * W * PAGE_H;

      copy32 (fb, page + off * W, h1 * W);
      if (h1 < H)
        copy32 (fb + h1 * W, page, (H - h1) * W);
      frame++;
      next++;
      while ((int) (timer_ticks - next) < 0)
        wait_interrupt ();
    }
}

__asm__ (".section .text\n"
         ".global _start\n"
         "_start:\n"
         "  mov $0x00f00000, %esp\n"
         "  push %ebx\n"
         "  push %eax\n"
         "  call kmain\n"
         "1: hlt\n"
         "  jmp 1b\n");
