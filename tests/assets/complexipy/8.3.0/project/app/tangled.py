"""Nested code: one function whose cognitive complexity is above 15."""


def tangled(items: list[int], flag: bool) -> int:
    total = 0
    for item in items:
        if item > 0:
            if flag:
                for j in range(item):
                    if j % 2 and flag or item:
                        total += j
                    elif j > 3:
                        total -= 1
                    else:
                        while total > 100:
                            total //= 2
            else:
                try:
                    total += int(item)
                except ValueError:
                    if flag:
                        continue
        elif item < -5 and flag:
            break
    return total
