"""flight.mcap of a run folder: the landing's telemetry as typed channels.

Every message is stamped with its simulated time (ns from the start of the
landing); the fields are telemetry.csv's columns, by the same names. A board
session adds the link's round trips and the board's cost of each step; a
reference flown beside the board adds the back-to-back differences.

| topic                | when                          | what                               |
| -------------------- | ----------------------------- | ---------------------------------- |
| /truth               | every control tick            | the world's state                  |
| /navigation          | every control tick            | what the law was given (and error) |
| /command             | every control tick            | the law's answer                   |
| /phase               | each phase entered            | its number and name                |
| /event               | each event commanded          | its bit and name                   |
| /log                 | phases, events, the verdict   | foxglove.Log lines                 |
| /link/round_trip     | each command answered         | its round trip                     |
| /board/step_cost     | each command answered         | the board's own time and cost      |
| /link/late_command   | each command after its wait   | its round trip                     |
| /link/deadline_miss  | each deadline missed          | the time                           |
| /link/timeout        | each lockstep timeout         | the time                           |
| /back_to_back        | each step compared            | relative difference per field      |
"""

from __future__ import annotations

from typing import Any

from hilander import __version__
from hilander.controller.interface import Event
from hilander.hil.analysis.backtoback import BackToBack
from hilander.hil.report.mcapfile import (
    INTEGER,
    LOG_ERROR,
    LOG_INFO,
    LOG_PROPERTIES,
    LOG_SCHEMA,
    NUMBER_OR_NULL,
    STRING,
    McapLog,
    finite,
    log_line,
    object_schema,
    seconds_to_ns,
)
from hilander.hil.session.linkstats import LinkStats, phase_name
from hilander.hil.session.summary import BoardSummary, Summary
from hilander.sim.run import Landing
from hilander.sim.scenario import scenario_to_toml

# telemetry.csv's columns, each on one channel (time_s on every one)
TRUTH = (
    "stage_x_m", "stage_y_m", "stage_z_m", "stage_vx_mps", "stage_vy_mps", "stage_vz_mps",
    "rover_x_m", "rover_y_m", "rover_z_m", "rover_vx_mps", "rover_vy_mps", "rover_vz_mps",
    "altitude_m", "rover_clearance_m", "tilt_rad", "mass_kg", "propellant_kg",
    "thrust_N", "throttle", "bridle_tension_N", "bridle_paid_m", "wind_speed_mps",
    "rate_x_radps", "rate_y_radps", "rate_z_radps",
)  # fmt: skip
NAVIGATION = (
    "radar_altitude_m", "nav_x_m", "nav_y_m", "nav_z_m", "nav_vx_mps", "nav_vy_mps",
    "nav_vz_mps", "nav_error_m",
)  # fmt: skip
COMMAND = (
    "phase", "events", "status", "thrust_command_N", "throttle_command",
    "site_x_m", "site_y_m", "site_z_m",
)  # fmt: skip
INTEGER_COLUMNS = ("phase", "events", "status")
TELEMETRY_TOPICS = {"/truth": TRUTH, "/navigation": NAVIGATION, "/command": COMMAND}
DESCRIPTIONS = {
    "/truth": "the world's state at a control tick, before its plant steps",
    "/navigation": "what the law was given: radar altitude (null: invalid), the "
    "navigation solution's position and velocity, and its position error",
    "/command": "the law's answer at a control tick: phase, events and status bits, "
    "thrust and throttle commanded, the landing site selected",
}
LINK_TOPICS = {
    "/link/round_trip": ("time_s", "step", "phase", "latency_us"),
    "/board/step_cost": ("time_s", "step", "phase", "board_compute_us", "board_instructions"),
    "/link/late_command": ("time_s", "latency_us"),
    "/link/deadline_miss": ("time_s",),
    "/link/timeout": ("time_s",),
}
INTEGER_FIELDS = ("step", "phase", "board_compute_us", "board_instructions", "event", "events")


def _schema(title: str, names: tuple[str, ...], description: str = "") -> dict[str, Any]:
    props = {n: INTEGER if n in INTEGER_FIELDS else NUMBER_OR_NULL for n in names}
    return object_schema(title, props, description)


def flight_mcap(
    landing: Landing,
    summary: Summary,
    link: LinkStats | None = None,
    tally: BackToBack | None = None,
) -> bytes:
    """flight.mcap of a landing (and of its board session, and its
    back-to-back comparison), byte for byte the same for the same landing."""
    log = McapLog()
    _telemetry(log, landing)
    _phases_and_events(log, landing, summary)
    if link is not None:
        _link(log, link)
    if tally is not None:
        _back_to_back(log, tally)
    s = landing.scenario
    log.metadata(
        "hilander",
        {
            "scenario": s.name,
            "seed": str(s.seed),
            "preset": s.preset,
            "controller": landing.controller,
            "verdict": summary.verdict,
            "hilander": __version__,
        },
    )
    toml = scenario_to_toml(s, landing.controller).encode()
    log.attachment("scenario.toml", "application/toml", toml)
    return log.finish()


def _telemetry(log: McapLog, landing: Landing) -> None:
    index = {name: i for i, name in enumerate(landing.columns)}
    rows = landing.telemetry.tolist()
    for topic, names in TELEMETRY_TOPICS.items():
        title = "hilander." + topic.strip("/").title()
        log.channel(topic, _schema(title, ("time_s", *names), DESCRIPTIONS[topic]))
        columns = [(n, index[n], n in INTEGER_COLUMNS) for n in ("time_s", *names)]
        for row in rows:
            message = {n: int(row[i]) if whole else finite(row[i]) for n, i, whole in columns}
            log.add(topic, seconds_to_ns(row[0]), message)


def _phases_and_events(log: McapLog, landing: Landing, summary: Summary) -> None:
    """/phase and /event on each change, /log with both and the verdict."""
    phase_props = {"time_s": NUMBER_OR_NULL, "phase": INTEGER, "name": STRING}
    log.channel("/phase", object_schema("hilander.Phase", phase_props, "a phase entered"))
    event_props = {**phase_props, "event": INTEGER, "events": INTEGER}
    del event_props["phase"]
    log.channel("/event", object_schema("hilander.Event", event_props, "an event commanded"))
    log.channel("/log", object_schema(LOG_SCHEMA, LOG_PROPERTIES))
    phase, events, time_ns = -1, 0, 0
    columns = [landing.column(n).tolist() for n in ("time_s", "phase", "events")]
    for time_s, p, e in zip(*columns, strict=True):
        time_ns = seconds_to_ns(time_s)
        if int(p) != phase:
            phase = int(p)
            name = phase_name(phase)
            log.add("/phase", time_ns, {"time_s": time_s, "phase": phase, "name": name})
            log.add("/log", time_ns, log_line(time_ns, LOG_INFO, f"phase {name}", "phase"))
        for bit in _bits(int(e) & ~events):
            name = _event_name(bit)
            message = {"time_s": time_s, "name": name, "event": bit, "events": int(e)}
            log.add("/event", time_ns, message)
            log.add("/log", time_ns, log_line(time_ns, LOG_INFO, f"event {name}", "event"))
        events |= int(e)
    landed = summary.landing if isinstance(summary, BoardSummary) else summary
    verdict = f"verdict {landed.verdict}" + "".join(f"; {v}" for v in landed.violations)
    level = LOG_INFO if summary.verdict == "pass" else LOG_ERROR
    log.add("/log", time_ns, log_line(time_ns, level, verdict, "verdict"))


def _bits(value: int) -> list[int]:
    return [1 << i for i in range(value.bit_length()) if value >> i & 1]


def _event_name(bit: int) -> str:
    try:
        return str(Event(bit).name).lower()
    except ValueError:
        return str(bit)


def _link(log: McapLog, link: LinkStats) -> None:
    """The link's channels, each message at the simulated time of its step."""
    for topic, names in LINK_TOPICS.items():
        title = "hilander." + "".join(w.title() for w in topic.split("/")[-1].split("_"))
        log.channel(topic, _schema(title, names))
    answers = zip(
        link.answer_time_s,
        link.answered_steps,
        link.answered_phases,
        link.latencies_s,
        link.compute_us,
        link.instructions,
        strict=True,
    )
    for t, step, phase, latency_s, compute_us, cost in answers:
        at = seconds_to_ns(t)
        trip = {"time_s": t, "step": step, "phase": phase, "latency_us": latency_s * 1e6}
        log.add("/link/round_trip", at, trip)
        own = {"board_compute_us": compute_us, "board_instructions": cost}
        log.add("/board/step_cost", at, {"time_s": t, "step": step, "phase": phase, **own})
    for t, latency_s in zip(link.late_time_s, link.late_latencies_s, strict=True):
        log.add(
            "/link/late_command", seconds_to_ns(t), {"time_s": t, "latency_us": latency_s * 1e6}
        )
    for topic, times in (
        ("/link/deadline_miss", link.miss_time_s),
        ("/link/timeout", link.timeout_time_s),
    ):
        for t in times:
            log.add(topic, seconds_to_ns(t), {"time_s": t})


def _back_to_back(log: McapLog, tally: BackToBack) -> None:
    names = tuple(tally.difference)
    description = "per field, the relative difference of the board's command from the reference's"
    log.channel("/back_to_back", _schema("hilander.BackToBack", ("time_s", *names), description))
    for i, t in enumerate(tally.time_s):
        message = {"time_s": t, **{n: finite(tally.difference[n][i]) for n in names}}
        log.add("/back_to_back", seconds_to_ns(t), message)
