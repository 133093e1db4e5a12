"""hilander.hil.campaign: many landings.

``executors`` flies N dispersed runs serially, on local processes or on Dask,
with the same per-run results everywhere; ``summary`` reduces them to the
campaign's summary and table; ``baseline`` records and checks golden figures.
"""

from hilander.hil.campaign.baseline import load_suite
from hilander.hil.campaign.executors import Campaign, CampaignResult, fly_campaign
from hilander.hil.campaign.summary import CampaignSummary, summarize_campaign

__all__ = [
    "Campaign",
    "CampaignResult",
    "CampaignSummary",
    "fly_campaign",
    "load_suite",
    "summarize_campaign",
]
