"""The board commands: ``hil``, ``board``, ``serve``, ``ports``, ``replay``."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Callable
from importlib import metadata
from typing import Any

from hilander.controller.interface import FlightComputer
from hilander.hil.backtoback import Shadowed
from hilander.hil.board import Board, BoardOptions
from hilander.hil.cli_args import resolve_scenario
from hilander.hil.controllers import flight_computer_factory
from hilander.hil.faults import FaultPlan, FaultyTransport, parse_faults
from hilander.hil.handshake import HandshakeError
from hilander.hil.link import Link
from hilander.hil.output import back_to_back_csv, to_json, write_files, write_report, write_run
from hilander.hil.progress import Progress
from hilander.hil.protocol import PROTOCOL_VERSION, SCHEMA_HASH, Mode
from hilander.hil.record import Recorder, read_recording
from hilander.hil.replay import WireRounded, compare, refly
from hilander.hil.report import replay_report, text_report
from hilander.hil.reports import replay_html_report
from hilander.hil.session import RemoteController, SessionOptions, remote_summary
from hilander.hil.transport import PtyPair, Transport, open_port
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import Scenario, scenario_to_toml

EXIT_PASS, EXIT_FAIL, EXIT_LINK, EXIT_INTERRUPTED = 0, 1, 3, 130


def run_hil(args: argparse.Namespace) -> int:
    scenario = resolve_scenario(args)
    plan = parse_faults(args.fault or [])
    reference = (
        None if args.reference is None else flight_computer_factory(args.reference, "--reference")
    )
    options = _session_options(args, plan)
    transport: Transport = open_port(args.port, args.baud)
    if plan.on_transport:
        seed = scenario.seed if args.fault_seed is None else args.fault_seed
        transport = FaultyTransport(transport, plan, seed)
    recorder = Recorder(args.record, _header(args, scenario, plan)) if args.record else None
    rc = RemoteController(Link(transport, recorder), options, session_seed=scenario.seed)
    rc.progress = Progress(sys.stderr, args.mode, scenario.initial.position_m[2])
    shadow = None if reference is None else Shadowed(rc, lambda: WireRounded(reference()))
    try:
        try:
            rc.reset(scenario.law)
            landing = fly(scenario, shadow or rc, name=f"board '{rc.hand.board_name}'")
        finally:
            rc.progress.done()
            rc.close()
            transport.close()
        summary = _hil_summary(landing, rc, args.mode, plan, transport)
        if shadow is not None:
            summary["back_to_back"] = {"reference": args.reference, **shadow.compared.summary()}
        if recorder is not None:
            recorder.summary(summary)
    except HandshakeError as e:
        print(f"hilander: error: {args.port}: {e}", file=sys.stderr)
        return EXIT_LINK
    finally:
        if recorder is not None:
            recorder.close()
    if args.out is not None:
        tally = None if shadow is None else shadow.compared
        files = write_run(args.out, landing, summary, rc.stats, tally)
        summary["files"] = [str(p) for p in files]
    print(to_json(summary) if args.json else text_report(summary, "hil"))
    return _exit_status(summary["verdict"])


def _session_options(args: argparse.Namespace, plan: FaultPlan) -> SessionOptions:
    return SessionOptions(
        mode=Mode[args.mode.upper()],
        timeout_s=args.timeout,
        retries=args.retries,
        speedup=args.speedup,
        reset_at_s=plan.reset,
    )


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
    compared = compare(recording, make, args.tolerance)
    report: dict[str, Any] = {
        "recording": str(args.file),
        "scenario": recording.header.get("scenario"),
        "seed": recording.header.get("seed"),
        "schema_hash": recording.header.get("schema_hash"),
        "truncated": recording.truncated,
        "back_to_back": compared.summary(),
    }
    if args.refly:
        report["refly"] = refly(recording)
    if args.out is not None:
        data = {"back_to_back.csv": back_to_back_csv(compared.tally)}
        files = write_files(args.out, data) + write_report(
            args.out, lambda: replay_html_report(report, compared.tally)
        )
        report["files"] = [str(p) for p in files]
    print(to_json(report) if args.json else replay_report(report))
    failed = report["back_to_back"]["verdict"] in ("different", "not_compared")
    return EXIT_FAIL if failed else EXIT_PASS
