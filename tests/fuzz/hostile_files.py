"""Several hundred hostile scenario files, and what ``hilander sim FILE --json``
does with each, counted by class (tests/common/outcomes.py).

    .venv/bin/python -m tests.fuzz.hostile_files [--out DIR] [--limit N] [--timeout S]

Every numeric key of the default scenario's tables (the msl preset's vehicle
and limits, the law's tuning, terrain, wind, environment, faults, sim) is set
in turn to each of EXTREMES, and structural attacks follow (deep nesting,
huge files, control characters in keys and values, wrong types, duplicate
tables, unknown and missing keys, a path with a newline). Each file runs in a
forked child (tests/common/outcomes.run_forked): a signal is a crash, the
timeout a hang. Prints the count per class and every file that did not pass.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hilander.controller.config import LawConfig, law_field_names
from hilander.sim.presets import PRESETS
from hilander.sim.scenario import builtin_text
from hilander.sim.schema import defaults
from hilander.sim.settings import (
    EnvironmentParams,
    FaultParams,
    SimParams,
    TerrainParams,
    WindParams,
)
from hilander.sim.vehicle import Limits, VehicleParams
from tests.common.outcomes import CLASSES, PASSING, run_forked

# TOML spellings of the extremes (2**63 does not fit TOML's 64-bit integer).
EXTREMES = (
    "1e308",
    "-1e308",
    "1e-308",
    "nan",
    "inf",
    "-inf",
    "0",
    "-0.0",
    "-1",
    str(2**31 + 1),
    str(2**63 - 1),
    str(2**63),
)
BASE = builtin_text("default")


def _tables() -> dict[str, tuple[type, dict[str, object], list[str] | None]]:
    msl = PRESETS["msl"]
    return {
        "vehicle": (VehicleParams, msl["vehicle"], None),
        "law": (LawConfig, defaults(LawConfig), law_field_names()),
        "limits": (Limits, msl["limits"], None),
        "terrain": (TerrainParams, defaults(TerrainParams), None),
        "wind": (WindParams, defaults(WindParams), None),
        "environment": (EnvironmentParams, defaults(EnvironmentParams), None),
        "faults": (FaultParams, defaults(FaultParams), None),
        "sim": (SimParams, defaults(SimParams), None),
    }


def with_key(table: str, key: str, value: str, base: str = BASE) -> str:
    """The default scenario with ``[table] key = value`` (the table added or extended)."""
    header = f"\n[{table}]\n"
    if header in base:
        return base.replace(header, f"{header}{key} = {value}\n", 1)
    head, sep, tail = base.partition("\n[dispersions.")
    return f"{head}{header}{key} = {value}\n{sep}{tail}"


def numeric_attacks() -> Iterator[tuple[str, str]]:
    for table, (cls, values, only) in _tables().items():
        for f in dataclasses.fields(cls):
            if only is not None and f.name not in only:
                continue
            current = values.get(f.name)
            if isinstance(current, bool) or not isinstance(current, int | float | tuple):
                continue
            for value in EXTREMES:
                shown = value
                if isinstance(current, tuple):
                    shown = "[" + ", ".join([value] * len(current)) + "]"
                yield f"{table}.{f.name}={value}", with_key(table, f.name, shown)
    for axis in range(3):
        for value in EXTREMES:
            vec = ["-350.0", "230.0", "1800.0"]
            vec[axis] = value
            text = BASE.replace("[-350.0, 230.0, 1800.0]", "[" + ", ".join(vec) + "]")
            yield f"initial.position_m[{axis}]={value}", text
            vel = ["22.0", "-6.0", "-80.0"]
            vel[axis] = value
            text = BASE.replace("[22.0, -6.0, -80.0]", "[" + ", ".join(vel) + "]")
            yield f"initial.velocity_mps[{axis}]={value}", text
    for value in EXTREMES:
        yield f"seed={value}", BASE.replace("seed = 1\n", f"seed = {value}\n", 1)


def structural_attacks() -> Iterator[tuple[str, str]]:
    for depth in (50, 500, 5000, 100_000):
        yield f"nested-arrays-{depth}", "x = " + "[" * depth + "]" * depth + "\n"
        yield f"nested-tables-{depth}", "x = " + "{a = " * depth + "1" + "}" * depth + "\n"
        yield f"dotted-{depth}", "a" + ".a" * depth + " = 1\n" + BASE
    yield "huge-comment-2MB", BASE + "#" + "x" * 2_000_000 + "\n"
    yield "huge-string-2MB", BASE.replace('name = "default"', 'name = "' + "n" * 2_000_000 + '"')
    yield "many-keys", BASE + "[terrain]\n" + "".join(f"k{i} = {i}\n" for i in range(20000))
    for ch in ("\n", "\r", "\t", "\x1b[31m", "\x00", "\u202e", "\x7f", "é", "\ud7ff"):
        esc = ch.encode("unicode_escape").decode()
        yield f"key-control-{esc}", with_key("terrain", f'"bad{esc}key"', "1")
        yield f"value-control-{esc}", BASE.replace('"default"', f'"de{esc}fault"', 1)
        yield f"preset-control-{esc}", BASE.replace('preset = "msl"', f'preset = "m{esc}sl"')
        yield f"table-control-{esc}", BASE + f'\n["ta{esc}ble"]\nx = 1\n'
    yield "raw-newline-in-string", BASE.replace('"default"', '"""de\nfault"""', 1)
    yield "duplicate-table", BASE + "\n[initial]\nposition_m = [0.0, 0.0, 100.0]\n"
    yield "duplicate-key", BASE.replace("seed = 1\n", "seed = 1\nseed = 2\n", 1)
    yield "unknown-top-key", "bogus = 1\n" + BASE
    yield "unknown-table-key", with_key("terrain", "bogus_m", "1")
    yield "missing-initial", BASE.replace("[initial]", "[initial_gone]")
    yield "missing-name", BASE.replace('name = "default"', "")
    yield "empty-file", ""
    yield "binary", "\x00\x01\x02\xff\xfe"
    yield "not-toml", "this is not toml at all ]]] [[["
    yield "table-as-value", BASE.replace('preset = "msl"', "preset = 3")
    yield "vehicle-as-number", BASE.replace('[vehicle]\npreset = "msl"\n', "vehicle = 5\n")
    yield "initial-as-array", BASE.replace("[initial]\n", "[[initial]]\n")
    yield "position-short", BASE.replace("[-350.0, 230.0, 1800.0]", "[1.0]")
    yield "position-strings", BASE.replace("[-350.0, 230.0, 1800.0]", '["a", "b", "c"]')
    yield "position-nested", BASE.replace("[-350.0, 230.0, 1800.0]", "[[1.0], [2.0], [3.0]]")
    yield "bool-for-number", with_key("terrain", "size_m", "true")
    yield "string-for-number", with_key("terrain", "size_m", '"512"')
    yield "date-for-number", with_key("terrain", "size_m", "1979-05-27")
    yield "array-for-number", with_key("terrain", "size_m", "[1, 2]")
    yield "table-for-number", with_key("terrain", "size_m", "{ a = 1 }")
    yield "dispersion-extreme", BASE.replace("sigma = 15.0", "sigma = 1e308")
    yield "dispersion-nan", BASE.replace("min = 3080.0", "min = nan")
    yield "long-unicode-name", BASE.replace('"default"', '"' + "\U0001f680" * 10000 + '"', 1)
    yield "terrain-big-fine", with_key("terrain", "size_m", "2048.0\nresolution_m = 0.25")
    yield "craters-dense", with_key("terrain", "crater_density_per_km2", "1e9")
    yield (
        "rocks-dense-big",
        with_key("terrain", "rock_density_per_m2", "0.2\nrock_diameter_max_m = 1e6"),
    )
    yield "long-slow-landing", with_key("sim", "max_time_s", "3600.0\nplant_rate_Hz = 20000.0")


def attacks() -> Iterator[tuple[str, str]]:
    yield from numeric_attacks()
    yield from structural_attacks()


def write_all(folder: Path) -> list[Path]:
    paths = []
    for i, (label, text) in enumerate(attacks()):
        path = folder / f"{i:04d}.toml"
        path.write_text(f"# {label.encode('unicode_escape').decode()[:200]}\n{text}", "utf-8")
        paths.append(path)
    newline = folder / "new\nline.toml"
    newline.write_text(BASE, "utf-8")
    paths.append(newline)
    return paths


def _label(path: Path) -> str:
    first = path.read_text("utf-8", "replace").split("\n", 1)[0] if path.is_file() else ""
    return f"{path.name!r} {first[:100]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the files here (default: a temp folder)")
    parser.add_argument("--limit", type=int, default=0, help="run only the first N files")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a hang")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hilander-hostile-") as tmp:
        folder = args.out or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        paths = write_all(folder)[: args.limit or None]
        counts: collections.Counter[str] = collections.Counter()
        for path in paths:
            outcome = run_forked(["sim", str(path), "--json"], timeout_s=args.timeout)
            counts[outcome.kind] += 1
            if outcome.kind not in PASSING:
                first = (
                    path.read_text("utf-8", "replace").splitlines()[0][:100]
                    if path.is_file()
                    else ""
                )
                print(f"{outcome.kind:<11} {path.name!r} {first}: {outcome.describe()}", flush=True)
    print(f"{len(paths)} files: " + ", ".join(f"{k} {counts[k]}" for k in CLASSES))
    return 0 if all(counts[k] == 0 for k in CLASSES if k not in PASSING) else 1


if __name__ == "__main__":
    sys.exit(main())
