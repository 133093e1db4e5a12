"""report.html: one self-contained file (figures inline as data URIs, no
script, no network) with the verdict and its violations, tables and figures.

A Report is plain data, so every command (sim, hil, campaign, optimal,
replay) fills the same shape and the page looks the same everywhere. The
only links are relative ones to files written beside the report (the worst
runs of a campaign, each with its own report).
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass, field
from typing import Any

from hilander import __version__

STYLE = """
body { font-family: sans-serif; margin: 2em; max-width: 62em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
.pass, .identical, .within_tolerance { color: #176f2c; }
.fail, .aborted, .interrupted, .stalled, .stall, .link_lost,
.different, .not_compared { color: #b3261e; }
table { border-collapse: collapse; } td, th { padding: 0.15em 0.8em; text-align: left; }
tr:nth-child(even) { background: #f3f3f3; } thead th { border-bottom: 1px solid #999; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 0.9em; background: #f0f0f0; padding: 0 0.2em; }
figure { margin: 1em 0; } figcaption { font-size: 0.9em; color: #555; }
img { max-width: 100%; } p.note { color: #555; font-size: 0.9em; }
p.stamp { color: #555; font-size: 0.85em; margin-top: -0.6em; }
"""


@dataclass(frozen=True)
class Link:
    """A relative link to a file beside the report."""

    text: str
    href: str


@dataclass(frozen=True)
class Code:
    """A command to copy, shown in a fixed font."""

    text: str


@dataclass(frozen=True)
class Flag:
    """A word coloured by its class (``pass``, ``fail``) as the verdict is."""

    text: str


Cell = str | int | float | None | Link | Code | Flag


@dataclass
class Table:
    """A table with a header row; cells are escaped, numbers right-aligned."""

    heading: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""


@dataclass
class Report:
    title: str
    verdict: str
    violations: list[str]
    summary: list[tuple[str, Any]]  # the key/value table under "Summary"
    tables: list[Table] = field(default_factory=list)
    figures: dict[str, bytes] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)  # figure file -> caption
    scenario_sha256: str = ""  # of the resolved scenario's TOML (stamp.scenario_sha256)


def number(value: int | float) -> str:
    """A number as a table shows it: thousands separated, four significant
    digits below a thousand (12,345 and 0.2501, never 1.234e+04)."""
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _cell(value: Cell) -> str:
    if isinstance(value, Link):
        return f'<td><a href="{html.escape(value.href)}">{html.escape(value.text)}</a></td>'
    if isinstance(value, Code):
        return f"<td><code>{html.escape(value.text)}</code></td>"
    if isinstance(value, Flag):
        word = html.escape(value.text)
        return f'<td><strong class="{word}">{word}</strong></td>'
    if value is None:
        return "<td>-</td>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="num">{html.escape(number(value))}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def _pairs(pairs: list[tuple[str, Any]]) -> str:
    return "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in pairs
    )


def _table(t: Table) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in t.columns)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in t.rows)
    note = f'<p class="note">{html.escape(t.note)}</p>' if t.note else ""
    return (
        f"<h2>{html.escape(t.heading)}</h2>{note}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _figure(name: str, data: bytes, caption: str) -> str:
    uri = base64.b64encode(data).decode("ascii")
    text = f"{caption} ({name})" if caption else name
    return (
        f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{uri}">'
        f"<figcaption>{html.escape(text)}</figcaption></figure>"
    )


def stamp(r: Report, date: str) -> str:
    """The line under the title: who wrote the page, of which scenario, when."""
    parts = [f"hilander {__version__}"]
    if r.scenario_sha256:
        short = html.escape(r.scenario_sha256[:12])
        full = html.escape(r.scenario_sha256)
        parts.append(f'scenario <code title="sha256 {full}">{short}</code>')
    parts.append(html.escape(date))
    return f'<p class="stamp" id="stamp">{" · ".join(parts)}</p>'


def render(r: Report, date: str) -> str:
    """The report as one HTML string, stamped with ``date`` (YYYY-MM-DD)."""
    items = "".join(f"<li>{html.escape(v)}</li>" for v in r.violations or ["none"])
    images = "".join(_figure(n, d, r.captions.get(n, "")) for n, d in r.figures.items())
    verdict = html.escape(r.verdict)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(r.title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(r.title)}</h1>{stamp(r, date)}"
        f'<p>Verdict: <strong class="{verdict}" id="verdict">{verdict.upper()}</strong></p>'
        f'<h2>Violations</h2><ul id="violations">{items}</ul>'
        f"<h2>Summary</h2><table>{_pairs(r.summary)}</table>"
        + "".join(_table(t) for t in r.tables)
        + f"<h2>Figures</h2>{images}</body></html>\n"
    )
