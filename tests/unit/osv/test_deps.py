"""What the offline audit examines: pip-audit's targets, resolved from pins and the environment."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from packaging.version import Version

from gates.osv.deps import Dependency, Skipped, resolve

INSTALLED = {"idna": "3.7", "urllib3": "2.0.5", "charset-normalizer": "3.3.2"}


def _requirements(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text(text)
    return path


def test_pins_are_audited_at_their_version_and_names_keep_their_spelling(tmp_path: Path) -> None:
    path = _requirements(tmp_path, "# the app\nrequests==2.19.1  # old\nJinja2===2.10\n")
    deps, skipped = resolve(["-r", str(path)], installed=INSTALLED)
    assert deps == [
        Dependency("Jinja2", Version("2.10")),
        Dependency("requests", Version("2.19.1")),
    ]
    assert skipped == []


def test_an_unpinned_requirement_is_audited_at_the_installed_version_that_satisfies_it(
    tmp_path: Path,
) -> None:
    path = _requirements(tmp_path, "idna>=3\nurllib3<2\ncertifi\n")
    deps, skipped = resolve(["-r", str(path)], installed=INSTALLED)
    assert deps == [Dependency("idna", Version("3.7"))]
    assert skipped == [
        Skipped("urllib3", "the installed 2.0.5 does not satisfy <2"),
        Skipped("certifi", "not pinned (==) and not installed in the audit's environment"),
    ]


def test_hashes_continuations_and_markers(tmp_path: Path) -> None:
    text = (
        "requests==2.31.0 \\\n    --hash=sha256:aaaa \\\n    --hash=sha256:bbbb\n"
        'pywin32==306; sys_platform == "nonexistent"\n'
    )
    deps, skipped = resolve(["-r", str(_requirements(tmp_path, text))], installed={})
    assert (deps, skipped) == ([Dependency("requests", Version("2.31.0"))], [])


def test_what_it_cannot_read_is_skipped_with_the_reason(tmp_path: Path) -> None:
    path = _requirements(tmp_path, "-e ./local\nnot a requirement!\nlegacy===1.0-custom\n")
    deps, skipped = resolve(
        ["-r", str(path), "--no-deps", "-r", str(tmp_path / "gone.txt")], installed={}
    )
    assert deps == []
    assert [s.name for s in skipped] == [
        "-e ./local",
        "not a requirement!",
        "legacy",
        "--no-deps",
        str(tmp_path / "gone.txt"),
    ]
    assert skipped[2].reason == "its pinned version '1.0-custom' is not a Python version"


def test_a_project_folder_is_its_installed_dependency_closure(tmp_path: Path) -> None:
    # gates itself is installed in the test environment: its requirements are the closure
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "gates"\n')
    deps, skipped = resolve([str(tmp_path)])
    names = {d.name.lower() for d in deps}
    assert "packaging" in names
    assert "gates" not in names  # the project itself is not a dependency
    assert {d.name: d.version for d in deps}["packaging"] == Version(metadata.version("packaging"))
    assert skipped == []


def test_a_project_that_is_not_installed_or_has_no_name(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "not-installed-here"\n')
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "pyproject.toml").write_text("[tool.x]\n")
    deps, skipped = resolve([str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "c")])
    assert deps == []
    assert [s.reason for s in skipped] == [
        "the project is not installed in the audit's environment",
        "its pyproject.toml has no [project] name",
        "no readable pyproject.toml (FileNotFoundError)",
    ]
