"""What paybot puts in a Telegram invoice, and how it reads the payload back.

The payload (at most 128 bytes, Telegram's limit) names the order and a random
nonce: ``order:<id>:<nonce>``. The pre-checkout query and the successful
payment carry it back, and paybot checks it against the order before it
answers ``ok``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paybot.domain.money import Money

MAX_PAYLOAD_BYTES = 128
_PAYLOAD = re.compile(r"order:(?P<order>[1-9][0-9]{0,17}):(?P<nonce>[0-9a-f]{16,64})")


class PayloadError(ValueError):
    """An invoice payload paybot did not write."""


@dataclass(frozen=True, slots=True)
class Invoice:
    """The fields of the Bot API's ``sendInvoice``."""

    title: str
    description: str
    payload: str
    currency: str
    prices: tuple[tuple[str, int], ...]  # (label, amount in minor units)

    @property
    def total(self) -> int:
        return sum(amount for _, amount in self.prices)


def payload_for(order_id: int, nonce: str) -> str:
    """The payload of an order's invoice."""
    text = f"order:{order_id}:{nonce}"
    if not _PAYLOAD.fullmatch(text):
        raise PayloadError(f"order {order_id} with nonce {nonce!r} makes no valid payload")
    return text


def order_of(payload: str) -> int:
    """The order id a payload names; :class:`PayloadError` for anything else."""
    found = _PAYLOAD.fullmatch(payload) if len(payload.encode()) <= MAX_PAYLOAD_BYTES else None
    if found is None:
        raise PayloadError(f"not an invoice payload of paybot: {payload[:40]!r}")
    return int(found["order"])


def build_invoice(*, title: str, description: str, payload: str, total: Money) -> Invoice:
    """One invoice of one line; Telegram Stars (XTR) invoices must have exactly one price."""
    order_of(payload)
    if total.amount <= 0:
        raise PayloadError(f"an invoice must ask for a positive amount, not {total.amount}")
    return Invoice(
        title=title[:32] or "Order",
        description=description[:255] or title[:255] or "Order",
        payload=payload,
        currency=total.currency,
        prices=((title[:32] or "Order", total.amount),),
    )


def matches(invoice_total: int, currency: str, expected: Money) -> bool:
    """Whether what Telegram reports was paid is exactly what the order costs."""
    return currency == expected.currency and invoice_total == expected.amount
