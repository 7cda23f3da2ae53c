def sign(x):
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0


def clamp(x, low, high):
    if x < low:
        return low
    if x > high:
        return high
    return x


def describe(items):
    parts = []
    for item in items:
        if isinstance(item, int):
            parts.append(str(item))
        elif isinstance(item, str):
            parts.append(item)
        else:
            parts.append(repr(item))
    return ", ".join(parts)


def unused(flag):
    if flag:
        return "on"
    return "off"
