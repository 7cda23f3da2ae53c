"""The error family.

Library code raises these; only :mod:`gates.cli` prints them and exits. Every
error carries a *slug* (a stable identifier, also the anchor of its section in
``docs/errors.md``), a message saying what happened, and a *hint* saying what
to do next.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "EvidenceError",
    "GatesError",
    "InternalError",
    "PolicyError",
    "UsageError",
]


class GatesError(Exception):
    """Base of every error gates reports to a user."""

    exit_code: int = 4
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

    exit_code = 2
    kind = "usage error"


class PolicyError(GatesError):
    """``gates.toml`` is invalid (exit 2). ``key`` is the dotted key path."""

    exit_code = 2
    kind = "policy error"

    def __init__(self, message: str, *, key: str, hint: str = "", slug: str = "policy") -> None:
        super().__init__(f"{key}: {message}" if key else message, slug=slug, hint=hint)
        self.key = key


class EvidenceError(GatesError):
    """A report or manifest cannot be trusted (exit 3).

    ``path`` names the file; ``subject`` narrows what a waiver may target
    (a package name, a tool).
    """

    exit_code = 3
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

    :mod:`gates.crash` turns a crash into this error's problem, shown in the
    verdict's internal-error gate, so that a crash still leaves a verdict.
    """

    exit_code = 4
    kind = "internal error"


class ApiError(GatesError):
    """A web API (GitHub's) refused the request or could not be reached (exit 5).

    Its message never holds the token: :mod:`gates.github` redacts it from
    everything a server answers.
    """

    exit_code = 5
    kind = "GitHub API error"
