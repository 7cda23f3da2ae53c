"""The JSON output: the machine contract, checked against its own schema."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import replace
from importlib.resources import files
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gates.catalog.counts import Count
from gates.model.reports import Finding, Severity
from gates.model.verdict import Verdict
from gates.outputs import json_out
from gates.outputs.interface import RenderOptions
from tests.unit.outputs import _verdicts
from tests.unit.outputs._golden import assert_golden


def _schema() -> dict[str, Any]:
    text = files("gates").joinpath("data/verdict.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _render(verdict: Verdict, **fields: Any) -> str:
    return json_out.render(verdict, options=RenderOptions(**fields))


def _load(verdict: Verdict) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(_render(verdict))
    return document


def test_golden_mixed() -> None:
    assert_golden("mixed.json", _render(_verdicts.mixed()))


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(_schema())


@pytest.mark.parametrize(
    "make",
    [_verdicts.passing, _verdicts.mixed, _verdicts.hostile, lambda: _verdicts.huge(2_000, 500)],
)
def test_every_verdict_validates_against_the_schema(make: Callable[[], Verdict]) -> None:
    Draft202012Validator(_schema()).validate(_load(make()))


def test_the_schema_refuses_what_the_contract_does_not_allow() -> None:
    validator = Draft202012Validator(_schema())
    document = _load(_verdicts.mixed())
    assert validator.is_valid(document)
    extra = {**document, "surprise": 1}
    wrong_type = {**document, "gates": [{**document["gates"][0], "observed": "89.99"}]}
    missing = {key: value for key, value in document.items() if key != "counts"}
    for broken in (extra, wrong_type, missing):
        assert not validator.is_valid(broken)


def test_counts_name_every_count_and_the_schema_lists_them_all() -> None:
    counts = _load(_verdicts.mixed())["counts"]
    assert set(counts) == {count.key for count in Count}
    assert counts["tests_run"] == 412
    assert counts["files_type_checked"] is None
    assert set(_schema()["$defs"]["counts"]["required"]) == {count.key for count in Count}


def test_byte_identical_across_renders_and_options() -> None:
    first = _render(_verdicts.hostile())
    assert _render(_verdicts.hostile()) == first
    assert _render(_verdicts.hostile(), color=True, width=40, max_offenders=0) == first


def test_shape_is_sorted_compact_and_newline_terminated() -> None:
    text = _render(_verdicts.mixed())
    assert text.endswith("}\n")
    assert text.count("\n") == 1
    document = json.loads(text)
    assert (
        json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
        == text
    )
    assert (document["schema"], document["version"]) == ("gates.verdict", 1)


def test_unknowns_are_null_never_empty_or_zero() -> None:
    document = _load(_verdicts.mixed())
    gates = {gate["name"]: gate for gate in document["gates"]}
    assert gates["patch-coverage"]["observed"] is None
    assert gates["patch-coverage"]["observed_text"] == "n/a"
    assert gates["unit-coverage"]["observed"] == 89.994
    assert gates["unit-coverage"]["observed_text"] == "89.99%"
    assert gates["tests"]["offenders"][1] == {
        "path": "tests/test_cli.py",
        "line": None,
        "label": "tests.test_cli::test_exit",
        "detail": "TimeoutError",
    }
    waived = [f for f in document["findings"] if f["waived"]]
    assert waived == [
        {
            "tool": "pip-audit",
            "rule": "GHSA-h4gh-qq45-vh27",
            "severity": "high",
            "path": None,
            "line": None,
            "message": "cryptography 41.0.0",
            "waived": True,
        }
    ]
    assert document["stages"][2] == {"name": "security", "commit": None, "dirty": False}
    assert document["waivers"][2]["owner"] is None


def test_non_finite_numbers_become_null() -> None:
    verdict = _verdicts.mixed()
    gate = replace(verdict.gates[1], observed=math.nan)
    document = _load(replace(verdict, gates=(gate, *verdict.gates[2:])))
    assert document["gates"][0]["observed"] is None
    comparison = _load(_verdicts.hostile())["gates"][0]["comparisons"][0]
    assert comparison["estimate"] == 1.5


def test_text_is_kept_verbatim_except_lone_surrogates() -> None:
    document = _load(_verdicts.hostile())
    note = document["notes"][0]
    assert note == _verdicts.HOSTILE_TEXT.replace("\ud800", "\ufffd")
    assert "\x1b[31m" in note  # JSON escapes it; a consumer gets what the evidence said


def test_offenders_total_is_never_below_the_list() -> None:
    verdict = _verdicts.mixed()
    gate = replace(verdict.gates[1], offenders_total=0)
    document = _load(replace(verdict, gates=(gate,)))
    assert document["gates"][0]["offenders_total"] == 3


def test_the_huge_verdict_renders_every_finding() -> None:
    document = json.loads(_render(_verdicts.huge()))
    assert len(document["findings"]) == 100_000
    assert len(document["gates"][0]["offenders"]) == 10_000


@given(
    st.lists(
        st.tuples(
            st.text(max_size=12),
            st.text(max_size=12),
            st.sampled_from(list(Severity)),
            st.text(max_size=20),
            st.integers(min_value=-3, max_value=2**53),
            st.text(max_size=40),
            st.booleans(),
        ),
        max_size=8,
    )
)
def test_the_findings_written_apart_read_as_json_dumps_would_write_them(
    rows: list[tuple[str, str, Severity, str, int, str, bool]],
) -> None:
    """render writes the findings with its own loop, for speed: the same bytes as json.dumps."""
    findings = tuple(
        (Finding(tool, rule, severity, path, line, message), waived)
        for tool, rule, severity, path, line, message, waived in rows
    )
    dumped = json_out._dumps({"findings": [json_out._finding(f, waived=w) for f, w in findings]})
    assert "{" + json_out._findings_text(findings) + "}" == dumped
