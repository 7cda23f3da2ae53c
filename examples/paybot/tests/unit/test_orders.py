"""The order state machine: every move it allows, and every one it refuses."""

from __future__ import annotations

import itertools

import pytest

from paybot.domain.orders import (
    InvalidTransition,
    OrderEvent,
    OrderStatus,
    is_final,
    is_refundable,
    next_status,
)

ALLOWED = {
    (OrderStatus.PENDING, OrderEvent.PAY): OrderStatus.PAID,
    (OrderStatus.PENDING, OrderEvent.DECLINE): OrderStatus.DECLINED,
    (OrderStatus.PENDING, OrderEvent.CANCEL): OrderStatus.CANCELLED,
    (OrderStatus.PAID, OrderEvent.FULFIL): OrderStatus.FULFILLED,
    (OrderStatus.PAID, OrderEvent.REFUND): OrderStatus.REFUNDED,
    (OrderStatus.FULFILLED, OrderEvent.REFUND): OrderStatus.REFUNDED,
}


@pytest.mark.parametrize(("status", "event"), list(itertools.product(OrderStatus, OrderEvent)))
def test_every_status_and_event(status: OrderStatus, event: OrderEvent) -> None:
    if (status, event) in ALLOWED:
        assert next_status(status, event) is ALLOWED[(status, event)]
    else:
        with pytest.raises(InvalidTransition, match=f"that is {status} cannot {event}"):
            next_status(status, event)


def test_refundable_and_final_statuses() -> None:
    assert {s for s in OrderStatus if is_refundable(s)} == {OrderStatus.PAID, OrderStatus.FULFILLED}
    assert {s for s in OrderStatus if is_final(s)} == {
        OrderStatus.REFUNDED,
        OrderStatus.DECLINED,
        OrderStatus.CANCELLED,
    }
