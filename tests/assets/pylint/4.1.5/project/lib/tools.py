"""The module the package's __init__ copied from."""


def basket(prices: list[int], discount: int) -> int:
    result = 0
    for price in prices:
        if price < 0:
            raise ValueError("a price is never negative")
        result += price
    if discount:
        result -= result * discount // 100
    return max(result, 0)
