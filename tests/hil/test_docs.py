"""The docs stay true: generated reference, README set-up, changelog."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from hilander.hil import protocol_doc
from hilander.hil.docgen import generated

ROOT = Path(__file__).resolve().parents[2]


def test_scenario_reference_is_generated_from_the_code() -> None:
    text = (ROOT / "docs" / "scenarios.md").read_text()
    assert generated() in text, "run: python -m hilander.hil.docgen docs/scenarios.md"


def test_protocol_reference_is_generated_from_the_codec() -> None:
    text = (ROOT / "docs" / "protocol.md").read_text()
    assert protocol_doc.generated() in text, (
        "run: python -m hilander.hil.protocol_doc docs/protocol.md"
    )


def setup_commands() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text()
    return dict(re.findall(r"<!-- setup:(\w+) -->\n```sh\n(.+)\n```", readme))


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = setup_commands()
    assert set(commands) == {"run", "test"}
    assert commands["run"].endswith("hilander sim")
    assert commands["test"].endswith("python -m pytest")


def test_changelog_names_this_version() -> None:
    assert f"## [{version('hilander')}]" in (ROOT / "CHANGELOG.md").read_text()


def test_docs_link_to_files_that_exist() -> None:
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", doc.read_text()):
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"
