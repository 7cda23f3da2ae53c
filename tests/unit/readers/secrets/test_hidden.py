"""What counts as giving a secret away: the whole of it, or any eight characters of it."""

from __future__ import annotations

import pytest

from gates.errors import EvidenceError
from gates.readers.secrets.hidden import WINDOW, Hidden
from gates.untrusted.fields import Fields

TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"


def _hidden(secret: str, match: str = "") -> Hidden:
    item = Fields({"Secret": secret, "Match": match}, path="report.json", where="[0]")
    return Hidden(item, secrets=("Secret",), wholes=("Match",))


@pytest.mark.parametrize(
    ("text", "reveals"),
    [
        (TOKEN, True),
        (f"pkg/{TOKEN[10 : 10 + WINDOW]}.py", True),  # any eight characters of it
        (f"pkg/{TOKEN[10 : 10 + WINDOW - 1]}.py", False),  # seven are not a piece
        ("github-pat", False),
        ("", False),
        ("ghp_", False),  # shorter than a piece
        ('token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"', True),  # the Match, whole
    ],
)
def test_a_text_reveals_the_secret_by_a_piece_or_the_match(text: str, reveals: bool) -> None:
    hidden = _hidden(TOKEN, f'token = "{TOKEN}"')
    assert hidden.reveals(text) is reveals


def test_a_short_secret_is_looked_for_whole_and_a_shorter_one_not_at_all() -> None:
    assert _hidden("hunter2").reveals("pkg/hunter2.py")
    assert not _hidden("abc").reveals("pkg/abc.py")  # "abc" would match everything
    assert not _hidden("REDACTED").reveals("pkg/settings.py")  # gitleaks --redact


def test_a_long_secret_is_checked_piece_by_piece() -> None:
    key = "".join(chr(ord("A") + (n * 7) % 26) + str(n % 10) for n in range(30_000))
    hidden = _hidden(key)
    assert hidden.reveals(f"x{key[-20:-5]}x")
    assert not hidden.reveals("pkg/settings.py")


def test_a_secret_over_64_kib_is_refused_without_quoting_it() -> None:
    with pytest.raises(EvidenceError) as caught:
        _hidden("Z" * (64 * 1024 + 1))
    assert caught.value.slug == "malformed-report"
    assert "ZZZZ" not in str(caught.value)


def test_kept_refuses_a_revealing_text_naming_only_the_field() -> None:
    hidden = _hidden(TOKEN)
    assert hidden.kept("github-pat", path="r.json", where="[0].RuleID") == "github-pat"
    with pytest.raises(EvidenceError) as caught:
        hidden.kept(TOKEN[2:30], path="r.json", where="[0].RuleID")
    assert "`[0].RuleID` holds the secret" in str(caught.value)
    assert TOKEN[2:10] not in str(caught.value)
