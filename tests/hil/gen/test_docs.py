"""The docs stay true: generated reference, README set-up, changelog."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from hilander.hil.gen import protocol_docs
from hilander.hil.gen.scenario_docs import generated

ROOT = Path(__file__).resolve().parents[3]


def test_scenario_reference_is_generated_from_the_code() -> None:
    text = (ROOT / "docs" / "scenarios.md").read_text()
    assert generated() in text, "run: python -m hilander.hil.gen.scenario_docs docs/scenarios.md"


def test_protocol_reference_is_generated_from_the_codec() -> None:
    text = (ROOT / "docs" / "protocol.md").read_text()
    assert protocol_docs.generated() in text, (
        "run: python -m hilander.hil.gen.protocol_docs docs/protocol.md"
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


def test_the_campaign_docs_name_every_figure_key_kind_and_option() -> None:
    from hilander.hil.campaign.executors import Campaign, CampaignResult  # noqa: PLC0415
    from hilander.hil.campaign.summary import summarize_campaign  # noqa: PLC0415
    from hilander.hil.campaign.table import RunTable  # noqa: PLC0415
    from hilander.hil.cli.main import build_parser  # noqa: PLC0415
    from hilander.sim import result  # noqa: PLC0415
    from hilander.sim.campaign import METRICS  # noqa: PLC0415
    from hilander.sim.scenario import load_scenario  # noqa: PLC0415

    text = (ROOT / "docs" / "campaigns.md").read_text()
    for m in METRICS:
        assert f"| `{m.name}` | {m.worse.replace('both', 'both ways')} | {m.tolerance:g} |" in text
    c = Campaign(load_scenario("default"), 1, 1)
    empty = CampaignResult(c, RunTable(c), 1.0, "serial")
    for key in summarize_campaign(empty).to_dict():
        assert f"| `{key}` |" in text, key
    kinds = [
        kind
        for module in ("result.py", "result_legs.py", "result_airbags.py")
        for kind in re.findall(r'\(\s*"([a-z_]+)",', (ROOT / "sim" / module).read_text())
    ]
    assert len(kinds) >= 14 and result.Violation is not None
    for kind in kinds:
        assert f"`{kind}`" in text, kind
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    optimal = (ROOT / "docs" / "optimal.md").read_text()
    for command, doc in (("campaign", text), ("baseline", text), ("optimal", optimal)):
        for action in sub.choices[command]._actions:  # type: ignore[attr-defined]
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert f"`{flag}" in doc, flag


def test_the_scenario_docs_name_every_lander_and_fault_with_its_source() -> None:
    from hilander.sim.catalog import FAULTS  # noqa: PLC0415
    from hilander.sim.presets import PRESETS  # noqa: PLC0415

    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for name in PRESETS:
        assert f"| `{name}` |" in text, name
    for fault in FAULTS:
        row = next(
            (line for line in text.splitlines() if line.startswith(f"| `{fault.name}` |")), ""
        )
        assert "§" in row, fault.name


def test_the_report_docs_name_every_figure_and_data_file() -> None:
    from hilander.hil.report import campaign_page, pages  # noqa: PLC0415

    text = (ROOT / "docs" / "reports.md").read_text()
    names = [*pages.CAPTIONS, *pages.OPTIMAL_CAPTIONS, *campaign_page.CAPTIONS]
    for name in [*names, "link.csv", "back_to_back.csv", "runs.csv", "trajectory.csv"]:
        assert f"`{name}`" in text, name
    columns = ("time_s", "event", "latency_us", "board_compute_us", "late_command")
    for column in (*columns, "unanswered_frames", "late_latency_us", "speedup"):
        assert f"`{column}`" in text, column
