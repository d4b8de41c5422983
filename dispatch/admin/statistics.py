"""The console's transport statistics page, added to the trip board's URLs.

Staff see the trips of their region (all of them when nationwide), for a
period that defaults to this calendar year: tables, a CSV of every table, and
a bar chart of workers per month drawn on the server (no script).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext

from accounts.admin import console_user, region_prefix
from config.exports import csv_download
from config.periods import PeriodForm, this_year
from dispatch.statistics import MonthRow, TransportRow, TransportStatistics, transport_statistics
from reference.models import Region

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _AdminBase = ModelAdmin
else:
    _AdminBase = object

# The chart's drawing area in SVG user units; the viewBox scales it to the page width.
CHART_HEIGHT = 160
BAR_WIDTH = 28
BAR_GAP = 12
CHART_TOP = 20
CHART_BOTTOM = 24


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    label_x: int
    row: MonthRow


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_width: int
    baseline: int
    label_y: int
    bars: tuple[Bar, ...]


def month_chart(rows: tuple[MonthRow, ...]) -> Chart | None:
    """Bar geometry for workers per month, scaled to the busiest month; None with nothing to draw."""
    peak = max((row.workers for row in rows), default=0)
    if not peak:
        return None
    baseline = CHART_TOP + CHART_HEIGHT
    bars = []
    for index, row in enumerate(rows):
        height = round(CHART_HEIGHT * row.workers / peak)
        x = BAR_GAP + index * (BAR_WIDTH + BAR_GAP)
        bars.append(Bar(x=x, y=baseline - height, height=height, label_x=x + BAR_WIDTH // 2, row=row))
    return Chart(
        width=BAR_GAP + len(rows) * (BAR_WIDTH + BAR_GAP),
        height=baseline + CHART_BOTTOM,
        bar_width=BAR_WIDTH,
        baseline=baseline,
        label_y=baseline + 16,
        bars=tuple(bars),
    )


def _percent(row: TransportRow) -> str:
    return "" if row.utilisation_percent is None else f"{row.utilisation_percent}%"


def statistics_csv(stats: TransportStatistics) -> HttpResponse:
    """Every table of the page in one CSV: a column names the table, cells are safe from formulas."""
    tables: list[tuple[str, tuple[TransportRow, ...]]] = [
        (gettext("total"), (stats.total,)),
        (gettext("month"), stats.by_month),
        (gettext("destination province"), stats.by_destination),
    ]
    rows: list[tuple[Any, ...]] = [
        (table, row.label, row.workers, row.trips, row.seats, _percent(row), row.km)
        for table, table_rows in tables
        for row in table_rows
    ]
    rows += [(gettext("origin province"), row.label, row.workers, row.trips, "", "", "") for row in stats.by_origin]
    return csv_download(
        f"transport-{stats.start:%Y%m%d}-{stats.end:%Y%m%d}.csv",
        [
            gettext("table"),
            gettext("group"),
            gettext("workers transported"),
            gettext("trips"),
            gettext("seats offered"),
            gettext("seat utilisation"),
            gettext("km"),
        ],
        rows,
    )


class TransportStatisticsMixin(_AdminBase):
    """Adds `statistics/` (admin:dispatch_trip_statistics) to the trip board; put it first among the bases."""

    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view(self.statistics_view)
        return [path("statistics/", view, name=f"{prefix}_statistics"), *super().get_urls()]

    def statistics_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        user = console_user(request)
        prefix = region_prefix(user)
        if prefix is None:
            raise PermissionDenied
        form = PeriodForm(request.GET if "start" in request.GET else None, initial=this_year())
        period = form.cleaned_data if form.is_valid() else this_year()
        region_code = user.home_region_id if prefix else None
        stats = transport_statistics(start=period["start"], end=period["end"], region_code=region_code)
        if request.GET.get("format") == "csv" and (form.is_valid() or not form.is_bound):
            return statistics_csv(stats)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Transport statistics"),
            "form": form,
            "stats": stats,
            "region": Region.objects.filter(pk=region_code).first() if region_code else None,
            "chart": month_chart(stats.by_month),
            "csv_query": f"start={period['start']:%Y-%m-%d}&end={period['end']:%Y-%m-%d}&format=csv",
        }
        return TemplateResponse(request, "admin/dispatch/statistics.html", context)
