from pkg.core import describe, double, triple
from pkg.extra import shout


def check_double():
    assert double(2) == 4


def check_triple():
    assert triple(2) == 6


def check_describe():
    assert describe(1) == "non-negative"


def check_shout():
    assert shout("hi") == "HI!"
