"""The top package: ``hilander.__version__`` is pyproject's version, and
``python -m hilander`` is the ``hilander`` command (in the development venv;
tests/packaging/test_wheel.py checks the same in an installed wheel)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import hilander

ROOT = Path(__file__).resolve().parents[2]


def python_m_hilander(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hilander", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_version_is_pyproject_s() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert hilander.__version__ == pyproject["project"]["version"] == metadata.version("hilander")


def test_python_m_hilander_says_the_version() -> None:
    done = python_m_hilander("--version")
    assert done.returncode == 0 and done.stdout == f"hilander {hilander.__version__}\n"


def test_python_m_hilander_is_the_command_its_errors_and_exit_statuses_too() -> None:
    done = python_m_hilander("no-such-command")
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("hilander: error: ") and "no-such-command" in line


def test_the_top_package_loads_nothing_else() -> None:
    code = "import sys, hilander; print(sorted(m for m in sys.modules if m.startswith('hilander')))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "['hilander']"
