"""One way to run another program: a timeout, and a failure that says why."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from gates.system import process

PACKAGE = Path(__file__).resolve().parents[2] / "gates"


def test_a_program_that_ran_says_its_code_and_output() -> None:
    done = process.run([sys.executable, "-c", "print('out'); raise SystemExit(3)"], timeout=60)
    assert (done.code, done.ok, done.text.strip(), done.why) == (3, False, "out", "")
    assert done.explain().endswith("exited 3: out")


def test_a_program_that_does_not_exist_is_127_and_says_so() -> None:
    done = process.run(["gates-no-such-program-x"], timeout=60)
    assert done.code == process.NOT_FOUND
    assert "command not found" in done.why
    assert done.tail() == done.why


def test_a_program_that_outlives_its_timeout_is_killed_and_says_after_how_long() -> None:
    # a hang-catcher: the program sleeps a minute, the timeout is a second
    done = process.run([sys.executable, "-c", "import time; time.sleep(60)"], timeout=1)
    assert done.code == process.TIMED_OUT
    assert done.why == "was killed after 1 s"


def test_stream_hands_on_each_error_line_and_writes_the_output(tmp_path: Path) -> None:
    lines: list[bytes] = []
    script = "import sys; print('report'); print('a', file=sys.stderr); print('b', file=sys.stderr)"
    with (tmp_path / "out.txt").open("wb") as out:
        done = process.stream(
            [sys.executable, "-c", script], stdout=out, on_error_line=lines.append
        )
    assert done.code == 0
    assert lines == [b"a\n", b"b\n"]
    assert (tmp_path / "out.txt").read_text() == "report\n"


def _imports(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    return names


# Programs gates starts and keeps running while it works, not runs to their end: the load
# stage's service and Locust, each started in its own process group and stopped with it, and
# py-spy sampling the service for as long as the load runs (stopped with SIGINT to write).
LONG_LIVED = {"load/run/service.py", "load/run/profile.py"}


def test_only_the_process_module_starts_programs() -> None:
    starting = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "subprocess" in _imports(path)
    }
    assert starting == {"system/process.py", *LONG_LIVED}


def test_only_the_git_module_runs_git() -> None:
    """Every `git` command of gates goes through gates.system.git.run_git (the stage recipes run
    git as a stage's tool, in a Nox session, which is not gates running it)."""
    running = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if '["git",' in path.read_text(encoding="utf-8")
    )
    assert running == ["system/git.py"]
