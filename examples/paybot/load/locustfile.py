"""paybot's load: customers reading and buying through the API, and Telegram's webhook.

Each simulated customer registers (``POST /users``), takes a token (``POST
/auth/token``), and is credited by the admin (``POST /users/{id}/credits``, with an
Idempotency-Key); then, with a second or so between requests, it browses and searches
the catalogue, reads a product, orders, pays from its wallet, reads its orders, an
order, an invoice and its balance, and sends the bot ``/start`` and ``/help`` through
the webhook as Telegram would (the secret header, a fresh ``update_id``). The weights
are a customer's: mostly reads, some writes, a few payments.

The service's seed (load/serve.py) is read from ``$TMPDIR/paybot-load-PORT.json``.
Every request goes to the ``--host`` the stage gives, on 127.0.0.1.

With ``PAYBOT_LOAD_STEPS=10,20,40`` (and ``PAYBOT_LOAD_STEP_S``, default 15) the file
also defines a step shape: that many customers for that long each, then Locust stops
by itself (the step-load run that finds the breaking point, ``load.breaking_users``).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import tempfile
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, LoadTestShape, between, events, task

_UPDATES = itertools.count(1)
_PICK = random.Random()  # noqa: S311 - what a simulated customer does next, not a secret
_SEED: dict[str, Any] = {}
WEBHOOK_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@events.test_start.add_listener
def _read_seed(environment: Any, **_: object) -> None:
    port = urlsplit(environment.host).port
    path = Path(tempfile.gettempdir()) / f"paybot-load-{port}.json"
    _SEED.update(json.loads(path.read_text(encoding="utf-8")))


class Customer(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        if not _SEED:  # a worker process started after test_start: read it here
            _read_seed(self.environment)
        created = self.client.post("/users", json={"name": "load customer"}, name="/users").json()
        self.user_id = created["id"]
        self.telegram_id = 1_000_000 + self.user_id
        token = self._token(created["id"], created["api_key"])
        self.auth = {"Authorization": f"Bearer {token}"}
        admin = _SEED["admin"]
        admin_token = self._token(admin["id"], admin["api_key"])
        self.client.post(
            f"/users/{self.user_id}/credits",
            json={"amount": 1_000_000},
            headers={"Authorization": f"Bearer {admin_token}", "Idempotency-Key": uuid.uuid4().hex},
            name="/users/{id}/credits",
        )
        self.orders: list[int] = []

    def _token(self, user_id: int, api_key: str) -> str:
        answer = self.client.post(
            "/auth/token", json={"user_id": user_id, "api_key": api_key}, name="/auth/token"
        )
        return str(answer.json()["access_token"])

    @task(6)
    def browse(self) -> None:
        self.client.get("/products", name="/products")

    @task(3)
    def search(self) -> None:
        self.client.get("/products", params={"q": f"{_PICK.randint(0, 39)}"}, name="/products?q")

    @task(4)
    def product(self) -> None:
        self.client.get(f"/products/{_PICK.choice(_SEED['products'])}", name="/products/{id}")

    @task(2)
    def buy(self) -> None:
        body = {"product_id": _PICK.choice(_SEED["products"]), "quantity": 1}
        order = self.client.post("/orders", json=body, headers=self.auth, name="/orders").json()
        self.client.post(f"/orders/{order['id']}/pay", headers=self.auth, name="/orders/{id}/pay")
        self.orders.append(order["id"])

    @task(2)
    def my_orders(self) -> None:
        self.client.get("/orders", headers=self.auth, name="/orders")
        if self.orders:
            chosen = _PICK.choice(self.orders)
            self.client.get(f"/orders/{chosen}", headers=self.auth, name="/orders/{id}")
            self.client.get(
                f"/orders/{chosen}/invoice", headers=self.auth, name="/orders/{id}/invoice"
            )

    @task(2)
    def balance(self) -> None:
        self.client.get("/balance", headers=self.auth, name="/balance")

    @task(3)
    def webhook(self) -> None:
        number = next(_UPDATES)
        update = {
            "update_id": self.telegram_id * 100_000 + number,
            "message": {
                "message_id": number,
                "date": 1_800_000_000,
                "chat": {"id": self.telegram_id, "type": "private"},
                "from": {"id": self.telegram_id, "is_bot": False, "first_name": "Load"},
                "text": "/start" if number % 2 else "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        self.client.post(
            "/telegram/webhook",
            json=update,
            headers={WEBHOOK_HEADER: _SEED["webhook_secret"]},
            name="/telegram/webhook",
        )


if os.environ.get("PAYBOT_LOAD_STEPS"):
    _STEPS = tuple(int(users) for users in os.environ["PAYBOT_LOAD_STEPS"].split(","))
    _STEP_S = float(os.environ.get("PAYBOT_LOAD_STEP_S", "15"))

    class Steps(LoadTestShape):
        """Each step's customers for ``_STEP_S`` seconds, then ``None``: Locust stops."""

        def tick(self) -> tuple[int, float] | None:
            step = int(self.get_run_time() // _STEP_S)
            return (_STEPS[step], 50.0) if step < len(_STEPS) else None
