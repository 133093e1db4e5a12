"""report.html: one self-contained file (figures inline as data URIs, no
script, no network) with the summary, the verdict and its violations."""

from __future__ import annotations

import base64
import html
from typing import Any

STYLE = """
body { font-family: sans-serif; margin: 2em; max-width: 60em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
.pass { color: #176f2c; } .fail, .aborted, .interrupted, .stalled { color: #b3261e; }
table { border-collapse: collapse; } td, th { padding: 0.15em 0.8em; text-align: left; }
tr:nth-child(even) { background: #f3f3f3; }
figure { margin: 1em 0; } figcaption { font-size: 0.9em; color: #555; }
img { max-width: 100%; }
"""


def _rows(pairs: list[tuple[str, Any]]) -> str:
    return "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in pairs
    )


def _summary_rows(s: dict[str, Any]) -> list[tuple[str, Any]]:
    sc, td = s["scenario"], s["touchdown"] or {}
    rows: list[tuple[str, Any]] = [
        ("scenario", f"{sc['name']} (seed {sc['seed']}, preset {sc['preset']})"),
        ("landing system", sc.get("landing_system", "sky_crane")),
        ("controller", s["controller"]),
    ]
    if td:
        rows += [
            ("touchdown time [s]", td["time_s"]),
            ("vertical speed [m/s]", td["vertical_speed_mps"]),
            ("horizontal speed [m/s]", td["horizontal_speed_mps"]),
            ("distance to the chosen site [m]", td["distance_to_site_m"]),
            ("on a hazard", td["on_hazard"]),
        ]
    rows += [("propellant used [kg]", s["propellant_used_kg"])]
    rows += [(p["name"], f"from {p['start_s']} s") for p in s["phases"]]
    return rows


def render(summary: dict[str, Any], figures: dict[str, bytes], title: str) -> str:
    """The report as one HTML string."""
    verdict = str(summary["verdict"])
    violations = summary["violations"] or ["none"]
    items = "".join(f"<li>{html.escape(v)}</li>" for v in violations)
    images = "".join(
        f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,'
        f'{base64.b64encode(png).decode("ascii")}"><figcaption>{html.escape(name)}'
        "</figcaption></figure>"
        for name, png in figures.items()
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f'<p>Verdict: <strong class="{html.escape(verdict)}" id="verdict">'
        f"{html.escape(verdict.upper())}</strong></p>"
        f'<h2>Violations</h2><ul id="violations">{items}</ul>'
        f"<h2>Summary</h2><table>{_rows(_summary_rows(summary))}</table>"
        f"<h2>Figures</h2>{images}</body></html>\n"
    )
