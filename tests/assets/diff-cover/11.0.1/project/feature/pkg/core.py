def double(x):
    return 2 * x


def triple(x):
    return 3 * x


def describe(x):
    if x < 0:
        return "negative"
    if x == 0:
        return "zero"
    return "non-negative"
