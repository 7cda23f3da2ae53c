"""The git-numstat reader against git's real output (tests/assets/git/)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.model.reports import PatchCoverage, PatchFile, ReportData
from gates.readers.interface import ReadContext
from gates.readers.patch import git_numstat
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "git" / "2.39.5"
CONTEXT = ReadContext("/repository")
HEADER = "# git diff --numstat main...HEAD -- *.py\n"


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"git/{name}")


def derived(text: str) -> Blob:
    data = text.encode()
    return Blob("derived/numstat.txt", data, hashlib.sha256(data).hexdigest())


def read(blob: Blob) -> ReportData:
    return git_numstat.read(blob, CONTEXT)


def paths(result: ReportData) -> list[str]:
    assert result.patch is not None
    return [item.path for item in result.patch.files]


def test_module_names_its_format_and_tool() -> None:
    assert (git_numstat.FORMAT, git_numstat.TOOL) == ("git-numstat", "git")


# ------------------------------------------------------------------ real output


def test_python_change_counts_added_lines_of_every_file() -> None:
    result = read(asset("feature.txt"))
    assert result.tool == "git"
    assert result.patch is not None
    assert result.patch.diff == "main...HEAD"
    # added.py 2, the binary blob.py none, core.py 5, the deleted gone.py none, three others 1
    assert result.patch.changed_lines == 10
    assert paths(result) == [
        "pkg/added.py",
        "pkg/blob.py",
        "pkg/core.py",
        "pkg/gone.py",
        "pkg/h\N{LATIN SMALL LETTER E WITH ACUTE}llo.py",
        "pkg/new/moved.py",
        "pkg/with space.py",
    ]
    assert all(item.covered == [] and item.missing == [] for item in result.patch.files)
    assert result.counts == {}
    assert result.problems == ()


def test_renames_give_the_new_path() -> None:
    result = read(asset("rename-only.txt"))
    assert result.patch is not None
    assert result.patch.changed_lines == 0
    assert paths(result) == [
        "pkg/new/h\N{LATIN SMALL LETTER E WITH ACUTE}llo.py",
        "pkg/renamed.py",
        "top_level.py",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "docs-only.txt",
        "no-changes.txt",
        "paired-with-diff-cover/docs-only.txt",
        "paired-with-diff-cover/no-changes.txt",
    ],
)
def test_header_alone_means_no_python_change(name: str) -> None:
    result = read(asset(name))
    assert result.patch == PatchCoverage(files=[], diff="main...HEAD", changed_lines=0)


def test_paired_feature_diff_counts_tests_too() -> None:
    result = read(asset("paired-with-diff-cover/feature.txt"))
    assert result.patch is not None
    assert result.patch.changed_lines == 20
    assert paths(result) == ["checks/check_core.py", "pkg/core.py", "pkg/extra.py"]


# ------------------------------------------------------------------ git's path notations


@pytest.mark.parametrize(
    ("field", "path"),
    [
        ("pkg/{ => new}/moved.py", "pkg/new/moved.py"),
        ("pkg/{new => }/moved.py", "pkg/moved.py"),
        ("{a => b}/x.py", "b/x.py"),
        ('plain.py => "h\\303\\251.py"', "h\N{LATIN SMALL LETTER E WITH ACUTE}.py"),
        ('"h\\303\\251.py" => plain.py', "plain.py"),
        ('"tab\\there.py"', "tab\there.py"),
        ('"quote\\"d.py"', 'quote"d.py'),
        ('"raw \N{CJK UNIFIED IDEOGRAPH-65E5}\\n.py"', "raw \N{CJK UNIFIED IDEOGRAPH-65E5}\n.py"),
        ("./odd/../dir/x.py", "dir/x.py"),
        ("line\u2028separator.py", "line\u2028separator.py"),
    ],
)
def test_path_notations(field: str, path: str) -> None:
    assert paths(read(derived(f"{HEADER}1\t0\t{field}\n"))) == [path]


def test_header_revisions_and_options_are_read() -> None:
    text = "# git diff --numstat --no-renames origin/main...HEAD -- '*.py' '*.pyi'\n3\t0\ta.py\n"
    result = read(derived(text))
    assert result.patch == PatchCoverage(
        files=[PatchFile("a.py", [], [], added=3)], diff="origin/main...HEAD", changed_lines=3
    )


def test_windows_line_endings_are_accepted() -> None:
    result = read(derived(HEADER.replace("\n", "\r\n") + "1\t0\ta.py\r\n"))
    assert paths(result) == ["a.py"]


# ------------------------------------------------------------------ refused output

REFUSED = [
    pytest.param("1\t0\ta.py\n", "first line should be the header", id="no-header"),
    pytest.param("# git log --numstat main...HEAD -- *.py\n", "header", id="not-diff"),
    pytest.param("# git diff --stat main...HEAD -- *.py\n", "header", id="not-numstat"),
    pytest.param("# git diff --numstat main...HEAD\n", "header", id="no-pathspec-separator"),
    pytest.param(
        "# git diff --numstat main...HEAD --\n", "revisions and a pathspec", id="no-pathspec"
    ),
    pytest.param("# git diff --numstat -- *.py\n", "revisions and a pathspec", id="no-revisions"),
    pytest.param(HEADER + "1 0 a.py\n", "line 2 is not", id="spaces"),
    pytest.param(HEADER + "1\t0\t\n", "line 2 is not", id="no-path"),
    pytest.param(HEADER + "\n", "line 2 is not", id="blank-line"),
    pytest.param(HEADER + "1\t0\ta.py\n# again\n", "line 3 is not", id="second-comment"),
    pytest.param(HEADER + "x\t0\ta.py\n", "line 2 has counts", id="counts-text"),
    pytest.param(HEADER + "-\t0\ta.py\n", "line 2 has counts", id="half-binary"),
    pytest.param(HEADER + "-1\t0\ta.py\n", "line 2 has counts", id="negative"),
    pytest.param(HEADER + "\u00b2\t0\ta.py\n", "line 2 has counts", id="superscript"),
    pytest.param("\ufeff", "first line should be the header", id="only-a-bom"),
    pytest.param(HEADER + '1\t0\t"open.py\n', "unterminated", id="unterminated"),
    pytest.param(HEADER + '1\t0\t"bad\\q.py"\n', "quoted path", id="bad-escape"),
    pytest.param(HEADER + '1\t0\t"\\377.py"\n', "quoted path", id="not-utf8"),
    pytest.param(HEADER + '1\t0\t"a.py" -> "b.py"\n', "did not write", id="bad-rename"),
]


@pytest.mark.parametrize(("text", "fragment"), REFUSED)
def test_output_the_stage_did_not_write_is_refused(text: str, fragment: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(derived(text))
    assert caught.value.slug == "malformed-report"
    assert "derived/numstat.txt" in str(caught.value)
    assert fragment in str(caught.value)


def test_invalid_utf8_is_refused() -> None:
    data = HEADER.encode() + b"1\t0\t\xff.py\n"
    with pytest.raises(EvidenceError) as caught:
        read(Blob("derived/numstat.txt", data, hashlib.sha256(data).hexdigest()))
    assert caught.value.slug == "invalid-utf8"


def test_a_project_in_a_sub_folder_names_its_files_from_its_own_root() -> None:
    """git names files from the work tree's top; coverage and gate globs from the project's."""
    blob = derived(HEADER + "2\t0\tbackend/mini/extra.py\n1\t1\tother/x.py\n")
    result = git_numstat.read(blob, ReadContext("/repository/backend", git_prefix="backend/"))
    assert paths(result) == ["mini/extra.py", "other/x.py"]
