"""The webhook sink against a local ``http.server``: what it sends, and failures that name no secret."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gates.alerts.webhook import Delivery, post
from tests.webhook import Received

TOKEN = "t0ken-that-must-not-show"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


HOOK = Delivery("webhook:HOOK", "HOOK", "TOKEN")


def test_delivered_with_the_body_and_the_bearer_token(server: tuple[str, Received]) -> None:
    url, received = server
    body = json.dumps({"alerts": [{"rule": "r"}]}).encode()
    assert post(HOOK, body, {"HOOK": f"{url}/hook", "TOKEN": TOKEN}) == ""
    [(path, headers, sent)] = received.requests
    assert path == "/hook" and sent == body
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "gates-alerts"


def test_no_token_no_authorization_header(server: tuple[str, Received]) -> None:
    url, received = server
    slack = Delivery("slack:SLACK", "SLACK")
    assert post(slack, b"{}", {"SLACK": url + "/s", "TOKEN": TOKEN}) == ""
    assert post(HOOK, b"{}", {"HOOK": url + "/h"}) == ""  # its token variable unset
    assert [("Authorization" in h) for _, h, _ in received.requests] == [False, False]


@pytest.mark.parametrize("status", [500, 404, 401])
def test_an_http_error_names_the_variable_not_the_url(
    server: tuple[str, Received], status: int
) -> None:
    url, received = server
    received.status = status
    why = post(HOOK, b"{}", {"HOOK": f"{url}/p?key={TOKEN}", "TOKEN": TOKEN})
    assert why == f"HTTP {status} from $HOOK"
    assert len(received.requests) == 1


def test_unset_and_non_http_urls_are_not_sent() -> None:
    assert post(HOOK, b"{}", {}) == "$HOOK is not set"
    assert post(HOOK, b"{}", {"HOOK": ""}) == "$HOOK is not set"
    assert post(HOOK, b"{}", {"HOOK": f"file:///etc/{TOKEN}"}) == "$HOOK is not an http(s) URL"
    assert post(HOOK, b"{}", {"HOOK": "ftp://example.invalid/x"}) == "$HOOK is not an http(s) URL"


def test_an_unreachable_url_is_scrubbed() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/secret-path-{TOKEN}"
    why = post(HOOK, b"{}", {"HOOK": url, "TOKEN": TOKEN})
    assert why.startswith("cannot reach $HOOK: ")
    assert TOKEN not in why and "secret-path" not in why and "127.0.0.1" not in why
    assert "\n" not in why


def test_a_malformed_url_is_a_reason_not_a_crash() -> None:
    why = post(HOOK, b"{}", {"HOOK": "http://", "TOKEN": TOKEN})
    assert why.startswith("cannot reach $HOOK: ")
    assert TOKEN not in why


def test_an_unreachable_url_without_a_token_is_scrubbed_too() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/private-path"
    why = post(HOOK, b"{}", {"HOOK": url})
    assert why.startswith("cannot reach $HOOK: ") and "private-path" not in why


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_never_followed_with_the_token(
    status: int,
) -> None:
    """urllib would resend the POST as a GET to the named host, Authorization included."""
    elsewhere = Received()

    class Elsewhere(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            elsewhere.requests.append((self.path, dict(self.headers.items()), b""))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            self.do_GET()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - its signature
            del format, args

    other = ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    try:
        target = f"http://localhost:{other.server_address[1]}/stolen"
        with _redirecting(target, status) as redirecting_url:
            why = post(HOOK, b"{}", {"HOOK": redirecting_url, "TOKEN": TOKEN})
    finally:
        other.shutdown()
        other.server_close()
        thread.join()
    assert why == f"HTTP {status} (a redirect, not followed) from $HOOK"
    assert TOKEN not in why
    assert elsewhere.requests == []  # nothing, and no token, reached the other host


@contextlib.contextmanager
def _redirecting(location: str, status: int) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - its signature
            del format, args

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
