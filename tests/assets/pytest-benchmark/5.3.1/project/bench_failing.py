"""One benchmark passes, one raises inside the benchmarked function, one fails after it."""


def _boom() -> None:
    raise ValueError("boom")


def test_ok(benchmark):
    benchmark(sum, range(100))


def test_raises(benchmark):
    benchmark(_boom)


def test_assert_after(benchmark):
    result = benchmark(sum, range(10))
    assert result == 0
