"""Peer for `histoscale bench tiles`: a Deep Zoom tile server in Python, as people write one with Debian's
python3-openslide and the standard library.

Serves GET /dzi (the DZI descriptor) and GET /tiles/LEVEL/COL_ROW.jpeg from
openslide.deepzoom.DeepZoomGenerator(OpenSlide(path), tile_size=254, overlap=1, limit_bounds=False), JPEG quality 75,
with http.server.ThreadingHTTPServer (one thread per connection, HTTP/1.1 keep-alive) on 127.0.0.1 and a free port.

When ready it prints one JSON line with the port and the versions in use. It exits when its standard input closes,
so it never outlives the benchmark that started it.

usage: dzi_peer_server.py SLIDE
"""
import json
import os
import platform
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import openslide
import PIL
from openslide.deepzoom import DeepZoomGenerator

TILE = re.compile(r"^/tiles/(\d+)/(\d+)_(\d+)\.jpeg$")
QUALITY = 75


def make_handler(dz):
    dzi = dz.get_dzi("jpeg").encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep connections open, as browsers and the Java client expect

        def do_GET(self):
            if self.path == "/dzi":
                self.send(200, "application/xml", dzi)
                return
            m = TILE.match(self.path)
            if not m:
                self.send(404, "text/plain", b"not found")
                return
            level, col, row = (int(g) for g in m.groups())
            try:
                tile = dz.get_tile(level, (col, row))
            except ValueError:
                self.send(404, "text/plain", b"no such tile")
                return
            buf = BytesIO()
            tile.save(buf, "jpeg", quality=QUALITY)
            self.send(200, "image/jpeg", buf.getvalue())

        def send(self, status, content_type, body):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass  # one line per request on stderr would slow the server down

    return Handler


def exit_when_parent_goes():
    sys.stdin.read()
    os._exit(0)


def main():
    slide = openslide.OpenSlide(sys.argv[1])
    dz = DeepZoomGenerator(slide, tile_size=254, overlap=1, limit_bounds=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(dz))
    server.daemon_threads = True
    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    print(json.dumps({"port": server.server_address[1], "openslide_python": openslide.__version__,
                      "openslide_library": openslide.__library_version__, "pillow": PIL.__version__,
                      "python": platform.python_version()}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
