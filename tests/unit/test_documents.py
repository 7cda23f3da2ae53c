"""The [gates] unaffected default: Markdown and reStructuredText, unless a stage reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.init.documents import unaffected_documents


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_documents_no_stage_reads_are_unaffected(tmp_path: Path) -> None:
    _write(tmp_path, {"README.md": "", "docs/index.rst": "", "tests/test_a.py": "", "pkg/a.py": ""})
    assert unaffected_documents(tmp_path, ["tests", "pkg"], ["pytest tests"]) == (
        ("*.md", "*.rst"),
        (),
    )


def test_a_suffix_of_a_file_where_the_stages_read_is_not(tmp_path: Path) -> None:
    """markdown-it-py: its tests parse tests/test_port/fixtures/*.md."""
    _write(
        tmp_path,
        {
            "tests/test_port/fixtures/commonmark_extras.md": "",
            "tests/README.md": "",  # a fixture names it better than a README
            "tests/test_port/test_fixtures.py": "",
            "benchmarking/samples/spec.md": "",
            "docs/index.rst": "",
        },
    )
    assert unaffected_documents(tmp_path, ["tests"], []) == (
        ("*.rst",),
        (
            "*.md: .md files lie where the stages read (tests/test_port/fixtures/commonmark_extras.md)",
        ),
    )
    # a benchmark file stands for its folder
    found, _ = unaffected_documents(tmp_path / "benchmarking", ["bench_core.py"], [])
    assert found == ("*.rst",)


@pytest.mark.parametrize(
    ("files", "commands", "kept", "why"),
    [
        (
            {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = "--doctest-glob=*.rst"\n'},
            [],
            ("*.md",),
            "*.rst: pyproject.toml [tool.pytest] names .rst files",
        ),
        (
            {"tox.ini": "[pytest]\naddopts = --markdown-docs\n"},
            [],
            ("*.rst",),
            "*.md: tox.ini [pytest] uses markdown-docs, which collects .md files as tests",
        ),
        (
            {"tests/conftest.py": "from sybil import Sybil\n"},
            [],
            (),
            "*.md: tests/conftest.py uses sybil, which collects .md files as tests",
        ),
        ({}, ["pytest --doctest-glob=README.md"], ("*.rst",), "*.md: the test command"),
        # a project's README named elsewhere in pyproject.toml is no test configuration
        ({"pyproject.toml": '[project]\nreadme = "README.md"\n'}, [], ("*.md", "*.rst"), ""),
    ],
)
def test_a_suffix_the_test_configuration_mentions_is_not(
    tmp_path: Path, files: dict[str, str], commands: list[str], kept: tuple[str, ...], why: str
) -> None:
    _write(tmp_path, {**files, "tests/test_a.py": ""})
    found, reasons = unaffected_documents(tmp_path, ["tests"], commands)
    assert found == kept
    assert reasons[0].startswith(why) if why else reasons == ()
