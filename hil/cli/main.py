"""The hilander command line.

Exit statuses are in ``exits``: 0 the landing passed, 1 it failed its
limits, 2 bad input, 3 the link failed, 130 interrupted, 141 the output pipe
was closed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import Any, NoReturn

from hilander import __version__
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
)
from hilander.hil.cli.campaign import add_campaign_commands, run_baseline, run_campaign
from hilander.hil.cli.checkboard import add_check_board_command, run_check_board
from hilander.hil.cli.exits import BAD_INPUT, Exit, UsageError, of_verdict
from hilander.hil.cli.export import add_export_command, run_export
from hilander.hil.cli.memory import add_memory_command, run_memory
from hilander.hil.cli.optimal import add_optimal_command, run_optimal
from hilander.hil.cli.output import add_output_options, configured, paint, verbosity
from hilander.hil.report.files import write_run
from hilander.hil.report.outdir import claim
from hilander.hil.report.text import text_report
from hilander.sim.catalog import FAULTS, lander_scenarios, other_scenarios
from hilander.sim.controllers import desk_factory, flight_computer_factory
from hilander.sim.presets import PRESETS
from hilander.sim.records import to_json
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


log = logging.getLogger(__name__)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


class CommandParser(Parser):
    """A command's parser: the global -q and -v are taken after the command too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_output_options(self, "after")


def build_parser() -> Parser:
    parser = Parser(
        prog="hilander",
        description="Hardware-in-the-loop testbed for Mars terminal-descent landing controllers.",
    )
    parser.add_argument("--version", action="version", version=f"hilander {__version__}")
    add_output_options(parser, "before")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    sim = sub.add_parser("sim", help="fly a landing on the desk simulation")
    add_run_arguments(sim, seed_type)
    add_controller_option(sim, "the flight computer")
    scenarios = sub.add_parser(
        "scenarios", help="list the landers, the faults of history and the scenarios"
    )
    scenarios.add_argument("--json", action="store_true", help="the list as one JSON object")
    add_campaign_commands(sub, seed_type)
    add_optimal_command(sub, seed_type, run_index)
    add_memory_command(sub)
    add_link_commands(sub, seed_type)
    add_check_board_command(sub)
    add_export_command(sub)
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
    start = time.perf_counter()
    scenario = resolve_scenario(args)
    fc = flight_computer(args.controller)
    log.info("scenario %s (%s): loaded in %.3f s", scenario.name, scenario.source, _since(start))
    if args.out is not None:
        claim(args.out, "run", args.force)
    start = time.perf_counter()
    landing = fly(scenario, fc, name=args.controller if fc is not None else None)
    summary = summarize(landing)
    log.info("flown by the %s law in %.3f s", args.controller, _since(start))
    if args.out is not None:
        start = time.perf_counter()
        summary = summary.with_files([str(p) for p in write_run(args.out, landing, summary)])
        log.info(
            "wrote %d files in %s in %.3f s", len(summary.files or ()), args.out, _since(start)
        )
    print(summary.to_json() if args.json else paint(text_report(summary)))
    return of_verdict(summary.verdict)


def _since(start: float) -> float:
    return time.perf_counter() - start


def run_scenarios(args: argparse.Namespace) -> int:
    if args.json:
        print(to_json(scenarios_list()))
        return Exit.PASS
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


def scenarios_list() -> dict[str, Any]:
    """What ``hilander scenarios`` lists, as ``scenarios --json`` prints it."""
    return {
        "landers": [
            {
                "preset": preset,
                "scenario": scenario,
                "description": PRESETS[preset]["description"],
                "source": PRESETS[preset]["source"],
            }
            for preset, scenario in lander_scenarios().items()
        ],
        "faults": [
            {"name": f.name, "description": builtin_description(f.name), "source": f.source}
            for f in FAULTS
        ],
        "scenarios": [
            {"name": name, "description": builtin_description(name)} for name in other_scenarios()
        ],
    }


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
        return run_ports(args)
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
            "export": run_export,
        }
        with configured(*_verbosity(args)):
            if args.command in by_name:
                return by_name[args.command](args)
            if args.command == "scenarios":
                return run_scenarios(args)
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


def _verbosity(args: argparse.Namespace) -> tuple[int, bool]:
    """-v count and -q, from before and after the command; not both."""
    verbose, quiet = verbosity(args)
    if verbose and quiet:
        raise UsageError("-q (quiet) and -v (verbose): give one of them")
    return verbose, quiet


def entry() -> Any:  # pragma: no cover - the console script
    sys.exit(main())
