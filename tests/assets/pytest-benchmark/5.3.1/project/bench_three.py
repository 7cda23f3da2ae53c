"""Three tiny benchmarks for the pytest-benchmark reader's assets."""


def _fib(n: int) -> int:
    return n if n < 2 else _fib(n - 1) + _fib(n - 2)


def test_fib(benchmark):
    assert benchmark(_fib, 12) == 144


def test_sort(benchmark):
    data = list(range(500, 0, -1))
    assert benchmark(sorted, data)[0] == 1


def test_join(benchmark):
    parts = [str(i) for i in range(200)]
    assert benchmark("".join, parts).startswith("01")
