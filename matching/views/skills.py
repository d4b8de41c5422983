"""Skill gaps: for a worker, jobs a course could open up; for the bureau, what each county's workers lack.

The worker page acts for the worker behind the request (subject_for). The
bureau page is for staff, scoped to their home region (nationwide staff
choose a province or see all); it draws its bar chart as SVG on the server
and offers the same figures as CSV.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import User
from config.exports import csv_download
from matching.recommendations import CountyGaps, skill_gaps_by_county, skill_gaps_for
from reference.models import Occupation, Region
from workers.views.common import subject_for

COUNTIES_PER_PAGE = 20
CHART_BARS = 10
# SVG units: labels on the left, bars after them, the figure after each bar.
CHART_LABEL_WIDTH = 130
CHART_BAR_WIDTH = 150
CHART_ROW_HEIGHT = 24


@dataclass(frozen=True)
class Bar:
    occupation: Occupation
    open_positions: int
    counties: int
    seekers: int
    width: int
    y: int


@dataclass(frozen=True)
class Scope:
    """The region the page covers (None: every county) and the regions it may switch to."""

    region: Region | None
    choices: list[Region]
    everywhere_allowed: bool


@login_required
@never_cache
@require_GET
def skill_gaps(request: HttpRequest) -> HttpResponse:
    subject = subject_for(request)
    gaps = skill_gaps_for(subject.worker, today=timezone.localdate())
    return render(request, "matching/skills/worker.html", {"gaps": gaps, "worker": subject.worker})


def _scope_for(request: HttpRequest) -> Scope:
    """Staff see their home region or a part of it; nationwide staff any province, or all."""
    user = request.user
    if not (isinstance(user, User) and user.is_active and user.is_bureau_staff):
        raise PermissionDenied
    code = request.GET.get("region", "").strip()
    nationwide = user.is_superuser or user.nationwide
    if nationwide:
        choices = list(Region.objects.provinces().mainland())
        default = None
    elif user.home_region_id is None:
        raise PermissionDenied
    else:
        default = Region.objects.get(code=user.home_region_id)
        choices = [default, *Region.objects.current().filter(parent_id=default.code)]
    if not code:
        return Scope(region=default, choices=choices, everywhere_allowed=nationwide)
    region = Region.objects.current().filter(code=code).first()
    if region is None or not user.can_act_in(region.code):
        raise PermissionDenied
    return Scope(region=region, choices=choices, everywhere_allowed=nationwide)


def _bars(rows: list[CountyGaps]) -> list[Bar]:
    """The occupations most often missing across the counties, most open positions first."""
    seen: dict[int, dict] = {}
    for county in rows:
        for gap in county.gaps:
            entry = seen.setdefault(gap.occupation.pk, {"gap": gap, "counties": 0, "seekers": 0})
            entry["counties"] += 1
            entry["seekers"] += county.seekers
    top = sorted(seen.values(), key=lambda e: (-e["gap"].open_positions, e["gap"].occupation.code))[:CHART_BARS]
    most = max((entry["gap"].open_positions for entry in top), default=0) or 1
    return [
        Bar(
            occupation=entry["gap"].occupation,
            open_positions=entry["gap"].open_positions,
            counties=entry["counties"],
            seekers=entry["seekers"],
            width=max(round(CHART_BAR_WIDTH * entry["gap"].open_positions / most), 1),
            y=index * CHART_ROW_HEIGHT,
        )
        for index, entry in enumerate(top)
    ]


def _csv(rows: list[CountyGaps], scope: Scope) -> HttpResponse:
    return csv_download(
        f"skill-gaps-{scope.region.code if scope.region else 'all'}.csv",
        [
            _("county code"),
            _("county"),
            _("seeking workers"),
            _("rank"),
            _("occupation code"),
            _("occupation"),
            _("open positions nationally"),
            _("seeking workers with the skill"),
            _("share with the skill (%)"),
        ],
        (
            (
                county.county.code,
                county.county.name,
                county.seekers,
                rank,
                gap.occupation.code,
                gap.occupation.name,
                gap.open_positions,
                gap.holders,
                round(gap.holder_share * 100, 1),
            )
            for county in rows
            for rank, gap in enumerate(county.gaps, start=1)
        ),
    )


@login_required
@never_cache
@require_GET
def skill_gaps_staff(request: HttpRequest) -> HttpResponse:
    scope = _scope_for(request)
    rows = skill_gaps_by_county(region_code=scope.region.code if scope.region else None, today=timezone.localdate())
    if request.GET.get("format") == "csv":
        return _csv(rows, scope)
    bars = _bars(rows)
    context = {
        "scope": scope,
        "page": Paginator(rows, COUNTIES_PER_PAGE).get_page(request.GET.get("page")),
        "bars": bars,
        "chart": {
            "height": len(bars) * CHART_ROW_HEIGHT,
            "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 60,
            "bar_x": CHART_LABEL_WIDTH,
            "bar_height": CHART_ROW_HEIGHT - 6,
        },
    }
    return render(request, "matching/skills/staff.html", context)
