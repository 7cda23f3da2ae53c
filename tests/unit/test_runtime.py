"""What the security stage audits: runtime dependencies, read from wherever the project declares them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.init.environment.projectenv import read_toml
from gates.init.environment.runtime import audit_plan
from gates.init.environment.setupmeta import audit_arguments, read_setup


def _plan(root: Path, files: dict[str, str]) -> tuple[tuple[str, ...], str]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    plan = audit_plan(root, read_toml(root / "pyproject.toml"))
    return plan.targets, plan.why


_JMESPATH_SETUP = """\
import io
from setuptools import setup, find_packages

setup(
    name='jmespath',
    long_description=io.open('README.rst', encoding='utf-8').read(),
    packages=find_packages(exclude=['tests']),
    python_requires='>=3.7',
)
"""


@pytest.mark.parametrize(
    ("files", "targets", "why"),
    [
        # jmespath/jmespath.py: setup.py without install_requires; requirements.txt holds test pins
        (
            {
                "setup.py": _JMESPATH_SETUP,
                "requirements.txt": "wheel==0.38.1\npytest==6.2.5\npytest-cov==3.0.0\n"
                "hypothesis==5.5.4 ; python_version == '3.8'\n",
            },
            (),
            (
                "setup.py declares no install_requires, and requirements.txt holds development "
                "tools only (wheel, pytest, pytest-cov, hypothesis)"
            ),
        ),
        # a literal install_requires, through a module-level name: audited from setup.py
        (
            {
                "setup.py": "import setuptools\nREQUIRES = ['requests>=2', 'attrs']\n"
                "setuptools.setup(name='x', install_requires=REQUIRES)\n"
            },
            ("setup.py",),
            "the install_requires of setup.py",
        ),
        # computed from a requirements file it names: that file
        (
            {
                "setup.py": "from setuptools import setup\n"
                "setup(install_requires=open('requirements/base.txt').read().splitlines())\n",
                "requirements/base.txt": "requests\n",
            },
            ("-r", "requirements/base.txt"),
            "the requirements file setup.py reads",
        ),
        # computed from nothing gates can see: no audit, and why
        (
            {"setup.py": "from setuptools import setup\nsetup(install_requires=compute())\n"},
            (),
            (
                "setup.py computes install_requires when it runs, so gates cannot read it: list its "
                'runtime requirements file in noxfile.py (audit=["-r", "FILE"])'
            ),
        ),
        # setup.cfg's declarative install_requires
        (
            {"setup.cfg": "[options]\ninstall_requires =\n    click>=8\n"},
            ("setup.cfg",),
            "the install_requires of setup.cfg",
        ),
        # only dependencies that do not install on this Python: nothing to audit
        (
            {
                "setup.py": "from setuptools import setup\n"
                "setup(install_requires=['typing-extensions; python_version < \"3.0\"'])\n"
            },
            (),
            "setup.py declares no install_requires",
        ),
        # an application's runtime pins in requirements.txt, beside a pyproject without any
        (
            {"pyproject.toml": '[project]\nname = "app"\n', "requirements.txt": "flask==3.0\n"},
            ("-r", "requirements.txt"),
            "the runtime requirements of requirements.txt",
        ),
        (
            {"pyproject.toml": '[project]\nname = "p"\ndependencies = ["attrs"]\n'},
            (".",),
            "the dependencies pyproject.toml declares",
        ),
        ({}, (), "the project declares no runtime dependency"),
    ],
)
def test_what_is_audited_and_why(
    tmp_path: Path, files: dict[str, str], targets: tuple[str, ...], why: str
) -> None:
    assert _plan(tmp_path, files) == (targets, why)


def test_setup_py_is_read_without_running_it(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    (tmp_path / "setup.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n"
        "from setuptools import setup\n"
        "setup(install_requires=['requests'], packages=['a', 'a.b'], package_dir={'': 'src'},\n"
        "      py_modules=['solo'])\n"
    )
    setup = read_setup(tmp_path)
    assert (setup.install_requires, setup.packages, setup.package_dir, setup.modules) == (
        ("requests",),
        ("a", "a.b"),
        "src",
        ("solo",),
    )
    assert not marker.exists()


def test_the_security_stage_audits_setup_py_as_a_requirements_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip-audit cannot read setup.py ("couldn't find a supported project file")."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\nsetup(install_requires=['requests>=2'])\n"
    )
    args = audit_arguments(["setup.py"], tmp_path / "venv")
    assert args == ["-r", str(tmp_path / "venv" / "gates-runtime-requirements.txt")]
    assert (tmp_path / "venv" / "gates-runtime-requirements.txt").read_text().splitlines()[1:] == [
        "requests>=2"
    ]
    assert audit_arguments(["-r", "requirements.txt"], tmp_path) == ["-r", "requirements.txt"]
    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\nsetup(install_requires=f())\n"
    )
    with pytest.raises(ValueError, match="install_requires is computed"):
        audit_arguments(["setup.py"], tmp_path / "venv")
