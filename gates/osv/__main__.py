"""``python -m gates.osv``: audit dependencies against a local OSV advisory folder, offline.

``python -m gates.osv --advisories FOLDER [--max-age-days 90] -o FILE [TARGET ...]``,
where the targets are pip-audit's (a project folder, default ``.``; ``-r
requirements.txt``) and FOLDER a copy of the OSV database's PyPI advisories
(``https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip``,
unzipped). Nothing leaves the machine.

Exit codes: 0 the report was written, whatever it found (the verdict judges
it, :mod:`gates.readers.advisories.osv_offline`); 2 usage (argparse);
anything else is a crash and leaves no report.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from gates.osv.audit import audit
from gates.system.atomic import atomic_write

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gates.osv",
        description="Audit dependencies against a local folder of OSV advisories, offline.",
    )
    parser.add_argument("--advisories", required=True, type=Path, help="the OSV advisory folder")
    parser.add_argument(
        "--max-age-days", type=int, default=90, help="the newest advisory's oldest accepted age"
    )
    parser.add_argument("--output", "-o", required=True, type=Path, help="the report to write")
    args, targets = parser.parse_known_args(argv)
    if args.max_age_days < 1:
        parser.error("--max-age-days must be 1 or more")
    document = audit(
        args.advisories,
        targets or ["."],
        max_age_days=args.max_age_days,
        now=datetime.now(UTC),
    )
    atomic_write(args.output, (json.dumps(document, indent=2) + "\n").encode("utf-8"))
    read = document["advisories"]
    deps = document["dependencies"]
    count = read.get("read", 0) if isinstance(read, dict) else 0
    sys.stderr.write(
        f"{len(deps) if isinstance(deps, list) else 0} dependencies against {count} advisories\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
