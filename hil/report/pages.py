"""The reports of a landing, a board session, an optimal solve and a replay:
each a Report (report.html) of tables and figures, built from what the
command already computed. The campaign's is in campaign_page.
"""

from __future__ import annotations

import hashlib
from typing import Any

from hilander.hil.analysis.backtoback import BackToBack
from hilander.hil.analysis.optimal import Solution, Vehicle
from hilander.hil.report.figures import landing as landing_figures
from hilander.hil.report.figures import link as link_figures
from hilander.hil.report.figures import optimal as optimal_figures
from hilander.hil.report.html import Report, Table
from hilander.hil.report.limits import limits_table
from hilander.hil.session.linkstats import LinkStats
from hilander.hil.session.summary import BoardSummary, LinkSummary, Summary, landing_of
from hilander.sim.result import summarize
from hilander.sim.run import Landing
from hilander.sim.scenario import Scenario, scenario_to_toml
from hilander.sim.summary import LandingSummary

CAPTIONS = {
    "altitude_speed.png": "altitude above the ground, descent and horizontal speed; events dotted",
    "touchdown_zoom.png": "the last 20 m: descent and horizontal speed against the height, "
    "the touchdown speed band shaded",
    "thrust_throttle.png": "thrust delivered and commanded within its bounds, and the throttle",
    "navigation.png": "the navigation solution less the truth: position error per axis and "
    "its norm, velocity error per axis; the thrust's tilt from vertical and the law's limit",
    "timeline.png": "the phases flown and the events",
    "ground_track.png": "the ground track over the truth hazard mask",
    "bridle.png": "bridle tension and the length paid out",
    "latency.png": "the board's round trip per step, its histogram, misses and timeouts",
    "cost.png": "each step's cost in the board's own units, by phase, against its budget",
    "back_to_back.png": "the board's commands against the reference law's, step by step "
    "(a note where every command was identical)",
}
OPTIMAL_CAPTIONS = {
    "optimal_trajectory.png": "height and ground track: the law and the fuel optimum",
    "optimal_thrust.png": "thrust within its bounds, and the propellant burnt",
}


def toml_sha256(toml: str) -> str:
    """The sha256 (hex) of a resolved scenario's TOML, its comment lines left
    out (they name the file it was resolved from and who flew it, not what
    it is): the scenario hash on every page (its first 12 digits shown), and
    a campaign's identity. The same scenario has the same hash whatever its
    file was called: ``default``, its own written scenario.toml, ``./s1/...``."""
    content = [line for line in toml.splitlines() if not line.lstrip().startswith("#")]
    return hashlib.sha256("\n".join(content).encode()).hexdigest()


def scenario_sha256(s: Scenario) -> str:
    """The hash of the scenario as ``scenario_to_toml`` resolves it (the
    scenario.toml of ``--out``, whoever flew it; the TOML a recording holds)."""
    return toml_sha256(scenario_to_toml(s))


def summary_rows(s: LandingSummary) -> list[tuple[str, Any]]:
    """The key/value table of a landing's summary."""
    sc, td = s.scenario, s.touchdown
    rows: list[tuple[str, Any]] = [
        ("scenario", f"{sc.name} (seed {sc.seed}, preset {sc.preset})"),
        ("landing system", sc.landing_system),
        ("controller", s.controller),
    ]
    if td:
        rows += [
            ("touchdown time [s]", td.time_s),
            ("vertical speed [m/s]", td.vertical_speed_mps),
            ("horizontal speed [m/s]", td.horizontal_speed_mps),
            ("distance to the chosen site [m]", td.distance_to_site_m),
            ("on a hazard", td.on_hazard),
        ]
    rows += [("propellant used [kg]", s.propellant_used_kg)]
    if g := s.guidance:
        rows += [("guidance", g.name), ("steps with no plan to the gate", g.plan_infeasible_steps)]
        rows += [("steps with a replan under way", g.planning_steps)]
        rows += [("longest replan [s]", g.planning_longest_s)]
    rows += [(p.name, f"from {p.start_s} s") for p in s.phases]
    return rows


def link_counters(k: LinkSummary) -> list[tuple[str, int]]:
    """The link's counters, named as in the summary's ``link`` object."""
    return [
        ("frames_sent", k.frames_sent),
        ("frames_received", k.frames_received),
        ("deadline_misses", k.deadline_misses),
        ("timeouts", k.timeouts),
        ("write_timeouts", k.write_timeouts),
        ("stalls", k.stalls),
        ("resets", k.resets),
        ("crc_errors", k.crc_errors),
        ("resyncs", k.resyncs),
        ("framing_errors", k.framing_errors),
        ("seq_gaps", k.seq_gaps),
        ("duplicates", k.duplicates),
        ("stale_commands", k.stale_commands),
        ("late_acks", k.late_acks),
        ("host_overruns", k.host_overruns),
        ("board_faults", k.board_faults),
    ]


def link_table(s: BoardSummary) -> Table:
    k = s.link
    lat, late, step = k.latency_us, k.late_latency_us, k.board_compute_us
    rows: list[list[Any]] = [
        ["latency p50 [us]", lat.p50],
        ["latency p99 [us]", lat.p99],
        ["latency max [us]", lat.max],
        ["late answer p50 [us]", late.p50],
        ["late answer max [us]", late.max],
        ["board's step p50 [us]", step.p50],
        ["board's step max [us]", step.max],
        ["smoothed round trip [us]", k.srtt_us],
        ["adaptive wait at the end [s]", k.rto_s],
        ["stall after [s]", k.stall_after_s],
    ]
    rows += [[name, value] for name, value in link_counters(k)]
    rows += [["unsupported fault", u] for u in k.unsupported_faults]
    rows += [["board fault", f] for f in k.board_fault_reports]
    if s.faults is not None:
        rows += [[f"injected {n}", v] for n, v in s.faults.injected.items()]
    note = f"{s.mode} on {k.port} with board '{k.board}'"
    return Table("Link", ["counter", "value"], rows, note)


def cost_table(b: dict[str, Any]) -> Table:
    """The cost of the board's steps by phase, against its budget."""
    budget = b["budget"]

    def share(cost: float) -> str:
        return "" if not budget else f"{100 * cost / budget:.1f} %"

    rows = [
        [name, f["steps"], f["p50"], f["max"], share(f["max"])] for name, f in b["by_phase"].items()
    ]
    rows.append(
        [
            "all",
            sum(f["steps"] for f in b["by_phase"].values()),
            b["p50"],
            b["max"],
            share(b["max"]),
        ]
    )
    note = (
        f"in {b['unit'] or 'counts'}; budget {budget:,} a step, {b['over_budget']} steps over; "
        f"the costliest: step {b['max_step']} at {b['max_time_s']} s ({b['max_phase']})"
        if budget
        else f"in {b['unit'] or 'counts'}; the board declared no budget"
    )
    return Table("Cost per step", ["phase", "steps", "p50", "max", "max, % of budget"], rows, note)


def back_to_back_table(b2b: dict[str, Any], what: str) -> Table:
    rows: list[list[Any]] = [
        [key, b2b[key]]
        for key in (
            "verdict",
            "commands_compared",
            "identical",
            "within_tolerance",
            "different",
            "unanswered_frames",
            "status_bits_differ",
            "tolerance",
        )
    ]
    rows += [[f"largest difference: {k}", v] for k, v in b2b["max_relative_difference"].items()]
    if (d := b2b["first_difference"]) is not None:
        rows.append(
            [
                "first difference",
                f"step {d['step']} ({d['time_s']} s): {d['field']} "
                f"board {d['board']} vs law {d['law']}",
            ]
        )
    return Table("Back to back", ["item", "value"], rows, what)


def run_report(
    landing: Landing,
    summary: Summary,
    link: LinkStats | None = None,
    tally: BackToBack | None = None,
) -> Report:
    """A landing's report; a board session's adds its link, and the back to
    back comparison where a reference law was run beside the board."""
    own = landing_of(summary)
    pngs = landing_figures.run_figures(landing, own)
    tables = [limits_table(own, landing.scenario.limits)]
    if link is not None and isinstance(summary, BoardSummary):
        period_s = 1.0 / landing.scenario.vehicle.control_rate_Hz
        deadline_s = period_s / summary.link.speedup
        pngs["latency.png"] = link_figures.latency(link, summary.mode, deadline_s)
        tables.append(link_table(summary))
        if summary.link.board_instructions is not None:
            pngs["cost.png"] = link_figures.cost(link)
            tables.append(cost_table(summary.link.board_instructions))
    if tally is not None and isinstance(summary, BoardSummary) and summary.back_to_back:
        what = f"the board against the {summary.back_to_back['reference']} law, same frames"
        pngs["back_to_back.png"] = link_figures.back_to_back(tally, what)
        tables.append(back_to_back_table(summary.back_to_back, what))
    return Report(
        title=f"hilander: {landing.scenario.name} ({landing.controller})",
        verdict=own.verdict,
        violations=list(own.violations),
        summary=summary_rows(own),
        tables=tables,
        figures=pngs,
        captions=CAPTIONS,
        scenario_sha256=scenario_sha256(landing.scenario),
    )


def replay_html_report(
    report: dict[str, Any], tally: BackToBack, scenario_toml: str | None = None
) -> Report:
    """The replay's report: the law against the recorded board; stamped with
    the hash of the scenario the recording holds, where it holds one."""
    b = report["back_to_back"]
    what = f"the board recorded in {report['recording']} against the law, same frames"
    rows: list[tuple[str, Any]] = [
        ("recording", report["recording"]),
        ("scenario", f"{report['scenario']} (seed {report['seed']})"),
        ("sessions", b["sessions"]),
        ("frames", b["frames"]),
        ("truncated", report["truncated"]),
    ]
    if (f := report.get("refly")) is not None:
        rows += [("refly verdict", f["verdict"]), ("same touchdown", f.get("same_touchdown"))]
    first = b["first_difference"]
    violations = [] if first is None else [f"first difference at step {first['step']}"]
    return Report(
        title=f"hilander replay: {report['scenario']}",
        verdict=str(b["verdict"]),
        violations=violations,
        summary=rows,
        tables=[back_to_back_table(b, what)],
        figures={"back_to_back.png": link_figures.back_to_back(tally, what)},
        captions=CAPTIONS,
        scenario_sha256="" if scenario_toml is None else toml_sha256(scenario_toml),
    )


def optimal_html_report(
    landing: Landing, best: Solution, segment_time_s: float, summary: dict[str, Any]
) -> Report:
    """The optimal solve's report: the law's descent beside the optimum."""
    o, law, sc = summary["optimal"], summary["law"], summary["scenario"]
    rows: list[tuple[str, Any]] = [
        ("scenario", f"{sc['name']} (seed {sc['seed']}, preset {sc['preset']})"),
        ("segment end", summary["target"]["what"]),
        (
            "law",
            f"{law['propellant_kg']} kg in {law['time_of_flight_s']} s ({law['controller']})"
            if law["propellant_kg"] is not None
            else f"never reached its segment's end ({law['controller']})",
        ),
        ("fuel optimum", f"{o['propellant_kg']} kg in {o['time_of_flight_s']} s"),
        ("ratio (law / optimum)", "none" if summary["ratio"] is None else summary["ratio"]),
        ("nodes, solves", f"{o['nodes']}, {o['solves']}"),
        ("thrust bounds [N]", f"{o['thrust_min_N']} - {o['thrust_max_N']}"),
        ("glide slope [deg]", o["glide_slope_deg"] or "none"),
    ]
    veh = Vehicle.of(landing.scenario)
    return Report(
        title=f"hilander optimal: {sc['name']}",
        verdict=str(law["verdict"]),
        violations=list(summarize(landing).violations),
        summary=rows,
        figures={
            "optimal_trajectory.png": optimal_figures.trajectories(
                landing, best, segment_time_s, same_end=summary["ratio"] is not None
            ),
            "optimal_thrust.png": optimal_figures.thrust_propellant(
                landing, best, segment_time_s, veh
            ),
        },
        captions=OPTIMAL_CAPTIONS,
        scenario_sha256=scenario_sha256(landing.scenario),
    )
