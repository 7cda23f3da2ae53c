"""Schemathesis over the OpenAPI schema: generated requests to every operation, all its checks.

Each operation gets valid and invalid requests (Hypothesis), sent with an
admin's bearer token (so the authenticated operations are reached) through
the ASGI app, and every response is checked: never a 5xx, status codes and
content types and bodies as the schema documents them, invalid input refused,
and protected operations refusing a request without the token.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import Session

from paybot.models import User
from tests.conftest import FakeClock, bearer
from tests.factories import ProductFactory


@pytest.fixture
def api_schema(app: FastAPI) -> object:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def admin_headers(db_session: Session, admin_user: User, clock: FakeClock) -> dict[str, str]:
    ProductFactory(sku="SEEDED-1")
    return bearer(admin_user, clock)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_schema(case: schemathesis.Case, admin_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=admin_headers)
