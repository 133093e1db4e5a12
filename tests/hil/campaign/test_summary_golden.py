"""The campaign summary is a typed record whose JSON is the output contract
of ``hilander campaign --json``: byte for byte what version 0.6 printed for
30 runs of the default scenario on two processes (wall time and rate aside;
tests/data/summaries/campaign-default-30.json, written by 0.6.0)."""

from __future__ import annotations

import re
from pathlib import Path

from hilander.hil.campaign import Campaign, fly_campaign, summarize_campaign
from hilander.hil.campaign.summary import CampaignSummary, Statistics
from hilander.sim.scenario import load_scenario

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "summaries" / "campaign-default-30.json"
TIMES = re.compile(r'"(wall_time_s|runs_per_s)": [0-9.e+-]+')


def test_the_campaign_summary_prints_as_version_0_6_did() -> None:
    result = fly_campaign(Campaign(load_scenario("default"), 30, 1), workers=2)
    summary = summarize_campaign(result)
    assert isinstance(summary, CampaignSummary)
    text = TIMES.sub(r'"\1": 0', summary.to_json() + "\n")
    assert text == GOLDEN.read_text()
    assert summary.outcome.passed == summary.to_dict()["outcome"]["pass"] == 30
    assert isinstance(summary.metrics["touchdown_vertical_speed_mps"], Statistics)
