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
``--junitxml`` carries scenario, seed, verdict and touchdown figures.

hilander itself is imported only when a fixture is used: the plugin costs
nothing in a test session that does not fly.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from hilander.testing import Flight, Lander

PROPERTIES_MAX = 20  # flights reported per test (a hypothesis test flies many)
_CURRENT: list[pytest.Item] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hilander", "hilander landing tests")
    group.addoption(
        "--hil-port",
        default=None,
        metavar="URL",
        help="fly the lander fixture's landings on the board at this serial port or "
        "pyserial URL; tests marked hilander_board run only with it",
    )
    group.addoption("--hil-baud", type=int, default=921600, metavar="N", help="baud rate (921600)")
    group.addoption(
        "--hil-controller",
        default="compiled",
        metavar="NAME",
        help="desk flight computer: compiled (default), reference or module:Class",
    )


def pytest_configure(config: pytest.Config) -> None:
    controller = config.getoption("--hil-controller")
    if controller != "compiled":  # a bad name stops the session before any test
        from hilander.hil.controllers import (  # noqa: PLC0415 - lazy: see above
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


class _ReportingLander:
    """A Lander whose flights are recorded in the running test's report."""

    def __init__(self, lander: Lander) -> None:
        self._lander = lander
        self.where = lander.where

    def fly(self, scenario: Any = "default", seed: int | None = None) -> Flight:
        flight = self._lander.fly(scenario, seed)
        if _CURRENT:
            _report(_CURRENT[-1], flight)
        return flight


def _report(item: pytest.Item, flight: Flight) -> None:
    if sum(name == "hilander" for name, _ in item.user_properties) >= PROPERTIES_MAX:
        return
    s, td = flight.summary, flight.touchdown or {}
    text = (
        f"{s['scenario']['name']} seed {s['scenario']['seed']} on the {flight.where}: "
        f"{flight.verdict}; touchdown {td.get('vertical_speed_mps')} m/s vertical, "
        f"{td.get('horizontal_speed_mps')} m/s horizontal; "
        f"{s['propellant_used_kg']} kg propellant"
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
