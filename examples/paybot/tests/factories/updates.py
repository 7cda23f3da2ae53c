"""Telegram ``Update`` JSON as the Bot API sends it to a webhook, built with Faker names.

Every builder returns a plain dict (the JSON body), so tests post exactly what
Telegram would post, and can break it on purpose.
"""

from __future__ import annotations

import itertools
from typing import Any

from factory.faker import faker

_update_ids = itertools.count(10_000)
_message_ids = itertools.count(1)
DATE = 1_800_000_000


def user(telegram_id: int, name: str | None = None) -> dict[str, Any]:
    first = name or faker.Faker().first_name()
    return {"id": telegram_id, "is_bot": False, "first_name": first, "language_code": "en"}


def update(**event: Any) -> dict[str, Any]:
    """An update with a fresh ``update_id`` and one event."""
    return {"update_id": next(_update_ids), **event}


def message(telegram_id: int, text: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": DATE,
        "chat": {"id": telegram_id, "type": "private"},
        "from": user(telegram_id),
        **extra,
    }
    if text:
        body["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return update(message=body)


def pre_checkout(
    telegram_id: int, payload: str, amount: int, currency: str = "XTR"
) -> dict[str, Any]:
    return update(
        pre_checkout_query={
            "id": f"pcq-{next(_message_ids)}",
            "from": user(telegram_id),
            "currency": currency,
            "total_amount": amount,
            "invoice_payload": payload,
        }
    )


def successful_payment(
    telegram_id: int, payload: str, amount: int, charge_id: str, currency: str = "XTR"
) -> dict[str, Any]:
    payment = {
        "currency": currency,
        "total_amount": amount,
        "invoice_payload": payload,
        "telegram_payment_charge_id": charge_id,
        "provider_payment_charge_id": "",
    }
    return message(telegram_id, "", successful_payment=payment)
