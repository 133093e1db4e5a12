"""The hilander pytest plugin (entry point ``pytest11``, name ``hilander``).

Options: ``--hil-port URL`` points every ``lander`` flight at a board;
``--hil-baud N``; ``--hil-controller NAME`` flies your own law on the desk
(compiled, reference or module:Class).

Fixtures: ``lander`` (session): a :class:`hilander.testing.Lander`;
``landing``: the scenario of the test's ``hilander_scenario`` marker
(default: the built-in default), flown.

Markers: ``hilander_board`` (runs only with --hil-port), ``hilander_desk``
(skipped with --hil-port: needs the desk, e.g. its exact telemetry),
``hilander_scenario(name, seed=None)``.

Every flight adds a ``hilander`` property to its test's report, so that
``--junitxml`` carries scenario, seed, verdict and touchdown figures. With
``--hil-report DIR``, a test that fails leaves the report (report.html,
figures, telemetry, and the scenario.toml that ``hilander sim`` flies again
bit for bit) of its last flights in ``DIR``, for a CI job to keep.

hilander itself is imported only when a fixture is used: the plugin costs
nothing in a test session that does not fly.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from hilander.testing import Flight, Lander

PROPERTIES_MAX = 20  # flights reported per test (a hypothesis test flies many)
FLIGHTS_KEPT = 3  # the last flights of a test, reported if it fails (hypothesis: the shrunk one)
_CURRENT: list[pytest.Item] = []
_FLIGHTS = pytest.StashKey[list["Flight"]]()
_WRITTEN = pytest.StashKey[list[str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hilander", "hilander landing tests")
    group.addoption(
        "--hil-port",
        default=None,
        metavar="URL",
        help="fly the lander fixture's landings on the board at this serial port or "
        "pyserial URL; tests marked hilander_board run only with it",
    )
    # 921600: hilander.hil.link.transport.DEFAULT_BAUD, not imported here: the
    # plugin loads nothing of hilander until a test uses it
    group.addoption("--hil-baud", type=int, default=921600, metavar="N", help="baud rate (921600)")
    group.addoption(
        "--hil-report",
        default=None,
        metavar="DIR",
        help="write the report of the last flights of each failed test into DIR",
    )
    group.addoption(
        "--hil-controller",
        default="compiled",
        metavar="NAME",
        help="desk flight computer: compiled (default), reference or module:Class",
    )


def pytest_configure(config: pytest.Config) -> None:
    controller = config.getoption("--hil-controller")
    if controller != "compiled":  # a bad name stops the session before any test
        from hilander.sim.controllers import (  # noqa: PLC0415 - lazy: see above
            ControllerError,
            flight_computer_factory,
        )

        try:
            flight_computer_factory(controller, "--hil-controller")
        except ControllerError as e:
            raise pytest.UsageError(str(e)) from None
    for line in (
        "hilander_board: runs only with --hil-port URL (a board answers there)",
        "hilander_desk: needs the desk simulation; skipped when --hil-port is given",
        "hilander_scenario(name, seed=None): the scenario the landing fixture flies",
    ):
        config.addinivalue_line("markers", line)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    port = config.getoption("--hil-port")
    no_board = pytest.mark.skip(reason="needs a board: give --hil-port URL")
    on_board = pytest.mark.skip(reason=f"desk only; --hil-port {port} flies on a board")
    for item in items:
        if item.get_closest_marker("hilander_board") and not port:
            item.add_marker(no_board)
        if item.get_closest_marker("hilander_desk") and port:
            item.add_marker(on_board)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    _CURRENT.append(item)  # fixtures fly in set-up: the whole protocol, not just the call
    try:
        return (yield)
    finally:
        _CURRENT.pop()
        item.stash[_FLIGHTS] = []  # a landing is a megabyte: none outlives its test


class _ReportingLander:
    """A Lander whose flights are recorded in the running test's report."""

    def __init__(self, lander: Lander) -> None:
        self._lander = lander
        self.where = lander.where

    def fly(self, scenario: Any = "default", seed: int | None = None) -> Flight:
        flight = self._lander.fly(scenario, seed)
        if _CURRENT:
            item = _CURRENT[-1]
            _report(item, flight)
            if item.config.getoption("--hil-report"):
                kept = item.stash.setdefault(_FLIGHTS, [])
                kept[:] = [*kept[-(FLIGHTS_KEPT - 1) :], flight]
        return flight


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    folder = item.config.getoption("--hil-report")
    if folder and report.failed and call.when != "teardown":
        written = _write_reports(Path(folder), item, item.stash.get(_FLIGHTS, []))
        item.config.stash.setdefault(_WRITTEN, []).extend(written)
        item.stash[_FLIGHTS] = []  # a failed set-up and its call: once
    return report


def _write_reports(folder: Path, item: pytest.Item, flights: list[Flight]) -> list[str]:
    """report.html and its files of each flight, in DIR/TEST/K-SCENARIO-seed-N."""
    from hilander.hil.report.files import OutputError, write_run  # noqa: PLC0415 - lazy: see above

    test = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid).strip("_")
    written = []
    for k, flight in enumerate(flights):
        s = flight.landing_summary.scenario
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{k}-{s.name}-seed-{s.seed}")
        out = folder / test / name
        try:
            files = write_run(out, flight.landing, flight.summary)
        except OutputError as e:
            written.append(f"not written: {e}")
            continue
        html = [str(f) for f in files if f.name == "report.html"]
        written += html or [f"{out}/ (the data: no report.html without matplotlib)"]
    return written


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    written = config.stash.get(_WRITTEN, [])
    if written:
        terminalreporter.section("hilander reports of failed tests")
        for line in written:
            terminalreporter.write_line(line)


def _report(item: pytest.Item, flight: Flight) -> None:
    if sum(name == "hilander" for name, _ in item.user_properties) >= PROPERTIES_MAX:
        return
    s, td = flight.landing_summary, flight.touchdown
    text = (
        f"{s.scenario.name} seed {s.scenario.seed} on the {flight.where}: "
        f"{flight.verdict}; touchdown {td and td.vertical_speed_mps} m/s vertical, "
        f"{td and td.horizontal_speed_mps} m/s horizontal; "
        f"{s.propellant_used_kg} kg propellant"
    )
    item.user_properties.append(("hilander", text))


@pytest.fixture(scope="session")
def lander(pytestconfig: pytest.Config) -> _ReportingLander:
    """Flies scenarios on the desk, or on the board given with --hil-port."""
    from hilander.testing import Lander  # noqa: PLC0415 - lazy: see above

    made = Lander(
        pytestconfig.getoption("--hil-port"),
        pytestconfig.getoption("--hil-baud"),
        pytestconfig.getoption("--hil-controller"),
    )
    return _ReportingLander(made)


@pytest.fixture
def landing(lander: _ReportingLander, request: pytest.FixtureRequest) -> Flight:
    """The scenario of the test's hilander_scenario marker, flown."""
    marker = request.node.get_closest_marker("hilander_scenario")
    name = marker.args[0] if marker and marker.args else "default"
    seed = marker.kwargs.get("seed") if marker else None
    return lander.fly(name, seed)
