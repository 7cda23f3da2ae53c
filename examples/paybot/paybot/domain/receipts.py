"""The receipt message a buyer gets, as Telegram HTML: everything user-made is escaped."""

from __future__ import annotations

import html

from paybot.domain.money import Money


def receipt_text(*, order_id: int, title: str, quantity: int, total: Money, charge_id: str) -> str:
    """The receipt of a fulfilled order."""
    return (
        f"<b>Receipt for order #{order_id}</b>\n"
        f"{quantity} x {html.escape(title)}\n"
        f"Total: {html.escape(str(total))}\n"
        f"Payment: <code>{html.escape(charge_id)}</code>"
    )


def refund_text(*, order_id: int, total: Money) -> str:
    """The message a buyer gets when an order was refunded."""
    return f"Order #{order_id} was refunded: {html.escape(str(total))}."
