"""What a new user does: the installed `hilander` command and the quickstart's example."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.common.console import ROOT, hilander


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


def _in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`hilander ARGS` run in ``folder``, as a user runs it there: no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(Path(sys.executable).parent / "hilander"), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_quickstart_controller_runs_and_is_judged(tmp_path: Path) -> None:
    """The 'Your own controller' example of docs/quickstart.md, as written there:
    `hilander sim --controller mymodule:Hover` in the folder of mymodule.py,
    and a campaign of it on worker processes; elsewhere, one line."""
    text = (ROOT / "docs" / "quickstart.md").read_text()
    section = text.split("## Your own controller", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    (tmp_path / "mymodule.py").write_text(code.group(1))
    done = _in(tmp_path, "sim", "--json", "--controller", "mymodule:Hover")
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert summary["verdict"] == "fail" and summary["controller"] == "mymodule:Hover"
    campaign = _in(
        tmp_path,
        "campaign",
        "-n",
        "4",
        "--workers",
        "2",
        "--controller",
        "mymodule:Hover",
        "--json",
    )
    outcome = json.loads(campaign.stdout)["outcome"]
    assert (outcome["fail"], outcome["error"]) == (4, 0), campaign.stderr
    elsewhere = _in(tmp_path.parent, "sim", "--controller", "mymodule:Hover")
    assert elsewhere.returncode == 2 and elsewhere.stderr.splitlines() == [
        "hilander: error: --controller mymodule:Hover: no module named 'mymodule' "
        "(looked in the current directory and on sys.path)"
    ]


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


def test_a_campaign_from_the_installed_command(tmp_path: Path) -> None:
    """The README's campaign line: runs on local processes, prints its summary,
    draws its progress bar on stderr, writes its table, and names repro commands."""
    done = hilander("campaign", "-n", "200", "--workers", "2", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("campaign default: 200 of 200 runs (seed 1, compiled, 2 local")
    assert "200 passed, 0 failed, 0 errors" in done.stdout
    assert re.search(r"\[#{30}\] 200/200 100 %", done.stderr)
    assert len((tmp_path / "runs.csv").read_text().splitlines()) == 201
    command = re.search(r"hilander sim default --seed 1 --run (\d+)", done.stdout)
    assert command is not None
    again = hilander("sim", "--seed", "1", "--run", command.group(1), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["verdict"] == "pass"


def test_ctrl_c_stops_a_campaign_and_keeps_what_flew(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "hilander"
    proc = subprocess.Popen(
        [str(script), "campaign", "-n", "100000", "--workers", "2", "--out", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(3)
            os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
            break
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "INTERRUPTED" in out and "Traceback" not in err
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["campaign"]["interrupted"] is True
    rows = (tmp_path / "runs.csv").read_text().splitlines()
    assert len(rows) - 1 == summary["campaign"]["flown"] < 100000
