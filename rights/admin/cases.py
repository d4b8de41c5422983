"""Console pages for cases: the list of the staff member's region, a case's page, and its moves and messages.

A case is listed when its sending or its receiving county lies in the staff
member's region (404 for any other). A case's page is read-only: its facts,
the offer sheet, every step (staff notes marked), the evidence, and, for staff
with the "change case" permission, forms to move it along the workflow or to
write a message or a staff note. Each is a POST through `rights.services`; a
refusal shows its message and changes nothing.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts import pii
from accounts.admin import NotFoundOutsideScope, ReadOnlyAdmin, console_user
from accounts.models import User
from accounts.selectors import region_prefix
from config.formtools import service_saved
from jobs.models import JobPosting
from rights import services
from rights.admin.forms import CaseMessageForm, CaseMoveForm
from rights.admin.statistics import CaseStatisticsMixin
from rights.models import Case, CaseEvent, month_span
from rights.selectors import cases_visible_to, silent_placements, staff_for_case
from rights.services.cases import NEXT

CHANGE_PERMISSION = "rights.change_case"
SILENT_PER_PAGE = 50


# The list's filters ----------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    """Open cases whose stage is past its deadline."""

    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext("Overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        if self.value() == "yes":
            return queryset.filter(status__in=Case.OPEN, stage_due__lt=timezone.now())
        return queryset


class HandlerFilter(admin.SimpleListFilter):
    title = pgettext_lazy("who handles a case", "handler")
    parameter_name = "handler"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("me", gettext("Me")), ("nobody", gettext("Nobody yet"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        if self.value() == "me":
            return queryset.filter(assigned_to=console_user(request))
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class SideFilter(admin.SimpleListFilter):
    """The bureau's side of a case: it sent the worker, or the work is in its region (nationwide staff: no filter)."""

    title = pgettext_lazy("of a case", "side")
    parameter_name = "side"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        if not region_prefix(console_user(request)):
            return []
        return [
            ("sending", gettext("Workers from my region")),
            ("receiving", gettext("Employers in my region")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        prefix = region_prefix(console_user(request))
        if not prefix:
            return queryset
        if self.value() == "sending":
            return queryset.filter(sending_region__code__startswith=prefix)
        if self.value() == "receiving":
            return queryset.filter(receiving_region__code__startswith=prefix)
        return queryset


# Shared display helpers --------------------------------------------------------------------------


def author(user: User | None, case: Case) -> str:
    """Who wrote a step or gave a file, as staff may read it: the parties by role, staff by name."""
    if user is None:
        return "—"
    if user.pk == case.worker.user_id:
        return gettext("The worker")
    if user.is_bureau_staff:
        return user.display_name
    if user.role == User.Role.EMPLOYER:
        return gettext("The employer")
    if user.role == User.Role.AGENT:
        return gettext("A village agent, for the worker")
    return str(User.Role(user.role).label)


def _moment(value: Any) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


# The case list and a case's page ---------------------------------------------------------------------


@admin.register(Case)
class CaseAdmin(CaseStatisticsMixin, NotFoundOutsideScope, ReadOnlyAdmin):
    list_display = (
        "number_display",
        "kind",
        "worker_display",
        "employer",
        "amount_claimed",
        "status",
        "handler_display",
        "stage_due_display",
        "created_at",
    )
    list_display_links = ("number_display",)
    empty_value_display = "—"
    list_filter = ("status", "kind", OverdueFilter, HandlerFilter, SideFilter)
    list_select_related = ("worker", "employer", "assigned_to")
    search_fields = ("=id", "employer__name")
    search_help_text = _("A case number or an employer's name.")
    fieldsets = (
        (None, {"fields": ("number_display", "kind", "status", "substantiated")}),
        (
            _("Worker and employer"),
            {"fields": ("worker_display", "employer", "sending_region", "receiving_region")},
        ),
        (_("The claim"), {"fields": ("period_display", "amount_claimed", "description")}),
        (
            _("Handling"),
            {
                "fields": (
                    "handler_display",
                    "stage_due_display",
                    "recovery",
                    "recovered_amount",
                    "recovered_on",
                    "created_at",
                    "closed_at",
                )
            },
        ),
    )
    readonly_fields = flatten_fieldsets(fieldsets)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        """The staff member's cases: the worker's county or the work's county lies in their region."""
        return cases_visible_to(console_user(request)).select_related(
            "worker", "employer", "assigned_to", "sending_region", "receiving_region"
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Case], search_term: str
    ) -> tuple[QuerySet[Case], bool]:
        # Staff write case numbers as they are shown, "#12": that finds the one case, not names holding "12".
        term = search_term.strip()
        if term.startswith("#") and term[1:].isdigit():
            return queryset.filter(pk=int(term[1:])), False
        return super().get_search_results(request, queryset, term)

    @admin.display(description=_("case"), ordering="pk")
    def number_display(self, obj: Case) -> str:
        return f"#{obj.pk}"

    @admin.display(description=_("worker"))
    def worker_display(self, obj: Case) -> str:
        return pii.mask_name(obj.worker.real_name)

    @admin.display(description=_("handled by"), ordering="assigned_to__last_name")
    def handler_display(self, obj: Case) -> str:
        return obj.assigned_to.display_name if obj.assigned_to else "—"

    @admin.display(description=_("this stage is due"), ordering="stage_due")
    def stage_due_display(self, obj: Case) -> str:
        if obj.stage_due is None:
            return "—"
        if obj.is_overdue:
            return format_html("{} <strong>{}</strong>", _moment(obj.stage_due), gettext("overdue"))
        return _moment(obj.stage_due)

    @admin.display(description=_("months"))
    def period_display(self, obj: Case) -> str:
        return month_span(obj.period_start, obj.period_end)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Case | None = None,
    ) -> HttpResponse:
        if obj is not None:
            context |= self._case_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _case_context(self, request: HttpRequest, case: Case) -> dict[str, Any]:
        """The case's offer sheet, steps, evidence and, for staff who may change it, the action forms."""
        may_change = request.user.has_perm(CHANGE_PERMISSION)
        events = case.events.select_related("by")
        evidence = case.evidence.select_related("uploaded_by")
        posting = None
        if case.offer_id:
            posting = JobPosting.objects.select_related("site__county").filter(offers__pk=case.offer_id).first()
        moves: list[CaseMoveForm] = []
        if may_change:
            staff = staff_for_case(case)
            moves = [CaseMoveForm(to=to, staff=staff) for to in NEXT[Case.Status(case.status)]]
        return {
            "case": case,
            "posting": posting,
            "steps": [(event, author(event.by, case)) for event in events],
            "evidence": [(item, author(item.uploaded_by, case)) for item in evidence],
            "may_change": may_change,
            "moves": moves,
            "message_form": CaseMessageForm() if may_change else None,
            "note_kind": CaseEvent.Kind.NOTE,
            "status_kind": CaseEvent.Kind.STATUS,
        }

    # Moves and messages ------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        routes: list[tuple[str, Callable[..., HttpResponse], str]] = [
            ("<int:case_id>/move/<slug:to>/", self.move_view, "move"),
            ("<int:case_id>/message/", self.message_view, "message"),
            ("silent-placements/", self.silent_view, "silent_placements"),
        ]
        return [
            *(path(route, self.admin_site.admin_view(view), name=f"{prefix}_{name}") for route, view, name in routes),
            *super().get_urls(),
        ]

    def _case_to_change(self, request: HttpRequest, case_id: int) -> Case:
        """A case the staff member may read and work; 404 outside their region, 403 without the right."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        case = self.get_object(request, str(case_id))
        if not request.user.has_perm(CHANGE_PERMISSION):
            raise PermissionDenied
        return case

    def _back(self, case: Case) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:rights_case_change", args=[case.pk]))

    def _action_page(
        self, request: HttpRequest, case: Case, form: forms.Form, *, title: str, submit: str, action: str
    ) -> TemplateResponse:
        """An action's form on a page of its own: shown on GET and again, with the refusal, on a refused POST."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "case": case,
            "title": title,
            "form": form,
            "submit": submit,
            "action": action,
            "back_url": reverse("admin:rights_case_change", args=[case.pk]),
            "back_label": gettext("Back to the case"),
        }
        return TemplateResponse(request, "admin/rights/case/action.html", context)

    def move_view(self, request: HttpRequest, case_id: int, to: str) -> HttpResponse:
        case = self._case_to_change(request, case_id)
        if to not in Case.Status.values:
            raise Http404
        staff = console_user(request)
        form = CaseMoveForm(request.POST if request.method == "POST" else None, to=to, staff=staff_for_case(case))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            moved = service_saved(
                form,
                services.case_move,
                staff=staff,
                case_id=case.pk,
                to=to,
                note=data.get("note", ""),
                assign_to=data.get("assign_to"),
                recovery=data.get("recovery", ""),
                recovered_amount=data.get("recovered_amount"),
                recovered_on=data.get("recovered_on"),
            )
            if moved is not None:
                done = gettext("Case #%(case)s is now “%(status)s”; the worker is told by text message.")
                self.message_user(request, done % {"case": moved.pk, "status": moved.get_status_display()})
                return self._back(case)
        return self._action_page(
            request,
            case,
            form,
            title=gettext("Case #%(case)s: %(status)s") % {"case": case.pk, "status": form.label},
            submit=gettext("Move the case"),
            action=reverse("admin:rights_case_move", args=[case.pk, to]),
        )

    def message_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        case = self._case_to_change(request, case_id)
        form = CaseMessageForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            event = service_saved(
                form,
                services.case_message,
                user=console_user(request),
                case_id=case.pk,
                body=data["body"],
                uploads=data["uploads"] or None,
                staff_only=data["staff_only"],
            )
            if event is not None:
                done = (
                    gettext("Your note is kept with the case; only staff read it.")
                    if event.kind == CaseEvent.Kind.NOTE
                    else gettext("Your message is on the case; the worker and the employer read it.")
                )
                self.message_user(request, done, messages.SUCCESS)
                return self._back(case)
        return self._action_page(
            request,
            case,
            form,
            title=gettext("Case #%(case)s: a message or a note") % {"case": case.pk},
            submit=gettext("Send"),
            action=reverse("admin:rights_case_message", args=[case.pk]),
        )

    # Placed workers who have stopped answering ---------------------------------------------------

    def silent_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        offers = silent_placements(console_user(request))
        page = Paginator(offers, SILENT_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Placed workers who have not answered for two months"),
            "page": page,
            "rows": [(offer, pii.mask_name(offer.worker.real_name)) for offer in page.object_list],
        }
        return TemplateResponse(request, "admin/rights/case/silent_placements.html", context)
