"""hilander.hil.report: the only place that draws, renders HTML or writes
result files.

``text`` is the summary for a person at a terminal; ``files`` writes a run's
results (summary JSON, telemetry and link CSV, the resolved scenario) and its
report; ``html`` renders a ``Report`` to one self-contained page; ``pages``
and ``campaign_page`` build each command's ``Report``; ``figures/`` draws the
PNGs (through ``figures.plotting``, the one module that imports matplotlib).
"""

from hilander.hil.report.campaign_page import write_campaign_report
from hilander.hil.report.files import OutputError, write_report, write_run
from hilander.hil.report.text import text_report

__all__ = [
    "OutputError",
    "text_report",
    "write_campaign_report",
    "write_report",
    "write_run",
]
