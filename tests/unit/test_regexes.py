"""No regular expression in gates can backtrack for long (issue 10, item 3: reading is linear).

A backtracking engine takes polynomial or exponential time when two
quantifiers can share the characters of a long stretch of input: ``(.*)\\{(.*)
=> (.*)\\}(.*)`` took 35 s on 5 KB of ``{ => ``, and the version pattern
``(\\d+)\\.\\d+(\\.\\d+)?([.+-]?[0-9A-Za-z.+-]*)?`` 35 s on 30 KB. This test
finds every regular expression in ``gates/`` (a literal pattern given to
``re.compile``, ``re.match`` and the like) and parses it with the standard
library's own parser; it fails on

* **overlapping quantifiers**: an unbounded repeat followed, across items it
  can itself match, by another unbounded repeat that can match the same
  characters (``.*x.*`` and ``\\d+\\w*``), when something after them can
  still fail (so the engine backtracks through every split);
* **nested quantifiers**: the same across the iterations of an unbounded
  repeat (``(a+)+``, ``(\\d+\\.?)+``), which is exponential;
* for a pattern used with ``search``, ``sub``, ``findall`` or ``split``
  (tried at every position), a leading unbounded repeat followed by something
  that can fail (``\\s+x``): quadratic.

A pattern built at run time cannot be checked and is refused too. A pattern
the analysis flags but that is linear (or only ever sees trusted text) goes
in :data:`ALLOWED` with the reason; an entry no longer in the code fails.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NamedTuple

import pytest

PACKAGE: Final = Path(__file__).resolve().parents[2] / "gates"

# The standard library's own regex parser (no stubs): what the engine will run, as it parses it.
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

# A flagged pattern that is acceptable, and why. Keep it short: prefer rewriting the pattern.
ALLOWED: Final[dict[str, str]] = {
    # gates/stage/runner.py: the version in a tool's `--version` output (a line or two, from the
    # tool the stage installed), not a report
    r"\b(\d+\.\d+(?:\.\d+)?(?:[-.+]?[A-Za-z0-9.]+)?)\b": "a tool's own --version output",
    # gates/ci/github.py: the `Link` header of a GitHub REST API response, not a report
    r'<([^>]+)>\s*;\s*rel="next"': "GitHub's own Link response header",
    # gates init (projectruns, runtime, setupmeta, testenv): the project's own configuration
    # files (workflows, requirements, setup.py, tox.ini), read by its developer's command and
    # bounded in size, never a report
    r"repo:\s*\S*psf/black|id:\s*['\"]?black['\"]?\s*$": "the project's own configuration",
    r"(^|\s)#.*$": "the project's own requirements files",
    r"^(?:-r|--requirement)\s*=?\s*(\S+)$": "the project's own requirements files",
    r"^[\w./-]*requirements[\w./-]*\.(?:txt|in)$": "a string literal of the project's setup.py",
    r"^(?P<condition>[\w!.{},-]+):(?:\s+|$)(?P<value>.*)$": "the project's own tox.ini",
}

# Patterns built at run time, and why the text they see or build is safe.
DYNAMIC: Final[dict[str, str]] = {
    "init/documents.py:_why_read": (
        "a file suffix gates init found in the project, escaped (`re.escape`) and followed by `\\b`: "
        "a literal, matched against the project's own test configuration"
    ),
    "policy/settings.py:glob_match": (
        "a glob of the policy's `[gates] unaffected`, translated to `[^/]*`, `.*` and `(?:.*/)?`; "
        "matched against the few fixed samples of unaffected_problem and against paths git lists "
        "(the policy comes from the base branch)"
    ),
}

_FUNCTIONS: Final = frozenset(
    {"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"}
)
_SEARCHING: Final = frozenset({"search", "sub", "subn", "split", "findall", "finditer"})
_REPEATS: Final = (sre.MAX_REPEAT, sre.MIN_REPEAT)
_SINGLE: Final = (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY)
_ZERO_WIDTH_SAFE: Final = (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)
_SAMPLES: Final = frozenset(
    [chr(code) for code in range(128)]
    + list("\u00e9\u00df\u00a0\u0085\u2028\u0663\u4e00\U0001f4a5")
)


@dataclass(frozen=True)
class Pattern:
    """A regular expression found in gates' code, and how it is applied."""

    where: str  # "readers/findings/sarif.py:52"
    source: str | bytes
    flags: int
    usage: frozenset[str]  # "fullmatch", "match", or a searching method


# ---------------------------------------------------------------- finding the patterns


def patterns() -> Iterator[Pattern | str]:
    """Every regex literal of the package; a ``"file:function"`` string for a dynamic one."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        yield from _module_patterns(tree, path.relative_to(PACKAGE).as_posix())


def _module_patterns(tree: ast.Module, name: str) -> Iterator[Pattern | str]:
    usages = _usages(tree)
    for node, function in _calls(tree):
        if not node.args:
            continue
        source = _literal(node.args[0])
        if source is None:
            yield f"{name}:{function}"
            continue
        method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        usage = usages.get(_assigned_to(tree, node), frozenset({"search"}))
        yield Pattern(
            f"{name}:{node.lineno}",
            source,
            _flags(node),
            usage if method == "compile" else frozenset({method}),
        )


def _calls(tree: ast.Module) -> Iterator[tuple[ast.Call, str]]:
    """``re.<function>(...)`` calls, with the function (or module level) they are in."""
    for scope in ast.walk(tree):
        if not isinstance(scope, ast.Module | ast.FunctionDef):
            continue
        name = scope.name if isinstance(scope, ast.FunctionDef) else "<module>"
        body = (
            scope.body
            if isinstance(scope, ast.FunctionDef)
            else [
                node for node in scope.body if not isinstance(node, ast.FunctionDef | ast.ClassDef)
            ]
        )
        for statement in body:
            for node in ast.walk(statement):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "re"
                    and node.func.attr in _FUNCTIONS
                ):
                    yield node, name


def _literal(node: ast.expr) -> str | bytes | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        return node.value
    return None


def _flags(call: ast.Call) -> int:
    flags = 0
    nodes = [keyword.value for keyword in call.keywords if keyword.arg == "flags"]
    if isinstance(call.func, ast.Attribute) and call.func.attr == "compile" and len(call.args) > 1:
        nodes.append(call.args[1])
    for node in nodes:
        for part in ast.walk(node):
            if isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name):
                flags |= int(getattr(re, part.attr, 0))
    return flags


def _assigned_to(tree: ast.Module, call: ast.Call) -> str:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is call:
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name):
                return target.id
    return ""


def _usages(tree: ast.Module) -> dict[str, frozenset[str]]:
    """For each name, the regex methods called on it in the module (``_ROW.fullmatch``)."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr in _FUNCTIONS - {"compile"}
        ):
            found.setdefault(node.value.id, set()).add(node.attr)
    return {name: frozenset(methods) for name, methods in found.items()}


# ---------------------------------------------------------------- the analysis


Item = tuple[Any, Any]  # (opcode, argument), as re._parser gives them


def problems(pattern: Pattern) -> list[str]:
    """Why ``pattern`` can backtrack super-linearly; empty when it cannot."""
    parsed = sre_parse.parse(pattern.source, pattern.flags)
    items: list[Item] = list(parsed.data)
    found: list[str] = []
    for usage in sorted(pattern.usage):
        end = [_FAILING_END] if usage == "fullmatch" else []
        if usage in _SEARCHING and not _anchored(items, pattern.flags):
            # tried at every position: as if it started with an unbounded any-character repeat
            found += _from(_ANY_REPEAT, [*items, *end], f"{usage} at every position")
        found += _scan(items, [end])
    return sorted(set(found))


_FAILING_END: Final[Item] = (sre.AT, sre.AT_END_STRING)
_ANY_REPEAT: Final[Item] = (
    sre.MAX_REPEAT,
    (0, sre.MAXREPEAT, sre_parse.SubPattern(sre_parse.State(), [(sre.ANY, None)])),
)


def _anchored(items: Sequence[Item], flags: int) -> bool:
    """Whether the pattern can start at few positions only: at the start of the text, or
    (``(?<![ \\t])[ \\t]+``) after a character its leading repeat cannot match.
    """
    if not items:
        return False
    op, argument = items[0]
    if op is sre.AT:
        return argument in _ZERO_WIDTH_SAFE and not (
            argument is sre.AT_BEGINNING and flags & re.MULTILINE
        )
    if op is sre.ASSERT_NOT and len(items) > 1 and argument[0] == -1:
        behind = frozenset().union(*(_chars(inner) for inner in argument[1].data))
        return bool(_chars(items[1])) and _chars(items[1]) <= behind
    return False


def _scan(items: Sequence[Item], after: list[list[Item]]) -> list[str]:
    """Every unbounded repeat of ``items`` (nested too), checked against what follows it."""
    found: list[str] = []
    for index, item in enumerate(items):
        rest = [list(items[index + 1 :]), *after]
        op, argument = item
        if op in _REPEATS:
            high, body = argument[1:]
            body_items = list(body.data)
            if high is sre.MAXREPEAT:
                found += _from(item, _flat(rest), "overlapping quantifiers")
                # another iteration follows the body: the nested case
                found += _scan(body_items, [[(op, (0, high, body))], *rest])
            else:
                found += _scan(body_items, rest)
        elif op is sre.SUBPATTERN:
            found += _scan(list(argument[-1].data), rest)
        elif op is sre.BRANCH:
            for branch in argument[1]:
                found += _scan(list(branch.data), rest)
        elif op in (sre.ATOMIC_GROUP, sre.POSSESSIVE_REPEAT):
            continue  # no backtracking into it
    return found


def _flat(parts: Sequence[Sequence[Item]]) -> list[Item]:
    return [item for part in parts for item in part]


def _from(repeat: Item, following: list[Item], why: str) -> list[str]:
    """The problem when a later unbounded repeat shares characters with ``repeat`` across ``following``."""
    first = _chars(repeat)
    hit = _walk(first, following, [])
    return [f"{why}: {_show(repeat)} then {_show(hit)}"] if hit is not None else []


class _Hit(NamedTuple):
    item: Item  # the overlapping repeat


def _walk(
    first: frozenset[str], items: list[Item], separators: list[frozenset[str]]
) -> Item | None:
    """The overlapping repeat reached from an unbounded repeat of ``first`` through ``items``."""
    for index, item in enumerate(items):
        op, argument = item
        rest = items[index + 1 :]
        if op in (sre.SUBPATTERN, sre.BRANCH) or (op in _REPEATS and not _simple(argument[2])):
            return _into(first, item, rest, separators)
        step = _cross(first, item, rest, separators)
        if not isinstance(step, list):
            return step.item if step is not None else None
        separators = step
    return None


def _into(
    first: frozenset[str], item: Item, rest: list[Item], separators: list[frozenset[str]]
) -> Item | None:
    """Through a group, each branch of an alternation, or a repeated group (or around it)."""
    op, argument = item
    if op is sre.SUBPATTERN:
        return _walk(first, list(argument[-1].data) + rest, separators)
    if op is sre.BRANCH:
        hits = (_walk(first, list(branch.data) + rest, separators) for branch in argument[1])
        return next((hit for hit in hits if hit is not None), None)
    low, _, body = argument
    hit = _walk(first, list(body.data) + rest, separators)
    return _walk(first, rest, separators) if hit is None and low == 0 else hit


def _cross(
    first: frozenset[str], item: Item, rest: list[Item], separators: list[frozenset[str]]
) -> list[frozenset[str]] | _Hit | None:
    """One item: the separators to go on with, the overlapping repeat found, or ``None`` (stop)."""
    op, argument = item
    if op is sre.AT or op in (sre.ASSERT, sre.ASSERT_NOT):
        return separators  # zero width
    if op not in _SINGLE and op not in _REPEATS:
        return None  # a back-reference, an atomic group: stop
    chars = _chars(item)
    shared = chars & first
    if op in _REPEATS:
        low, high, _ = argument
        overlaps = high is sre.MAXREPEAT and shared and all(s & shared for s in separators)
        if overlaps and _can_fail(rest):
            return _Hit(item)
        if low == 0:
            return separators  # skipped
    return [*separators, chars] if shared else None  # the first repeat cannot cross it


def _simple(body: Any) -> bool:
    """A repeat of one character class (``\\d+``, ``[^>]*``): the kind that overlaps."""
    return len(body.data) == 1 and body.data[0][0] in _SINGLE


def _can_fail(items: Sequence[Item]) -> bool:
    """Whether something in ``items`` can fail to match, so that the engine backtracks."""
    for op, argument in items:
        if op is sre.AT and argument not in _ZERO_WIDTH_SAFE:
            return True
        if op in _SINGLE or op in (sre.BRANCH, sre.GROUPREF, sre.ASSERT, sre.ASSERT_NOT):
            return True
        if op in _REPEATS and argument[0] > 0:
            return True
        if op is sre.SUBPATTERN and _can_fail(list(argument[-1].data)):
            return True
    return False


def _chars(item: Item) -> frozenset[str]:
    """The characters (of a sample alphabet) any single-character position of ``item`` matches."""
    op, argument = item
    if op is sre.LITERAL:
        return frozenset({chr(argument)})
    if op is sre.NOT_LITERAL:
        return _SAMPLES - {chr(argument)}
    if op is sre.ANY:
        return _SAMPLES - {"\n"}
    if op is sre.IN:
        return _set(argument)
    return frozenset().union(*(_chars(inner) for inner in _inner(item)))


def _inner(item: Item) -> list[Item]:
    op, argument = item
    if op in _REPEATS:
        return list(argument[2].data)
    if op is sre.SUBPATTERN:
        return list(argument[-1].data)
    if op is sre.BRANCH:
        return [inner for branch in argument[1] for inner in branch.data]
    return []


def _set(members: list[Item]) -> frozenset[str]:
    negate = any(op is sre.NEGATE for op, _ in members)
    chars = frozenset(
        char for char in _SAMPLES if any(_member(char, op, arg) for op, arg in members)
    )
    return _SAMPLES - chars if negate else chars


def _member(char: str, op: Any, argument: Any) -> bool:
    if op is sre.LITERAL:
        return char == chr(argument)
    if op is sre.RANGE:
        low, high = argument
        return bool(low <= ord(char) <= high)
    if op is sre.CATEGORY:
        return _CATEGORIES.get(str(argument), _anything)(char)
    return False


def _anything(char: str) -> bool:
    del char
    return True


_CATEGORIES: Final[dict[str, Callable[[str], bool]]] = {
    "CATEGORY_DIGIT": str.isdecimal,
    "CATEGORY_NOT_DIGIT": lambda char: not char.isdecimal(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda char: not char.isspace(),
    "CATEGORY_WORD": lambda char: char.isalnum() or char == "_",
    "CATEGORY_NOT_WORD": lambda char: not (char.isalnum() or char == "_"),
}


def _show(item: Item) -> str:
    chars = _chars(item)
    sample = "".join(sorted(chars))[:12]
    return f"a repeat of {len(chars)} characters ({sample!r}…)"


# ---------------------------------------------------------------- the tests


FOUND: Final = list(patterns())


def test_patterns_are_found() -> None:
    wheres = {item.where.split(":")[0] for item in FOUND if isinstance(item, Pattern)}
    assert {
        "readers/findings/sarif_result.py",
        "readers/patch/git_numstat.py",
        "system/gitdiff.py",
    } <= wheres


@pytest.mark.parametrize(
    "pattern",
    [item for item in FOUND if isinstance(item, Pattern)],
    ids=lambda pattern: pattern.where,
)
def test_no_pattern_backtracks_super_linearly(pattern: Pattern) -> None:
    found = problems(pattern)
    if pattern.source in ALLOWED:
        assert found, f"{pattern.where}: allowed, but no longer flagged: remove it from ALLOWED"
        return
    assert found == [], f"{pattern.where}: {pattern.source!r}"


def test_no_pattern_is_built_at_run_time_unless_reviewed() -> None:
    dynamic = {item for item in FOUND if isinstance(item, str)}
    assert dynamic == set(DYNAMIC)


def test_allowed_patterns_are_still_in_the_code() -> None:
    sources = {item.source for item in FOUND if isinstance(item, Pattern)}
    assert set(ALLOWED) <= sources


@pytest.mark.parametrize(
    ("source", "usage"),
    [
        (r"(.*)\{(.*) => (.*)\}(.*)", "fullmatch"),  # issue 10, H1: cubic
        (r"(\d+)\.\d+(\.\d+)?([.+-]?[0-9A-Za-z.+-]*)?", "fullmatch"),  # issue 10, H2
        (r"(a+)+b", "match"),  # the textbook exponential case
        (r"(\d+\.?)+x", "match"),
        (r"\s+x", "search"),  # quadratic: tried at every position
        (r"[ \t]+$", "sub"),
        (r".*:.*x", "match"),
        (r"^(?P<why>.+?):\s+(?P<name>[^\s()]+)\s+\(.*x", "match"),
    ],
)
def test_the_analysis_flags_known_backtracking(source: str, usage: str) -> None:
    assert problems(Pattern("example", source, 0, frozenset({usage})))


@pytest.mark.parametrize(
    ("source", "usage"),
    [
        (r"[0-9]+\.[0-9][0-9A-Za-z.+-]*", "fullmatch"),  # H2's pattern, rewritten
        (r"(?:\.\d+)*x", "match"),  # each iteration starts with what the digits cannot match
        (r"\s*([0-9]{1,15})\s+([0-9]{1,15}) (\S.*)", "fullmatch"),
        (r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", "match"),
        (r"[-_.]+", "sub"),  # nothing after it can fail: the first match is taken
        (r"\((\d+)/(\d+)\)", "search"),
        (r"^(?P<why>.+?):\s+(?P<name>[^\s()]+)\s+\([^()]*\)$", "match"),  # separators disjoint
        (r"(?<![ \t])[ \t]+((?:\x1b\[[0-9;]*m)*)$", "sub"),  # starts at a run's first blank only
    ],
)
def test_the_analysis_passes_linear_patterns(source: str, usage: str) -> None:
    assert problems(Pattern("example", source, 0, frozenset({usage}))) == []
