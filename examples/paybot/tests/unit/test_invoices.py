"""Invoice payloads and the invoice itself, and the retry backoff and receipt texts."""

from __future__ import annotations

import pytest

from paybot.domain.invoices import PayloadError, build_invoice, matches, order_of, payload_for
from paybot.domain.money import Money
from paybot.domain.receipts import receipt_text, refund_text
from paybot.domain.retry import backoff

NONCE = "0123456789abcdef"


def test_a_payload_names_its_order() -> None:
    payload = payload_for(17, NONCE)
    assert payload == f"order:17:{NONCE}"
    assert order_of(payload) == 17


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "order:0:" + NONCE,
        "order:1:short",
        "order:1:" + NONCE + "\n",
        "x" * 200,
        "order:1:" + "a" * 200,
    ],
)
def test_foreign_payloads_are_refused(payload: str) -> None:
    with pytest.raises(PayloadError, match="not an invoice payload"):
        order_of(payload)


def test_a_payload_cannot_be_made_of_a_bad_nonce() -> None:
    with pytest.raises(PayloadError, match="makes no valid payload"):
        payload_for(1, "NOT HEX")


def test_an_invoice_has_one_price_line_within_telegram_limits() -> None:
    invoice = build_invoice(
        title="A" * 40, description="", payload=payload_for(3, NONCE), total=Money(75, "XTR")
    )
    assert invoice.title == "A" * 32
    assert invoice.description == "A" * 40
    assert invoice.prices == (("A" * 32, 75),)
    assert invoice.total == 75
    assert invoice.currency == "XTR"
    empty = build_invoice(
        title="", description="", payload=payload_for(3, NONCE), total=Money(1, "XTR")
    )
    assert (empty.title, empty.description) == ("Order", "Order")


def test_an_invoice_asks_for_a_positive_amount() -> None:
    with pytest.raises(PayloadError, match="positive amount"):
        build_invoice(
            title="t", description="d", payload=payload_for(3, NONCE), total=Money(0, "XTR")
        )


def test_what_was_paid_must_match_exactly() -> None:
    assert matches(75, "XTR", Money(75, "XTR"))
    assert not matches(74, "XTR", Money(75, "XTR"))
    assert not matches(75, "USD", Money(75, "XTR"))


@pytest.mark.parametrize(
    ("retries", "seconds"), [(0, 2.0), (1, 4.0), (3, 16.0), (10, 60.0), (100, 60.0)]
)
def test_backoff_doubles_up_to_its_cap(retries: int, seconds: float) -> None:
    assert backoff(retries, base=2.0, cap=60.0) == seconds


def test_backoff_refuses_negative_figures() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        backoff(-1, base=1.0, cap=1.0)


def test_receipts_escape_what_users_wrote() -> None:
    text = receipt_text(
        order_id=5, title="<script>x</script>", quantity=2, total=Money(10, "XTR"), charge_id="c&1"
    )
    assert "&lt;script&gt;" in text
    assert "<script>" not in text
    assert "c&amp;1" in text
    assert refund_text(order_id=5, total=Money(10, "XTR")) == "Order #5 was refunded: 10 XTR."
