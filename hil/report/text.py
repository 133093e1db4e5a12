"""A landing summary as text for a person at a terminal."""

from __future__ import annotations

from typing import Any


def _f(x: Any, fmt: str = ".3f") -> str:
    return "-" if x is None else format(x, fmt)


def text_report(s: dict[str, Any], command: str = "sim") -> str:
    sc = s["scenario"]
    who = s["controller"] if command == "hil" else f"{s['controller']} law"
    lines = [
        f"hilander {command}: {sc['name']} (seed {sc['seed']}, {sc['preset']}, "
        f"{who}): {s['verdict'].upper()}"
    ]
    if s["touchdown"]:
        lines += _touchdown_lines(s["touchdown"])
    lines += _event_lines(s)
    lines.append(
        f"  propellant   {_f(s['propellant_used_kg'], '.1f')} kg used, "
        f"{_f(s['propellant_at_cut_kg'], '.1f')} kg left at the "
        + ("cutoff" if s["scenario"].get("landing_system") == "legs" else "cut")
    )
    phases = "  ".join(f"{p['name']} {p['start_s']:.1f}" for p in s["phases"])
    lines.append(f"  phases [s]   {phases}")
    sim = s["sim"]
    lines.append(
        f"  sim          {sim['steps']} plant steps, {sim['control_ticks']} control "
        f"ticks, {sim['wall_time_s'] * 1e3:.1f} ms"
    )
    if "link" in s:
        lines += link_lines(s)
    lines += [f"  VIOLATION    {v}" for v in s["violations"]]
    return "\n".join(lines)


def _event_lines(s: dict[str, Any]) -> list[str]:
    """The tether cut and flyaway, the RADs and bridle, or the engine cutoff."""
    lines: list[str] = []
    cut = s["tether_cut"]
    if cut:
        lines.append(f"  tether cut   {_f(cut['after_touchdown_s'], '.2f')} s after touchdown")
    bridle = s.get("bridle_cut")
    if bridle:
        rad = s["events"].get("rad_fire_s")
        lines.append(
            f"  RAD / cut    RADs fired at {_f(rad, '.2f')} s, bridle cut "
            f"{_f(bridle['before_touchdown_s'], '.2f')} s before the first impact"
        )
    cutoff = s.get("engine_cutoff")
    if cutoff:
        lines.append(f"  cutoff       {_f(cutoff['after_touchdown_s'], '.2f')} s after touchdown")
    if s["flyaway"]:
        what = "backshell down" if bridle else "stage down"
        whom = "lander" if bridle else "rover"
        lines.append(
            f"  flyaway      {what} {s['flyaway']['impact_distance_m']:.0f} m from the {whom}"
        )
    return lines


def _touchdown_lines(td: dict[str, Any]) -> list[str]:
    place = "on a HAZARD" if td["on_hazard"] else "clear of hazards"
    return [
        f"  touchdown    t = {_f(td['time_s'], '.2f')} s, vertical "
        f"{_f(td['vertical_speed_mps'])} m/s, horizontal {_f(td['horizontal_speed_mps'])} m/s",
        f"               at ({td['position_m'][0]:.1f}, {td['position_m'][1]:.1f}) m, "
        f"{td['distance_to_target_m']:.1f} m from the target, "
        f"{td['distance_to_site_m']:.1f} m from the chosen site, {place}",
    ]


def link_lines(s: dict[str, Any]) -> list[str]:
    k = s["link"]
    lat, step = k["latency_us"], k["board_compute_us"]
    lines = [
        f"  link         {s['mode']} on {k['port']}: {k['frames_sent']} frames sent, "
        f"{k['frames_received']} received",
        f"               latency p50 {_f(lat['p50'], '.0f')} us, p99 {_f(lat['p99'], '.0f')} us,"
        f" max {_f(lat['max'], '.0f')} us; the board's step p50 {_f(step['p50'], '.0f')} us,"
        f" max {_f(step['max'], '.0f')} us",
        f"               deadline misses {k['deadline_misses']}, CRC errors {k['crc_errors']}, "
        f"resyncs {k['resyncs']}, timeouts {k['timeouts']}, stalls {k['stalls']}, "
        f"resets {k['resets']}",
    ]
    late = k["late_latency_us"]
    if late["max"] is not None:
        lines.append(
            f"               late answers (dropped) p50 {_f(late['p50'], '.0f')} us, max "
            f"{_f(late['max'], '.0f')} us; stale commands {k['stale_commands']}"
        )
    if "faults" in s:
        injected = ", ".join(f"{n} {v}" for n, v in s["faults"]["injected"].items() if v)
        lines.append(f"  faults       {' '.join(s['faults']['plan'])}: {injected or 'none hit'}")
    if (b := s.get("back_to_back")) is not None:
        lines.append(
            f"  back2back    {b['verdict'].upper()} against the {b['reference']} law: "
            f"{b['identical']} identical, {b['within_tolerance']} within {b['tolerance']:g}, "
            f"{b['different']} different of {b['commands_compared']}"
        )
    lines += [f"  UNSUPPORTED  {u}" for u in k["unsupported_faults"]]
    lines += [f"  board fault  {f}" for f in k["board_fault_reports"][:5]]
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
