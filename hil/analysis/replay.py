"""Replaying a recording: the Cython law back-to-back against the board.

The recorded sensor frames (as the host sent them, decoded from the raw bytes)
are fed to the law configured by the recorded PARAMS; its commands, rounded
as the wire rounds them, are compared with the board's. ``refly`` flies the
recorded scenario and seed again on the desk, through ``WireRounded``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hilander.controller.config import LawConfig
from hilander.controller.interface import Command, FlightComputer, SensorFrame
from hilander.controller.law import CompiledLaw
from hilander.hil.analysis.backtoback import BackToBack
from hilander.hil.link.record import RX, TX, Recording, RecordingError
from hilander.hil.wire.codec import Decoder, Packet, wire_round
from hilander.hil.wire.mapxfer import MapAssembler
from hilander.hil.wire.params import config_from_params
from hilander.hil.wire.protocol import (
    HazardMapBegin,
    HazardMapChunk,
    HazardMapEnd,
    Hello,
    Params,
    params_message,
)
from hilander.sim.result import summarize
from hilander.sim.run import fly
from hilander.sim.scenario import parse_scenario


class WireRounded:
    """A flight computer seen through the wire: its configuration, frames and
    commands rounded exactly as the codec rounds them. A lockstep landing
    through a virtual board equals a desk landing with this, bit for bit."""

    def __init__(self, inner: FlightComputer | None = None) -> None:
        self.inner = inner or CompiledLaw()

    def reset(self, config: object) -> None:
        if not isinstance(config, LawConfig):
            raise TypeError("WireRounded.reset needs a LawConfig")
        self.inner.reset(config_from_params(wire_round(params_message(config))))

    def step(self, frame: SensorFrame) -> Command:
        sent = wire_round(frame)
        sent.hazard_map = frame.hazard_map if frame.hazard_map_ready else None
        return wire_round(self.inner.step(sent))  # type: ignore[no-any-return]


def _packets(recording: Recording) -> list[tuple[bytes, Packet]]:
    """Every packet both ways, in the order the host wrote or read its bytes."""
    decoders = {TX: Decoder(), RX: Decoder()}
    out: list[tuple[bytes, Packet]] = []
    for kind, _, data in recording.records:
        if kind in decoders:
            out.extend((kind, p) for p in decoders[kind].feed(data))
    return out


class _Replayer:
    def __init__(self, make: Callable[[], FlightComputer]) -> None:
        self.make = make
        self.fc: FlightComputer | None = None
        self.maps = MapAssembler()
        self.session = 0
        self.sessions = 0
        self.ours: dict[tuple[int, int], tuple[float, Command]] = {}
        self.board: dict[tuple[int, int], Command] = {}

    def host_sent(self, p: Packet) -> None:
        msg = p.msg
        if isinstance(msg, Hello):
            self.session, self.fc, self.maps = p.session_id, None, MapAssembler()
            self.sessions += 1
        elif isinstance(msg, Params):
            self.fc = self.make()
            self.fc.reset(config_from_params(msg))
        elif isinstance(msg, HazardMapBegin):
            self.maps.start(msg)
        elif isinstance(msg, HazardMapChunk):
            self.maps.add(msg)
        elif isinstance(msg, HazardMapEnd):
            self.maps.end(msg)
        elif isinstance(msg, SensorFrame) and self.fc is not None:
            key = (self.session, msg.step)
            if key not in self.ours:
                msg.hazard_map = self.maps.complete if msg.hazard_map_ready else None
                self.ours[key] = (msg.time_s, wire_round(self.fc.step(msg)))

    def board_sent(self, p: Packet) -> None:
        if isinstance(p.msg, Command):
            self.board.setdefault((p.session_id, p.msg.step), p.msg)


def compare_commands(
    recording: Recording,
    make: Callable[[], FlightComputer] = CompiledLaw,
    tolerance: float = 1e-3,
) -> dict[str, Any]:
    """The ``back_to_back`` object of the replay summary."""
    return compare(recording, make, tolerance).summary()


def compare(
    recording: Recording,
    make: Callable[[], FlightComputer] = CompiledLaw,
    tolerance: float = 1e-3,
) -> ReplayComparison:
    """The law fed the recorded frames, its commands beside the board's."""
    r = _Replayer(make)
    for kind, packet in _packets(recording):
        (r.host_sent if kind == TX else r.board_sent)(packet)
    tally = BackToBack(tolerance)
    for key in sorted(set(r.ours) & set(r.board)):
        time_s, ours = r.ours[key]
        tally.add(key, time_s, ours, r.board[key])
    tally.unanswered = len(set(r.ours) - set(r.board))
    return ReplayComparison(r.sessions, len(r.ours), tally)


@dataclass
class ReplayComparison:
    sessions: int
    frames: int
    tally: BackToBack

    def summary(self) -> dict[str, Any]:
        return {"sessions": self.sessions, "frames": self.frames, **self.tally.summary()}


def replay_summary(source: str, recording: Recording, compared: ReplayComparison) -> dict[str, Any]:
    """What ``hilander replay --json`` prints and ``--out`` keeps as
    summary.json: the recording, its header's scenario, and the comparison."""
    return {
        "recording": source,
        "scenario": recording.header.get("scenario"),
        "seed": recording.header.get("seed"),
        "schema_hash": recording.header.get("schema_hash"),
        "truncated": recording.truncated,
        "back_to_back": compared.summary(),
    }


def refly(recording: Recording) -> dict[str, Any]:
    """The recorded scenario flown again on the desk, through WireRounded."""
    h = recording.header
    if "scenario_toml" not in h:
        raise RecordingError("the recording's header has no scenario_toml to fly again")
    scenario = parse_scenario(h["scenario_toml"], f"{h.get('scenario', 'recording')} (recorded)")
    summary = summarize(fly(scenario, WireRounded(), name="compiled (wire-rounded)"))
    recorded = recording.summary
    touchdown = None if summary.touchdown is None else summary.touchdown.to_dict()
    out: dict[str, Any] = {
        "verdict": summary.verdict,
        "touchdown": touchdown,
        "recorded_faults": h.get("faults", []),
    }
    if recorded is not None:
        out["recorded_verdict"] = recorded.get("verdict")
        out["same_touchdown"] = recorded.get("touchdown") == touchdown
    return out
