"""OSV's range semantics: which versions an advisory's ``affected`` entries hold."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from packaging.version import Version

from gates.osv.advisories import Advisory, Affected, Range
from gates.osv.match import affects, in_range, matches

WHEN = datetime(2026, 11, 30, tzinfo=UTC)


def _range(*events: tuple[str, str]) -> Range:
    return Range(tuple(events))


def _advisory(
    ident: str, *entries: Affected, aliases: tuple[str, ...] = (), withdrawn: bool = False
) -> Advisory:
    return Advisory(ident, WHEN, aliases, "", "high", entries, withdrawn)


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.1", True), ("2.19.1", True), ("2.20.0", False), ("2.20.0rc1", True), ("3.0", False)],
)
def test_introduced_zero_to_fixed_excludes_the_fix(version: str, expected: bool) -> None:
    span = _range(("introduced", "0"), ("fixed", "2.20.0"))
    assert in_range(span, Version(version)) is expected


@pytest.mark.parametrize(
    ("version", "expected"), [("2.2.9", False), ("2.3.0", True), ("2.30.9", True), ("2.31", False)]
)
def test_introduced_above_zero_starts_at_its_version(version: str, expected: bool) -> None:
    span = _range(("introduced", "2.3.0"), ("fixed", "2.31.0"))
    assert in_range(span, Version(version)) is expected


@pytest.mark.parametrize(
    ("version", "expected"), [("1.11.0", True), ("1.11", True), ("1.11.0.post1", False)]
)
def test_last_affected_includes_its_version(version: str, expected: bool) -> None:
    span = _range(("introduced", "0"), ("last_affected", "1.11.0"))
    assert in_range(span, Version(version)) is expected


def test_an_introduced_range_without_an_end_holds_every_later_version() -> None:
    span = _range(("introduced", "1.0"))
    assert [in_range(span, Version(v)) for v in ("0.9", "1.0", "99")] == [False, True, True]


@pytest.mark.parametrize(
    ("version", "expected"),
    [("1.0", True), ("1.5", False), ("2.0", False), ("3.0", True), ("3.1", False), ("4", False)],
)
def test_events_in_any_order_make_several_intervals(version: str, expected: bool) -> None:
    span = _range(("fixed", "3.1"), ("introduced", "3.0"), ("fixed", "1.5"), ("introduced", "1.0"))
    assert in_range(span, Version(version)) is expected


def test_limit_ends_every_interval() -> None:
    span = _range(("introduced", "0"), ("limit", "2.0"))
    assert [in_range(span, Version(v)) for v in ("1.9", "2.0", "5")] == [True, False, False]


def test_a_listed_version_is_affected_as_a_python_version() -> None:
    entry = Affected("requests", (), frozenset({"2.19.0", "not a version"}))
    assert affects(entry, Version("2.19")) is True
    assert affects(entry, Version("2.19.1")) is False


def test_names_match_after_pep_503_normalisation() -> None:
    entry = Affected("zope-interface", (_range(("introduced", "0"), ("fixed", "5")),), frozenset())
    found = matches([_advisory("GHSA-1", entry)], "Zope.Interface", Version("4.7"))
    assert [m.advisory.id for m in found] == ["GHSA-1"]
    assert matches([_advisory("GHSA-1", entry)], "zope-interface-x", Version("4.7")) == []


def test_two_entries_of_one_package_and_their_fixes() -> None:
    low = Affected("urllib3", (_range(("introduced", "0"), ("fixed", "1.26.17")),), frozenset())
    high = Affected("urllib3", (_range(("introduced", "2.0.0"), ("fixed", "2.0.6")),), frozenset())
    advisory = _advisory("GHSA-v845-jxx5-vc9f", low, high)
    assert [m.fixed for m in matches([advisory], "urllib3", Version("2.0.5"))] == [("2.0.6",)]
    assert [m.fixed for m in matches([advisory], "urllib3", Version("1.26.5"))] == [("1.26.17",)]
    assert matches([advisory], "urllib3", Version("1.26.17")) == []
    assert matches([advisory], "urllib3", Version("2.0.6")) == []


def test_a_withdrawn_advisory_matches_nothing() -> None:
    entry = Affected("py", (_range(("introduced", "0")),), frozenset())
    assert matches([_advisory("GHSA-2", entry, withdrawn=True)], "py", Version("1.0")) == []


def test_one_vulnerability_recorded_twice_is_one_match_under_its_pysec_id() -> None:
    entry = Affected(
        "requests", (_range(("introduced", "2.3.0"), ("fixed", "2.31.0")),), frozenset()
    )
    ghsa = _advisory("GHSA-j8r2-6x86-q33q", entry, aliases=("CVE-2023-32681", "PYSEC-2023-74"))
    pysec = _advisory("PYSEC-2023-74", entry, aliases=("CVE-2023-32681", "GHSA-j8r2-6x86-q33q"))
    other = _advisory(
        "PYSEC-2018-28", Affected("requests", (_range(("introduced", "0")),), frozenset())
    )
    found = matches([ghsa, other, pysec], "requests", Version("2.19.1"))
    assert [m.advisory.id for m in found] == ["PYSEC-2018-28", "PYSEC-2023-74"]
