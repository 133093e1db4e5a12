"""The hilander command line.

Exit statuses are in ``exits``: 0 the landing passed, 1 it failed its
limits, 2 bad input, 3 the link failed, 130 interrupted, 141 the output pipe
was closed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from hilander.controller import FlightComputer
from hilander.hil.cli.args import (
    add_controller_option,
    add_link_commands,
    add_run_arguments,
    resolve_scenario,
    run_index,
)
from hilander.hil.cli.boards import (
    run_board,
    run_firmware,
    run_hil,
    run_ports,
    run_replay,
    run_serve,
    version,
)
from hilander.hil.cli.campaign import add_campaign_commands, run_baseline, run_campaign
from hilander.hil.cli.checkboard import add_check_board_command, run_check_board
from hilander.hil.cli.exits import BAD_INPUT, Exit, UsageError, of_verdict
from hilander.hil.cli.memory import add_memory_command, run_memory
from hilander.hil.cli.optimal import add_optimal_command, run_optimal
from hilander.hil.report.files import write_run
from hilander.hil.report.outdir import claim
from hilander.hil.report.text import text_report
from hilander.sim.catalog import FAULTS, lander_scenarios, other_scenarios
from hilander.sim.controllers import desk_factory, flight_computer_factory
from hilander.sim.presets import PRESETS
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import builtin_description

COMMANDS = (
    "sim",
    "scenarios",
    "campaign",
    "baseline",
    "optimal",
    "hil",
    "board",
    "serve",
    "ports",
    "replay",
    "check-board",
)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> Parser:
    parser = Parser(
        prog="hilander",
        description="Hardware-in-the-loop testbed for Mars terminal-descent landing controllers.",
    )
    parser.add_argument("--version", action="version", version=f"hilander {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sim = sub.add_parser("sim", help="fly a landing on the desk simulation")
    add_run_arguments(sim, seed_type)
    add_controller_option(sim, "the flight computer")
    sub.add_parser("scenarios", help="list the landers, the faults of history and the scenarios")
    add_campaign_commands(sub, seed_type)
    add_optimal_command(sub, seed_type, run_index)
    add_memory_command(sub)
    add_link_commands(sub, seed_type)
    add_check_board_command(sub)
    return parser


def seed_type(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid seed {text!r}: need an integer") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"invalid seed {text}: need 0 <= seed < 2**63")
    return value


def flight_computer(name: str) -> FlightComputer | None:
    """None for the compiled loop, else the flight computer named."""
    make = desk_factory(name)
    return None if make is None else make()


def run_sim(args: argparse.Namespace) -> int:
    scenario = resolve_scenario(args)
    fc = flight_computer(args.controller)
    if args.out is not None:
        claim(args.out, "run", args.force)
    landing = fly(scenario, fc, name=args.controller if fc is not None else None)
    summary = summarize(landing)
    if args.out is not None:
        summary = summary.with_files([str(p) for p in write_run(args.out, landing, summary)])
    print(summary.to_json() if args.json else text_report(summary))
    return of_verdict(summary.verdict)


def run_scenarios() -> int:
    print("Landers: `hilander sim NAME` flies the lander's own scenario")
    for preset, scenario in lander_scenarios().items():
        own = "" if scenario == preset else f" (scenario {scenario})"
        print(f"  {preset:<21} {PRESETS[preset]['description']}{own}")
        print(f"  {'':<21} source: {PRESETS[preset]['source']}")
    print("Faults from history: each passes; a naive version of the logic fails it")
    for fault in FAULTS:
        print(f"  {fault.name:<21} {builtin_description(fault.name)}")
        print(f"  {'':<21} source: {fault.source}")
    print("Other scenarios")
    for name in other_scenarios():
        print(f"  {name:<21} {builtin_description(name)}")
    return Exit.PASS


def link_command(args: argparse.Namespace) -> int:
    if args.command == "hil":
        return run_hil(args)
    if args.command == "board":
        if args.firmware:
            virtual_only = [
                flag
                for flag, given in (
                    ("--controller", args.controller != "compiled"),
                    ("--delay", args.delay > 0),
                    ("--refuse-reset", args.refuse_reset),
                    ("--once", args.once),
                )
                if given
            ]
            if virtual_only:
                raise UsageError(f"board --firmware: {', '.join(virtual_only)} apply to --virtual")
            return run_firmware(args)
        if not args.virtual:
            raise UsageError(
                "board: give --virtual (the Cython law on a pty) or --firmware host (the C "
                "firmware); for a real port use 'hilander serve --port URL'"
            )
        return run_board(args, flight_computer_factory(args.controller))
    if args.command == "serve":
        return run_serve(args, flight_computer_factory(args.controller))
    if args.command == "ports":
        return run_ports()
    if args.command == "replay":
        return run_replay(args, flight_computer_factory(args.controller))
    raise UsageError(f"missing command: one of {', '.join(COMMANDS)} (see 'hilander --help')")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        by_name = {  # the commands that need nothing but their arguments
            "sim": run_sim,
            "campaign": run_campaign,
            "baseline": run_baseline,
            "optimal": run_optimal,
            "memory": run_memory,
            "check-board": run_check_board,
        }
        if args.command in by_name:
            return by_name[args.command](args)
        if args.command == "scenarios":
            return run_scenarios()
        return link_command(args)
    except BAD_INPUT as e:
        print(f"hilander: error: {e}", file=sys.stderr)
        return Exit.USAGE
    except KeyboardInterrupt:
        print("hilander: interrupted", file=sys.stderr)
        return Exit.INTERRUPTED
    except BrokenPipeError:
        # the reader went away: say nothing more (Python's own advice for SIGPIPE)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.PIPE


def entry() -> Any:  # pragma: no cover - the console script
    sys.exit(main())
