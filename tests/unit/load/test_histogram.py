"""The latency histogram: HdrHistogram's buckets and V2 encoding, read without the package."""

from __future__ import annotations

import base64
import random
import struct
import zlib

import pytest
from hdrh.histogram import HdrHistogram  # type: ignore[import-untyped]  # no stubs
from hypothesis import given
from hypothesis import strategies as st

from gates.load.histogram import (
    COUNTS_LEN,
    HIGHEST,
    LOWEST,
    SIGNIFICANT,
    Bucket,
    Histogram,
    HistogramError,
    bucket_of,
    index_of,
)

_VALUES = st.integers(min_value=LOWEST, max_value=HIGHEST)


def _hdr(values: list[int]) -> HdrHistogram:
    histogram = HdrHistogram(LOWEST, HIGHEST, SIGNIFICANT)
    for value in values:
        assert histogram.record_value(value)
    return histogram


def test_the_geometry_is_hdrhistogram_s() -> None:
    assert HdrHistogram(LOWEST, HIGHEST, SIGNIFICANT).counts_len == COUNTS_LEN
    reference = _hdr([])
    for value in (1, 2, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 10**6, 10**9, HIGHEST):
        index = index_of(value)
        assert index == reference.get_counts_array_index(value)
        assert bucket_of(index) == Bucket(
            reference.get_lowest_equivalent_value(value),
            reference.get_highest_equivalent_value(value),
        )


@given(_VALUES)
def test_a_bucket_holds_its_value_within_a_thousandth(value: int) -> None:
    low, high = bucket_of(index_of(value))
    assert low <= value <= high
    assert (high - low + 1) / low <= 1 / 1024 if low >= 2048 else high == low


def test_what_hdrhistogram_encodes_is_read_exactly() -> None:
    rnd = random.Random(13)
    values = [min(HIGHEST, int(rnd.lognormvariate(16, 2)) + 1) for _ in range(20_000)]
    encoded = _hdr(values).encode().decode("ascii")
    assert Histogram.decode(encoded) == Histogram.of_values(values)


@given(st.lists(_VALUES, max_size=200))
def test_what_gates_encodes_hdrhistogram_reads(values: list[int]) -> None:
    ours = Histogram.of_values(values)
    theirs = HdrHistogram.decode(ours.encode())
    assert theirs.get_total_count() == len(values)
    for index, count in ours.counts:
        assert theirs.get_count_at_value(bucket_of(index).low) == count
    assert Histogram.decode(ours.encode()) == ours


def test_histograms_add_exactly() -> None:
    first, second = [5, 5_000, 5_000_000], [5_001, 7, HIGHEST]
    merged = Histogram.merged([Histogram.of_values(first), Histogram.of_values(second)])
    assert merged == Histogram.of_values(first + second)
    assert merged.total == 6


def test_ranks_find_their_buckets_in_any_order() -> None:
    histogram = Histogram.of_values([3, 1, 2, 2_000_000, 2])
    assert histogram.at_ranks([5, 1, 3, 4]) == [
        bucket_of(index_of(2_000_000)),
        Bucket(1, 1),
        Bucket(2, 2),
        Bucket(3, 3),
    ]
    with pytest.raises(IndexError):
        histogram.at_ranks([6])
    assert Histogram().at_ranks([]) == []


@pytest.mark.parametrize("value", [0, HIGHEST + 1])
def test_a_value_outside_the_range_is_refused(value: int) -> None:
    with pytest.raises(HistogramError, match="outside"):
        Histogram.of_values([value])


def _wire(payload: bytes, *, digits: int = SIGNIFICANT, highest: int = HIGHEST) -> str:
    header = struct.pack(">IIIIqqd", 0x1C849313, len(payload), 0, digits, LOWEST, highest, 1.0)
    compressed = zlib.compress(header + payload)
    return base64.b64encode(struct.pack(">II", 0x1C849314, len(compressed)) + compressed).decode()


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("not base64!", "not base64"),
        ("", "shorter than its header"),
        (base64.b64encode(b"\0" * 8).decode(), "cookie"),
        (base64.b64encode(struct.pack(">II", 0x1C849314, 99) + b"x").decode(), "says 99 bytes"),
        (base64.b64encode(struct.pack(">II", 0x1C849314, 3) + b"abc").decode(), "zlib"),
        (_wire(b"\x02", digits=2), "geometry"),
        (_wire(b"\x02", highest=10**15), "geometry"),
        (_wire(b"\x82"), "cut short"),
        (_wire(b"\x01" + b"\x81\x80\x80\x80\x80\x80\x80\x80\x01" + b"\x02"), "run past"),
        (_wire(b"\x02" * (COUNTS_LEN + 1)), "run past"),
        ("A" * (9 * COUNTS_LEN), "larger than any histogram"),
    ],
)
def test_an_encoding_gates_cannot_trust_is_refused(text: str, why: str) -> None:
    with pytest.raises(HistogramError, match=why):
        Histogram.decode(text)


def test_a_zlib_bomb_is_refused_before_it_inflates() -> None:
    header = struct.pack(">IIIIqqd", 0x1C849313, 0, 0, SIGNIFICANT, LOWEST, HIGHEST, 1.0)
    compressed = zlib.compress(header + b"\0" * (50 * COUNTS_LEN))
    text = base64.b64encode(struct.pack(">II", 0x1C849314, len(compressed)) + compressed).decode()
    with pytest.raises(HistogramError, match="inflates beyond"):
        Histogram.decode(text)
