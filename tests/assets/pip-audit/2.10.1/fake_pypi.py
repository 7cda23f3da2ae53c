"""Run the real pip-audit against a local stand-in for PyPI's JSON API.

pip-audit's default service (``pip_audit._service.pypi``) asks
``https://pypi.org/pypi/<name>/<version>/json`` and reads its ``vulnerabilities``
list. This machine cannot reach that API, so this script:

1. serves ``/pypi/<name>/<version>/json`` on 127.0.0.1 from ``ADVISORIES`` below
   (404 for a release it does not know, as PyPI does);
2. mounts a requests transport adapter on pip-audit's own HTTP session that
   sends ``https://pypi.org/`` requests to that server instead;
3. calls pip-audit's real command-line entry point with the arguments given.

Nothing else in pip-audit is touched: resolution, the service's parsing of the
response, skip handling and the JSON formatter are the shipped code.

Usage: python fake_pypi.py <pip-audit arguments...>
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from requests.adapters import HTTPAdapter

import pip_audit._service.pypi as pypi_service
from pip_audit._cli import audit

# Advisories as PyPI's JSON API publishes them (fields: id, aliases, details,
# summary, fixed_in, link, source, withdrawn), transcribed from the public records.
ADVISORIES: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("requests", "2.19.0"): [
        {
            "id": "PYSEC-2018-28",
            "aliases": ["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"],
            "details": (
                "The Requests package before 2.20.0 for Python sends an HTTP Authorization "
                "header to an http URI upon receiving a same-hostname https-to-http redirect, "
                "which makes it easier for remote attackers to discover credentials by "
                "sniffing the network."
            ),
            "summary": None,
            "fixed_in": ["2.20.0"],
            "link": "https://osv.dev/vulnerability/PYSEC-2018-28",
            "source": "osv",
            "withdrawn": None,
        },
        {
            "id": "PYSEC-2023-74",
            "aliases": ["CVE-2023-32681", "GHSA-j8r2-6x86-q33q"],
            "details": (
                "Requests is a HTTP library. Since Requests 2.3.0, Requests has been leaking "
                "Proxy-Authorization headers to destination servers when redirected to an "
                "HTTPS endpoint. This issue has been patched in version 2.31.0."
            ),
            "summary": None,
            "fixed_in": ["2.31.0"],
            "link": "https://osv.dev/vulnerability/PYSEC-2023-74",
            "source": "osv",
            "withdrawn": None,
        },
        {
            "id": "GHSA-9wx4-h78v-vm56",
            "aliases": ["CVE-2024-35195"],
            "details": (
                "When making requests through a Requests `Session`, if the first request is "
                "made with `verify=False` to disable cert verification, all subsequent "
                "requests to the same origin will continue to ignore cert verification "
                "regardless of changes to the value of `verify`."
            ),
            "summary": (
                "Requests `Session` object does not verify requests after making first "
                "request with verify=False"
            ),
            "fixed_in": ["2.32.0"],
            "link": "https://osv.dev/vulnerability/GHSA-9wx4-h78v-vm56",
            "source": "osv",
            "withdrawn": None,
        },
    ],
    ("py", "1.11.0"): [
        {
            "id": "PYSEC-2022-42969",
            "aliases": ["CVE-2022-42969", "GHSA-w596-4wvx-j9j6"],
            "details": (
                "The py library through 1.11.0 for Python allows remote attackers to conduct "
                "a ReDoS (Regular expression Denial of Service) attack via a Subversion "
                "repository with crafted info data, because the InfoSvnCommand argument is "
                "mishandled."
            ),
            "summary": None,
            "fixed_in": [],
            "link": "https://osv.dev/vulnerability/PYSEC-2022-42969",
            "source": "osv",
            "withdrawn": None,
        },
    ],
    ("idna", "3.7"): [],
}


class Handler(BaseHTTPRequestHandler):
    """``GET /pypi/<name>/<version>/json``, as PyPI answers it."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        parts = self.path.strip("/").split("/")
        key = (parts[1], parts[2]) if len(parts) == 4 and parts[0] == "pypi" else None
        if key is None or key not in ADVISORIES:
            self.send_error(404, "Not Found")
            return
        body = {"info": {"name": key[0], "version": key[1]}, "urls": []}
        if ADVISORIES[key]:
            body["vulnerabilities"] = ADVISORIES[key]
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        sys.stderr.write(f"fake-pypi: {format % args}\n")


def _redirecting_session(base: str) -> Any:
    real = pypi_service.caching_session

    class ToLocal(HTTPAdapter):
        def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
            request.url = (request.url or "").replace("https://pypi.org/", base, 1)
            return super().send(request, *args, **kwargs)

    def session(*args: Any, **kwargs: Any) -> requests.Session:
        inner = real(*args, **kwargs)
        inner.mount("https://pypi.org/", ToLocal())
        return inner

    return session


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pypi_service.caching_session = _redirecting_session(base)
    sys.argv = ["pip-audit", *sys.argv[1:]]
    try:
        audit()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
