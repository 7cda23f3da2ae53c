"""Run one target on one file in a child process, under hard limits, and measure it.

The child (``python tests/fuzz/bounded.py TARGET FILE``) limits its own
address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``) before it imports
gates, so that a read that would take 4 GB or 400 s fails fast instead of
taking the machine down; then it traces memory (:mod:`tracemalloc`), times
the read in CPU seconds (:func:`time.process_time`, which a busy machine
does not inflate) and prints one JSON line: what happened, the CPU seconds
and the peak of traced memory. :func:`run_bounded` is the parent's side.
"""

from __future__ import annotations

import contextlib
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = ["Measured", "run_bounded"]

ROOT: Final = Path(__file__).resolve().parents[2]
ADDRESS_SPACE: Final = 2 * 1024**3  # the child's hard limit: far above any bounded read
CPU_LIMIT: Final = 60  # seconds: the kernel stops the child after this much CPU time


@dataclass(frozen=True, slots=True)
class Measured:
    """What one bounded read did."""

    outcome: str  # "read", "refused", "crash", "memory" or "killed"
    detail: str  # the slug, the exception, or how the child ended
    cpu: float  # CPU seconds of the read itself
    peak: int  # bytes: the peak of memory traced during the read


def run_bounded(target: str, path: Path) -> Measured:
    """Feed ``path`` to ``target`` (a format id, ``verdict`` or ``policy``) in a bounded child."""
    done = subprocess.run(
        [sys.executable, __file__, target, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=CPU_LIMIT * 10,  # only against a child that sleeps: the CPU limit stops the rest
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        why = f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
        return Measured("killed", why, float(CPU_LIMIT), 0)
    result = json.loads(lines[-1])
    return Measured(result["outcome"], result["detail"], result["cpu"], result["peak"])


def _child(target: str, path: Path) -> dict[str, object]:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT))
    sys.path.append(str(ROOT))  # after PYTHONPATH: a test may run it against another gates
    from gates.errors import GatesError  # noqa: PLC0415 - imported under the limits
    from tests.fuzz.targets import HOSTILE, TARGETS  # noqa: PLC0415

    run = TARGETS[target].run
    data = path.read_bytes()
    recorded = [seed for seed in TARGETS[target].seed_paths() if HOSTILE not in seed.parents]
    with contextlib.suppress(GatesError):  # warm up: imports and caches are not the read's cost
        run(recorded[0].read_bytes())
    tracemalloc.start()
    start = time.process_time()
    try:
        run(data)
    except GatesError as error:
        outcome, detail = "refused", error.slug
    except MemoryError:
        outcome, detail = "memory", "MemoryError"
    except Exception as error:  # noqa: BLE001 - any other exception is what the test looks for
        outcome, detail = "crash", f"{type(error).__name__}: {str(error)[:200]}"
    else:
        outcome, detail = "read", ""
    cpu = time.process_time() - start
    peak = tracemalloc.get_traced_memory()[1]
    return {"outcome": outcome, "detail": detail, "cpu": cpu, "peak": peak}


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], Path(sys.argv[2]))))
