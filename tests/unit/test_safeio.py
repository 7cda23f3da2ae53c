"""Reading untrusted reports: sizes, file kinds, strict JSON and XML, errors that name the file."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gates.errors import EvidenceError
from gates.untrusted import safeio
from gates.untrusted.fields import Fields, check_finite, finite_numbers, ints
from gates.untrusted.safeio import (
    Blob,
    is_blank,
    parse_json,
    parse_json_lines,
    parse_xml,
    read_blob,
)

DISPLAY = ".gates/unit/report.json"
ASSETS = Path(__file__).parents[1] / "assets"


def blob(data: bytes) -> Blob:
    return Blob(DISPLAY, data, hashlib.sha256(data).hexdigest())


def refused(data: bytes, *, lines: bool = False) -> EvidenceError:
    with pytest.raises(EvidenceError) as caught:
        if lines:
            list(parse_json_lines(blob(data)))
        else:
            parse_json(blob(data))
    assert caught.value.path == DISPLAY
    assert caught.value.hint
    return caught.value


def unreadable(path: Path, **options: int | bool) -> EvidenceError:
    with pytest.raises(EvidenceError) as caught:
        read_blob(path, display=DISPLAY, **options)  # type: ignore[arg-type]
    assert caught.value.path == DISPLAY
    assert str(caught.value).startswith(f"{DISPLAY}: ")
    assert caught.value.hint
    return caught.value


# ---------------------------------------------------------------- read_blob


def test_read_blob_returns_the_bytes_and_their_hash(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b'{"a": 1}\n')
    read = read_blob(path, display=DISPLAY)
    assert read == Blob(DISPLAY, b'{"a": 1}\n', hashlib.sha256(b'{"a": 1}\n').hexdigest())


def test_a_missing_file(tmp_path: Path) -> None:
    assert unreadable(tmp_path / "absent.json").slug == "missing-report"


def test_a_directory(tmp_path: Path) -> None:
    error = unreadable(tmp_path)
    assert (error.slug, error.detail) == ("unreadable", "is a directory, not a report")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    error = unreadable(pipe)
    assert error.slug == "unreadable"
    assert "not a regular file" in error.detail


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in unreadable(link).detail


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.truncate(1 << 30)  # sparse
    tracemalloc.start()
    try:
        error = unreadable(path, max_bytes=1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.slug == "report-too-large"
    assert "1,073,741,824 bytes, over the 1,024-byte limit" in error.detail
    assert "max-report-mb" in error.hint
    assert peak < 1024 * 1024


def test_a_small_file_costs_its_size_not_the_limit(tmp_path: Path) -> None:
    """``read(limit + 1)`` would allocate the whole limit (256 MiB by default) up front."""
    path = tmp_path / "small.json"
    path.write_bytes(b"[1, 2, 3]")
    tracemalloc.start()
    try:
        read_blob(path, display=DISPLAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="/proc files report size 0 but have content"
)
def test_a_file_larger_than_its_size_says_is_refused() -> None:
    error = unreadable(Path("/proc/self/status"))
    assert "grew while it was read" in error.detail


@pytest.mark.parametrize("data", [b"", b"\n", b" \t\r\n"])
def test_no_content_is_an_empty_report_unless_allowed(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(data)
    error = unreadable(path)
    assert error.slug == "empty-report"
    assert "interrupted or wrote nothing" in error.detail
    assert read_blob(path, display=DISPLAY, allow_empty=True).data == data


@pytest.mark.parametrize(
    ("data", "blank"),
    [(b"", True), (b"\n", True), (b" \t\r\n\x0b\x0c", True), (b" x ", False), (b"\x00", False)],
)
def test_is_blank(data: bytes, blank: bool) -> None:
    assert is_blank(data) is blank
    assert is_blank(data) is (not data.strip())


# ---------------------------------------------------------------- JSON


def test_strict_json_parses_plain_documents() -> None:
    assert parse_json(blob(b' {"a": [1, 2.5, "x", null, true]} \n')).value == {
        "a": [1, 2.5, "x", None, True]
    }


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_tokens_are_non_finite(token: str) -> None:
    error = refused(b'{"percent_covered": ' + token.encode() + b"}")
    assert error.slug == "non-finite"
    assert f"the non-finite number {token}" in error.detail


def test_a_non_finite_token_in_json_lines() -> None:
    error = refused(b'{"line": 1}\n{"line": NaN}\n', lines=True)
    assert error.slug == "non-finite"


def test_an_overflowing_number_is_left_to_the_typed_accessor() -> None:
    fields = Fields(parse_json(blob(b'{"percent": 1e999}')).value, path=DISPLAY, where="totals")
    with pytest.raises(EvidenceError) as caught:
        fields.number("percent")
    assert caught.value.slug == "non-finite"
    assert "`totals.percent` is not a finite number (inf)" in caught.value.detail


def test_check_finite_names_the_field_and_the_next_step() -> None:
    assert check_finite(1.5, path=DISPLAY, where="x") == 1.5
    with pytest.raises(EvidenceError) as caught:
        check_finite(float("nan"), path=DISPLAY, where="stats.mean")
    assert caught.value.slug == "non-finite"
    assert "`stats.mean`" in caught.value.detail
    assert caught.value.hint


def test_a_duplicate_key_names_the_key() -> None:
    error = refused(b'{"files": {}, "meta": {"format": 3, "format": 2}}')
    assert error.slug == "invalid-json"
    assert "repeats the key 'format'" in error.detail


def test_an_integer_too_long_for_python() -> None:
    error = refused(b'{"n": ' + b"7" * 5000 + b"}")
    assert error.slug == "invalid-json"
    assert "is not valid JSON (Exceeds the limit (4300 digits)" in error.detail


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
def test_deep_nesting_is_refused(opening: bytes) -> None:
    closing = b"]" if opening == b"[" else b"}"
    error = refused(opening * 100_000 + b"1" + closing * 100_000)
    assert error.slug == "invalid-json"
    assert "nested too deeply" in error.detail


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"a": [1, 2', "is truncated or not JSON"),
        (b'{"a": "unfinished', "is truncated or not JSON (Unterminated string"),
        (b'{"a": 1} {"b": 2}', "is not valid JSON (unexpected data after the document"),
        (b'{"a": tru}', "is not valid JSON (Expecting value"),
    ],
)
def test_truncated_and_invalid_json(data: bytes, words: str) -> None:
    error = refused(data)
    assert error.slug == "invalid-json"
    assert words in error.detail


# ---------------------------------------------------------------- the fast parse


def _standard(data: bytes) -> str:
    """What the standard library's strict decoder makes of ``data``: the value's repr, or why not."""
    try:
        return repr(safeio._DECODER.decode(data.decode("utf-8")))
    except (ValueError, RecursionError):  # JSONDecodeError, a repeated key, NaN, 4,300 digits
        return "refused"


def _fast(data: bytes) -> str:
    value = safeio._fast_parse(data)
    return "refused" if value is safeio._REFUSED else repr(value)


def _agrees(data: bytes) -> None:
    """jiter refuses, or gives the value the standard library gives: repr tells 1 from 1.0 and
    True, -0.0 from 0.0, and shows the keys' order; what the standard library refuses, jiter does."""
    fast = _fast(data)
    assert fast == "refused" or fast == _standard(data), data[:200]


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()  # lone surrogates included: json.dumps escapes them, as some tools write them
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@given(value=_VALUES, ascii_only=st.booleans(), indent=st.sampled_from([None, 0, 2]))
@settings(max_examples=400, deadline=None)
def test_the_fast_parse_gives_the_standard_librarys_value(
    value: object, ascii_only: bool, indent: int | None
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    data = text.encode("utf-8", "surrogatepass")
    if not _utf8(data):
        return  # a lone surrogate unescaped: no UTF-8 file holds it, decode_text refuses it first
    _agrees(data)
    # and it is a fast path: it refuses a document json.dumps wrote only for an escaped surrogate
    assert _fast(data) != "refused" or "\\ud" in text.lower()


@given(
    data=st.text(alphabet='{}[]":,0123456789.eE+-tfrunlasNIy \\\t\nabcu\u00e9\ud800', max_size=60)
)
@settings(max_examples=2000, deadline=None)
def test_the_fast_parse_never_accepts_what_the_standard_library_refuses(data: str) -> None:
    raw = data.encode("utf-8", "surrogatepass")
    if _utf8(raw):
        _agrees(raw)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1, "a": 2}',
        b'{"\\u0061": 1, "a": 2}',
        b"[NaN]",
        b"[-Infinity]",
        b"[1e400, -1e400, 1e-400]",
        b"[" + b"7" * 5000 + b"]",
        b'["\\ud83d"]',
        b'["\\udc00\\ud800"]',
        b'["a\x01b"]',
        b"[1]\x0c",
        b"[1,]",
        b"[1] 2",
        b"[" * 300 + b"]" * 300,
        b"[9007199254740993, 18446744073709551616, -0, -0.0, 0.1, 2.2250738585072011e-308]",
    ],
)
def test_the_fast_parse_on_the_edges(data: bytes) -> None:
    _agrees(data)


def test_the_fast_parse_agrees_on_every_recorded_json_report() -> None:
    reports = [p for p in ASSETS.rglob("*.json") if p.is_file()]
    assert len(reports) > 50
    for path in reports:
        data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
        if _utf8(data):
            _agrees(data)


def test_invalid_utf8_names_the_offset() -> None:
    error = refused(b'{"a": "\xc3("}')
    assert error.slug == "invalid-utf8"
    assert "bad byte at offset 7" in error.detail


# ---------------------------------------------------------------- XML


@pytest.mark.parametrize(
    "data",
    [
        b'<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>',
        b'<!DOCTYPE a [<!ENTITY b SYSTEM "file:///etc/hostname">]><a>&b;</a>',
        b"<!DOCTYPE a><a/>",
    ],
)
def test_xml_with_a_dtd_is_hostile(data: bytes) -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_xml(blob(data))
    assert caught.value.slug == "hostile-xml"
    assert caught.value.hint


def test_truncated_xml_names_the_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_xml(blob(b"<testsuites>\n<testsuite>\n<testcase"))
    assert caught.value.slug == "invalid-xml"
    assert "is truncated or not XML" in caught.value.detail
    assert "line 3" in caught.value.detail


@pytest.mark.parametrize(
    "data",
    [
        '<?xml version="1.0" encoding="utf-8"?><a>\u00e9</a>'.encode(),
        '<?xml version="1.0"?><a>\u00e9</a>'.encode(),
        "\ufeff<a>\u00e9</a>".encode(),
        '<?xml version="1.0" encoding="UTF-16"?><a>\u00e9</a>'.encode("utf-16"),
        "<?xml version=\"1.0\" encoding = 'ISO-8859-1'?><a>\u00e9</a>".encode("latin-1"),
    ],
)
def test_xml_in_the_encodings_tools_write_is_read(data: bytes) -> None:
    assert parse_xml(blob(data)).text == "\u00e9"


@pytest.mark.parametrize("encoding", ["x", "utf-7", "shift_jis", "utf-32", "mbcs", "rot13", ""])
def test_xml_declaring_another_encoding_is_invalid_xml(encoding: str) -> None:
    # parsed from bytes, expat asked Python for the codec: LookupError, ValueError (exit 4)
    with pytest.raises(EvidenceError) as caught:
        parse_xml(blob(f'<?xml version="1.0" encoding="{encoding}"?><a/>'.encode()))
    assert caught.value.slug == "invalid-xml"
    assert "declares the encoding" in caught.value.detail


def test_xml_not_in_the_encoding_it_declares_names_the_byte() -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_xml(blob(b'<?xml version="1.0" encoding="us-ascii"?><a>\xc3\xa9</a>'))
    assert caught.value.slug == "invalid-xml"
    assert "is not valid ASCII (bad byte at offset 44)" in caught.value.detail


# ---------------------------------------------------------------- typed access


def test_an_integer_beyond_2_53_is_out_of_range() -> None:
    fields = Fields({"n": 2**53 + 1, "m": -1, "ok": 2**53}, path=DISPLAY, where="")
    assert fields.integer("ok") == 2**53
    with pytest.raises(EvidenceError) as caught:
        fields.integer("n")
    assert caught.value.slug == "malformed-report"
    assert "`n` is an integer of 16 digits: no count or line number" in caught.value.detail
    with pytest.raises(EvidenceError) as caught:
        fields.count("m")
    assert "`m` should be a count (0 or more), found int" in caught.value.detail


def test_a_number_too_large_for_a_float_is_non_finite() -> None:
    fields = Fields({"n": 10**400, "x": 10**300}, path=DISPLAY, where="")
    assert fields.number("x") == 1e300
    with pytest.raises(EvidenceError) as caught:
        fields.number("n")
    assert caught.value.slug == "non-finite"
    assert "(an integer of 401 digits)" in caught.value.detail


def test_a_long_field_path_is_cut_short_in_messages() -> None:
    with pytest.raises(EvidenceError) as caught:
        Fields({}, path=DISPLAY, where="files." + "x" * 10_000).text("name")
    assert len(caught.value.detail) < 300


@pytest.mark.parametrize(
    ("values", "slug"),
    [
        ([1.0, 2, 3.5], ""),
        ([1.0, float("inf")], "non-finite"),
        ([1.0, 10**400], "malformed-report"),
        ([1.0, "2"], "malformed-report"),
        ([True], "malformed-report"),
        ("1.0", "malformed-report"),
    ],
)
def test_finite_numbers(values: object, slug: str) -> None:
    if not slug:
        assert finite_numbers(values, path=DISPLAY, where="data") == values
        return
    with pytest.raises(EvidenceError) as caught:
        finite_numbers(values, path=DISPLAY, where="data")
    assert caught.value.slug == slug


def test_line_numbers_are_checked_for_range() -> None:
    assert ints([1, 2**53], path=DISPLAY, where="lines") == [1, 2**53]
    for bad in ([-1], [2**53 + 1], [1, 10**400]):
        with pytest.raises(EvidenceError):
            ints(bad, path=DISPLAY, where="lines")


def test_texts_are_a_list_of_strings_and_a_bad_one_is_named_by_its_index() -> None:
    fields = Fields({"vulns": [{"aliases": ["CVE-1", 7]}], "empty": []}, path=DISPLAY, where="")
    assert fields.texts("empty") == []
    assert fields.texts("missing", default=[]) == []
    vuln = next(fields.each("vulns"))
    with pytest.raises(EvidenceError) as caught:
        vuln.texts("aliases")
    assert caught.value.slug == "malformed-report"
    assert "vulns[0].aliases[1]" in caught.value.detail
