"""The error family, and the one table of exit codes.

Library code raises these; only :mod:`gates.cli` prints them and exits. Every
error carries a *slug* (a stable identifier, also the anchor of its section in
``docs/errors.md``), a message saying what happened, and a *hint* saying what
to do next; its class says which :class:`ExitCode` it leads to.
"""

from __future__ import annotations

import enum

__all__ = [
    "ApiError",
    "EvidenceError",
    "ExitCode",
    "GatesError",
    "InternalError",
    "PolicyError",
    "UsageError",
]


class ExitCode(enum.IntEnum):
    """How every ``gates`` command exits; any code but 0 blocks a merge.

    The one table of them: ``gates check --help``, docs/errors.md and the
    JSON verdict's ``exit_code`` say the same.
    """

    PASS = 0  # every gate passed (warnings allowed)
    FAIL = 1  # a gate failed, or a waiver expired
    USAGE = 2  # the command line or the policy is wrong
    EVIDENCE = 3  # evidence missing, stale, unreadable or incomplete
    INTERNAL = 4  # gates itself failed: a bug
    API = 5  # a web API (GitHub's) refused or could not be reached
    INTERRUPTED = 130  # Ctrl-C

    @property
    def meaning(self) -> str:
        """What the code says, as the help text shows it."""
        return _MEANINGS[self]


_MEANINGS: dict[ExitCode, str] = {
    ExitCode.PASS: "pass (warnings allowed)",
    ExitCode.FAIL: "a gate failed",
    ExitCode.USAGE: "usage or policy error",
    ExitCode.EVIDENCE: "evidence error (missing, stale, unreadable, incomplete)",
    ExitCode.INTERNAL: "internal error",
    ExitCode.API: "GitHub API error",
    ExitCode.INTERRUPTED: "interrupted",
}


def exit_codes_text(codes: tuple[ExitCode, ...] = tuple(ExitCode)[:5]) -> str:
    """``"0 pass (warnings allowed), 1 a gate failed, ..."``: the table as one sentence."""
    return ", ".join(f"{int(code)} {code.meaning}" for code in codes)


class GatesError(Exception):
    """Base of every error gates reports to a user."""

    exit_code: ExitCode = ExitCode.INTERNAL
    kind: str = "error"

    def __init__(self, message: str, *, slug: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.slug = slug
        self.hint = hint

    def diagnostics(self) -> str:
        """The message and the next step, as a person reads them."""
        text = f"{self.kind}: {self.message}"
        if self.hint:
            text += f"\n  next: {self.hint}"
        return text


class UsageError(GatesError):
    """The command line was wrong (exit 2)."""

    exit_code = ExitCode.USAGE
    kind = "usage error"


class PolicyError(GatesError):
    """``gates.toml`` is invalid (exit 2). ``key`` is the dotted key path."""

    exit_code = ExitCode.USAGE
    kind = "policy error"

    def __init__(self, message: str, *, key: str, hint: str = "", slug: str = "policy") -> None:
        super().__init__(f"{key}: {message}" if key else message, slug=slug, hint=hint)
        self.key = key


class EvidenceError(GatesError):
    """A report or manifest cannot be trusted (exit 3).

    ``path`` names the file; ``subject`` narrows what a waiver may target
    (a package name, a tool).
    """

    exit_code = ExitCode.EVIDENCE
    kind = "evidence error"

    def __init__(
        self,
        message: str,
        *,
        slug: str,
        path: str = "",
        hint: str = "",
        subject: str = "",
    ) -> None:
        super().__init__(f"{path}: {message}" if path else message, slug=slug, hint=hint)
        self.path = path
        self.detail = message
        self.subject = subject


class InternalError(GatesError):
    """gates itself failed: a bug (exit 4). Never raised to the user as is.

    :mod:`gates.judge.crash` turns a crash into this error's problem, shown in the
    verdict's internal-error gate, so that a crash still leaves a verdict.
    """

    exit_code = ExitCode.INTERNAL
    kind = "internal error"


class ApiError(GatesError):
    """A web API (GitHub's) refused the request or could not be reached (exit 5).

    Its message never holds the token: :mod:`gates.ci.github` redacts it from
    everything a server answers.
    """

    exit_code = ExitCode.API
    kind = "GitHub API error"
