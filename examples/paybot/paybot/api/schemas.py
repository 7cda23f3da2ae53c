"""The API's request and response bodies. Strings are bounded; money is integer minor units."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Text is stored in PostgreSQL, which refuses NUL characters: they are refused here, as 422.
NO_NUL = r"^[^\x00]*$"
Name = Annotated[  # something visible, no NUL
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00]*[^\s\x00][^\x00]*$")
]
Text = Annotated[str, StringConstraints(max_length=255, pattern=NO_NUL)]
Sku = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")]
Id = Annotated[int, Field(ge=1, le=2**53 - 1)]  # exact in every JSON parser


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewUser(Strict):
    name: Name


class UserOut(BaseModel):
    id: int
    name: str
    role: str
    telegram_id: int | None


class UserCreated(UserOut):
    api_key: str = Field(description="Shown once: exchange it at /auth/token for a bearer token")


class Credentials(Strict):
    user_id: Id
    api_key: Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=NO_NUL)]


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret
    expires_in: int


class NewProduct(Strict):
    sku: Sku
    title: Name
    description: Text = ""
    price: Annotated[int, Field(ge=1, le=10**9, description="minor units of the currency")]
    currency: Annotated[str, StringConstraints(pattern=r"^(XTR|USD|EUR|JPY)$")] = "XTR"


class ProductOut(BaseModel):
    id: int
    sku: str
    title: str
    description: str
    price: int
    currency: str


class NewOrder(Strict):
    product_id: Id
    quantity: Annotated[int, Field(ge=1, le=100)] = 1


class OrderOut(BaseModel):
    id: int
    product_id: int
    quantity: int
    amount: int
    currency: str
    status: str


class InvoiceOut(BaseModel):
    title: str
    description: str
    payload: str
    currency: str
    prices: list[dict[str, Any]]


class Credit(Strict):
    amount: Annotated[int, Field(ge=1, le=10**9)]


class CreditOut(BaseModel):
    posted: bool
    balance: int


class BalanceOut(BaseModel):
    currency: str
    balance: int


class RefundOut(BaseModel):
    status: str
    payment_id: int


class Health(BaseModel):
    status: str
    checks: dict[str, str] = {}
