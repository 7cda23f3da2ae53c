def add(left: int, right: int) -> int:
    return left + right


def half(value: float) -> float:
    return value / 2
