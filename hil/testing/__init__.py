"""hilander for your own tests: fly scenarios, and hypothesis strategies over
the dispersion envelope.

    from hypothesis import given
    from hilander.testing import Lander, dispersed_scenarios

    @given(dispersed_scenarios("default"))
    def test_lands_everywhere(scenario):
        Lander().fly(scenario).assert_lands()

With the pytest plugin (installed with hilander, entry point ``pytest11``)
the ``lander`` fixture gives a Lander that flies on the desk, on the
board at ``--hil-port=URL``, or on the board ``--hil-board NAME`` starts;
see docs/testing.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from hilander.hil.link.transport import DEFAULT_BAUD
from hilander.hil.session import BoardSummary, SessionOptions, open_board
from hilander.hil.session.summary import LinkSummary, landing_of
from hilander.hil.wire.protocol import Mode
from hilander.sim.campaign import apply_draws, dispersed
from hilander.sim.controllers import desk_factory
from hilander.sim.dispersions import SEED_MAX, Dispersion
from hilander.sim.result import summarize
from hilander.sim.run import Landing, fly
from hilander.sim.scenario import Scenario, load_scenario
from hilander.sim.summary import LandingSummary, Touchdown

__all__ = [
    "Flight",
    "Lander",
    "Scenario",
    "campaign_runs",
    "dispersed_scenarios",
    "scenario_of",
    "seeds",
]


@dataclass(repr=False)
class Flight:
    """One flown landing: its summary (the typed record behind ``hilander sim
    --json``; with a board, ``hilander hil --json``'s) and the telemetry."""

    summary: LandingSummary | BoardSummary
    landing: Landing
    where: str

    @property
    def landing_summary(self) -> LandingSummary:
        """The landing's own summary (without a board session's figures)."""
        return landing_of(self.summary)

    @property
    def verdict(self) -> str:
        return self.landing_summary.verdict

    @property
    def violations(self) -> list[str]:
        return list(self.landing_summary.violations)

    @property
    def touchdown(self) -> Touchdown | None:
        return self.landing_summary.touchdown

    @property
    def link(self) -> LinkSummary | None:
        """A board session's link figures (None on the desk)."""
        return self.summary.link if isinstance(self.summary, BoardSummary) else None

    def __repr__(self) -> str:
        s = self.landing_summary.scenario
        return f"<Flight {s.name} seed {s.seed} on the {self.where}: {self.verdict}>"

    def assert_lands(self) -> None:
        """Fail with the scenario, the seed and every violation unless it passed."""
        if self.verdict != "pass":
            s = self.landing_summary.scenario
            raise AssertionError(
                f"{s.name} (seed {s.seed}) on the {self.where}: {self.verdict}: "
                + "; ".join(self.violations)
            )


class Lander:
    """Flies scenarios on the desk simulation (``port`` None) or with the law
    on the board at ``port`` (over the hilander protocol: lockstep unless
    ``options`` say otherwise, with their waits and retries)."""

    def __init__(
        self,
        port: str | None = None,
        baud: int = DEFAULT_BAUD,
        controller: str = "compiled",
        options: SessionOptions | None = None,
    ) -> None:
        self.port, self.baud, self.controller = port, baud, controller
        self.options = options or SessionOptions(mode=Mode.LOCKSTEP)
        self.make = desk_factory(controller, "--hil-controller") if port is None else None
        self.where = "desk" if port is None else f"board at {port}"

    def fly(self, scenario: str | Scenario = "default", seed: int | None = None) -> Flight:
        """Fly a scenario (a built-in name, a TOML path or a Scenario)."""
        s = scenario_of(scenario)
        if seed is not None:
            s = s.with_seed(seed)
        if self.port is not None:
            return self._fly_board(s)
        fc = None if self.make is None else self.make()
        landing = fly(s, fc, name=None if fc is None else self.controller)
        return Flight(summarize(landing), landing, self.where)

    def _fly_board(self, s: Scenario) -> Flight:
        assert self.port is not None
        with open_board(self.port, self.options, baud=self.baud, seed=s.seed) as board:
            landing = board.fly(s)
        return Flight(board.summary(landing), landing, self.where)


def scenario_of(scenario: str | Scenario) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def seeds() -> st.SearchStrategy[int]:
    """Scenario seeds (sensor noise, gusts, hazard sensing)."""
    return st.integers(0, SEED_MAX)


def _values(d: Dispersion) -> st.SearchStrategy[Any]:
    if d.integer:
        return st.integers(int(d.low[0]), int(d.high[0]))
    parts = [st.floats(lo, hi) for lo, hi in zip(d.low, d.high, strict=True)]
    return st.tuples(*parts) if d.vector else parts[0]


def dispersed_scenarios(scenario: str | Scenario = "default") -> st.SearchStrategy[Scenario]:
    """Scenarios anywhere in the envelope of the scenario's [dispersions]:
    every dispersed parameter between its min and max (the corners
    included, whatever the distribution), and any seed. Hypothesis shrinks a
    failure toward the simplest values in the envelope. The law keeps what
    it was told (a drawn [vehicle] value is the truth only), as in a
    campaign; values the scenario parser would refuse together (engines
    that cannot lift the vehicle) raise ScenarioError."""
    base = scenario_of(scenario)
    values = st.fixed_dictionaries({d.name: _values(d) for d in base.dispersions})
    return st.builds(lambda v, seed: apply_draws(base, v, seed), values, seeds())


def campaign_runs(
    scenario: str | Scenario = "default", seed: int | None = None
) -> st.SearchStrategy[Scenario]:
    """Runs of the scenario's campaign, drawn from its distributions as
    ``hilander campaign`` draws them: a failure names a run that
    ``hilander sim SCENARIO --seed S --run K`` flies again."""
    base = scenario_of(scenario)
    campaign_seed = base.seed if seed is None else seed
    return st.integers(0, 2**32 - 1).map(lambda k: _run(base, campaign_seed, k))


CAMPAIGN_RUNS: dict[tuple[str, int], tuple[int, int]] = {}
"""(name, seed) of each run drawn by campaign_runs -> (campaign seed, run):
the plugin's re-fly command of a failed run (hilander.testing.refly)."""
CAMPAIGN_RUNS_MAX = 100_000


def _run(base: Scenario, campaign_seed: int, k: int) -> Scenario:
    s = dispersed(base, campaign_seed, k)
    if len(CAMPAIGN_RUNS) >= CAMPAIGN_RUNS_MAX:
        CAMPAIGN_RUNS.clear()
    CAMPAIGN_RUNS[(s.name, s.seed)] = (campaign_seed, k)
    return s
