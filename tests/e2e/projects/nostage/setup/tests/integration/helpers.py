"""Not a test module: pytest collects nothing here."""

LIMIT = 3
