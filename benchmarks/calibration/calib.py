"""The code the calibration benchmarks measure (python -m benchmarks.calibrate).

``STEPS`` sets how much work ``checksum`` does per call; the harness makes each
slower head by scaling that one line (3 %, 5 %, 10 %, 20 % more steps), and the
identical head by adding a comment. ``tiny`` and ``sort_words`` never change:
they are the controls that must never be flagged.
"""

STEPS = 4000


def checksum(seed: int) -> int:
    """About 0.2 ms of integer arithmetic, in proportion to ``STEPS``."""
    acc = seed
    for i in range(STEPS):
        acc = (acc * 31 + i) % 1_000_003
    return acc


def tiny(value: int) -> int:
    """About a microsecond: timer resolution and per-call overhead dominate."""
    return sum(divmod(value, 7))


WORDS = [f"w{(i * 7919) % 10007:05d}" for i in range(20_000)]


def sort_words() -> list[str]:
    """A few milliseconds in C code: sorting 20,000 strings."""
    return sorted(WORDS)
