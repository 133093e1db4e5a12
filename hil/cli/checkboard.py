"""``hilander check-board URL``: the protocol conformance suite against a
board (hil/conformance/), as a table and a verdict, or as one JSON object.

Exit 0 when no case failed (a case skipped because the board does not offer
its optional capability is no failure), 1 when one did, 3 (the link's) when
the board never answers HELLO, 2 for bad arguments or a port that cannot be
opened (as every command).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any

from hilander.hil.cli.args import add_baud_option
from hilander.hil.cli.argtypes import number
from hilander.hil.cli.exits import Exit, UsageError
from hilander.hil.cli.output import quiet
from hilander.hil.conformance import (
    BoardSilent,
    Case,
    CaseNameError,
    CaseResult,
    SuiteResult,
    Timing,
    run_suite,
    select,
)
from hilander.hil.link.transport import LinkLost, open_port

DEFAULT_WAIT_S = 3.0
MIN_WAIT_S = 2.0
MAX_WAIT_S = 120.0
WIDTH = 100
INDENT = "    "


def add_check_board_command(sub: Any) -> None:
    p = sub.add_parser(
        "check-board",
        help="run the protocol conformance suite against a board (docs/conformance.md)",
    )
    p.add_argument(
        "url",
        nargs="?",
        metavar="URL",
        help="the board: a serial device or pyserial URL (socket://host:port, ...)",
    )
    p.add_argument(
        "--case",
        action="append",
        metavar="NAME",
        help="run this case only (repeatable; --list names them)",
    )
    p.add_argument("--list", action="store_true", help="list the cases and the rules they check")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument(
        "--timeout",
        type=number("--timeout", MIN_WAIT_S, MAX_WAIT_S),
        default=DEFAULT_WAIT_S,
        metavar="S",
        help="how long to wait for an answer the protocol requires (default %(default)g, "
        f"at least {MIN_WAIT_S:g}); silence is judged behind a frame the board must answer",
    )
    add_baud_option(p)


def run_check_board(args: argparse.Namespace) -> int:
    try:
        cases = select(args.case)
    except CaseNameError as e:
        raise UsageError(f"check-board: {e}") from None
    if args.list:
        print(json.dumps([_listed(c) for c in cases], indent=2) if args.json else list_text(cases))
        return Exit.PASS
    if args.url is None:
        raise UsageError("check-board: give the board's URL (a device or pyserial URL), or --list")
    transport = open_port(args.url, args.baud)  # PortError: bad input, exit 2
    progress = None if args.json or quiet() or not sys.stderr.isatty() else _progress
    try:
        result = run_suite(transport, cases, Timing(wait_s=args.timeout), progress)
    except (BoardSilent, LinkLost) as e:  # no session at all, or the port went away
        print(f"hilander: error: {e}", file=sys.stderr)
        return Exit.LINK
    finally:
        transport.close()
    print(json.dumps(result.to_dict(), indent=2) if args.json else table(result))
    return Exit.PASS if result.verdict == "pass" else Exit.FAIL


def _progress(r: CaseResult) -> None:
    print(f"check-board: {r.case.name} {r.outcome} ({r.duration_s:.1f} s)", file=sys.stderr)


def _listed(c: Case) -> dict[str, Any]:
    needs = c.needs.name if c.needs is not None else None
    return {"name": c.name, "rule": c.rule, "requirement": c.requirement, "needs": needs}


def _kind(c: Case) -> str:
    return "required" if c.needs is None else f"optional ({c.needs.name})"


def list_text(cases: tuple[Case, ...]) -> str:
    lines = [f"{'case':<24}{'':<24}rule"]
    for c in cases:
        lines.append(f"{c.name:<24}{_kind(c):<24}{c.rule}")
        lines += _wrapped(c.requirement, INDENT + "requires: ")
    return "\n".join(lines)


def table(result: SuiteResult) -> str:
    """A row a case (name, required or optional, outcome, the rule), then
    what the spec requires and what the board did; the verdict last."""
    lines = [f"{'case':<24}{'':<24}{'outcome':<8}rule"]
    for r in result.results:
        c = r.case
        lines.append(f"{c.name:<24}{_kind(c):<24}{r.outcome:<8}{c.rule}")
        lines += _wrapped(c.requirement, INDENT + "requires: ")
        lines += _wrapped(r.observed, INDENT + "board:    ")
    return "\n".join([*lines, "", verdict_line(result)])


def _wrapped(text: str, first: str) -> list[str]:
    rest = " " * len(first)
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest)


def verdict_line(result: SuiteResult) -> str:
    n = result.counts
    failed = [r.case.name for r in result.results if r.outcome == "fail"]
    what = f": {', '.join(failed)} failed" if failed else ""
    return (
        f"check-board: {result.verdict.upper()}{what} ({n['pass']} passed, {n['fail']} failed, "
        f"{n['skip']} skipped) in {result.duration_s:.1f} s; board {result.board_name!r} "
        f"on {result.port}"
    )
