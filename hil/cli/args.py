"""The arguments of the commands that fly a scenario or talk to a board:
the SCENARIO positional, --out, --seed, --run, the port, the link's tuning."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hilander.hil.board.firmware import FIRMWARE_BUILDS
from hilander.hil.board.targets import TARGETS
from hilander.hil.cli.argtypes import integer, number
from hilander.hil.link.transport import DEFAULT_BAUD
from hilander.hil.session.options import DEFAULT_STALL_AFTER_S
from hilander.sim.campaign import dispersed
from hilander.sim.scenario import Scenario, load_scenario


def add_link_commands(sub: Any, seed_type: Callable[[str], int]) -> None:
    """The subcommands of this module, on the main parser's subparsers."""
    _add_hil(sub, seed_type)
    board = sub.add_parser("board", help="run a board on a pty: the Cython law or the C firmware")
    which = board.add_mutually_exclusive_group()
    which.add_argument("--virtual", action="store_true", help="the Cython law on a pty")
    which.add_argument(
        "--firmware",
        choices=tuple(FIRMWARE_BUILDS),
        help="the C firmware on a pty, built with make if needed: "
        + ", ".join(f"{name} ({t.about})" for name, t in TARGETS.items()),
    )
    board.add_argument(
        "--firmware-dir",
        type=Path,
        metavar="DIR",
        help=(
            "a firmware_stub/ of your own (default: this checkout's, else the"
            " installed sources, built in ~/.cache/hilander)"
        ),
    )
    _add_board_options(board)
    serve = sub.add_parser("serve", help="answer a serial-attached world with the law")
    _add_port(serve)
    _add_board_options(serve)
    ports = sub.add_parser("ports", help="list serial ports")
    ports.add_argument("--json", action="store_true", help="the list as one JSON object")
    _add_replay(sub)


def _add_replay(sub: Any) -> None:
    rp = sub.add_parser("replay", help="replay a recording: the law against the board")
    rp.add_argument("file", type=Path, help="a file written by 'hilander hil --record'")
    rp.add_argument("--json", action="store_true", help="the report as one JSON object")
    add_out_options(rp, "write back_to_back.csv and report.html here")
    rp.add_argument("--refly", action="store_true", help="fly the recorded scenario again")
    rp.add_argument(
        "--tolerance",
        type=_nonneg,
        default=1e-3,
        help="relative difference still counted as agreeing (default %(default)g)",
    )
    add_controller_option(rp, "the law to replay")


def _add_hil(sub: Any, seed_type: Callable[[str], int]) -> None:
    p = sub.add_parser("hil", help="fly a landing with the controller on a board")
    add_run_arguments(p, seed_type)
    _add_port(p)
    p.add_argument(
        "--mode",
        choices=("lockstep", "realtime"),
        default="lockstep",
        help="lockstep (default): wait for each command; realtime: pace by the clock",
    )
    p.add_argument("--record", type=Path, metavar="FILE", help="record every byte both ways")
    p.add_argument(
        "--reference",
        metavar="NAME",
        help="step this law beside the board on the same frames and compare their commands "
        "(back to back): compiled, reference, or module:Class",
    )
    _add_link_tuning(p, seed_type)


def add_scenario_argument(p: Any, kind: str = "scenario TOML file") -> None:
    """The optional SCENARIO positional of every command that flies one."""
    p.add_argument(
        "scenario",
        nargs="?",
        default="default",
        help=f"{kind} or built-in name (default: %(default)s)",
    )


def add_run_arguments(p: Any, seed_type: Callable[[str], int]) -> None:
    """What `sim` and `hil` share: the scenario, --json, --out, --seed."""
    add_scenario_argument(p)
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    add_out_options(p, "write summary.json, telemetry.csv, scenario.toml and report.html here")
    p.add_argument(
        "--seed",
        type=seed_type,
        help="override the scenario's seed (with --run: the campaign's seed)",
    )
    p.add_argument(
        "--run",
        type=run_index,
        metavar="K",
        help="fly run K of the scenario's campaign: its dispersions drawn for run K",
    )


def out_folder(text: str) -> Path:
    """An --out folder: a non-empty path."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"invalid folder {text!r}: give a path (. for here)")
    return Path(text)


def add_out_options(p: Any, what: str) -> None:
    """--out DIR and --force, for every command that writes a folder."""
    p.add_argument("--out", type=out_folder, metavar="DIR", help=what)
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty --out: first remove the files this command writes "
        "there (the others are kept)",
    )


def resolve_scenario(args: argparse.Namespace) -> Scenario:
    """The scenario named on the command line, with --seed and --run applied."""
    scenario = load_scenario(args.scenario)
    if args.run is not None:
        seed = scenario.seed if args.seed is None else args.seed
        return dispersed(scenario, seed, args.run)
    return scenario if args.seed is None else scenario.with_seed(args.seed)


MAX_TIMEOUT_S = 60.0
MAX_STALL_AFTER_S = 3600.0
MAX_SPEEDUP = 1000.0
MAX_BOARD_DELAY_S = 60.0


def _add_link_tuning(p: Any, seed_type: Callable[[str], int]) -> None:
    p.add_argument(
        "--timeout",
        type=number("--timeout", 1e-3, MAX_TIMEOUT_S),
        default=0.25,
        metavar="S",
        help="the first wait for an answer and the floor of the adaptive wait, which follows "
        "the round trips measured (default %(default)g)",
    )
    p.add_argument(
        "--retries",
        type=integer("--retries", 0, 100),
        default=3,
        metavar="N",
        help="lockstep: resends at least before a stall (default %(default)s)",
    )
    p.add_argument(
        "--stall-after",
        type=number("--stall-after", 0.1, MAX_STALL_AFTER_S),
        default=DEFAULT_STALL_AFTER_S,
        metavar="S",
        help="lockstep: a step with no command this long after its frame ends the landing "
        "as a stall (default %(default)g)",
    )
    p.add_argument(
        "--speedup",
        type=number("--speedup", 1e-3, MAX_SPEEDUP),
        default=1.0,
        metavar="X",
        help="realtime: simulated seconds per wall second (%(default)g)",
    )
    _add_faults(p, seed_type)


def _add_faults(p: Any, seed_type: Callable[[str], int]) -> None:
    p.add_argument(
        "--fault",
        action="append",
        metavar="NAME=VALUE",
        help="inject a link fault: drop=P flip=P garbage=R delay=S jitter=S dup=P stall=T:D "
        "reset=T unplug=T (repeatable; reset=T accumulates, any other twice is refused)",
    )
    p.add_argument(
        "--fault-seed", type=seed_type, metavar="N", help="seed of the faults (default: scenario)"
    )


def _add_port(p: Any) -> None:
    p.add_argument(
        "--port",
        required=True,
        metavar="URL",
        help="serial device or pyserial URL (socket://host:port, loop://, spy://...)",
    )
    add_baud_option(p)


def add_baud_option(p: Any) -> None:
    """--baud N, for every command that opens a port."""
    p.add_argument(
        "--baud",
        type=baud_rate,
        default=DEFAULT_BAUD,
        metavar="N",
        help="baud rate (default %(default)s)",
    )


def add_controller_option(p: Any, what: str) -> None:
    p.add_argument(
        "--controller",
        default="compiled",
        metavar="NAME",
        help=f"{what}: compiled (default), reference, or module:Class of your own",
    )


def _add_board_options(p: Any) -> None:
    add_controller_option(p, "the law on the board")
    p.add_argument("--name", help="name in HELLO_ACK (default: virtual, or the firmware's)")
    p.add_argument(
        "--delay",
        type=number("--delay", 0.0, MAX_BOARD_DELAY_S),
        default=0.0,
        metavar="S",
        help="add S seconds to every step (a slow board)",
    )
    p.add_argument("--refuse-reset", action="store_true", help="refuse injected resets")
    p.add_argument("--once", action="store_true", help="stop when the first session ends")


def _number(text: str, ok: Callable[[float], bool], need: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not ok(value):
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: need {need}")
    return value


def _nonneg(text: str) -> float:
    return _number(text, lambda v: 0 <= v < float("inf"), "a number >= 0")


def run_index(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"invalid run {text!r}: need an integer >= 0")
    return value


def baud_rate(text: str) -> int:
    """A --baud: a whole number from 50 to 20,000,000."""
    return int(_number(text, lambda v: 50 <= v <= 20_000_000 and v == int(v), "a baud rate"))
