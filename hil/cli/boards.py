"""The board commands: ``hil``, ``board``, ``serve``, ``ports``, ``replay``."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from hilander import __version__
from hilander.controller.interface import FlightComputer
from hilander.hil.analysis.backtoback import Shadowed
from hilander.hil.analysis.replay import WireRounded, compare, refly, replay_summary
from hilander.hil.board.board import Board, BoardOptions
from hilander.hil.board.firmware import firmware_dir
from hilander.hil.board.start import start_board
from hilander.hil.cli.args import resolve_scenario
from hilander.hil.cli.exits import Exit, of_verdict
from hilander.hil.cli.output import paint, progress_stream, quiet
from hilander.hil.cli.progress import Progress
from hilander.hil.link.faults import FaultPlan, parse_faults
from hilander.hil.link.record import read_recording
from hilander.hil.link.transport import LinkLost, PtyPair, open_port
from hilander.hil.report.files import (
    TelemetryStream,
    back_to_back_csv,
    write_files,
    write_report,
    write_run,
)
from hilander.hil.report.outdir import claim
from hilander.hil.report.pages import replay_html_report
from hilander.hil.report.text import replay_report, text_report
from hilander.hil.session import (
    BoardSummary,
    FaultSetting,
    RecordTo,
    SessionOptions,
    open_board,
)
from hilander.hil.session.handshake import HandshakeError
from hilander.hil.session.linkstats import LinkStats
from hilander.hil.wire.protocol import PROTOCOL_VERSION, SCHEMA_HASH, Mode
from hilander.sim.controllers import flight_computer_factory
from hilander.sim.records import to_json
from hilander.sim.run import Landing
from hilander.sim.scenario import Scenario, scenario_to_toml

log = logging.getLogger(__name__)


def run_hil(args: argparse.Namespace) -> int:
    scenario = resolve_scenario(args)
    plan = parse_faults(args.fault or [])
    if args.out is not None:
        claim(args.out, "run", args.force)
    try:
        landing, summary, stats, shadow = _fly_on_board(args, scenario, plan)
    except HandshakeError as e:
        print(f"hilander: error: {args.port}: {e}", file=sys.stderr)
        return Exit.LINK
    if args.out is not None:
        tally = None if shadow is None else shadow.compared
        files = write_run(args.out, landing, summary, stats, tally)
        summary = summary.with_files([str(p) for p in files])
    print(summary.to_json() if args.json else paint(text_report(summary)))
    return of_verdict(summary.verdict, Exit.LINK)


def _fly_on_board(
    args: argparse.Namespace, scenario: Scenario, plan: FaultPlan
) -> tuple[Landing, BoardSummary, LinkStats, Shadowed | None]:
    """The landing with the board at --port, beside --reference if given,
    recorded with --record."""
    reference = (
        None if args.reference is None else flight_computer_factory(args.reference, "--reference")
    )
    faults = FaultSetting(plan, scenario.seed if args.fault_seed is None else args.fault_seed)
    record = RecordTo(args.record, _header(args, scenario, plan)) if args.record else None
    progress = Progress(progress_stream(), args.mode, scenario.initial.position_m[2])
    with open_board(
        args.port,
        _session_options(args),
        baud=args.baud,
        seed=scenario.seed,
        faults=faults,
        record=record,
    ) as board:
        board.controller.progress = progress
        shadow = None
        if reference is not None:
            shadow = Shadowed(board.controller, lambda: WireRounded(reference()))
        stream = None if args.out is None else TelemetryStream(args.out)
        try:
            landing = board.fly(scenario, shadow, stream)
        finally:
            progress.done()
            if stream is not None:
                stream.close()
        summary = board.summary(landing)  # GOODBYE first: the recording keeps the summary
        if shadow is not None:
            compared = {"reference": args.reference, **shadow.compared.summary()}
            summary = dataclasses.replace(summary, back_to_back=compared)
        board.record(summary)
    return landing, summary, board.controller.stats, shadow


def _session_options(args: argparse.Namespace) -> SessionOptions:
    return SessionOptions(
        mode=Mode[args.mode.upper()],
        timeout_s=args.timeout,
        retries=args.retries,
        speedup=args.speedup,
        stall_after_s=args.stall_after,
    )


def _header(args: argparse.Namespace, scenario: Scenario, plan: FaultPlan) -> dict[str, Any]:
    return {
        "hilander": __version__,
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
    _banner(
        f"hilander board: virtual board on {pty.path} (protocol v{PROTOCOL_VERSION}, schema "
        f"{SCHEMA_HASH:#010x}); Ctrl-C to stop"
    )
    try:
        return _serve(Board(pty.board_end(), make, _board_options(args)), args.once)
    finally:
        pty.close()


def run_serve(args: argparse.Namespace, make: Callable[[], FlightComputer]) -> int:
    transport = open_port(args.port, args.baud)
    _banner(f"hilander serve: the law answers on {args.port}; Ctrl-C to stop")
    try:
        return _serve(Board(transport, make, _board_options(args)), args.once)
    finally:
        transport.close()


def _banner(line: str) -> None:
    """What a waiting board says on stderr (not with -q)."""
    if not quiet():
        print(line, file=sys.stderr, flush=True)


def _board_options(args: argparse.Namespace) -> BoardOptions:
    name = args.name or "virtual"
    return BoardOptions(name=name, step_delay_s=args.delay, honour_reset=not args.refuse_reset)


def _serve(board: Board, once: bool) -> int:
    stop, code = threading.Event(), Exit.PASS
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        board.serve(stop, until_goodbye=once)
    except KeyboardInterrupt:
        pass
    except LinkLost as e:  # the port went away: say so, keep the tally below
        print(f"hilander board: error: {e}", file=sys.stderr)
        code = Exit.LINK
    c = board.link.counters()
    print(
        f"hilander board: stopped after {board.sessions} session(s), {c['frames_received']} "
        f"frames received, {c['crc_errors']} CRC errors, {c['resyncs']} resyncs, "
        f"{board.resets} injected resets, {board.write_timeouts} frames the world did not read",
        file=sys.stderr,
    )
    return code


def run_firmware(args: argparse.Namespace) -> int:
    """Build the C firmware if needed, start it, print its port, wait."""
    folder = firmware_dir(args.firmware_dir)
    log.info("firmware %s from %s", args.firmware, folder)
    board = start_board(args.firmware, firmware_dir=folder, label=args.name)
    assert board.process is not None
    log.info("firmware %s running as process %d on %s", args.firmware, board.process.pid, board.url)
    print(board.url, flush=True)
    _banner(f"hilander board: {args.firmware} firmware on {board.url}; Ctrl-C to stop")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        board.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        board.stop()
    return Exit.PASS


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def run_ports(args: argparse.Namespace) -> int:
    from serial.tools import list_ports  # noqa: PLC0415 - only this command needs it

    ports = sorted(list_ports.comports(), key=lambda p: p.device)
    if args.json:
        listed = [{"device": p.device, "description": p.description, "hwid": p.hwid} for p in ports]
        print(to_json({"ports": listed}))
        return Exit.PASS
    if not ports:
        print("no serial ports found (a virtual board: hilander board --virtual)")
    for p in ports:
        print(f"{p.device:<24} {p.description or '-'}  [{p.hwid or '-'}]")
    return Exit.PASS


def run_replay(args: argparse.Namespace, make: Callable[[], FlightComputer]) -> int:
    recording = read_recording(args.file)
    if args.out is not None:
        claim(args.out, "replay", args.force)
    compared = compare(recording, make, args.tolerance)
    report = replay_summary(str(args.file), recording, compared)
    if args.refly:
        report["refly"] = refly(recording)
    if args.out is not None:
        data = {"back_to_back.csv": back_to_back_csv(compared.tally)}
        files = write_files(args.out, data) + write_report(
            args.out,
            lambda: replay_html_report(
                report, compared.tally, recording.header.get("scenario_toml")
            ),
        )
        report["files"] = [str(p) for p in [*files, args.out / "summary.json"]]
        write_files(args.out, {"summary.json": to_json(report) + "\n"})
        log.info("wrote %d files in %s", len(report["files"]), args.out)
    print(to_json(report) if args.json else paint(replay_report(report)))
    failed = report["back_to_back"]["verdict"] in ("different", "not_compared")
    return Exit.FAIL if failed else Exit.PASS
