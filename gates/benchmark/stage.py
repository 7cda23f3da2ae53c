"""The benchmark stage (``gates bench``): the change against its merge base, same run.

Numbers stored from another job drift by 10-30 % on shared CI machines, so the
default design measures both sides now, on this machine, interleaved:

1. the base is ``git merge-base <[gates] base> HEAD``; a base that does not
   resolve (a missing ref, a shallow clone) is recorded as a stage that could
   not produce evidence, which blocks: never a pass;
2. the base is checked out with ``git worktree add --detach`` in a scratch
   folder outside the repository, removed afterwards, also on failure;
3. each side gets its own environment, built the same way (``uv venv`` and
   ``uv pip install``, else ``venv`` and pip): the project with the same install
   arguments, installed from that side's tree, and pytest-benchmark at the tool
   pin. Building both alike keeps the environment out of the comparison: only
   the code differs;
4. :func:`gates.benchmark.rounds.run_rounds` alternates fresh processes of each side
   until every benchmark is decided or the budget is spent.

The evidence is the raw per-round pytest-benchmark JSON; ``gates check``
computes the comparison from it (:mod:`gates.benchmark.compare`). With
``baseline=`` the stage instead measures head once and records the given
pytest-benchmark JSON (saved on the base branch, with raw timings) as the base:
the stored-baseline design, for dedicated quiet runners.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from gates import __version__
from gates.benchmark.rounds import (
    TIMERS,
    TOOL,
    Log,
    Plan,
    RoundsError,
    Side,
    pytest_command,
    run_rounds,
    side_environment,
    write_plugin,
)
from gates.model.stage import Manifest
from gates.stage.recorder import StageRecorder
from gates.system import process
from gates.system.atomic import atomic_write
from gates.system.git import run_git

__all__ = ["BENCH_TOOL", "BenchRequest", "run_stage"]

BENCH_TOOL: Final = "gates-bench"  # the stage's own run, recorded in its manifest
_GIT_TIMEOUT = 120
_INSTALL_TIMEOUT = 1800
_TAIL_CHARS = 400


@dataclass(frozen=True, slots=True)
class BenchRequest:
    """What the benchmark stage measures, and how."""

    root: Path
    pytest_args: tuple[str, ...]  # benchmark paths and pytest options, as for each side
    base: str = "origin/main"
    reports: str = ".gates"
    stage: str = "benchmark"
    install: tuple[str, ...] = (".",)  # pip arguments, relative to each side's tree
    constraints: Path | None = None  # the tool pins
    python: str = field(default_factory=lambda: sys.executable)
    plan: Plan = field(default_factory=Plan)
    slowdown: float = 0.05  # the policy's smallest slowdown that counts
    baseline: Path | None = None  # stored-baseline design: pytest-benchmark JSON of the base
    reproduce: str = "nox -s benchmark"
    argv: tuple[str, ...] = ()  # the command line, for the manifest
    unaffected: tuple[str, ...] = ()  # the policy's globs left out of the tree digest


class _StageError(Exception):
    """The stage cannot produce evidence; the message says why and what to do."""


def run_stage(request: BenchRequest, *, log: Log) -> Manifest:
    """Run the stage and write its manifest; ``manifest.error`` says if it produced no evidence."""
    recorder = StageRecorder.begin(
        request.stage,
        root=request.root,
        reports_dir=request.reports,
        reproduce=request.reproduce,
        unaffected=request.unaffected,
    )
    code = 0
    try:
        with tempfile.TemporaryDirectory(prefix="gates-bench-") as scratch:
            if request.baseline is not None:
                _stored(recorder, request, Path(scratch), log)
            else:
                _same_run(recorder, request, Path(scratch), log)
    except (_StageError, RoundsError) as error:
        recorder.fail(str(error))
        code = 3
    finally:
        recorder.tool(
            BENCH_TOOL,
            version=__version__,
            argv=request.argv or ("gates", "bench"),
            exit_code=code,
        )
    return recorder.finish()


def _same_run(recorder: StageRecorder, request: BenchRequest, scratch: Path, log: Log) -> None:
    commit = resolve_base(request.root, request.base)
    log(f"base: {request.base} -> merge base {commit[:12]}")
    with _worktree(request.root, commit, scratch / "base") as tree:
        base = replace(
            _environment(scratch / "env-base", "base", tree, request, log), commit=commit
        )
        head = replace(
            _environment(scratch / "env-head", "head", request.root, request, log),
            commit=recorder.state.commit,
            dirty=recorder.state.dirty,
        )
        result = run_rounds(
            recorder,
            base,
            head,
            pytest_args=request.pytest_args,
            plan=request.plan,
            slowdown=request.slowdown,
            log=log,
        )
    log(result.measurement.summary)


def _stored(recorder: StageRecorder, request: BenchRequest, scratch: Path, log: Log) -> None:
    """Head measured once, against the pytest-benchmark JSON given as the baseline."""
    assert request.baseline is not None  # noqa: S101 - checked by the caller
    try:
        data = request.baseline.read_bytes()
    except OSError as error:
        raise _StageError(
            f"the stored baseline {request.baseline} cannot be read ({error.strerror}): "
            "save one on the base branch with `pytest --benchmark-json=FILE`"
        ) from None
    atomic_write(recorder.folder / "base.json", data)
    recorder.report("base.json", format="pytest-benchmark-json", tool=TOOL, role="base")
    head = replace(
        _environment(scratch / "env-head", "head", request.root, request, log),
        commit=recorder.state.commit,
        dirty=recorder.state.dirty,
    )
    report = (recorder.folder / "head.json").resolve()
    timer = baseline_timer(data)
    command = pytest_command(
        head.python, request.pytest_args, report, benchmark_time=None, timer=timer
    )
    environment = side_environment(head, write_plugin(scratch / "plugin"))
    completed = _run(command, cwd=request.root, timeout=request.plan.seconds, env=environment)
    recorder.tool(TOOL, version=head.version, argv=command, exit_code=completed.code)
    if completed.code not in (0, 1) or not report.is_file():
        raise _StageError(f"head: pytest exited {completed.code}: {_tail(completed)}")
    recorder.report("head.json", format="pytest-benchmark-json", tool=TOOL, role="head")
    log(f"head measured against the stored baseline {request.baseline}")


def baseline_timer(data: bytes) -> str | None:
    """The timer the stored baseline was measured with (``cpu``, ``wall``), so head uses it too.

    ``None`` (pytest-benchmark's default, wall time) when the file does not say.
    """
    try:
        document = json.loads(data)
        timer = document["benchmarks"][0]["options"]["timer"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    names = {name.rpartition(".")[2]: key for key, name in TIMERS.items()}
    return names.get(str(timer).rpartition(".")[2])


# ---------------------------------------------------------------- the base


def resolve_base(root: Path, ref: str) -> str:
    """``git merge-base <ref> HEAD``, or :class:`_StageError` saying why not (shallow clone, no ref)."""
    shallow = _git(root, "rev-parse", "--is-shallow-repository").text.strip() == "true"
    fetch = (
        "fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` in CI)"
        if shallow
        else "fetch it (`git fetch origin`), or set [gates] base to a ref that exists"
    )
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if not found.ok:
        where = " in this shallow clone" if shallow else ""
        raise _StageError(
            f"the base {ref!r} is not a commit{where}, so there is no base to measure: {fetch}"
        )
    merged = _git(root, "merge-base", ref, "HEAD")
    if not merged.ok:
        why = " (the clone is shallow)" if shallow else ""
        raise _StageError(f"{ref!r} and HEAD have no merge base{why}: {fetch}")
    return merged.text.strip()


@contextlib.contextmanager
def _worktree(root: Path, commit: str, where: Path) -> Iterator[Path]:
    """A detached checkout of ``commit`` at ``where``, removed (and pruned) afterwards."""
    _git(root, "worktree", "prune")
    added = _git(root, "worktree", "add", "--detach", "--quiet", str(where), commit)
    if not added.ok:
        raise _StageError(f"git could not check out the base {commit[:12]}: {_tail(added)}")
    try:
        yield where
    finally:
        _git(root, "worktree", "remove", "--force", str(where))
        shutil.rmtree(where, ignore_errors=True)
        _git(root, "worktree", "prune")


def _git(root: Path, *args: str) -> process.Finished:
    done = run_git(root, *args, timeout=_GIT_TIMEOUT)
    if done.why:  # not installed, or out of time
        raise _StageError(done.explain())
    return done


# ---------------------------------------------------------------- environments


def _environment(folder: Path, role: str, tree: Path, request: BenchRequest, log: Log) -> Side:
    """A fresh environment for one side: the project from ``tree``, and pytest-benchmark."""
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    constraints = ["-c", str(request.constraints)] if request.constraints else []
    packages = [*constraints, *request.install, "pytest-benchmark"]
    uv = shutil.which("uv")
    if uv:
        steps = [
            [uv, "venv", "--quiet", "--python", request.python, str(folder)],
            [uv, "pip", "install", "--quiet", "--python", str(python), *packages],
        ]
    else:
        steps = [
            [request.python, "-m", "venv", str(folder)],
            [str(python), "-m", "pip", "install", "--quiet", *packages],
        ]
    for step in steps:
        done = _run(step, cwd=tree, timeout=_INSTALL_TIMEOUT)
        if not done.ok:
            raise _StageError(
                f"building the {role} environment failed (`{' '.join(step[:3])} …` exited "
                f"{done.code}): {_tail(done)}"
            )
    log(f"{role} environment ready ({'uv' if uv else 'venv + pip'})")
    return Side(role, tree, python, _installed_version(python))


def _installed_version(python: Path) -> str:
    probe = "import importlib.metadata as m; print(m.version('pytest-benchmark'))"
    done = _run([str(python), "-c", probe], cwd=python.parent, timeout=60)
    return done.text.strip() if done.ok else "unknown"


def _run(
    command: Sequence[str], *, cwd: Path, timeout: float, env: Mapping[str, str] | None = None
) -> process.Finished:
    return process.run(command, cwd=cwd, timeout=timeout, env=env or process.without_virtualenv())


def _tail(done: process.Finished) -> str:
    return (done.tail(4) or "no output")[:_TAIL_CHARS]
