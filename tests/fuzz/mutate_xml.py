"""Structure-aware mutations of XML reports (JUnit, Cobertura).

A seed is parsed with the standard library (seeds are trusted); a mutation
picks an element and changes an attribute (a hostile number or string, the
digits in it inflated: ``(1/2)`` becomes ``(1/1000000000)``), removes or adds
one, deletes, repeats or moves the element, renames it, replaces its text,
splices in an element of another seed, or buries it under deep nesting.
:func:`serialise` writes it back, with an XML declaration whose encoding is
drawn (``x``, ``utf-7``, ``utf-16``...) and the text encoded to match or not,
and sometimes a DTD with entities.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Final

from tests.fuzz.values import ENCODINGS, NUMBER_TEXTS, REPEATS, STRINGS, Draw, choice, inflate

__all__ = ["mutate_element", "serialise"]

_NEST: Final = "__gates_fuzz_nest__"
_DEPTHS: Final = (10, 500, 5_000, 100_000)
_XML_SAFE: Final = str.maketrans({chr(c): None for c in range(32) if chr(c) not in "\t\n\r"})
_DOCTYPES: Final = (
    '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE r SYSTEM "file:///etc/passwd">',
    '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///dev/zero">]>',
    "<?xml-stylesheet href='x'?>",
    "<!-- a comment before the root -->",
)


def mutate_element(root: ET.Element, draw: Draw, others: list[ET.Element]) -> ET.Element:
    """One mutation of the tree under ``root`` (in place); the new root."""
    elements = list(root.iter())
    element = elements[draw.integer(0, len(elements) - 1)]
    return choice(draw, _OPERATIONS)(root, element, draw, others)


def _clean(text: str) -> str:
    """What XML can carry: no control characters but tab and newlines, no lone surrogates."""
    return text.translate(_XML_SAFE).encode("utf-8", "replace").decode("utf-8")


def _attribute(
    root: ET.Element, element: ET.Element, draw: Draw, others: list[ET.Element]
) -> ET.Element:
    del others
    if not element.attrib:
        element.set("name", _clean(choice(draw, STRINGS)))
        return root
    name = choice(draw, sorted(element.attrib))
    value = element.attrib[name]
    element.set(name, _clean(_value_variant(value, draw)))
    return root


def _value_variant(value: str, draw: Draw) -> str:
    number = choice(draw, NUMBER_TEXTS)
    options = (
        number,
        inflate(value, number),
        choice(draw, STRINGS),
        value * choice(draw, REPEATS[:6]),
        value[: draw.integer(0, len(value))],
        f"{number}% ({choice(draw, NUMBER_TEXTS)}/{number})",
    )
    return choice(draw, options)[: 1 << 19]


def _drop_attribute(
    root: ET.Element, element: ET.Element, draw: Draw, others: list[ET.Element]
) -> ET.Element:
    if not element.attrib:
        return _attribute(root, element, draw, others)
    del element.attrib[choice(draw, sorted(element.attrib))]
    return root


def _add_attribute(
    root: ET.Element, element: ET.Element, draw: Draw, others: list[ET.Element]
) -> ET.Element:
    names = sorted({name for other in others for item in other.iter() for name in item.attrib})
    element.set(choice(draw, names or ["x"]), _clean(choice(draw, NUMBER_TEXTS + STRINGS)))
    return root


def _parent(root: ET.Element, element: ET.Element) -> ET.Element | None:
    for candidate in root.iter():
        for child in candidate:
            if child is element:
                return candidate
    return None


def _delete(
    root: ET.Element, element: ET.Element, draw: Draw, others: list[ET.Element]
) -> ET.Element:
    parent = _parent(root, element)
    if parent is None:
        return _text(root, element, draw, others)
    parent.remove(element)
    return root


def _repeat(
    root: ET.Element, element: ET.Element, draw: Draw, others: list[ET.Element]
) -> ET.Element:
    del others
    parent = _parent(root, element)
    if parent is None:
        return root
    size = len(ET.tostring(element)) + 1
    times = min(choice(draw, REPEATS), max(1, (1 << 20) // size))
    index = list(parent).index(element)
    for _ in range(times - 1):
        parent.insert(index, copy.deepcopy(element))
    return root


def _move(
    root: ET.Element, element: ET.Element, draw: Draw, others: list[ET.Element]
) -> ET.Element:
    parent = _parent(root, element)
    if parent is None:
        return _text(root, element, draw, others)
    parent.remove(element)
    targets = [item for item in root.iter() if item is not element]
    choice(draw, targets or [root]).append(element)
    return root


def _rename(
    root: ET.Element, element: ET.Element, draw: Draw, others: list[ET.Element]
) -> ET.Element:
    tags = sorted({item.tag for other in others for item in other.iter()})
    element.tag = choice(draw, tags or ["x"])
    return root


def _text(
    root: ET.Element, element: ET.Element, draw: Draw, others: list[ET.Element]
) -> ET.Element:
    del others
    element.text = _clean(choice(draw, STRINGS + NUMBER_TEXTS))
    return root


def _splice(
    root: ET.Element, element: ET.Element, draw: Draw, others: list[ET.Element]
) -> ET.Element:
    other = choice(draw, others) if others else root
    pieces = list(other.iter())
    element.append(copy.deepcopy(choice(draw, pieces)))
    return root


def _nest(
    root: ET.Element, element: ET.Element, draw: Draw, others: list[ET.Element]
) -> ET.Element:
    """A marker :func:`serialise` replaces by ``depth`` nested elements around a copy."""
    del others
    marker = ET.SubElement(element, _NEST, depth=str(choice(draw, _DEPTHS)))
    marker.append(ET.Element(choice(draw, ["testcase", "class", "line", "testsuite", "x"])))
    return root


_Operation = Callable[[ET.Element, ET.Element, Draw, list[ET.Element]], ET.Element]
_OPERATIONS: Final[tuple[_Operation, ...]] = (
    _attribute,
    _attribute,
    _attribute,
    _drop_attribute,
    _add_attribute,
    _delete,
    _repeat,
    _move,
    _rename,
    _text,
    _splice,
    _nest,
)


def serialise(root: ET.Element, draw: Draw) -> bytes:
    """The tree as a document: a declaration (its encoding drawn), maybe a DTD, the elements."""
    body = ET.tostring(root, encoding="unicode")
    body = _expand_nests(body)
    encoding = choice(draw, ENCODINGS)
    prolog = choice(
        draw, ("", f'<?xml version="1.0" encoding="{encoding}"?>', "<?xml version='1.0'?>")
    )
    if draw.integer(0, 9) == 0:
        prolog += choice(draw, _DOCTYPES)
    text = prolog + body
    codec = choice(draw, ("utf-8", "utf-8", "utf-8", "utf-16", "latin-1", encoding))
    try:
        return text.encode(codec)
    except (LookupError, UnicodeError, ValueError):
        return text.encode("utf-8", "surrogatepass")


_DEPTH_DIGITS = 7  # a longer depth is beyond the budget anyway (and int() refuses 4,300+ digits)


def _expand_nests(body: str) -> str:
    """Each nesting marker replaced by its depth of ``<n>`` around its content (1 MiB at most)."""
    budget = 1 << 20
    while (start := body.find(f"<{_NEST} ")) >= 0:
        head_end = body.index(">", start) + 1
        depth_at = body.find('depth="', start, head_end) + len('depth="')
        written = body[depth_at : body.find('"', depth_at, head_end)]
        digits = written.isascii() and written.isdigit() and len(written) <= _DEPTH_DIGITS
        depth = min(int(written) if digits else 10, budget // 7)
        budget -= 7 * depth
        end_tag = f"</{_NEST}>"
        end = body.find(end_tag, head_end) if not body[:head_end].endswith("/>") else -1
        if end < 0:
            body = body[:start] + body[head_end:]
            continue
        inner = body[head_end:end]
        body = body[:start] + "<n>" * depth + inner + "</n>" * depth + body[end + len(end_tag) :]
    return body
