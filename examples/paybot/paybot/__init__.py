"""paybot: a Telegram payments bot service: HTTP API, webhook, PostgreSQL ledger, Celery."""

__version__ = "0.1.0"
