"""The life of an order, as a state machine: which event moves it where.

::

    pending ──paid──► paid ──fulfilled──► fulfilled
       │                │                     │
       ├──declined──► declined               refunded◄──refund──┘
       └──cancelled─► cancelled   paid ──refund──► refunded
"""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FULFILLED = "fulfilled"
    REFUNDED = "refunded"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class OrderEvent(StrEnum):
    PAY = "pay"
    FULFIL = "fulfil"
    REFUND = "refund"
    DECLINE = "decline"
    CANCEL = "cancel"


class InvalidTransition(ValueError):
    """An event the order's current status does not allow."""


_MOVES: dict[tuple[OrderStatus, OrderEvent], OrderStatus] = {
    (OrderStatus.PENDING, OrderEvent.PAY): OrderStatus.PAID,
    (OrderStatus.PENDING, OrderEvent.DECLINE): OrderStatus.DECLINED,
    (OrderStatus.PENDING, OrderEvent.CANCEL): OrderStatus.CANCELLED,
    (OrderStatus.PAID, OrderEvent.FULFIL): OrderStatus.FULFILLED,
    (OrderStatus.PAID, OrderEvent.REFUND): OrderStatus.REFUNDED,
    (OrderStatus.FULFILLED, OrderEvent.REFUND): OrderStatus.REFUNDED,
}


def next_status(current: OrderStatus, event: OrderEvent) -> OrderStatus:
    """Where ``event`` takes an order that is ``current``; :class:`InvalidTransition` if nowhere."""
    try:
        return _MOVES[(current, event)]
    except KeyError:
        raise InvalidTransition(f"an order that is {current} cannot {event}") from None


def is_refundable(status: OrderStatus) -> bool:
    """Whether money was taken for the order and not yet returned."""
    return (status, OrderEvent.REFUND) in _MOVES


def is_final(status: OrderStatus) -> bool:
    """Whether no event can move the order any more."""
    return not any(state is status for state, _ in _MOVES)
