"""What the API, the bot and the workers do with the database: one function per use case.

Each function works inside the caller's transaction and never commits: the
caller (a request, a webhook update, a task) owns the unit of work.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from paybot import ledger_store
from paybot.domain import invoices, ledger, pricing
from paybot.domain.money import Money
from paybot.domain.orders import OrderEvent, OrderStatus, is_refundable, next_status
from paybot.models import Order, Payment, ProcessedUpdate, Product, User

CLEARING = "clearing:telegram"
REVENUE = "revenue"
FUNDING = "funding"


class NotFound(LookupError):
    """No such thing, or not one the caller may see (the two look the same from outside)."""


class Conflict(ValueError):
    """The request clashes with the current state (an order already paid, a SKU taken)."""


# ---------------------------------------------------------------- users


def _hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def create_user(
    session: Session, name: str, *, role: str = "customer", telegram_id: int | None = None
) -> tuple[User, str]:
    """A new user and their API key (shown once; only its hash is stored)."""
    api_key = secrets.token_urlsafe(32)
    user = User(name=name, role=role, telegram_id=telegram_id, api_key_hash=_hash(api_key))
    session.add(user)
    session.flush()
    return user, api_key


def authenticate(session: Session, user_id: int, api_key: str) -> User | None:
    """The user whose API key this is, or None."""
    user = session.get(User, user_id)
    if user is None or not hmac.compare_digest(user.api_key_hash, _hash(api_key)):
        return None
    return user


def telegram_user(session: Session, telegram_id: int, name: str) -> User:
    """The user of a Telegram account, registered on first contact."""
    found = session.scalar(select(User).where(User.telegram_id == telegram_id))
    if found is not None:
        return found
    user, _ = create_user(session, name[:64] or f"tg{telegram_id}", telegram_id=telegram_id)
    return user


# ---------------------------------------------------------------- products

_SEARCH = text(
    "SELECT id FROM products WHERE active AND (title ILIKE :pattern ESCAPE '\\' "
    "OR sku ILIKE :pattern ESCAPE '\\') ORDER BY id LIMIT :limit"
)


def _like(query: str) -> str:
    """``query`` as a LIKE pattern that matches it literally anywhere."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_products(session: Session, query: str, *, limit: int = 20) -> list[Product]:
    """Active products whose title or SKU contains ``query`` (bound parameters, never formatted)."""
    ids = list(session.scalars(_SEARCH, {"pattern": _like(query), "limit": limit}))
    if not ids:
        return []
    return list(session.scalars(select(Product).where(Product.id.in_(ids)).order_by(Product.id)))


def create_product(
    session: Session, *, sku: str, title: str, description: str, price: Money
) -> Product:
    """A new product; :class:`Conflict` when the SKU is taken."""
    if session.scalar(select(Product.id).where(Product.sku == sku)) is not None:
        raise Conflict(f"the SKU {sku!r} is taken")
    product = Product(
        sku=sku, title=title, description=description, price=price.amount, currency=price.currency
    )
    session.add(product)
    session.flush()
    return product


def product(session: Session, product_id: int) -> Product:
    found = session.get(Product, product_id)
    if found is None or not found.active:
        raise NotFound(f"no product {product_id}")
    return found


def product_by_sku(session: Session, sku: str) -> Product:
    found = session.scalar(select(Product).where(Product.sku == sku, Product.active))
    if found is None:
        raise NotFound(f"no product {sku!r}")
    return found


# ---------------------------------------------------------------- orders


def create_order(session: Session, user: User, product_id: int, quantity: int) -> Order:
    """A pending order of ``quantity`` units, priced now."""
    item = product(session, product_id)
    figures = pricing.quote(Money(item.price, item.currency), quantity)
    order = Order(
        user_id=user.id,
        product_id=item.id,
        quantity=quantity,
        amount=figures.total.amount,
        currency=figures.total.currency,
        invoice_payload="",
    )
    session.add(order)
    session.flush()
    order.invoice_payload = invoices.payload_for(order.id, secrets.token_hex(16))
    session.flush()
    return order


def orders_of(session: Session, user: User) -> list[Order]:
    """The user's own orders, newest first."""
    query = select(Order).where(Order.user_id == user.id).order_by(Order.id.desc()).limit(100)
    return list(session.scalars(query))


def order_for(session: Session, order_id: int, user: User, *, lock: bool = False) -> Order:
    """An order the user may see: their own, or any for an admin. Others' are :class:`NotFound`."""
    query = select(Order).where(Order.id == order_id)
    if lock:
        query = query.with_for_update()
    order = session.scalar(query)
    if order is None or (order.user_id != user.id and user.role != "admin"):
        raise NotFound(f"no order {order_id}")
    return order


def invoice_of(session: Session, order: Order) -> invoices.Invoice:
    """The Telegram invoice of an order."""
    item = session.get(Product, order.product_id)
    title = item.title if item is not None else "Order"
    return invoices.build_invoice(
        title=title,
        description=f"{order.quantity} x {title}",
        payload=order.invoice_payload,
        total=Money(order.amount, order.currency),
    )


def _move(order: Order, event: OrderEvent) -> None:
    order.status = next_status(OrderStatus(order.status), event).value


def pay_from_wallet(session: Session, order_id: int, user: User) -> Order:
    """Pay a pending order from the user's wallet: the spend that must never overdraw."""
    order = order_for(session, order_id, user, lock=True)
    if order.user_id != user.id:
        raise NotFound(f"no order {order_id}")  # an admin cannot spend a customer's wallet
    if order.status != OrderStatus.PENDING:
        raise Conflict(f"order {order_id} is {order.status}, not pending")
    ledger_store.post(
        session,
        reference=f"order:{order.id}:wallet",
        kind="wallet-payment",
        postings=ledger.transfer(ledger.wallet_code(user.id), REVENUE, order.amount),
        currency=order.currency,
    )
    _move(order, OrderEvent.PAY)
    session.flush()
    return order


def credit_wallet(session: Session, user_id: int, amount: Money, *, idempotency_key: str) -> bool:
    """Add to a user's wallet once per idempotency key; False when that key was used before."""
    if session.get(User, user_id) is None:
        raise NotFound(f"no user {user_id}")
    posted = ledger_store.post(
        session,
        reference=f"credit:{user_id}:{idempotency_key}",
        kind="credit",
        postings=ledger.transfer(FUNDING, ledger.wallet_code(user_id), amount.amount),
        currency=amount.currency,
    )
    return posted is not None


def wallet_balance(session: Session, user: User) -> int:
    return ledger_store.balance(session, ledger.wallet_code(user.id))


# ---------------------------------------------------------------- Telegram payments


def check_pre_checkout(
    session: Session, *, payload: str, currency: str, total_amount: int, telegram_id: int
) -> str | None:
    """Why a pre-checkout query must be refused, or None to accept it."""
    try:
        order = session.get(Order, invoices.order_of(payload))
    except invoices.PayloadError:
        return "This invoice is not one of ours."
    owner = session.get(User, order.user_id) if order is not None else None
    if order is None or owner is None or owner.telegram_id != telegram_id:
        return "This invoice is not one of ours."
    if order.status != OrderStatus.PENDING:
        return f"This order is already {order.status}."
    item = session.get(Product, order.product_id)
    if item is None or not item.active:
        _move(order, OrderEvent.DECLINE)
        return "This product is no longer sold."
    if not invoices.matches(total_amount, currency, Money(order.amount, order.currency)):
        _move(order, OrderEvent.DECLINE)
        return "The price changed; please order again."
    return None


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    payment_id: int
    order_id: int
    new: bool  # False: Telegram reported this charge before; nothing was booked again
    duplicate: bool  # True: a second charge for an order already paid (to refund)


def record_payment(
    session: Session,
    *,
    payload: str,
    charge_id: str,
    provider_charge_id: str,
    currency: str,
    total_amount: int,
    payer_telegram_id: int,
) -> PaymentOutcome:
    """Record a successful payment exactly once (idempotent on the Telegram charge id).

    The money arrived whatever the order's state: a charge for an order that
    is no longer pending is booked too, as a duplicate to refund.
    """
    order_id = invoices.order_of(payload)
    order = session.scalar(select(Order).where(Order.id == order_id).with_for_update())
    if order is None:
        raise NotFound(f"no order {order_id}")
    payment_id = session.scalar(
        insert(Payment)
        .values(
            order_id=order.id,
            telegram_payment_charge_id=charge_id,
            provider_payment_charge_id=provider_charge_id,
            payer_telegram_id=payer_telegram_id,
            amount=total_amount,
            currency=currency,
        )
        .on_conflict_do_nothing(index_elements=["telegram_payment_charge_id"])
        .returning(Payment.id)
    )
    if payment_id is None:
        existing = session.scalars(  # the conflict was on this very charge id: it exists
            select(Payment).where(Payment.telegram_payment_charge_id == charge_id)
        ).one()
        return PaymentOutcome(existing.id, existing.order_id, new=False, duplicate=False)
    ledger_store.post(
        session,
        reference=f"payment:{payment_id}",
        kind="telegram-payment",
        postings=ledger.transfer(CLEARING, REVENUE, total_amount),
        currency=currency,
    )
    duplicate = order.status != OrderStatus.PENDING
    if duplicate:
        session.get_one(Payment, payment_id).status = "duplicate"
    else:
        _move(order, OrderEvent.PAY)
    session.flush()
    return PaymentOutcome(payment_id, order.id, new=True, duplicate=duplicate)


def seen_update(session: Session, update_id: int) -> bool:
    """Record a webhook update id; True when it was recorded before (a redelivery)."""
    inserted = session.scalar(
        insert(ProcessedUpdate)
        .values(update_id=update_id)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(ProcessedUpdate.update_id)
    )
    return inserted is None


# ---------------------------------------------------------------- fulfilment and refunds


def fulfil(session: Session, order_id: int) -> bool:
    """Mark a paid order fulfilled; False when there is nothing to do (already done, or unpaid)."""
    order = session.scalar(select(Order).where(Order.id == order_id).with_for_update())
    if order is None or order.status != OrderStatus.PAID:
        return False
    _move(order, OrderEvent.FULFIL)
    session.flush()
    return True


def refundable_payment(session: Session, order_id: int) -> Payment:
    """The captured payment of a refundable order."""
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound(f"no order {order_id}")
    if not is_refundable(OrderStatus(order.status)):
        raise Conflict(f"order {order_id} is {order.status}: nothing to refund")
    payment = session.scalar(
        select(Payment).where(Payment.order_id == order_id, Payment.status == "captured")
    )
    if payment is None:
        raise Conflict(f"order {order_id} was not paid through Telegram: nothing to refund there")
    return payment


def book_refund(session: Session, payment_id: int) -> bool:
    """Book a refund the provider confirmed; False when it was booked before."""
    payment = session.scalar(select(Payment).where(Payment.id == payment_id).with_for_update())
    if payment is None:
        raise NotFound(f"no payment {payment_id}")
    posted = ledger_store.post(
        session,
        reference=f"refund:{payment_id}",
        kind="refund",
        postings=ledger.transfer(REVENUE, CLEARING, payment.amount),
        currency=payment.currency,
    )
    if posted is None:
        return False
    was_duplicate = payment.status == "duplicate"
    payment.status = "refunded"
    order = session.scalar(select(Order).where(Order.id == payment.order_id).with_for_update())
    if order is not None and not was_duplicate and is_refundable(OrderStatus(order.status)):
        _move(order, OrderEvent.REFUND)
    session.flush()
    return True
