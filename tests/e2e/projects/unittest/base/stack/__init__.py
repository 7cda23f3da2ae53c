"""A stack, tested the unittest way: TestCases and doctests loaded by ``load_tests``."""


class Stack:
    """Last in, first out.

    >>> s = Stack()
    >>> s.push(1)
    >>> s.push(2)
    >>> s.pop()
    2
    >>> len(s)
    1
    """

    def __init__(self) -> None:
        self._items: list[int] = []

    def push(self, item: int) -> None:
        """Put ``item`` on top."""
        self._items.append(item)

    def pop(self) -> int:
        """Take the top item.

        >>> Stack().pop()
        Traceback (most recent call last):
        ...
        IndexError: pop from an empty stack
        """
        if not self._items:
            raise IndexError("pop from an empty stack")
        return self._items.pop()

    def __len__(self) -> int:
        return len(self._items)

    def peek(self) -> int:
        return self._items[-1]
