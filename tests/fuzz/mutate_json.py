"""Structure-aware mutations of JSON (and JSON lines, and TOML's values).

A seed is parsed to Python values; each mutation picks one place in the tree
(a slot: an object's key or a list's index) and changes it: another type,
a huge or non-finite number, a hostile string, the slot deleted, repeated,
renamed or given a duplicate key, a subtree from another seed spliced in,
the value buried under deep nesting. :func:`dump` writes the tree back, with
what :mod:`json` cannot write (duplicate keys, ``NaN``, 400-digit numbers,
nesting deeper than any recursion) as raw text.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

from tests.fuzz.values import BIG, NUMBER_TEXTS, REPEATS, STRINGS, Draw, choice, inflate

__all__ = ["Dup", "Raw", "dump", "mutate_tree", "slots"]

Tree = object  # a JSON value, with Raw and Dup inside
Slot = tuple[dict[str, object] | list[object] | None, str | int]  # (container, key); None: root


@dataclass(frozen=True, slots=True)
class Raw:
    """Text written as it is: a number json cannot write, or a deep nest around a value."""

    text: str


@dataclass(frozen=True, slots=True)
class Dup:
    """An object whose pairs may repeat a key."""

    pairs: tuple[tuple[str, object], ...]


_DEPTHS: Final = (5, 50, 500, 990, 1_100, 20_000)


def slots(tree: Tree) -> list[Slot]:
    """Every place in the tree a mutation can change, the root first (iteratively)."""
    found: list[Slot] = [(None, 0)]
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                found.append((node, key))
                stack.append(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                found.append((node, index))
                stack.append(value)
    return found


def _get(slot: Slot, root: Tree) -> Tree:
    container, key = slot
    if isinstance(container, dict):
        return container[str(key)]
    if isinstance(container, list) and isinstance(key, int):
        return container[key]
    return root


def _set(slot: Slot, root: Tree, value: Tree) -> Tree:
    """Put ``value`` at ``slot``; the new root."""
    container, key = slot
    if isinstance(container, dict):
        container[str(key)] = value
    elif isinstance(container, list) and isinstance(key, int):
        container[key] = value
    else:
        return value
    return root


def mutate_tree(tree: Tree, draw: Draw, others: list[Tree]) -> Tree:
    """One mutation of ``tree`` (changed in place where it can be); the new root."""
    places = slots(tree)
    if draw.integer(0, 1):  # by name: a key that appears once is as likely as one in every item
        names = sorted({str(key) for container, key in places if isinstance(container, dict)})
        name = choice(draw, names) if names else ""
        places = [place for place in places if str(place[1]) == name] or places
    slot = places[draw.integer(0, len(places) - 1)]
    operation = choice(draw, _OPERATIONS)
    return operation(tree, slot, draw, others)


def _swap_type(root: Tree, slot: Slot, draw: Draw, others: list[Tree]) -> Tree:
    del others
    return _set(slot, root, _another_type(_get(slot, root), draw))


def _another_type(value: Tree, draw: Draw) -> Tree:
    candidates: list[Tree] = [
        None,
        True,
        False,
        0,
        -1,
        1.5,
        "",
        [],
        {},
        str(value)[:200],
        [value],
        {"": value},
        Raw(choice(draw, BIG)),
        choice(draw, STRINGS),
    ]
    if isinstance(value, dict):
        candidates += [list(value.values()), list(value.keys())]
    if isinstance(value, list):
        candidates += [{str(index): item for index, item in enumerate(value)}]
    if isinstance(value, bool | int | float):
        candidates += [
            str(value),
            Raw(choice(draw, BIG)),
            -value,
            value * 10 ** draw.integer(1, 30),
        ]
    return choice(draw, candidates)


def _number(root: Tree, slot: Slot, draw: Draw, others: list[Tree]) -> Tree:
    del others
    return _set(slot, root, Raw(choice(draw, BIG)))


def _number_text(root: Tree, slot: Slot, draw: Draw, others: list[Tree]) -> Tree:
    del others
    return _set(slot, root, choice(draw, NUMBER_TEXTS))


def _string(root: Tree, slot: Slot, draw: Draw, others: list[Tree]) -> Tree:
    del others
    value = _get(slot, root)
    text = value if isinstance(value, str) else choice(draw, STRINGS)
    return _set(slot, root, _string_variant(text, draw))


def _string_variant(text: str, draw: Draw) -> str:
    hostile = choice(draw, STRINGS)
    if not text:
        return hostile
    at = draw.integer(0, len(text))
    piece = text[at : at + draw.integer(1, 8)] or hostile[:8] or "a"
    variants = (
        hostile,
        inflate(text, choice(draw, NUMBER_TEXTS)),
        text[:at] + hostile + text[at:],
        text[:at] + piece * choice(draw, REPEATS) + text[at:],
        text * choice(draw, REPEATS[:5]),
        text[:at],
        text.upper(),
    )
    return choice(draw, variants)[: 1 << 19]


def _delete(root: Tree, slot: Slot, draw: Draw, others: list[Tree]) -> Tree:
    del draw, others
    container, key = slot
    if isinstance(container, dict):
        del container[str(key)]
    elif isinstance(container, list) and isinstance(key, int):
        del container[key]
    return root


def _repeat(root: Tree, slot: Slot, draw: Draw, others: list[Tree]) -> Tree:
    """A list item repeated, or an object's key (a duplicate key); written out at once as text,
    so that no later mutation reaches into copies that share one object."""
    del others
    container, key = slot
    times = choice(draw, REPEATS)
    if isinstance(container, list) and isinstance(key, int):
        value = container[key]
        container[key] = Raw(",".join([dump(value)] * min(times, _fits(value))))
        return root
    if isinstance(container, dict):
        pairs = list(container.items())
        pairs += [(str(key), container[str(key)])] * min(times, 3)
        return _set(_parent_slot(root, container), root, Dup(tuple(pairs)))
    return Raw("[" + ",".join([dump(root)] * min(times, _fits(root))) + "]")


def _fits(value: Tree) -> int:
    """How many copies of ``value`` stay well under the input bound."""
    return max(1, (1 << 20) // (len(dump(value)) + 1))


def _parent_slot(root: Tree, container: object) -> Slot:
    for slot in slots(root):
        if _get(slot, root) is container:
            return slot
    return (None, 0)


def _rename(root: Tree, slot: Slot, draw: Draw, others: list[Tree]) -> Tree:
    container, key = slot
    if not isinstance(container, dict):
        return _swap_type(root, slot, draw, others)
    value = container.pop(str(key))
    names = [name for other in others for name in _keys(other)] or ["x"]
    container[choice(draw, [choice(draw, names), choice(draw, STRINGS), str(key).upper()])] = value
    return root


def _keys(tree: Tree) -> Iterator[str]:
    for container, key in slots(tree)[:2_000]:
        if isinstance(container, dict):
            yield str(key)


def _insert(root: Tree, slot: Slot, draw: Draw, others: list[Tree]) -> Tree:
    value = _get(slot, root)
    names = [name for other in others for name in _keys(other)] or ["x"]
    extra = _another_type(None, draw)
    if isinstance(value, dict):
        value[choice(draw, names)] = extra
    elif isinstance(value, list):
        value.insert(draw.integer(0, len(value)), extra)
    else:
        return _swap_type(root, slot, draw, others)
    return root


def _splice(root: Tree, slot: Slot, draw: Draw, others: list[Tree]) -> Tree:
    other = choice(draw, others) if others else root
    places = slots(other)
    piece = _get(places[draw.integer(0, len(places) - 1)], other)
    return _set(slot, root, copy.deepcopy(piece))


def _nest(root: Tree, slot: Slot, draw: Draw, others: list[Tree]) -> Tree:
    del others
    depth = choice(draw, _DEPTHS)
    inner = dump(_get(slot, root))
    if draw.integer(0, 1):
        return _set(slot, root, Raw("[" * depth + inner + "]" * depth))
    return _set(slot, root, Raw('{"a":' * depth + inner + "}" * depth))


_Operation = Callable[[Tree, Slot, Draw, list[Tree]], Tree]
_OPERATIONS: Final[tuple[_Operation, ...]] = (
    _swap_type,
    _swap_type,
    _number,
    _number_text,
    _string,
    _string,
    _delete,
    _repeat,
    _rename,
    _insert,
    _splice,
    _nest,
)


def dump(tree: Tree) -> str:
    """The tree as JSON text, Raw and Dup included (iteratively: no depth limit)."""
    parts: list[str] = []
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, _Text | Raw):
            parts.append(node.text)
        elif isinstance(node, Dup):
            stack.extend(reversed(_object(node.pairs)))
        elif isinstance(node, dict):
            stack.extend(reversed(_object(tuple(node.items()))))
        elif isinstance(node, list):
            items: list[object] = [_Text("[")]
            for index, value in enumerate(node):
                items += [_Text(",")] if index else []
                items.append(value)
            stack.extend(reversed([*items, _Text("]")]))
        else:
            parts.append(json.dumps(node, allow_nan=True, default=str))
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class _Text:
    text: str


def _object(pairs: tuple[tuple[str, object], ...]) -> list[object]:
    items: list[object] = [_Text("{")]
    for index, (key, value) in enumerate(pairs):
        items.append(_Text(("," if index else "") + json.dumps(str(key)) + ":"))
        items.append(value)
    return [*items, _Text("}")]
