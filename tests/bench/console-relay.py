#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The console benchmark's relay: a TCP port on 127.0.0.1 in front of a UNIX socket (QEMU's VNC socket),
for the peers that can only reach a display by host and port (gvncviewer). One client at a time;
prints "port N" once listening. Its own CPU is not counted for anyone."""

import selectors
import socket
import sys


def main():
    path = sys.argv[1]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', int(sys.argv[2]) if len(sys.argv) > 2 else 0))
    listener.listen(4)
    print('port %d' % listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.connect(path)
        sel = selectors.DefaultSelector()
        sel.register(client, selectors.EVENT_READ, server)
        sel.register(server, selectors.EVENT_READ, client)
        open_ = True
        try:
            while open_:
                for key, _ in sel.select():
                    data = key.fileobj.recv(1 << 20)
                    if not data:
                        open_ = False
                        break
                    key.data.sendall(data)
        except OSError:
            pass                                           # either side went away: next client
        sel.close()
        client.close()
        server.close()


if __name__ == '__main__':
    sys.exit(main())
