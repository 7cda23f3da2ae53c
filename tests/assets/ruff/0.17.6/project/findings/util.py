from typing import List


def first(items: List[int]) -> int:
    l = items[0]
    return l
