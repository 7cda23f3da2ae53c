"""The security stage's secret scan: detect-secrets, run by gates, reported without the secrets.

``python -m gates.secrets_scan [PATH ...] --output FILE``, run from the
repository's root, scans the files
detect-secrets would scan (``detect-secrets scan PATH``: the files git tracks
under each folder, and each file named) with its default detectors, offline
(no verification: nothing leaves the machine), and writes the report
``gates-secrets-json`` that :mod:`gates.readers.secrets.gates_secrets` reads::

    {"format": "gates-secrets", "version": 1,
     "scanner": {"name": "detect-secrets", "version": "1.5.0", "detectors": ["AWSKeyDetector", …]},
     "paths": ["src"], "files_scanned": 42,
     "secrets": [{"path": "src/settings.py", "line": 4, "type": "AWS Access Key", "verified": false}],
     "errors": [{"path": "src/data.bin", "reason": "…"}]}

Why not ``detect-secrets scan``'s own JSON: it stores an unsalted SHA-1 of
each secret (a weak one is found again by trying), it does not say how many
files it read, and it reports nothing at all, exit 0, for a path that does
not exist. This report holds no secret and no hash of one (the baseline keys
its digests with a salt, :mod:`gates.baseline.store`); it counts the files
read, and names every file it could not read and every path that does not
exist, so an incomplete scan shows.

Exit codes: 0 the report was written, whatever it found; 2 usage (argparse);
anything else is a crash and leaves no report. detect-secrets' own exit 3
(``detect-secrets-hook`` rewrote its baseline file) never comes from here.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Final

from gates.system.atomic import atomic_write
from gates.system.git import run_git

__all__ = ["FORMAT", "VERSION", "main", "scan"]

FORMAT: Final = "gates-secrets"
VERSION: Final = 1


def scan(paths: Sequence[str]) -> dict[str, object]:
    """The report of a scan of ``paths``, relative to the current folder (the repository's root).

    Every occurrence counts: detect-secrets' own collection keeps one per
    secret and file, so a token pasted twice in a module would show once;
    here each line that holds it is a finding (the same secret twice on one
    line, by one detector, once).
    """
    # detect-secrets has no type hints: the stage installs it, gates' core never imports it
    detect: Any = importlib.import_module("detect_secrets.core.scan")
    settings: Any = importlib.import_module("detect_secrets.settings")
    errors = [
        {"path": path, "reason": "does not exist"} for path in paths if not Path(path).exists()
    ]
    secrets: list[dict[str, object]] = []
    scanned = 0
    with settings.default_settings():
        detectors = sorted(settings.get_settings().plugins)
        files = _files_to_scan(detect, paths)
        for name in files:
            try:
                with Path(name).open("rb") as handle:
                    handle.read(1)
            except OSError as error:
                errors.append({"path": name, "reason": error.strerror or type(error).__name__})
                continue
            seen: set[tuple[int, str, str]] = set()
            for secret in detect.scan_file(name):
                key = (int(secret.line_number), str(secret.type), str(secret.secret_hash))
                if key not in seen:  # the hash stays in memory: it is never written
                    seen.add(key)
                    secrets.append(
                        {
                            "path": name,
                            "line": key[0],
                            "type": key[1],
                            "verified": bool(secret.is_verified),
                        }
                    )
            scanned += 1
    secrets.sort(key=lambda item: (str(item["path"]), int(str(item["line"])), str(item["type"])))
    return {
        "format": FORMAT,
        "version": VERSION,
        "scanner": {
            "name": "detect-secrets",
            "version": metadata.version("detect-secrets"),
            "detectors": detectors,
        },
        "paths": list(paths),
        "files_scanned": scanned,
        "secrets": secrets,
        "errors": errors,
    }


def _files_to_scan(detect: Any, paths: Sequence[str]) -> list[str]:
    """The files detect-secrets scans under ``paths``, relative to the current folder.

    detect-secrets matches the files git tracks, named from the repository's
    top, against the walked files, named from the current folder: below the
    top (a project in ``examples/paybot``) nothing matched and the scan read no
    file. So it is given the top as its root, and its names are made relative
    to the current folder again.
    """
    top = _git_top()
    here = Path.cwd().resolve()
    if top is None or top == here or not here.is_relative_to(top):
        names = detect.get_files_to_scan(*paths)
        return sorted({Path(name).as_posix() for name in names if Path(name).is_file()})
    below = here.relative_to(top)
    found = set()
    for name in detect.get_files_to_scan(*paths, root=str(top)):
        path = Path(name)
        if path.is_relative_to(below) and path.relative_to(below).is_file():
            found.add(path.relative_to(below).as_posix())
    return sorted(found)


def _git_top() -> Path | None:
    """The top folder of the git repository around the current folder, if any."""
    done = run_git(Path.cwd(), "rev-parse", "--show-toplevel", timeout=60)
    text = done.text.strip()
    return Path(text).resolve() if done.ok and text else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gates.secrets_scan",
        description="Scan for secrets with detect-secrets; write gates' report, without them.",
    )
    parser.add_argument("paths", nargs="*", default=["."], help="folders or files (default: .)")
    parser.add_argument("--output", "-o", required=True, type=Path, help="the report to write")
    args = parser.parse_args(argv)
    report = scan(args.paths)
    atomic_write(args.output, (json.dumps(report, indent=2) + "\n").encode("utf-8"))
    found, scanned = report["secrets"], report["files_scanned"]
    count = len(found) if isinstance(found, list) else 0
    sys.stderr.write(f"{count} potential secret{'' if count == 1 else 's'} in {scanned} files\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
