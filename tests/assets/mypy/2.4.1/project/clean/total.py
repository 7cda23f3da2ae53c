"""A module named like the linecount report's first row."""

from pkg.calc import add


def total(values: list[int]) -> int:
    result = 0
    for value in values:
        result = add(result, value)
    return result
