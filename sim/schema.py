"""Reading declared parameters from TOML tables, with one-line errors.

An unknown key, a wrong type, a missing key or a value out of range raises
ScenarioError whose text names the file, the table, the key and the reason.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from hilander.controller.params import bound_error

T = TypeVar("T")


NAME_CHARS_MAX = 80  # a key, table or path longer than this is shortened in messages


def printable(text: str) -> str:
    """``text`` with every unprintable character escaped (a newline as \\n, an
    escape as \\x1b): what the user wrote, on one line of a terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def shorten(text: str, limit: int = NAME_CHARS_MAX) -> str:
    """``text`` printable and at most about ``limit`` characters."""
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ScenarioError(ValueError):
    """A scenario that cannot be flown; str() is one line: file, key, reason
    (control characters from the file or its path are shown escaped)."""

    def __str__(self) -> str:
        return printable(super().__str__())


def where(source: str, table: str, key: str | None = None) -> str:
    place = f"[{shorten(table)}]" if table else ""
    if key:
        place = f"{place} {shorten(key)}" if place else shorten(key)
    source = shorten(source, 4 * NAME_CHARS_MAX)
    return f"{source}: {place}" if place else source


def _type_name(tp: Any) -> str:
    if tp is float:
        return "a number"
    if tp is int:
        return "an integer"
    if tp is bool:
        return "true or false"
    if tp is str:
        return "a string"
    n = len(typing.get_args(tp))
    return f"a list of {n} numbers"


def coerce(value: Any, tp: Any) -> Any:
    """The TOML value as the declared type, or raise TypeError."""
    if tp is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if tp is bool and isinstance(value, bool):
        return value
    if tp is str and isinstance(value, str):
        return value
    if typing.get_origin(tp) is tuple:
        n = len(typing.get_args(tp))
        if isinstance(value, list) and len(value) == n:
            return tuple(coerce(v, float) for v in value)
    raise TypeError(_type_name(tp))


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value).lower()
    return shorten(text, 40)


def load_params(
    cls: type[T], table: Mapping[str, Any], base: Mapping[str, Any], source: str, name: str
) -> T:
    """An instance of the parameter dataclass ``cls`` from ``base`` updated by ``table``."""
    if not isinstance(table, Mapping):
        raise ScenarioError(f"{where(source, name)}: expected a table")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values = dict(base)
    for key, raw in table.items():
        if key not in fields:
            close = difflib.get_close_matches(key, fields, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ScenarioError(f"{where(source, name, key)}: unknown key{hint}")
        try:
            values[key] = coerce(raw, hints[key])
        except TypeError as e:
            raise ScenarioError(
                f"{where(source, name, key)}: expected {e}, got {_show(raw)}"
            ) from None
        for v in values[key] if isinstance(values[key], tuple) else (values[key],):
            reason = bound_error(fields[key], v)
            if reason:
                raise ScenarioError(f"{where(source, name, key)} = {_show(raw)}: {reason}")
    for key, f in fields.items():
        if key not in values and f.default is dataclasses.MISSING:
            raise ScenarioError(f"{where(source, name, key)}: missing")
    try:
        return cls(**values)
    except ValueError as e:
        raise ScenarioError(f"{where(source, name)}: {e}") from None


def defaults(cls: type) -> dict[str, Any]:
    """The declared defaults of a parameter dataclass."""
    return {
        f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING
    }
