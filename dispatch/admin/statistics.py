"""The console's transport statistics page, added to the trip board's URLs.

Staff see the trips of their region (all of them when nationwide), for a
period that defaults to this calendar year: tables, a CSV of every table, and
a bar chart of workers per month drawn on the server (no script).
"""

from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext, gettext_lazy

from accounts.admin_statistics import StatisticsPageMixin
from config.charts import bar_chart
from config.exports import csv_download
from dispatch.statistics import TransportRow, TransportStatistics, transport_statistics


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
        pairs = [(row.label, row.workers) for row in stats.by_month]
        return {"chart": bar_chart(gettext("Workers transported per month"), pairs)}
