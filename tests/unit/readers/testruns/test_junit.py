"""The junit-xml reader against pytest's (and mypy's) real JUnit XML.

The assets are in tests/assets/pytest/ and tests/assets/pytest-rerunfailures/;
each pytest run there also kept its summary line and its report-log, which
the last tests of this module hold the reader to (see ``_pytest_truth``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Outcome, ReportData, ResultTally
from gates.model.reports import TestCase as Case  # not "Test*": pytest would try to collect it
from gates.readers.interface import ReadContext
from gates.readers.testruns import junit
from gates.untrusted.safeio import Blob, read_blob
from tests.unit.readers import _pytest_truth as truth

ASSETS = truth.ASSETS / "pytest" / "9.2.0"
RERUNS = [truth.ASSETS / "pytest-rerunfailures" / version for version in truth.RERUNFAILURES]
ROOT = "/tmp/gates-pytest-fixture"  # noqa: S108 - where make.sh ran pytest; never written here
CONTEXT = ReadContext(ROOT)

PASSED, FAILED, ERROR, SKIPPED = Outcome.PASSED, Outcome.FAILED, Outcome.ERROR, Outcome.SKIPPED


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"pytest/{name}")


def derived(data: bytes) -> Blob:
    return Blob("derived/junit.xml", data, hashlib.sha256(data).hexdigest())


def edited(name: str, old: bytes, new: bytes) -> Blob:
    data = (ASSETS / name).read_bytes()
    assert old in data
    return derived(data.replace(old, new, 1))


def read(blob: Blob, root: str = ROOT) -> ReportData:
    return junit.read(blob, ReadContext(root))


def outcomes(result: ReportData) -> list[tuple[str, Outcome, str]]:
    assert result.tests is not None
    return [(case.id, case.outcome, case.message) for case in result.tests]


def counts(run: int, skipped: int) -> dict[Count, int]:
    return {Count.TESTS_RUN: run, Count.TESTS_SKIPPED: skipped}


def test_module_names_its_format_and_tool() -> None:
    assert (junit.FORMAT, junit.TOOL) == ("junit-xml", "pytest")


# ------------------------------------------------------------------ real reports


def test_passing_run_xunit2_derives_paths_from_the_classname() -> None:
    result = read(asset("passing.xml"))
    assert result.tool == "pytest"
    assert result.tests == [
        Case("passing.check_passing::check_one", PASSED, "", "passing/check_passing.py", 0, 0.001),
        Case(
            "passing.check_passing.CheckGroup::check_method",
            PASSED,
            "",
            "passing/check_passing.py",
            0,
            0.001,
        ),
    ]
    assert result.counts == counts(2, 0)
    assert result.tally == ResultTally(2, 0, 0, 0, 0, 0)
    assert result.problems == []


def test_xunit1_file_and_zero_based_line_become_path_and_line() -> None:
    result = read(asset("passing-xunit1.xml"))
    assert result.tests is not None
    # check_one is on line 1 (pytest writes line="0"), check_method on line 6
    assert [(case.path, case.line) for case in result.tests] == [
        ("passing/check_passing.py", 1),
        ("passing/check_passing.py", 6),
    ]


FAILING = [
    ("failing.check_failing::check_passes", PASSED, ""),
    ("failing.check_failing::check_fails", FAILED, "AssertionError: one is not two"),
    ("failing.check_failing::check_raises", FAILED, "ValueError: unexpected value"),
    (
        "failing.check_failing::check_passes_then_teardown_error",
        ERROR,
        'failed on teardown with "RuntimeError: teardown went wrong"',
    ),
    # written twice by pytest (call failure, then teardown error): merged, worst kept
    ("failing.check_failing::check_fails_then_teardown_error", FAILED, "assert 1 == 2"),
]


@pytest.mark.parametrize("name", ["failing.xml", "failing-xunit1.xml"])
def test_failures_and_errors_keep_the_first_message_line(name: str) -> None:
    result = read(asset(name))
    assert outcomes(result) == FAILING
    assert result.counts == counts(5, 0)
    assert result.problems == []


def test_failing_xunit1_lines() -> None:
    result = read(asset("failing-xunit1.xml"))
    assert result.tests is not None
    assert [case.line for case in result.tests] == [10, 14, 18, 22, 26]


def test_fixture_errors_are_errors() -> None:
    result = read(asset("fixture-error.xml"))
    assert outcomes(result) == [
        (
            "fixture_error.check_fixture_error::check_needs_database",
            ERROR,
            'failed on setup with "ConnectionError: database is down"',
        ),
        (
            "fixture_error.check_fixture_error::check_missing_fixture",
            ERROR,
            f'failed on setup with "file {ROOT}/fixture_error/check_fixture_error.py, line 13',
        ),
        ("fixture_error.check_fixture_error::check_fine", PASSED, ""),
        # a setup error and a teardown error: one element holding both
        (
            "fixture_error.check_fixture_error::check_setup_and_teardown_errors",
            ERROR,
            'failed on setup with "ConnectionError: database is down"',
        ),
        # a skip, then a teardown error: the error outranks the skip
        (
            "fixture_error.check_fixture_error::check_skipped_then_teardown_error",
            ERROR,
            'failed on teardown with "OSError: could not release the lock"',
        ),
    ]
    assert result.counts == counts(5, 0)
    # pytest printed "1 passed, 1 skipped, 5 errors"
    assert result.tally == ResultTally(passed=1, failed=0, errors=5, skipped=1, xfailed=0, rerun=0)


@pytest.mark.parametrize("name", ["collection-error.xml", "collection-error-xunit1.xml"])
def test_collection_errors_are_errors_named_by_module(name: str) -> None:
    result = read(asset(name))
    assert result.tests is not None
    assert [(case.id, case.outcome, case.message, case.path) for case in result.tests] == [
        (
            "collection_error.check_import_error",
            ERROR,
            "collection failure",
            "collection_error/check_import_error.py",
        ),
        (
            "collection_error.check_syntax_error",
            ERROR,
            "collection failure",
            "collection_error/check_syntax_error.py",
        ),
    ]
    assert result.counts == counts(2, 0)


def test_everything_skipped_is_a_problem() -> None:
    result = read(asset("all-skipped.xml"))
    assert outcomes(result) == [
        ("all_skipped.check_module_skipped", SKIPPED, "collection skipped"),
        ("all_skipped.check_all_skipped::check_marked_skip", SKIPPED, "not ready"),
        ("all_skipped.check_all_skipped::check_skipif", SKIPPED, "only on Python 2"),
        ("all_skipped.check_all_skipped::check_skip_inside", SKIPPED, "skipped at run time"),
    ]
    assert result.counts == counts(0, 4)
    assert [(problem.slug, problem.path) for problem in result.problems] == [
        ("all-skipped", "pytest/all-skipped.xml")
    ]


def test_nothing_collected_is_a_problem() -> None:
    result = read(asset("no-tests.xml"))
    assert result.tests == []
    assert result.counts == counts(0, 0)
    assert [(problem.slug, problem.path) for problem in result.problems] == [
        ("no-tests", "pytest/no-tests.xml")
    ]


def test_xfail_is_skipped_and_strict_xpass_is_a_failure() -> None:
    result = read(asset("xfail.xml"))
    assert outcomes(result) == [
        ("xfail.check_xfail::check_xfail_fails", SKIPPED, "known bug 123"),
        ("xfail.check_xfail::check_xpass_lenient", PASSED, ""),
        ("xfail.check_xfail::check_xpass_strict", FAILED, "[XPASS(strict)] must fail"),
        ("xfail.check_xfail::check_xfail_wrong_exception", FAILED, "ValueError: not a KeyError"),
        ("xfail.check_xfail::check_xfail_imperative", SKIPPED, "decided at run time"),
    ]
    assert result.counts == counts(3, 2)
    assert result.problems == []


def test_odd_parametrize_ids_are_kept_verbatim() -> None:
    result = read(asset("odd-ids.xml"))
    assert result.tests is not None
    names = [case.id.split("::", 1)[1] for case in result.tests]
    assert names == [
        "check_param[plain]",
        "check_param[\\xfcn\\xefc\\xf6d\\xe9]",
        "check_param[\\u65e5\\u672c]",
        "check_param[[brackets]]",
        "check_param[a::b]",
        "check_param[sp ace]",
        "check_param[tab\\there]",
        'check_param[quo"te]',
        "check_param[<&>]",
        "check_param[\\xe9::[x]]",
        "check_param[new\\nline]",
        "check_param[cr\\rret]",
        "check_param[back\\\\slash]",
        "check_param[a/b.c]",
        "check_param[it's]",
        "check_param[(paren)]",
        "check_param[#hash]",
        "check_custom_ids[first::id]",
        "check_custom_ids[second[id]]",
        "check_deep[0]",
        "check_deep[-1]",
    ]
    assert {case.path for case in result.tests} == {"odd_ids/check_odd_ids.py"}
    assert result.tests[-1].id == "odd_ids.check_odd_ids.CheckNested.CheckInner::check_deep[-1]"
    assert result.counts == counts(21, 0)


def test_hostile_messages_are_read_as_text() -> None:
    result = read(asset("hostile.xml"))
    assert [message for _, _, message in outcomes(result)] == [
        "AssertionError: message with ]]> inside",
        "AssertionError: bell#x07 null#x00 escape#x1B backspace#x08 del#x7F",
        "AssertionError: <failure message='x'/>&amp;</testcase>",
        "AssertionError: first line",
        "AssertionError: lone surrogate #xD800 and emoji \N{PARTY POPPER}",
    ]
    assert result.counts == counts(5, 0)


def test_times_are_read() -> None:
    result = read(asset("hostile.xml"))
    assert result.tests is not None
    assert [case.time for case in result.tests] == [0.002, 0.001, 0.001, 0.005, 0.001]


@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("mypy-2.4.1-errors.xml", FAILED),
        ("mypy-2.4.1-clean.xml", PASSED),
        ("mypy-2.4.1-per-file.xml", FAILED),
    ],
)
def test_mypy_junit_is_read_without_choking(name: str, outcome: Outcome) -> None:
    result = read(asset(f"other-producers/{name}"))
    assert result.tests is not None
    assert [(case.id.split(" ")[0], case.outcome) for case in result.tests] == [
        ("mypy::mypy-py3_11-linux", outcome)
    ]
    assert result.counts == counts(1, 0)


def test_passing_subtests_are_genuine_output_not_a_truncated_report() -> None:
    # jd/tenacity's case: `tests="9"` over 4 <testcase>, the 5 passing subtests have none
    result = read(asset("subtests-passing.xml"))
    assert [(case.id.rsplit(".", 1)[1], case.outcome) for case in result.tests or ()] == [
        ("CheckRetries::test_each_wait", PASSED),
        ("CheckRetries::test_no_subtests", PASSED),
        ("check_subtests_passing::check_with_fixture", PASSED),
        ("check_subtests_passing::check_plain", PASSED),
    ]
    assert result.counts == counts(4, 0)
    # pytest printed "4 passed, 5 subtests passed"
    assert result.tally == ResultTally(passed=9, failed=0, errors=0, skipped=0, xfailed=0, rerun=0)
    assert result.problems == []


SUBTESTS = [
    ("CheckUnittest::test_all_pass", PASSED, ""),
    # unittest: pytest reports the test itself as passed, its subtest as failed
    ("CheckUnittest::test_one_fails", FAILED, "AssertionError: 2 == 2"),
    # a skipped subtest is written like a skipped test: the test counts as skipped
    ("CheckUnittest::test_one_skipped", SKIPPED, "odd one out"),
    ("check_subtests::check_fixture_all_pass", PASSED, ""),
    # the subtest's failure, then the test's own "contains 1 failed subtest"
    ("check_subtests::check_fixture_one_fails", FAILED, "assert 1 != 1"),
    ("check_subtests::check_fixture_skip_and_xfail", SKIPPED, "not on this platform"),
    ("check_subtests::check_fails_after_subtests", FAILED, "assert 1 == 2"),
    ("check_subtests::check_plain", PASSED, ""),
]


@pytest.mark.parametrize("name", ["subtests.xml", "subtests-xunit1.xml"])
def test_a_failed_subtest_fails_its_test(name: str) -> None:
    result = read(asset(name))
    assert [(i.rsplit(".", 1)[1], o, m) for i, o, m in outcomes(result)] == SUBTESTS
    assert result.counts == counts(6, 2)
    # pytest printed "5 failed, 6 passed, 2 skipped, 1 xfailed, 15 subtests passed"
    assert result.tally == ResultTally(passed=21, failed=5, errors=0, skipped=2, xfailed=1, rerun=0)


RERUN_TESTS = [
    ("check_fails_then_passes", PASSED, 1),
    ("check_fails_every_attempt", FAILED, 2),
    ("check_passes", PASSED, 0),
    ("check_setup_error_then_passes", PASSED, 1),
    ("check_teardown_error_every_attempt", ERROR, 2),
    ("check_marker_passes_on_third_attempt", PASSED, 2),
    ("check_skipped", SKIPPED, 0),
    ("check_xfail", SKIPPED, 0),
]


@pytest.mark.parametrize("folder", RERUNS, ids=lambda folder: folder.name)
@pytest.mark.parametrize("name", ["reruns.xml", "reruns-xunit1.xml"])
def test_rerun_attempts_fold_into_one_test(folder: Path, name: str) -> None:
    blob = read_blob(folder / name, display=name)
    result = read(blob, "/tmp/gates-rerunfailures-fixture")  # noqa: S108 - never written here
    tests = result.tests or ()
    assert [(c.id.split("::")[1], c.outcome, c.reruns) for c in tests] == RERUN_TESTS
    # the empty <testcase> of each discarded attempt is no extra pass
    assert result.counts == counts(6, 2)
    assert [case.id.split("::")[1] for case in tests if case.flaky] == [
        "check_fails_then_passes",
        "check_setup_error_then_passes",
        "check_marker_passes_on_third_attempt",
    ]
    assert tests[1].message == "AssertionError: fails on every attempt"
    # pytest printed "1 failed, 7 passed, 1 skipped, 1 xfailed, 1 error, 8 rerun"
    assert result.tally == ResultTally(passed=7, failed=1, errors=1, skipped=1, xfailed=1, rerun=8)


def test_a_flaky_test_is_a_passed_test_with_reruns() -> None:
    case = Case("t::x", PASSED, "", "t.py", 1, 0.0, reruns=1)
    assert case.flaky
    assert not case._replace(reruns=0).flaky
    assert not case._replace(outcome=FAILED).flaky


# ------------------------------------------------------------------ derived cases


def test_module_path_stops_at_the_first_class() -> None:
    blob = edited(
        "passing.xml",
        b'classname="passing.check_passing.CheckGroup"',
        b'classname="tests.unit.test_x.TestOuter.TestInner"',
    )
    result = read(blob)
    assert result.tests is not None
    assert result.tests[1].path == "tests/unit/test_x.py"


def test_a_classname_without_module_gives_no_path() -> None:
    blob = edited("passing.xml", b'classname="passing.check_passing"', b'classname="TestTop"')
    result = read(blob)
    assert result.tests is not None
    assert (result.tests[0].id, result.tests[0].path) == ("TestTop::check_one", "")


def test_a_case_without_time_took_no_time() -> None:
    result = read(edited("passing.xml", b' time="0.001"', b""))
    assert result.tests is not None
    assert result.tests[0].time == 0.0


def test_xunit1_absolute_file_becomes_relative() -> None:
    blob = edited(
        "passing-xunit1.xml",
        b'file="passing/check_passing.py" line="0"',
        f'file="{ROOT}/passing/check_passing.py" line="0"'.encode(),
    )
    result = read(blob)
    assert result.tests is not None
    assert result.tests[0].path == "passing/check_passing.py"


def test_a_testsuite_root_is_read() -> None:
    data = asset("passing.xml").data
    data = data.replace(b'<testsuites name="pytest tests">', b"").replace(b"</testsuites>", b"")
    result = read(derived(data))
    assert result.counts == counts(2, 0)


def test_nested_suites_are_read_and_only_leaves_checked() -> None:
    data = asset("passing.xml").data.replace(
        b'<testsuites name="pytest tests">', b'<testsuites><testsuite name="all" tests="2">'
    )
    data = data.replace(b"</testsuites>", b"</testsuite></testsuites>")
    assert read(derived(data)).counts == counts(2, 0)


def test_an_error_outranks_a_skip_in_one_case() -> None:
    data = edited(
        "xfail.xml",
        b'<skipped type="pytest.xfail" message="known bug 123" />',
        b'<skipped type="pytest.xfail" message="known bug 123" /><error message="boom">x</error>',
    ).data
    # one more result, counted in `tests` as pytest counts it
    data = data.replace(b'errors="0"', b'errors="1"', 1).replace(b'tests="5"', b'tests="6"', 1)
    assert outcomes(read(derived(data)))[0] == (
        "xfail.check_xfail::check_xfail_fails",
        ERROR,
        "boom",
    )


def test_a_message_in_the_text_only_gives_its_first_line() -> None:
    data = edited(
        "xfail.xml",
        b'<skipped type="pytest.xfail" message="known bug 123" />',
        b"<failure>first\r\nsecond</failure>",
    ).data
    data = data.replace(b'failures="2" skipped="2"', b'failures="3" skipped="1"', 1)
    assert outcomes(read(derived(data)))[0] == (
        "xfail.check_xfail::check_xfail_fails",
        FAILED,
        "first",
    )


REFUSED = [
    pytest.param(b' name="check_one"', b"", "malformed-report", "no `name`", id="no-name"),
    pytest.param(b'time="0.001"', b'time="nan"', "non-finite", "`time`", id="time-nan"),
    pytest.param(b'time="0.001"', b'time="inf"', "non-finite", "`time`", id="time-inf"),
    pytest.param(b'time="0.001"', b'time="slow"', "malformed-report", "`time`", id="time-text"),
    pytest.param(b'line="0"', b'line="first"', "malformed-report", "`line`", id="line-text"),
    pytest.param(b'tests="2"', b'tests="two"', "malformed-report", "`tests`", id="tests-text"),
    pytest.param(
        b'failures="0"', b'failures="1"', "malformed-report", 'failures="1"', id="lost-failure"
    ),
    pytest.param(
        b'errors="0"', b'errors="-1"', "malformed-report", "`errors`", id="errors-negative"
    ),
    pytest.param(
        b'skipped="0"', b'skipped="2"', "malformed-report", 'skipped="2"', id="lost-skips"
    ),
    pytest.param(
        b' line="5" time="0.001" />',
        b' line="5" time="0.001"><failure message="x" /></testcase>',
        "malformed-report",
        "holds 1 <failure>",
        id="failure-not-counted",
    ),
]


@pytest.mark.parametrize(("old", "new", "slug", "fragment"), REFUSED)
def test_untrustworthy_report_is_refused_naming_the_file(
    old: bytes, new: bytes, slug: str, fragment: str
) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(edited("passing-xunit1.xml", old, new))
    assert caught.value.slug == slug
    assert "derived/junit.xml" in str(caught.value)
    assert fragment in str(caught.value)


def test_other_xml_is_refused() -> None:
    with pytest.raises(EvidenceError, match="not <testsuites> or <testsuite>") as caught:
        read(asset("../../coverage/7.17.4/branch.xml"))
    assert caught.value.slug == "malformed-report"


@pytest.mark.parametrize("name", ["failing.xml", "subtests-passing.xml", "subtests.xml"])
def test_truncated_report_is_refused(name: str) -> None:
    data = asset(name).data
    for end in (len(data) // 2, len(data) - len(b"</testsuites>"), len(data) - 1):
        with pytest.raises(EvidenceError, match="truncated") as caught:
            read(derived(data[:end]))
        assert caught.value.slug == "invalid-xml"


def test_a_well_formed_cut_is_read_for_what_it_holds() -> None:
    # no XML parser sees a <testcase> removed whole; the stage manifest's sha256
    # and size do (tests/unit/test_evidence.py); the reader still counts what is left
    data = asset("subtests.xml").data
    start = data.index(b'<testcase classname="subtests.check_subtests" name="check_plain"')
    end = data.index(b"</testsuite>")
    result = read(derived(data[:start] + data[end:]))
    assert result.counts == counts(5, 2)


def test_raw_control_characters_are_refused() -> None:
    with pytest.raises(EvidenceError) as caught:
        read(edited("hostile.xml", b"bell#x07", b"bell\x07"))
    assert caught.value.slug == "invalid-xml"


def test_entities_are_refused_as_hostile() -> None:
    data = asset("passing.xml").data.replace(
        b"<testsuites ", b'<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<testsuites ', 1
    )
    with pytest.raises(EvidenceError) as caught:
        read(derived(data))
    assert caught.value.slug == "hostile-xml"


# ------------------------------------------------------------------ pytest's own word


RUNS = truth.runs()


def run_blob(run: truth.Run) -> Blob:
    return read_blob(run.folder / run.xml, display=run.label)


def test_every_recorded_run_is_checked() -> None:
    assert len(RUNS) == 19
    assert {run.exit_code for run in RUNS} == {0, 1, 2, 5}


@pytest.mark.parametrize("run", RUNS, ids=lambda run: run.label)
def test_the_tally_equals_pytests_summary_line(run: truth.Run) -> None:
    assert read(run_blob(run), run.root).tally == truth.tally_of_summary(run.summary)


@pytest.mark.parametrize("run", RUNS, ids=lambda run: run.label)
def test_each_test_is_what_pytests_report_log_says(run: truth.Run) -> None:
    result = read(run_blob(run), run.root)
    read_back = {case.id: truth.Truth(case.outcome, case.reruns) for case in result.tests or ()}
    assert read_back == truth.truth_of_reportlog(run.reportlog)
    assert len(read_back) == len(result.tests or ())


def test_the_summary_line_reader_knows_pytests_words() -> None:
    assert truth.tally_of_summary(
        "1 failed, 2 passed, 3 skipped, 4 xfailed, 5 xpassed, 6 errors, 7 rerun, "
        "8 subtests passed in 0.10s"
    ) == ResultTally(passed=15, failed=1, errors=6, skipped=3, xfailed=4, rerun=7)
    assert truth.tally_of_summary("no tests ran in 0.01s") == ResultTally(0, 0, 0, 0, 0, 0)
    with pytest.raises(AssertionError, match="unknown word"):
        truth.tally_of_summary("1 deselected in 0.01s")


@pytest.mark.parametrize("run", RUNS, ids=lambda run: run.label)
def test_the_assets_readme_quotes_the_summary_line(run: truth.Run) -> None:
    assert f"`{run.summary}`" in (run.folder / "README.md").read_text("utf-8")
