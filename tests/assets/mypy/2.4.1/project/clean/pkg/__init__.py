"""A package mypy --strict accepts."""
