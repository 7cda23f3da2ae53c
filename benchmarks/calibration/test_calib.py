"""Three benchmarks: one whose code the slower heads change, two controls."""

from calib import checksum, sort_words, tiny


def test_checksum(benchmark):
    assert benchmark(checksum, 7) >= 0


def test_tiny(benchmark):
    assert benchmark(tiny, 1234) > 0


def test_sort_words(benchmark):
    assert benchmark(sort_words)[0] == "w00000"
