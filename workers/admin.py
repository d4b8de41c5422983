"""Console pages for workers, unemployment registrations and groups.

Staff see only their own region unless nationwide: workers by hukou county,
unemployment registrations by the county they were made in (so staff where a
migrant works see them, staff at home do not). A row outside the region
answers 404 as if it did not exist. ID numbers and phones appear masked;
ciphertext and hashes never appear. Changes go through the services, as
console actions, never by editing fields. Paper registrations are imported
from a spreadsheet through the sign-up services (workers.resources); the list
exports without ID numbers, with names and phones masked.
"""

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from accounts import pii
from accounts.admin import (
    CappedPaginator,
    DecisionAdmin,
    NotFoundOutsideScope,
    ReadOnlyAdmin,
    ReadOnlyInline,
    console_user,
)
from accounts.admin_search import PrivateSearchMixin
from config.imports import ConsoleImportExportMixin
from workers.identity import clean_id_number
from workers.models import Certificate, Cohort, CohortMember, DestinationChoice, Skill, UnemploymentRegistration, Worker
from workers.resources import WorkerResource
from workers.selectors import cohorts_visible_to, place_name, unemployment_registrations_visible_to
from workers.services.unemployment import unemployment_process
from workers.services.verification import NOTE_MAX_LENGTH, poor_labourer_verify

_ID_NUMBER = re.compile(r"\d{17}[\dX]")


class NoteActionForm(helpers.ActionForm):
    """The action bar with a note: a rejection must tell the worker why."""

    note = forms.CharField(
        label=_("Note for the worker"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Required when rejecting; the worker reads it."),
    )


def _decisions(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    rows: QuerySet[Any],
    *,
    decide: Callable[[Any, str], object],
    positive: bool,
    done: Callable[[int], str],
    skipped: Callable[[int], str],
) -> None:
    """Run one service decision per selected row; report how many changed and how many were skipped."""
    note = request.POST.get("note", "").strip()
    if not positive and not note:
        modeladmin.message_user(
            request, _("Write a note saying why: the worker reads it. Nothing was changed."), messages.ERROR
        )
        return
    changed = refused = 0
    for row in rows:
        try:
            decide(row, note)
        except (ValidationError, PermissionDenied):
            refused += 1
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, done(changed), messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, skipped(refused), messages.WARNING)


# Workers ------------------------------------------------------------------------


class SkillInline(ReadOnlyInline):
    model = Skill
    fields = ("occupation", "years")
    readonly_fields = fields


class CertificateInline(ReadOnlyInline):
    model = Certificate
    fields = ("name", "occupation", "level")
    readonly_fields = fields


class DestinationChoiceInline(ReadOnlyInline):
    model = DestinationChoice
    fields = ("rank", "province")
    readonly_fields = fields


# The worker page, in the order of the sign-up steps. Every field is read-only.
_IDENTITY_FIELDS = (
    "name_display",
    "masked_id_display",
    "age_display",
    "masked_phone_display",
    "consent_processing_at",
    "consent_sharing_at",
    "consent_version",
)
_HOME_FIELDS = ("hukou_place_display", "current_place_display")
_WORK_FIELDS = (
    "education",
    "languages",
    "destinations",
    "min_monthly_wage",
    "available_from",
    "available_to",
    "planned_return",
)
_POOR_LABOURER_FIELDS = ("poor_labourer", "poor_labourer_checked_by", "poor_labourer_checked_at", "poor_labourer_note")
_RECORD_FIELDS = ("status", "signup_step", "registered_by", "created_at", "updated_at", "deleted_at")


@admin.register(Worker)
class WorkerAdmin(ConsoleImportExportMixin, PrivateSearchMixin, DecisionAdmin):
    list_display = (
        "name_display",
        "masked_id_display",
        "masked_phone_display",
        "hukou_county",
        "status",
        "poor_labourer",
        "signup_step",
        "created_at",
    )
    # A filter on the sign-up day, not a date hierarchy: the hierarchy lists the years of a million rows first.
    list_filter = ("status", "poor_labourer", "signup_step", "education", ("created_at", admin.DateFieldListFilter))
    list_select_related = ("user", "hukou_county")
    private_search_help = _("A name, a full mobile number or a full ID number.")
    ordering = ("-created_at",)
    # A million rows: the "N total" beside a filtered count would be a second full COUNT(*) per page.
    show_full_result_count = False
    paginator = CappedPaginator
    action_form = NoteActionForm
    actions = ("verify_poor_labourer", "reject_poor_labourer")
    inlines = (SkillInline, CertificateInline, DestinationChoiceInline)
    fieldsets = (
        (_("Identity"), {"fields": _IDENTITY_FIELDS}),
        (pgettext_lazy("where the worker is from", "Home"), {"fields": _HOME_FIELDS}),
        (_("Work"), {"fields": _WORK_FIELDS}),
        (_("Registered poor labourer"), {"fields": _POOR_LABOURER_FIELDS}),
        (_("Record"), {"fields": _RECORD_FIELDS}),
    )
    readonly_fields = _IDENTITY_FIELDS + _HOME_FIELDS + _WORK_FIELDS + _POOR_LABOURER_FIELDS + _RECORD_FIELDS
    # Import (paper registrations, add permission) and export (view permission), see workers.resources.
    resource_classes = [WorkerResource]
    # A preview would keep the uploaded file, ID numbers and all, between two requests: the rows are
    # checked and imported in one transaction instead, and nothing is kept when any row is refused.
    skip_import_confirm = True
    # Django's admin log would hold each worker's name in clear; the assistance grants record the import.
    skip_admin_log = True

    @admin.display(description=_("name"), ordering="real_name")
    def name_display(self, obj: Worker) -> str:
        if obj.deleted_at is not None:
            return str(_("(erased)"))
        return obj.real_name or "—"

    @admin.display(description=_("ID number"))
    def masked_id_display(self, obj: Worker) -> str:
        return obj.masked_id_number or "—"

    @admin.display(description=_("phone"))
    def masked_phone_display(self, obj: Worker) -> str:
        return obj.user.masked_phone or "—"

    @admin.display(description=_("age"))
    def age_display(self, obj: Worker) -> str:
        # Age rather than birth date: the masked ID number hides the birth date too.
        age = obj.age_on(timezone.localdate())
        return "—" if age is None else str(age)

    @admin.display(description=_("household registration (hukou) county"))
    def hukou_place_display(self, obj: Worker) -> str:
        return place_name(obj.hukou_county) or "—"

    @admin.display(description=_("where the worker is now"))
    def current_place_display(self, obj: Worker) -> str:
        return place_name(obj.current_county) or "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Worker]:
        return Worker.objects.visible_to(console_user(request)).select_related(
            "user", "hukou_county__parent__parent", "current_county__parent__parent"
        )

    def get_export_queryset(self, request: HttpRequest) -> QuerySet[Worker]:
        return super().get_export_queryset(request).prefetch_related("skills__occupation", "destination_choices")

    def import_done_message(self, count: int) -> str:
        return ngettext(
            "%(count)d worker registered from the paper forms.",
            "%(count)d workers registered from the paper forms.",
            count,
        ) % {"count": count}

    def private_search(self, queryset: QuerySet, term: str) -> QuerySet:
        # Phones and ID numbers are stored encrypted: only an exact, whole number is found, by its keyed hash.
        try:
            phone = pii.normalize_phone(term)
        except ValidationError:
            phone = ""
        if phone:
            return queryset.filter(user__phone_hash=pii.keyed_hash(phone, purpose="phone"))
        number = clean_id_number(term)
        if _ID_NUMBER.fullmatch(number):
            return queryset.filter(id_number_hash=pii.keyed_hash(number, purpose="id_number"))
        return queryset.filter(real_name__icontains=term)

    def _poor_labourer_decide(self, request: HttpRequest, queryset: QuerySet[Worker], *, verified: bool) -> None:
        staff = console_user(request)
        _decisions(
            self,
            request,
            queryset,
            decide=lambda worker, note: poor_labourer_verify(worker=worker, staff=staff, verified=verified, note=note),
            positive=verified,
            done=lambda n: (
                (
                    ngettext("%(count)d declaration verified.", "%(count)d declarations verified.", n)
                    if verified
                    else ngettext("%(count)d declaration rejected.", "%(count)d declarations rejected.", n)
                )
                % {"count": n}
            ),
            skipped=lambda n: (
                ngettext(
                    "%(count)d worker skipped: no declaration waiting for the bureau, or not yours to decide.",
                    "%(count)d workers skipped: no declaration waiting for the bureau, or not yours to decide.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Verify registered poor labourer"), permissions=["change"])
    def verify_poor_labourer(self, request: HttpRequest, queryset: QuerySet[Worker]) -> None:
        self._poor_labourer_decide(request, queryset, verified=True)

    @admin.action(description=_("Reject poor-labourer declaration"), permissions=["change"])
    def reject_poor_labourer(self, request: HttpRequest, queryset: QuerySet[Worker]) -> None:
        self._poor_labourer_decide(request, queryset, verified=False)


# Unemployment registrations -------------------------------------------------------


@admin.register(UnemploymentRegistration)
class UnemploymentRegistrationAdmin(DecisionAdmin):
    list_display = (
        "worker_name",
        "worker_masked_id",
        "place_display",
        "basis",
        "status",
        "submitted_at",
        "processed_by",
    )
    list_filter = ("status", "basis")
    ordering = ("-submitted_at",)
    date_hierarchy = "submitted_at"
    action_form = NoteActionForm
    actions = ("accept_registrations", "reject_registrations")
    fields = (
        "worker_name",
        "worker_masked_id",
        "worker_masked_phone",
        "worker_hukou_place",
        "place_display",
        "basis",
        "last_employer",
        "status",
        "submitted_at",
        "processed_by",
        "processed_at",
        "note",
    )
    readonly_fields = fields

    # The worker appears as text, not as a link: their hukou county may lie
    # outside this staff member's region, where the worker page answers 404.
    @admin.display(description=_("worker"), ordering="worker__real_name")
    def worker_name(self, obj: UnemploymentRegistration) -> str:
        return obj.worker.real_name or str(_("(erased)"))

    @admin.display(description=_("ID number"))
    def worker_masked_id(self, obj: UnemploymentRegistration) -> str:
        return obj.worker.masked_id_number or "—"

    @admin.display(description=_("phone"))
    def worker_masked_phone(self, obj: UnemploymentRegistration) -> str:
        return obj.worker.user.masked_phone or "—"

    @admin.display(description=_("household registration (hukou) county"))
    def worker_hukou_place(self, obj: UnemploymentRegistration) -> str:
        return place_name(obj.worker.hukou_county) or "—"

    @admin.display(description=_("registered in (county)"), ordering="region")
    def place_display(self, obj: UnemploymentRegistration) -> str:
        return place_name(obj.region)

    def get_queryset(self, request: HttpRequest) -> QuerySet[UnemploymentRegistration]:
        return unemployment_registrations_visible_to(user=console_user(request)).select_related(
            "worker__user",
            "worker__hukou_county__parent__parent",
            "region__parent__parent",
            "processed_by",
        )

    def _process(self, request: HttpRequest, queryset: QuerySet[UnemploymentRegistration], *, accept: bool) -> None:
        staff = console_user(request)
        _decisions(
            self,
            request,
            queryset,
            decide=lambda registration, note: unemployment_process(
                registration=registration, staff=staff, accept=accept, note=note
            ),
            positive=accept,
            done=lambda n: (
                (
                    ngettext("%(count)d registration accepted.", "%(count)d registrations accepted.", n)
                    if accept
                    else ngettext("%(count)d registration rejected.", "%(count)d registrations rejected.", n)
                )
                % {"count": n}
            ),
            skipped=lambda n: (
                ngettext(
                    "%(count)d registration skipped: already processed, or not yours to process.",
                    "%(count)d registrations skipped: already processed, or not yours to process.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Accept unemployment registration"), permissions=["change"])
    def accept_registrations(self, request: HttpRequest, queryset: QuerySet[UnemploymentRegistration]) -> None:
        self._process(request, queryset, accept=True)

    @admin.action(description=_("Reject unemployment registration"), permissions=["change"])
    def reject_registrations(self, request: HttpRequest, queryset: QuerySet[UnemploymentRegistration]) -> None:
        self._process(request, queryset, accept=False)


# Groups --------------------------------------------------------------------------


class CohortMemberInline(ReadOnlyInline):
    model = CohortMember
    fields = ("masked_phone_display", "worker_display", "status", "invited_at", "responded_at")
    readonly_fields = fields

    @admin.display(description=_("phone"))
    def masked_phone_display(self, obj: CohortMember) -> str:
        return obj.masked_phone or "—"

    @admin.display(description=_("worker"))
    def worker_display(self, obj: CohortMember) -> str:
        return str(obj.worker) if obj.worker is not None else "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[CohortMember]:
        return super().get_queryset(request).select_related("worker__user")


@admin.register(Cohort)
class CohortAdmin(NotFoundOutsideScope, ReadOnlyAdmin):
    list_display = ("name", "created_by_display", "member_count_display", "created_at")
    fields = ("name", "created_by_display", "created_at")
    readonly_fields = fields
    inlines = (CohortMemberInline,)
    search_fields = ("name",)
    date_hierarchy = "created_at"

    @admin.display(description=_("started by"))
    def created_by_display(self, obj: Cohort) -> str:
        return str(obj.created_by)

    @admin.display(description=_("members"))
    def member_count_display(self, obj: Any) -> int:
        return obj.member_count

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cohort]:
        return cohorts_visible_to(user=console_user(request)).select_related("created_by__user")
