"""Console pages for matching: the runs (with a button for a full run and each run's fairness report) and the offers.

Runs cover the whole service, so every staff member may read them; starting
one needs the "run matching" permission. Offers are scoped like workers and
postings: a staff member sees an offer when the worker's home county or the
posting's county lies in their region.
"""

from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.admin import CappedPaginator, NotFoundOutsideScope, ReadOnlyAdmin, console_user
from config.exports import csv_download
from matching import candidates
from matching.fairness import DIMENSIONS
from matching.models import MatchRun, Offer
from reference.codes import scope_prefix
from workers.models import Worker


def priority_rule() -> str:
    return gettext(
        "Priority rule: a registered poor labourer verified by the bureau gets %(points)d points in every "
        "posting's ranking of candidates, as much as %(years)d years of experience in the trade."
    ) % {
        "points": candidates.PRIORITY_POINTS,
        "years": candidates.PRIORITY_POINTS // candidates.EXPERIENCE_POINTS_PER_YEAR,
    }


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "status",
        "started_at",
        "seconds_display",
        "workers_considered",
        "matched",
        "rate_display",
        "offers_made",
        "offers_withdrawn",
        "blocking_pairs",
    )
    list_filter = ("trigger", "status")
    date_hierarchy = "started_at"
    change_list_template = "admin/matching/matchrun/change_list.html"
    change_form_template = "admin/matching/matchrun/change_form.html"
    fields = (
        "trigger",
        "subject_id",
        "started_by",
        "status",
        "started_at",
        "finished_at",
        "parameters",
        "workers_considered",
        "postings_considered",
        "seats_open",
        "edges",
        "matched",
        "rate_display",
        "matched_per_pass",
        "offers_made",
        "offers_kept",
        "offers_withdrawn",
        "blocking_pairs",
        "durations",
        "error",
    )
    readonly_fields = fields

    @admin.display(description=_("seconds"))
    def seconds_display(self, obj: MatchRun) -> str:
        return "—" if obj.seconds is None else f"{obj.seconds:.1f}"

    @admin.display(description=_("match rate"))
    def rate_display(self, obj: MatchRun) -> str:
        return "—" if obj.match_rate is None else f"{obj.match_rate:.1%}"

    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("start/", self.admin_site.admin_view(self.start_view), name=f"{prefix}_start"),
            path(
                "<int:run_id>/fairness/",
                self.admin_site.admin_view(self.fairness_view),
                name=f"{prefix}_fairness",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        context = {
            **(extra_context or {}),
            "subtitle": priority_rule(),
            "may_start": request.user.has_perm("matching.run_matching"),
        }
        return super().changelist_view(request, context)

    def start_view(self, request: HttpRequest) -> HttpResponse:
        return _start(request, self)

    def fairness_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(MatchRun, pk=run_id)
        rows = [{**row, "group_label": _group_label(row)} for row in run.fairness]
        if request.GET.get("format") == "csv":
            return _fairness_csv(run, rows)
        sections = [
            {"title": title, "rows": [row for row in rows if row["dimension"] == key]}
            for key, title in DIMENSIONS.items()
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "run": run,
            "sections": sections,
            "title": gettext("Fairness report of %(run)s") % {"run": run},
            "priority_rule": priority_rule(),
        }
        return TemplateResponse(request, "admin/matching/matchrun/fairness.html", context)


@require_POST
def _start(request: HttpRequest, model_admin: MatchRunAdmin) -> HttpResponse:
    if not request.user.has_perm("matching.run_matching"):
        raise PermissionDenied
    from matching.tasks import full_run

    user_id = console_user(request).pk
    transaction.on_commit(lambda: full_run.delay(MatchRun.Trigger.MANUAL, user_id))
    model_admin.message_user(
        request,
        gettext("A full matching run is queued. It appears in this list when it starts; refresh to follow it."),
        messages.SUCCESS,
    )
    return HttpResponseRedirect(reverse("admin:matching_matchrun_changelist"))


def _group_label(row: dict) -> str:
    group = row["group"]
    if row["dimension"] == "gender":
        return str(dict(Worker.Gender.choices).get(group, gettext("Unknown")))
    if row["dimension"] == "priority":
        return gettext("Yes") if group == "yes" else gettext("No")
    return group


def _fairness_csv(run: MatchRun, rows: list[dict]) -> HttpResponse:
    return csv_download(
        f"fairness-run-{run.pk}.csv",
        [
            gettext("dimension"),
            pgettext("fairness report column", "group"),
            gettext("workers considered"),
            gettext("workers matched"),
            gettext("match rate"),
            gettext("mean net monthly pay of the matched (yuan)"),
        ],
        (
            (
                str(DIMENSIONS[row["dimension"]]),
                row["group_label"],
                row["considered"],
                row["matched"],
                row["match_rate"] if row["match_rate"] is not None else "",
                row["mean_net_pay"] if row["mean_net_pay"] is not None else "",
            )
            for row in rows
        ),
    )


def offers_visible_to(user: Any) -> QuerySet[Offer]:
    """Offers a staff member may see: the worker's home or the job's site in their region, or all when nationwide."""
    offers = Offer.objects.all()
    if user.is_superuser or user.nationwide:
        return offers
    if not user.home_region_id:
        return offers.none()
    prefix = scope_prefix(user.home_region_id)
    return offers.filter(Q(worker__hukou_county__code__startswith=prefix) | Q(posting__county__code__startswith=prefix))


class ExpiringFilter(admin.SimpleListFilter):
    """Offers still waiting for the worker whose answer is due soon."""

    title = _("answer due")
    parameter_name = "expires"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("2d", gettext("Within two days"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Offer]) -> QuerySet[Offer]:
        if self.value() == "2d":
            now = timezone.now()
            return queryset.filter(
                status=Offer.Status.PROPOSED, expires_at__gt=now, expires_at__lte=now + timedelta(days=2)
            )
        return queryset


@admin.register(Offer)
class OfferAdmin(NotFoundOutsideScope, ReadOnlyAdmin):
    list_display = ("posting", "worker_display", "status", "created_at", "expires_at", "run")
    # A filter on the day, not a date hierarchy: the hierarchy reads every offer's date to list the years.
    list_filter = ("status", ExpiringFilter, ("created_at", admin.DateFieldListFilter))
    list_select_related = ("posting", "worker", "run")
    # A million rows: the "N total" beside a filtered count would be a second full COUNT(*) per page.
    show_full_result_count = False
    paginator = CappedPaginator
    search_fields = ("=id", "posting__title")
    search_help_text = _("An offer number or words of the posting's title.")
    fields = (
        "posting",
        "worker_display",
        "status",
        "run",
        "group",
        "worker_score",
        "worker_reasons",
        "posting_score",
        "posting_reasons",
        "created_at",
        "expires_at",
        "reminded_at",
        "responded_at",
        "decline_reason",
        "withdraw_reason",
        "confirmed_at",
        "closed_at",
    )
    readonly_fields = fields

    @admin.display(description=_("worker"))
    def worker_display(self, obj: Offer) -> str:
        # The name as the console shows it elsewhere: no phone or ID number.
        return str(obj.worker)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Offer]:
        return offers_visible_to(console_user(request))
