def boom() -> int:
    return 1


boom()
