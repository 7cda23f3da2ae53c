def add(a, b):
    return a + b


def sign(x):
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0


def clamp(x, low, high):
    if x < low:
        return low
    return min(x, high)


def unused():
    total = 0
    for i in range(3):
        total += i
    return total


def skipped():  # fixture: excluded
    return "excluded"
