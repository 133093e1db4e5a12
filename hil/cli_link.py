"""The board commands: ``hil``, ``board``, ``serve``, ``ports``, ``replay``."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from hilander.controller.interface import FlightComputer
from hilander.hil.board import Board, BoardOptions
from hilander.hil.faults import FaultPlan, FaultyTransport, parse_faults
from hilander.hil.firmware import FIRMWARE_BUILDS
from hilander.hil.handshake import HandshakeError
from hilander.hil.link import Link
from hilander.hil.output import to_json, write_run
from hilander.hil.progress import Progress
from hilander.hil.protocol import PROTOCOL_VERSION, SCHEMA_HASH, Mode
from hilander.hil.record import Recorder, read_recording
from hilander.hil.replay import compare_commands, refly
from hilander.hil.report import replay_report, text_report
from hilander.hil.session import RemoteController, SessionOptions, remote_summary
from hilander.hil.transport import PtyPair, Transport, open_port
from hilander.sim.campaign import dispersed
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import Scenario, load_scenario, scenario_to_toml

EXIT_PASS, EXIT_FAIL, EXIT_LINK, EXIT_INTERRUPTED = 0, 1, 3, 130


def run_hil(args: argparse.Namespace) -> int:
    scenario = resolve_scenario(args)
    plan = parse_faults(args.fault or [])
    options = SessionOptions(
        mode=Mode[args.mode.upper()],
        timeout_s=args.timeout,
        retries=args.retries,
        speedup=args.speedup,
        reset_at_s=plan.reset,
    )
    transport: Transport = open_port(args.port, args.baud)
    if plan.on_transport:
        seed = scenario.seed if args.fault_seed is None else args.fault_seed
        transport = FaultyTransport(transport, plan, seed)
    recorder = Recorder(args.record, _header(args, scenario, plan)) if args.record else None
    rc = RemoteController(Link(transport, recorder), options, session_seed=scenario.seed)
    rc.progress = Progress(sys.stderr, args.mode)
    try:
        try:
            rc.reset(scenario.law)
            landing = fly(scenario, rc, name=f"board '{rc.hand.board_name}'")
        finally:
            rc.progress.done()
            rc.close()
            transport.close()
        summary = _hil_summary(landing, rc, args.mode, plan, transport)
        if recorder is not None:
            recorder.summary(summary)
    except HandshakeError as e:
        print(f"hilander: error: {args.port}: {e}", file=sys.stderr)
        return EXIT_LINK
    finally:
        if recorder is not None:
            recorder.close()
    if args.out is not None:
        summary["files"] = [str(p) for p in write_run(args.out, landing, summary)]
    print(to_json(summary) if args.json else text_report(summary, "hil"))
    return _exit_status(summary["verdict"])


def _hil_summary(
    landing: Any, rc: RemoteController, mode: str, plan: FaultPlan, transport: Transport
) -> dict[str, Any]:
    summary = summarize(landing)
    summary["mode"] = mode
    summary["link"] = remote_summary(rc)
    if plan.describe():
        injected = dict(getattr(transport, "counts", {}))
        if plan.reset is not None:
            injected["reset_requested"] = int(rc.reset_requested)
        summary["faults"] = {"plan": plan.describe(), "injected": injected}
    return summary


def _exit_status(verdict: str) -> int:
    return {"pass": EXIT_PASS, "fail": EXIT_FAIL, "interrupted": EXIT_INTERRUPTED}.get(
        verdict, EXIT_LINK
    )


def version() -> str:
    """The installed package's version."""
    try:
        return metadata.version("hilander")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare tree
        return "unknown"


def _header(args: argparse.Namespace, scenario: Scenario, plan: FaultPlan) -> dict[str, Any]:
    return {
        "hilander": version(),
        "protocol_version": PROTOCOL_VERSION,
        "schema_hash": SCHEMA_HASH,
        "scenario": scenario.name,
        "seed": scenario.seed,
        "scenario_toml": scenario_to_toml(scenario),
        "mode": args.mode,
        "port": args.port,
        "baud": args.baud,
        "faults": plan.describe(),
    }


def run_board(args: argparse.Namespace, make: Callable[[], FlightComputer]) -> int:
    pty = PtyPair()
    print(pty.path, flush=True)
    print(
        f"hilander board: virtual board on {pty.path} (protocol v{PROTOCOL_VERSION}, schema "
        f"{SCHEMA_HASH:#010x}); Ctrl-C to stop",
        file=sys.stderr,
        flush=True,
    )
    try:
        return _serve(Board(pty.board_end(), make, _board_options(args)), args.once)
    finally:
        pty.close()


def run_serve(args: argparse.Namespace, make: Callable[[], FlightComputer]) -> int:
    transport = open_port(args.port, args.baud)
    print(f"hilander serve: the law answers on {args.port}; Ctrl-C to stop", file=sys.stderr)
    try:
        return _serve(Board(transport, make, _board_options(args)), args.once)
    finally:
        transport.close()


def _board_options(args: argparse.Namespace) -> BoardOptions:
    name = args.name or "virtual"
    return BoardOptions(name=name, step_delay_s=args.delay, honour_reset=not args.refuse_reset)


def _serve(board: Board, once: bool) -> int:
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        board.serve(stop, until_goodbye=once)
    c = board.link.counters()
    print(
        f"hilander board: stopped after {board.sessions} session(s), {c['frames_received']} "
        f"frames received, {c['crc_errors']} CRC errors, {c['resyncs']} resyncs, "
        f"{board.resets} injected resets",
        file=sys.stderr,
    )
    return EXIT_PASS


def run_ports() -> int:
    from serial.tools import list_ports  # noqa: PLC0415 - only this command needs it

    ports = sorted(list_ports.comports(), key=lambda p: p.device)
    if not ports:
        print("no serial ports found (a virtual board: hilander board --virtual)")
    for p in ports:
        print(f"{p.device:<24} {p.description or '-'}  [{p.hwid or '-'}]")
    return EXIT_PASS


def run_replay(args: argparse.Namespace, make: Callable[[], FlightComputer]) -> int:
    recording = read_recording(args.file)
    report: dict[str, Any] = {
        "recording": str(args.file),
        "scenario": recording.header.get("scenario"),
        "seed": recording.header.get("seed"),
        "schema_hash": recording.header.get("schema_hash"),
        "truncated": recording.truncated,
        "back_to_back": compare_commands(recording, make, args.tolerance),
    }
    if args.refly:
        report["refly"] = refly(recording)
    print(to_json(report) if args.json else replay_report(report))
    return EXIT_FAIL if report["back_to_back"]["verdict"] == "different" else EXIT_PASS


def add_link_commands(sub: Any, seed_type: Callable[[str], int]) -> None:
    """The subcommands of this module, on the main parser's subparsers."""
    _add_hil(sub, seed_type)
    board = sub.add_parser("board", help="run a board on a pty: the Cython law or the C firmware")
    which = board.add_mutually_exclusive_group()
    which.add_argument("--virtual", action="store_true", help="the Cython law on a pty")
    which.add_argument(
        "--firmware",
        choices=tuple(FIRMWARE_BUILDS),
        help="the C firmware on a pty (built with make if needed)",
    )
    board.add_argument(
        "--firmware-dir",
        type=Path,
        metavar="DIR",
        help="firmware_stub/ of a clone (default: found from here)",
    )
    _add_board_options(board)
    serve = sub.add_parser("serve", help="answer a serial-attached world with the law")
    _add_port(serve)
    _add_board_options(serve)
    sub.add_parser("ports", help="list serial ports")
    _add_replay(sub)


def _add_replay(sub: Any) -> None:
    rp = sub.add_parser("replay", help="replay a recording: the law against the board")
    rp.add_argument("file", type=Path, help="a file written by 'hilander hil --record'")
    rp.add_argument("--json", action="store_true", help="the report as one JSON object")
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
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write summary.json, telemetry.csv and scenario.toml here",
    )
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


def resolve_scenario(args: argparse.Namespace) -> Scenario:
    """The scenario named on the command line, with --seed and --run applied."""
    scenario = load_scenario(args.scenario)
    if args.run is not None:
        seed = scenario.seed if args.seed is None else args.seed
        return dispersed(scenario, seed, args.run)
    return scenario if args.seed is None else scenario.with_seed(args.seed)


def _add_link_tuning(p: Any, seed_type: Callable[[str], int]) -> None:
    p.add_argument(
        "--timeout",
        type=_positive,
        default=0.25,
        metavar="S",
        help="lockstep: wait this long for a command before resending (%(default)g)",
    )
    p.add_argument(
        "--retries",
        type=_count,
        default=3,
        metavar="N",
        help="lockstep: resends before the stall verdict (%(default)s)",
    )
    p.add_argument(
        "--speedup",
        type=_positive,
        default=1.0,
        metavar="X",
        help="realtime: simulated seconds per wall second (%(default)g)",
    )
    p.add_argument(
        "--fault",
        action="append",
        metavar="NAME=VALUE",
        help="inject a link fault (repeatable): drop=P flip=P garbage=R delay=S "
        "jitter=S dup=P stall=T:D reset=T unplug=T",
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
    p.add_argument(
        "--baud", type=_baud, default=921600, metavar="N", help="baud rate (default %(default)s)"
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
        type=_nonneg,
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


def _positive(text: str) -> float:
    return _number(text, lambda v: 0 < v < float("inf"), "a number > 0")


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


def _count(text: str) -> int:
    return int(_number(text, lambda v: v == int(v) and 0 <= v <= 100, "an integer 0..100"))


def _baud(text: str) -> int:
    return int(_number(text, lambda v: v == int(v) and 50 <= v <= 20_000_000, "a baud rate"))
