"""The CI commands of the command line: ``plan``, ``jobs``, ``annotate``, ``comment``.

Part of the command line (:mod:`gates.cli` builds the parser, catches every
:class:`gates.errors.GatesError` and exits); here are their arguments and the
few lines that join the library calls. Each writes its result to standard
output and raises for everything else.

* ``gates plan``: the stages a CI matrix runs (:mod:`gates.ci.plan`);
* ``gates jobs``: whether every job a final job needs succeeded (:mod:`gates.ci.plan`);
* ``gates annotate``: findings on changed lines as workflow commands (:mod:`gates.ci.annotate`);
* ``gates comment``: the verdict recomputed from the evidence, as the sticky pull-request
  comment (:mod:`gates.ci.github_pulls`, :mod:`gates.ci.trust`, :mod:`gates.ci.github`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gates.ci.annotate import LIMIT, git_changed_lines, workflow_commands
from gates.ci.github import DEFAULT_API, Client, check_repo, check_token
from gates.ci.github_comment import post_sticky
from gates.ci.github_pulls import (
    Changes,
    changed_files,
    check_path,
    check_unmoved,
    file_at,
    find_pull,
    get_pull,
)
from gates.ci.plan import check_jobs, judge_jobs, list_sessions, make_plan, shard_waves
from gates.ci.trust import Facts, compose, judging
from gates.ci.verdict_file import parse_verdict, recompute
from gates.cli import options
from gates.errors import EvidenceError, ExitCode, GatesError, PolicyError, UsageError
from gates.outputs import OutputFormat, render
from gates.outputs.markdown import MARKER, escape_md
from gates.policy.load import load_policy
from gates.policy.settings import resolve_base
from gates.untrusted.safeio import read_blob
from gates.untrusted.safetext import one_line

__all__ = ["COMMANDS", "add_parsers"]


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the CI commands to the ``gates`` command line."""
    _add_plan(sub)
    _add_jobs(sub)
    _add_annotate(sub)
    _add_comment(sub)


def _add_annotate(sub: argparse._SubParsersAction[Any]) -> None:
    annotate = sub.add_parser(
        "annotate",
        parents=[options.base(), options.policy(), options.root(), options.verbose()],
        help="print the findings on changed lines as GitHub annotations",
        description="Read the JSON verdict and `git diff <base>...HEAD`, and print GitHub "
        "workflow commands: one per gate that blocks or warns, then one per unwaived finding "
        "on a line the change adds or modifies, the most severe first, at most --limit.",
    )
    annotate.add_argument(
        "--verdict",
        default=Path(".gates/verdict.json"),
        type=Path,
        help="the JSON verdict (default: .gates/verdict.json)",
    )
    annotate.add_argument(
        "--limit", default=LIMIT, type=int, help=f"most annotations printed (default: {LIMIT})"
    )


def _add_plan(sub: argparse._SubParsersAction[Any]) -> None:
    plan = sub.add_parser(
        "plan",
        parents=[options.policy(), options.verbose()],
        help="the stage sessions a CI matrix runs",
        description="List the stage sessions of the noxfile (as `nox --list --json` sees them) "
        "that a CI matrix runs, in two waves: the stages that need nothing, then those that "
        "read the first wave's evidence. Prints the session names (for `nox -s $(gates plan)`), "
        "or the plan as JSON.",
    )
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.add_argument(
        "--github-output",
        type=Path,
        metavar="PATH",
        help="also append plan=, first=, then= and shards= lines to this file ($GITHUB_OUTPUT)",
    )
    plan.add_argument(
        "--shards",
        type=int,
        default=1,
        help="run the unit stage as this many shard jobs and a combine job (docs/sharding.md)",
    )
    plan.add_argument(
        "--noxfile", default="noxfile.py", type=Path, help="the pipeline (default: noxfile.py)"
    )
    plan.add_argument(
        "--stages",
        default="",
        metavar="NAMES",
        help="only these stages, separated by spaces or commas (default: every stage)",
    )


def _add_jobs(sub: argparse._SubParsersAction[Any]) -> None:
    sub.add_parser(
        "jobs",
        parents=[options.verbose()],
        help="fail unless every job the final CI job needs succeeded",
        description="Read GitHub's `needs` context from $GATES_NEEDS (`${{ toJSON(needs) }}`) "
        "and exit 0 only when every needed job succeeded; a skipped job passes only when it is "
        "a wave the plan left empty. Exit 3 when a job failed, was cancelled or was skipped.",
    )


def _add_comment(sub: argparse._SubParsersAction[Any]) -> None:
    comment = sub.add_parser(
        "comment",
        parents=[options.verbose()],
        help="post the verdict, recomputed from the evidence, as the sticky pull-request comment",
        description="Judge the evidence a pull request's run uploaded (one folder per stage) "
        "again, with the base branch's policy (the pull request's may only tighten it) and "
        "every stage pinned to the pull request's test merge commit, all read through the "
        "GitHub REST API; say in the comment what cannot be verified (the evidence itself, and "
        "whether the pull request changes the pipeline that made it); post it, updating the "
        "comment an earlier run posted (found by its hidden marker). No verdict file is read. "
        "Exit codes: 0 posted, 2 usage or policy error, 3 the evidence folder is refused, "
        "5 the API refused or failed. The token is read from an environment variable and "
        "never shown.",
    )
    comment.add_argument(
        "evidence", type=Path, help="the folder the gates-evidence-* artifacts were downloaded to"
    )
    comment.add_argument(
        "--commit",
        type=_sha,
        help="the commit every stage must have measured (default: the pull request's test "
        "merge commit; in the workflow run that made the evidence, $GITHUB_SHA)",
    )
    comment.add_argument("--pr", type=int, help="the pull request number")
    comment.add_argument(
        "--pr-head",
        metavar="SHA",
        help="the head commit the run measured: the pull request's head must still be it "
        "(alone: the one open pull request whose head it is, for a workflow_run job: "
        "$HEAD_SHA from github.event.workflow_run.head_sha)",
    )
    comment.add_argument(
        "--config",
        default="gates.toml",
        help="the policy file's path in the repository, read at the base branch and at the "
        "merge commit (default: gates.toml); with --dry-run, the local policy file",
    )
    comment.add_argument(
        "--noxfile",
        default="noxfile.py",
        help="the pipeline's path in the repository (default: noxfile.py)",
    )
    comment.add_argument(
        "--pipeline",
        action="append",
        default=[],
        metavar="GLOB",
        help="more files that decide how the evidence is made (repeatable; globs as "
        "[gates] unaffected reads them, e.g. /ci/ or /tools/*.py)",
    )
    _add_api_options(comment)
    comment.add_argument(
        "--dry-run",
        action="store_true",
        help="print the comment instead of posting it: nothing is asked of GitHub, the policy "
        "is --config here, and --commit is required",
    )


def _add_api_options(comment: argparse.ArgumentParser) -> None:
    comment.add_argument(
        "--repo",
        default=os.environ.get("GITHUB_REPOSITORY", ""),
        help="owner/name (default: $GITHUB_REPOSITORY)",
    )
    comment.add_argument(
        "--api-url",
        default=os.environ.get("GITHUB_API_URL", "") or DEFAULT_API,
        help=f"the REST API (default: $GITHUB_API_URL, else {DEFAULT_API})",
    )
    comment.add_argument(
        "--token-env",
        default="GITHUB_TOKEN",
        metavar="NAME",
        help="the environment variable holding the token (default: GITHUB_TOKEN)",
    )
    comment.add_argument(
        "--author",
        default="github-actions[bot]",
        help="whose comment to update: the token's user (default: github-actions[bot])",
    )
    comment.add_argument(
        "--max-wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="the longest this command waits out rate limits, in all (default: 60)",
    )


def _sha(text: str) -> str:
    """A commit SHA as ``--commit`` takes it: 7 to 64 hexadecimal digits."""
    if not 7 <= len(text) <= 64 or not all(c in "0123456789abcdefABCDEF" for c in text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a commit SHA (7 to 64 hexadecimal digits, e.g. $GITHUB_SHA)"
        )
    return text.lower()


def _comment(args: argparse.Namespace) -> int:
    token = (
        ""
        if args.dry_run
        else check_token(os.environ.get(args.token_env, ""), source=args.token_env)
    )
    repo = check_repo(args.repo)
    client = None if args.dry_run else Client(args.api_url, token, max_wait=args.max_wait)
    number, facts = _facts(args, client, repo)
    refused: GatesError | None = None
    try:
        body = _recomputed(args, facts)
    except (EvidenceError, PolicyError) as error:
        # Replace the comment of an earlier run rather than leave its verdict standing.
        refused, body = error, _unjudged(error)
    if client is None:
        sys.stdout.write(body)
    else:
        posted = post_sticky(client, repo, number, body, marker=MARKER, author=args.author)
        where = f" ({posted.url})" if posted.url else ""
        sys.stdout.write(f"{posted.action} comment {posted.comment_id} on {repo}#{number}{where}\n")
    if refused is not None:
        raise refused
    return ExitCode.PASS


def _facts(args: argparse.Namespace, client: Client | None, repo: str) -> tuple[int, Facts]:
    """The pull request to comment on, and what GitHub says of it (nothing from its run)."""
    if client is None:
        if args.pr is None or args.pr_head is not None or not args.commit:
            raise UsageError(
                "--dry-run asks nothing of GitHub: it needs --pr and --commit, not --pr-head",
                slug="usage",
            )
        return args.pr, Facts(args.commit, "", None, _local(Path(args.config)), Changes((), 0))
    if args.pr is None and args.pr_head is None:
        raise UsageError("name the pull request: --pr N, --pr-head SHA, or both", slug="usage")
    config = check_path(args.config)
    number = args.pr if args.pr is not None else find_pull(client, repo, args.pr_head).number
    pull = get_pull(client, repo, number, head=args.pr_head or "")
    commit = args.commit or pull.merge_commit
    if not commit:
        raise UsageError(
            f"GitHub has no test merge commit for {repo}#{pull.number} (a conflict, or not "
            "computed yet)",
            slug="usage",
            hint="pass --commit, the commit the run measured",
        )
    facts = Facts(
        commit=commit,
        base_ref=pull.base_ref,
        base_policy=file_at(client, repo, config, pull.base_ref),
        head_policy=file_at(client, repo, config, commit),
        changes=changed_files(client, repo, pull),
    )
    check_unmoved(client, repo, pull)  # the files listed are those of the head that ran
    return number, facts


def _local(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise PolicyError(f"cannot be read ({error.strerror})", key=str(path)) from None


def _recomputed(args: argparse.Namespace, facts: Facts) -> str:
    """The comment: the verdict of the evidence under the judging policy, and what it trusts."""
    judged = judging(facts, config=args.config, noxfile=args.noxfile, extra=args.pipeline)
    verdict = recompute(
        args.evidence,
        judged.policy,
        commit=facts.commit,
        root=Path(),
        today=dt.datetime.now(dt.UTC).date(),
        notes=judged.notes,
    )
    return compose(verdict, render(verdict, OutputFormat.MARKDOWN), judged.provenance)


def _unjudged(error: GatesError) -> str:
    """The comment that stands in for a verdict that could not be recomputed."""
    return (
        f"{MARKER}\n## ✖ gates: no verdict — this comment could not judge the evidence\n\n"
        f"{escape_md(error.message, 500)}\n\n"
        "The comment shows no verdict rather than one it cannot recompute: the `gates` job of "
        "the run has its own, which this comment cannot vouch for.\n"
    )


def _plan(args: argparse.Namespace) -> int:
    policy = load_policy(args.config)
    only = [name for name in args.stages.replace(",", " ").split() if name]
    plan = make_plan(list_sessions(args.noxfile), policy, config=str(args.config), only=only)
    document = json.dumps(plan.document(), sort_keys=True, separators=(",", ":"))
    if args.github_output:
        first, shards = shard_waves(plan, args.shards)
        with args.github_output.open("a", encoding="utf-8") as output:
            output.write(f"plan={document}\nfirst={json.dumps(list(first))}\n")
            output.write(f"then={json.dumps(list(plan.waves[1]))}\n")
            output.write(f"shards={json.dumps(list(shards))}\n")
    for note in plan.notes:
        sys.stderr.write(f"note: {note}\n")
    sys.stdout.write(
        document + "\n" if args.json else " ".join(s.session for s in plan.stages) + "\n"
    )
    return ExitCode.PASS


def _jobs(args: argparse.Namespace) -> int:
    del args
    results = judge_jobs(os.environ.get("GATES_NEEDS", ""))
    for result in results:
        mark = "✔" if result.ok else "✖"
        sys.stdout.write(
            f"{mark} {one_line(result.job, 60)}: {one_line(result.result, 20)} — {result.why}\n"
        )
    check_jobs(results)
    return ExitCode.PASS


def _annotate(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError(f"--limit {args.limit}: print at least one", slug="usage")
    configured = load_policy(args.config).settings.base if args.config.is_file() else None
    base = resolve_base(args.base, configured)
    verdict = parse_verdict(read_blob(args.verdict, display=str(args.verdict)))
    changed = git_changed_lines(args.root, base)
    for line in workflow_commands(verdict, changed, limit=args.limit):
        sys.stdout.write(line + "\n")
    return ExitCode.PASS


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "plan": _plan,
    "jobs": _jobs,
    "annotate": _annotate,
    "comment": _comment,
}
