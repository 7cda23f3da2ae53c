"""Whether a stage's evidence came from the code being judged, and from tools that ran fine.

From the manifest alone, before any report is read: the stage said it failed
(``stage-failed``, the failing tool's gates, or the whole stage's); it measured
another commit (``stale-commit``, unless that commit holds the same code or
the stage's recorded changes are what was committed since) or another working
tree (``stale-worktree``, naming the files that differ, and judged with the
``unaffected`` globs the stage left out); a tool exited outside the codes with
which it runs fine (``tool-crashed``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from gates.catalog.tools import exit_meaning, kinds_of, ok_exit_codes
from gates.model.reports import Problem
from gates.model.stage import Manifest, StageProblem
from gates.system.git import TreeState, changed_since, differing, git_prefix, same_code, tree_state

__all__ = ["History", "provenance", "tool_runs"]

_NAMED = 5  # changed files a stale-worktree message names


class History:
    """What git says of a stage's commit against the tree now, asked once per commit.

    Stages usually share their commit: one load asks git once, not once per stage.
    """

    def __init__(
        self,
        root: Path,
        reports: str,
        unaffected: tuple[str, ...],
        state: TreeState | None = None,
    ) -> None:
        self._root = root
        self._reports = reports
        self.unaffected = unaffected  # the policy's globs
        self.prefix = git_prefix(root)
        self._states: dict[tuple[str, ...], TreeState] = {unaffected: state} if state else {}
        self._same: dict[tuple[str, str, tuple[str, ...]], bool] = {}
        self._changed: dict[tuple[str, tuple[str, ...]], Mapping[str, str] | None] = {}

    def state(self, unaffected: tuple[str, ...]) -> TreeState:
        """The tree now, with ``unaffected`` left out (the caller's state for the policy's)."""
        if unaffected not in self._states:
            self._states[unaffected] = tree_state(
                self._root, exclude=self._reports, unaffected=unaffected
            )
        return self._states[unaffected]

    def same_code(self, first: str, second: str, unaffected: tuple[str, ...]) -> bool:
        """Whether the two commits hold the same code (:func:`gates.system.git.same_code`)."""
        key = (first, second, unaffected)
        if key not in self._same:
            self._same[key] = same_code(
                self._root, first, second, exclude=self._reports, unaffected=unaffected
            )
        return self._same[key]

    def changed_since(self, commit: str, unaffected: tuple[str, ...]) -> Mapping[str, str] | None:
        """The files changed since ``commit`` (:func:`gates.system.git.changed_since`)."""
        key = (commit, unaffected)
        if key not in self._changed:
            self._changed[key] = changed_since(
                self._root, commit, exclude=self._reports, unaffected=unaffected
            )
        return self._changed[key]


def provenance(
    manifest: Manifest, *, display: str, state: TreeState | None, history: History
) -> Iterator[StageProblem]:
    path = f"{display}/manifest.json"
    hint = f"rerun the stage: `{manifest.reproduce}`"
    if manifest.error:
        yield from _failures(manifest, path=path, hint=hint)
    if state is None:
        return
    view = manifest.unaffected
    if view != history.unaffected:
        if not set(view) <= set(history.unaffected):
            yield StageProblem(
                Problem(
                    slug="stale-worktree",
                    path=path,
                    message="the stage left out files the policy does not: [gates] unaffected "
                    f"was {list(view)}, it is {list(history.unaffected)}",
                    hint=hint,
                )
            )
            return
        state = history.state(view)  # the stage left out fewer files: judged as strictly
    if manifest.commit != state.commit and not history.same_code(
        manifest.commit, state.commit, view
    ):
        changed = _not_as_measured(manifest, history)
        if changed != []:
            yield StageProblem(
                Problem(
                    slug="stale-commit",
                    path=path,
                    message=f"evidence is from commit {manifest.commit[:12]}, but HEAD is "
                    f"{state.commit[:12]}" + (f" ({_named(changed)})" if changed else ""),
                    hint=hint,
                )
            )
    elif manifest.worktree != state.digest:
        yield StageProblem(
            Problem(
                slug="stale-worktree", path=path, message=_what_changed(manifest, state), hint=hint
            )
        )


def _failures(manifest: Manifest, *, path: str, hint: str) -> Iterator[StageProblem]:
    """``stage-failed``: a tool's own failure blocks that tool's gates; any other, the stage's.

    When every error of the manifest is a tool run's (``gates run`` records which),
    a pip-audit that could not run blocks the dependency gate, not bandit's.
    """
    failed = [run for run in manifest.tools if run.error]
    if not failed or manifest.error != "; ".join(run.error for run in failed):
        message = f"the stage could not produce evidence: {manifest.error}"
        yield StageProblem(Problem(slug="stage-failed", path=path, message=message, hint=hint))
        return
    for run in failed:
        message = f"{run.name} could not produce evidence: {run.error}"
        problem = Problem(
            slug="stage-failed", path=path, message=message, hint=hint, subject=run.name
        )
        for kind in sorted(kinds_of(run.name), key=lambda k: k.value):
            yield StageProblem(problem, run.name, kind)


def _not_as_measured(manifest: Manifest, history: History) -> list[str] | None:
    """The files whose content is not what the stage measured; None when unknown.

    The stage recorded the files that differed from its commit and their
    content; if the files that differ from that commit now are the same ones
    with the same content (none listed), the code is what was measured, committed
    since or not (a run on uncommitted changes, then ``git commit``).
    """
    if manifest.changes is None:
        return None
    now = history.changed_since(manifest.commit, manifest.unaffected)
    return None if now is None else differing(manifest.changes, now)


def _named(changed: list[str]) -> str:
    shown = ", ".join(name[:200] for name in changed[:_NAMED])
    more = f" and {len(changed) - _NAMED} more" if len(changed) > _NAMED else ""
    return f"changed since the stage ran: {shown}{more}"


def _what_changed(manifest: Manifest, state: TreeState) -> str:
    """The stale-worktree message, naming the files when both sides listed them."""
    changed = (
        differing(manifest.changes, state.changes)
        if manifest.changes is not None and state.changes is not None
        else []
    )
    if not changed:  # not listed, or the same files and contents (a mode change, say)
        return "files changed since the stage ran (the uncommitted changes differ)"
    return f"files {_named(changed)}"


def tool_runs(manifest: Manifest, *, display: str) -> Iterator[StageProblem]:
    for run in manifest.tools:
        allowed = ok_exit_codes(run.name, run.ok_exit_codes, run.argv)
        if run.exit_code not in allowed:
            fine = " or ".join(str(code) for code in sorted(allowed))
            meaning = exit_meaning(run.name, run.exit_code) or "it crashed or was misused"
            yield StageProblem(
                Problem(
                    slug="tool-crashed",
                    path=f"{display}/manifest.json",
                    message=f"{run.name} exited {run.exit_code} ({meaning}; it runs fine with {fine}), "
                    "so its reports cannot be trusted",
                    hint=f"run `{manifest.reproduce}` and read {run.name}'s own output",
                    subject=run.name,
                ),
                tool=run.name,
            )
