"""The pylint-duplicate-code-json reader against pylint's real json2 (tests/assets/pylint/4.1.5/)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from gates.catalog.tools import ok_exit_codes
from gates.errors import EvidenceError
from gates.model.reports import Duplicate, ReportData, Severity
from gates.readers import KINDS, READERS, Reader
from gates.readers.complexity import pylint_duplicates
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "pylint" / "4.1.5"
CONTEXT = ReadContext("/repo")  # pylint wrote paths relative to where it ran
READER: Reader = pylint_duplicates
DUPLICATE = Duplicate(
    "app/copy.py", 5, 25, 21, ("app/copy.py:5-25", "app/tangled.py:5-25")
)  # the function bodies of copy.py and tangled.py: lines 5-25 of each


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"pylint/{name}")


def recorded(name: str) -> dict[str, Any]:
    value = json.loads((ASSETS / name).read_bytes())
    assert isinstance(value, dict)
    return value


def derived(value: object) -> Blob:
    return Blob("derived/pylint.json", json.dumps(value).encode(), "")


def read(blob: Blob) -> ReportData:
    return READER.read(blob, CONTEXT)


def exits() -> dict[str, int]:
    lines = (ASSETS / "exit-codes.txt").read_text().splitlines()
    return {name: int(code) for name, code in (line.split() for line in lines)}


def test_module_names_its_format_and_tool_and_is_registered() -> None:
    assert (pylint_duplicates.FORMAT, pylint_duplicates.TOOL) == (
        "pylint-duplicate-code-json",
        "pylint",
    )
    assert READERS["pylint-duplicate-code-json"] is pylint_duplicates
    assert KINDS["pylint-duplicate-code-json"].value == "findings"


def test_a_duplicated_block_is_a_finding_naming_every_place() -> None:
    data = read(asset("clean.json"))
    assert list(data.problems) == []
    assert list(data.duplicates or ()) == [DUPLICATE]
    got = [(f.tool, f.rule, f.severity, f.path, f.line, f.end, f.message) for f in data.findings]
    assert got == [
        (
            "pylint",
            "duplicate-code",
            Severity.LOW,
            "app/copy.py",
            5,
            25,
            "21 lines duplicated in 2 places: app/copy.py:5-25, app/tangled.py:5-25",
        )
    ]


def test_the_lines_are_the_ones_pylint_quotes() -> None:
    """pylint's [4:25] is 0-based, end excluded: the quoted code is lines 5-25 of the file."""
    (message,) = recorded("clean.json")["messages"]
    quoted = message["message"].split("\n")[3:]
    source = (ASSETS / "project" / "app" / "tangled.py").read_text().splitlines()
    assert quoted == source[DUPLICATE.line - 1 : DUPLICATE.end]


def test_each_place_is_a_file_found_from_the_module_the_message_sits_on() -> None:
    """pylint puts the message on the module it checked last; a package's file is __init__.py."""
    report = copy.deepcopy(recorded("clean.json"))
    message = report["messages"][0]
    message["module"], message["path"] = "app", "src/app/__init__.py"
    message["message"] = message["message"].replace("==app.tangled:", "==app.__init__:")
    (duplicate,) = read(derived(report)).duplicates or ()
    assert duplicate.places == ("src/app/copy.py:5-25", "src/app/__init__.py:5-25")
    assert (duplicate.path, duplicate.line, duplicate.end) == ("src/app/copy.py", 5, 25)


def test_a_file_that_does_not_parse_and_a_missing_path_are_problems() -> None:
    data = read(asset("report.json"))
    assert [(p.slug, p.subject) for p in data.problems] == [("scan-errors", "app/broken.py")]
    assert "invalid syntax" in data.problems[0].message
    assert list(data.duplicates or ()) == [DUPLICATE]  # the other files are still read
    missing = read(asset("missing.json"))
    assert [(p.slug, p.subject) for p in missing.problems] == [("scan-errors", "nowhere")]


def test_the_recorded_exit_codes_are_the_ones_the_catalogue_expects() -> None:
    ok = ok_exit_codes("pylint", None)
    codes = exits()
    assert {name for name, code in codes.items() if code not in ok} == {"missing.json"}


def test_no_duplicate_is_an_empty_list_not_a_missing_one() -> None:
    data = read(asset("empty.json"))
    assert (list(data.findings), list(data.problems), data.duplicates) == ([], [], [])


def _broken(change: str) -> dict[str, Any]:
    report = copy.deepcopy(recorded("clean.json"))
    message = report["messages"][0]
    if change == "count":
        message["message"] = message["message"].replace("in 2 files", "in 3 files")
    elif change == "one-place":
        message["message"] = message["message"].replace("==app.copy:[4:25]\n", "")
    elif change == "span":
        message["message"] = message["message"].replace("[4:25]", "[25:4]")
    elif change == "digits":
        message["message"] = message["message"].replace("[4:25]", "[\u0664:25]")
    elif change == "bracket":
        message["message"] = message["message"].replace("[4:25]", "(4:25)")
    elif change == "module":
        message["module"] = "app.elsewhere"
    elif change == "path":
        message["path"] = "app/tangled_too.py"
    elif change == "statistics":
        del report["statistics"]
    elif change == "messages":
        report["messages"] = {}
    return report


@pytest.mark.parametrize(
    "change",
    [
        "count",
        "one-place",
        "span",
        "digits",
        "bracket",
        "module",
        "path",
        "statistics",
        "messages",
    ],
)
def test_a_report_of_another_shape_is_malformed_never_a_traceback(change: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(derived(_broken(change)))
    assert caught.value.slug == "malformed-report"
    assert caught.value.path == "derived/pylint.json"


@pytest.mark.parametrize("text", [b"", b"{", b"[]", b'{"messages": []}', b"\xff\xfe"])
def test_a_truncated_or_foreign_report_is_refused_with_a_named_problem(text: bytes) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(Blob("derived/pylint.json", text, ""))
    assert caught.value.slug
    assert caught.value.path == "derived/pylint.json"


def test_the_package_pylint_was_given_is_its_init_not_a_module_of_that_name() -> None:
    """pylint names lib/__init__.py `lib` (the package on its command line), `lib.x.__init__`
    below it: `lib` is the package the message's other module `lib.tools` sits in."""
    assert read(asset("package.json")).duplicates == [
        Duplicate("lib/tools.py", 5, 12, 8, ("lib/tools.py:5-12", "lib/__init__.py:5-12"))
    ]


def test_a_bare_name_is_a_package_when_its_folder_holds_the_init(tmp_path: Path) -> None:
    """No other module of the message sits in `lib`: the files under the root decide."""
    value = recorded("package.json")
    message = value["messages"][0]
    message["message"] = message["message"].replace("==lib.tools:", "==tools:")
    message.update(module="tools", path="tools.py")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    found = READER.read(derived(value), ReadContext(tmp_path.as_posix())).duplicates or ()
    assert [d.places for d in found] == [("tools.py:5-12", "lib/__init__.py:5-12")]
    (tmp_path / "lib.py").write_text("")  # a module beside it is what pylint would name `lib`
    found = READER.read(derived(value), ReadContext(tmp_path.as_posix())).duplicates or ()
    assert [d.places for d in found] == [("tools.py:5-12", "lib.py:5-12")]
