"""A stand-in for the Telegram Bot API server on 127.0.0.1, which records what the bot sends.

The tests start it and point aiogram at it (the custom API server setting);
``python -m paybot dev`` does too, so the service runs without Telegram. It
answers the methods paybot calls with well-formed Bot API results, refuses
any other token (401) and any other method (404), and keeps every call, in
order, for the tests to read. Its ``fail`` queue makes the next calls of a
method answer with an error, to test how the bot copes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    params: dict[str, Any]


def _value(text: str) -> Any:
    """A form field as aiogram sends it: JSON for objects and lists, plain text otherwise."""
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


class FakeBotApi:
    """The fake server, run on its own event loop in a background thread."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.url = ""
        self._calls: list[Call] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1000)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, daemon=True, name="fake-bot-api"
        )
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------ lifecycle

    def __enter__(self) -> FakeBotApi:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=60)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=60)
        self._loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        if server is None:
            raise RuntimeError("the fake Bot API server did not start")
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{port}"

    # ------------------------------------------------------------ what the tests read

    def calls(self, method: str | None = None) -> list[Call]:
        """The calls received so far (of one method), in order."""
        with self._lock:
            return [call for call in self._calls if method is None or call.method == method]

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()

    # ------------------------------------------------------------ the server

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            form = await request.post()
            params = {key: _value(str(value)) for key, value in form.items()}
        result = self._result(method, params)
        if result is None:
            return _error(404, "Not Found: method not found")
        with self._lock:
            self._calls.append(Call(method, params))
        return web.json_response({"ok": True, "result": result})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        chat = {"id": int(params.get("chat_id", 0) or 0), "type": "private"}
        message = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat}
        if method == "getMe":
            return {"id": 1, "is_bot": True, "first_name": "paybot", "username": "paybot_bot"}
        if method == "sendMessage":
            return {**message, "text": str(params.get("text", ""))}
        if method == "sendInvoice":
            prices = params.get("prices") or []
            total = sum(int(p.get("amount", 0)) for p in prices if isinstance(p, dict))
            invoice = {
                "title": params.get("title", ""),
                "description": params.get("description", ""),
                "start_parameter": "",
                "currency": params.get("currency", ""),
                "total_amount": total,
            }
            return {**message, "invoice": invoice}
        if method in {"answerPreCheckoutQuery", "refundStarPayment", "setWebhook", "deleteWebhook"}:
            return True
        return None


def _error(code: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=code)
