"""A sampled profile as a cProfile-compatible ``.pstats`` file (``pstats.Stats`` loads it).

``pstats`` reads a marshalled dict: per function ``(file, line, name)``, the tuple
``(primitive calls, calls, self seconds, cumulative seconds, callers)``, each caller
mapped to the same four figures for the calls it made. A sampling profiler counts no
calls: here a function's "calls" are the samples in which it was on the stack (once per
sample, however deep its recursion), its self time the seconds of the samples in which it
was running, its cumulative time those in which it was on the stack. So
``python -m pstats profile.pstats``, snakeviz or gprof2dot show the same picture as
speedscope, with the call counts read as sample counts.
"""

from __future__ import annotations

import itertools
import marshal

from gates.load.profiling.speedscope import Frame, Profile

__all__ = ["render"]

_Key = tuple[str, int, str]
_Figures = list[float]  # [primitive calls, calls, self seconds, cumulative seconds]


def render(profile: Profile) -> bytes:
    """The profile as the bytes of a ``.pstats`` file."""
    own: dict[_Key, _Figures] = {}
    callers: dict[_Key, dict[_Key, _Figures]] = {}
    for stack, weight in profile.samples:
        keys = [_key(profile.frames[index]) for index in stack]
        for key in dict.fromkeys(keys):
            _add(own.setdefault(key, [0, 0, 0.0, 0.0]), self_s=0.0, total_s=weight)
        if keys:
            own[keys[-1]][2] += weight
        pairs = dict.fromkeys(itertools.pairwise(keys))
        for caller, callee in pairs:
            leaf = callee == keys[-1]
            figures = callers.setdefault(callee, {}).setdefault(caller, [0, 0, 0.0, 0.0])
            _add(figures, self_s=weight if leaf else 0.0, total_s=weight)
    stats = {
        key: (
            int(f[0]),
            int(f[1]),
            f[2],
            f[3],
            {c: (int(g[0]), int(g[1]), g[2], g[3]) for c, g in callers.get(key, {}).items()},
        )
        for key, f in own.items()
    }
    return marshal.dumps(stats)


def _key(frame: Frame) -> _Key:
    return (frame.file, frame.line, frame.name)


def _add(figures: _Figures, *, self_s: float, total_s: float) -> None:
    figures[0] += 1
    figures[1] += 1
    figures[2] += self_s
    figures[3] += total_s
