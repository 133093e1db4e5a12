"""Declared parameters: one place for a parameter's unit, meaning and range.

A parameter is a dataclass field made by :func:`param`. Validation of
scenario files, the scenario reference in the docs, and the checks on
configurations built in code all read these declarations.
"""

from __future__ import annotations

import dataclasses
import math
import operator
from typing import Any

_NO_DEFAULT: Any = dataclasses.MISSING


class ConfigError(ValueError):
    """A configuration that breaks a rule; ``field`` names the field it blames
    (a board's ACK INVALID gives that field's index: docs/protocol.md)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def param(
    default: Any = _NO_DEFAULT,
    *,
    unit: str,
    doc: str,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """A dataclass field with its unit, a one-line meaning and its bounds (or,
    for a word, the words it may be: on the wire, the word's index)."""
    metadata: dict[str, Any] = {"unit": unit, "doc": doc, "gt": gt, "ge": ge, "lt": lt, "le": le}
    if choices is not None:
        metadata["choices"] = choices
    return dataclasses.field(default=default, metadata=metadata)


_BOUNDS = (
    ("gt", ">", operator.gt),
    ("ge", ">=", operator.ge),
    ("lt", "<", operator.lt),
    ("le", "<=", operator.le),
)


def bound_error(f: dataclasses.Field[Any], value: Any) -> str | None:
    """Why ``value`` is out of the declared range of ``f``, or None."""
    choices = f.metadata.get("choices")
    if choices is not None:
        return None if value in choices else f"must be one of {', '.join(choices)}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value):
        return "must be a finite number"
    for key, op, ok in _BOUNDS:
        bound = f.metadata.get(key)
        if bound is not None and not ok(value, bound):
            return f"must be {op} {bound:g}"
    return None


def range_text(f: dataclasses.Field[Any]) -> str:
    """The declared range as text, e.g. '> 0, <= 1'."""
    m = f.metadata
    if m.get("choices") is not None:
        return ", ".join(m["choices"])
    return ", ".join(f"{op} {m[key]:g}" for key, op, _ in _BOUNDS if m.get(key) is not None)


def check(obj: object) -> None:
    """Raise ValueError naming the first field of ``obj`` out of its range."""
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        values = value if isinstance(value, tuple) else (value,)
        for v in values:
            reason = bound_error(f, v)
            if reason:
                raise ConfigError(f.name, f"{f.name} = {value!r}: {reason}")
