"""Console pages for training: provider verification as actions with a note, courses and enrolments read-only,
and the statistics page of enrolments, passes and certificates.

Staff see providers registered within their home region unless nationwide;
courses when the provider or the course's county lies in it; enrolments when
the worker's home county or the provider does. Anything outside answers 404.
Workers appear by a masked name only.
"""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import (
    CappedPaginator,
    DecisionAdmin,
    NotFoundOutsideScope,
    ReadOnlyAdmin,
    ReadOnlyInline,
    console_user,
)
from accounts.admin_statistics import StatisticsPageMixin
from accounts.models import User
from accounts.pii import mask_name
from accounts.selectors import region_prefix
from config.exports import csv_download
from training.models import Course, Enrollment, Provider, ProviderMember
from training.selectors import TrainingStatistics, training_statistics
from training.services import NOTE_MAX_LENGTH, provider_verify


def _visible(user: User, *lookups: str) -> Q:
    """Rows whose region code under any of `lookups` lies in the staff member's region."""
    prefix = region_prefix(user)
    if prefix is None:
        return Q(pk__in=[])
    if not prefix:
        return Q()
    visible = Q(pk__in=[])
    for lookup in lookups:
        visible |= Q(**{f"{lookup}__startswith": prefix})
    return visible


class ProviderNoteActionForm(helpers.ActionForm):
    """The action bar with a note: refusing verification must say why."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Required when not verifying; the provider's staff read it."),
    )


class ProviderMemberInline(ReadOnlyInline):
    model = ProviderMember
    fields = ("masked_phone_display", "created_at")
    readonly_fields = fields

    @admin.display(description=_("phone"))
    def masked_phone_display(self, obj: ProviderMember) -> str:
        return obj.user.masked_phone or "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProviderMember]:
        return super().get_queryset(request).select_related("user")


_PROVIDER_FIELDS = (
    "name",
    "kind",
    "uscc",
    "region",
    "address",
    "contact_name",
    "masked_contact_phone_display",
    "verification",
    "verification_note",
    "verified_by",
    "verified_at",
    "created_at",
)


@admin.register(Provider)
class ProviderAdmin(DecisionAdmin):
    list_display = ("name", "kind", "region", "verification", "created_at")
    list_filter = ("verification", "kind")
    list_select_related = ("region",)
    search_fields = ("name", "=uscc")
    search_help_text = _("Words of the name, or a full unified social credit code.")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    action_form = ProviderNoteActionForm
    actions = ("verify", "reject")
    inlines = (ProviderMemberInline,)
    fields = _PROVIDER_FIELDS
    readonly_fields = _PROVIDER_FIELDS

    @admin.display(description=_("contact phone"))
    def masked_contact_phone_display(self, obj: Provider) -> str:
        return obj.masked_contact_phone or "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Provider]:
        return super().get_queryset(request).filter(_visible(console_user(request), "region__code"))

    def _verify(self, request: HttpRequest, queryset: QuerySet[Provider], *, verified: bool) -> None:
        staff = console_user(request)
        note = request.POST.get("note", "").strip()
        if not verified and not note:
            self.message_user(
                request,
                _("Write a note saying why: the provider's staff read it. Nothing was changed."),
                messages.ERROR,
            )
            return
        changed = refused = 0
        for provider in queryset:
            try:
                provider_verify(staff=staff, provider=provider, verified=verified, note=note)
            except (ValidationError, PermissionDenied):
                refused += 1
            else:
                changed += 1
        if changed:
            message = ngettext("%(count)d provider changed.", "%(count)d providers changed.", changed)
            self.message_user(request, message % {"count": changed}, messages.SUCCESS)
        if refused:
            message = ngettext(
                "%(count)d provider skipped: not yours to decide.",
                "%(count)d providers skipped: not yours to decide.",
                refused,
            )
            self.message_user(request, message % {"count": refused}, messages.WARNING)

    @admin.action(description=_("Verify"), permissions=["change"])
    def verify(self, request: HttpRequest, queryset: QuerySet[Provider]) -> None:
        self._verify(request, queryset, verified=True)

    @admin.action(description=_("Not verified (note required)"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Provider]) -> None:
        self._verify(request, queryset, verified=False)


# Courses and their statistics ------------------------------------------------------------


def _statistics_csv(stats: TrainingStatistics) -> HttpResponse:
    return csv_download(
        f"training-{stats.start:%Y%m%d}-{stats.end:%Y%m%d}.csv",
        [gettext("breakdown"), gettext("group"), gettext("enrolled"), gettext("completed"), gettext("certified")],
        (
            (breakdown, row.label, row.enrolled, row.completed, row.certified)
            for breakdown, rows in ((gettext("course type"), stats.by_type), (gettext("home county"), stats.by_county))
            for row in rows
        ),
    )


@admin.register(Course)
class CourseAdmin(StatisticsPageMixin, NotFoundOutsideScope, ReadOnlyAdmin):
    list_display = ("title", "provider", "type", "format", "starts_on", "capacity", "enrolled_count")
    list_filter = ("type", "format", "status")
    list_select_related = ("provider",)
    search_fields = ("title", "provider__name")
    search_help_text = _("Words of the course title or the provider's name.")
    date_hierarchy = "starts_on"
    change_list_template = "admin/training/course/change_list.html"
    statistics_title = _("Training statistics")
    statistics_template = "admin/training/course/statistics.html"
    fields = (
        "title",
        "provider",
        "type",
        "occupation",
        "certificate_level",
        "format",
        "county",
        "venue",
        "hours",
        "starts_on",
        "ends_on",
        "capacity",
        "enrolled_count",
        "fee",
        "subsidy",
        "living_allowance",
        "language",
        "description",
        "status",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("enrolled"), ordering="enrolled")
    def enrolled_count(self, obj: Course) -> int:
        return obj.enrolled  # type: ignore[attr-defined]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        return (
            super()
            .get_queryset(request)
            .filter(_visible(console_user(request), "provider__region__code", "county__code"))
            .annotate(enrolled=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ENROLLED)))
        )

    def statistics_for(self, *, start: date, end: date, region_code: str | None) -> TrainingStatistics:
        return training_statistics(start=start, end=end, region_code=region_code)

    def statistics_csv(self, stats: TrainingStatistics) -> HttpResponse:
        return _statistics_csv(stats)


@admin.register(Enrollment)
class EnrollmentAdmin(NotFoundOutsideScope, ReadOnlyAdmin):
    list_display = ("course", "worker_display", "status", "score")
    # A filter on the day, not a date hierarchy: the hierarchy reads every enrolment of the region for its years.
    list_filter = ("status", ("created_at", admin.DateFieldListFilter))
    list_select_related = ("course", "worker")
    search_fields = ("course__title",)
    search_help_text = _("Words of the course title.")
    # A million rows: the "N total" beside a filtered count would be a second full COUNT(*) per page.
    show_full_result_count = False
    paginator = CappedPaginator
    fields = ("course", "worker_display", "status", "created_at", "enrolled_at", "score", "finished_at")
    readonly_fields = fields

    @admin.display(description=_("worker"))
    def worker_display(self, obj: Enrollment) -> str:
        return mask_name(obj.worker.real_name)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrollment]:
        visible = _visible(console_user(request), "worker__hukou_county__code", "course__provider__region__code")
        return super().get_queryset(request).filter(visible)
