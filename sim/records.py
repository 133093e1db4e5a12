"""Typed records that print as JSON: the base of every summary.

A record is a frozen dataclass whose fields are the keys of its JSON object,
in order. ``to_dict()`` gives the plain data (nested records, lists and
dicts converted), ``to_json()`` the exact text the command prints. A field
whose metadata says ``omit_none`` is left out while it is None (the parts a
command adds, such as ``files``); ``key`` names a JSON key that is no Python
name (``pass``); ``inline`` puts a nested record's keys in place of its own
(a board session's summary: the landing's keys, then the session's).
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any, Self

OMIT_NONE = {"omit_none": True}
INLINE = {"inline": True}


def json_key(key: str) -> dict[str, str]:
    """Field metadata: the field prints under this key."""
    return {"key": key}


class Record:
    """Mixed into a frozen dataclass: ``to_dict()`` and ``to_json()``."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None and f.metadata.get("omit_none"):
                continue
            if f.metadata.get("inline"):
                out.update(plain(value))
            else:
                out[f.metadata.get("key", f.name)] = plain(value)
        return out

    def to_json(self) -> str:
        return to_json(self.to_dict())

    def with_files(self, files: list[str]) -> Self:
        """The record with the files a command wrote (its ``files`` field)."""
        return dataclasses.replace(self, files=files)  # type: ignore[type-var]


def plain(value: Any) -> Any:
    """Records, lists, tuples and dicts as plain JSON data."""
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _finite(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    return x


def to_json(data: dict[str, Any]) -> str:
    """Strict JSON (NaN and infinities as null), keys in their given order,
    indented by two."""
    return json.dumps(_finite(data), indent=2, allow_nan=False)
