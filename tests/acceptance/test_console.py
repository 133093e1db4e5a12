"""What a new user does: the installed `hilander` command and the quickstart's example."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def hilander(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "hilander"
    assert script.exists(), "the hilander console script is installed with the package"
    return subprocess.run(
        [str(script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )


def test_hilander_sim_json_passes_on_the_default_scenario() -> None:
    done = hilander("sim", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["verdict"] == "pass" and summary["scenario"]["name"] == "default"


def test_help_and_version() -> None:
    assert "sim" in hilander("--help").stdout
    assert hilander("--version").stdout.startswith("hilander ")
    assert "--seed" in hilander("sim", "--help").stdout


def test_a_malformed_scenario_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[initial]\nposition_m = [0, 0]\n')
    done = hilander("sim", str(bad))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"hilander: error: {bad}: [initial] position_m: expected a list of 3 numbers, got [0, 0]"
    ]


def test_the_quickstart_controller_runs_and_is_judged(tmp_path: Path) -> None:
    """The 'Your own controller' example of docs/quickstart.md, as written there."""
    text = (ROOT / "docs" / "quickstart.md").read_text()
    section = text.split("## Your own controller", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    (tmp_path / "mymodule.py").write_text(code.group(1))
    done = hilander("sim", "--json", "--controller", "mymodule:Hover", PYTHONPATH=str(tmp_path))
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert summary["verdict"] == "fail" and summary["controller"] == "mymodule:Hover"


def test_a_closed_output_pipe_is_quiet() -> None:
    script = Path(sys.executable).parent / "hilander"
    done = subprocess.run(
        ["bash", "-c", f"'{script}' sim --json | head -c 1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout == "{" and done.stderr == ""
