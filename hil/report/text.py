"""Summaries as text for a person at a terminal: a landing (on the desk or
with a board), a replay and a campaign."""

from __future__ import annotations

import math
from typing import Any

from hilander.hil.campaign.summary import CampaignSummary, Failures, ViolationCount
from hilander.hil.session.summary import BoardSummary, LinkSummary, Summary, landing_of
from hilander.sim.campaign import METRIC_NAMES
from hilander.sim.summary import LandingSummary, Touchdown


def _f(x: Any, fmt: str = ".3f") -> str:
    return "-" if x is None else format(x, fmt)


def _deg(rad: float | None) -> str:
    return "-" if rad is None else format(math.degrees(rad), ".1f")


def text_report(summary: Summary) -> str:
    """The summary of a landing, on the desk or with a board (``hilander hil``)."""
    s = landing_of(summary)
    sc = s.scenario
    board = summary if isinstance(summary, BoardSummary) else None
    command, who = ("hil", s.controller) if board else ("sim", f"{s.controller} law")
    lines = [
        f"hilander {command}: {sc.name} (seed {sc.seed}, {sc.preset}, {who}): {s.verdict.upper()}"
    ]
    if s.touchdown:
        lines += _touchdown_lines(s.touchdown)
    lines += _event_lines(s)
    lines.append(
        f"  propellant   {_f(s.propellant_used_kg, '.1f')} kg used, "
        f"{_f(s.propellant_at_cut_kg, '.1f')} kg left at the "
        + ("cutoff" if sc.landing_system == "legs" else "cut")
    )
    phases = "  ".join(f"{p.name} {_f(p.start_s, '.1f')}" for p in s.phases)
    lines.append(f"  phases [s]   {phases}")
    if g := s.guidance:
        lines.append(
            f"  guidance     {g.name}: {_plan_text(g.plan_infeasible_steps, g.plan_infeasible_s)}"
        )
        if g.planning_steps:
            lines.append(
                f"               replans under way on {g.planning_steps} step(s), "
                f"the longest {_f(g.planning_longest_s, '.2f')} s"
            )
    sim = s.sim
    lines.append(
        f"  sim          {sim.steps} plant steps, {sim.control_ticks} control "
        f"ticks, {sim.wall_time_s * 1e3:.1f} ms"
    )
    if board:
        lines += link_lines(board)
    lines += [f"  VIOLATION    {v}" for v in s.violations]
    return "\n".join(lines)


def _plan_text(steps: int, first_s: float | None) -> str:
    if not steps:
        return "a plan to the gate on every replan"
    return f"no plan to the gate on {steps} step(s), the first at {_f(first_s, '.2f')} s"


def _event_lines(s: LandingSummary) -> list[str]:
    """The tether cut and flyaway, the RADs and bridle, or the engine cutoff."""
    lines: list[str] = []
    if cut := s.tether_cut:
        lines.append(f"  tether cut   {_f(cut.after_touchdown_s, '.2f')} s after touchdown")
    if bridle := s.bridle_cut:
        lines.append(
            f"  RAD / cut    RADs fired at {_f(s.events.rad_fire_s, '.2f')} s, bridle cut "
            f"{_f(bridle.before_touchdown_s, '.2f')} s before the first impact"
        )
    if cutoff := s.engine_cutoff:
        lines.append(f"  cutoff       {_f(cutoff.after_touchdown_s, '.2f')} s after touchdown")
    if a := s.attitude:  # 6-DOF
        lines.append(
            f"  attitude     stage {_deg(a.touchdown_tilt_rad)} deg from vertical and "
            f"{_f(a.touchdown_rate_radps, '.3f')} rad/s at touchdown, "
            f"leaning up to {_deg(a.tilt_max_after_touchdown_rad)} deg after"
        )
    if fa := s.flyaway:
        what = "backshell down" if bridle else "stage down"
        whom = "lander" if bridle else "rover"
        lines.append(f"  flyaway      {what} {_f(fa.impact_distance_m, '.0f')} m from the {whom}")
    return lines


def _touchdown_lines(td: Touchdown) -> list[str]:
    place = "on a HAZARD" if td.on_hazard else "clear of hazards"
    x, y = td.position_m
    return [
        f"  touchdown    t = {_f(td.time_s, '.2f')} s, vertical "
        f"{_f(td.vertical_speed_mps)} m/s, horizontal {_f(td.horizontal_speed_mps)} m/s",
        f"               at ({_f(x, '.1f')}, {_f(y, '.1f')}) m, "
        f"{_f(td.distance_to_target_m, '.1f')} m from the target, "
        f"{_f(td.distance_to_site_m, '.1f')} m from the chosen site, {place}",
    ]


def cost_line(b: dict[str, Any]) -> str:
    """p50 N, max N at step K (phase), budget N (X %)."""
    line = f"p50 {b['p50']:,.0f}, max {b['max']:,.0f} at step {b['max_step']} ({b['max_phase']})"
    if b["budget"]:
        line += f", budget {b['budget']:,} ({100 * b['max'] / b['budget']:.0f} %)"
        line += f", {b['over_budget']} steps over"
    return f"{line} [{b['unit'] or 'counts'}]"


def link_lines(s: BoardSummary) -> list[str]:
    k = s.link
    lat, step, late = k.latency_us, k.board_compute_us, k.late_latency_us
    lines = [
        f"  link         {s.mode} on {k.port}: {k.frames_sent} frames sent, "
        f"{k.frames_received} received",
        f"               latency p50 {_f(lat.p50, '.0f')} us, p99 {_f(lat.p99, '.0f')} us,"
        f" max {_f(lat.max, '.0f')} us; the board's step p50 {_f(step.p50, '.0f')} us,"
        f" max {_f(step.max, '.0f')} us",
        f"               deadline misses {k.deadline_misses}, CRC errors {k.crc_errors}, "
        f"resyncs {k.resyncs}, timeouts {k.timeouts}, stalls {k.stalls}, "
        f"resets {k.resets}",
    ]
    if (b := k.board_instructions) is not None:
        lines.append(f"  board cost   {cost_line(b)}")
    lines += _board_lines(k)
    if late.max is not None:
        lines.append(
            f"               late answers (dropped) p50 {_f(late.p50, '.0f')} us, max "
            f"{_f(late.max, '.0f')} us; stale commands {k.stale_commands}"
        )
    if s.faults is not None:
        injected = ", ".join(f"{n} {v}" for n, v in s.faults.injected.items() if v)
        lines.append(f"  faults       {' '.join(s.faults.plan)}: {injected or 'none hit'}")
    if (b := s.back_to_back) is not None:
        lines.append(
            f"  back2back    {b['verdict'].upper()} against the {b['reference']} law: "
            f"{b['identical']} identical, {b['within_tolerance']} within {b['tolerance']:g}, "
            f"{b['different']} different of {b['commands_compared']}"
        )
    lines += [f"  UNSUPPORTED  {u}" for u in k.unsupported_faults]
    lines += [f"  board fault  {f}" for f in k.board_fault_reports[:5]]
    return lines


def _board_lines(k: LinkSummary) -> list[str]:
    """What the board said of itself (its last HEARTBEAT), and maps given up."""
    lines = []
    if (h := k.board_heartbeat) is not None:
        stack = "not measured" if h.stack_high_water_B is None else f"{h.stack_high_water_B} B"
        lines.append(
            f"  board        last heartbeat at {h.uptime_ms / 1e3:.1f} s of uptime: "
            f"{h.frames_received} frames received, CRC errors {h.crc_errors}, "
            f"resyncs {h.resyncs}, stack {stack}"
        )
    if k.maps_given_up:
        lines.append(
            f"  hazard map   {k.maps_given_up} given up (never taken whole): "
            "the board flew without it"
        )
    return lines


def replay_report(r: dict[str, Any]) -> str:
    b = r["back_to_back"]
    lines = [
        f"hilander replay: {r['recording']} ({r['scenario']}, seed {r['seed']}): "
        f"{b['verdict'].upper()}",
        f"  commands     {b['commands_compared']} compared over {b['sessions']} session(s): "
        f"{b['identical']} identical, {b['within_tolerance']} within "
        f"{b['tolerance']:g}, {b['different']} different",
    ]
    if b["status_bits_differ"]:
        lines.append(f"  status bits  differ at {b['status_bits_differ']} steps (diagnostics only)")
    if b["unanswered_frames"]:
        lines.append(f"  unanswered   {b['unanswered_frames']} frames got no command")
    if (d := b["first_difference"]) is not None:
        lines.append(
            f"  first        step {d['step']} (t = {d['time_s']} s): {d['field']} board "
            f"{d['board']} vs law {d['law']}"
        )
    if r["truncated"]:
        lines.append("  truncated    the recording ends mid-record (the run died)")
    if (f := r.get("refly")) is not None:
        same = {True: "the same touchdown", False: "a DIFFERENT touchdown", None: "-"}
        faults = f.get("recorded_faults")
        lines.append(
            f"  refly        desk verdict {f['verdict']}, "
            f"{same[f.get('same_touchdown')]} as recorded"
            + (f" (recorded under faults: {' '.join(faults)})" if faults else "")
        )
    return "\n".join(lines)


def campaign_text(s: CampaignSummary) -> str:
    """A campaign's summary for people."""
    c, o, t = s.campaign, s.outcome, s.timing
    lo, hi = o.success_rate_ci95 or (0.0, 0.0)
    lines = [
        f"campaign {c.scenario}: {c.flown} of {c.runs} runs (seed {c.seed}, "
        f"{c.controller}, {c.executor}) in {t.wall_time_s:.1f} s, "
        f"{t.runs_per_s} runs/s" + (" - INTERRUPTED" if c.interrupted else ""),
        f"{o.passed} passed, {o.fail} failed, {o.error} errors: success "
        f"{100 * (o.success_rate or 0):.2f} % (95 % interval {100 * lo:.2f}-{100 * hi:.2f} %)",
        "dispersed: "
        + (
            ", ".join(c.dispersions)
            or "nothing (the scenario has no [dispersions]: runs differ by their seed only)"
        ),
        *([] if s.failures is None else [failures_line(s.failures)]),
        "",
        f"{'figure':<32}{'p1':>10}{'p50':>10}{'p99':>10}{'max':>10}",
    ]
    for name in METRIC_NAMES:
        m = s.metrics[name]
        lines.append(f"{name:<32}" + "".join(_fmt(x) for x in (m.p1, m.p50, m.p99, m.max)))
    lines.append("")
    lines += _violation_lines(s.violations)
    lines += ["", "worst runs (errors, failures, then closest to a limit):"]
    for w in s.worst_runs[:5]:
        use = "-" if w.limit_use is None else f"{w.limit_use:.3f}"
        lines.append(f"  run {w.run:<6} {w.verdict:<6} limit use {use:<7} {w.command}")
        if w.violations:
            lines.append(f"      {w.violations}")
    return "\n".join(lines)


def failures_line(f: Failures) -> str:
    """--check-failures in one line: how many failed runs were flyable, which,
    and the success rate over the flyable runs."""
    lo, hi = f.success_rate_ci95 or (0.0, 0.0)
    more = ", ..." if f.flyable > len(f.flyable_runs) else ""
    listed = ", ".join(str(k) for k in f.flyable_runs) + more
    return (
        f"failed runs the fuel optimum flies to the gate with the law's reserve: {f.flyable} of "
        f"{f.checked}" + (f" (runs {listed})" if f.flyable else "") + "; success over the "
        f"flyable runs {100 * (f.success_rate or 0):.2f} % (95 % interval {100 * lo:.2f}-"
        f"{100 * hi:.2f} %)"
    )


def _fmt(x: float | None) -> str:
    return f"{'-':>10}" if x is None else f"{x:>10.4g}"


def _violation_lines(counts: dict[str, ViolationCount]) -> list[str]:
    if not counts:
        return ["violations: none"]
    return ["violations (runs):"] + [
        f"  {kind:<30}{v.runs:>7}  {100 * v.fraction:.2f} %" for kind, v in counts.items()
    ]


def optimal_text(summary: dict[str, Any]) -> str:
    o, law, sc = summary["optimal"], summary["law"], summary["scenario"]
    return "\n".join(
        [
            f"hilander optimal: {sc['name']} (seed {sc['seed']}, {sc['preset']})",
            f"  target       {summary['target']['what']}",
            f"  optimum      {o['propellant_kg']:.1f} kg in {o['time_of_flight_s']:.1f} s "
            f"({o['nodes']} nodes, {o['solves']} solves; thrust {o['thrust_min_N']:.0f}-"
            f"{o['thrust_max_N']:.0f} N)",
            _law_line(law),
            f"  ratio        {summary['ratio']:.3f} (law / optimum)"
            if summary["ratio"] is not None
            else "  ratio        none (the law and the optimum end in different states)",
        ]
    )


def _law_line(law: dict[str, Any]) -> str:
    if law["propellant_kg"] is None:
        return (
            f"  law          never reached its segment's end "
            f"({law['controller']}, landing {law['verdict']})"
        )
    return (
        f"  law          {law['propellant_kg']:.1f} kg in {law['time_of_flight_s']:.1f} s "
        f"({law['controller']}, landing {law['verdict']})"
    )
