"""Every error as RFC 9457 problem details (``application/problem+json``), never a stack trace.

``{"type", "title", "status", "detail", "instance"}``, plus ``request_id`` (the
same as the ``X-Request-ID`` header and the logs) and, for invalid input,
``errors``: where and what, without echoing the rejected value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://paybot.example/problems/"

log = structlog.get_logger("paybot.api")


class Problem(Exception):
    """An error the API reports to the client as problem details."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


def problem_response(
    request: Request,
    *,
    status: int,
    slug: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """The problem-details response of one error."""
    request_id = str(getattr(request.state, "request_id", ""))
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": request_id,
        **(extra or {}),
    }
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON
    )


def _errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic's validation errors without the input they rejected (it may be hostile)."""
    return [
        {
            "location": ".".join(str(part) for part in error.get("loc", ())),
            "message": str(error.get("msg", "invalid")),
        }
        for error in errors[:20]
        if isinstance(error, Mapping)
    ]


async def _problem(request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, Problem):  # registered for it alone
        raise error
    return problem_response(
        request,
        status=error.status,
        slug=error.slug,
        detail=error.detail,
        headers=error.headers,
        extra=error.extra,
    )


async def _invalid(request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, RequestValidationError):  # registered for it alone
        raise error
    return problem_response(
        request,
        status=422,
        slug="invalid-request",
        detail="The request does not match what this endpoint accepts.",
        extra={"errors": _errors(error.errors())},
    )


async def _http(request: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, StarletteHTTPException):  # registered for it alone
        raise error
    slug = {404: "not-found", 405: "method-not-allowed"}.get(error.status_code, "http-error")
    detail = error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = ", ".join(_allowed(request))
    return problem_response(
        request, status=error.status_code, slug=slug, detail=detail, headers=headers
    )


def _allowed(request: Request) -> list[str]:
    """Every method some route of the app answers at this path (one route may serve only GET)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and pattern.match(request.url.path):
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


async def _crash(request: Request, error: Exception) -> JSONResponse:
    log.error("unhandled error", error_type=type(error).__name__, exc_info=error)
    return problem_response(
        request,
        status=500,
        slug="internal-error",
        detail="Something went wrong on our side; the request id identifies it in our logs.",
    )


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` with problem details."""
    app.add_exception_handler(Problem, _problem)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _crash)
