"""A landing summary as text for a person at a terminal."""

from __future__ import annotations

from typing import Any


def _f(x: Any, fmt: str = ".3f") -> str:
    return "-" if x is None else format(x, fmt)


def text_report(s: dict[str, Any]) -> str:
    sc = s["scenario"]
    lines = [
        f"hilander sim: {sc['name']} (seed {sc['seed']}, {sc['preset']}, "
        f"{s['controller']} law): {s['verdict'].upper()}"
    ]
    td = s["touchdown"]
    if td:
        place = "on a HAZARD" if td["on_hazard"] else "clear of hazards"
        lines.append(
            f"  touchdown    t = {_f(td['time_s'], '.2f')} s, vertical "
            f"{_f(td['vertical_speed_mps'])} m/s, horizontal {_f(td['horizontal_speed_mps'])} m/s"
        )
        lines.append(
            f"               at ({td['position_m'][0]:.1f}, {td['position_m'][1]:.1f}) m, "
            f"{td['distance_to_target_m']:.1f} m from the target, "
            f"{td['distance_to_site_m']:.1f} m from the chosen site, {place}"
        )
    cut = s["tether_cut"]
    if cut:
        lines.append(f"  tether cut   {_f(cut['after_touchdown_s'], '.2f')} s after touchdown")
    if s["flyaway"]:
        lines.append(
            f"  flyaway      stage down {s['flyaway']['impact_distance_m']:.0f} m from the rover"
        )
    lines.append(
        f"  propellant   {_f(s['propellant_used_kg'], '.1f')} kg used, "
        f"{_f(s['propellant_at_cut_kg'], '.1f')} kg left at the cut"
    )
    phases = "  ".join(f"{p['name']} {p['start_s']:.1f}" for p in s["phases"])
    lines.append(f"  phases [s]   {phases}")
    sim = s["sim"]
    lines.append(
        f"  sim          {sim['steps']} plant steps, {sim['control_ticks']} control "
        f"ticks, {sim['wall_time_s'] * 1e3:.1f} ms"
    )
    lines += [f"  VIOLATION    {v}" for v in s["violations"]]
    return "\n".join(lines)
