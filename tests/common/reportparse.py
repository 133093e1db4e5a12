"""Reading a report.html back: its verdict, its figures (decoded PNG bytes),
its section headings and its links; and checking that it is self-contained."""

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
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            head, _, data = (a["src"] or "").partition(",")
            assert head == "data:image/png;base64", head
            self.images[a["alt"] or ""] = base64.b64decode(data)
        if tag == "a":
            self.links.append(a["href"] or "")
        if a.get("id") == "verdict":
            self._in = "verdict"
        elif tag == "h2":
            self._in = "h2"
            self.headings.append("")
        elif tag == "li":
            self._in = "li"
            self.violations.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "h2", "li"):
            self._in = None

    def handle_data(self, data: str) -> None:
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
