#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A web server on 127.0.0.1 for test-image-download: serves the files of DIR with byte ranges.

Usage: image-server.py DIR LOG. Binds a random port and prints it on the first line of its output.
Each request's path and Range header go to LOG, one line each ("GET /x.img range=bytes=10-").
Knobs, in the query string:
  cut=N       close the connection after N bytes of the body (Content-Length still says the whole)
  norange=1   ignore Range: always 200 and the whole file
  length=N    send Content-Length: N whatever the body is (and close the connection after it)
  delay=MS    sleep MS milliseconds after each 16 KiB of the body
"""

import http.server
import os
import re
import sys
import time
import urllib.parse

CHUNK = 16 * 1024


class ImageHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        knobs = dict(urllib.parse.parse_qsl(url.query))
        range_header = self.headers.get("Range")
        with open(self.server.log_path, "a") as log:
            log.write("GET %s range=%s\n" % (url.path, range_header or ""))

        path = os.path.join(self.server.root, os.path.basename(urllib.parse.unquote(url.path)))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            data = f.read()
        size = len(data)

        start = 0
        status = 200
        match = re.fullmatch(r"bytes=(\d+)-", range_header or "")
        if match and "norange" not in knobs:
            start = int(match.group(1))
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status = 206
        body = data[start:]

        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))
        self.send_header("Content-Length", knobs.get("length", str(len(body))))
        closing = "cut" in knobs or "length" in knobs
        if closing:
            self.send_header("Connection", "close")
        self.end_headers()

        if "cut" in knobs:
            body = body[: int(knobs["cut"])]
        delay = int(knobs.get("delay", "0")) / 1000.0
        for i in range(0, len(body), CHUNK):
            self.wfile.write(body[i : i + CHUNK])
            self.wfile.flush()
            if delay:
                time.sleep(delay)
        if closing:
            self.close_connection = True


class ImageServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root, log_path):
        super().__init__(("127.0.0.1", 0), ImageHandler)
        self.root = root
        self.log_path = log_path


def main():
    server = ImageServer(sys.argv[1], sys.argv[2])
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
