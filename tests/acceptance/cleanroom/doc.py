"""docs/protocol.md read as data: the clean-room codec is driven by the doc.

Everything the wire needs (the header, the messages and their fields, every
enumeration, the PARAMS order and rules) is parsed here from the doc's
tables at import time; nothing of hilander's protocol code is imported. A
table the parser cannot read raises at import, so a doc that changes shape
fails loudly rather than silently.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "protocol.md"


@dataclass(frozen=True)
class Table:
    """A markdown table, the heading above it and the line just before it."""

    heading: str
    level: int
    caption: str
    rows: list[dict[str, str]]


@dataclass(frozen=True)
class Field:
    name: str
    offset: int
    type: str  # u8 u16 u32 f32 f64 char16 utf8
    count: int  # 0: fills the rest of the payload


@dataclass(frozen=True)
class Message:
    type: int
    name: str
    direction: str
    size: int  # fixed bytes
    variable: bool  # "N+": a rest field follows
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Param:
    index: int
    name: str
    whole: bool
    words: tuple[str, ...]  # a word field: the index of the word on the wire
    bounds: tuple[tuple[str, float], ...]  # (operator, limit)


@dataclass(frozen=True)
class CrossRule:
    field: str
    text: str


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def tables(text: str) -> list[Table]:
    """Every table of the doc, in order."""
    found: list[Table] = []
    heading, level, caption = "", 0, ""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if m := re.match(r"^(#+)\s+(.*)$", line):
            heading, level, caption = m.group(2).strip(), len(m.group(1)), ""
        elif line.startswith("|") and i + 1 < len(lines) and set(lines[i + 1]) <= set("|-: "):
            head = _cells(line)
            i += 2
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(dict(zip(head, _cells(lines[i]), strict=True)))
                i += 1
            found.append(Table(heading, level, caption, rows))
            continue
        elif line.strip():
            caption = line.strip()
        i += 1
    return found


def _untick(s: str) -> str:
    return s.strip().strip("`")


def _field(row: dict[str, str]) -> Field:
    count = 0 if row["count"] == "rest" else int(row["count"])
    return Field(_untick(row["field"]), int(row["offset"]), row["type"], count)


def messages(found: list[Table]) -> dict[str, Message]:
    """The "### Messages" table joined with each "#### NAME" field table."""
    (index,) = [t for t in found if t.heading == "Messages" and t.level == 3]
    layouts = {t.heading: t for t in found if t.level == 4}
    out: dict[str, Message] = {}
    for row in index.rows:
        name = re.sub(r"\[(\w+)\]\(.*\)", r"\1", row["name"])
        size = row["payload bytes"]
        fields = tuple(_field(r) for r in layouts[name].rows)
        msg = Message(
            int(row["type"], 16), name, row["direction"], int(size.rstrip("+")), "+" in size, fields
        )
        out[name] = msg
    return out


def numbers(found: list[Table]) -> dict[str, dict[str, int]]:
    """The "### Numbers" tables, named by the first backticked word of their
    caption (``flags`` for the header's flags)."""
    out: dict[str, dict[str, int]] = {}
    for t in found:
        if t.heading != "Numbers":
            continue
        m = re.search(r"`(\w+)`", t.caption)
        if m is None:
            raise ValueError(f"a Numbers table without a name: {t.caption!r}")
        out[m.group(1)] = {r["name"]: int(r["value"]) for r in t.rows}
    return out


_BOUND = re.compile(r"^(>=|<=|>|<) (\S+)$")
_WORD = re.compile(r"^(\d+) ([a-z_]+)$")


def _param(row: dict[str, str]) -> Param:
    whole = False
    words: list[str] = []
    bounds: list[tuple[str, float]] = []
    for token in (t.strip() for t in row["rule"].split(",")):
        if token == "whole":
            whole = True
        elif m := _BOUND.match(token):
            bounds.append((m.group(1), float(m.group(2))))
        elif m := _WORD.match(token):
            if int(m.group(1)) != len(words):
                raise ValueError(f"words out of order: {row['rule']!r}")
            words.append(m.group(2))
        else:
            raise ValueError(f"a PARAMS rule this parser cannot read: {row['rule']!r}")
    return Param(int(row["index"]), _untick(row["field"]), whole, tuple(words), tuple(bounds))


def params(found: list[Table]) -> list[Param]:
    (t,) = [t for t in found if t.heading == "PARAMS" and t.level == 3]
    out = [_param(r) for r in t.rows]
    assert [p.index for p in out] == list(range(len(out))), "PARAMS indices run 0, 1, ..."
    return out


def cross_rules(text: str) -> list[CrossRule]:
    """The numbered "Rules between values" under ### PARAMS."""
    section = text.split("Rules between values", 1)[1].split("\n### ", 1)[0]
    return [
        CrossRule(m.group(1), m.group(2).strip())
        for m in re.finditer(r"^\d+\. `(\w+)` (.*)$", section, re.MULTILINE)
    ]


def header(found: list[Table]) -> list[Field]:
    (t,) = [t for t in found if t.heading.startswith("Header")]
    return [Field(_untick(r["field"]), int(r["offset"]), r["type"], 1) for r in t.rows]


@dataclass(frozen=True)
class Spec:
    version: int
    schema_hash: int
    header: list[Field]
    messages: dict[str, Message]
    numbers: dict[str, dict[str, int]]
    params: list[Param]
    cross_rules: list[CrossRule]
    max_payload: int
    max_run: int  # bytes without a 0x00 after which a receiver throws them away

    def by_type(self, type_: int) -> Message | None:
        return next((m for m in self.messages.values() if m.type == type_), None)


def _number(pattern: str, text: str) -> int:
    m = re.search(pattern, text)
    if m is None:
        raise ValueError(f"not in the doc: {pattern}")
    return int(m.group(1).replace(" ", "").replace("\u202f", ""), 0)


def load(path: Path = DOC) -> Spec:
    text = path.read_text(encoding="utf-8")
    found = tables(text)
    return Spec(
        version=_number(r"Protocol version \*\*(\d+)\*\*", text),
        schema_hash=_number(r"schema hash \*\*(0x[0-9a-f]+)\*\*", text),
        header=header(found),
        messages=messages(found),
        numbers=numbers(found),
        params=params(found),
        cross_rules=cross_rules(text),
        max_payload=_number(r"Maximum payload: ([\d ]+) bytes", text),
        max_run=_number(r"more than ([\d ]+) bytes without a 0x00", text),
    )


def bound_holds(op: str, value: float, limit: float) -> bool:
    return {
        ">=": value >= limit,
        "<=": value <= limit,
        ">": value > limit,
        "<": value < limit,
    }[op]


def param_error(p: Param, value: float) -> str | None:
    """Why ``value`` breaks the rule of ``p`` (its own rule), or None."""
    if not math.isfinite(value):
        return f"{p.name} must be finite, got {value}"
    if (p.whole or p.words) and value != int(value):
        return f"{p.name} must be a whole number, got {value}"
    if p.words and not 0 <= value < len(p.words):
        return f"{p.name} must be the index of one of {p.words}, got {value}"
    for op, limit in p.bounds:
        if not bound_holds(op, value, limit):
            return f"{p.name} must be {op} {limit:g}, got {value}"
    return None
