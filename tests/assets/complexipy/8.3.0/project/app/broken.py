"""A file that does not parse."""


def broken(:
    return 1
