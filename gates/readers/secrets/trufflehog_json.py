"""``trufflehog filesystem|git … --json``: the secrets TruffleHog v3 found, without the secrets.

TruffleHog v3 (trufflesecurity, Go) prints one JSON object per result on its
standard output, its log on standard error: ``DetectorName``, ``Verified``,
where it was found under ``SourceMetadata.Data`` (``Filesystem``: ``file``,
``line``; ``Git``: ``commit``, ``file``, ``line``, …), and the secret itself
in ``Raw``, ``RawV2`` and ``Redacted``. Each becomes a finding of tool
``trufflehog`` whose rule is the ``DetectorName`` (``AWS``,
``PrivateKey``): the secret and the detector's ``ExtraData`` (an account, a
user) are never kept, and a rule or file that holds a piece of the secret is
refused (:mod:`gates.readers.secrets.hidden`). (Not the PyPI ``trufflehog3``,
another tool with another format.)

The file is the project-relative path: a git result's ``file`` is named from
the top of the work tree (:meth:`ReadContext.git_path`), a filesystem
result's as TruffleHog was given it. A result from another source (GitHub,
S3, Docker, …) names no file of the project, and is ``unsupported-format``.

Severity (docs/severity.md): ``high``; ``critical`` for a secret TruffleHog
verified live with its vendor (``Verified: true``), which cannot be
baselined, only waived.

Complete: TruffleHog prints nothing when it finds nothing, so an empty
output is zero findings (the manifest's exit code says it ran, and 1 is
"an error: sources may not have completed"). A line that is not a result
(a log line, when standard error was recorded too) or a truncated line is
``malformed-report`` / ``invalid-json``.
"""

from __future__ import annotations

from typing import Final

from gates.errors import EvidenceError
from gates.model.reports import Finding, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.readers.secrets.hidden import Hidden
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json_lines

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "trufflehog-json"
TOOL: Final = "trufflehog"
_SECRETS: Final = ("Raw", "RawV2")  # looked for in pieces
_WHOLES: Final = ("Redacted",)  # part of the secret, masked: looked for whole
_SOURCES: Final = ("Filesystem", "Git")
_MAX_RULE: Final = 200


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read TruffleHog's JSON lines."""
    findings = []
    for number, doc in enumerate(parse_json_lines(blob), start=1):
        item = Fields(doc.value, path=blob.path, where=f"result {number}")
        findings.append(_finding(item, context))
    return ReportData(tool=TOOL, findings=findings)


def _finding(item: Fields, context: ReadContext) -> Finding:
    hidden = Hidden(item, secrets=_SECRETS, wholes=_WHOLES)
    if not item.has("SourceMetadata"):
        raise _not_a_result(item)
    rule = item.text("DetectorName")
    if not rule or len(rule) > _MAX_RULE:
        raise malformed(item.path, f"{item.where}.DetectorName", "a detector's name", rule)
    hidden.kept(rule, path=item.path, where=f"{item.where}.DetectorName")
    verified = item.raw("Verified")
    if not isinstance(verified, bool):
        raise malformed(item.path, f"{item.where}.Verified", "true or false", verified)
    data = item.obj("SourceMetadata").obj("Data")
    source = _source(data, hidden)
    where = data.obj(source)
    named = where.text("file")
    file = context.git_path(named) if source == "Git" else context.relpath(named)
    hidden.kept(file, path=item.path, where=f"{where.where}.file")
    message = f"potential secret: {rule}" + (" (verified live)" if verified else "")
    severity = Severity.CRITICAL if verified else Severity.HIGH
    return Finding(TOOL, rule, severity, file, where.count("line", default=0), message)


def _source(data: Fields, hidden: Hidden) -> str:
    """The one source a result names: Filesystem or Git."""
    names = [key for key, _ in data.items()]
    found = [name for name in _SOURCES if name in names]
    if len(names) == 1 and found:
        return found[0]
    other = names[0][:40] if len(names) == 1 and not found else "none or several"
    if hidden.reveals(other):
        other = "another"
    raise EvidenceError(
        f"{data.where} names the source `{other}`: gates reads TruffleHog's filesystem and "
        "git results, which name a file of the project",
        slug="unsupported-format",
        path=data.path,
        hint="scan the project with `trufflehog filesystem` or `trufflehog git file://.`",
    )


def _not_a_result(item: Fields) -> EvidenceError:
    return EvidenceError(
        f"{item.where} is not a TruffleHog result (no `SourceMetadata`): a log line?",
        slug="malformed-report",
        path=item.path,
        hint="record only TruffleHog's standard output (`gates run --stdout`); its log "
        "goes to standard error",
    )
