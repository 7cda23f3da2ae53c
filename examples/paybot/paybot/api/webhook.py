"""``POST /telegram/webhook``: Telegram's updates, checked, de-duplicated, handled once.

* The ``X-Telegram-Bot-Api-Secret-Token`` header must equal the secret given to
  ``setWebhook`` (compared in constant time): anything else is 401, and nothing
  of the body is read.
* A body that is not JSON, not an object, or not a valid ``Update`` is 400
  with problem details: Telegram does not retry a 4xx, so a malformed update
  is answered once and never becomes a retry storm, and never a 500.
* ``update_id`` is recorded in ``processed_updates`` in the same transaction as
  everything the handlers write: a redelivered update is acknowledged and
  ignored; a handler that fails rolls both back, so Telegram's retry is handled.
* An update of a type this aiogram does not know is acknowledged and ignored.
* Work for the Celery workers is enqueued only after the commit.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import Any

import structlog
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from paybot import services
from paybot.api.problems import Problem
from paybot.bot import AfterCommit
from paybot.runtime import Runtime

TELEGRAM_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # the header Telegram signs with
MAX_BODY = 1 << 20  # bytes; Telegram's updates are far smaller

router = APIRouter()
log = structlog.get_logger("paybot.webhook")


def _check_secret(request: Request, runtime: Runtime) -> None:
    given = request.headers.get(TELEGRAM_HEADER)
    expected = runtime.settings.webhook_secret
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        runtime.metrics.updates.labels("unauthorised").inc()
        raise Problem(
            401, "bad-webhook-secret", f"The {TELEGRAM_HEADER} header is missing or wrong."
        )


def _parse(body: bytes, runtime: Runtime) -> Update:
    def bad(detail: str, errors: list[dict[str, str]] | None = None) -> Problem:
        runtime.metrics.updates.labels("malformed").inc()
        return Problem(400, "malformed-update", detail, extra={"errors": errors or []})

    if len(body) > MAX_BODY:
        raise bad(f"The update is larger than {MAX_BODY} bytes.")
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise bad("The body is not JSON.") from None
    if not isinstance(data, dict):
        raise bad("An update is a JSON object.")
    try:
        return Update.model_validate(data, context={"bot": runtime.bot})
    except ValidationError as error:
        where = [
            {"location": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in error.errors()[:20]
        ]
        raise bad("The body is not a valid Telegram Update.", where) from None


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    _check_secret(request, runtime)
    update = _parse(await request.body(), runtime)
    try:
        kind = update.event_type
    except UpdateTypeLookupError:
        kind = ""
    session = runtime.sessions()
    try:
        if await asyncio.to_thread(services.seen_update, session, update.update_id):
            await asyncio.to_thread(session.rollback)
            runtime.metrics.updates.labels("duplicate").inc()
            return JSONResponse({"ok": True, "duplicate": True})
        after_commit: AfterCommit = []
        if kind:
            await runtime.dispatcher.feed_update(
                runtime.bot, update, db=session, after_commit=after_commit
            )
        await asyncio.to_thread(session.commit)
    except BaseException:
        await asyncio.to_thread(session.rollback)
        raise
    finally:
        await asyncio.to_thread(session.close)
    for action in after_commit:
        action(runtime.queue)
    runtime.metrics.updates.labels(kind or "unknown-type").inc()
    log.info("update handled", update_id=update.update_id, kind=kind or "unknown")
    return JSONResponse({"ok": True})
