"""The noxfile gates init writes passes the project's own ruff and isort settings.

Each case is a fixture project with strict settings; the real ruff (check with
every rule, and format --check) and the real isort judge the file written.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from gates.init.noxstyle import Style, read_style
from gates.init.scaffold import detect, render_noxfile

_RUFF_ALL = """\
[tool.ruff]
line-length = {length}
[tool.ruff.format]
quote-style = "{quotes}"
[tool.ruff.lint]
select = ["ALL"]
ignore = ["D203", "D213", "COM812", "ISC001", "CPY001"]
[tool.ruff.lint.flake8-quotes]
inline-quotes = "{quotes}"
[tool.ruff.lint.isort]
{isort}
"""

_CASES = {
    "79 columns, single quotes, one import a line, spaced": _RUFF_ALL.format(
        length=79,
        quotes="single",
        isort="force-single-line = true\nlines-after-imports = 2\nlines-between-types = 1\n"
        'required-imports = ["from __future__ import annotations"]',
    ),
    "sorted within sections, 60 columns": _RUFF_ALL.format(
        length=60, quotes="double", isort="force-sort-within-sections = true"
    ),
    "from-imports first": _RUFF_ALL.format(length=88, quotes="double", isort="from-first = true"),
    "legacy top-level settings, flake8-quotes": (
        "[tool.ruff]\nline-length = 72\nselect = ['E', 'W', 'F', 'I', 'Q']\n"
        "[tool.ruff.flake8-quotes]\ninline-quotes = 'single'\n"
        "[tool.ruff.format]\nquote-style = 'single'\n"
    ),
}


@pytest.fixture(autouse=True)
def _no_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """gates init asks uv whether the groups install (the index): not in these tests."""
    monkeypatch.setattr("gates.init.environment.devenv._uv_binary", lambda: None)


def _project(root: Path, pyproject: str) -> Path:
    for name, text in {
        "pyproject.toml": '[project]\nname = "a-rather-long-project-name"\nversion = "1"\n'
        'requires-python = ">=3.8"\n[dependency-groups]\ndev = ["pytest"]\ntyping = ["mypy"]\n'
        'test = ["pytest"]\n' + pyproject,
        "src/a_rather_long_project_name/__init__.py": "",
        "tests/test_a.py": "",
        "benchmarks/bench.py": "def test_b(benchmark): ...\n",
        "mypy.ini": "[mypy]\nfiles = src, tests\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _ruff(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "noxfile.py"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("case", sorted(_CASES))
def test_the_noxfile_passes_the_projects_ruff(tmp_path: Path, case: str) -> None:
    root = _project(tmp_path, _CASES[case])
    layout = replace(detect(root), audit=("-r", "requirements.txt"), lock="../uv.lock")
    (root / "noxfile.py").write_text(render_noxfile(layout))
    check = _ruff(root, "check", "--no-fix", "--output-format", "concise")
    assert check.returncode == 0, check.stdout + check.stderr
    formatted = _ruff(root, "format", "--check", "--diff")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    compile(render_noxfile(layout), "noxfile.py", "exec")


@pytest.mark.parametrize(
    ("settings", "style"),
    [
        (
            '[tool.isort]\nprofile = "google"\nline_length = 79\nlines_after_imports = 2\n',
            Style(line_length=79, force_sort_within_sections=True, lines_after_imports=2),
        ),
        (
            (
                "[tool.isort]\nprofile = 'black'\nforce_single_line = true\n"
                "lines_between_types = 1\nadd_imports = ['from __future__ import annotations']\n"
            ),
            Style(
                line_length=88,
                lines_between_types=1,
                required_imports=("from __future__ import annotations",),
            ),
        ),
    ],
)
def test_the_noxfile_passes_the_projects_isort(tmp_path: Path, settings: str, style: Style) -> None:
    pytest.importorskip("isort", reason="the [test] extra installs isort")
    root = _project(tmp_path, settings)
    assert read_style(root) == style
    (root / "noxfile.py").write_text(render_noxfile(detect(root)))
    result = subprocess.run(
        [sys.executable, "-m", "isort", "--check-only", "--diff", "noxfile.py"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("files", "style"),
    [
        ({"setup.cfg": "[flake8]\nmax-line-length = 99\n"}, Style(line_length=99)),
        (
            {"tox.ini": "[isort]\nforce_sort_within_sections = 1\n"},
            Style(force_sort_within_sections=True),
        ),
        (
            {".isort.cfg": "[settings]\nline_length = 70\nfrom_first = true\n"},
            Style(line_length=70, from_first=True),
        ),
        ({"pyproject.toml": "[tool.black]\nline-length = 100\n"}, Style(line_length=100)),
        ({"ruff.toml": "line-length = 90\nindent-width = 2\n"}, Style(line_length=90, indent=2)),
        (
            {"pyproject.toml": "[tool.ruff.lint.isort]\nlines-after-imports = -1\n"},
            Style(),  # -1: as the formatter decides
        ),
    ],
)
def test_the_style_is_read_from_each_tools_own_file(
    tmp_path: Path, files: dict[str, str], style: Style
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert read_style(tmp_path) == style
