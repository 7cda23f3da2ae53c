"""Rerun the tests that failed, each time in a fresh process, into the same report-log.

``python -m gates.stage.rerun --report-log FILE --reruns N -- python -m pytest ARGS``
runs the command once with ``--report-log=FILE``, reads the node ids that
failed or errored, and runs the command again with only those ids (and its
options) up to ``N`` times, each rerun's session appended to ``FILE``, until
none fails. The pytest-reportlog reader merges the sessions attempt by
attempt: a test that failed and then passed in a fresh process is one test,
passed and flaky; one that fails every time is one failed test. Counting
happens only there: nothing here decides.

It exits with pytest's code for the last state: 0 when every failure passed
on a rerun, 1 when some still fail, and pytest's own code (2 interrupted, 3
internal error, 4 usage, 5 nothing collected) as soon as a run ends so: no
rerun then.

What pytest writes goes through as it comes (a person watches its progress).
A rerun writes no JUnit XML (its ``--junitxml`` option is left out): the
JUnit file stays the first run's, every test in it, and never the last
rerun's handful; the report-log, which holds every attempt, is what gates
reads when a stage has one (:mod:`gates.kinds.attempts`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from gates.system import process

__all__ = ["failed_ids", "main", "rerun_command"]

_RERUN_CODES = (0, 1)  # pytest's "ran, and some tests failed"
_JUNIT = ("--junitxml", "--junit-xml")  # `--junitxml=FILE` or `--junitxml FILE`
# pytest's options whose value, given apart, may be an existing path
_PATH_OPTIONS = frozenset(
    {
        "-c",
        "--config-file",
        "--rootdir",
        "--confcutdir",
        "--basetemp",
        "--ignore",
        "--ignore-glob",
        "--deselect",
        "--log-file",
        "--cov-config",
        "--cov",
        "-p",
    }
)


def failed_ids(log: bytes) -> list[str]:
    """The node ids whose last attempt in ``log``'s last session failed or errored, in order."""
    last: dict[str, bool] = {}
    for line in log.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict):
            continue
        kind = entry.get("$report_type")
        if kind == "SessionStart":
            last = {}
        elif kind == "TestReport" and isinstance(entry.get("nodeid"), str):
            failed = entry.get("outcome") == "failed"
            nodeid = entry["nodeid"]
            last[nodeid] = failed or (last.get(nodeid, False) and entry.get("when") != "setup")
    return [nodeid for nodeid, failed in last.items() if failed]


def _run(command: Sequence[str], log: Path) -> int:
    part = log.with_name(log.name + ".part")
    part.unlink(missing_ok=True)
    sys.stdout.flush()
    done = process.stream([*command, f"--report-log={part}"], on_error_line=_error_line)
    if done.why:
        _error_line(f"{done.why}\n".encode())
    if part.is_file():
        with log.open("ab") as out:
            out.write(part.read_bytes())
        part.unlink()
    return done.code


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    cut = args_list.index("--") if "--" in args_list else len(args_list)
    own, command = args_list[:cut], args_list[cut + 1 :]
    parser = argparse.ArgumentParser(prog="python -m gates.stage.rerun", description=__doc__)
    parser.add_argument("--report-log", type=Path, required=True)
    parser.add_argument("--reruns", type=int, default=2, help="fresh-process reruns at most")
    args = parser.parse_args(own)
    if not command:
        parser.error("give the test command after --: -- python -m pytest tests")
    args.report_log.unlink(missing_ok=True)
    code = _run(command, args.report_log)
    for _ in range(max(0, args.reruns)):
        failed = failed_ids(args.report_log.read_bytes()) if args.report_log.is_file() else []
        if code not in _RERUN_CODES or not failed:
            break
        code = _run(rerun_command(command, failed), args.report_log)
    return code


def rerun_command(command: Sequence[str], failed: Sequence[str]) -> list[str]:
    """``command`` for the ``failed`` node ids alone: without the test paths it names (files
    and folders that exist, node ids in them) and without its JUnit file (the first run's
    stays whole).

    An existing path that is the value of one of pytest's options (``-c
    pytest.ini``, ``--ignore tests/slow``) is the option's, and stays.
    """
    start = command.index("pytest") + 1 if "pytest" in command else 1
    rest: list[str] = []
    skip_value = False
    for part in command[start:]:
        if skip_value or part.startswith(_JUNIT):
            skip_value = part in _JUNIT
            continue
        if part.startswith("-") or (rest and rest[-1] in _PATH_OPTIONS) or not _names_tests(part):
            rest.append(part)
    return [*command[:start], *rest, *failed]


def _names_tests(part: str) -> bool:
    """A test path pytest was given: a file or folder, or a node id in one (a shard's tests)."""
    return Path(part.split("::", 1)[0]).exists()


def _error_line(line: bytes) -> None:
    sys.stderr.buffer.write(line)
    sys.stderr.buffer.flush()


if __name__ == "__main__":
    raise SystemExit(main())
