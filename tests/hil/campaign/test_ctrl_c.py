"""Ctrl-C while a chunk is being written to the runs file: the chunk is in
the table too (the summary's count), so runs.csv and summary.json agree
(tests/acceptance/test_console.py saw 1,091 rows for 1,050 runs flown when
the signal fell between the two)."""

from __future__ import annotations

import os
import signal
from typing import Any

from hilander.hil.campaign.executors import Campaign, fly_campaign
from hilander.sim.scenario import load_scenario


def test_a_ctrl_c_during_the_write_keeps_file_and_table_equal() -> None:
    c = Campaign(load_scenario("default"), 6, 1)
    written: list[int] = []

    def record(chunk: list[dict[str, Any]]) -> None:
        if not written:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C in the middle of the write
        written.extend(row["run"] for row in chunk)

    result = fly_campaign(c, workers=1, record=record)
    assert result.interrupted
    assert len(result.table) == len(written) == 1  # the chunk written is counted, no more
