import yaml


def greet(name: str, times: int) -> str:
    return name * times


def broken(items: list[int]):
    items.append("three")
    greet("a")
    reveal_type(items)
    value: int = "x"  # type: ignore[assignment]
    return greet("a", "b")
