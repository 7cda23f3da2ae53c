"""The command groups gates imports only when one of their commands runs (gates.cli.main.GROUPS)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from gates.cli.main import GROUPS, main


@pytest.mark.parametrize("module", sorted(GROUPS))
def test_a_group_names_the_commands_its_module_runs(module: str) -> None:
    commands = importlib.import_module(module).COMMANDS
    assert GROUPS[module] == tuple(commands)


def test_gates_help_lists_every_command_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--help"])
    assert raised.value.code == 0
    every = ["check", *(c for commands in GROUPS.values() for c in commands)]
    assert "{" + ",".join(every) + "}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (["check", "--help"], ("gates.ci.github", "gates.benchmark.stage", "gates.cli.stage")),
        (["schema"], ("gates.ci.github", "gates.benchmark.stage")),
    ],
)
def test_a_command_imports_no_other_group(argv: list[str], absent: tuple[str, ...]) -> None:
    """In a fresh interpreter: this process has imported every group already."""
    script = (
        "import sys\nfrom gates.cli import main\ntry:\n    main(sys.argv[1:])\n"
        "except SystemExit:\n    pass\n"
        f"print(sorted(set({absent!r}) & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]", done.stdout


def test_the_check_parser_alone_reads_a_check_command_line() -> None:
    """`gates check` parses with its own parser only, and still refuses what is not its own."""
    assert main(["check", "--format", "bogus"]) == 2
    assert main(["chek"]) == 2  # a misspelt command: the whole parser says so
