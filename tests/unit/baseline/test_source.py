"""What a finding's identity reads of its file: normalised text, statements, scopes."""

from __future__ import annotations

import textwrap

import pytest

from gates.baseline.source import CONTEXT_CHARS, normalise, parse_source


def _source(text: str, path: str = "pkg/m.py") -> list[tuple[str, str, str]]:
    """(text, statement, scope) of every line."""
    parsed = parse_source(textwrap.dedent(text), path=path)
    return [
        (parsed.text(n), parsed.statement(n), parsed.scope(n)) for n in range(1, parsed.length + 1)
    ]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x = f(a,b)", "x = f( a, b )"),  # spacing
        ("x = f('a')", 'x = f("a")'),  # quotes
        ("x = f(a, b)", "x = f(\n    a,\n    b,\n)"),  # wrapped, with a magic trailing comma
        ("x = [a, b]", "x = [\n    a,\n    b,\n]"),
        ("return a + b", "return (\n    a + b\n)"),  # parentheses a formatter adds
        ("x = 0XFF", "x = 0xff"),  # literal case
        ("x = u'a'", 'x = "a"'),  # a u prefix dropped
        ("x = 'a' 'b'", 'x = "ab"'),  # implicit concatenation joined
        ("x = a \\\n    + b", "x = a + b"),  # a backslash continuation
    ],
)
def test_normalising_ignores_what_a_formatter_changes(before: str, after: str) -> None:
    assert normalise(before) == normalise(after)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("x = eval(a)", "x = eval(b)"),
        ("x = f(a, b)", "x = f(a)"),
        ("subprocess.call(c, shell=True)", "subprocess.call(c, shell=False)"),
    ],
)
def test_normalising_keeps_what_the_code_says(one: str, other: str) -> None:
    assert normalise(one) != normalise(other)


def test_comments_are_cut_but_not_inside_strings() -> None:
    lines = _source(
        """\
        x = "a # b"  # a comment
        y = '''
        # inside a string
        '''  # after it
        z = 1 \\
            + 2  # continued
        """
    )
    assert [text for text, _, _ in lines] == [
        'x="a#b"',
        'y="',
        "#insideastring",
        '"',
        "z=1",
        "+2",
        "",
    ]


def test_a_line_a_statement_starts_on_is_the_outermost_one_whole_and_others_the_innermost() -> None:
    lines = _source(
        """\
        def load(
            path,
            mode='r',
        ):
            with open(path,
                      mode) as handle:
                return eval(handle.read())
        """
    )
    body = "returnevalhandle.read"
    with_statement = "withopenpath,modeashandle:" + body
    function = "defloadpath,mode=" + '"r"' + ":" + with_statement
    assert [statement for _, statement, _ in lines[:7]] == [
        function,
        function,
        function,
        function,
        with_statement,
        with_statement,
        body,
    ]


def test_an_inline_body_keeps_the_statement_of_its_header_line() -> None:
    one_line = _source("def f(x):\n    if x: return 1\n    elif x > 2: return 2\n")
    formatted = _source(
        "def f(x):\n    if x:\n        return 1\n    elif x > 2:\n        return 2\n"
    )
    assert one_line[2][1] == formatted[3][1] == "elifx>2:return2"  # the elif, whole
    assert one_line[1][0] != formatted[1][0]  # while the line's own text differs


def test_the_scope_is_the_innermost_function_or_class_decorators_included() -> None:
    lines = _source(
        """\
        import os

        class Cache:
            @property
            def size(self):
                def inner():
                    return 1
                return inner()

        x = 1
        """
    )
    assert [scope for _, _, scope in lines] == [
        "",
        "",
        "Cache",
        "Cache.size",
        "Cache.size",
        "Cache.size.inner",
        "Cache.size.inner",
        "Cache.size",
        "",
        "",
        "",
    ]


def test_a_file_that_does_not_parse_has_no_scopes_and_each_line_is_its_statement() -> None:
    lines = _source("def broken(:\n    x = eval(a)\n")
    assert lines[1] == ("x=evala", "x=evala", "")


def test_a_file_that_is_not_python_keeps_its_hashes() -> None:
    lines = _source("key: 'value'  # note\n", path="ci/job.yml")
    assert lines[0][0] == 'key:"value"#note'


def test_the_context_is_the_first_hundred_characters_from_the_line_on() -> None:
    parsed = parse_source("a = 1\n" + "b = 2\n" * 60, path="m.py")
    assert parsed.context(1) == ("a=1" + "b=2" * 40)[:CONTEXT_CHARS]
    assert parsed.context(61) == "b=2"
    assert parsed.preceding(1) == ""
    assert parsed.preceding(2) == "a=1"
    assert parsed.preceding(61) == "b=2"
    spaced = parse_source("a = 1\n\n# a comment\n\nb = 2\n", path="m.py")
    assert spaced.preceding(5) == "a=1"  # blank and comment lines skipped


def test_columns_are_characters_when_the_line_is_not_ascii() -> None:
    lines = _source('x = "é"; y = eval(\n    a)\n')
    assert lines[1][1] == "y=evala"  # the statement around line 2, cut in the right place
