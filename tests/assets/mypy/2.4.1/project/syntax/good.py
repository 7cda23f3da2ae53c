def ok() -> int:
    return "not an int"
