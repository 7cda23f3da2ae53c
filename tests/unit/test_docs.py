"""The reference docs agree with the code.

* every slug the code can raise has its section in docs/errors.md, with the
  exit code it leads to, and no section documents a slug the code dropped;
* every reader format has its section in docs/readers.md, linking the slugs its
  module produces and stating its tool's "ran fine" exit codes;
* every severity, and the mappings readers expose, appear in docs/severity.md;
* every relative link between the Markdown documents resolves, anchors included.

Slugs are collected from the source with :mod:`ast`: string literals passed as
``slug=`` or as the first argument of ``Problem(...)``, and the defaults of
parameters named ``slug``. The collector and the link checker are tested on
small inputs first, so a docs test cannot pass by finding nothing.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest

from gates.catalog.metrics import Kind
from gates.catalog.tools import KNOWN_TOOLS
from gates.errors import (
    ApiError,
    EvidenceError,
    ExitCode,
    InternalError,
    PolicyError,
    UsageError,
)
from gates.model.reports import Severity
from gates.readers import KINDS, READERS
from gates.readers.findings import bandit_json, ruff_json, sarif_result

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"
PACKAGE = ROOT / "gates"
ERRORS = DOCS / "errors.md"
READERS_DOC = DOCS / "readers.md"
SEVERITY = DOCS / "severity.md"

# The exit code each way of raising a slug leads to. A Problem is an evidence
# problem: the gates that read it error, and the verdict exits 3.
EXIT_CODES: dict[str, int] = {
    "ApiError": ApiError.exit_code,
    "EvidenceError": EvidenceError.exit_code,
    "InternalError": InternalError.exit_code,
    "Problem": EvidenceError.exit_code,
    "PolicyError": PolicyError.exit_code,
    "UsageError": UsageError.exit_code,
}
# Level-2 headings of docs/errors.md that are not slugs.
NOT_SLUGS = frozenset({"Index", "Exit codes"})
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


# ---------------------------------------------------------------- collecting slugs


class SlugUse(NamedTuple):
    """One place the source names a slug, and what raises it there."""

    slug: str
    raiser: str  # "EvidenceError", "Problem", ... or the class of a `slug` default
    where: str  # "path:line"


class LiteralOnly(NamedTuple):
    """A ``slug`` the collector cannot read: neither a literal nor a pass-through."""

    where: str
    code: str


def slug_uses(source: str, *, name: str = "<source>") -> tuple[list[SlugUse], list[LiteralOnly]]:
    """The slugs ``source`` names, and the ``slug=`` arguments that hide one."""
    visitor = _SlugVisitor(name)
    visitor.visit(ast.parse(source))
    return visitor.uses, visitor.hidden


class _SlugVisitor(ast.NodeVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.classes: list[str] = []
        self.uses: list[SlugUse] = []
        self.hidden: list[LiteralOnly] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        arguments = node.args
        positional = [*arguments.posonlyargs, *arguments.args]
        with_defaults = [
            *zip(
                positional[len(positional) - len(arguments.defaults) :],
                arguments.defaults,
                strict=True,
            ),
            *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True),
        ]
        for argument, default in with_defaults:
            text = _literal(default)
            if argument.arg == "slug" and text is not None:
                owner = self.classes[-1] if self.classes else node.name
                self.uses.append(SlugUse(text, owner, self._where(argument)))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        raiser = _called(node.func)
        for keyword in node.keywords:
            if keyword.arg != "slug":
                continue
            text = _literal(keyword.value)
            if text is not None:
                self.uses.append(SlugUse(text, raiser, self._where(node)))
            elif not _passes_through(keyword.value):
                self.hidden.append(LiteralOnly(self._where(node), ast.unparse(keyword.value)))
        if raiser == "Problem" and node.args:
            text = _literal(node.args[0])
            if text is not None:
                self.uses.append(SlugUse(text, raiser, self._where(node)))
            else:
                self.hidden.append(LiteralOnly(self._where(node), ast.unparse(node.args[0])))
        self.generic_visit(node)

    def _where(self, node: ast.AST) -> str:
        return f"{self.name}:{getattr(node, 'lineno', 0)}"


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _called(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _passes_through(node: ast.expr) -> bool:
    """``slug=slug`` or ``slug=error.slug``: a slug named elsewhere, handed on."""
    return (isinstance(node, ast.Name) and node.id == "slug") or (
        isinstance(node, ast.Attribute) and node.attr == "slug"
    )


def package_slug_uses() -> tuple[list[SlugUse], list[LiteralOnly]]:
    uses: list[SlugUse] = []
    hidden: list[LiteralOnly] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found, unread = slug_uses(
            path.read_text(encoding="utf-8"), name=path.relative_to(ROOT).as_posix()
        )
        uses += found
        hidden += unread
    return uses, hidden


# ---------------------------------------------------------------- reading Markdown


class Heading(NamedTuple):
    level: int
    title: str
    body: str  # the text up to the next heading of the same or a higher level


def headings(markdown: str) -> list[Heading]:
    """The headings outside fenced code blocks, each with its section's text."""
    lines = markdown.splitlines()
    found: list[tuple[int, int, str]] = []  # (line index, level, title)
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match:
            found.append((index, len(match[1]), match[2]))
    result: list[Heading] = []
    for position, (index, level, title) in enumerate(found):
        end = next(
            (other for other, other_level, _ in found[position + 1 :] if other_level <= level),
            len(lines),
        )
        result.append(Heading(level, title, "\n".join(lines[index + 1 : end])))
    return result


def sections(path: Path, level: int = 2) -> dict[str, str]:
    """Title -> text of the headings of ``level`` in ``path``."""
    return {h.title: h.body for h in headings(path.read_text(encoding="utf-8")) if h.level == level}


def anchor(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to ``-``."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)  # a link keeps its text
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every heading anchor of a document, numbered as GitHub numbers repeats."""
    seen: dict[str, int] = {}
    result: set[str] = set()
    for heading in headings(markdown):
        base = anchor(heading.title)
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def links(markdown: str) -> Iterator[str]:
    """The targets of the inline links outside code blocks and code spans."""
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield from _LINK.findall(_CODE_SPAN.sub("", line))


def broken_links(paths: Sequence[Path]) -> list[str]:
    """``"file: target (why)"`` for each relative link that does not resolve."""
    broken: list[str] = []
    for path in paths:
        for target in links(path.read_text(encoding="utf-8")):
            if _SCHEME.match(target):
                continue  # https:, mailto:: not checked offline
            file_part, _, fragment = target.partition("#")
            destination = (path.parent / file_part).resolve() if file_part else path
            if not destination.exists():
                broken.append(f"{path.name}: {target} (no such file)")
            elif (
                fragment
                and destination.suffix == ".md"
                and fragment not in anchors(destination.read_text(encoding="utf-8"))
            ):
                broken.append(f"{path.name}: {target} (no such heading)")
    return broken


# ---------------------------------------------------------------- the machinery itself


def test_the_collector_reads_every_way_of_naming_a_slug() -> None:
    source = """
class PolicyError:
    def __init__(self, *, slug: str = "policy") -> None: ...

def f(error):
    EvidenceError("m", slug="invalid-json", path="p")
    Problem("no-tests", "p", "m", "h")
    Problem(slug="no-runs", path="p", message="m", hint="h")
    GatesError("m", slug=error.slug)
    UsageError("m", slug=SLUG)
    Problem(SLUG, "p", "m", "h")
"""
    uses, hidden = slug_uses(source, name="x.py")
    assert [(use.slug, use.raiser) for use in uses] == [
        ("policy", "PolicyError"),
        ("invalid-json", "EvidenceError"),
        ("no-tests", "Problem"),
        ("no-runs", "Problem"),
    ]
    assert [item.code for item in hidden] == ["SLUG", "SLUG"]


def test_the_collector_finds_the_slugs_of_every_family_in_gates() -> None:
    uses, _ = package_slug_uses()
    raisers = {use.slug: use.raiser for use in uses}
    # one of each way of raising, so an empty or partial collection fails here
    assert raisers["missing-evidence"] == "Problem"
    assert raisers["invalid-json"] == "EvidenceError"
    assert raisers["policy"] == "PolicyError"
    assert raisers["usage"] == "UsageError"
    assert len(raisers) > 40


def test_sections_skip_fenced_code_and_end_at_the_next_heading() -> None:
    text = "# Title\n## one\nbody\n```sh\n## not a heading\n```\n### sub\nmore\n## two\nlast\n"
    parsed = {h.title: h.body for h in headings(text) if h.level == 2}
    assert list(parsed) == ["one", "two"]
    assert "## not a heading" in parsed["one"]
    assert "more" in parsed["one"]
    assert parsed["two"] == "last"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("missing-evidence", "missing-evidence"),
        ("`[[waiver]]` — accepted exceptions", "waiver--accepted-exceptions"),
        ("Recording a report with `gates run`", "recording-a-report-with-gates-run"),
        ("Add a reader", "add-a-reader"),
    ],
)
def test_anchors_are_githubs(title: str, expected: str) -> None:
    assert anchor(title) == expected


def test_the_link_checker_reports_missing_files_and_headings(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("# B\n## Here\n", encoding="utf-8")
    page = tmp_path / "a.md"
    page.write_text(
        "[ok](b.md#here) [self](#a) [web](https://example.com/x.md)\n"
        "[gone](c.md) [nowhere](b.md#there) `[code](d.md)`\n"
        "```\n[fenced](e.md)\n```\n# A\n",
        encoding="utf-8",
    )
    assert broken_links([page]) == [
        "a.md: c.md (no such file)",
        "a.md: b.md#there (no such heading)",
    ]


# ---------------------------------------------------------------- docs/errors.md


def test_every_slug_is_a_literal_the_docs_test_can_see() -> None:
    _, hidden = package_slug_uses()
    assert hidden == [], "name slugs with string literals, so docs/errors.md can be checked"


def test_every_slug_in_the_code_has_its_section_in_errors_md() -> None:
    uses, _ = package_slug_uses()
    documented = set(sections(ERRORS))
    missing = sorted({use.slug for use in uses} - documented)
    assert missing == [], f"add a `## <slug>` section to docs/errors.md for: {missing}"


def test_errors_md_documents_no_slug_the_code_does_not_use() -> None:
    uses, _ = package_slug_uses()
    stale = sorted(set(sections(ERRORS)) - NOT_SLUGS - {use.slug for use in uses})
    assert stale == [], f"docs/errors.md documents slugs the code no longer uses: {stale}"


def test_every_errors_md_section_states_the_exit_code_its_slug_leads_to() -> None:
    uses, _ = package_slug_uses()
    documented = sections(ERRORS)
    wrong: list[str] = []
    for slug in sorted({use.slug for use in uses}):
        codes = {EXIT_CODES.get(use.raiser) for use in uses if use.slug == slug}
        assert None not in codes, f"{slug}: raised by something EXIT_CODES does not know"
        assert len(codes) == 1, f"{slug} leads to several exit codes: {codes}"
        match = re.search(r"\*\*Exit code:\*\* (\d)", documented.get(slug, ""))
        stated = int(match[1]) if match else None
        if stated not in codes:
            wrong.append(f"{slug}: docs say {stated}, code gives {codes.pop()}")
    assert wrong == []


def test_the_index_of_errors_md_links_every_section() -> None:
    index = sections(ERRORS).get("Index", "")
    unlisted = sorted(
        slug for slug in set(sections(ERRORS)) - NOT_SLUGS if f"](#{slug})" not in index
    )
    assert unlisted == [], f"add to the index of docs/errors.md: {unlisted}"


_EXIT_ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*`([A-Z_]+)`\s*\|\s*(.*?)\s*\|\s*$")


def exit_rows(body: str) -> set[tuple[int, str, str]]:
    """The rows ``| code | `NAME` | meaning |`` of a section's table."""
    return {(int(m[1]), m[2], m[3]) for line in body.splitlines() if (m := _EXIT_ROW.match(line))}


def test_exit_rows_reads_a_table() -> None:
    body = (
        "| code | name | meaning |\n| --- | --- | --- |\n| 0 | `PASS` | pass |\n| 7 | `X` | y z |"
    )
    assert exit_rows(body) == {(0, "PASS", "pass"), (7, "X", "y z")}


def test_errors_md_documents_every_exit_code_as_the_enum_says() -> None:
    documented = exit_rows(sections(ERRORS).get("Exit codes", ""))
    expected = {(int(code), code.name, code.meaning) for code in ExitCode}
    assert documented == expected, (
        f"docs/errors.md#exit-codes: missing {sorted(expected - documented)}, "
        f"not in gates.errors.ExitCode {sorted(documented - expected)}"
    )


# ---------------------------------------------------------------- docs/readers.md


def _reader(format_id: str) -> ModuleType:
    module = READERS[format_id]
    assert isinstance(module, ModuleType)
    return module


def test_every_reader_format_has_its_section_in_readers_md() -> None:
    documented = sections(READERS_DOC)
    missing = sorted(set(READERS) - set(documented))
    assert missing == [], f"add a `## <format>` section to docs/readers.md for: {missing}"


def test_readers_md_documents_no_format_gates_does_not_read() -> None:
    format_like = {title for title in sections(READERS_DOC) if _SLUG.fullmatch(title)}
    assert sorted(format_like - set(READERS)) == []


@pytest.mark.parametrize("format_id", sorted(READERS))
def test_a_readers_section_links_every_problem_its_reader_produces(format_id: str) -> None:
    module = _reader(format_id)
    source = Path(str(module.__file__)).read_text(encoding="utf-8")
    uses, _ = slug_uses(source)
    body = sections(READERS_DOC).get(format_id, "")
    unlinked = sorted({use.slug for use in uses if f"(errors.md#{use.slug})" not in body})
    assert unlinked == [], f"docs/readers.md#{format_id} should link {unlinked}"


# A tool gates does not know (any SARIF producer) declares its exit codes in the manifest.
@pytest.mark.parametrize(
    "format_id", sorted(fmt for fmt, module in READERS.items() if module.TOOL in KNOWN_TOOLS)
)
def test_a_readers_section_states_the_tools_ran_fine_exit_codes(format_id: str) -> None:
    tool = _reader(format_id).TOOL
    codes = " or ".join(str(code) for code in sorted(KNOWN_TOOLS[tool].ok_exit_codes))
    assert f"`{tool}` ran fine with exit {codes}" in sections(READERS_DOC).get(format_id, "")


def test_readers_md_lists_every_known_tools_exit_codes() -> None:
    table = sections(READERS_DOC).get("Exit codes", "")
    missing = sorted(tool for tool in KNOWN_TOOLS if f"\n| `{tool}` |" not in table)
    assert missing == []


# ---------------------------------------------------------------- docs/severity.md


def test_severity_md_gives_the_scale_in_order() -> None:
    scale = " > ".join(level.label for level in sorted(Severity, reverse=True))
    assert scale in SEVERITY.read_text(encoding="utf-8")


@pytest.mark.parametrize("level", list(Severity))
def test_every_severity_appears_in_severity_md(level: Severity) -> None:
    assert f"`{level.label}`" in SEVERITY.read_text(encoding="utf-8")


def test_severity_md_covers_every_findings_format() -> None:
    text = SEVERITY.read_text(encoding="utf-8")
    findings = [fmt for fmt, kind in KINDS.items() if kind is Kind.FINDINGS]
    assert sorted(fmt for fmt in findings if f"`{fmt}`" not in text) == []


def test_severity_md_gives_bandits_mapping() -> None:
    body = sections(SEVERITY)["bandit"]
    for level, severity in bandit_json.SEVERITIES.items():
        assert f"| `{level}` | `{severity.label}` |" in body


def test_severity_md_gives_sarifs_level_mapping() -> None:
    body = sections(SEVERITY)["sarif"]
    for level, severity in sarif_result.LEVELS.items():
        assert f"| `{level}` | `{severity.label}` |" in body


def test_severity_md_gives_ruffs_mapping() -> None:
    rows = [line for line in sections(SEVERITY)["ruff"].splitlines() if line.startswith("| `")]
    checked = 0
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        stated = cells[1].strip("`")
        for code in re.findall(r"`([A-Z]+[0-9]+|invalid-syntax)`", cells[0]):
            assert ruff_json.severity_of(code).label == stated, row
            checked += 1
    assert checked >= 4
    assert ruff_json.severity_of("E501").label == "low"  # "any other code"


# ---------------------------------------------------------------- links


def test_relative_links_between_the_documents_resolve() -> None:
    pages = [*sorted(DOCS.glob("*.md")), ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
    assert all(page.is_file() for page in pages)
    assert broken_links(pages) == []
