"""A shrunk hypothesis failure saved by ``--hil-report`` re-flies bit for bit:
``hilander sim DIR/scenario.toml`` lands as the test's flight landed.

Reproduces issue 17: a failing case 21.05 m from its site at test time flew
20.76 m from its saved file (the file lost what the law had been told)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hilander.hil.cli.main import main
from tests.common.refly import assert_same_files

FAILING = """
from hypothesis import given, settings
from hilander.testing import dispersed_scenarios

@settings(max_examples=40, derandomize=True, database=None, deadline=None)
@given(dispersed_scenarios("default"))
def test_lands_within_a_metre_of_its_site(lander, scenario):
    flight = lander.fly(scenario)
    assert flight.touchdown.distance_to_site_m < 1.0
"""


def test_a_shrunk_failure_refiles_from_its_saved_scenario(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytester.makepyfile(test_refly_case=FAILING)
    # in a subprocess: the plugin's reports load matplotlib (see conftest.py)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--hil-report", "reports")
    result.assert_outcomes(failed=1)
    cases = sorted((pytester.path / "reports").glob("*/*/scenario.toml"))
    assert [c.parent.name.split("-")[0] for c in cases] == ["0", "1", "2"]
    shrunk = cases[-1].read_text()  # the last flight: hypothesis's minimal example
    assert "[law.vehicle]" in shrunk  # its thrust was dispersed; the law's was not
    for case in cases:
        again = tmp_path / case.parent.name
        assert main(["sim", str(case), "--out", str(again), "--json"]) in (0, 1)
        capsys.readouterr()
        assert_same_files(case.parent, again)
