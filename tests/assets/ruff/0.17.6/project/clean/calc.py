"""A module ruff has nothing to say about."""


def add(left: int, right: int) -> int:
    return left + right
