def double(x):
    return 2 * x


def describe(x):
    if x < 0:
        return "negative"
    return "non-negative"
