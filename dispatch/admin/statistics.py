"""The console's transport statistics page, added to the trip board's URLs.

Staff see the trips of their region (all of them when nationwide), for a
period that defaults to this calendar year: tables, a CSV of every table, and
a bar chart of workers per month drawn on the server (no script).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext, gettext_lazy

from accounts.admin_statistics import StatisticsPageMixin
from config.exports import csv_download
from dispatch.statistics import MonthRow, TransportRow, TransportStatistics, transport_statistics

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


class TransportStatisticsMixin(StatisticsPageMixin):
    """The trip board's statistics page (admin:dispatch_trip_statistics); put it first among the bases."""

    statistics_title = gettext_lazy("Transport statistics")
    statistics_template = "admin/dispatch/statistics.html"

    def statistics_for(self, *, start: date, end: date, region_code: str | None) -> TransportStatistics:
        return transport_statistics(start=start, end=end, region_code=region_code)

    def statistics_csv(self, stats: TransportStatistics) -> HttpResponse:
        return statistics_csv(stats)

    def statistics_context(self, stats: TransportStatistics) -> dict[str, Any]:
        return {"chart": month_chart(stats.by_month)}
