"""One fuzz input: made from a seed by structure-aware mutations, then checked against its bounds.

:func:`generate` draws a seed of the target and applies up to four mutations
of its family (JSON, JSON lines, XML, line-based text, TOML), then sometimes
one or two byte mutations. :func:`check` runs the target on the result and
says what happened:

* ``read`` or ``refused`` (a :class:`~gates.errors.GatesError`): both fine;
* ``crash``: any other exception, named by its type and the innermost frame
  in ``gates/``, so that the long run counts distinct causes;
* ``slow``: more CPU time than :func:`cpu_bound` allows (a SIGPROF timer stops
  a run that goes on far beyond it);
* ``memory``: a ``MemoryError`` (the long run's workers run under an
  address-space limit), or a peak resident size that grew by more than
  :data:`MEMORY_BOUND` during the run.

CPU time, never wall time: the bound does not depend on the machine's load.
"""

from __future__ import annotations

import json
import resource
import signal
import time
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Final

import gates
from gates.errors import GatesError
from tests.fuzz.mutate_json import dump, mutate_tree
from tests.fuzz.mutate_text import mutate_bytes, mutate_lines
from tests.fuzz.mutate_toml import mutate_policy
from tests.fuzz.mutate_xml import mutate_element, serialise
from tests.fuzz.targets import TARGETS, Target
from tests.fuzz.values import MAX_INPUT, Draw

__all__ = ["MEMORY_BOUND", "Outcome", "address_space", "check", "cpu_bound", "generate"]

MEMORY_BOUND: Final = 512 * 1024 * 1024  # peak RSS growth of one read, in bytes
_MAX_MUTATIONS: Final = 4


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one input did."""

    kind: str  # "read", "refused", "crash", "slow" or "memory"
    detail: str  # the slug, or the exception and its message
    cause: str  # what tells two failures apart: "OverflowError at gates/x.py:12"
    cpu: float  # seconds of CPU time

    @property
    def failed(self) -> bool:
        return self.kind in ("crash", "slow", "memory")


def cpu_bound(size: int) -> float:
    """The CPU seconds a read of ``size`` bytes may take: linear, with a wide margin.

    The seeds read in about 10 ms (judging and rendering included); a read
    that is linear in its input reads 1 MiB in well under a second.
    """
    return 2.0 + size * 10e-6


# ---------------------------------------------------------------- generating


@cache
def _seeds(name: str) -> tuple[bytes, ...]:
    return tuple(TARGETS[name].seed_data())


def generate(target: Target, draw: Draw) -> bytes:
    """A seed of ``target``, mutated."""
    seeds = _seeds(target.name)
    seed = seeds[draw.integer(0, len(seeds) - 1)]
    others = [other for other in seeds if other is not seed][:6]
    data = _structured(target.family, seed, draw, others, draw.integer(0, _MAX_MUTATIONS))
    for _ in range(draw.integer(0, 3) // 2):  # no byte mutation half of the time
        data = mutate_bytes(data, draw, list(seeds))
    return data[:MAX_INPUT]


def _structured(family: str, seed: bytes, draw: Draw, others: list[bytes], times: int) -> bytes:
    if times == 0:
        return seed
    text = seed.decode("utf-8", "replace")
    texts = [other.decode("utf-8", "replace") for other in others]
    if family == "json":
        return _json(text, draw, texts, times)
    if family == "jsonl":
        return _json_lines(text, draw, texts, times)
    if family == "xml":
        return _xml(seed, draw, others, times)
    if family == "toml":
        for _ in range(times):
            text = (
                mutate_policy(text, draw, [_tree(other) for other in texts])
                if draw.integer(0, 2)
                else mutate_lines(text, draw, texts)
            )
        return text.encode("utf-8", "surrogatepass")
    for _ in range(times):
        text = mutate_lines(text, draw, texts)
    return text.encode("utf-8", "surrogatepass")


def _tree(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return {}


def _json(text: str, draw: Draw, others: list[str], times: int) -> bytes:
    try:
        tree = json.loads(text)
    except (ValueError, RecursionError):  # a line an earlier mutation broke or nested deeply
        return text.encode("utf-8", "surrogatepass")
    trees = [_tree(other) for other in others]
    for _ in range(times):
        tree = mutate_tree(tree, draw, trees)
    return dump(tree).encode("utf-8", "surrogatepass")


def _json_lines(text: str, draw: Draw, others: list[str], times: int) -> bytes:
    """A few lines mutated as JSON, or the lines themselves repeated, dropped, swapped."""
    lines = text.split("\n")
    for _ in range(times):
        if draw.integer(0, 3) == 0:
            lines = mutate_lines("\n".join(lines), draw, others).split("\n")
            continue
        index = draw.integer(0, len(lines) - 1)
        lines[index] = _json(lines[index] or "{}", draw, others, 1).decode("utf-8", "surrogatepass")
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def _xml(seed: bytes, draw: Draw, others: list[bytes], times: int) -> bytes:
    root = _element(seed)
    if root is None:  # a hostile seed (an unknown encoding, a DTD): only its bytes are mutated
        return seed
    trees = [tree for tree in map(_element, others) if tree is not None]
    for _ in range(times):
        root = mutate_element(root, draw, trees)
    return serialise(root, draw)


def _element(data: bytes) -> ET.Element | None:
    try:
        return ET.fromstring(data)  # noqa: S314 - a recorded seed, not a report under test
    except (ET.ParseError, LookupError, ValueError):
        return None


# ---------------------------------------------------------------- checking


class _Overtime(BaseException):
    """Raised by the CPU timer: a BaseException, so that no reader can catch it."""


def check(target: Target, data: bytes) -> Outcome:
    """Run ``target`` on ``data`` within its CPU bound; what happened."""
    bound = cpu_bound(len(data))
    before = _peak_rss()
    start = time.process_time()
    try:
        with _cpu_timer(bound * 2):
            target.run(data)
    except GatesError as error:
        kind, detail, cause = "refused", error.slug, ""
    except _Overtime:
        kind, detail, cause = "slow", f"stopped after {bound * 2:.1f} s of CPU", "overtime"
    except MemoryError:
        kind, detail, cause = "memory", "MemoryError", _cause(MemoryError())
    except Exception as error:  # noqa: BLE001 - any other exception is the finding
        kind, detail, cause = "crash", f"{type(error).__name__}: {str(error)[:200]}", _cause(error)
    else:
        kind, detail, cause = "read", "", ""
    cpu = time.process_time() - start
    if kind in ("read", "refused") and cpu > bound:
        kind, detail, cause = "slow", f"{cpu:.2f} s of CPU for {len(data):,} bytes", "slow"
    if kind in ("read", "refused") and _peak_rss() - before > MEMORY_BOUND:
        kind, detail, cause = (
            "memory",
            f"peak RSS grew by {(_peak_rss() - before) >> 20} MiB",
            "rss",
        )
    return Outcome(kind, detail, cause, cpu)


@contextmanager
def address_space(extra: int = 2 * 1024**3) -> Iterator[None]:
    """Limit the process's address space to what it uses now plus ``extra`` bytes, meanwhile.

    A read that tries to allocate more fails with ``MemoryError`` (the outcome
    ``memory``) instead of taking the machine's memory. Where the size is not
    known (no ``/proc``), nothing is limited.
    """
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = pages * resource.getpagesize() + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


@contextmanager
def _cpu_timer(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        raise _Overtime

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


_PACKAGE: Final = str(Path(gates.__file__).resolve().parent) + "/"


def _cause(error: BaseException) -> str:
    """The exception's type and the innermost frame of gates' own code that raised it."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if frame.filename.startswith(_PACKAGE)]
    where = f"{ours[-1].filename.removeprefix(_PACKAGE)}:{ours[-1].lineno}" if ours else "?"
    return f"{type(error).__name__} at gates/{where}"
