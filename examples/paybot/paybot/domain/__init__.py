"""The rules of the business, as pure functions and values: no I/O, no clock, no database.

Everything here is covered by the unit tests alone (``tests/unit``).
"""
