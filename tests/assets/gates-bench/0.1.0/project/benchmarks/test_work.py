from work import checksum, small


def test_checksum(benchmark):
    benchmark(checksum, 7)


def test_small(benchmark):
    benchmark(small, 1234)
