"""The pytest plugin, through pytest's own pytester: the example test file of
the docs in a user's repository, on the desk and on a (virtual) board."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from hilander.hil.board.virtual import VirtualBoard

EXAMPLE = Path(__file__).parents[3] / "docs/examples/test_landing.py"


@pytest.fixture
def user_repo(pytester: pytest.Pytester) -> pytest.Pytester:
    """A user's repository holding the docs' example test file."""
    shutil.copy(EXAMPLE, pytester.path / "test_landing.py")
    return pytester


def test_the_docs_example_passes_on_the_desk_and_reports_in_junit_xml(
    user_repo: pytest.Pytester,
) -> None:
    result = user_repo.runpytest("-p", "no:cacheprovider", "--junitxml=report.xml")
    result.assert_outcomes(passed=5)
    cases = ET.parse(user_repo.path / "report.xml").getroot().iter("testcase")
    properties = {
        case.get("name"): [p.get("value") for p in case.iter("property")] for case in cases
    }
    assert len(properties) == 5
    first = properties["test_the_default_landing_passes"]
    assert len(first) == 1 and first[0].startswith("default seed 1 on the desk: pass; touchdown")
    assert properties["test_a_windy_landing_stays_on_its_site"][0].startswith("windy seed 3")
    assert 1 <= len(properties["test_every_corner_of_the_envelope_lands"]) <= 20


def test_board_tests_skip_without_a_port_and_a_bad_controller_is_an_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.hilander_board
        def test_on_the_board(lander):
            lander.fly().assert_lands()

        def test_on_the_desk(lander):
            assert lander.fly("away").verdict == "pass"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*needs a board: give --hil-board NAME or --hil-port=URL*"])
    bad = pytester.runpytest("-p", "no:cacheprovider", "--hil-controller", "nomodule:Law")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad.stderr.fnmatch_lines(["ERROR: --hil-controller nomodule:Law: *"])


def test_your_own_law_on_the_desk(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_reference(lander):
            flight = lander.fly("default")
            flight.assert_lands()
            assert flight.landing_summary.controller == "reference"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--hil-controller", "reference")
    result.assert_outcomes(passed=1)


def test_a_failing_landing_says_why(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import dataclasses
        from hilander.testing import scenario_of

        def test_tight(lander):
            s = scenario_of("default")
            tight = dataclasses.replace(
                s, limits=dataclasses.replace(s.limits, touchdown_vertical_speed_max_mps=0.7)
            )
            lander.fly(tight).assert_lands()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*default (seed 1) on the desk: fail: touchdown vertical speed * outside ?0.65, 0.7? m/s"]
    )


@pytest.fixture
def board() -> Iterator[VirtualBoard]:
    with VirtualBoard() as vb:
        yield vb


def test_the_same_tests_fly_on_a_board_with_hil_port(
    user_repo: pytest.Pytester, board: VirtualBoard
) -> None:
    user_repo.makepyfile(
        test_link="""
        def test_the_link_carried_the_landing(lander):
            flight = lander.fly("default")
            flight.assert_lands()
            assert flight.where.startswith("board at ")
            assert flight.link is not None and flight.link.frames_received > 1000
        """
    )
    result = user_repo.runpytest(
        "-p", "no:cacheprovider", "-rs", f"--hil-port={board.path}", "-k", "not envelope"
    )
    result.assert_outcomes(passed=4, skipped=1, deselected=1)
    result.stdout.fnmatch_lines([f"*desk only; the landings fly on the board at {board.path}*"])
    assert board.error is None


def test_a_failed_test_leaves_the_reports_of_its_last_flights(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        def test_too_strict(lander):
            for seed in (1, 2, 3, 4):
                flight = lander.fly("default", seed)
            assert flight.touchdown.vertical_speed_mps < 0.5

        def test_passes(lander):
            lander.fly("default").assert_lands()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--hil-report", "reports")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*hilander reports of failed tests*", "*report.html"])
    reports = sorted((pytester.path / "reports").glob("*/*/report.html"))
    # the last three flights of the failing test (named by their number in
    # it), none of the passing one
    assert [r.parent.name for r in reports] == [
        "flight-2-default-seed-2",
        "flight-3-default-seed-3",
        "flight-4-default-seed-4",
    ]
    test = "test_a_failed_test_leaves_the_reports_of_its_last_flights.py_test_too_strict"
    assert {r.parent.parent.name for r in reports} == {test}
    assert "Verdict: <strong" in reports[-1].read_text(encoding="utf-8")
