"""Simple code: every block rank A."""


def add(a: int, b: int) -> int:
    return a + b


class Greeter:
    def greet(self, name: str) -> str:
        if name:
            return f"hello {name}"
        return "hello"


def outer(values: list[int]) -> int:
    def inner(value: int) -> int:
        return value * 2 if value > 0 else 0

    return sum(inner(v) for v in values)
