"""factory-boy factories with Faker data, seeded in conftest.py so every run makes the same data.

The factories write through whatever session the running test bound with
:func:`bind` (the rolled-back test session, or a committing one).
"""

from __future__ import annotations

from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy.orm import Session

from paybot.models import Product, User

_bound: list[Session] = []
_commits: list[bool] = [False]


def bind(session: Session, *, commit: bool = False) -> None:
    """Make the factories write through ``session``; ``commit``: commit each object made."""
    _bound[:] = [session]
    _commits[0] = commit


def _session() -> Session:
    if not _bound:
        raise RuntimeError("no session bound: use the db_session or committed fixture")
    return _bound[0]


class _Base(SQLAlchemyModelFactory):  # type: ignore[misc]
    class Meta:
        abstract = True
        sqlalchemy_session_factory = _session
        sqlalchemy_session_persistence = "flush"

    @classmethod
    def _after_postgeneration(cls, instance: object, create: bool, results: Any = None) -> None:
        super()._after_postgeneration(instance, create, results)
        if create and _commits[0]:
            _session().commit()


class UserFactory(_Base):
    class Meta:
        model = User

    class Params:
        admin = factory.Trait(role="admin")

    name = factory.Faker("name")
    role = "customer"
    telegram_id = factory.Sequence(lambda n: 5_000_000 + n)
    api_key_hash = factory.Faker("sha256")


class ProductFactory(_Base):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    title = factory.Faker("catch_phrase")
    description = factory.Faker("sentence", nb_words=8)
    price = factory.Faker("pyint", min_value=1, max_value=2_000)
    currency = "XTR"
    active = True

    @classmethod
    def _create(cls, model_class: type[Product], *args: Any, **kwargs: Any) -> Product:
        kwargs["title"] = str(kwargs["title"])[:64]
        kwargs["description"] = str(kwargs["description"])[:255]
        product: Product = super()._create(model_class, *args, **kwargs)
        return product
