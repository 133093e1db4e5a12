"""The pytest plugin's settings: each one a command-line option (``--hil-port``)
and an ini option of the same name (``hil_port``, in ``[tool.pytest.ini_options]``
or pytest.ini); the command line wins. Read and checked once per session
(``read_settings``): a bad value stops the session with one line.

This module imports nothing of hilander: the names of the boards are the
ones of hil/board/start.py (BOARDS, a test holds them equal).
"""

from __future__ import annotations

import itertools
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

BOARDS = ("host", "host-asan", "qemu", "qemu-m4f", "virtual")
EMULATED = ("qemu", "qemu-m4f")  # in QEMU's virtual time: a slower first answer
MODES = ("lockstep", "realtime")
BAUD = 921600  # hilander.hil.link.transport.DEFAULT_BAUD
TIMEOUT_S = 0.25  # `hilander hil --timeout`'s default
EMULATED_TIMEOUT_S = 2.0
TIMEOUT_RANGE_S = (1e-3, 60.0)  # as `hilander hil --timeout`
RETRIES = 3
RETRIES_MAX = 100


@dataclass(frozen=True)
class Setting:
    name: str  # the ini name; the option is --hil-... of it
    metavar: str
    help: str

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


SETTINGS = (
    Setting("hil_port", "URL", "fly the lander fixture's landings on the board at this serial "
            "port or pyserial URL (write --hil-port=URL)"),
    Setting("hil_board", "NAME", "start this board for the session and fly on it: "
            + ", ".join(BOARDS)),
    Setting("hil_baud", "N", f"the port's baud rate (default {BAUD})"),
    Setting("hil_timeout", "S", f"the first wait for the board's answer, the floor of the "
            f"adaptive wait (default {TIMEOUT_S:g}; {EMULATED_TIMEOUT_S:g} on qemu boards)"),
    Setting("hil_retries", "N", f"lockstep: resends before a stall (default {RETRIES})"),
    Setting("hil_mode", "MODE", "lockstep (default): wait for each command; realtime: "
            "paced by the clock"),
    Setting("hil_controller", "NAME", "the law: compiled (default), reference or "
            "module:Class; on the desk, or on --hil-board virtual"),
    Setting("hil_report", "DIR", "write the reports of the last flights of each failed "
            "test into DIR"),
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """The session's settings, checked."""

    port: str | None = None
    board: str | None = None
    baud: int = BAUD
    timeout_s: float = TIMEOUT_S
    retries: int = RETRIES
    mode: str = "lockstep"
    controller: str | None = None  # None: the compiled law
    report: str | None = None

    @property
    def where(self) -> str:
        if self.board is not None:
            return f"the {self.board} board (started for the session)"
        return "the desk" if self.port is None else f"the board at {self.port}"


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("hilander", "hilander landing tests")
    for s in SETTINGS:
        group.addoption(s.flag, default=None, metavar=s.metavar, help=f"{s.help} [ini: {s.name}]")
        parser.addini(s.name, s.help, default="")


def _raw(config: pytest.Config, s: Setting) -> tuple[str | None, str]:
    """The value given (the command line's, else the ini's) and where it came from."""
    given = config.getoption(s.flag)
    if given is not None:
        return str(given), s.flag
    ini = str(config.getini(s.name)).strip()
    return (ini or None), f"ini option {s.name} ="


def read_settings(config: pytest.Config) -> Settings:
    """The settings; pytest.UsageError (one line) for a bad value or a contradiction."""
    raw = {s.name: _raw(config, s) for s in SETTINGS}
    raw["hil_port"], raw["hil_board"] = _port_or_board(config, raw["hil_port"], raw["hil_board"])
    board = _choice(raw["hil_board"], BOARDS)
    timeout_default = EMULATED_TIMEOUT_S if board in EMULATED else TIMEOUT_S
    settings = Settings(
        port=raw["hil_port"][0],
        board=board,
        baud=_integer(raw["hil_baud"], BAUD, 1, 10**8),
        timeout_s=_seconds(raw["hil_timeout"], timeout_default),
        retries=_integer(raw["hil_retries"], RETRIES, 0, RETRIES_MAX),
        mode=_choice(raw["hil_mode"], MODES) or "lockstep",
        controller=raw["hil_controller"][0],
        report=raw["hil_report"][0],
    )
    _check_together(settings, raw)
    return settings


def _port_or_board(
    config: pytest.Config, port: tuple[str | None, str], board: tuple[str | None, str]
) -> tuple[tuple[str | None, str], tuple[str | None, str]]:
    """The port and the board: one given on the command line overrides the
    other given in the ini file; both on the command line, or both in the
    ini file, contradict each other (UsageError)."""
    if port[0] is None or board[0] is None:
        return port, board
    on_line = [config.getoption(s) is not None for s in ("--hil-port", "--hil-board")]
    if on_line == [True, False]:
        return port, (None, board[1])
    if on_line == [False, True]:
        return (None, port[1]), board
    raise pytest.UsageError(
        f"{port[1]} {port[0]} and {board[1]} {board[0]}: give one, the board at a port "
        "or the board the plugin starts"
    )


def _check_together(s: Settings, raw: dict[str, tuple[str | None, str]]) -> None:
    on_firmware = s.port is not None or (s.board is not None and s.board != "virtual")
    if s.controller is not None and on_firmware:
        (port_or_board, where) = raw["hil_port"] if s.port is not None else raw["hil_board"]
        raise pytest.UsageError(
            f"{raw['hil_controller'][1]} {s.controller}: the law flies on the desk or on "
            f"--hil-board virtual, but {where} {port_or_board} flies the board's own firmware: "
            "give one"
        )


def _choice(raw: tuple[str | None, str], choices: tuple[str, ...]) -> str | None:
    value, where = raw
    if value is not None and value not in choices:
        raise pytest.UsageError(f"{where} {value}: one of {', '.join(choices)}")
    return value


def _integer(raw: tuple[str | None, str], default: int, low: int, high: int) -> int:
    value, where = raw
    if value is None:
        return default
    try:
        n = int(value)
    except ValueError:
        n = low - 1
    if not low <= n <= high:
        raise pytest.UsageError(f"{where} {value}: an integer from {low} to {high}")
    return n


def _seconds(raw: tuple[str | None, str], default: float) -> float:
    value, where = raw
    if value is None:
        return default
    low, high = TIMEOUT_RANGE_S
    try:
        s = float(value)
    except ValueError:
        s = float("nan")
    if not low <= s <= high:  # nan too
        raise pytest.UsageError(f"{where} {value}: seconds from {low:g} to {high:g}")
    return s


def value_taken_for_a_path(config: pytest.Config) -> str | None:
    """The one line to stop on when an option's value, given as a separate
    argument (``--hil-report DIR``, ``--hil-port PATH``), named a path that
    exists outside the folder pytest ran in: pytest, which looks for the
    project's root and configuration before plugins add their options, took
    it for a test path and derived its rootdir from it, and the project's
    configuration was then not read. None otherwise (``--hil-port=VALUE``, a
    URL, a folder below the one pytest ran in, whose configuration it found)."""
    args = [*shlex.split(os.environ.get("PYTEST_ADDOPTS", "")), *config.invocation_params.args]
    flags = {s.flag: s.name for s in SETTINGS}
    for flag, value in itertools.pairwise(args):
        if flag in flags and os.path.exists(value) and _misled(config, Path(value).absolute()):
            found = "no configuration file" if config.inipath is None else f"{config.inipath}"
            return (
                f"{flag} {value}: pytest took {value} for a test path and looked for the "
                f"project's configuration from it (rootdir {config.rootpath}, {found}); write "
                f"{flag}={value}, or set {flags[flag]} in the project's pytest configuration"
            )
    return None


def _misled(config: pytest.Config, path: Path) -> bool:
    """Whether pytest found its rootdir from ``path`` (it is below it), and
    would have found another from the folder it ran in: ``path`` is not
    below that folder, nor below the configuration file found for both."""
    folder = path if path.is_dir() else path.parent
    here = config.invocation_params.dir.absolute()
    if not folder.is_relative_to(config.rootpath) or folder.is_relative_to(here):
        return False
    shared = None if config.inipath is None else config.inipath.parent
    return shared is None or not (here.is_relative_to(shared) and folder.is_relative_to(shared))
