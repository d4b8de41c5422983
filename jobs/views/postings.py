"""Employer pages for one posting: the offer-sheet form, sending it to the bureau, closing it.

Every page acts for the logged-in member's employer; another employer's
posting answers 404 (jobs.views.common.posting_for).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jobs.forms.postings import PostingForm
from jobs.models import EmployerMember, JobPosting
from jobs.rules import DEDUCTION_SHARE_LIMIT
from jobs.services.postings import STAFF_NOTE_CODE, posting_close, posting_save, posting_submit
from jobs.views.common import membership_for, posting_for

_EDITABLE = (JobPosting.Status.DRAFT, JobPosting.Status.SUBMITTED, JobPosting.Status.PUBLISHED)


def _form_page(request: HttpRequest, *, member: EmployerMember, posting: JobPosting | None) -> HttpResponse:
    form = PostingForm(request.POST if request.method == "POST" else None, member=member, posting=posting)
    if request.method == "POST" and form.is_valid():
        try:
            saved = posting_save(
                member=member, posting=posting, data=form.data_for_service, site=form.cleaned_data["site"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The posting is saved."))
            return redirect("jobs:posting_edit", posting_id=saved.pk)
    notes = [flag for flag in posting.review_flags or [] if flag.get("code") == STAFF_NOTE_CODE] if posting else []
    context = {
        "form": form,
        "staff_notes": notes,
        "flags": [flag for flag in posting.review_flags or [] if flag not in notes] if posting else [],
        "posting": posting,
        "has_sites": member.employer.sites.exists(),
        "share_limit": int(DEDUCTION_SHARE_LIMIT * 100),
        "editable": posting is None or posting.status in _EDITABLE,
    }
    return render(request, "jobs/postings/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, member=membership_for(request), posting=None)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, posting_id: int) -> HttpResponse:
    member, posting = posting_for(request, posting_id)
    return _form_page(request, member=member, posting=posting)


@login_required
@require_POST
def submit(request: HttpRequest, posting_id: int) -> HttpResponse:
    member, posting = posting_for(request, posting_id)
    try:
        posting = posting_submit(member=member, posting=posting)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if posting.status == JobPosting.Status.PUBLISHED:
            messages.success(request, _("The posting is published: workers can find it now."))
        else:
            messages.success(request, _("The posting is sent to the bureau, which checks it before it goes public."))
    return redirect("jobs:posting_edit", posting_id=posting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, posting_id: int) -> HttpResponse:
    member, posting = posting_for(request, posting_id)
    if request.method == "POST":
        try:
            posting_close(member=member, posting=posting)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The posting is closed."))
        return redirect("jobs:posting_edit", posting_id=posting.pk)
    return render(request, "jobs/postings/close.html", {"posting": posting})
