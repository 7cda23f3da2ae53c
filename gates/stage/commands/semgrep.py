"""The security stage's semgrep step: offline, with local rules only.

``Pipeline(semgrep=True)`` scans the package with gates' own rule pack
(``gates/data/semgrep``: a small Python security pack, each rule tested with
``semgrep --test`` on the annotated examples of ``tests/assets/semgrep-rules``);
``semgrep=["gates", "semgrep-rules"]`` adds the project's own rule folders.
Only paths on this machine: a registry config (``p/python``, ``r/…``,
``auto``) or a URL reaches the network and runs rules that are not open
source, so it is refused before semgrep starts.

Offline: ``--metrics=off --disable-version-check``, never ``--validate``
(which fetches the rule schema). ``--time`` and ``--verbose`` make the JSON
report list the rules that ran and the files skipped, which the reader
(:mod:`gates.readers.findings.semgrep_json`) needs to tell a whole scan from a vacuous one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

__all__ = ["PACK", "REPORT", "semgrep_command", "semgrep_configs"]

PACK: Final = Path(__file__).resolve().parents[2] / "data" / "semgrep"
REPORT: Final = "semgrep.json"
_SHIPPED: Final = "gates"  # the word that names gates' own pack in `semgrep=[...]`
_REMOTE: Final = ("p/", "r/", "s/", "auto", "http:", "https:", "supply-chain", "secrets")


def semgrep_configs(
    setting: bool | Sequence[str],  # noqa: FBT001 - the Pipeline field: a switch or folders
    *,
    root: Path = Path(),
) -> list[str]:
    """The ``--config`` paths of a pipeline's ``semgrep`` setting (empty: semgrep is off).

    Raises ``ValueError`` naming the entry for a registry config, a URL or a
    path that is not there.
    """
    if setting is False:
        return []
    if setting is True:
        return [str(PACK)]
    if isinstance(setting, str):
        setting = [setting]
    configs = []
    for entry in setting:
        if entry == _SHIPPED:
            configs.append(str(PACK))
        elif entry.startswith(_REMOTE) or "://" in entry:
            raise ValueError(
                f"semgrep config {entry!r} is not a local path: gates runs semgrep offline, with "
                f"its own pack ({_SHIPPED!r}) or the project's rule folders"
            )
        elif not (root / entry).exists():
            raise ValueError(f"semgrep config {entry!r}: no such file or folder")
        else:
            configs.append(entry)
    if not configs:
        raise ValueError("semgrep = []: name a rule folder, or set semgrep = True for gates' pack")
    return configs


def semgrep_command(configs: Sequence[str], paths: Sequence[str]) -> list[str]:
    """``semgrep scan`` of ``paths`` with ``configs``, offline, its JSON in the stage's folder."""
    return [
        "semgrep",
        "scan",
        "--metrics=off",
        "--disable-version-check",
        *(f"--config={config}" for config in configs),
        "--json",
        "--time",
        "--verbose",
        "--output",
        f"{{stage_dir}}/{REPORT}",
        *paths,
    ]
