"""Reading untrusted reports: bounded, strict, and with errors that name the file.

Every reader gets its document through this module, so the hostile cases are
handled once: a file over the size limit, zero bytes, invalid UTF-8, JSON that
is truncated, nested 100,000 deep, repeats a key or spells ``NaN``; XML with a
DTD, entities (billion laughs, XXE) or that stops half way.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, NamedTuple
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
import jiter
from defusedxml import DefusedXmlException

from gates.errors import EvidenceError
from gates.untrusted.safetext import shown

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Blob",
    "JsonDoc",
    "decode_text",
    "empty_report",
    "is_blank",
    "parse_json",
    "parse_json_lines",
    "parse_xml",
    "read_blob",
]

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a named pipe must not wait for a writer


class Blob(NamedTuple):
    """The bytes of one report and their sha256, read in one pass."""

    path: str
    data: bytes
    sha256: str


def read_blob(
    path: Path, *, display: str, max_bytes: int = DEFAULT_MAX_BYTES, allow_empty: bool = False
) -> Blob:
    """Read ``path`` whole, refusing more than ``max_bytes`` before reading them.

    Only a regular file is read: a directory, a named pipe (which would block)
    or a device is ``unreadable``. A file without content is ``empty-report``
    unless ``allow_empty``: the caller then checks it (see :func:`empty_report`).
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK)
    except FileNotFoundError:
        raise EvidenceError(
            "the report is missing", slug="missing-report", path=display, hint=_rerun_hint()
        ) from None
    except OSError as error:
        raise _unreadable(display, f"cannot be read ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        _check_kind(info, display=display, max_bytes=max_bytes)
        # the size it has, not the limit: read(n) allocates n bytes up front
        with open(fd, "rb", closefd=False) as handle:
            data = handle.read(info.st_size + 1)
    except OSError as error:
        raise _unreadable(display, f"cannot be read ({error.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > info.st_size:  # the extra byte: it grew while we read it
        raise _unreadable(display, "grew while it was read: a tool is still writing it")
    if not allow_empty and is_blank(data):
        raise empty_report(display)
    return Blob(display, data, hashlib.sha256(data).hexdigest())


def _check_kind(info: os.stat_result, *, display: str, max_bytes: int) -> None:
    """Only a regular file within the size limit is read."""
    if stat.S_ISDIR(info.st_mode):
        raise _unreadable(display, "is a directory, not a report")
    if not stat.S_ISREG(info.st_mode):
        raise _unreadable(display, "is not a regular file (a pipe or a device), not a report")
    if info.st_size > max_bytes:
        raise _too_big(display, info.st_size, max_bytes)


def is_blank(data: bytes) -> bool:
    """No content: zero bytes, or only ASCII whitespace (checked without a copy)."""
    return not data or data.isspace()


def empty_report(display: str) -> EvidenceError:
    """The error for a report without content (zero bytes, or only blank lines)."""
    return EvidenceError(
        "is empty (0 bytes of content): the tool was interrupted or wrote nothing",
        slug="empty-report",
        path=display,
        hint=_rerun_hint(),
    )


def _unreadable(display: str, why: str) -> EvidenceError:
    return EvidenceError(why, slug="unreadable", path=display, hint=_rerun_hint())


def _too_big(display: str, size: int, limit: int) -> EvidenceError:
    return EvidenceError(
        f"is {size:,} bytes, over the {limit:,}-byte limit for one report",
        slug="report-too-large",
        path=display,
        hint="raise `max-report-mb` under [gates] in gates.toml if this report is genuine",
    )


def _rerun_hint() -> str:
    return "rerun the stage that writes it (e.g. `nox -s <stage>`)"


def decode_text(blob: Blob) -> str:
    """Strict UTF-8 (a BOM is allowed), naming the offset of the first bad byte."""
    try:
        return blob.data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise EvidenceError(
            f"is not valid UTF-8 (bad byte at offset {error.start})",
            slug="invalid-utf8",
            path=blob.path,
            hint="the file is corrupt or not a report; regenerate it",
        ) from None


# ---------------------------------------------------------------- JSON


class JsonDoc(NamedTuple):
    """A parsed JSON document and the file it came from."""

    path: str
    value: object


class _NonFiniteError(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity`` spelled in a JSON document."""


class _DuplicateKeyError(ValueError):
    """A key repeated in one JSON object."""


def _reject_constant(name: str) -> float:
    raise _NonFiniteError(name)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(f"key {key!r}")
            seen.add(key)
    return result


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)


def parse_json(blob: Blob) -> JsonDoc:
    """Parse one JSON document strictly: no NaN/Infinity, no duplicate keys.

    jiter parses first: it refuses a repeated key in its compiled code, where the standard
    library can only be asked through a Python call per object (754,000 of them in a large
    ruff report: half again the time of the parse). Whatever jiter refuses, the standard
    library's strict decoder parses again and explains (or, for what jiter alone refuses, a
    lone surrogate escaped or nesting over 200 deep, accepts), so each message and each
    accepted document is the standard library's; the value jiter gives is the one it would
    (a property test holds the two equal).
    """
    text = decode_text(blob)
    value = _fast_parse(blob.data.removeprefix(_UTF8_BOM))
    if value is _REFUSED:
        value = _decode_json(text, blob.path, line_offset=0)
    return JsonDoc(blob.path, value)


_UTF8_BOM: Final = b"\xef\xbb\xbf"
_REFUSED: Final = object()


def _fast_parse(data: bytes) -> object:
    """The document as jiter parses it strictly, or :data:`_REFUSED`."""
    try:
        return jiter.from_json(data, allow_inf_nan=False, catch_duplicate_keys=True)
    except ValueError:
        return _REFUSED


def parse_json_lines(blob: Blob) -> Iterator[JsonDoc]:
    """Parse a JSON-lines document (one value per non-blank line)."""
    text = decode_text(blob)
    for number, line in enumerate(text.splitlines()):
        if line.strip():
            yield JsonDoc(blob.path, _decode_json(line, blob.path, line_offset=number))


def _decode_json(text: str, path: str, *, line_offset: int) -> object:
    try:
        value, end = _DECODER.raw_decode(text, _skip_space(text, 0))
    except json.JSONDecodeError as error:
        raise _bad_json(path, f"{error.msg} at line {error.lineno + line_offset}", error) from None
    except _NonFiniteError as error:
        raise EvidenceError(
            f"holds the non-finite number {error}, which JSON does not allow: the tool "
            "measured nothing usable",
            slug="non-finite",
            path=path,
            hint=_rerun_hint(),
        ) from None
    except _DuplicateKeyError as error:
        raise EvidenceError(
            f"is not valid JSON: it repeats the {error} in one object, so a reader could "
            "take either value",
            slug="invalid-json",
            path=path,
            hint="the file is corrupt or hand-made; regenerate it with the tool",
        ) from None
    except ValueError as error:  # an integer of over 4,300 digits, which Python refuses
        raise _bad_json(path, str(error).partition(":")[0], None) from None
    except RecursionError:
        raise EvidenceError(
            "is nested too deeply to be a report",
            slug="invalid-json",
            path=path,
            hint="the file is corrupt or hostile; regenerate it",
        ) from None
    if _skip_space(text, end) != len(text):
        raise _bad_json(path, f"unexpected data after the document (offset {end})", None)
    return value


def _skip_space(text: str, start: int) -> int:
    end = len(text)
    while start < end and text[start] in " \t\r\n":
        start += 1
    return start


def _bad_json(path: str, why: str, error: json.JSONDecodeError | None) -> EvidenceError:
    truncated = error is not None and (
        error.pos >= len(error.doc.rstrip()) - 1 or error.msg.startswith("Unterminated string")
    )
    message = f"is truncated or not JSON ({why})" if truncated else f"is not valid JSON ({why})"
    return EvidenceError(message, slug="invalid-json", path=path, hint=_rerun_hint())


# ---------------------------------------------------------------- XML


# The encodings a report may declare, and the codec gates decodes it with. The parser is
# given text, never bytes: given bytes, expat asks Python for the codec a document names,
# and `encoding="x"`, "mbcs" or "utf-7" raise LookupError or ValueError from inside it.
_XML_ENCODINGS: Final = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "iso-8859-1": "latin-1",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "utf-16": "utf-16",
    "utf-16le": "utf-16-le",
    "utf-16be": "utf-16-be",
}
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_MAX_DECLARATION: Final = 256  # `<?xml version="1.0" encoding="..." standalone="..."?>`


def parse_xml(blob: Blob) -> Element:
    """Parse XML with DTDs, entities and external references forbidden.

    The document is decoded first, in UTF-8 unless it starts with a UTF-16
    byte-order mark or declares one of the encodings of ``_XML_ENCODINGS``.
    """
    text = _xml_text(blob)
    try:
        root: Element = SafeET.fromstring(text, forbid_dtd=True)
    except DefusedXmlException as error:
        raise EvidenceError(
            f"contains a forbidden XML construct ({type(error).__name__}): reports never need "
            "DTDs or entities, so this file is hostile or not a report",
            slug="hostile-xml",
            path=blob.path,
            hint="regenerate the report with the tool; do not trust this file",
        ) from None
    except ParseError as error:
        line, column = error.position
        raise EvidenceError(
            f"is truncated or not XML ({_xml_reason(error)} at line {line}, column {column})",
            slug="invalid-xml",
            path=blob.path,
            hint=_rerun_hint(),
        ) from None
    except RecursionError:
        raise EvidenceError(
            "is nested too deeply to be a report",
            slug="invalid-xml",
            path=blob.path,
            hint="the file is corrupt or hostile; regenerate it",
        ) from None
    return root


def _xml_text(blob: Blob) -> str:
    data = blob.data
    if data.startswith(_UTF16_BOMS):
        return _decode_xml(blob, "utf-16")
    declared = _declared_encoding(data.removeprefix(b"\xef\xbb\xbf"))
    if declared is None:
        return decode_text(blob)
    codec = _XML_ENCODINGS.get(declared.lower())
    if codec is None:
        raise EvidenceError(
            f"declares the encoding {shown(declared, 40)}, which gates does not read: the tools "
            "it reads write UTF-8",
            slug="invalid-xml",
            path=blob.path,
            hint="write the report in UTF-8 (the tool's default); " + _rerun_hint(),
        )
    return decode_text(blob) if codec == "utf-8" else _decode_xml(blob, codec)


def _declared_encoding(data: bytes) -> str | None:
    """The ``encoding`` of an XML declaration at the start of ``data``, read without a regex."""
    if not data.startswith(b"<?xml"):
        return None
    declaration = data[:_MAX_DECLARATION].partition(b"?>")[0]
    _, found, rest = declaration.partition(b"encoding")
    rest = rest.lstrip(b" \t\r\n")
    if not found or not rest.startswith(b"="):
        return None
    rest = rest[1:].lstrip(b" \t\r\n")
    quote, value = rest[:1], rest[1:]
    if quote not in (b'"', b"'") or quote not in value:
        return None
    return value.partition(quote)[0].decode("latin-1")


def _decode_xml(blob: Blob, codec: str) -> str:
    try:
        return blob.data.decode(codec)
    except UnicodeDecodeError as error:
        raise EvidenceError(
            f"is not valid {codec.upper()} (bad byte at offset {error.start})",
            slug="invalid-xml",
            path=blob.path,
            hint="the file is corrupt or not a report; regenerate it",
        ) from None


def _xml_reason(error: ParseError) -> str:
    text = str(error)
    return text.split(":", 1)[0] if ":" in text else text


# ---------------------------------------------------------------- typed access
