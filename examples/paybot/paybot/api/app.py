"""The FastAPI application, built around a :class:`~paybot.runtime.Runtime`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from paybot import __version__
from paybot.api import problems, routes, webhook
from paybot.api.observability import ObservabilityMiddleware
from paybot.runtime import Runtime


def create_app(runtime: Runtime) -> FastAPI:
    """The HTTP API and the Telegram webhook of ``runtime``."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await runtime.bot.session.close()

    app = FastAPI(
        title="paybot",
        version=__version__,
        description="Sell through Telegram Payments: users, products, orders, balances.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.include_router(routes.router)
    app.include_router(webhook.router)
    problems.install(app)
    app.add_middleware(
        ObservabilityMiddleware,
        metrics=runtime.metrics,
        limiter=lambda: runtime.limiter,
        monotonic=lambda: runtime.monotonic(),
    )
    return app
