"""The API's routes: users and tokens, products, orders, balances, health, metrics.

Authentication is a bearer token (``/auth/token``); authorisation is by
ownership (a customer sees and pays only their own orders: any other order is
404, the same answer as one that does not exist) and by role (only an admin
creates products, credits wallets or refunds).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.orm import Session

from paybot import queue, services
from paybot.api import schemas
from paybot.api.problems import PROBLEM_JSON, Problem
from paybot.domain import ledger, tokens
from paybot.domain.money import Money, MoneyError
from paybot.models import Order, Product, User
from paybot.runtime import Runtime

_PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
    },
}


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {
        code: {
            "description": "Problem details (RFC 9457)",
            "content": {PROBLEM_JSON: {"schema": _PROBLEM_SCHEMA}},
        }
        for code in codes
    }


router = APIRouter(responses=_problems(400, 422, 429))
bearer = HTTPBearer(auto_error=False, description="A token from POST /auth/token")


def runtime_of(request: Request) -> Runtime:
    found: Runtime = request.app.state.runtime
    return found


def database(request: Request) -> Iterator[Session]:
    with runtime_of(request).sessions() as session:
        yield session


Db = Annotated[Session, Depends(database)]
Rt = Annotated[Runtime, Depends(runtime_of)]


def current_user(
    request: Request,
    db: Db,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The holder of a valid, unexpired bearer token; 401 for anyone else."""
    runtime = runtime_of(request)
    challenge = {"WWW-Authenticate": 'Bearer realm="paybot"'}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Problem(401, "unauthenticated", "A bearer token is required.", headers=challenge)
    try:
        claims = tokens.verify(
            runtime.settings.token_key, credentials.credentials, now=int(runtime.clock())
        )
    except tokens.TokenExpired:
        challenge["WWW-Authenticate"] += ', error="invalid_token", error_description="expired"'
        raise Problem(
            401, "token-expired", "The bearer token has expired.", headers=challenge
        ) from None
    except tokens.TokenError:
        challenge["WWW-Authenticate"] += ', error="invalid_token"'
        raise Problem(
            401, "bad-token", "The bearer token is not valid.", headers=challenge
        ) from None
    user = db.get(User, claims.user_id)
    if user is None:
        raise Problem(
            401, "bad-token", "The bearer token's user no longer exists.", headers=challenge
        )
    return user


Me = Annotated[User, Depends(current_user)]
AUTH = _problems(401)


def admin(user: Me) -> User:
    if user.role != "admin":
        raise Problem(403, "forbidden", "Only an admin may do this.")
    return user


Admin = Annotated[User, Depends(admin)]


def _user(user: User) -> schemas.UserOut:
    return schemas.UserOut(id=user.id, name=user.name, role=user.role, telegram_id=user.telegram_id)


def _product(item: Product) -> schemas.ProductOut:
    return schemas.ProductOut(
        id=item.id,
        sku=item.sku,
        title=item.title,
        description=item.description,
        price=item.price,
        currency=item.currency,
    )


def _order(order: Order) -> schemas.OrderOut:
    return schemas.OrderOut(
        id=order.id,
        product_id=order.product_id,
        quantity=order.quantity,
        amount=order.amount,
        currency=order.currency,
        status=order.status,
    )


# ---------------------------------------------------------------- users and tokens


@router.post("/users", status_code=201, response_model=schemas.UserCreated)
def register(body: schemas.NewUser, db: Db) -> schemas.UserCreated:
    user, api_key = services.create_user(db, body.name)
    db.commit()
    return schemas.UserCreated(**_user(user).model_dump(), api_key=api_key)


@router.post("/auth/token", response_model=schemas.TokenOut, responses=_problems(401))
def token(body: schemas.Credentials, db: Db, runtime: Rt) -> schemas.TokenOut:
    user = services.authenticate(db, body.user_id, body.api_key)
    if user is None:
        raise Problem(401, "bad-credentials", "The user id and API key do not match.")
    ttl = runtime.settings.token_ttl
    issued = tokens.issue(
        runtime.settings.token_key, user_id=user.id, now=int(runtime.clock()), ttl=ttl
    )
    return schemas.TokenOut(access_token=issued, expires_in=ttl)


@router.get("/users/me", response_model=schemas.UserOut, responses=AUTH)
def me(user: Me) -> schemas.UserOut:
    return _user(user)


# ---------------------------------------------------------------- products


@router.get("/products", response_model=list[schemas.ProductOut])
def products(
    db: Db,
    q: Annotated[
        str, Query(max_length=64, pattern=schemas.NO_NUL, description="text in the title or SKU")
    ] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> list[schemas.ProductOut]:
    return [_product(item) for item in services.search_products(db, q, limit=limit)]


@router.get("/products/{product_id}", response_model=schemas.ProductOut, responses=_problems(404))
def product(product_id: schemas.Id, db: Db) -> schemas.ProductOut:
    try:
        return _product(services.product(db, product_id))
    except services.NotFound as error:
        raise Problem(404, "not-found", str(error)) from None


@router.post(
    "/products",
    status_code=201,
    response_model=schemas.ProductOut,
    responses=_problems(401, 403, 409),
)
def add_product(body: schemas.NewProduct, db: Db, _: Admin) -> schemas.ProductOut:
    try:
        item = services.create_product(
            db,
            sku=body.sku,
            title=body.title,
            description=body.description,
            price=Money(body.price, body.currency),
        )
    except services.Conflict as error:
        raise Problem(409, "sku-taken", str(error)) from None
    db.commit()
    return _product(item)


# ---------------------------------------------------------------- orders


@router.post(
    "/orders", status_code=201, response_model=schemas.OrderOut, responses=_problems(401, 404)
)
def new_order(body: schemas.NewOrder, db: Db, user: Me) -> schemas.OrderOut:
    try:
        order = services.create_order(db, user, body.product_id, body.quantity)
    except services.NotFound as error:
        raise Problem(404, "not-found", str(error)) from None
    db.commit()
    return _order(order)


@router.get("/orders", response_model=list[schemas.OrderOut], responses=AUTH)
def my_orders(db: Db, user: Me) -> list[schemas.OrderOut]:
    return [_order(order) for order in services.orders_of(db, user)]


def _owned(db: Session, order_id: int, user: User) -> Order:
    try:
        return services.order_for(db, order_id, user)
    except services.NotFound as error:
        raise Problem(404, "not-found", str(error)) from None


@router.get("/orders/{order_id}", response_model=schemas.OrderOut, responses=_problems(401, 404))
def order(order_id: schemas.Id, db: Db, user: Me) -> schemas.OrderOut:
    return _order(_owned(db, order_id, user))


@router.get(
    "/orders/{order_id}/invoice", response_model=schemas.InvoiceOut, responses=_problems(401, 404)
)
def invoice(order_id: schemas.Id, db: Db, user: Me) -> schemas.InvoiceOut:
    found = services.invoice_of(db, _owned(db, order_id, user))
    return schemas.InvoiceOut(
        title=found.title,
        description=found.description,
        payload=found.payload,
        currency=found.currency,
        prices=[{"label": label, "amount": amount} for label, amount in found.prices],
    )


@router.post(
    "/orders/{order_id}/pay", response_model=schemas.OrderOut, responses=_problems(401, 404, 409)
)
def pay(order_id: schemas.Id, db: Db, user: Me, runtime: Rt) -> schemas.OrderOut:
    """Pay a pending order from your wallet."""
    try:
        paid = services.pay_from_wallet(db, order_id, user)
    except services.NotFound as error:
        raise Problem(404, "not-found", str(error)) from None
    except services.Conflict as error:
        raise Problem(409, "not-payable", str(error)) from None
    except ledger.InsufficientFunds:
        raise Problem(409, "insufficient-funds", "Your wallet does not hold enough.") from None
    db.commit()
    runtime.queue.enqueue(queue.FULFIL, paid.id)
    return _order(paid)


@router.post(
    "/orders/{order_id}/refund",
    status_code=202,
    response_model=schemas.RefundOut,
    responses=_problems(401, 403, 404, 409),
)
def refund(order_id: schemas.Id, db: Db, _: Admin, runtime: Rt) -> schemas.RefundOut:
    try:
        payment = services.refundable_payment(db, order_id)
    except services.NotFound as error:
        raise Problem(404, "not-found", str(error)) from None
    except services.Conflict as error:
        raise Problem(409, "not-refundable", str(error)) from None
    runtime.queue.enqueue(queue.REFUND, payment.id)
    return schemas.RefundOut(status="refund requested", payment_id=payment.id)


# ---------------------------------------------------------------- balances


@router.get("/balance", response_model=schemas.BalanceOut, responses=AUTH)
def balance(db: Db, user: Me, runtime: Rt) -> schemas.BalanceOut:
    return schemas.BalanceOut(
        currency=runtime.settings.currency, balance=services.wallet_balance(db, user)
    )


@router.post(
    "/users/{user_id}/credits",
    status_code=201,
    response_model=schemas.CreditOut,
    responses={**_problems(401, 403, 404), 200: {"description": "Already credited with this key"}},
)
def credit(
    user_id: schemas.Id,
    body: schemas.Credit,
    db: Db,
    _: Admin,
    runtime: Rt,
    response: Response,
    idempotency_key: Annotated[
        str, Header(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    ],
) -> schemas.CreditOut:
    """Credit a user's wallet, once per Idempotency-Key (a retried request credits nothing more)."""
    try:
        posted = services.credit_wallet(
            db,
            user_id,
            Money(body.amount, runtime.settings.currency),
            idempotency_key=idempotency_key,
        )
    except services.NotFound as error:
        raise Problem(404, "not-found", str(error)) from None
    except MoneyError as error:
        raise Problem(422, "invalid-amount", str(error)) from None
    db.commit()
    if not posted:
        response.status_code = 200
    owner = db.get_one(User, user_id)
    return schemas.CreditOut(posted=posted, balance=services.wallet_balance(db, owner))


# ---------------------------------------------------------------- health and metrics


@router.get("/healthz", response_model=schemas.Health)
def healthz() -> schemas.Health:
    """Liveness: the process answers."""
    return schemas.Health(status="ok")


@router.get("/readyz", response_model=schemas.Health, responses=_problems(503))
def readyz(runtime: Rt) -> Any:
    """Readiness: the database and Redis answer."""
    checks: dict[str, str] = {}
    for name, probe in (("database", runtime.db_ping), ("redis", runtime.redis_ping)):
        try:
            probe()
            checks[name] = "ok"
        except Exception as error:  # noqa: BLE001 - any failure means not ready; its type is shown
            checks[name] = f"failed: {type(error).__name__}"
    if all(value == "ok" for value in checks.values()):
        return schemas.Health(status="ready", checks=checks)
    failing = ", ".join(name for name, value in checks.items() if value != "ok")
    raise Problem(503, "not-ready", f"Not ready: {failing} unreachable.", extra={"checks": checks})


@router.get("/metrics", include_in_schema=False)
def metrics(runtime: Rt) -> Response:
    return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)
