"""A tested change: every new line is covered."""


def clamp(value: int, low: int, high: int) -> int:
    """``value`` within ``[low, high]``."""
    return max(low, min(value, high))
