"""The console's rights statistics page, added to the case list's URLs.

Staff see the cases of their region (all of them when nationwide), for a
period that defaults to this calendar year: tables and a CSV of every table.
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext

from accounts.admin import console_user, region_prefix
from config.exports import csv_download
from config.periods import PeriodForm, this_year
from reference.models import Region
from rights.statistics import RightsRow, RightsStatistics, rights_statistics

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _AdminBase = ModelAdmin
else:
    _AdminBase = object


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


class CaseStatisticsMixin(_AdminBase):
    """Adds `statistics/` (admin:rights_case_statistics) to the case list; put it first among the bases."""

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
        stats = rights_statistics(start=period["start"], end=period["end"], region_code=region_code)
        if request.GET.get("format") == "csv" and (form.is_valid() or not form.is_bound):
            return statistics_csv(stats)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Rights statistics"),
            "form": form,
            "stats": stats,
            "region": Region.objects.filter(pk=region_code).first() if region_code else None,
            "csv_query": f"start={period['start']:%Y-%m-%d}&end={period['end']:%Y-%m-%d}&format=csv",
        }
        return TemplateResponse(request, "admin/rights/case/statistics.html", context)
