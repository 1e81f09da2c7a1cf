#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A minimal RFB 3.8 server for testing a VNC client's pointer, standard library only.

It does what QEMU does for a guest with a PS/2 mouse and no tablet: when the client's SetEncodings
lists the PointerTypeChange pseudo-encoding (-257), it sends a FramebufferUpdate holding that
pseudo-rectangle with x = 0 (relative); from then on each PointerEvent's x, y is a movement
(x - 0x7FFF, y - 0x7FFF). x = 1 means absolute: x, y are framebuffer coordinates again.

It listens on 127.0.0.1 on a port the kernel picks. On stdout, one line each, flushed:
  port N                          once, when listening
  connected / disconnected
  encodings E1 E2 ...             what the client's SetEncodings listed
  mode relative|absolute          a PointerTypeChange pseudo-rectangle was sent
  pointer MASK X Y                a PointerEvent (decimal)
  key DOWN KEYSYM                 a KeyEvent; qemu-key DOWN KEYSYM KEYCODE for QEMU's extended one
  ...                             (other client messages: one line naming them)
On stdin, one command a line:
  relative | absolute             switch the pointer mode (sent now if the client takes -257)
  quit                            (or end of input) stop

Options: --width W --height H (the framebuffer, 320x240 by default), --mode relative|absolute
(what the pointer is at first, relative by default), --output FILE (write the lines there too),
--unix PATH (listen on a UNIX socket there instead: "listening" is printed rather than a port),
--pixel-format NAME (what ServerInit announces: native, the default, 32 bpp little-endian 16/8/0;
bgrx32: 32 bpp little-endian shifts 0/8/16; be32: 32 bpp big-endian 16/8/0; rgb565: 16 bpp
little-endian 11/5/0), --ignore-pixel-format (keep sending in the announced format whatever the
client's SetPixelFormat says, which is then printed as "pixel-format-ignored BPP").
Pixels are sent as Raw, whatever the client's SetEncodings lists: colour(x, y) below, in the pixel
format in use, each channel scaled to its maximum (0..max, max/255 of the 8-bit value, rounded down).
"""

import argparse
import os
import selectors
import socket
import struct
import sys

ENCODING_RAW = 0
ENCODING_POINTER_TYPE_CHANGE = -257

# name: (bpp, depth, big_endian, red_max, green_max, blue_max, red_shift, green_shift, blue_shift)
PIXEL_FORMATS = {
    'native': (32, 24, 0, 255, 255, 255, 16, 8, 0),
    'bgrx32': (32, 24, 0, 255, 255, 255, 0, 8, 16),
    'be32': (32, 24, 1, 255, 255, 255, 16, 8, 0),
    'rgb565': (16, 16, 0, 31, 63, 31, 11, 5, 0),
}


def colour(x, y):
    """The pattern: 8-bit R, G, B of a pixel (every value of each channel occurs)."""
    return ((x * 7 + y) & 0xff, (y * 3 + x * 2) & 0xff, (x ^ y) & 0xff)


def encode_pixel(fmt, rgb):
    bpp, _, big_endian, rmax, gmax, bmax, rsh, gsh, bsh = fmt
    r, g, b = rgb
    value = ((r * rmax // 255) << rsh) | ((g * gmax // 255) << gsh) | ((b * bmax // 255) << bsh)
    return value.to_bytes(bpp // 8, 'big' if big_endian else 'little')


class ProtocolError(Exception):
    pass


class Output:
    def __init__(self, path):
        self.file = open(path, 'a', encoding='utf-8') if path else None

    def line(self, text):
        sys.stdout.write(text + '\n')
        sys.stdout.flush()
        if self.file is not None:
            self.file.write(text + '\n')
            self.file.flush()


class Client:
    """One client connection: reads whole messages out of a byte buffer as they arrive."""

    def __init__(self, sock, args, out):
        self.sock = sock
        self.args = args
        self.out = out
        self.buf = bytearray()
        self.state = 'version'
        self.format = PIXEL_FORMATS[args.pixel_format]
        self.encodings = []
        self.sent_mode = None     # what the last PointerTypeChange said (None: nothing sent yet)
        self.send(b'RFB 003.008\n')

    def send(self, data):
        self.sock.sendall(data)

    def takes_pointer_type_change(self):
        return ENCODING_POINTER_TYPE_CHANGE in self.encodings

    def send_pointer_mode(self, mode):
        """QEMU sends the mode when it changes (and first when the client says it takes it)."""
        if self.state != 'normal' or not self.takes_pointer_type_change() or self.sent_mode == mode:
            return
        self.sent_mode = mode
        absolute = 1 if mode == 'absolute' else 0
        self.send(struct.pack('>BxH', 0, 1) +
                  struct.pack('>HHHHi', absolute, 0, self.args.width, self.args.height,
                              ENCODING_POINTER_TYPE_CHANGE))
        self.out.line('mode ' + mode)

    def send_raw(self, x, y, w, h):
        x = min(x, self.args.width)
        y = min(y, self.args.height)
        w = min(w, self.args.width - x)
        h = min(h, self.args.height - y)
        if w <= 0 or h <= 0:
            return
        rows = bytearray()
        fmt = self.format
        for row in range(y, y + h):
            for col in range(x, x + w):
                rows += encode_pixel(fmt, colour(col, row))
        self.send(struct.pack('>BxH', 0, 1) + struct.pack('>HHHHi', x, y, w, h, ENCODING_RAW) + bytes(rows))

    def feed(self, data):
        self.buf += data
        while self.step():
            pass

    def take(self, n):
        chunk = bytes(self.buf[:n])
        del self.buf[:n]
        return chunk

    def step(self):
        """Handles one message if it has fully arrived; returns whether it did."""
        buf = self.buf
        if self.state == 'version':
            if len(buf) < 12:
                return False
            version = self.take(12)
            if version != b'RFB 003.008\n':
                raise ProtocolError('client version %r' % version)
            self.send(struct.pack('>BB', 1, 1))            # one security type: None
            self.state = 'security'
            return True
        if self.state == 'security':
            if len(buf) < 1:
                return False
            (kind,) = self.take(1)
            if kind != 1:
                raise ProtocolError('client chose security type %d' % kind)
            self.send(struct.pack('>I', 0))                # SecurityResult: OK
            self.state = 'init'
            return True
        if self.state == 'init':
            if len(buf) < 1:
                return False
            self.take(1)                                   # ClientInit: shared flag
            name = b'rfb-pointer-server'
            bpp, depth, big_endian, rmax, gmax, bmax, rsh, gsh, bsh = self.format
            pixel_format = struct.pack('>BBBBHHHBBBxxx', bpp, depth, big_endian, 1, rmax, gmax, bmax,
                                       rsh, gsh, bsh)
            self.send(struct.pack('>HH', self.args.width, self.args.height) + pixel_format +
                      struct.pack('>I', len(name)) + name)
            self.state = 'normal'
            return True
        return self.client_message()

    def client_message(self):
        buf = self.buf
        if len(buf) < 1:
            return False
        kind = buf[0]
        if kind == 0:                                      # SetPixelFormat
            if len(buf) < 20:
                return False
            msg = self.take(20)
            bpp, depth, big_endian, true_colour, rmax, gmax, bmax, rsh, gsh, bsh = \
                struct.unpack('>BBBBHHHBBB', msg[4:17])
            if bpp not in (8, 16, 32) or not true_colour:
                raise ProtocolError('pixel format: %d bits per pixel, true colour %d' % (bpp, true_colour))
            if self.args.ignore_pixel_format:
                self.out.line('pixel-format-ignored %d' % bpp)
            else:
                self.format = (bpp, depth, 1 if big_endian else 0, rmax, gmax, bmax, rsh, gsh, bsh)
                self.out.line('pixel-format %d' % bpp)
        elif kind == 2:                                    # SetEncodings
            if len(buf) < 4:
                return False
            (count,) = struct.unpack('>H', buf[2:4])
            if len(buf) < 4 + 4 * count:
                return False
            msg = self.take(4 + 4 * count)
            self.encodings = list(struct.unpack('>%di' % count, msg[4:]))
            self.out.line('encodings ' + ' '.join(str(e) for e in self.encodings))
            self.send_pointer_mode(self.args.mode)
        elif kind == 3:                                    # FramebufferUpdateRequest
            if len(buf) < 10:
                return False
            incremental, x, y, w, h = struct.unpack('>xBHHHH', self.take(10))
            # nothing ever changes here: only a full request gets pixels
            if not incremental:
                self.send_raw(x, y, w, h)
        elif kind == 4:                                    # KeyEvent
            if len(buf) < 8:
                return False
            down, keysym = struct.unpack('>xBxxI', self.take(8))
            self.out.line('key %d %d' % (down, keysym))
        elif kind == 5:                                    # PointerEvent
            if len(buf) < 6:
                return False
            mask, x, y = struct.unpack('>xBHH', self.take(6))
            self.out.line('pointer %d %d %d' % (mask, x, y))
        elif kind == 6:                                    # ClientCutText (negative: extended clipboard)
            if len(buf) < 8:
                return False
            (length,) = struct.unpack('>i', buf[4:8])
            length = abs(length)
            if len(buf) < 8 + length:
                return False
            self.take(8 + length)
            self.out.line('cut-text %d' % length)
        elif kind == 150:                                  # EnableContinuousUpdates
            if len(buf) < 10:
                return False
            self.take(10)
            self.out.line('continuous-updates')
        elif kind == 248:                                  # ClientFence
            if len(buf) < 9:
                return False
            length = buf[8]
            if len(buf) < 9 + length:
                return False
            self.take(9 + length)
            self.out.line('fence')
        elif kind == 250:                                  # xvp
            if len(buf) < 4:
                return False
            self.take(4)
            self.out.line('xvp')
        elif kind == 251:                                  # SetDesktopSize
            if len(buf) < 8:
                return False
            screens = buf[6]
            if len(buf) < 8 + 16 * screens:
                return False
            _, w, h = struct.unpack('>xBHH', self.take(8 + 16 * screens)[:6])
            self.out.line('set-desktop-size %d %d' % (w, h))
        elif kind == 255:                                  # QEMU
            if len(buf) < 2:
                return False
            subtype = buf[1]
            if subtype == 0:                               # extended key event
                if len(buf) < 12:
                    return False
                down, keysym, keycode = struct.unpack('>xxHII', self.take(12))
                self.out.line('qemu-key %d %d %d' % (down, keysym, keycode))
            elif subtype == 1:                             # audio
                if len(buf) < 4:
                    return False
                (operation,) = struct.unpack('>H', buf[2:4])
                size = 10 if operation == 2 else 4         # 2: set format (u8, u8, u32)
                if len(buf) < size:
                    return False
                self.take(size)
                self.out.line('qemu-audio %d' % operation)
            else:
                raise ProtocolError('QEMU message subtype %d' % subtype)
        else:
            raise ProtocolError('client message type %d' % kind)
        return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--width', type=int, default=320)
    parser.add_argument('--height', type=int, default=240)
    parser.add_argument('--mode', choices=('relative', 'absolute'), default='relative')
    parser.add_argument('--output')
    parser.add_argument('--unix')
    parser.add_argument('--pixel-format', choices=sorted(PIXEL_FORMATS), default='native')
    parser.add_argument('--ignore-pixel-format', action='store_true')
    args = parser.parse_args()
    out = Output(args.output)

    if args.unix:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(args.unix)
        listener.listen(1)
        out.line('listening')
    else:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(('127.0.0.1', 0))
        listener.listen(1)
        out.line('port %d' % listener.getsockname()[1])

    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, 'listener')
    sel.register(sys.stdin.fileno(), selectors.EVENT_READ, 'stdin')
    client = None
    stdin_buf = b''

    def drop(reason):
        nonlocal client
        if client is None:
            return
        sel.unregister(client.sock)
        client.sock.close()
        client = None
        out.line('disconnected' + (' ' + reason if reason else ''))

    while True:
        for key, _ in sel.select():
            if key.data == 'listener':
                sock, _ = listener.accept()
                if client is not None:
                    sock.close()                           # one client at a time
                    continue
                if not args.unix:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                out.line('connected')
                client = Client(sock, args, out)
                sel.register(sock, selectors.EVENT_READ, 'client')
            elif key.data == 'stdin':
                data = os.read(sys.stdin.fileno(), 4096)
                if not data:
                    drop(None)
                    return 0
                stdin_buf += data
                while b'\n' in stdin_buf:
                    line, stdin_buf = stdin_buf.split(b'\n', 1)
                    command = line.decode().strip()
                    if command == 'quit':
                        drop(None)
                        return 0
                    if command in ('relative', 'absolute'):
                        args.mode = command
                        if client is not None:
                            client.send_pointer_mode(command)
                    elif command:
                        out.line('unknown-command ' + command)
            elif key.data == 'client' and client is not None:
                try:
                    data = client.sock.recv(65536)
                    if not data:
                        drop(None)
                        continue
                    client.feed(data)
                except (ProtocolError, OSError) as e:
                    out.line('error %s' % e)
                    drop(None)


if __name__ == '__main__':
    sys.exit(main())
