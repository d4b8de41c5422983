"""The console's rights statistics page, added to the case list's URLs.

Staff see the cases of their region (all of them when nationwide), for a
period that defaults to this calendar year: tables and a CSV of every table.
"""

from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext, gettext_lazy

from accounts.admin_statistics import StatisticsPageMixin
from config.exports import csv_download
from rights.statistics import RightsRow, RightsStatistics, rights_statistics


def _blank(value: object) -> object:
    return "" if value is None else value


def statistics_csv(stats: RightsStatistics) -> HttpResponse:
    """Every table of the page in one CSV: a column names the table, cells are safe from formulas."""
    tables: list[tuple[str, tuple[RightsRow, ...]]] = [
        (gettext("total"), (stats.total,)),
        (gettext("month"), stats.by_month),
        (gettext("sending province"), stats.by_sending),
        (gettext("receiving province"), stats.by_receiving),
    ]
    rows: list[tuple[Any, ...]] = [
        (
            table,
            row.label,
            row.filed,
            row.wage_claims,
            row.claimed,
            row.recovered,
            row.workers_helped,
            row.resolved,
            _blank(row.median_days),
            _blank(row.open_now),
            _blank(row.overdue_now),
        )
        for table, table_rows in tables
        for row in table_rows
    ]
    rows += [
        (gettext("kind"), row.label, row.filed, "", "", row.recovered, row.workers_helped, "", "", "", "")
        for row in stats.by_kind
    ]
    return csv_download(
        f"rights-{stats.start:%Y%m%d}-{stats.end:%Y%m%d}.csv",
        [
            gettext("table"),
            gettext("group"),
            gettext("cases filed"),
            gettext("wage claims filed"),
            gettext("amount claimed (yuan)"),
            gettext("amount recovered (yuan)"),
            gettext("workers helped"),
            gettext("cases resolved"),
            gettext("median days to resolution"),
            gettext("open now"),
            gettext("overdue now"),
        ],
        rows,
    )


class CaseStatisticsMixin(StatisticsPageMixin):
    """The case list's statistics page (admin:rights_case_statistics); put it first among the bases."""

    statistics_title = gettext_lazy("Rights statistics")
    statistics_template = "admin/rights/case/statistics.html"

    def statistics_for(self, *, start: date, end: date, region_code: str | None) -> RightsStatistics:
        return rights_statistics(start=start, end=end, region_code=region_code)

    def statistics_csv(self, stats: RightsStatistics) -> HttpResponse:
        return statistics_csv(stats)
