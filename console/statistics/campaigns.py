"""The figures about campaigns and matching runs: campaign results by the sites' region, runs for the whole country
with the offers made to workers from the region."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from console.statistics.base import home_in, within
from jobs.models import Campaign, JobPosting
from matching.models import MatchRun, Offer
from reference.codes import scope_prefix

# How many full matching runs the dashboard lists; the totals still count every run.
RUNS_LISTED = 20
# How many campaigns the dashboard lists, the latest first.
CAMPAIGNS_LISTED = 50

# Offers the worker said yes to: whatever came after (confirmation, arrival or a no-show).
ACCEPTED = (Offer.Status.ACCEPTED, Offer.Status.CONFIRMED, Offer.Status.PLACED, Offer.Status.NO_SHOW)
FULL_RUNS = (MatchRun.Trigger.SCHEDULED, MatchRun.Trigger.MANUAL)
# A posting counts for its campaign once the bureau let it out.
POSTED = (JobPosting.Status.PUBLISHED, JobPosting.Status.FILLED, JobPosting.Status.CLOSED, JobPosting.Status.EXPIRED)


# 7. Campaigns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignRow:
    pk: int
    name: str
    kind: str
    starts_on: date
    ends_on: date
    postings: int
    positions: int
    filled: int


def _campaign_in(region_code: str | None) -> Q:
    """Campaigns held in the region, above it (a province's or a national one, which has no regions) or below it."""
    if not region_code:
        return Q()
    prefix = scope_prefix(region_code)
    # The region itself and the prefecture and province holding it.
    covering = {region_code[:2] + "0000", region_code[:4] + "00", region_code}
    through = Campaign.regions.through.objects.filter(campaign_id=OuterRef("pk"))
    held = Q(region__code__startswith=prefix) | Q(region_id__in=covering)
    return Exists(through.filter(held)) | ~Exists(through)


def campaign_results(*, start: date, end: date, region_code: str | None) -> tuple[CampaignRow, ...]:
    """Campaigns running at some time in the period (latest first), with their postings, positions and positions
    filled at sites in the region."""
    posted = Q(postings__status__in=POSTED)
    if region_code:
        posted &= Q(postings__county__code__startswith=scope_prefix(region_code))
    campaigns = (
        Campaign.objects.filter(_campaign_in(region_code), starts_on__lte=end, ends_on__gte=start)
        .annotate(
            n_postings=Count("postings", filter=posted),
            n_positions=Coalesce(Sum("postings__headcount", filter=posted), 0),
            n_filled=Coalesce(Sum("postings__filled_count", filter=posted), 0),
        )
        .only("pk", "name", "kind", "starts_on", "ends_on")
        .order_by("-starts_on", "-pk")[:CAMPAIGNS_LISTED]
    )
    return tuple(
        CampaignRow(
            pk=campaign.pk,
            name=campaign.name,
            kind=str(campaign.get_kind_display()),
            starts_on=campaign.starts_on,
            ends_on=campaign.ends_on,
            postings=campaign.n_postings,
            positions=campaign.n_positions,
            filled=campaign.n_filled,
        )
        for campaign in campaigns
    )


# 8. Matching runs ------------------------------------------------------------------------


@dataclass(frozen=True)
class RunRow:
    pk: int
    started_at: datetime
    trigger: str
    seconds: float | None
    offers: int
    accepted: int

    @property
    def acceptance_percent(self) -> float | None:
        return round(100 * self.accepted / self.offers, 1) if self.offers else None


@dataclass(frozen=True)
class MatchingRuns:
    runs: int
    offers: int
    accepted: int
    full_runs: tuple[RunRow, ...]

    @property
    def acceptance_percent(self) -> float | None:
        return round(100 * self.accepted / self.offers, 1) if self.offers else None


def matching_runs(*, start: date, end: date, region_code: str | None) -> MatchingRuns:
    """Runs started in the period: how many, the offers they made to workers from the region and how many the
    workers accepted; the latest full runs one by one (runs cover the whole country, offers count by home)."""
    runs = MatchRun.objects.filter(within("started_at", start, end))
    # One pass over the offers, per run: the totals and the listed runs' figures both come from it.
    per_run = {
        row["run_id"]: row
        for row in Offer.objects.filter(home_in(region_code, "worker__"), run__in=runs.values("pk"))
        .values("run_id")
        .annotate(offers=Count("pk"), accepted=Count("pk", filter=Q(status__in=ACCEPTED)))
        .order_by()
    }
    none = {"offers": 0, "accepted": 0}
    full = (
        runs.filter(trigger__in=FULL_RUNS)
        # The JSON reports stay in the database: the fairness page reads them.
        .only("pk", "started_at", "finished_at", "trigger")
        .order_by("-started_at", "-pk")[:RUNS_LISTED]
    )
    rows = tuple(
        RunRow(
            pk=run.pk,
            started_at=run.started_at,
            trigger=str(run.get_trigger_display()),
            seconds=run.seconds,
            offers=per_run.get(run.pk, none)["offers"],
            accepted=per_run.get(run.pk, none)["accepted"],
        )
        for run in full
    )
    return MatchingRuns(
        runs=runs.count(),
        offers=sum(row["offers"] for row in per_run.values()),
        accepted=sum(row["accepted"] for row in per_run.values()),
        full_runs=rows,
    )
