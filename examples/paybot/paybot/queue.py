"""How the API and the bot hand work to the Celery workers: by task name, after commit."""

from __future__ import annotations

from typing import Protocol

from celery import Celery

FULFIL = "paybot.fulfil_order"
RECEIPT = "paybot.send_receipt"
REFUND = "paybot.refund_payment"


class TaskQueue(Protocol):
    def enqueue(self, task: str, *args: int) -> None:
        """Send ``task`` with ``args`` to the workers."""


class CeleryQueue:
    """The real queue: a message on the Redis broker."""

    def __init__(self, app: Celery) -> None:
        self.app = app

    def enqueue(self, task: str, *args: int) -> None:
        self.app.send_task(task, args=list(args))
