"""A console statistics page for a model admin: a period, the staff member's region, tables and a CSV.

A model admin lists `StatisticsPageMixin` first among its bases and says what
its page shows: `statistics_title`, `statistics_template`, `statistics_for()`
(the figures for a period and region) and `statistics_csv()`; it may add to
the template's context with `statistics_context()`. The page is
`<changelist>/statistics/`, named `admin:<app>_<model>_statistics`.
"""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.functional import Promise

from accounts.admin import console_user
from accounts.selectors import region_prefix
from config.periods import PeriodForm, this_year
from reference.models import Region

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _AdminBase = ModelAdmin
else:
    _AdminBase = object


class StatisticsPageMixin(_AdminBase):
    statistics_title: str | Promise = ""
    statistics_template = ""

    def statistics_for(self, *, start: date, end: date, region_code: str | None) -> Any:
        """The figures of the page for the period, inside the region (a county, prefecture or province code; None
        for all)."""
        raise NotImplementedError

    def statistics_csv(self, stats: Any) -> HttpResponse:
        raise NotImplementedError

    def statistics_context(self, stats: Any) -> dict[str, Any]:
        return {}

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
        stats = self.statistics_for(start=period["start"], end=period["end"], region_code=region_code)
        if request.GET.get("format") == "csv" and (form.is_valid() or not form.is_bound):
            return self.statistics_csv(stats)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(self.statistics_title),
            "form": form,
            "stats": stats,
            "region": Region.objects.filter(pk=region_code).first() if region_code else None,
            "csv_query": f"start={period['start']:%Y-%m-%d}&end={period['end']:%Y-%m-%d}&format=csv",
            **self.statistics_context(stats),
        }
        return TemplateResponse(request, self.statistics_template, context)
