"""Request ids, JSON logs, Prometheus metrics and rate limiting: one ASGI middleware.

Every request gets an id (the client's ``X-Request-ID`` when it is a sane
token, else a new one), which is bound into every log line of the request
(structlog's contextvars), returned in the ``X-Request-ID`` header and put in
problem details. Each request is counted and timed by route template (never
by raw path: the label set stays bounded). Clients over their allowance get
``429`` with ``Retry-After``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paybot.api.problems import PROBLEM_JSON, TYPE_BASE
from paybot.domain.ratelimit import RateLimiter

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
UNLIMITED = ("/healthz", "/readyz", "/metrics", "/telegram/webhook")  # probes, scrapes, Telegram


def configure_logging(stream: TextIO | None = None, level: int = logging.INFO) -> None:
    """structlog: one JSON object per line, with the bound request id (stdout by default).

    Exceptions are rendered as plain text in the ``exception`` field: never the
    console renderer's pretty tracebacks, which print every local variable.
    """
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )


@dataclass
class Metrics:
    """paybot's Prometheus metrics, in a registry of its own."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "paybot_http_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "paybot_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ["method", "route"],
            registry=self.registry,
        )
        self.updates = Counter(
            "paybot_telegram_updates",
            "Telegram webhook updates, by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.payments = Counter(
            "paybot_payments",
            "Successful payments Telegram reported, by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "paybot_rate_limited", "Requests refused with 429", registry=self.registry
        )


def request_id_of(scope: Scope) -> str:
    """The client's X-Request-ID when it is a sane token, else a new id."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if _REQUEST_ID.fullmatch(text):
                return text
    return uuid.uuid4().hex


def _client(scope: Scope) -> str:
    """Who the rate limit counts: the bearer token's holder when there is one, else the address."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            token: str = value.decode("latin-1")
            return "token:" + token[-43:]
    client = scope.get("client")
    return f"ip:{client[0]}" if client else "ip:unknown"


class ObservabilityMiddleware:
    """The request id, the access log, the metrics, and the rate limit, around the app."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        limiter: Callable[[], RateLimiter],
        monotonic: Callable[[], float],
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.limiter = limiter  # read per request: the limits can be changed while running
        self.monotonic = monotonic

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = [500]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            if scope["path"] not in UNLIMITED:
                decision = self.limiter().take(_client(scope), self.monotonic())
                if not decision.allowed:
                    self.metrics.rate_limited.inc()
                    await _too_many(scope, send_with_id, request_id, decision.retry_after)
                    return
            await self.app(scope, receive, send_with_id)
        finally:
            route = _route(scope)
            elapsed = time.perf_counter() - started
            self.metrics.requests.labels(scope["method"], route, str(status[0])).inc()
            self.metrics.latency.labels(scope["method"], route).observe(elapsed)
            structlog.get_logger("paybot.access").info(
                "request",
                method=scope["method"],
                route=route,
                status=status[0],
                duration_ms=round(elapsed * 1000, 2),
            )
            structlog.contextvars.clear_contextvars()


def _route(scope: Scope) -> str:
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


async def _too_many(scope: Scope, send: Send, request_id: str, retry_after: int) -> None:
    body = json.dumps(
        {
            "type": TYPE_BASE + "rate-limited",
            "title": "Too Many Requests",
            "status": 429,
            "detail": f"Too many requests; try again in {retry_after} s.",
            "instance": scope["path"],
            "request_id": request_id,
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
