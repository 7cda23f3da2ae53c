"""Hostile reports: a clear evidence error naming the file, in bounded memory and time.

Each report is recorded as a stage really records it (``gates run ... -- cat``,
so its hash matches and the content is what gets judged), then ``gates check``
runs under ``tracemalloc`` and a CPU clock. None may pass, crash, hang, or read
more than it must. Time is CPU time (this process's and its children's), never
the wall clock: a busy machine stretches the one and not the other, while a
report that makes gates expand, parse or hash too much shows in both. A hang
spends no CPU: a subprocess's timeout catches it.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import pytest

from gates import readers
from gates.judge import evidence as evidence_module
from gates.readers.interface import Reader
from tests.integration.conftest import PY, Gates, Ran, run_module

MIB = 1024 * 1024
PEAK_LIMIT = 32 * MIB  # Python allocations of one `gates check` on a tiny project stay far below
SECONDS = 10.0  # of CPU: one `gates check` of a tiny project takes well under one
HANG = 120.0  # of wall time, for a subprocess that should end in a second or two: a hang is forever

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<testsuites><testsuite name="s" tests="1"><testcase classname="t" name="&lol9;"/></testsuite></testsuites>
"""


def xxe(secret: Path) -> bytes:
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE testsuites [ <!ENTITY xxe SYSTEM "file://'
        + str(secret).encode()
        + b'"> ]>\n<testsuites><testsuite name="s" tests="1">'
        + b'<testcase classname="t" name="&xxe;"><failure message="&xxe;"/></testcase>'
        + b"</testsuite></testsuites>\n"
    )


def cpu_seconds() -> float:
    """CPU time of this process and of its children that ended: what load does not inflate."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@contextmanager
def bounded(seconds: float = SECONDS, peak: int = PEAK_LIMIT) -> Iterator[None]:
    """The block allocates at most ``peak`` bytes (Python heap) and spends under ``seconds`` of CPU."""
    tracemalloc.start()
    start = cpu_seconds()
    try:
        yield
    finally:
        spent = cpu_seconds() - start
        _, highest = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert highest < peak, f"peak allocation {highest / MIB:.1f} MiB"
    assert spent < seconds, f"spent {spent:.1f} s of CPU"


def record(gates: Gates, report: str, data: bytes, *, tool: str) -> None:
    """Start the ``hostile`` stage with ``data`` as the report ``FORMAT=NAME`` of ``tool``."""
    assert gates.replay("hostile", report, data, tool=tool, fresh=True).code == 0


def check(gates: Gates, gate: str, metric: str) -> Ran:
    """``gates check`` of one gate reading the hostile stage, bounded."""
    policy = gates.root.parent / "hostile.toml"
    policy.write_text(f'[gate.{gate}]\nmetric = "{metric}"\nstage = "hostile"\nmax = 0\n')
    with bounded():
        return gates.check(config=policy)


def refused(ran: Ran, gate: str, slug: str, path: str) -> str:
    """The gate errors with ``slug`` naming ``path`` and a next step; the problem's message."""
    assert ran.code == 3, ran.out
    verdict = ran.verdict()
    assert verdict.gate(gate)["status"] == "error"
    problem = verdict.problem(gate, slug)
    assert problem["path"] == path
    assert problem["hint"]
    assert "Traceback" not in ran.err
    return str(problem["message"])


# Quadratic blowup: one 100 kB entity used 10,000 times (1 GB once expanded).
QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "'
    + b"x" * 100_000
    + b'">]><testsuites><testsuite name="s" tests="1"><testcase classname="t" name="'
    + b"&a;" * 10_000
    + b'"/></testsuite></testsuites>'
)


@pytest.mark.parametrize(("name", "data"), [("bomb.xml", BILLION_LAUGHS), ("quad.xml", QUADRATIC)])
def test_entity_expansion_is_refused_unexpanded(bare: Gates, name: str, data: bytes) -> None:
    record(bare, f"junit-xml={name}", data, tool="pytest")
    ran = check(bare, "tests", "tests.failed")
    message = refused(ran, "tests", "hostile-xml", f".gates/hostile/{name}")
    assert "DTD" in message
    assert "lol" not in ran.out.replace("lol9", "")


def test_an_external_entity_is_never_read(bare: Gates, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE\n")
    record(bare, "junit-xml=xxe.xml", xxe(secret), tool="pytest")
    ran = check(bare, "tests", "tests.failed")
    refused(ran, "tests", "hostile-xml", ".gates/hostile/xxe.xml")
    assert "TOP-SECRET" not in ran.out + ran.err


def test_a_gigabyte_report_is_refused_unread(bare: Gates) -> None:
    make = "import sys; open(sys.argv[1], 'wb').truncate(1 << 30)"  # sparse: no disk, no RAM
    with bounded(seconds=30):
        ran = bare.run(
            "hostile",
            "--tool",
            "coverage",
            "--tool-version",
            "7",
            "--report",
            "coverage-json=huge.json",
            "--",
            PY,
            "-c",
            make,
            "{stage_dir}/huge.json",
        )
    assert ran.code == 0  # recorded: hashed in chunks, never loaded whole
    ran = check(bare, "coverage", "coverage.percent")
    message = refused(ran, "coverage", "report-too-large", ".gates/hostile/huge.json")
    assert "1,073,741,824 bytes" in message
    assert "max-report-mb" in ran.verdict().problem("coverage", "report-too-large")["hint"]


@pytest.mark.parametrize(
    ("name", "data", "slug", "words"),
    [
        ("deep-list.json", b"[" * 100_000 + b"]" * 100_000, "invalid-json", "nested too deeply"),
        (
            "deep-object.json",
            b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
            "invalid-json",
            "nested too deeply",
        ),
        ("duplicate.json", b'{"meta": {}, "files": {}, "meta": {}}', "invalid-json", "'meta'"),
        ("utf8.json", b'{"meta": "\xff\xfe"}', "invalid-utf8", "offset 10"),
        ("digits.json", b'{"n": ' + b"9" * 5_000 + b"}", "invalid-json", "digits"),
        ("nan.json", b'{"n": NaN}', "non-finite", "NaN"),
        ("trailing.json", b"{}\n{}", "invalid-json", "after the document"),
    ],
)
def test_hostile_json(bare: Gates, name: str, data: bytes, slug: str, words: str) -> None:
    record(bare, f"coverage-json={name}", data, tool="coverage")
    ran = check(bare, "coverage", "coverage.percent")
    assert words in refused(ran, "coverage", slug, f".gates/hostile/{name}")


def test_deep_xml_is_read_without_recursion(bare: Gates) -> None:
    data = b"<testsuites>" + b"<x>" * 100_000 + b"</x>" * 100_000 + b"</testsuites>"
    record(bare, "junit-xml=deep.xml", data, tool="pytest")
    ran = check(bare, "tests", "tests.failed")
    refused(ran, "tests", "no-tests", ".gates/hostile/deep.xml")


def test_invalid_utf8_in_xml(bare: Gates) -> None:
    data = b'<testsuites><testsuite name="\xff" tests="0"/></testsuites>'
    record(bare, "junit-xml=bad.xml", data, tool="pytest")
    ran = check(bare, "tests", "tests.failed")
    # gates decodes XML itself (an encoding the XML declares is never looked up):
    # the bad byte is named by its offset, like any other report's
    assert "offset 29" in refused(ran, "tests", "invalid-utf8", ".gates/hostile/bad.xml")


def test_invalid_utf8_in_a_line_format(bare: Gates) -> None:
    record(bare, "file-list=files.txt", b"/repo/a.py\n/repo/\xc3(.py\n", tool="ruff")
    ran = check(bare, "lint", "findings")
    refused(ran, "lint", "invalid-utf8", ".gates/hostile/files.txt")


@pytest.mark.parametrize(
    ("data", "slug"),
    [
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "invalid-json"),
        (b'{"schema": "gates.manifest", "schema": "other"}', "invalid-json"),
        (b'{"schema": "gates.manifest", "version": NaN}', "non-finite"),
        (b"\xff\xfe{}", "invalid-utf8"),
        (b"[]", "malformed-report"),
    ],
)
def test_a_hostile_manifest(bare: Gates, data: bytes, slug: str) -> None:
    record(bare, "coverage-json=coverage.json", b"{}", tool="coverage")
    (bare.root / ".gates" / "hostile" / "manifest.json").write_bytes(data)
    ran = check(bare, "coverage", "coverage.percent")
    refused(ran, "coverage", slug, ".gates/hostile/manifest.json")


def test_a_gigabyte_manifest(bare: Gates) -> None:
    record(bare, "coverage-json=coverage.json", b"{}", tool="coverage")
    with (bare.root / ".gates" / "hostile" / "manifest.json").open("r+b") as handle:
        handle.truncate(1 << 30)
    ran = check(bare, "coverage", "coverage.percent")
    refused(ran, "coverage", "report-too-large", ".gates/hostile/manifest.json")
    hint = ran.verdict().problem("coverage", "report-too-large")["hint"]
    assert "max-report-mb" not in hint  # the manifest limit is fixed: raising it would not help


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_does_not_hang_the_check(bare: Gates) -> None:
    record(bare, "coverage-json=coverage.json", b"{}", tool="coverage")
    report = bare.root / ".gates" / "hostile" / "coverage.json"
    report.unlink()
    os.mkfifo(report)
    policy = bare.root.parent / "pipe.toml"
    policy.write_text('[gate.c]\nmetric = "coverage.percent"\nstage = "hostile"\nmin = 1\n')
    # blocked on the pipe, it would spend no CPU: the timeout is what catches a hang
    done = run_module(
        "check", "--config", str(policy), "--format", "json", cwd=bare.root, timeout=HANG
    )
    assert done.returncode == 3, done.stderr
    assert "is not a regular file" in done.stdout
    assert ".gates/hostile/coverage.json" in done.stdout


def test_a_device_is_not_read(bare: Gates) -> None:
    record(bare, "coverage-json=coverage.json", b"{}", tool="coverage")
    report = bare.root / ".gates" / "hostile" / "coverage.json"
    report.unlink()
    report.symlink_to("/dev/zero")
    ran = check(bare, "coverage", "coverage.percent")
    # refused before it is opened: a link out of the stage folder (the device itself,
    # were it inside, is "not a regular file": see tests/unit/test_safeio.py)
    assert "out of its stage folder" in refused(
        ran, "coverage", "link-outside", ".gates/hostile/coverage.json"
    )


def test_a_directory_in_place_of_a_report(bare: Gates) -> None:
    record(bare, "coverage-json=coverage.json", b"{}", tool="coverage")
    report = bare.root / ".gates" / "hostile" / "coverage.json"
    report.unlink()
    report.mkdir()
    ran = check(bare, "coverage", "coverage.percent")
    assert "is a directory" in refused(
        ran, "coverage", "unreadable", ".gates/hostile/coverage.json"
    )


def test_a_tool_flooding_its_standard_output_is_recorded_in_bounded_memory(bare: Gates) -> None:
    flood = "import sys\nfor _ in range(64): sys.stdout.buffer.write(b'[' * (1 << 20))\n"
    with bounded():
        ran = bare.run(
            "hostile",
            "--tool",
            "flood",
            "--tool-version",
            "1",
            "--stdout",
            "coverage-json=flood.json",
            "--",
            PY,
            "-c",
            flood,
        )
    assert ran.code == 0
    assert (bare.root / ".gates" / "hostile" / "flood.json").stat().st_size == 64 << 20


# ru_maxrss survives exec (a child started by a large pytest process inherits its
# high-water mark), so the child reads its own: VmHWM, reset for every new program.
_PEAK_RSS = """\
import sys
from gates.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
print("peak-kib", peak, file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_every_hostile_report_at_once_in_a_small_process(bare: Gates, tmp_path: Path) -> None:
    """The whole process, not just the Python heap, stays small: its peak resident memory."""
    reports = [
        ("junit-xml=bomb.xml", BILLION_LAUGHS, "pytest"),
        ("junit-xml=quad.xml", QUADRATIC, "pytest"),
        ("junit-xml=xxe.xml", xxe(tmp_path / "secret"), "pytest"),
        ("coverage-json=deep.json", b"[" * 100_000 + b"]" * 100_000, "coverage"),
        ("coverage-json=dup.json", b'{"a": 1, "a": 2}', "coverage"),
        ("coverage-json=utf8.json", b'"\xff"', "coverage"),
    ]
    for index, (report, data, tool) in enumerate(reports):
        assert bare.replay("hostile", report, data, tool=tool, fresh=index == 0).code == 0
    with (bare.root / ".gates" / "hostile" / "coverage.json").open("wb") as huge:
        huge.truncate(1 << 30)  # not in the manifest: read by nobody
    policy = tmp_path / "all.toml"
    policy.write_text(
        '[gate.tests]\nmetric = "tests.failed"\nmax = 0\n'
        '[gate.coverage]\nmetric = "coverage.percent"\nmin = 0\n'
    )
    start = cpu_seconds()
    done = run_module(
        "check",
        "--config",
        str(policy),
        "--format",
        "json",
        cwd=bare.root,
        program=_PEAK_RSS,
        timeout=HANG,
    )
    assert cpu_seconds() - start < SECONDS
    assert done.returncode == 3, done.stderr
    peak_kib = int(done.stderr.rsplit("peak-kib ", 1)[1].split()[0])
    assert peak_kib * 1024 < 100 * MIB, f"peak RSS {peak_kib / 1024:.0f} MiB"
    for name in ("bomb.xml", "quad.xml", "xxe.xml", "deep.json", "dup.json", "utf8.json"):
        assert f".gates/hostile/{name}" in done.stdout
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------- the budget of reading


class _Stuck:
    """A reader that never returns on its own (within SECONDS of CPU): a hostile report's effect."""

    @staticmethod
    def read(_blob: object, _context: object) -> object:
        deadline = time.process_time() + SECONDS
        while time.process_time() < deadline:
            pass
        raise AssertionError("the budget did not stop the reader")


def test_a_report_over_the_time_budget_is_named_and_the_rest_is_judged(
    bare: Gates, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`[gates] max-report-seconds` reaches the reading: the stuck report is named, not waited for."""
    record(bare, "coverage-json=coverage.json", b"{}", tool="coverage")
    real = readers.reader_for
    monkeypatch.setattr(
        evidence_module,
        "reader_for",
        lambda fmt: cast("Reader", _Stuck) if fmt == "coverage-json" else real(fmt),
    )
    policy = bare.root.parent / "budget.toml"
    policy.write_text(
        "[gates]\nmax-report-seconds = 1\n"
        '[gate.c]\nmetric = "coverage.percent"\nstage = "hostile"\nmin = 1\n'
    )
    with bounded(seconds=SECONDS / 2):  # the reader alone would spend SECONDS
        ran = bare.check(config=policy)
    message = refused(ran, "c", "time-budget", ".gates/hostile/coverage.json")
    assert "took more than 1 CPU seconds to read (`max-report-seconds`)" in message
