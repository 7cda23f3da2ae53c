"""The Telegram bot (aiogram 3): /start, /buy, pre-checkout, successful payment.

Handlers get the update's database session as ``db`` and a list ``after_commit``
of work to hand to the queue once the update's transaction commits (the
webhook owns the transaction: paybot/api/webhook.py). Database calls run in a
worker thread, so the event loop stays free.

The pre-checkout query is answered inside its handler, before the webhook
returns: Telegram cancels a checkout that is not answered within 10 seconds,
so the answer never waits for a queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import structlog
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import LabeledPrice, Message, PreCheckoutQuery
from sqlalchemy import select
from sqlalchemy.orm import Session

from paybot import queue, services
from paybot.domain.invoices import Invoice, PayloadError
from paybot.domain.pricing import MAX_QUANTITY
from paybot.models import Product

log = structlog.get_logger("paybot.bot")
AfterCommit = list[Callable[[queue.TaskQueue], None]]

HELP = "Send /buy <sku> [quantity] to buy. Products:\n"


def make_dispatcher() -> Dispatcher:
    """A dispatcher with paybot's handlers (a new router each time: a router has one parent)."""
    router = Router(name="paybot")
    router.message.register(start, CommandStart())
    router.message.register(buy, Command("buy"))
    router.pre_checkout_query.register(pre_checkout)
    router.message.register(paid, F.successful_payment)
    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


def _catalogue(db: Session) -> str:
    rows = db.scalars(select(Product).where(Product.active).order_by(Product.sku).limit(20))
    return "\n".join(f"{p.sku}: {p.title} ({p.price} {p.currency})" for p in rows) or "(none yet)"


async def start(message: Message, db: Session) -> None:
    if message.from_user is None:
        return
    user = message.from_user
    await asyncio.to_thread(services.telegram_user, db, user.id, user.full_name)
    catalogue = await asyncio.to_thread(_catalogue, db)
    await message.answer(HELP + catalogue, parse_mode=None)


def _parse_buy(args: str | None) -> tuple[str, int] | None:
    words = (args or "").split()
    if not 1 <= len(words) <= 2:
        return None
    quantity = words[1] if len(words) == 2 else "1"
    if not quantity.isdigit() or not 1 <= int(quantity) <= MAX_QUANTITY:
        return None
    return words[0], int(quantity)


async def buy(message: Message, command: CommandObject, db: Session, bot: Bot) -> None:
    parsed = _parse_buy(command.args)
    if message.from_user is None or parsed is None:
        await message.answer(f"Usage: /buy <sku> [quantity 1-{MAX_QUANTITY}]", parse_mode=None)
        return
    sku, quantity = parsed
    sender = message.from_user

    def order() -> Invoice | None:
        user = services.telegram_user(db, sender.id, sender.full_name)
        try:
            item = services.product_by_sku(db, sku)
        except services.NotFound:
            return None
        return services.invoice_of(db, services.create_order(db, user, item.id, quantity))

    invoice = await asyncio.to_thread(order)
    if invoice is None:
        await message.answer(f"No product {sku!r}. Send /start for the list.", parse_mode=None)
        return
    await bot.send_invoice(
        chat_id=message.chat.id,
        title=invoice.title,
        description=invoice.description,
        payload=invoice.payload,
        currency=invoice.currency,
        prices=[LabeledPrice(label=label, amount=amount) for label, amount in invoice.prices],
    )


async def pre_checkout(query: PreCheckoutQuery, db: Session) -> None:
    refusal = await asyncio.to_thread(
        services.check_pre_checkout,
        db,
        payload=query.invoice_payload,
        currency=query.currency,
        total_amount=query.total_amount,
        telegram_id=query.from_user.id,
    )
    if refusal is None:
        await query.answer(ok=True)
    else:
        log.info("pre-checkout refused", reason=refusal)
        await query.answer(ok=False, error_message=refusal)


async def paid(message: Message, db: Session, after_commit: AfterCommit) -> None:
    payment = message.successful_payment
    if payment is None or message.from_user is None:
        return
    try:
        outcome = await asyncio.to_thread(
            services.record_payment,
            db,
            payload=payment.invoice_payload,
            charge_id=payment.telegram_payment_charge_id,
            provider_charge_id=payment.provider_payment_charge_id,
            currency=payment.currency,
            total_amount=payment.total_amount,
            payer_telegram_id=message.from_user.id,
        )
    except (PayloadError, services.NotFound):
        # Telegram took the money for an invoice we cannot match: say so loudly, keep the update
        log.error("payment for an unknown invoice", charge_id=payment.telegram_payment_charge_id)
        return
    if not outcome.new:
        log.info("payment reported again", payment_id=outcome.payment_id)
        return
    if outcome.duplicate:
        after_commit.append(lambda q: q.enqueue(queue.REFUND, outcome.payment_id))
        await message.answer("This order was already paid: your payment will be refunded.")
        return
    after_commit.append(lambda q: q.enqueue(queue.FULFIL, outcome.order_id))
    await message.answer(f"Payment received: order #{outcome.order_id} is on its way.")
