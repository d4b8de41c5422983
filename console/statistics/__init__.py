"""The console dashboard's figures: each a few aggregate queries for a period and a region.

Every function takes keyword-only `start` and `end` (both days included) and
`region_code` (a county, prefecture or province GB code; None for the whole
country) and returns a small frozen dataclass. Regions count by prefix, as
everywhere in the console (`reference.codes.scope_prefix`):
- worker figures by the worker's home (hukou) county, the sending side;
- posting and campaign figures by the site's county and the campaign's regions;
- transport by the trip's site or stops, wages recovered by the case's sending
  or receiving county (as their own statistics pages count them).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from console.statistics.base import Change, Row, months_before
from console.statistics.campaigns import CampaignRow, MatchingRuns, RunRow, campaign_results, matching_runs
from console.statistics.workers import (
    LocalEmployment,
    MonthTransport,
    OutAtWork,
    PoorLabourers,
    Registered,
    Trained,
    TrainedRow,
    Transported,
    Wages,
    current_placements,
    local_employment,
    out_at_work,
    poor_labourers_out,
    registered_workers,
    trained,
    transported,
    wages,
)

__all__ = [
    "CampaignRow",
    "Change",
    "Dashboard",
    "LocalEmployment",
    "MatchingRuns",
    "MonthTransport",
    "OutAtWork",
    "PoorLabourers",
    "Registered",
    "Row",
    "RunRow",
    "Trained",
    "TrainedRow",
    "Transported",
    "Wages",
    "campaign_results",
    "current_placements",
    "dashboard",
    "local_employment",
    "matching_runs",
    "months_before",
    "out_at_work",
    "poor_labourers_out",
    "registered_workers",
    "trained",
    "transported",
    "wages",
]


# All of them -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    start: date
    end: date
    region_code: str | None
    registered: Registered
    out_at_work: OutAtWork
    transported: Transported
    trained: Trained
    poor_labourers: PoorLabourers
    local_employment: LocalEmployment
    campaigns: tuple[CampaignRow, ...]
    matching: MatchingRuns
    wages: Wages


def dashboard(*, start: date, end: date, region_code: str | None) -> Dashboard:
    """Every figure of the console dashboard for the period and region."""
    period: dict[str, Any] = {"start": start, "end": end, "region_code": region_code}
    return Dashboard(
        start=start,
        end=end,
        region_code=region_code,
        registered=registered_workers(**period),
        out_at_work=out_at_work(**period),
        transported=transported(**period),
        trained=trained(**period),
        poor_labourers=poor_labourers_out(**period),
        local_employment=local_employment(**period),
        campaigns=campaign_results(**period),
        matching=matching_runs(**period),
        wages=wages(**period),
    )
