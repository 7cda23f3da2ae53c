STEPS = 3000


def checksum(seed):
    acc = seed
    for i in range(STEPS):
        acc = (acc * 31 + i) % 1_000_003
    return acc


def small(value):
    return sum(divmod(value, 7))
