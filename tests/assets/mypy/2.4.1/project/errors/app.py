import yaml

from lib import greet


def broken(items: list[int]):
    items.append("three")
    greet("a")
    greet("a", 2, loud=True)
    reveal_type(items)
    value: int = "x"  # type: ignore[assignment]
    return greet("a", "b")
