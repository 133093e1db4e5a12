"""Reading a report.html back: its verdict, its stamp (version, scenario
hash, date), its figures (decoded PNG bytes), its section headings, its
tables (by heading: rows of cell texts) and its links; and checking that it
is self-contained."""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from pathlib import Path

PNG = b"\x89PNG\r\n\x1a\n"


class Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: dict[str, bytes] = {}
        self.verdict = ""
        self.headings: list[str] = []
        self.links: list[str] = []
        self.violations: list[str] = []
        self.stamp = ""
        self.tables: dict[str, list[list[str]]] = {}  # by the heading above; header row first
        self._rows: list[list[str]] | None = None
        self._cell = False
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            head, _, data = (a["src"] or "").partition(",")
            assert head == "data:image/png;base64", head
            self.images[a["alt"] or ""] = base64.b64decode(data)
        if tag == "a":
            self.links.append(a["href"] or "")
        if tag == "table":
            self._rows = self.tables.setdefault(self.headings[-1] if self.headings else "", [])
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._rows[-1].append("")
            self._cell = True
        if a.get("id") == "verdict":
            self._in = "verdict"
        elif a.get("id") == "stamp":
            self._in = "stamp"
        elif tag == "h2":
            self._in = "h2"
            self.headings.append("")
        elif tag == "li":
            self._in = "li"
            self.violations.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "h2", "li") or (tag == "p" and self._in == "stamp"):
            self._in = None
        elif tag == "table":
            self._rows = None
        elif tag in ("td", "th"):
            self._cell = False

    def handle_data(self, data: str) -> None:
        if self._cell and self._rows is not None:
            self._rows[-1][-1] += data
        if self._in == "stamp":
            self.stamp += data
        if self._in == "verdict":
            self.verdict += data
        elif self._in == "h2":
            self.headings[-1] += data
        elif self._in == "li":
            self.violations[-1] += data


def parse_report(folder: Path) -> Parsed:
    """The report in ``folder``, parsed; every figure is a PNG equal to its
    file beside the report, and the page fetches nothing and runs nothing."""
    text = (folder / "report.html").read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text and "<script" not in text
    parsed = Parsed()
    parsed.feed(text)
    for name, data in parsed.images.items():
        assert data.startswith(PNG) and data == (folder / name).read_bytes(), name
    return parsed
