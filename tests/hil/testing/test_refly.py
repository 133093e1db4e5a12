"""A failed test's flights fly again from the commands its failure report
prints ("hilander: fly it again"): the saved scenario.toml (bit for bit),
and ``NAME --seed S`` or ``NAME --seed S --run K`` where they say it all.

Reproduces issue 17 (a shrunk case 21.05 m from its site at test time flew
20.76 m from its saved file) and issue 21 (no command to paste; every saved
folder named ``seed-0``)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from hilander.hil.cli.main import main
from tests.common.refly import assert_same_files, comparable

SHRUNK = """
from hypothesis import given, settings
from hilander.testing import dispersed_scenarios

@settings(max_examples=40, derandomize=True, database=None, deadline=None)
@given(dispersed_scenarios("default"))
def test_lands_within_a_metre_of_its_site(lander, scenario):
    flight = lander.fly(scenario)
    assert flight.touchdown.distance_to_site_m < 1.0
"""

SEEDED = """
def test_too_soft(lander):
    flight = lander.fly("default", 7)
    with open("last.json", "w") as f:
        f.write(flight.summary.to_json())
    assert flight.touchdown.vertical_speed_mps < 0.5
"""

RUNS = """
from hypothesis import given, settings
from hilander.testing import campaign_runs

@settings(max_examples=5, derandomize=True, database=None, deadline=None)
@given(campaign_runs("default"))
def test_every_run_lands_on_its_site(lander, scenario):
    flight = lander.fly(scenario)
    with open("last.json", "w") as f:
        f.write(flight.summary.to_json())
    assert flight.touchdown.distance_to_site_m < 0.01
"""


def commands(result: pytest.RunResult) -> list[list[str]]:
    """The ``hilander sim`` commands of the failure report, as arguments."""
    found = [line.strip() for line in result.outlines if line.startswith("  hilander sim ")]
    return [shlex.split(line, comments=True)[1:] for line in found]


def fly_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()  # what came before (an inner session's output)
    assert main([*args, "--json"]) in (0, 1)
    return comparable(json.loads(capsys.readouterr().out))


def test_a_shrunk_failure_refiles_from_its_saved_scenario(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytester.makepyfile(test_refly_case=SHRUNK)
    # in a subprocess: the plugin's reports load matplotlib (see conftest.py)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--hil-report", "reports")
    result.assert_outcomes(failed=1)
    cases = sorted((pytester.path / "reports").glob("*/*/scenario.toml"), key=_number)
    names = [c.parent.name for c in cases]
    assert len(names) == 3 and all(re.fullmatch(r"flight-\d+-default-seed-\d+", n) for n in names)
    assert _number(cases[0]) < _number(cases[1]) < _number(cases[2])  # one folder a flight
    result.stdout.fnmatch_lines(["*- hilander: fly it again -*"])
    pasted = [args[1] for args in commands(result)]
    assert pasted == [str(c.relative_to(pytester.path)) for c in cases]
    shrunk = cases[-1].read_text()  # the last flight: hypothesis's minimal example
    assert "[law.vehicle]" in shrunk  # its thrust was dispersed; the law's was not
    for case in cases:
        again = tmp_path / case.parent.name
        assert main(["sim", str(case), "--out", str(again), "--json"]) in (0, 1)
        capsys.readouterr()
        assert_same_files(case.parent, again)


def _number(path: Path) -> int:
    return int(path.parent.name.split("-")[1])


def test_the_commands_printed_fly_the_same_landing_again(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    pytester.makepyfile(SEEDED)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*- hilander: fly it again -*", "flight 1: default seed 7 on the desk: pass"]
    )
    saved, named = commands(result)  # without --hil-report: in pytest's temporary folder
    assert saved[1].endswith("flight-1-default-seed-7/scenario.toml") and Path(saved[1]).is_file()
    assert named == ["sim", "default", "--seed", "7"]
    flown = comparable(json.loads((pytester.path / "last.json").read_text()))
    assert fly_json(saved, capsys) == flown
    assert fly_json(named, capsys) == flown


def test_a_failed_campaign_run_prints_its_seed_and_run(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    pytester.makepyfile(RUNS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    with_run = [args for args in commands(result) if "--run" in args]
    assert with_run and with_run[-1][:4] == ["sim", "default", "--seed", "1"]
    flown = comparable(json.loads((pytester.path / "last.json").read_text()))
    assert fly_json(with_run[-1], capsys) == flown


def test_a_changed_scenario_prints_only_its_file(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import dataclasses
        from hilander.testing import scenario_of

        def test_heavier(lander):
            s = scenario_of("default")
            tight = dataclasses.replace(
                s, limits=dataclasses.replace(s.limits, touchdown_vertical_speed_max_mps=0.7)
            )
            lander.fly(tight).assert_lands()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    (only,) = commands(result)  # its limits are not the built-in's: no name form
    assert only[1].endswith("flight-1-default-seed-1/scenario.toml")
    assert "touchdown_vertical_speed_max_mps = 0.7" in Path(only[1]).read_text()


MYLAW = """
from hilander.controller.law import CompiledLaw

class Law(CompiledLaw):
    def reset(self, config):
        open("reset-by-mylaw", "a").close()
        return super().reset(config)
"""


def test_your_law_on_the_virtual_board_flies_again_on_the_desk(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    """ini hil_board = "virtual" and hil_controller = "mylaw:Law": every
    printed command that flies a law names it, and so does scenario.toml."""
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\nhil_board = "virtual"\nhil_controller = "mylaw:Law"\n'
    )
    pytester.makepyfile(mylaw=MYLAW)
    pytester.makepyfile(SEEDED)
    pytester.syspathinsert()
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "flight 1: default seed 7 on the board at /dev/*: pass",
            "  hilander board --virtual --controller mylaw:Law   # prints PORT; then, beside it:",
            "  hilander hil */scenario.toml --port PORT --timeout 0.25 --retries 3",
            "  hilander sim */scenario.toml --controller mylaw:Law   # the same on the desk",
        ]
    )
    desk, named = commands(result)
    assert named == ["sim", "default", "--seed", "7", "--controller", "mylaw:Law"]
    comment = Path(desk[1]).read_text().splitlines()[1]
    assert comment.startswith("# Flown by \"board 'virtual' with mylaw:Law\": ")
    (pytester.path / "reset-by-mylaw").unlink()
    assert fly_json(desk, capsys)["controller"] == "mylaw:Law"
    assert (pytester.path / "reset-by-mylaw").exists()  # your law, not the compiled one


def test_a_report_folder_keeps_only_the_last_sessions_flights(pytester: pytest.Pytester) -> None:
    """Two sessions with ``--hil-report DIR``: the test's folder holds the
    second session's flight folders only; what the plugin did not write stays."""
    flies = """
def test_too_soft(lander):
    for seed in range(1, {n}):
        flight = lander.fly("default", seed)
    assert flight.touchdown.vertical_speed_mps < 0.5
"""
    pytester.makepyfile(test_soft=flies.format(n=6))
    pytester.runpytest("-p", "no:cacheprovider", "--hil-report", "reports").assert_outcomes(
        failed=1
    )
    (test,) = (pytester.path / "reports").iterdir()
    (test / "notes.txt").write_text("mine\n")
    pytester.makepyfile(test_soft=flies.format(n=3))
    pytester.runpytest("-p", "no:cacheprovider", "--hil-report", "reports").assert_outcomes(
        failed=1
    )
    left = sorted(p.name for p in test.iterdir())
    assert left == ["flight-1-default-seed-1", "flight-2-default-seed-2", "notes.txt"]
