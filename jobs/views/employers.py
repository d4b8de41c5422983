"""Employer pages: register a company, the dashboard of postings, members and sites.

Every page finds the request's company through jobs.views.common, so the
per-object checks live in one place: no membership is a 403, another
employer's posting a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.models import User
from config.formtools import service_saved
from jobs.forms.employers import MemberForm, RegisterForm, SiteForm
from jobs.models import EmployerMember, JobPosting
from jobs.selectors_employers import members_of, postings_for_employer, sites_of
from jobs.services import employers as services
from jobs.views.common import membership_for, owner_for

REMOVE_FIELD = "remove"


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    if EmployerMember.objects.filter(user=user).exists():
        return redirect("jobs:employer_dashboard")
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and service_saved(form, services.employer_register, user=user, **form.cleaned_data):
        messages.success(
            request,
            _("Your company is registered. Its postings go public after the labour bureau verifies the company."),
        )
        return redirect("jobs:employer_dashboard")
    return render(request, "jobs/employer/register.html", {"form": form})


@login_required
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        member = membership_for(request)
    except PermissionDenied:
        if isinstance(request.user, User) and request.user.role == User.Role.EMPLOYER:
            return redirect("jobs:employer_register")
        raise
    context = {
        "member": member,
        "employer": member.employer,
        "postings": postings_for_employer(employer=member.employer),
        "is_owner": member.role == EmployerMember.Role.OWNER,
        "editable": (JobPosting.Status.DRAFT, JobPosting.Status.SUBMITTED, JobPosting.Status.PUBLISHED),
        "closable": (JobPosting.Status.SUBMITTED, JobPosting.Status.PUBLISHED),
    }
    return render(request, "jobs/employer/dashboard.html", context)


def _member_post(request: HttpRequest, form: MemberForm) -> bool:
    """Add or remove a member; True when something changed. Only the owner may: a recruiter gets 403."""
    owner = owner_for(request)
    if REMOVE_FIELD in request.POST:
        target_id = request.POST[REMOVE_FIELD]
        if not target_id.isdigit():
            raise Http404
        target = get_object_or_404(EmployerMember, pk=int(target_id), employer_id=owner.employer_id)
        try:
            services.member_remove(owner=owner, member=target)
        except ValidationError as error:
            form.add_error(None, error)
            return False
        messages.success(request, _("The member was removed."))
        return True
    if form.is_valid() and service_saved(form, services.member_add, owner=owner, **form.cleaned_data):
        messages.success(request, _("The member was added. They log in with their mobile number."))
        return True
    return False


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    member = membership_for(request)
    form = MemberForm(request.POST if request.method == "POST" and REMOVE_FIELD not in request.POST else None)
    if request.method == "POST" and _member_post(request, form):
        return redirect("jobs:employer_members")
    context = {
        "member": member,
        "employer": member.employer,
        "members": members_of(employer=member.employer),
        "is_owner": member.role == EmployerMember.Role.OWNER,
        "form": form,
        "remove_field": REMOVE_FIELD,
    }
    return render(request, "jobs/employer/members.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def sites(request: HttpRequest) -> HttpResponse:
    member = membership_for(request)
    form = SiteForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and service_saved(form, services.site_add, member=member, **form.cleaned_data):
        messages.success(request, _("The site was added. You can choose it when you post a job."))
        return redirect("jobs:employer_sites")
    context = {"employer": member.employer, "sites": sites_of(employer=member.employer), "form": form}
    return render(request, "jobs/employer/sites.html", context)
