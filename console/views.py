"""The console's statistics dashboard: every figure of the bureau's briefing for a period and a region.

Staff see their own region or a place inside it; nationwide staff see every
region. Each figure is drawn as a table (and a bar chart drawn on the server
where it helps), and each table downloads as CSV or XLSX with the filters kept:
`?export=<table>&format=csv|xlsx`.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import console_user
from accounts.selectors import region_prefix
from config.charts import Chart, bar_chart
from config.periods import PeriodForm, this_year
from console import statistics as figures
from console.statistics.snapshots import dashboard_snapshot
from console.statistics.tables import (
    Table,
    campaigns_table,
    export,
    local_table,
    out_table,
    poor_table,
    rate_text,
    registered_table,
    runs_table,
    short_day,
    signed,
    trained_table,
    transported_table,
    wages_table,
)
from reference.forms import REFRESH_FIELD, RegionField, RegionRefreshFormMixin
from reference.models import Region

# Count the figures now instead of reading the snapshot.
RECOUNT = "recount"
# Query parameters that carry the filters; any of them binds the form.
FILTERS = ("start", "end", "region_0", "region_1", "region_2", REFRESH_FIELD)


class DashboardForm(RegionRefreshFormMixin, PeriodForm):
    """The period and a region no wider than the staff member's own (`scope` is their prefix, "" for all)."""

    region = RegionField(
        label=_("Region"),
        level=Region.Level.COUNTY,
        allow_shallower=True,
        required=False,
        help_text=_("A province, a prefecture or a county; empty for your whole region."),
    )

    def __init__(self, *args: Any, scope: str, **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(*args, **kwargs)

    def clean_region(self) -> Region | None:
        region: Region | None = self.cleaned_data.get("region")
        if region is not None and not region.code.startswith(self.scope):
            raise forms.ValidationError(
                _("You can see only your own region and the places in it."), code="outside_scope"
            )
        return region


# The page --------------------------------------------------------------------------------


@dataclass
class Figure:
    """One section of the page: headline numbers, what they count, a chart and the table."""

    table: Table
    numbers: list[tuple[str, Any]]
    help: str
    chart: Chart | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    # Nothing counted: the page says so instead of drawing a table of zeros.
    empty: bool = False


def _sections(stats: figures.Dashboard) -> list[Figure]:
    start, end = stats.start, stats.end
    period = urlencode({"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"})
    registered, out, moved = stats.registered.change, stats.out_at_work, stats.transported
    poor, matching = stats.poor_labourers.change, stats.matching
    return [
        Figure(
            registered_table(stats.registered),
            [
                (gettext("Registered"), registered.current),
                (pgettext("an increase or decrease", "Change"), signed(registered.difference)),
            ],
            gettext(
                "Workers who finished signing up and were registered at the end of the period, against three months "
                "earlier. By the worker's home county."
            ),
            bar_chart(
                gettext("Registered workers now and three months earlier"),
                [(short_day(stats.registered.previous_end), registered.previous), (short_day(end), registered.current)],
            ),
            empty=not (registered.current or registered.previous),
        ),
        Figure(
            out_table(out),
            [
                (gettext("Out at work now"), out.total),
                (gettext("Of them registered poor labourers"), out.poor_labourers),
            ],
            gettext(
                "Workers employed today on the latest job they arrived at, whatever the period. By the worker's "
                "home county; the table splits them by the province of the workplace."
            ),
            bar_chart(
                gettext("Workers out at work by destination province"), [(r.label, r.count) for r in out.by_province]
            ),
            empty=not out.total,
        ),
        Figure(
            transported_table(moved),
            [(gettext("Workers transported"), moved.workers), (gettext("Trips"), moved.trips)],
            gettext(
                "Workers who boarded a point-to-point trip that set off in the period. A region keeps the trips to a "
                "site in it or picking up there."
            ),
            bar_chart(gettext("Workers transported per month"), [(r.label, r.workers) for r in moved.by_month]),
            [(gettext("Transport statistics"), f"{reverse('admin:dispatch_trip_statistics')}?{period}")],
            empty=not (moved.workers or moved.trips),
        ),
        Figure(
            trained_table(stats.trained),
            [
                (gettext("Enrolled"), stats.trained.total.enrolled),
                (gettext("Completed"), stats.trained.total.completed),
                (gettext("Certified"), stats.trained.total.certified),
            ],
            gettext(
                "Places given on courses applied for in the period, and courses passed in it (with a certificate or "
                "not). By the worker's home county."
            ),
            bar_chart(
                gettext("Workers enrolled by course type"), [(r.label, r.enrolled) for r in stats.trained.by_type]
            ),
            [(gettext("Training statistics"), f"{reverse('admin:training_course_statistics')}?{period}")],
            empty=not (stats.trained.total.enrolled or stats.trained.total.completed),
        ),
        Figure(
            poor_table(stats.poor_labourers, start, end),
            [
                (gettext("Went out to work"), poor.current),
                (gettext("Change against last year"), signed(poor.difference)),
            ],
            gettext(
                "Registered poor labourers (verified by the bureau) who arrived at a job in the period, against the "
                "same period a year earlier. By the worker's home county."
            ),
            bar_chart(
                gettext("Poor labourers who went out to work, this period and a year earlier"),
                [(gettext("A year earlier"), poor.previous), (gettext("This period"), poor.current)],
            ),
            empty=not (poor.current or poor.previous),
        ),
        Figure(
            local_table(stats.local_employment),
            [(gettext("Placements"), stats.local_employment.total)],
            gettext(
                "Workers who arrived in the period at a work-for-relief project, a public-welfare post, e-commerce "
                "work or a returning-home business. By the worker's home county."
            ),
            bar_chart(
                gettext("Local employment placements by kind"),
                [(r.label, r.count) for r in stats.local_employment.by_kind],
            ),
            empty=not stats.local_employment.total,
        ),
        Figure(
            campaigns_table(stats.campaigns),
            [(gettext("Campaigns"), len(stats.campaigns))],
            gettext(
                "Campaigns running at some time in the period, held in the region, above it or below it, with the "
                "postings let out at sites in the region, their positions and the positions filled."
            ),
            empty=not stats.campaigns,
        ),
        Figure(
            runs_table(matching),
            [
                (gettext("Runs"), matching.runs),
                (gettext("Offers made"), matching.offers),
                (gettext("Acceptance rate"), rate_text(matching.acceptance_percent)),
            ],
            gettext(
                "Matching runs started in the period (they cover the whole country) and the offers they made to "
                "workers from the region; accepted counts offers the worker said yes to. The latest full runs are "
                "listed, each with its fairness report."
            ),
            links=[(gettext("Matching runs"), reverse("admin:matching_matchrun_changelist"))],
            empty=not matching.runs,
        ),
        Figure(
            wages_table(stats.wages),
            [(gettext("Yuan recovered"), stats.wages.amount), (gettext("Workers helped"), stats.wages.workers)],
            gettext(
                "Unpaid wages recovered on wage claims in the period and the workers they were recovered for. A "
                "region keeps the claims sent from it or received there."
            ),
            links=[(gettext("Rights statistics"), f"{reverse('admin:rights_case_statistics')}?{period}")],
            empty=not stats.wages.workers,
        ),
    ]


def _filters(form: DashboardForm, own: Region | None) -> dict[str, Any]:
    """The period and region asked for; the defaults (this year, the staff member's region) for any not valid."""
    form.is_valid()
    # What did pass stays: a refused region keeps the period asked for, and the other way round.
    cleaned = getattr(form, "cleaned_data", {})
    period_ok = "start" in cleaned and "end" in cleaned and not form.non_field_errors()
    period = {"start": cleaned["start"], "end": cleaned["end"]} if period_ok else this_year()
    return {**period, "region": cleaned.get("region") or own}


def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The statistics dashboard, or one of its tables as CSV or XLSX."""
    user = console_user(request)
    scope = region_prefix(user)
    if scope is None:
        raise PermissionDenied
    own = user.home_region if scope else None
    bound = any(name in request.GET for name in FILTERS)
    form = DashboardForm(request.GET if bound else None, scope=scope, initial={**this_year(), "region": own})
    chosen = _filters(form, own)
    region: Region | None = chosen["region"]
    period = {"start": chosen["start"], "end": chosen["end"], "region_code": region.code if region else None}
    if "export" in request.GET:
        return export(request.GET["export"], request.GET.get("format", "csv"), **period)
    snapshot = dashboard_snapshot(**period, recount=RECOUNT in request.GET)
    stats = snapshot.figures
    kept = request.GET.copy()
    for name in ("export", "format", RECOUNT, REFRESH_FIELD):
        kept.pop(name, None)
    context = {
        **admin.site.each_context(request),
        "title": gettext("Statistics"),
        "form": form,
        "stats": stats,
        "counted_at": snapshot.counted_at,
        "recount": RECOUNT,
        "region": region,
        "sections": _sections(stats),
        "export_query": kept.urlencode(),
    }
    return TemplateResponse(request, "console/dashboard.html", context)
