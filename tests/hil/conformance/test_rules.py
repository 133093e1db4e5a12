"""The cases as data: unique names, a one-line requirement, and a rule that
is a section of docs/protocol.md as it stands."""

from __future__ import annotations

import re
from pathlib import Path

from hilander.hil.conformance import CASES

PROTOCOL = Path(__file__).resolve().parents[3] / "docs" / "protocol.md"


def anchors(markdown: str) -> set[str]:
    """The anchors of a page's headings, as GitHub makes them."""
    found = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add("#" + slug)
    return found


def test_every_case_names_a_section_of_the_protocol() -> None:
    sections = anchors(PROTOCOL.read_text(encoding="utf-8"))
    assert {"#handshake", "#framing"} <= sections
    missing = {c.name: c.anchor for c in CASES if c.anchor not in sections}
    assert not missing


def test_cases_have_unique_names_and_one_line_requirements() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    for c in CASES:
        assert re.fullmatch(r"[a-z0-9-]+", c.name), c.name
        assert c.requirement and "\n" not in c.requirement


def test_the_page_lists_every_case() -> None:
    page = (PROTOCOL.parent / "conformance.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([a-z0-9-]+)` \|", page, re.MULTILINE)
    assert listed == [c.name for c in CASES]
