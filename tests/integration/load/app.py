"""A tiny service to load: a slow endpoint, a leaking one, a fast one, a failing one.

``python app.py PORT [--sleep-ms N] [--leak-kb N]`` serves on 127.0.0.1 only, with the
standard library's threading HTTP server: ``/ready`` answers 200 once the server
listens, ``/slow`` sleeps ``--sleep-ms`` before answering (at most ``--capacity`` at once: the
others queue, so a step load finds where it breaks), ``/leak`` keeps ``--leak-kb``
kilobytes per request for ever, ``/fast`` answers at once and ``/fail`` answers 500.
"""

from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_KEPT: list[bytes] = []


class _Handler(BaseHTTPRequestHandler):
    sleep_s = 0.02
    leak = 64 * 1024
    capacity = threading.BoundedSemaphore(1_000_000)  # `/slow`s served at once

    def do_GET(self) -> None:
        status = 200
        if self.path == "/slow":
            with self.capacity:
                time.sleep(self.sleep_s)
        elif self.path == "/leak":
            _KEPT.append(bytes(self.leak) + len(_KEPT).to_bytes(8, "little"))
        elif self.path == "/fail":
            status = 500
        elif self.path not in ("/ready", "/fast"):
            status = 404
        body = b"ok\n"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
        """Quiet: one line per request would cost the test more than the request."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--sleep-ms", type=float, default=20.0)
    parser.add_argument("--leak-kb", type=int, default=64)
    parser.add_argument("--capacity", type=int, default=1_000_000, help="/slow served at once")
    options = parser.parse_args()
    _Handler.capacity = threading.BoundedSemaphore(options.capacity)
    _Handler.sleep_s = options.sleep_ms / 1000
    _Handler.leak = options.leak_kb * 1024
    server = ThreadingHTTPServer(("127.0.0.1", options.port), _Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
