"""The HTTP API: FastAPI routes, problem details, observability, the Telegram webhook."""
