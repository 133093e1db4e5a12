"""Dispersions: the ``[dispersions]`` table of a scenario, drawn once per run.

A dispersion names one parameter (``initial.position_m``), a distribution
(``normal`` or ``uniform``) and its bounds. A normal is truncated to the
bounds (drawn by the inverse CDF, so the shape inside the bounds is exact);
its mean defaults to the scenario's nominal value. A vector parameter takes
a number (every component alike) or a list with one value per component.

Every draw of run ``k`` of a campaign with seed ``s`` comes from
``SeedSequence([s, k, crc32(name)])``: a run is reproducible alone, does not
depend on how many runs the campaign has or where it flies, and adding a
dispersion does not change the draws of the others.

Dispersions of [vehicle] change the true vehicle only: the flight software
keeps the nominal values (its LawConfig is built from the nominal vehicle),
as a real lander's would; a run's written scenario states them in
[law.vehicle]. A dispersion of [law] changes what the law is told.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import typing
import zlib
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from hilander.controller.params import bound_error
from hilander.sim.schema import ScenarioError, where

DISPERSIBLE = ("vehicle", "law", "initial", "terrain", "wind", "environment", "sim")
# numbers that are not quantities: the law's landing system is the vehicle's
NOT_DISPERSIBLE = {("law", "landing_system"): "the vehicle's landing_system sets it"}
DISTRIBUTIONS = ("normal", "uniform")
SPEC_KEYS = {
    "normal": ("distribution", "mean", "sigma", "min", "max"),
    "uniform": ("distribution", "min", "max"),
}
SEED_MAX = 2**63 - 1
_STANDARD = NormalDist()


@dataclass(frozen=True)
class Dispersion:
    """One dispersed parameter; tuples hold one value per component."""

    table: str
    field: str
    distribution: str
    low: tuple[float, ...]
    high: tuple[float, ...]
    mean: tuple[float, ...] = ()
    sigma: tuple[float, ...] = ()
    integer: bool = False
    vector: bool = False

    @property
    def name(self) -> str:
        return f"{self.table}.{self.field}"

    def columns(self) -> list[str]:
        """The per-run table's column names for this parameter."""
        if not self.vector:
            return [self.name]
        return [f"{self.name}[{i}]" for i in range(len(self.low))]

    def draw(self, campaign_seed: int, run: int) -> float | int | tuple[float, ...]:
        rng = np.random.default_rng([campaign_seed, run, zlib.crc32(self.name.encode())])
        if self.integer:
            return int(rng.integers(int(self.low[0]), int(self.high[0]), endpoint=True))
        u = rng.random(len(self.low))
        values = tuple(self._component(i, float(u[i])) for i in range(len(self.low)))
        return values if self.vector else values[0]

    def _component(self, i: int, u: float) -> float:
        lo, hi = self.low[i], self.high[i]
        if self.distribution == "uniform":
            return lo + (hi - lo) * u
        mean, sigma = self.mean[i], self.sigma[i]
        if sigma == 0.0:
            return mean
        p_lo = _STANDARD.cdf((lo - mean) / sigma)
        p_hi = _STANDARD.cdf((hi - mean) / sigma)
        p = min(max(p_lo + (p_hi - p_lo) * u, 1e-300), 1.0 - 1e-16)
        return min(max(mean + sigma * _STANDARD.inv_cdf(p), lo), hi)


def run_seed(campaign_seed: int, run: int) -> int:
    """The scenario seed of run ``run`` (sensor noise, gusts, hazard sensing)."""
    words = np.random.SeedSequence([campaign_seed, run]).generate_state(2, np.uint32)
    return (int(words[0]) << 31 | int(words[1]) >> 1) & SEED_MAX


def parse_dispersions(table: Any, nominal: dict[str, Any], source: str) -> tuple[Dispersion, ...]:
    """The [dispersions] table checked against the scenario's parameter classes.

    ``nominal`` maps a table name to its (validated) nominal dataclass instance."""
    if not isinstance(table, dict):
        raise ScenarioError(f"{where(source, '', 'dispersions')}: expected a table [dispersions]")
    out = []
    for name, fields in table.items():
        if name not in DISPERSIBLE:
            raise ScenarioError(
                f"{where(source, 'dispersions', name)}: not a dispersible table "
                f"(one of {', '.join(DISPERSIBLE)})"
            )
        if not isinstance(fields, dict):
            raise ScenarioError(
                f"{where(source, 'dispersions', name)}: expected a table of parameters"
            )
        for key, spec in fields.items():
            out.append(_parse_one(name, key, spec, nominal[name], source))
    return tuple(out)


def _parse_one(table: str, key: str, spec: Any, obj: Any, source: str) -> Dispersion:
    here = where(source, f"dispersions.{table}", key)
    fields = {f.name: f for f in dataclasses.fields(obj)}
    if key not in fields:
        close = difflib.get_close_matches(key, fields, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ScenarioError(f"{here}: [{table}] has no parameter {key!r}{hint}")
    if (table, key) in NOT_DISPERSIBLE:
        raise ScenarioError(f"{here}: cannot be dispersed ({NOT_DISPERSIBLE[table, key]})")
    hint_type = typing.get_type_hints(type(obj))[key]
    nominal = getattr(obj, key)
    if hint_type not in (float, int) and typing.get_origin(hint_type) is not tuple:
        raise ScenarioError(f"{here}: cannot be dispersed (not a number)")
    if not isinstance(spec, dict):
        raise ScenarioError(
            f'{here}: expected a table such as {{ distribution = "uniform", min = 0, max = 1 }}'
        )
    kind = spec.get("distribution")
    if kind not in DISTRIBUTIONS:
        raise ScenarioError(f"{here}: distribution must be 'normal' or 'uniform', got {kind!r}")
    for k in spec:
        if k not in SPEC_KEYS[kind]:
            raise ScenarioError(
                f"{here}: unknown key {k!r} for a {kind} (keys: {', '.join(SPEC_KEYS[kind])})"
            )
    vector = isinstance(nominal, tuple)
    n = len(nominal) if vector else 1
    integer = hint_type is int
    if integer and kind != "uniform":
        raise ScenarioError(f"{here}: an integer parameter takes a uniform distribution only")
    low, high = _values(spec, "min", n, here, integer), _values(spec, "max", n, here, integer)
    d = Dispersion(table, key, kind, low, high, integer=integer, vector=vector)
    if kind == "normal":
        mean = _values(spec, "mean", n, here) if "mean" in spec else _as_tuple(nominal)
        d = dataclasses.replace(d, mean=mean, sigma=_values(spec, "sigma", n, here))
    _check_ranges(d, fields[key], here)
    _check_corners(d, obj, here)
    return d


def _check_corners(d: Dispersion, obj: Any, here: str) -> None:
    """Both bounds must make a valid parameter set (z > 0, min <= max, ...)."""
    for bound, values in (("min", d.low), ("max", d.high)):
        value: Any = int(values[0]) if d.integer else values if d.vector else values[0]
        try:
            dataclasses.replace(obj, **{d.field: value})
        except ValueError as e:
            raise ScenarioError(f"{here}: {bound} gives an invalid [{d.table}]: {e}") from None


def _as_tuple(value: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in value) if isinstance(value, tuple) else (float(value),)


def _values(
    spec: dict[str, Any], key: str, n: int, here: str, integer: bool = False
) -> tuple[float, ...]:
    if key not in spec:
        raise ScenarioError(f"{here}: {key} missing (every dispersion needs min and max)")
    raw = spec[key]
    items = raw if isinstance(raw, list) else [raw] * n
    kind = "an integer" if integer else "a number"
    if len(items) != n:
        raise ScenarioError(f"{here}: {key}: expected {kind} or a list of {n}, got {len(items)}")
    for v in items:
        ok = isinstance(v, int) if integer else isinstance(v, int | float)
        if not ok or isinstance(v, bool) or not math.isfinite(v):
            raise ScenarioError(f"{here}: {key}: expected {kind}, got {v!r}")
    return tuple(float(v) for v in items)


def _check_ranges(d: Dispersion, f: dataclasses.Field[Any], here: str) -> None:
    for i, (lo, hi) in enumerate(zip(d.low, d.high, strict=True)):
        at = f"[{i}]" if d.vector else ""
        if lo > hi:
            raise ScenarioError(f"{here}: min{at} = {lo:g} is above max{at} = {hi:g}")
        for bound, value in (("min", lo), ("max", hi)):
            reason = bound_error(f, value)
            if reason:
                raise ScenarioError(f"{here}: {bound}{at} = {value:g}: the parameter {reason}")
        if d.distribution == "normal":
            if d.sigma[i] < 0:
                raise ScenarioError(f"{here}: sigma{at} = {d.sigma[i]:g}: must be >= 0")
            if not lo <= d.mean[i] <= hi:
                raise ScenarioError(
                    f"{here}: mean{at} = {d.mean[i]:g} lies outside [{lo:g}, {hi:g}]"
                )


def draws(
    dispersions: tuple[Dispersion, ...], campaign_seed: int, run: int
) -> dict[str, float | int | tuple[float, ...]]:
    """Every dispersed value of one run, by parameter name."""
    return {d.name: d.draw(campaign_seed, run) for d in dispersions}


def flat_draws(
    dispersions: tuple[Dispersion, ...], values: dict[str, Any]
) -> dict[str, float | int]:
    """The drawn values one column per component, as in the per-run table."""
    out: dict[str, float | int] = {}
    for d in dispersions:
        value = values[d.name]
        parts = value if isinstance(value, tuple) else (value,)
        out.update(zip(d.columns(), parts, strict=True))
    return out
