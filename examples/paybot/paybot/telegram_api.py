"""The Bot API as paybot uses it: the bot object, and the calls the workers make.

Every Bot API call goes to ``settings.telegram_api`` (aiogram's custom API
server setting): api.telegram.org in production, a local fake in the tests.
The workers are synchronous (Celery), so their calls run aiogram in a
short-lived event loop. A call that times out or cannot connect is a
:class:`ProviderTimeout`, which the refund task retries with backoff.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import RefundStarPayment, SendMessage, TelegramMethod

from paybot.settings import Settings

REQUEST_TIMEOUT = 20  # seconds


class ProviderTimeout(RuntimeError):
    """The payment provider (Telegram) did not answer in time: try again later."""


def make_bot(settings: Settings) -> Bot:
    """A bot whose calls go to the configured Bot API server."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api))
    return Bot(token=settings.bot_token, session=session)


def call(settings: Settings, method: TelegramMethod[Any]) -> Any:
    """Make one Bot API call from synchronous code."""

    async def go() -> Any:
        async with make_bot(settings) as bot:
            return await bot(method, request_timeout=REQUEST_TIMEOUT)

    try:
        return asyncio.run(go())
    except TelegramNetworkError as error:
        raise ProviderTimeout(str(error)) from error


def send_message(settings: Settings, chat_id: int, text: str) -> None:
    """Send an HTML message to a chat."""
    call(settings, SendMessage(chat_id=chat_id, text=text, parse_mode="HTML"))


def refund_star_payment(settings: Settings, *, user_id: int, charge_id: str) -> None:
    """Ask Telegram to refund a Telegram Stars payment."""
    call(settings, RefundStarPayment(user_id=user_id, telegram_payment_charge_id=charge_id))
