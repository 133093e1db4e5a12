"""A written scenario re-flies its landing bit for bit: the true vehicle in
[vehicle], what the law was told in [law.vehicle], every value exact.

Reproduces issue 17: run 276 of the default campaign landed at 40.895 s,
0.7387 m/s, and its written file at 41.024 s, 0.7516 m/s (the file kept the
dispersed thrust and lost the nominal one the law was told)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hilander.sim.campaign import apply_draws, dispersed, fly_run, metrics
from hilander.sim.catalog import flyable_names
from hilander.sim.dispersions import draws, run_seed
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import Scenario, load_scenario, parse_scenario, scenario_to_toml
from hilander.sim.scenario_law import LAW_VEHICLE_KEYS
from hilander.sim.schema import ScenarioError
from hilander.sim.vehicle import VehicleParams
from hilander.testing import dispersed_scenarios
from tests.common.refly import refly

BASE = """
name = "t"
seed = 3
[initial]
position_m = [-350.0, 230.0, 1800.0]
velocity_mps = [22.0, -6.0, -80.0]
"""


def round_trip(s: Scenario) -> Scenario:
    return dataclasses.replace(parse_scenario(scenario_to_toml(s), "again.toml"), source=s.source)


@pytest.mark.parametrize("name", flyable_names())
def test_every_builtin_round_trips_and_its_file_is_a_fixed_point(name: str) -> None:
    s = load_scenario(name)
    assert round_trip(s) == s
    text = scenario_to_toml(s)
    assert scenario_to_toml(round_trip(s)) == text
    assert "[law.vehicle]" not in text  # a nominal scenario: the law is told [vehicle]


def test_run_276_of_the_default_campaign_refiles_as_the_issue_measured_it() -> None:
    s = dispersed(load_scenario("default"), 1, 276)
    flown = fly(s)
    td = summarize(flown).touchdown
    assert td is not None and (td.time_s, td.vertical_speed_mps) == (40.894, 0.7386)
    text = scenario_to_toml(s)
    assert "[law.vehicle]\nengine_thrust_max_N = 3125.0\n" in text
    assert s.vehicle.engine_thrust_max_N != 3125.0  # the truth, drawn
    refly(s, flown)


@pytest.mark.parametrize(("name", "runs"), [("default", 50), ("phoenix", 10), ("viking", 10)])
def test_campaign_runs_refly_from_their_files_bit_for_bit(name: str, runs: int) -> None:
    """Each run as the campaign flies it (fly_run: its row of runs.csv) and
    its written scenario flown again: same telemetry, records, summary and row."""
    base = load_scenario(name)
    for k in range(runs):
        row = fly_run(base, base.seed, k)
        s = apply_draws(base, draws(base.dispersions, base.seed, k), run_seed(base.seed, k))
        again = refly(s)
        figures = metrics(summarize(again), s.limits)
        for key, value in figures.items():
            assert repr(value) == repr(row[key]) or (math.isnan(value) and math.isnan(row[key]))
        assert summarize(again).verdict == row["verdict"]


@st.composite
def told_otherwise(draw: st.DrawFn) -> Scenario:
    """A dispersed scenario whose law may also be told a thrust or an Isp that
    is not the vehicle's: the three with [dispersions], and (any seed) a
    terrain that follows the seed, airbags and two faults from history."""
    names = ["default", "phoenix", "viking", "windy", "mer", "mpl-leg-latch", "radar-dropout"]
    s = draw(st.sampled_from(names).flatmap(dispersed_scenarios))
    told = {
        "engine_thrust_max_N": s.law.engine_thrust_max_N * draw(st.floats(0.97, 1.03)),
        "isp_s": s.law.isp_s * draw(st.floats(0.98, 1.02)),
    }
    chosen = draw(st.sets(st.sampled_from(sorted(told))))
    return dataclasses.replace(s, law=s.law.replace(**{k: told[k] for k in chosen}))


@settings(max_examples=25, deadline=None)
@given(told_otherwise())
def test_any_dispersed_scenario_writes_parses_and_flies_the_same(s: Scenario) -> None:
    assert round_trip(s) == s
    refly(s)


def test_law_vehicle_states_what_the_law_is_told() -> None:
    """ "The law is told 3,125 N per engine, the engines give 3,000": a test
    case a user writes on purpose; it flies, and differs from the honest one."""
    told = parse_scenario(
        BASE + "[vehicle]\nengine_thrust_max_N = 3000.0\n"
        "[law.vehicle]\nengine_thrust_max_N = 3125.0\nisp_s = 225\n",
        "t.toml",
    )
    honest = parse_scenario(BASE + "[vehicle]\nengine_thrust_max_N = 3000.0\n", "t.toml")
    assert (told.vehicle.engine_thrust_max_N, told.law.engine_thrust_max_N) == (3000.0, 3125.0)
    assert (told.law.isp_s, honest.law.engine_thrust_max_N) == (225.0, 3000.0)
    assert told.vehicle == honest.vehicle and told.law != honest.law
    a, b = fly(told), fly(honest)
    assert a.telemetry.tobytes() != b.telemetry.tobytes()
    assert round_trip(told) == told
    refly(told, a)


def test_every_law_vehicle_key_is_a_vehicle_value_the_law_is_given() -> None:
    s = load_scenario("default")
    for key in LAW_VEHICLE_KEYS:
        assert getattr(s.law, key) == getattr(s.vehicle, key)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[law.vehicle]\nrover_mass_kg = 1000.0\n",
            "t.toml: [law.vehicle] rover_mass_kg: not something the law is told (it is told "
            + ", ".join(LAW_VEHICLE_KEYS)
            + ")",
        ),
        ("[law]\nvehicle = 3\n", "t.toml: [law] vehicle: expected a table [law.vehicle]"),
        (
            "[law.vehicle]\nengine_count = 0\n",
            "t.toml: [law.vehicle] engine_count = 0: must be >= 1",
        ),
        (
            "[law.vehicle]\nisp_s = 'high'\n",
            "t.toml: [law.vehicle] isp_s: expected a number, got 'high'",
        ),
        (
            "[law]\nbridle_payout_time_s = 3.0\n",
            "t.toml: [law] bridle_payout_time_s: describes the vehicle: the true one in "
            "[vehicle], what the law is told in [law.vehicle]",
        ),
        (
            "[dispersions.law.landing_system]\ndistribution = 'uniform'\nmin = 0\nmax = 2\n",
            "t.toml: [dispersions.law] landing_system: cannot be dispersed "
            "(the vehicle's landing_system sets it)",
        ),
    ],
)
def test_bad_law_vehicle_gives_one_line(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as e:
        parse_scenario(BASE + text, "t.toml")
    assert str(e.value) == message


def test_names_descriptions_and_sources_with_any_character_stay_one_toml_value() -> None:
    odd = 'a "quoted"\nname\twith\\ \x00 \x1f \x7f é ✓'
    s = dataclasses.replace(
        load_scenario("default"), name=odd, description=odd + "\r\n", source="x\ny = 1\n[z]"
    )
    again = parse_scenario(scenario_to_toml(s), "again.toml")
    assert (again.name, again.description) == (s.name, s.description)
    assert scenario_to_toml(s).splitlines()[0] == (
        '# Resolved from "x\\ny = 1\\n[z]": every value, so that this file re-flies the run.'
    )


def test_a_draw_the_parser_would_refuse_is_a_run_error_not_a_file_that_cannot_load() -> None:
    """Thrust drawn too low to lift the vehicle: the run is recorded as an
    error with one line (flying it would write a scenario that does not load)."""
    base = parse_scenario(
        BASE + "[dispersions.vehicle.engine_thrust_max_N]\n"
        "distribution = 'uniform'\nmin = 400.0\nmax = 3200.0\n",
        "t.toml",
    )
    rows = [fly_run(base, 1, k) for k in range(12)]
    errors = [r for r in rows if r["verdict"] == "error"]
    assert errors and len(errors) < len(rows)
    assert all(
        r["error"].startswith("ScenarioError: the drawn values: [vehicle] engine_thrust_max_N = ")
        and "under 1.2 times the weight" in r["error"]
        for r in errors
    )
    bad = errors[0]["run"]
    with pytest.raises(ScenarioError, match=rf"^t.toml: run {bad}: the drawn values: \[vehicle\]"):
        dispersed(base, 1, bad)


def test_the_flight_computer_is_named_in_a_comment() -> None:
    s = load_scenario("default")
    text = scenario_to_toml(s, "reference")
    assert text.splitlines()[1] == (
        '# Flown by "reference": `hilander sim` flies the compiled law unless given --controller.'
    )
    assert parse_scenario(text, "x.toml") == dataclasses.replace(s, source="x.toml")


def _beyond(f: dataclasses.Field[object]) -> list[float]:
    """Values just outside each bound the field declares."""
    out = []
    for key, step in (("gt", 0.0), ("ge", -1.0), ("lt", 0.0), ("le", 1.0)):
        bound = f.metadata.get(key)
        if bound is not None:
            out.append(float(bound) + step)
    return out


@pytest.mark.parametrize(
    "key", [k for k in LAW_VEHICLE_KEYS if k in {f.name for f in dataclasses.fields(VehicleParams)}]
)
def test_what_the_law_is_told_stays_in_the_range_of_its_vehicle_key(key: str) -> None:
    """A [law.vehicle] value is held to the range of the [vehicle] key it
    stands for (and to the law's own): one line, never a flight."""
    f = next(f for f in dataclasses.fields(VehicleParams) if f.name == key)
    for value in _beyond(f):
        shown = int(value) if key == "engine_count" else value
        with pytest.raises(ScenarioError) as e:
            parse_scenario(BASE + f"[law.vehicle]\n{key} = {shown}\n", "t.toml")
        assert str(e.value).startswith(f"t.toml: [law.vehicle] {key} = ")
        assert "\n" not in str(e.value)
