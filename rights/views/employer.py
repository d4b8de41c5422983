"""Rights pages for the employer: the cases workers filed against the company, and its answer with evidence.

The company is the request's (jobs.views.common.membership_for; anyone who acts
for no employer gets 403). Another employer's case is a 404. Workers appear by
masked name only; staff notes never reach these pages.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.pii import mask_name
from config.formtools import service_saved
from jobs.models import EmployerMember
from jobs.views.common import membership_for
from rights import services
from rights.forms import EvidenceField
from rights.models import Case, CaseEvent, Evidence

PAGE_SIZE = 20
# What an employer reads of a case's history: steps and messages, never the notes staff keep for themselves.
_SHOWN_EVENTS = (CaseEvent.Kind.STATUS, CaseEvent.Kind.MESSAGE)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("The worker and both labour bureaus read it."),
    )
    evidence = EvidenceField(
        label=gettext_lazy("Evidence"),
        help_text=gettext_lazy(
            "Photos (JPEG, PNG) or PDFs of pay slips, time sheets or bank transfers, up to five. "
            "If the form comes back with a mistake, choose the files again."
        ),
    )


@dataclass(frozen=True)
class Step:
    event: CaseEvent
    who: str


@dataclass(frozen=True)
class Attachment:
    evidence: Evidence
    who: str


def _case_for(request: HttpRequest, case_id: int) -> tuple[EmployerMember, Case]:
    """The request's membership and a case against its employer; any other case is a 404."""
    member = membership_for(request)
    cases = Case.objects.select_related("worker", "offer__posting__site", "receiving_region", "sending_region")
    return member, get_object_or_404(cases, pk=case_id, employer_id=member.employer_id)


def _who(user_id: int | None, case: Case, company_users: set[int]) -> str:
    """Which party wrote a step, as the employer may read it: the worker, the company, or the bureau."""
    if user_id is not None and user_id == case.worker.user_id:
        return _("The worker")
    if user_id in company_users:
        return _("Your company")
    return _("The labour bureau")


@login_required
@never_cache
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases workers filed against the request's employer, newest first, with the company's standing."""
    member = membership_for(request)
    cases = Case.objects.filter(employer_id=member.employer_id).select_related("worker").order_by("-created_at", "-id")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, mask_name(case.worker.real_name)) for case in page.object_list]
    context = {"employer": member.employer, "page": page, "rows": rows}
    return render(request, "rights/employer/case_list.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case against the company: the facts, its steps, the evidence, and the company's answer."""
    member, case = _case_for(request, case_id)
    form = ReplyForm(request.POST, request.FILES) if request.method == "POST" else ReplyForm()
    if form.is_bound and form.is_valid():
        saved = service_saved(
            form,
            services.case_message,
            user=request.user,
            case_id=case.pk,
            body=form.cleaned_data["body"],
            uploads=form.cleaned_data["evidence"],
        )
        if saved is not None:
            messages.success(request, _("Your answer is on the case. The worker and the bureaus can read it."))
            return redirect("rights:employer_case", case_id=case.pk)
    company_users = set(EmployerMember.objects.filter(employer_id=case.employer_id).values_list("user_id", flat=True))
    events = case.events.filter(kind__in=_SHOWN_EVENTS).order_by("at", "id")
    context = {
        "employer": member.employer,
        "case": case,
        "worker_name": mask_name(case.worker.real_name),
        "steps": [Step(event=event, who=_who(event.by_id, case, company_users)) for event in events],
        "files": [
            Attachment(evidence=item, who=_who(item.uploaded_by_id, case, company_users))
            # The worker's own files go to the bureaus only; the company sees what it gave.
            for item in case.evidence.filter(uploaded_by_id__in=company_users)
        ],
        "form": form,
    }
    return render(request, "rights/employer/case_detail.html", context)


urlpatterns = [
    path("employer/cases/", case_list, name="employer_cases"),
    path("employer/cases/<int:case_id>/", case_detail, name="employer_case"),
]
