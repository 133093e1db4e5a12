"""PARAMS values <-> LawConfig, by field name in the doc's PARAMS order.

A word (``guidance``) travels as its index among the words the doc lists;
a whole number as a float that is whole. The checks (each value's own rule,
then the rules between values in the doc's order) come from the doc's
PARAMS table and its "Rules between values".
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from hilander.controller.config import LawConfig
from tests.acceptance.cleanroom import doc
from tests.acceptance.cleanroom.protocol import SPEC

WRONG_COUNT = 0xFFFFFFFF
NAMES = [p.name for p in SPEC.params]
INDEX = {p.name: p.index for p in SPEC.params}


def config_to_values(config: LawConfig) -> list[float]:
    out = []
    for p in SPEC.params:
        value = getattr(config, p.name)
        out.append(float(p.words.index(value) if p.words else value))
    return out


def _value(p: doc.Param, v: float) -> Any:
    if p.words:
        return p.words[int(v)]
    return int(v) if p.whole else float(v)


def values_to_config(values: Sequence[float]) -> LawConfig:
    """The LawConfig; raises ValueError if the values break a rule."""
    kwargs = {p.name: _value(p, v) for p, v in zip(SPEC.params, values, strict=True)}
    fields = {f.name for f in dataclasses.fields(LawConfig)}
    kwargs = {k: v for k, v in kwargs.items() if k in fields}
    return LawConfig(**kwargs)


Rule = Callable[[dict[str, float]], bool]


def _formula(text: str) -> Callable[[dict[str, float]], float]:
    """A formula of the doc (``(a^2 - b^2) / (2 (c - d))``) as a function of the values."""
    expr = text.replace("^", "**")
    expr = re.sub(r"(\d)\s*\(", r"\1*(", expr)
    if not re.fullmatch(r"[\w\s()*/+.-]+", expr):
        raise ValueError(f"a formula this parser cannot read: {text!r}")
    code = compile(expr, "<docs/protocol.md>", "eval")

    def evaluate(v: dict[str, float]) -> float:
        return float(eval(code, {"__builtins__": {}}, dict(v)))

    return evaluate


def _rule(r: doc.CrossRule) -> Rule:
    f = r.field
    if m := re.fullmatch(r"must be below (\w+)", r.text):
        other = m.group(1)
        return lambda v: v[f] < v[other]
    if m := re.fullmatch(r"must be above (\w+)", r.text):
        other = m.group(1)
        return lambda v: v[f] > v[other]
    if m := re.fullmatch(
        r"times (\w+) must be above (\w+) \(checked only when guidance is convex\)", r.text
    ):
        a, b = m.group(1), m.group(2)
        convex = float(SPEC.params[INDEX["guidance"]].words.index("convex"))
        return lambda v: v["guidance"] != convex or v[f] * v[a] > v[b]
    if m := re.fullmatch(r"must be at most ([\d.]+) times [^:]*: (.*)", r.text):
        factor, cap = float(m.group(1)), _formula(m.group(2))
        return lambda v: v[f] <= factor * cap(v)
    raise ValueError(f"a rule between values this parser cannot read: {r.text!r}")


CROSS_RULES = [(r.field, r.text, _rule(r)) for r in SPEC.cross_rules]


def check_values(values: Sequence[float]) -> tuple[int, str] | None:
    """(the blamed field's index, why) for PARAMS that break a rule, or None."""
    if len(values) != len(SPEC.params):
        return WRONG_COUNT, f"values: {len(values)} values, expected {len(SPEC.params)}"
    for p, value in zip(SPEC.params, values, strict=True):
        why = doc.param_error(p, value)
        if why is not None:
            return p.index, why
    by_name = dict(zip(NAMES, values, strict=True))
    for name, text, holds in CROSS_RULES:
        try:
            ok = holds(by_name)
        except ZeroDivisionError:
            ok = False
        if not ok or any(math.isnan(x) for x in by_name.values()):
            return INDEX[name], f"{name} {text}"
    return None
