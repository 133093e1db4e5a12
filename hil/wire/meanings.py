"""What every number on the wire means, for the spec (docs/protocol.md).

The enumerations live in the code (``hilander.hil.wire.messages`` and, for
the law's own, ``hilander.controller.interface``); this table says what each
value means to a board or a world, and docs/protocol.md prints it (generated).
A test checks that every member of every enumeration has its line here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from hilander.controller.interface import Event, Phase, Status
from hilander.hil.wire.messages import (
    AckStatus,
    Capability,
    CostUnit,
    FaultCode,
    InjectKind,
    Mode,
)

ACK_STATUS = {
    AckStatus.OK: "done: the session opened, the request was taken",
    AckStatus.VERSION_MISMATCH: "HELLO_ACK: the board speaks another protocol version "
    "(its HELLO_ACK is in its own version)",
    AckStatus.SCHEMA_MISMATCH: "HELLO_ACK: the same version, another schema "
    "(the board's hash in `schema_hash`)",
    AckStatus.UNSUPPORTED: "the board does not offer this: a mode in HELLO, a FAULT_INJECT "
    "kind, a message a board does not take",
    AckStatus.INVALID: "the content breaks a rule: HELLO with session id 0 or a rate that is "
    "not a positive number; PARAMS (detail: the field's index); a map BEGIN or CHUNK",
    AckStatus.INCOMPLETE: "HAZARD_MAP_END: the map did not arrive whole (detail: cells missing)",
    AckStatus.NO_SESSION: "reserved (a board outside a session answers FAULT NO_SESSION)",
}
FAULT_CODE = {
    FaultCode.NO_SESSION: "a frame that needs a session came outside one: sent in that "
    "frame's session id (the board rebooted, or the session ended)",
    FaultCode.MAP_INCOMPLETE: "a SENSOR_FRAME said `hazard_map_ready` but no whole map came: "
    "the step is flown without one",
    FaultCode.PARAMS_INVALID: "PARAMS broke a rule; the text starts with the field's name",
    FaultCode.OVERRUN: "a step did not finish inside its period",
    FaultCode.INTERNAL: "the sender's own error",
    FaultCode.UNEXPECTED: "a message that makes no sense in this state (a SENSOR_FRAME "
    "before PARAMS)",
}
CAPABILITY = {
    Capability.LOCKSTEP: "lockstep mode: the world waits for each command",
    Capability.REALTIME: "real-time mode: the world's clock paces the frames",
    Capability.HAZARD_MAP: "takes hazard maps",
    Capability.INJECT_RESET: "reboots on FAULT_INJECT RESET",
    Capability.TEXT: "may send TEXT lines",
    Capability.HEARTBEAT: "sends a HEARTBEAT a second in a session",
    Capability.VIRTUAL_TIME: "its clock counts its own instructions (an emulator under "
    "-icount): the world judges real-time deadlines by `compute_time_us`",
}
MODE = {
    Mode.LOCKSTEP: "lockstep: a frame, its command, the next frame",
    Mode.REALTIME: "real time: frames at the control rate, commands by the next tick",
}
INJECT_KIND = {InjectKind.RESET: "reboot now: forget the session, the parameters, the law"}
COST_UNIT = {
    CostUnit.NONE: "not counted (`compute_instructions` is 0)",
    CostUnit.INSTRUCTIONS: "executed instructions (an emulator under -icount)",
    CostUnit.CYCLES: "core clock cycles (DWT CYCCNT on silicon)",
}
PHASE = {
    Phase.POWERED_APPROACH: "guided to the approach gate over the site",
    Phase.DIVERT: "a site chosen from the hazard map: guided to the gate over it",
    Phase.CONSTANT_VELOCITY: "from the handover, down over the site at a constant deceleration",
    Phase.SKY_CRANE: "the rover lowered on its bridle, descending slowly",
    Phase.TOUCHDOWN_DETECTION: "a touchdown is plausible: the law watches for it",
    Phase.TETHER_CUT: "touchdown declared: the bridle is cut",
    Phase.FLYAWAY: "after the cut: the descent stage climbs, tilts away, burns, cuts off",
    Phase.LANDED: "on the ground (a legged lander, engines off; airbags at rest)",
    Phase.HOVER: "hovering at the gate to map the ground and pick a site",
    Phase.PARACHUTE: "airbags: on the parachute before the rockets fire",
    Phase.RAD_BURN: "airbags: the rocket-assisted deceleration burn",
}
EVENT = {
    Event.SITE_SELECTED: "a landing site was chosen from the hazard map",
    Event.ROVER_RELEASE: "the rover was let go on its bridle",
    Event.TOUCHDOWN_DECLARED: "the law declared touchdown",
    Event.TETHER_CUT: "the bridle to the rover was cut (sky crane)",
    Event.ENGINE_CUTOFF: "the engines were shut down (a legged lander on the ground)",
    Event.RAD_FIRE: "airbags: the RADs (solid deceleration rockets) fired",
    Event.BRIDLE_CUT: "airbags: the lander was let go on its bridle (the RADs burn on)",
}
STATUS = {
    Status.THRUST_SATURATED: "the thrust asked for was beyond the engines' range",
    Status.TILT_LIMITED: "the thrust direction was held at the tilt limit",
    Status.THROTTLE_RATE_LIMITED: "the throttle change was held at its rate limit",
    Status.NO_SAFE_SITE: "no site in the hazard map was safe and reachable",
    Status.TGO_INFEASIBLE: "no time-to-go reaches the gate within the thrust",
    Status.RADAR_INVALID: "the radar's data were not used this step",
    Status.SITE_SEARCH: "a site search is under way: the site may still move",
    Status.PLAN_INFEASIBLE: "convex guidance: no plan reaches the site chosen",
    Status.PLANNING: "a replan is under way: the plan in hand flies",
}

# (heading, its enumeration, meanings, where on the wire it goes)
TABLES: tuple[tuple[str, type[enum.Enum], Mapping[Any, str], str], ...] = (
    ("AckStatus", AckStatus, ACK_STATUS, "HELLO_ACK.status, ACK.status"),
    ("FaultCode", FaultCode, FAULT_CODE, "FAULT.code"),
    ("Capability", Capability, CAPABILITY, "HELLO.capabilities, HELLO_ACK.capabilities (bits)"),
    ("Mode", Mode, MODE, "HELLO.mode"),
    ("InjectKind", InjectKind, INJECT_KIND, "FAULT_INJECT.kind"),
    ("CostUnit", CostUnit, COST_UNIT, "BOARD_INFO.cost_unit"),
    ("Phase", Phase, PHASE, "COMMAND.phase"),
    ("EVENT", Event, EVENT, "COMMAND.events (bits, latched: once set, set in every later command)"),
    ("STATUS", Status, STATUS, "COMMAND.status (bits of this step alone)"),
)
