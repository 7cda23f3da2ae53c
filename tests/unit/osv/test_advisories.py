"""Reading a folder of OSV advisories: the real fixtures, and every way it fails closed."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gates.osv.advisories import read_folder

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "osv" / "advisories"
NOW = datetime(2025, 7, 1, tzinfo=UTC)


def _folder(tmp_path: Path, **files: object) -> Path:
    folder = tmp_path / "osv"
    shutil.copytree(ASSETS, folder)
    for name, content in files.items():
        path = folder / f"{name}.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return folder


def _reasons(folder: Path) -> list[str]:
    return [f"{Path(e.path).name}: {e.reason}" for e in read_folder(folder, now=NOW).errors]


def test_the_fixtures_are_read_whole() -> None:
    found = read_folder(ASSETS, now=NOW)
    assert found.errors == ()
    by_id = {a.id: a for a in found.advisories}
    assert sorted(by_id) == [
        "GHSA-462w-v97r-4m45",
        "GHSA-j8r2-6x86-q33q",
        "GHSA-v845-jxx5-vc9f",
        "GHSA-w596-4wvx-j9j6",
        "PYSEC-2018-28",
    ]
    assert found.newest == datetime(2025, 6, 2, 9, 11, 8, tzinfo=UTC)
    requests = by_id["PYSEC-2018-28"]
    assert requests.severity == "high"  # no severity given: pip-audit's conservative choice
    assert [r.events for r in requests.affected[0].ranges] == [
        (("introduced", "0"), ("fixed", "2.20.0"))  # the GIT range is not read
    ]
    assert by_id["GHSA-j8r2-6x86-q33q"].severity == "medium"  # MODERATE
    assert by_id["GHSA-462w-v97r-4m45"].affected[0].name == "jinja2"


def test_a_missing_folder_is_an_error_not_an_empty_database(tmp_path: Path) -> None:
    found = read_folder(tmp_path / "nowhere", now=NOW)
    assert (found.advisories, [e.reason for e in found.errors]) == ((), ["does not exist"])


def test_a_file_instead_of_a_folder(tmp_path: Path) -> None:
    (tmp_path / "osv").write_text("{}")
    assert [e.reason for e in read_folder(tmp_path / "osv", now=NOW).errors] == ["is not a folder"]


def test_an_empty_folder_reads_nothing(tmp_path: Path) -> None:
    (tmp_path / "osv").mkdir()
    (tmp_path / "osv" / "README.md").write_text("not an advisory")
    found = read_folder(tmp_path / "osv", now=NOW)
    assert (found.advisories, found.errors, found.newest) == ((), (), None)


def test_a_file_that_is_not_json(tmp_path: Path) -> None:
    reasons = _reasons(_folder(tmp_path, broken='{"id": "X-1", "modified": '))
    assert len(reasons) == 1
    assert reasons[0].startswith("broken.json: ")


def test_an_empty_file(tmp_path: Path) -> None:
    reasons = _reasons(_folder(tmp_path, empty=""))
    assert len(reasons) == 1
    assert reasons[0].startswith("empty.json: is empty (0 bytes of content)")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ([1, 2], "an object"),
        ({"modified": "2025-01-01T00:00:00Z"}, "`id` is missing"),
        ({"id": "X-1"}, "`modified` is missing"),
        ({"id": "X-1", "modified": "yesterday"}, "not an RFC 3339 time"),
        ({"id": "X-1", "modified": "2025-01-01T00:00:00"}, "no time zone"),
        ({"id": "X-1", "modified": "2099-01-01T00:00:00Z"}, "is in the future"),
        (
            {"id": "X-1", "modified": "2025-01-01T00:00:00Z", "aliases": [1]},
            "not a list of strings",
        ),
    ],
)
def test_a_json_file_that_is_not_an_osv_advisory(
    tmp_path: Path, content: object, says: str
) -> None:
    reasons = _reasons(_folder(tmp_path, hostile=content))
    assert len(reasons) == 1
    assert reasons[0].startswith("hostile.json: ")
    assert says in reasons[0]


def _affected(*events: dict[str, str]) -> dict[str, object]:
    return {
        "id": "X-2",
        "modified": "2025-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "requests"},
                "ranges": [{"type": "ECOSYSTEM", "events": list(events)}],
            }
        ],
    }


@pytest.mark.parametrize(
    ("events", "says"),
    [
        (({"introduced": "0"}, {"fixed": "not-a-version!"}), "is not a Python version"),
        (({"fixed": "1.0"},), "has no introduced event"),
        (({"introduced": "0", "fixed": "1.0"},), "is not one OSV range event"),
        (({"introduced": "0"}, {"patched": "1.0"}), "is not one OSV range event"),
        ((), "has no introduced event"),
    ],
)
def test_a_range_gates_cannot_read(
    tmp_path: Path, events: tuple[dict[str, str], ...], says: str
) -> None:
    reasons = _reasons(_folder(tmp_path, bad=_affected(*events)))
    assert len(reasons) == 1
    assert says in reasons[0]


def test_other_ecosystems_are_read_but_not_kept(tmp_path: Path) -> None:
    npm = _affected({"introduced": "0"}, {"fixed": "not a python version"})
    npm["affected"][0]["package"]["ecosystem"] = "npm"  # type: ignore[index]
    found = read_folder(_folder(tmp_path, npm=npm), now=NOW)
    assert found.errors == ()
    assert [a.affected for a in found.advisories if a.id == "X-2"] == [()]


def test_a_pypi_entry_with_only_git_ranges_cannot_be_matched(tmp_path: Path) -> None:
    git_only = _affected({"introduced": "0"}, {"fixed": "1.0"})
    git_only["affected"][0]["ranges"][0]["type"] = "GIT"  # type: ignore[index]
    reasons = _reasons(_folder(tmp_path, git=git_only))
    assert reasons == [
        "git.json: affected[0] affects requests with no version range and no versions"
    ]


def test_a_device_or_an_oversized_file_is_refused_not_read(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "device.json").symlink_to("/dev/zero")
    with (folder / "huge.json").open("wb") as handle:
        handle.truncate(9 * 1024 * 1024)
    found = read_folder(folder, now=NOW)
    assert sorted(Path(e.path).name for e in found.errors) == ["device.json", "huge.json"]
    assert len(found.advisories) == 5
