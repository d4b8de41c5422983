"""Console pages for employers: verification and standing as actions with a note, members and sites read-only.

Staff see employers registered within their home region unless nationwide;
an employer outside it answers 404 as if it did not exist. Contact phones
appear masked. Decisions go through jobs.services.employers, never by
editing fields.
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import DecisionAdmin, ReadOnlyInline, console_user
from accounts.admin_search import PrivateSearchMixin
from accounts.models import User
from jobs.models import Employer, EmployerMember, JobPosting, Site
from jobs.services.employers import NOTE_MAX_LENGTH, clean_uscc, employer_standing_set, employer_verify
from reference.codes import scope_prefix


class EmployerNoteActionForm(helpers.ActionForm):
    """The action bar with a note: a rejection, watch or block must say why."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Required when rejecting, watching or blocking; the company's owner reads it."),
    )


def employers_visible_to(user: User) -> Q:
    """Employers registered within the staff member's home region; all for nationwide staff."""
    if user.is_superuser or user.nationwide:
        return Q()
    if user.home_region_id is None:
        return Q(pk__in=[])
    return Q(region__code__startswith=scope_prefix(user.home_region_id))


class LiveOffersFilter(admin.SimpleListFilter):
    """Employers with workers on the way: offers accepted or confirmed but not yet arrived."""

    title = _("offers running")
    parameter_name = "live_offers"
    # Offer states by value: the jobs app reads them through the relation, it does not import matching.
    LIVE = ("accepted", "confirmed")

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", gettext("With offers running"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Employer]) -> QuerySet[Employer]:
        if self.value() == "yes":
            live = JobPosting.objects.filter(employer=OuterRef("pk"), offers__status__in=self.LIVE)
            return queryset.filter(Exists(live))
        return queryset


class MemberInline(ReadOnlyInline):
    model = EmployerMember
    fields = ("masked_phone_display", "role", "created_at")
    readonly_fields = fields

    @admin.display(description=_("phone"))
    def masked_phone_display(self, obj: EmployerMember) -> str:
        return obj.user.masked_phone or "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[EmployerMember]:
        return super().get_queryset(request).select_related("user")


class SiteInline(ReadOnlyInline):
    model = Site
    fields = ("name", "address", "county")
    readonly_fields = fields


_FIELDS = (
    "name",
    "uscc",
    "region",
    "industry",
    "contact_name",
    "masked_contact_phone_display",
    "verification",
    "verification_note",
    "verified_by",
    "verified_at",
    "standing",
    "standing_note",
    "standing_set_by",
    "standing_set_at",
    "created_at",
)


@admin.register(Employer)
class EmployerAdmin(PrivateSearchMixin, DecisionAdmin):
    list_display = ("name", "uscc", "region", "industry", "verification", "standing", "created_at")
    list_filter = ("verification", "standing", LiveOffersFilter, "industry")
    list_select_related = ("region",)
    private_search_help = _("A company name, or a full unified social credit code.")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    action_form = EmployerNoteActionForm
    actions = ("verify", "reject", "standing_good", "standing_watch", "standing_blocked")
    inlines = (MemberInline, SiteInline)
    fields = _FIELDS
    readonly_fields = _FIELDS

    @admin.display(description=_("contact phone"))
    def masked_contact_phone_display(self, obj: Employer) -> str:
        return obj.masked_contact_phone or "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Employer]:
        return super().get_queryset(request).filter(employers_visible_to(console_user(request)))

    def private_search(self, queryset: QuerySet, term: str) -> QuerySet:
        try:
            code = clean_uscc(term)
        except ValidationError:
            return queryset.filter(name__icontains=term)
        return queryset.filter(uscc=code)

    def _decide(
        self,
        request: HttpRequest,
        queryset: QuerySet[Employer],
        *,
        decide: Callable[[Employer, User, str], object],
        needs_note: bool,
    ) -> None:
        """Run one service decision per selected employer; report how many changed and how many were skipped."""
        staff = console_user(request)
        note = request.POST.get("note", "").strip()
        if needs_note and not note:
            self.message_user(
                request,
                _("Write a note saying why: the company's owner reads it. Nothing was changed."),
                messages.ERROR,
            )
            return
        changed = refused = 0
        for employer in queryset:
            try:
                decide(employer, staff, note)
            except (ValidationError, PermissionDenied):
                refused += 1
            else:
                changed += 1
        if changed:
            message = ngettext("%(count)d employer changed.", "%(count)d employers changed.", changed)
            self.message_user(request, message % {"count": changed}, messages.SUCCESS)
        if refused:
            message = ngettext(
                "%(count)d employer skipped: not yours to decide.",
                "%(count)d employers skipped: not yours to decide.",
                refused,
            )
            self.message_user(request, message % {"count": refused}, messages.WARNING)

    def _verify(self, request: HttpRequest, queryset: QuerySet[Employer], *, verified: bool) -> None:
        self._decide(
            request,
            queryset,
            decide=lambda employer, staff, note: employer_verify(
                employer=employer, staff=staff, verified=verified, note=note
            ),
            needs_note=not verified,
        )

    def _standing(self, request: HttpRequest, queryset: QuerySet[Employer], standing: str) -> None:
        self._decide(
            request,
            queryset,
            decide=lambda employer, staff, note: employer_standing_set(
                employer=employer, staff=staff, standing=standing, note=note
            ),
            needs_note=standing != Employer.Standing.GOOD,
        )

    @admin.action(description=_("Verify employer"), permissions=["change"])
    def verify(self, request: HttpRequest, queryset: QuerySet[Employer]) -> None:
        self._verify(request, queryset, verified=True)

    @admin.action(description=_("Reject verification"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Employer]) -> None:
        self._verify(request, queryset, verified=False)

    @admin.action(description=_("Set standing: good"), permissions=["change"])
    def standing_good(self, request: HttpRequest, queryset: QuerySet[Employer]) -> None:
        self._standing(request, queryset, Employer.Standing.GOOD)

    @admin.action(description=_("Set standing: watch"), permissions=["change"])
    def standing_watch(self, request: HttpRequest, queryset: QuerySet[Employer]) -> None:
        self._standing(request, queryset, Employer.Standing.WATCH)

    @admin.action(description=_("Set standing: blocked"), permissions=["change"])
    def standing_blocked(self, request: HttpRequest, queryset: QuerySet[Employer]) -> None:
        self._standing(request, queryset, Employer.Standing.BLOCKED)
