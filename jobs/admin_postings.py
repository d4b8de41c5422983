"""Console pages for job postings: review what the rules flagged, approve or send back.

Staff see postings whose site lies in their home region (the bureau that
receives the workers), or all postings when nationwide; a posting outside the
region answers 404. Postings are written only through jobs.services.postings,
as console actions: the change page is read-only. Staff may also import
postings from a spreadsheet (jobs.resources, jobs.services.imports) and export
the list as CSV or XLSX.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import CappedPaginator, DecisionAdmin, console_user
from accounts.models import User
from config.imports import ConsoleImportExportMixin
from jobs.models import JobPosting
from jobs.resources import JobPostingResource
from jobs.services.postings import NOTE_MAX_LENGTH, posting_approve
from reference.codes import scope_prefix


class ReviewActionForm(helpers.ActionForm):
    """The action bar with a note: sending a posting back must tell the employer why."""

    note = forms.CharField(
        label=_("Note for the employer"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Required when sending back; the employer reads it."),
    )


class FlaggedFilter(admin.SimpleListFilter):
    title = _("flagged by the rules")
    parameter_name = "flagged"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.exclude(review_flags=[])
        if self.value() == "no":
            return queryset.filter(review_flags=[])
        return queryset


def postings_visible_to(user: User) -> QuerySet[JobPosting]:
    """Postings a staff member may see: sites in their home region, or all when nationwide."""
    postings = JobPosting.objects.all()
    if user.is_superuser or user.nationwide:
        return postings
    if not user.home_region_id:
        return postings.none()
    return postings.filter(county__code__startswith=scope_prefix(user.home_region_id))


_FIELDS = (
    "title",
    "employer",
    "site",
    "county",
    "occupation",
    "kind",
    "status",
    "flags_display",
    "headcount",
    "filled_count",
    "start_date",
    "contract_months",
    "wage_type",
    "wage_rate",
    "expected_monthly",
    "deduction_dormitory",
    "deduction_meals",
    "deduction_other",
    "deduction_other_note",
    "net_monthly_display",
    "overtime_rules",
    "probation_months",
    "housing_provided",
    "meals_provided",
    "transport",
    "transport_subsidy",
    "skills_required",
    "years_required",
    "certificate_required",
    "trainees_accepted",
    "training_offered",
    "hours_per_day",
    "days_per_week",
    "safety_equipment",
    "description",
    "contact_name",
    "submitted_at",
    "published_at",
    "approved_by",
    "expires_on",
    "closed_at",
)


@admin.register(JobPosting)
class JobPostingAdmin(ConsoleImportExportMixin, DecisionAdmin):
    list_display = (
        "title",
        "employer",
        "county",
        "occupation",
        "status",
        "headcount",
        "expected_monthly",
        "net_monthly_display",
        "flags_count",
        "published_at",
    )
    list_filter = ("status", "kind", FlaggedFilter)
    list_select_related = ("employer", "county", "occupation")
    # Titles are not personal data, so the ordinary search box is fine here.
    search_fields = ("title",)
    ordering = ("-submitted_at", "-id")
    # A million rows: the "N total" beside a filtered count would be a second full COUNT(*) per page.
    show_full_result_count = False
    paginator = CappedPaginator
    action_form = ReviewActionForm
    actions = ("approve_postings", "send_back_postings")
    fields = _FIELDS
    readonly_fields = _FIELDS
    # Import needs the add permission, export the view permission; rows are checked against the region.
    resource_classes = [JobPostingResource]

    def import_done_message(self, count: int) -> str:
        return ngettext(
            "%(count)d posting imported. It waits for the bureau: approve it with the action below.",
            "%(count)d postings imported. They wait for the bureau: approve them with the action below.",
            count,
        ) % {"count": count}

    @admin.display(description=_("net monthly pay"))
    def net_monthly_display(self, obj: JobPosting) -> int:
        return obj.net_monthly

    @admin.display(description=_("flags"))
    def flags_count(self, obj: JobPosting) -> int:
        return len(obj.review_flags or [])

    @admin.display(description=_("flags for the bureau"))
    def flags_display(self, obj: JobPosting) -> SafeString | str:
        if not obj.review_flags:
            return "—"
        return format_html_join("", "<p>{}</p>", ((flag.get("message", ""),) for flag in obj.review_flags))

    def get_queryset(self, request: HttpRequest) -> QuerySet[JobPosting]:
        return postings_visible_to(console_user(request)).select_related("employer", "county", "occupation")

    def _decide(self, request: HttpRequest, queryset: QuerySet[JobPosting], *, approve: bool) -> None:
        staff = console_user(request)
        note = request.POST.get("note", "").strip()
        if not approve and not note:
            self.message_user(
                request,
                _("Write a note saying what to change: the employer reads it. Nothing was changed."),
                messages.ERROR,
            )
            return
        changed = skipped = 0
        for posting in queryset:
            try:
                posting_approve(posting=posting, staff=staff, approve=approve, note=note)
            except (ValidationError, PermissionDenied):
                skipped += 1
            else:
                changed += 1
        if changed:
            done = (
                ngettext("%(count)d posting published.", "%(count)d postings published.", changed)
                if approve
                else ngettext("%(count)d posting sent back.", "%(count)d postings sent back.", changed)
            )
            self.message_user(request, done % {"count": changed}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d posting skipped: not waiting for the bureau, employer not verified, "
                    "or not yours to decide.",
                    "%(count)d postings skipped: not waiting for the bureau, employer not verified, "
                    "or not yours to decide.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Approve and publish"), permissions=["change"])
    def approve_postings(self, request: HttpRequest, queryset: QuerySet[JobPosting]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Send back to the employer"), permissions=["change"])
    def send_back_postings(self, request: HttpRequest, queryset: QuerySet[JobPosting]) -> None:
        self._decide(request, queryset, approve=False)
