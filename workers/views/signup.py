"""Sign-up steps 2 to 6 (step 1, phone and code, is accounts:login); after sign-up the same pages edit the profile.

Steps are taken in order, so consent (step 2) comes before any other data; a
step already passed can be opened again to change it. Every page works on
`subject_for(request)`: the worker's own profile, or the one an agent acts for
under an assistance grant, which the services then record.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import pii
from config.formtools import service_saved
from reference.forms import is_region_refresh
from workers.forms.signup import (
    ADD_ROW,
    SHOW_OCCUPATIONS,
    AnswerForm,
    CohortForm,
    HomeForm,
    IdentityForm,
    InviteForm,
    PoorLabourerForm,
    WorkStep,
)
from workers.models import CohortMember, Worker
from workers.selectors import cohort_invitations_for, cohort_membership_open
from workers.services import cohorts, profile
from workers.views.common import Subject, subject_for

Step = Worker.SignupStep
TOTAL_STEPS = 6
STEP_URLS = {
    Step.IDENTITY: "workers:signup_identity",
    Step.HOME: "workers:signup_home",
    Step.WORK: "workers:signup_work",
    Step.GROUP: "workers:signup_group",
    Step.POOR_LABOURER: "workers:signup_poor_labourer",
}
_PHONE_STEP = gettext_lazy("Mobile number")


def _too_early(worker: Worker, step: int) -> HttpResponse | None:
    """A step ahead of the next unfinished one sends the worker back to that one."""
    return redirect(STEP_URLS[Step(worker.signup_step)]) if step > worker.signup_step else None


def _progress(worker: Worker, step: int) -> list[dict[str, Any]]:
    labels = [_PHONE_STEP, *(Step(number).label for number in range(Step.IDENTITY, Step.DONE))]
    return [
        {
            "label": label,
            "number": number,
            "state": "current" if number == step else "done" if number < worker.signup_step else "",
        }
        for number, label in enumerate(labels, start=1)
    ]


def _page(request: HttpRequest, subject: Subject, step: int, template: str, context: dict[str, Any]) -> HttpResponse:
    worker = subject.worker
    context |= {
        "subject": subject,
        "worker": worker,
        "step": step,
        "total_steps": TOTAL_STEPS,
        "progress": _progress(worker, step),
        "back_url": STEP_URLS.get(Step(step - 1)) if step > Step.IDENTITY else None,
    }
    if step != Step.GROUP:
        # Someone invited before signing up learns of it at once; the group step lists the invitations.
        context["invitations_waiting"] = cohort_invitations_for(worker=worker)
    return render(request, template, context)


def _onward(request: HttpRequest, step: int, *, was_complete: bool) -> HttpResponse:
    """After a save: the next step while signing up, the worker's page once signed up."""
    if was_complete:
        messages.success(request, _("Saved. Matching will look again."))
        return redirect("workers:dashboard")
    if step + 1 == Step.DONE:
        messages.success(request, _("You are signed up. Chunfeng now looks for work for you."))
        return redirect("workers:dashboard")
    return redirect(STEP_URLS[Step(step + 1)])


@login_required
@never_cache
def start(request: HttpRequest) -> HttpResponse:
    worker = subject_for(request).worker
    if worker.signup_complete:
        return redirect("workers:dashboard")
    return redirect(STEP_URLS[Step(worker.signup_step)])


@login_required
@never_cache
@sensitive_post_parameters("id_number")
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest) -> HttpResponse:
    subject = subject_for(request)
    worker, was_complete = subject.worker, subject.worker.signup_complete
    form = IdentityForm(request.POST if request.method == "POST" else None, worker=worker)
    if form.is_valid() and service_saved(
        form, profile.worker_identity_set, worker=worker, grant=subject.grant, **form.cleaned_data
    ):
        return _onward(request, Step.IDENTITY, was_complete=was_complete)
    context = {
        "form": form,
        "age": worker.age_on(timezone.localdate()),
        "retention_years": profile.RETENTION_YEARS,
    }
    return _page(request, subject, Step.IDENTITY, "workers/signup/identity.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def home_county(request: HttpRequest) -> HttpResponse:
    subject = subject_for(request)
    worker, was_complete = subject.worker, subject.worker.signup_complete
    if (early := _too_early(worker, Step.HOME)) is not None:
        return early
    form = HomeForm(request.POST if request.method == "POST" else None, worker=worker)
    if (
        not is_region_refresh(request)
        and form.is_valid()
        and service_saved(form, profile.worker_home_set, worker=worker, grant=subject.grant, **form.cleaned_data)
    ):
        return _onward(request, Step.HOME, was_complete=was_complete)
    return _page(request, subject, Step.HOME, "workers/signup/home.html", {"form": form})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def work(request: HttpRequest) -> HttpResponse:
    subject = subject_for(request)
    worker, was_complete = subject.worker, subject.worker.signup_complete
    if (early := _too_early(worker, Step.WORK)) is not None:
        return early
    form = WorkStep(request.POST if request.method == "POST" else None, worker=worker)
    if form.is_valid() and service_saved(
        form, profile.worker_work_set, worker=worker, grant=subject.grant, **form.cleaned_data
    ):
        return _onward(request, Step.WORK, was_complete=was_complete)
    context = {"step_form": form, "form": form.form, "add_row": ADD_ROW, "show_occupations": SHOW_OCCUPATIONS}
    return _page(request, subject, Step.WORK, "workers/signup/work.html", context)


def _group_post(
    request: HttpRequest, subject: Subject, membership: CohortMember | None
) -> HttpResponse | dict[str, Form]:
    """Carry out one action of the group page: a redirect when done, else the forms to show again."""
    worker, grant, action = subject.worker, subject.grant, request.POST.get("action")
    if action == "continue":
        was_complete = worker.signup_complete
        profile.worker_signup_advance(worker=worker, completed=Step.GROUP, grant=grant)
        return _onward(request, Step.GROUP, was_complete=was_complete)
    create = CohortForm(request.POST if action == "create" else None)
    invite = InviteForm(request.POST if action == "invite" else None)
    mine, done = {"worker": worker, "grant": grant}, None
    if (
        action == "create"
        and create.is_valid()
        and service_saved(create, cohorts.cohort_create, **mine, **create.cleaned_data)
    ):
        done = _("Group started. Now invite the others by their mobile numbers.")
    elif action == "invite" and membership and invite.is_valid():
        arguments = {"cohort": membership.cohort, "inviter": worker, "grant": grant, **invite.cleaned_data}
        if invited := service_saved(invite, cohorts.cohort_member_invite, **arguments):
            done = _("Invitation sent by text message to %(phone)s.") % {"phone": invited.masked_phone}
    elif action == "leave" and membership and service_saved(invite, cohorts.cohort_leave, member=membership, **mine):
        done = _("You have left the group %(name)s.") % {"name": membership.cohort.name}
    if done is None:
        return {"create_form": create, "invite_form": invite}
    messages.success(request, done)
    return redirect("workers:signup_group")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def group(request: HttpRequest) -> HttpResponse:
    subject = subject_for(request)
    if (early := _too_early(subject.worker, Step.GROUP)) is not None:
        return early
    membership = cohort_membership_open(worker=subject.worker)
    forms = {"create_form": CohortForm(), "invite_form": InviteForm()}
    if request.method == "POST":
        outcome = _group_post(request, subject, membership)
        if isinstance(outcome, HttpResponse):
            return outcome
        forms = outcome
    context = {
        **forms,
        "membership": membership,
        "members": cohorts.cohort_members(cohort=membership.cohort) if membership else [],
        "invitations": [
            (invited, cohorts.inviter_label(invited.cohort.created_by))
            for invited in cohort_invitations_for(worker=subject.worker)
        ],
        "max_members": cohorts.MAX_MEMBERS,
    }
    return _page(request, subject, Step.GROUP, "workers/signup/group.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def poor_labourer(request: HttpRequest) -> HttpResponse:
    subject = subject_for(request)
    worker, was_complete = subject.worker, subject.worker.signup_complete
    if (early := _too_early(worker, Step.POOR_LABOURER)) is not None:
        return early
    form = PoorLabourerForm(request.POST if request.method == "POST" else None, worker=worker)
    if form.is_valid() and service_saved(
        form, profile.worker_poor_labourer_declare, worker=worker, grant=subject.grant, **form.cleaned_data
    ):
        return _onward(request, Step.POOR_LABOURER, was_complete=was_complete)
    return _page(request, subject, Step.POOR_LABOURER, "workers/signup/poor_labourer.html", {"form": form})


def _invitation_for(worker: Worker, membership_id: int) -> CohortMember:
    """The invitation, if it was sent to this worker's own number; 404 for anyone else."""
    if not worker.user.phone:
        raise Http404
    invitations = CohortMember.objects.select_related("cohort__created_by__user")
    phone_hash = pii.keyed_hash(worker.user.phone, purpose="phone")
    return get_object_or_404(invitations, pk=membership_id, phone_hash=phone_hash)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, membership_id: int) -> HttpResponse:
    subject = subject_for(request)
    member = _invitation_for(subject.worker, membership_id)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    answer = {"member": member, "worker": subject.worker, "grant": subject.grant}
    if form.is_valid() and service_saved(form, cohorts.cohort_invitation_answer, accept=form.accepted, **answer):
        said = _("You are now in the group %(name)s.") if form.accepted else _("You said no to the group %(name)s.")
        messages.success(request, said % {"name": member.cohort.name})
        return redirect("workers:signup")
    members = cohorts.cohort_members(cohort=member.cohort)
    context = {
        "form": form,
        "member": member,
        "inviter": cohorts.inviter_label(member.cohort.created_by),
        "confirmed": sum(other.status == CohortMember.Status.CONFIRMED for other in members),
    }
    return render(request, "workers/signup/invitation.html", context)
