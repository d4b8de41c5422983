"""Rights pages for the worker: the monthly wage answer, the pre-filled wage claim, any other case, my cases.

Every page acts for the worker behind the request (workers.views.common.subject_for):
the worker, or an agent or staff member with an active assistance grant.
Another worker's placement or case is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from config.formtools import service_saved
from rights import services
from rights.forms import EVIDENCE_FIELD, CaseForm, CheckinForm, ClaimForm, MessageForm, placements_of
from rights.models import Case, CaseEvent, WageCheckin, month_span
from rights.services.checkins import ClaimDraft
from rights.templatetags.rights import WAGE_HOTLINE
from workers.models import Worker
from workers.views.common import subject_for

PAGE_SIZE = 20
SHORT = (WageCheckin.Answer.UNPAID, WageCheckin.Answer.PART)


def _cases_of(worker: Worker) -> QuerySet[Case]:
    return Case.objects.filter(worker=worker).select_related("employer", "worker")


def _who(user: User | None, case: Case) -> str:
    """Who wrote a step, as the worker knows them: never a staff member's or employer's name."""
    if user is None:
        return ""
    if user.pk == case.worker.user_id:
        return _("You")
    if user.is_bureau_staff or user.is_staff:
        return _("The bureau")
    if user.role == User.Role.EMPLOYER:
        return _("The employer")
    return _("Your helper")


def _draft(worker: Worker, offer_id: int) -> ClaimDraft | None:
    """The claim the placement's short months pre-fill; another worker's placement is a 404."""
    try:
        return services.claim_draft(worker=worker, offer_id=offer_id)
    except PermissionDenied:
        raise Http404 from None


def _seen(draft: ClaimDraft) -> str:
    """What the worker confirms: the months and the amount as shown on the page."""
    return f"{draft.period_start:%Y-%m}:{draft.period_end:%Y-%m}:{draft.amount}"


def _description(draft: ClaimDraft) -> str:
    posting = draft.offer.posting
    months = month_span(draft.period_start, draft.period_end)
    return _(
        "I worked for %(employer)s at %(site)s as %(job)s and was not paid in full for %(months)s: "
        "%(amount)s yuan is missing against the pay on my offer sheet."
    ) % {
        "employer": posting.employer.name,
        "site": posting.site.name,
        "job": posting.title,
        "months": months,
        "amount": draft.amount,
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest) -> HttpResponse:
    """Last month's "were you paid?" answer; a short month leads straight to the pre-filled claim."""
    subject = subject_for(request)
    due = services.checkin_due(worker=subject.worker)
    if request.method == "POST":
        form = CheckinForm(request.POST)
        saved = form.is_valid() and service_saved(
            form,
            services.checkin_answer,
            worker=subject.worker,
            offer_id=form.cleaned_data["offer"],
            month=form.cleaned_data["month"],
            answer=form.cleaned_data["answer"],
            amount_paid=form.cleaned_data.get("amount_paid"),
            by=request.user,
            grant=subject.grant,
        )
        if saved:
            if saved.answer in SHORT:
                messages.success(
                    request, _("Your answer is saved. Check the claim below and send it to the bureau with one tap.")
                )
                return redirect("rights:claim_new", offer_id=saved.offer_id)
            messages.success(request, _("Thank you. Keep your pay slips: they show what you were paid."))
            return redirect("workers:dashboard")
    elif due is None:
        messages.info(request, _("There is no month to answer about now."))
        return redirect("workers:dashboard")
    else:
        form = CheckinForm(initial={"offer": due.offer.pk, "month": due.month})
    return render(request, "rights/worker/checkin.html", {"form": form, "due": due, "subject": subject})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The wage claim pre-filled from the unpaid months: look, add words or files, confirm once."""
    subject = subject_for(request)
    draft = _draft(subject.worker, offer_id)
    if draft is None:
        return render(request, "rights/worker/claim_new.html", {"draft": None, "subject": subject})
    if request.method == "POST":
        form = ClaimForm(request.POST, request.FILES)
        if form.is_valid():
            if form.cleaned_data["seen"] != _seen(draft):
                form.add_error(None, _("The months or the amount changed since you opened the page. Check them again."))
            else:
                case = service_saved(
                    form,
                    services.case_file,
                    worker=subject.worker,
                    employer=draft.offer.posting.employer,
                    kind=Case.Kind.WAGES,
                    description=form.cleaned_data["description"],
                    amount_claimed=draft.amount,
                    period_start=draft.period_start,
                    period_end=draft.period_end,
                    offer=draft.offer,
                    uploads=form.cleaned_data[EVIDENCE_FIELD],
                    by=request.user,
                    grant=subject.grant,
                )
                if case is not None:
                    messages.success(request, _("Your claim is with the bureau. Its steps appear on this page."))
                    return redirect("rights:my_case", case_id=case.pk)
    else:
        form = ClaimForm(initial={"description": _description(draft)})
    context = {"draft": draft, "form": form, "seen": _seen(draft), "subject": subject}
    return render(request, "rights/worker/claim_new.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """Report unpaid wages, a contract dispute, a work injury or a dismissal at one of the worker's placements."""
    subject = subject_for(request)
    worker = subject.worker
    form = CaseForm(request.POST or None, request.FILES or None, worker_id=worker.pk)
    if request.method == "POST" and form.is_valid():
        offer = form.cleaned_data["offer"]
        case = service_saved(
            form,
            services.case_file,
            worker=worker,
            employer=offer.posting.employer,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            amount_claimed=form.cleaned_data["amount_claimed"] or 0,
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            offer=offer,
            uploads=form.cleaned_data[EVIDENCE_FIELD],
            by=request.user,
            grant=subject.grant,
        )
        if case is not None:
            messages.success(request, _("Your case is with the bureau. Its steps appear on this page."))
            return redirect("rights:my_case", case_id=case.pk)
    context = {
        "form": form,
        "subject": subject,
        "placed": placements_of(worker.pk).exists(),
        "hotline": WAGE_HOTLINE,
    }
    return render(request, "rights/worker/case_new.html", context)


@login_required
@never_cache
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    subject = subject_for(request)
    page = Paginator(_cases_of(subject.worker).order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "rights/worker/my_cases.html", {"page": page, "subject": subject})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case: its stage in plain words, its deadline, the steps, the evidence; a message (POST) with files."""
    subject = subject_for(request)
    case = get_object_or_404(_cases_of(subject.worker).select_related("offer__posting__site"), pk=case_id)
    form = MessageForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and service_saved(
            form,
            services.case_message,
            user=request.user,
            case_id=case.pk,
            body=form.cleaned_data["body"],
            uploads=form.cleaned_data[EVIDENCE_FIELD],
            grant=subject.grant,
        )
    ):
        messages.success(request, _("Your message was added to the case. The bureau and the employer can read it."))
        return redirect("rights:my_case", case_id=case.pk)
    # Staff notes stay with staff: the worker sees status changes and messages only.
    events = [
        (event, _who(event.by, case))
        for event in case.events.filter(Q(kind=CaseEvent.Kind.STATUS) | Q(kind=CaseEvent.Kind.MESSAGE))
        .select_related("by")
        .order_by("at", "id")
    ]
    evidence = [
        (item, _who(item.uploaded_by, case))
        for item in case.evidence.select_related("uploaded_by").order_by("uploaded_at", "id")
    ]
    context = {
        "case": case,
        "events": events,
        "evidence": evidence,
        "form": form,
        "subject": subject,
    }
    return render(request, "rights/worker/my_case.html", context)


urlpatterns = [
    path("wages/checkin/", checkin, name="checkin"),
    path("wages/claim/<int:offer_id>/", claim_new, name="claim_new"),
    path("cases/", my_cases, name="my_cases"),
    path("cases/new/", case_new, name="case_new"),
    path("cases/<int:case_id>/", my_case, name="my_case"),
]
