"""The service's CPU profile under load: py-spy's speedscope file, and what is made from it.

The load stage can sample the service's process tree with ``py-spy record
--subprocesses --format speedscope`` while Locust runs (:mod:`gates.load.run.service`);
:func:`summarise` reads that file back (:mod:`gates.load.profiling.speedscope`) and
writes beside it ``top20.md`` (:func:`top_functions`: per function, the share of samples
in which it was running, self, and on the stack at all, total, over every sampled thread
and process), ``profile.pstats`` (cProfile-compatible, :mod:`gates.load.profiling.pstats_file`)
and ``flame.html`` (:mod:`gates.load.profiling.flame`). A profile that could not be taken
or read is ``unavailable.txt`` saying why. The profile is kept for people; no gate reads it.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

from gates.errors import GatesError
from gates.load.profiling import flame, memray, pstats_file, speedscope
from gates.load.profiling.speedscope import Profile
from gates.system import process
from gates.system.atomic import atomic_write
from gates.untrusted.safeio import Blob, read_blob
from gates.untrusted.safetext import one_line

__all__ = [
    "MEMRAY_UNAVAILABLE",
    "UNAVAILABLE",
    "memray_command",
    "memray_summarise",
    "profiled",
    "summarise",
    "top_functions",
]

TOP: Final = 20
UNAVAILABLE: Final = "unavailable.txt"
MEMRAY_UNAVAILABLE: Final = "memray-unavailable.txt"
_CAPTURE: Final = "memray.bin"
_PROFILE_WRITE_S: Final = 60.0  # py-spy writing its file after SIGINT
_STATS_S: Final = 120.0  # memray summarising its capture


def top_functions(blob: Blob, limit: int = TOP) -> str:
    """The ``limit`` functions with the most self samples, as a Markdown table."""
    return _table(speedscope.read(blob), limit)


def _table(profile: Profile, limit: int) -> str:
    own: dict[int, float] = {}  # seconds: py-spy weighs each sample by its interval
    anywhere: dict[int, float] = {}
    for stack, weight in profile.samples:
        if stack:
            own[stack[-1]] = own.get(stack[-1], 0.0) + weight
        for index in set(stack):
            anywhere[index] = anywhere.get(index, 0.0) + weight
    total = profile.seconds
    lines = [
        (
            f"Top {limit} functions by self time, of {total:.2f} s of samples (py-spy, every"
            " thread and process of the service, idle ones left out)."
        ),
        "",
        "| function | where | self | total |",
        "|---|---|---:|---:|",
    ]
    ranked = sorted(own.items(), key=lambda item: -item[1])[:limit] if total > 0 else []
    for index, weight in ranked:
        frame = profile.frames[index]
        where = f"{frame.file}:{frame.line}" if frame.line else frame.file
        lines.append(
            f"| `{_cell(frame.name)}` | `{_cell(where)}` | {weight / total:.1%}"
            f" | {anywhere[index] / total:.1%} |"
        )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """One line, and nothing that ends a code span or a table cell."""
    return one_line(text, 200).replace("`", "'").replace("|", "/")


def summarise(folder: Path, output: Path, code: int) -> None:
    """``top20.md``, ``profile.pstats`` and ``flame.html`` beside py-spy's file, or
    ``unavailable.txt`` saying why there are none."""
    if not output.is_file():
        (folder / UNAVAILABLE).write_text(
            f"py-spy exited with {code} and wrote no profile (ptrace not allowed?); see"
            " py-spy.log\n",
            encoding="utf-8",
        )
        return
    try:
        profile = speedscope.read(read_blob(output, display=output.name))
    except (GatesError, OSError) as error:
        (folder / UNAVAILABLE).write_text(f"the profile cannot be read: {error}\n")
        return
    if not profile.samples:
        (folder / UNAVAILABLE).write_text("py-spy took no sample of the service\n")
        return
    atomic_write(folder / "top20.md", _table(profile, TOP).encode())
    atomic_write(folder / "profile.pstats", pstats_file.render(profile))
    title = "The service under load: py-spy's samples"
    atomic_write(folder / "flame.html", flame.render(profile, title=title).encode())


@contextlib.contextmanager
def profiled(pid: int, folder: Path, *, enabled: bool) -> Iterator[None]:
    """py-spy samples the service's tree while the block runs; a profile it could not take
    is a note in ``folder/unavailable.txt``, never the run's failure."""
    if not enabled:
        yield
        return
    folder.mkdir(exist_ok=True)
    spy = shutil.which("py-spy")
    if spy is None:
        (folder / UNAVAILABLE).write_text("py-spy is not installed\n", encoding="utf-8")
        yield
        return
    output = folder / "profile.speedscope.json"
    command = [spy, "record", "--pid", str(pid), "--subprocesses", "--rate", "100"]
    command += ["--format", "speedscope", "--output", str(output), "--nonblocking"]
    with (folder / "py-spy.log").open("wb") as sink:
        spying = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink)
        try:
            yield
        finally:
            spying.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
            try:
                spying.wait(timeout=_PROFILE_WRITE_S)
            except subprocess.TimeoutExpired:
                spying.kill()
                spying.wait()
    summarise(folder, output, spying.returncode)


def memray_command(command: Sequence[str], folder: Path) -> Sequence[str]:
    """The service's command under ``memray run``; unchanged, and the reason kept, if it cannot be."""
    folder.mkdir(parents=True, exist_ok=True)
    found = memray.wrapped(command, str((folder / _CAPTURE).resolve()))
    if not isinstance(found, str):
        found = _memray_importable(command[0]) or found
    if isinstance(found, str):
        (folder / MEMRAY_UNAVAILABLE).write_text(found + "\n", encoding="utf-8")
        return command
    return found


def _memray_importable(python: str) -> str:
    """Why the service's ``python`` cannot run memray ("" when it can): the service would die
    at its first line, and the run with it, where a missing profile is only a note."""
    done = process.run([python, "-c", "import memray"], timeout=_STATS_S, stdin=b"")
    if done.ok:
        return ""
    return f"memray is not installed where the service runs ({done.explain()})"


def memray_summarise(folder: Path, python: str) -> None:
    """``memray-stats.json`` and ``memray.md`` from the capture, or why there are none."""
    capture = folder / _CAPTURE
    if (folder / MEMRAY_UNAVAILABLE).is_file():
        return
    if not capture.is_file():
        _memray_missing(
            folder, "memray wrote no capture (is memray installed where the service runs?)"
        )
        return
    stats = folder / "memray-stats.json"
    command = memray.stats_command(python, str(capture), str(stats))
    done = process.run(command, timeout=_STATS_S, stdin=b"")
    why = f"{done.explain()}\n".encode() if done.why else b""
    (folder / "memray.log").write_bytes(done.stdout + done.stderr + why)
    code = done.code
    for path in folder.glob(f"{_CAPTURE}*"):  # and its forked children's: large, read above
        path.unlink()
    try:
        found = memray.read(read_blob(stats, display=stats.name))
    except (GatesError, OSError) as error:
        _memray_missing(folder, f"memray stats exited with {code}: {error} (see memray.log)")
        return
    atomic_write(folder / "memray.md", memray.summary(found).encode())


def _memray_missing(folder: Path, why: str) -> None:
    (folder / MEMRAY_UNAVAILABLE).write_text(why + "\n", encoding="utf-8")
