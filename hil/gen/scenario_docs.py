"""The scenario reference tables of docs/scenarios.md, from the declarations.

    python -m hilander.hil.gen.scenario_docs docs/scenarios.md   # rewrite the generated part

A test checks that the file matches, so the reference cannot drift from the code.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path
from typing import Any

from hilander.controller.config import LawConfig, law_field_names
from hilander.controller.params import range_text
from hilander.sim.presets import PRESETS
from hilander.sim.scenario import preset_start
from hilander.sim.scenario_law import LAW_VEHICLE_KEYS
from hilander.sim.schema import defaults
from hilander.sim.settings import (
    EnvironmentParams,
    FaultParams,
    InitialState,
    SimParams,
    TerrainParams,
    WindParams,
)
from hilander.sim.vehicle import Limits, VehicleParams

BEGIN = "<!-- BEGIN GENERATED: python -m hilander.hil.gen.scenario_docs docs/scenarios.md -->"
END = "<!-- END GENERATED -->"


@dataclasses.dataclass(frozen=True)
class Shown:
    """A default given in words (where it comes from), not a value."""

    text: str


def _show(value: Any) -> str:
    if isinstance(value, Shown):
        return value.text
    if value is dataclasses.MISSING:
        return "required"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def table(cls: type, values: dict[str, Any], only: list[str] | None = None) -> list[str]:
    rows = ["| key | unit | default | range | meaning |", "|---|---|---|---|---|"]
    for f in dataclasses.fields(cls):
        if only is not None and f.name not in only:
            continue
        value = values.get(f.name, dataclasses.MISSING)
        if isinstance(value, float) and f.metadata["unit"] == "rad" and value:
            shown = f"{value:.6g} ({math.degrees(value):.4g} deg)"
        else:
            shown = _show(value)
        rows.append(
            f"| `{f.name}` | {f.metadata['unit']} | {shown} | {range_text(f) or '-'} "
            f"| {f.metadata['doc']} |"
        )
    return rows


def generated() -> str:
    msl = PRESETS["msl"]
    sections: list[tuple[str, type, dict[str, Any], list[str] | None]] = [
        (
            "[initial] (defaults: the start of the preset's own scenario; `msl`: `default`)",
            InitialState,
            preset_start("msl"),
            None,
        ),
        ("[vehicle] (defaults: the `msl` preset)", VehicleParams, msl["vehicle"], None),
        ("[law]", LawConfig, defaults(LawConfig), law_field_names()),
        (
            "[law.vehicle] (what the law is told; defaults: the true vehicle's)",
            LawConfig,
            _told_defaults(),
            list(LAW_VEHICLE_KEYS),
        ),
        ("[limits] (defaults: the `msl` preset)", Limits, msl["limits"], None),
        ("[terrain]", TerrainParams, defaults(TerrainParams), None),
        ("[wind]", WindParams, defaults(WindParams), None),
        ("[environment]", EnvironmentParams, defaults(EnvironmentParams), None),
        ("[faults]", FaultParams, defaults(FaultParams), None),
        ("[sim]", SimParams, defaults(SimParams), None),
    ]
    lines = [BEGIN, ""]
    for title, cls, values, only in sections:
        lines += [f"### {title}", "", *table(cls, values, only), ""]
    lines.append(END)
    return "\n".join(lines)


def _told_defaults() -> dict[str, Shown]:
    derived = {
        "bridle_payout_time_s": Shown("from [vehicle]'s bridle payout"),
    }
    return {key: derived.get(key, Shown(f"[vehicle] {key}")) for key in LAW_VEHICLE_KEYS}


def rewrite(path: Path, part: str | None = None, begin: str = BEGIN) -> bool:
    """Replace the generated part of `path` (from `begin` to END); True if it changed."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(END)
    new = head + (generated() if part is None else part) + tail
    path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # pragma: no cover
    print("changed" if rewrite(Path(sys.argv[1])) else "up to date")
