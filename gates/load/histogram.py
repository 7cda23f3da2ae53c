"""Latency histograms: HdrHistogram's buckets and wire format, in the standard library.

Latencies are integers of nanoseconds from 1 ns to one hour, kept to three significant
digits the HdrHistogram way: 2,048 sub-buckets per power of two, so a bucket is at most
1/1024 of its values wide (0.098 % relative error, within issue 13's 0.1 %). Each bucket
is ``[low, high]`` (inclusive); a value recorded in it is known to lie there and nowhere
else, so a percentile read from the histogram is an interval, never a rounded guess.

The Locust listener records with the ``hdrhistogram`` package (the ``load`` extra) and
sends the standard *V2 compressed* encoding (base64 of a compression header and a zlib
stream of a 40-byte payload header and ZigZag LEB128 counts, zero runs as negatives).
This module reads that encoding back with bounds (text size, decompressed size, counts
array length, the three geometry parameters) so that ``gates check`` needs neither the
extra nor its C decoder; it also writes it, for synthetic evidence in tests.
"""

from __future__ import annotations

import base64
import binascii
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

__all__ = [
    "COUNTS_LEN",
    "HIGHEST",
    "LOWEST",
    "SIGNIFICANT",
    "Bucket",
    "Histogram",
    "HistogramError",
    "bucket_of",
    "index_of",
]

LOWEST: Final = 1  # ns: the lowest discernible value
HIGHEST: Final = 3_600_000_000_000  # ns: one hour, the longest latency recorded as such
SIGNIFICANT: Final = 3  # decimal digits

_HALF_MAGNITUDE: Final = 10  # log2 of half the sub-buckets: ceil(log2(2 * 10**3)) - 1
_HALF: Final = 1 << _HALF_MAGNITUDE
_SUB_MASK: Final = (2 * _HALF) - 1


def _bucket_count(highest: int) -> int:
    untrackable, buckets = 2 * _HALF, 1
    while untrackable <= highest:
        untrackable <<= 1
        buckets += 1
    return buckets


COUNTS_LEN: Final = (_bucket_count(HIGHEST) + 1) * _HALF

_ENCODING_COOKIE: Final = 0x1C849303
_COMPRESSION_COOKIE: Final = 0x1C849304
_PAYLOAD_HEADER: Final = struct.Struct(">IIIIqqd")  # 40 bytes, big-endian
_OUTER_HEADER: Final = struct.Struct(">II")
_MAX_COUNT: Final = 2**53
_MAX_TEXT: Final = 8 * COUNTS_LEN  # base64 characters: far beyond any real histogram


class HistogramError(ValueError):
    """An encoded histogram that gates cannot trust; the message says why."""


class Bucket(NamedTuple):
    """The values a bucket stands for, in nanoseconds, both ends included."""

    low: int
    high: int


def index_of(value: int) -> int:
    """The counts-array index of ``value`` (1 ns to :data:`HIGHEST`), as HdrHistogram has it."""
    bucket = max((value | _SUB_MASK).bit_length() - (_HALF_MAGNITUDE + 1), 0)
    sub_bucket = value >> bucket
    return ((bucket + 1) << _HALF_MAGNITUDE) + sub_bucket - _HALF


def bucket_of(index: int) -> Bucket:
    """The values that index ``index`` of the counts array holds."""
    bucket = (index >> _HALF_MAGNITUDE) - 1
    sub_bucket = (index & (_HALF - 1)) + _HALF
    if bucket < 0:
        sub_bucket -= _HALF
        bucket = 0
    low = sub_bucket << bucket
    return Bucket(low, low + (1 << bucket) - 1)


@dataclass(frozen=True, slots=True)
class Histogram:
    """Counts per bucket index, sorted by index, zero counts left out."""

    counts: tuple[tuple[int, int], ...] = ()

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)

    @classmethod
    def of_values(cls, values: Iterable[int]) -> Histogram:
        """The histogram of latencies in nanoseconds (each from 1 to :data:`HIGHEST`)."""
        counts: dict[int, int] = {}
        for value in values:
            if not LOWEST <= value <= HIGHEST:
                raise HistogramError(f"{value} ns is outside 1 ns to one hour")
            index = index_of(value)
            counts[index] = counts.get(index, 0) + 1
        return cls(tuple(sorted(counts.items())))

    @classmethod
    def merged(cls, histograms: Iterable[Histogram]) -> Histogram:
        """The sum of several histograms: exact, since their buckets are the same."""
        counts: dict[int, int] = {}
        for histogram in histograms:
            for index, count in histogram.counts:
                counts[index] = counts.get(index, 0) + count
        return cls(tuple(sorted(counts.items())))

    def at_ranks(self, ranks: Sequence[int]) -> list[Bucket]:
        """The bucket of the ``rank``-th smallest value (1-based) for each rank, in order given."""
        total = self.total
        for rank in ranks:
            if not 1 <= rank <= total:
                raise IndexError(f"rank {rank} of {total} values")
        found = [Bucket(0, 0)] * len(ranks)
        counts = iter(self.counts)
        index, count, seen = 0, 0, 0
        for where in sorted(range(len(ranks)), key=lambda i: ranks[i]):
            while seen + count < ranks[where]:
                seen += count
                index, count = next(counts)
            found[where] = bucket_of(index)
        return found

    def encode(self) -> str:
        """The HdrHistogram V2 compressed encoding, base64, as ``hdrhistogram`` writes it."""
        body = bytearray()
        previous = -1
        for index, count in self.counts:
            zeros = index - previous - 1
            if zeros > 1:
                body += _varint(-zeros)
            elif zeros == 1:
                body += _varint(0)
            body += _varint(count)
            previous = index
        header = _PAYLOAD_HEADER.pack(
            _ENCODING_COOKIE | 0x10, len(body), 0, SIGNIFICANT, LOWEST, HIGHEST, 1.0
        )
        compressed = zlib.compress(header + bytes(body))
        outer = _OUTER_HEADER.pack(_COMPRESSION_COOKIE | 0x10, len(compressed))
        return base64.b64encode(outer + compressed).decode("ascii")

    @classmethod
    def decode(cls, text: str) -> Histogram:
        """Read the V2 compressed encoding of a histogram with gates' geometry, with bounds."""
        return cls(tuple(_counts(_payload(_compressed(text)))))


def _varint(value: int) -> bytes:
    """ZigZag LEB128, at most 9 bytes (the ninth holds 8 bits)."""
    zigzag = (value << 1) ^ (value >> 63)
    out = bytearray()
    while len(out) < 8 and zigzag >= 0x80:
        out.append((zigzag & 0x7F) | 0x80)
        zigzag >>= 7
    out.append(zigzag)
    return bytes(out)


def _compressed(text: str) -> bytes:
    if len(text) > _MAX_TEXT:
        raise HistogramError(f"{len(text)} characters: larger than any histogram gates writes")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise HistogramError("not base64") from None
    if len(raw) < _OUTER_HEADER.size:
        raise HistogramError("shorter than its header")
    cookie, length = _OUTER_HEADER.unpack_from(raw)
    if cookie & ~0xF0 != _COMPRESSION_COOKIE:
        raise HistogramError(f"cookie {cookie:#x} is not HdrHistogram's V2 compressed encoding")
    if length != len(raw) - _OUTER_HEADER.size:
        raise HistogramError(f"says {length} bytes follow, {len(raw) - _OUTER_HEADER.size} do")
    return raw[_OUTER_HEADER.size :]


def _payload(compressed: bytes) -> bytes:
    limit = _PAYLOAD_HEADER.size + 9 * COUNTS_LEN
    inflate = zlib.decompressobj()
    try:
        data = inflate.decompress(compressed, limit + 1)
    except zlib.error as error:
        raise HistogramError(f"its zlib stream is broken ({error})") from None
    if len(data) > limit or inflate.unconsumed_tail:
        raise HistogramError("inflates beyond any histogram of gates' geometry")
    if not inflate.eof:
        raise HistogramError("its zlib stream is cut short")
    if len(data) < _PAYLOAD_HEADER.size:
        raise HistogramError("its payload is shorter than its header")
    cookie, length, offset, digits, lowest, highest, ratio = _PAYLOAD_HEADER.unpack_from(data)
    if cookie & ~0xF0 != _ENCODING_COOKIE:
        raise HistogramError(f"payload cookie {cookie:#x} is not HdrHistogram's V2 encoding")
    if length != len(data) - _PAYLOAD_HEADER.size:
        raise HistogramError(f"payload says {length} bytes, has {len(data) - _PAYLOAD_HEADER.size}")
    geometry = (offset, digits, lowest, highest, ratio)
    if geometry != (0, SIGNIFICANT, LOWEST, HIGHEST, 1.0):
        raise HistogramError(
            f"geometry {digits} digits, {lowest} to {highest} (offset {offset}, ratio {ratio}):"
            f" gates records {SIGNIFICANT} digits from {LOWEST} to {HIGHEST} ns"
        )
    return data[_PAYLOAD_HEADER.size :]


def _counts(body: bytes) -> Iterator[tuple[int, int]]:
    index, position, total = 0, 0, 0
    while position < len(body):
        value, position = _read_varint(body, position)
        if value < 0:
            index -= value
            continue
        if index >= COUNTS_LEN:
            raise HistogramError(f"counts run past index {COUNTS_LEN - 1}")
        if value:
            total += value
            if total > _MAX_COUNT:
                raise HistogramError("holds more than 2**53 values")
            yield index, value
        index += 1


def _read_varint(body: bytes, position: int) -> tuple[int, int]:
    result, shift = 0, 0
    for step in range(9):
        if position + step >= len(body):
            raise HistogramError("a count is cut short")
        byte = body[position + step]
        if step == 8:
            result |= byte << shift
            break
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
    zigzag = result
    value = (zigzag >> 1) ^ -(zigzag & 1)
    return value, position + step + 1
