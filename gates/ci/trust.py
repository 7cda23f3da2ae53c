"""What the sticky comment vouches for, and what it says plainly it cannot.

A pull request's ``pull_request`` run executes the workflow files, the
noxfile, the tool pins and the code of the pull request's merge commit: from
a fork, every artifact it uploads (the verdict, the evidence) is whatever the
fork wants. So the comment job (the default branch's workflow, on
``workflow_run``) takes from that run **only its evidence**, and only as
evidence:

* the verdict is **recomputed** from the evidence by the gates the comment job
  installed, with the **base branch's policy** (read through the API at the
  base branch; the pull request's own may only tighten it, as with
  ``gates check --base-policy``), every stage pinned to the pull request's
  test merge commit (from the API, never from the run);
* the comment **says what it cannot verify**: the evidence itself, made by the
  pull request's code. When the pull request changes a file that decides how
  the evidence is made (:func:`pipeline_files`: the workflows and local
  actions, the noxfile, ``gates-tools.txt``, the ``[gates]`` settings of the
  policy, and any ``--pipeline`` glob), the run did not run the base's
  pipeline: the evidence is **unverified**, and a verdict that passes is shown
  as ``UNVERIFIED``, never as ``PASSED``. So is one judged without a base
  policy, or whose changed files GitHub did not list in full.

Pure, apart from :func:`judging` reading the policies' bytes it is handed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Final

from gates import __version__
from gates.ci.github_pulls import Changes
from gates.errors import PolicyError
from gates.model.verdict import Verdict
from gates.outputs.markdown import MARKER, code_span, escape_md
from gates.outputs.summary import blocked
from gates.policy.base import judge_against_base
from gates.policy.load import Policy, parse_policy
from gates.policy.settings import glob_match

__all__ = [
    "PIPELINE_FOLDERS",
    "TOOL_CONFIG",
    "TOOL_PINS",
    "Facts",
    "Judging",
    "Provenance",
    "compose",
    "judging",
    "pipeline_files",
    "tool_config_files",
]

PIPELINE_FOLDERS: Final = (".github/workflows/", ".github/actions/")
TOOL_PINS: Final = "gates-tools.txt"
# Files (by name, in any folder) that configure how the tools measure: the run
# used them as the pull request has them. Reviewing them is reviewing the evidence.
TOOL_CONFIG: Final = frozenset(
    {
        ".coveragerc",
        ".pre-commit-config.yaml",
        ".ruff.toml",
        "conftest.py",
        "mypy.ini",
        ".mypy.ini",
        "pyproject.toml",
        "pytest.ini",
        "ruff.toml",
        "setup.cfg",
        "setup.py",
        "tox.ini",
        "uv.lock",
    }
)
MAX_POLICY_BYTES: Final = 1024 * 1024
_SHOWN: Final = 8  # file names a sentence shows before "and N more"
UNVERIFIED_HEADING: Final = (
    "## ⚠ gates: UNVERIFIED — the evidence passes, but this comment cannot vouch for it"
)


@dataclass(frozen=True, slots=True)
class Facts:
    """What GitHub says of the pull request: nothing of it comes from its run."""

    commit: str  # the test merge commit every stage must have measured
    base_ref: str  # the branch it merges into; "" when nothing was looked up (--dry-run)
    base_policy: bytes | None  # the policy file on the base branch; None: it has none
    head_policy: bytes | None  # the policy file at the merge commit; None: none there
    changes: Changes  # the files the pull request changes


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where the verdict's inputs came from, for the comment to say."""

    commit: str
    base_ref: str  # "" when nothing was looked up (--dry-run)
    base_policy: str  # "main:gates.toml"; "" when the base branch has none
    pipeline: tuple[str, ...] = ()  # changed files that decide how the evidence was made
    tooling: tuple[str, ...] = ()  # changed tool configuration (a note, not a doubt)
    unlisted: int = 0  # changed files GitHub did not list

    @property
    def looked_up(self) -> bool:
        return bool(self.base_ref)

    def doubts(self) -> tuple[str, ...]:
        """Why the evidence is unverified, one Markdown sentence each; ``()`` when it is not."""
        if not self.looked_up:
            return (
                (
                    "a dry run asks nothing of GitHub: the policy is the local one, and what "
                    "the pull request changes was not looked at"
                ),
            )
        found: list[str] = []
        if self.pipeline:
            found.append(
                f"this pull request changes {_names(self.pipeline)}: the run that made the "
                "evidence did not run the base branch's pipeline, so the evidence can say "
                "anything. Read those changes before trusting this verdict"
            )
        if not self.base_policy:
            found.append(
                f"the base branch {code_span(self.base_ref, 100)} has no policy file: the "
                "thresholds are this pull request's own"
            )
        if self.unlisted:
            found.append(
                f"GitHub did not list {self.unlisted:,} of the files this pull request "
                "changes (it lists 3,000): they may change the pipeline"
            )
        return tuple(found)


@dataclass(frozen=True, slots=True)
class Judging:
    """The policy to recompute the verdict with, its notes, and the provenance to say."""

    policy: Policy
    notes: tuple[str, ...]
    provenance: Provenance


# ---------------------------------------------------------------- what decides the evidence


def pipeline_files(
    paths: Iterable[str],
    *,
    noxfile: str,
    config: str,
    settings_changed: bool,
    extra: Sequence[str] = (),
) -> tuple[str, ...]:
    """The changed files that decide how the evidence is made, in ``paths``' order.

    ``config`` counts only when ``settings_changed``: the rest of the policy is
    the base branch's anyway, and a loosening there is shown, not applied.
    """

    def decides(path: str) -> bool:
        return (
            path.startswith(PIPELINE_FOLDERS)
            or path in (noxfile, TOOL_PINS)
            or (path == config and settings_changed)
            or any(glob_match(pattern, path) for pattern in extra)
        )

    return tuple(path for path in paths if decides(path))


def tool_config_files(paths: Iterable[str], *, exclude: Sequence[str]) -> tuple[str, ...]:
    """The changed files that configure the tools (:data:`TOOL_CONFIG`), less ``exclude``."""
    return tuple(
        path for path in paths if PurePosixPath(path).name in TOOL_CONFIG and path not in exclude
    )


def _names(paths: Sequence[str]) -> str:
    shown = ", ".join(code_span(path, 200) for path in paths[:_SHOWN])
    more = len(paths) - _SHOWN
    return shown + (f" and {more:,} more" if more > 0 else "")


# ---------------------------------------------------------------- the policy


def judging(facts: Facts, *, config: str, noxfile: str, extra: Sequence[str] = ()) -> Judging:
    """The base branch's policy, tightened by the pull request's, and the provenance."""
    base_source = f"{facts.base_ref}:{config}" if facts.base_ref else ""
    base = _parse(facts.base_policy, base_source) if facts.base_policy is not None else None
    head: Policy | None
    if base is None:  # nothing to tighten: the pull request's own, which must be readable
        if facts.head_policy is None:
            raise _no_policy(config)
        head = policy = _parse(facts.head_policy, config)
        notes: tuple[str, ...] = ()
    else:
        head, unread = _head_policy(facts.head_policy, config)
        based = judge_against_base(base, head) if head is not None else None
        policy, notes = (based.policy, based.notes()) if based else (base, (unread,))
    if facts.base_ref:  # what the stages compared with, as GATES_BASE told them
        policy = replace(policy, settings=replace(policy.settings, base=f"origin/{facts.base_ref}"))
    changed = base is None or head is None or base.settings != head.settings
    pipeline = pipeline_files(
        facts.changes.paths, noxfile=noxfile, config=config, settings_changed=changed, extra=extra
    )
    provenance = Provenance(
        commit=facts.commit,
        base_ref=facts.base_ref,
        base_policy=base_source if base is not None else "",
        pipeline=pipeline,
        tooling=tool_config_files(facts.changes.paths, exclude=pipeline),
        unlisted=facts.changes.unlisted,
    )
    return Judging(policy, notes, provenance)


def _no_policy(config: str) -> PolicyError:
    return PolicyError(
        "the policy file is on neither the base branch nor the merge commit",
        key=config,
        slug="policy-missing",
        hint="add the policy file (gates init writes one), or pass --config PATH",
    )


def _head_policy(data: bytes | None, config: str) -> tuple[Policy | None, str]:
    """The pull request's policy, or None and the note that says why it is not used."""
    if data is None:
        return None, f"policy: this pull request has no {config}: judged by the base branch's alone"
    try:
        return _parse(data, config), ""
    except PolicyError as error:
        return None, (
            f"policy: this pull request's {config} cannot be used ({error.message}): judged by "
            "the base branch's alone"
        )


def _parse(data: bytes, source: str) -> Policy:
    """A policy file's bytes, checked as ``gates check`` checks ``--config``."""
    if len(data) > MAX_POLICY_BYTES:
        raise PolicyError("is over 1 MiB; a policy is a short file", key=source)
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise PolicyError(f"is not UTF-8 (byte {error.start})", key=source) from None
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"is not valid TOML: {error}", key=source, slug="policy-toml") from None
    try:
        return parse_policy(document, source=source)
    except PolicyError as error:
        raise PolicyError(
            f"{source}: {error.message}", key="", slug=error.slug, hint=error.hint
        ) from None


# ---------------------------------------------------------------- the comment


def compose(verdict: Verdict, markdown: str, provenance: Provenance) -> str:
    """The comment: ``markdown`` (the recomputed verdict) with what it trusts said first.

    A verdict that passes on evidence the comment cannot vouch for gets the
    ``UNVERIFIED`` heading instead of ``PASSED``; one that blocks keeps its
    heading (a block needs no vouching).
    """
    lines = markdown.split("\n")
    heading = next((i for i, line in enumerate(lines) if line.startswith("## ")), 0)
    doubts = provenance.doubts()
    if doubts and not blocked(verdict) and heading:
        lines[heading] = UNVERIFIED_HEADING
    at = heading + 1 if heading else (1 if lines and lines[0] == MARKER else 0)
    return "\n".join([*lines[:at], "", *_trust(provenance, doubts), *lines[at:]])


def _trust(provenance: Provenance, doubts: Sequence[str]) -> list[str]:
    commit = code_span(provenance.commit[:12], 20)
    if not provenance.looked_up:
        policy = "the local policy file"
    elif provenance.base_policy:
        policy = f"the base branch's policy ({code_span(provenance.base_policy, 200)})"
    else:
        policy = "this pull request's own policy"
    trust = (
        f"**Trust:** gates {escape_md(__version__, 40)} recomputed this verdict from the "
        f"evidence of this pull request's run, at its test merge commit {commit}, with {policy}; "
        "it posts no verdict that run wrote. It cannot verify the evidence itself: that run "
        "made it by running this pull request's code."
    )
    lines = [trust, ""]
    lines += [f"- **⚠ Unverified:** {doubt}." for doubt in doubts]
    if not doubts:
        lines.append(
            "This pull request changes none of the files that decide how the evidence is made "
            "(the workflows, the noxfile, the tool pins, the `[gates]` settings): they are the "
            "base branch's."
        )
    if provenance.tooling:
        lines.append(
            f"- **Note:** it changes tool configuration the stages read, "
            f"{_names(provenance.tooling)}: review it with the verdict."
        )
    return lines  # the verdict's blank line after its heading follows
