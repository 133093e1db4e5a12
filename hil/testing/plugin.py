"""The hilander pytest plugin (entry point ``pytest11``, name ``hilander``);
docs/testing.md is its page.

Settings (hilander.testing.options): each a command-line option and an ini
option, ``--hil-port=URL`` / ``hil_port``, ``--hil-board NAME`` /
``hil_board``, baud, timeout, retries, mode, controller, report.

Fixtures: ``hil_board`` (session): the board the session flies on, started
by the plugin with ``--hil-board`` (``host``, ``host-asan``, ``qemu``,
``qemu-m4f``, ``virtual``) and stopped after the session, or the one at
``--hil-port``; it has ``.name`` and ``.url``. ``lander`` (session): a
:class:`hilander.testing.Lander` on the desk, or on that board.
``landing``: the scenario of the test's ``hilander_scenario`` marker, flown.

Markers: ``hilander_board`` (runs only with a board), ``hilander_desk``
(skipped with a board), ``hilander_scenario(name, seed=None)``.

Every flight adds a ``hilander`` property to its test's report (for
``--junitxml``). A failed test's report gets a section "hilander: fly it
again": its last flights, each with the command that flies it again
(hilander.testing.refly), their scenario.toml saved in pytest's temporary
folder, or with ``--hil-report DIR`` their whole reports in ``DIR``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from hilander.testing.options import Settings, add_options, read_settings, value_taken_for_a_path

if TYPE_CHECKING:
    from hilander.testing import Flight, Lander
    from hilander.testing.boards import HilBoard
    from hilander.testing.refly import Kept

PROPERTIES_MAX = 20  # flights reported per test (a hypothesis test flies many)
FLIGHTS_KEPT = 3  # the last flights of a test, reported if it fails (hypothesis: the shrunk one)
SECTION = "hilander: fly it again"
_CURRENT: list[pytest.Item] = []
_SETTINGS = pytest.StashKey[Settings]()
_FLIGHTS = pytest.StashKey[list["Kept"]]()
_FLOWN = pytest.StashKey[int]()
_WRITTEN = pytest.StashKey[list[str]]()
_SAVED = pytest.StashKey[Path]()  # where scenario.toml files go without --hil-report


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Before the project's conftest files: stop if the configuration was lost."""
    trap = value_taken_for_a_path(early_config)
    if trap is not None:
        raise pytest.UsageError(trap)


def pytest_configure(config: pytest.Config) -> None:
    settings = read_settings(config)
    config.stash[_SETTINGS] = settings
    if settings.controller is not None:  # a bad name stops the session before any test
        from hilander.sim.controllers import (  # noqa: PLC0415 - only when asked for
            ControllerError,
            flight_computer_factory,
        )

        option = (
            "--hil-controller"
            if config.getoption("--hil-controller")
            else "ini option hil_controller ="
        )
        try:
            flight_computer_factory(settings.controller, option)
        except ControllerError as e:
            raise pytest.UsageError(str(e)) from None
    for line in (
        "hilander_board: runs only with a board (--hil-board NAME or --hil-port=URL)",
        "hilander_desk: needs the desk simulation; skipped when a board is given",
        "hilander_scenario(name, seed=None): the scenario the landing fixture flies",
    ):
        config.addinivalue_line("markers", line)


def pytest_report_header(config: pytest.Config) -> str:
    s = config.stash[_SETTINGS]
    law = f", law {s.controller}" if s.controller else ""
    if s.port is None and s.board is None:
        return f"hilander: landings on the desk{law}"
    return (
        f"hilander: landings on {s.where}{law}, {s.mode}, timeout {s.timeout_s:g} s, "
        f"{s.retries} retries"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    s = config.stash[_SETTINGS]
    no_board = pytest.mark.skip(reason="needs a board: give --hil-board NAME or --hil-port=URL")
    on_board = pytest.mark.skip(reason=f"desk only; the landings fly on {s.where}")
    board = s.port is not None or s.board is not None
    for item in items:
        if item.get_closest_marker("hilander_board") and not board:
            item.add_marker(no_board)
        if item.get_closest_marker("hilander_desk") and board:
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

    def __init__(self, lander: Lander, board: HilBoard | None = None) -> None:
        self._lander, self._board = lander, board
        self.where, self.port, self.baud = lander.where, lander.port, lander.baud
        self.options = lander.options

    def fly(self, scenario: Any = "default", seed: int | None = None) -> Flight:
        from hilander.testing.refly import Kept  # noqa: PLC0415 - lazy: see pytest_configure

        if self._board is None:
            flight = self._lander.fly(scenario, seed)
        else:
            from hilander.testing.boards import fly_on  # noqa: PLC0415

            flight = fly_on(self._board, lambda: self._lander.fly(scenario, seed))
        if _CURRENT:
            item = _CURRENT[-1]
            _report(item, flight)
            number = item.stash[_FLOWN] = item.stash.get(_FLOWN, 0) + 1
            kept = item.stash.setdefault(_FLIGHTS, [])
            kept[:] = [*kept[-(FLIGHTS_KEPT - 1) :], Kept(number, flight)]
        return flight


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    flights = item.stash.get(_FLIGHTS, [])
    if report.failed and call.when != "teardown" and flights:
        from hilander.testing.refly import report_lines  # noqa: PLC0415 - only on a failure

        config = item.config
        s = config.stash[_SETTINGS]
        whole = s.report is not None
        folder = Path(s.report) if s.report is not None else config.stash.get(_SAVED, None)
        if folder is not None:
            here = config.invocation_params.dir
            lines, written = report_lines(folder, item.nodeid, flights, s, whole, here)
            report.sections.append((SECTION, "\n".join(lines)))
            config.stash.setdefault(_WRITTEN, []).extend(written)
        item.stash[_FLIGHTS] = []  # a failed set-up and its call: once
    return report


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
def hil_board(pytestconfig: pytest.Config) -> Iterator[HilBoard]:
    """The session's board: started with --hil-board NAME (stopped after the
    session), or the one at --hil-port=URL (which must open). Skips the test
    without either."""
    s = pytestconfig.stash[_SETTINGS]
    if s.board is None:
        if s.port is None:
            pytest.skip("needs a board: give --hil-board NAME or --hil-port=URL")
        from hilander.testing.boards import GivenBoard, check_port  # noqa: PLC0415

        check_port(s.port, s.baud)  # once: each test that needs it fails with its one line
        yield GivenBoard("port", s.port)
        return
    from hilander.hil.board.start import BoardStartError, start_board  # noqa: PLC0415
    from hilander.sim.controllers import flight_computer_factory  # noqa: PLC0415

    make = None if s.controller is None else flight_computer_factory(s.controller)
    try:
        board = start_board(s.board, make)
    except BoardStartError as e:
        failed = str(e)
    else:
        failed = ""
    if failed:  # each test that needs it errors with this line (out of the except: no chain)
        pytest.fail(f"--hil-board {s.board}: {failed}", pytrace=False)
    try:
        yield board
    finally:
        board.stop()


@pytest.fixture(scope="session")
def lander(
    pytestconfig: pytest.Config,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> _ReportingLander:
    """Flies scenarios on the desk, or on the session's board (hil_board)."""
    from hilander.hil.session import SessionOptions  # noqa: PLC0415 - lazy: see pytest_configure
    from hilander.hil.wire.protocol import Mode  # noqa: PLC0415
    from hilander.testing import Lander  # noqa: PLC0415

    s = pytestconfig.stash[_SETTINGS]
    pytestconfig.stash[_SAVED] = tmp_path_factory.mktemp("hilander")
    options = SessionOptions(mode=Mode[s.mode.upper()], timeout_s=s.timeout_s, retries=s.retries)
    if s.port is None and s.board is None:
        return _ReportingLander(Lander(None, s.baud, s.controller or "compiled", options))
    board: HilBoard = request.getfixturevalue("hil_board")
    return _ReportingLander(Lander(board.url, s.baud, "compiled", options), board)


@pytest.fixture
def landing(lander: _ReportingLander, request: pytest.FixtureRequest) -> Flight:
    """The scenario of the test's hilander_scenario marker, flown."""
    marker = request.node.get_closest_marker("hilander_scenario")
    name = marker.args[0] if marker and marker.args else "default"
    seed = marker.kwargs.get("seed") if marker else None
    return lander.fly(name, seed)
