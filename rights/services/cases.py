"""Cases from filing to the end: who may move a case where, deadlines per stage, messages and evidence.

A case belongs to two bureaus: the sending county (where the worker
registered) and the receiving county (where the work is). Staff of either
region move it along; the worker and the employer write messages and add
evidence. Every change is a `CaseEvent`; each change re-computes the
employer's standing.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AssistanceGrant, User
from accounts.services import assisted_action_record
from accounts.sms import send_sms
from jobs.models import Employer, EmployerMember
from matching.models import Offer
from rights.models import Case, CaseEvent, Evidence
from rights.services.evidence import evidence_add
from rights.services.standing import employer_standing_refresh
from workers.models import Worker

Status = Case.Status

# Days each open stage may last before the case shows as overdue.
STAGE_DAYS = {Status.RECEIVED: 3, Status.ASSIGNED: 5, Status.INVESTIGATING: 15, Status.MEDIATION: 30}

# Where a case may go from each status (staff only).
NEXT = {
    Status.RECEIVED: (Status.ASSIGNED, Status.CLOSED),
    Status.ASSIGNED: (Status.INVESTIGATING, Status.CLOSED),
    Status.INVESTIGATING: (Status.MEDIATION, Status.RECOVERED, Status.ARBITRATION, Status.CLOSED),
    Status.MEDIATION: (Status.RECOVERED, Status.ARBITRATION, Status.CLOSED),
    Status.RECOVERED: (Status.CLOSED,),
    Status.ARBITRATION: (Status.CLOSED,),
    Status.CLOSED: (),
}
# Reaching one of these means staff found the claim well founded.
SUBSTANTIATING = (Status.MEDIATION, Status.RECOVERED, Status.ARBITRATION)

_TEXTS = {
    "filed": gettext_lazy(
        "Chunfeng: a worker has filed a case against %(employer)s (case %(case)s). "
        "Log in to read it and answer with your evidence."
    ),
    "status": gettext_lazy("Chunfeng: your case %(case)s is now: %(status)s."),
}


def _now() -> datetime:
    return timezone.now()


def _due(status: str, now: datetime) -> datetime | None:
    days = STAGE_DAYS.get(Status(status))
    return now + timedelta(days=days) if days else None


def _text(phone: str, language: str, kind: str, **values: object) -> None:
    if not phone:
        return
    with translation.override(language or settings.LANGUAGE_CODE):
        body = str(_TEXTS[kind]) % values
    transaction.on_commit(partial(send_sms, phone=phone, body=body, kind=f"rights.{kind}"))


def _status_text(case: Case) -> None:
    user = case.worker.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        status = str(Case.Status(case.status).label)
    _text(user.phone, user.preferred_language, "status", case=case.pk, status=status)


def may_work(staff: User, case: Case) -> bool:
    """Staff of the sending or the receiving region work a case."""
    return (
        staff.is_active
        and staff.is_bureau_staff
        and (staff.can_act_in(case.sending_region_id) or staff.can_act_in(case.receiving_region_id))
    )


@transaction.atomic
def case_file(
    *,
    worker: Worker,
    employer: Employer,
    kind: str,
    description: str,
    amount_claimed: Decimal = Decimal("0"),
    period_start: date | None = None,
    period_end: date | None = None,
    offer: Offer | None = None,
    uploads: list[UploadedFile] | None = None,
    by: User,
    grant: AssistanceGrant | None = None,
) -> Case:
    """A worker (or a helper under a grant, recorded) files a case; the employer is told and both bureaus see it."""
    description = description.strip()
    errors: dict[str, str] = {}
    if kind not in Case.Kind.values:
        errors["kind"] = _("Choose what the case is about.")
    if not description:
        errors["description"] = _("Say what happened: who, when, and what you were promised.")
    if kind == Case.Kind.WAGES:
        if amount_claimed <= 0:
            errors["amount_claimed"] = _("Say how much you are owed, in yuan.")
        if period_start is None or period_end is None:
            errors["period_start"] = _("Say which months you were not paid for.")
        elif period_end < period_start:
            errors["period_end"] = _("The last month cannot come before the first.")
    if amount_claimed < 0:
        errors["amount_claimed"] = _("The amount cannot be negative.")
    if not worker.hukou_county_id:
        errors["__all__"] = _("Add your home county to your profile first: the bureau there takes your case.")
    if offer is not None and (offer.worker_id != worker.pk or offer.posting.employer_id != employer.pk):
        raise PermissionDenied
    if errors:
        raise ValidationError(errors)
    receiving = offer.posting.site.county_id if offer is not None else employer.region_id
    now = _now()
    case = Case.objects.create(
        kind=kind,
        worker=worker,
        employer=employer,
        offer=offer,
        sending_region_id=worker.hukou_county_id or "",
        receiving_region_id=receiving,
        period_start=period_start.replace(day=1) if period_start else None,
        period_end=period_end.replace(day=1) if period_end else None,
        amount_claimed=amount_claimed,
        description=description[:2000],
        filed_by=by,
        stage_due=_due(Status.RECEIVED, now),
        created_at=now,
    )
    CaseEvent.objects.create(case=case, by=by, kind=CaseEvent.Kind.STATUS, status_to=Status.RECEIVED, at=now)
    if uploads:
        evidence_add(case=case, uploads=uploads, by=by)
    if grant is not None:
        assisted_action_record(
            grant=grant, action="rights.case_file", description=_("Case filed for the worker"), target=case
        )
    _text(employer.contact_phone, "", "filed", employer=employer.name, case=case.pk)
    employer_standing_refresh(employer_id=employer.pk)
    return case


@transaction.atomic
def case_move(
    *,
    staff: User,
    case_id: int,
    to: str,
    note: str = "",
    assign_to: User | None = None,
    recovery: str = "",
    recovered_amount: Decimal | None = None,
    recovered_on: date | None = None,
) -> Case:
    """Move a case one step along its workflow; staff of either region only. The worker is told."""
    case = Case.objects.select_for_update().select_related("worker__user").get(pk=case_id)
    if not may_work(staff, case):
        raise PermissionDenied
    if to not in NEXT[Status(case.status)]:
        raise ValidationError(
            _("A case that is “%(now)s” cannot go to “%(to)s”.")
            % {"now": case.get_status_display(), "to": dict(Status.choices).get(to, to)},
            code="transition",
        )
    note = note.strip()
    now = _now()
    if to == Status.ASSIGNED:
        handler = assign_to or staff
        if not may_work(handler, case):
            raise ValidationError(_("Assign the case to staff of the sending or receiving county."), code="assign")
        case.assigned_to = handler
    if to == Status.RECOVERED:
        if recovery not in Case.Recovery.values or not recovered_amount or recovered_amount <= 0:
            raise ValidationError(_("Say whether it was recovered in full or in part, and how much."), code="amount")
        if recovered_on is None or recovered_on > timezone.localdate():
            raise ValidationError(_("Give the day the money was paid (not a future day)."), code="recovered_on")
        case.recovery, case.recovered_amount, case.recovered_on = recovery, recovered_amount, recovered_on
    if to == Status.CLOSED and not note:
        raise ValidationError(_("Say why the case is closed."), code="note")
    if to in SUBSTANTIATING:
        case.substantiated = True
    CaseEvent.objects.create(
        case=case, by=staff, kind=CaseEvent.Kind.STATUS, status_from=case.status, status_to=to, body=note, at=now
    )
    case.status = to
    case.stage_due = _due(to, now)
    if to == Status.CLOSED:
        case.closed_at = now
    case.save()
    _status_text(case)
    employer_standing_refresh(employer_id=case.employer_id)
    return case


def case_party(user: User, case: Case, grant: AssistanceGrant | None = None) -> str | None:
    """How the user takes part in the case: "worker" (also a helper under an active grant from the worker),
    "employer", "staff", or None (no access)."""
    if case.worker.user_id == user.pk:
        return "worker"
    if grant is not None and grant.is_active and grant.actor_id == user.pk and grant.worker_id == case.worker.user_id:
        return "worker"
    if EmployerMember.objects.filter(user=user, employer_id=case.employer_id).exists():
        return "employer"
    if may_work(user, case):
        return "staff"
    return None


def evidence_visible(user: User, evidence: Evidence, grant: AssistanceGrant | None = None) -> bool:
    """The worker (or their helper) and staff of either county see every file of a case; the employer only its own."""
    party = case_party(user, evidence.case, grant)
    if party == "employer":
        uploader = evidence.uploaded_by_id
        return (
            uploader is not None
            and EmployerMember.objects.filter(user_id=uploader, employer_id=evidence.case.employer_id).exists()
        )
    return party is not None


@transaction.atomic
def case_message(
    *,
    user: User,
    case_id: int,
    body: str,
    uploads: list[UploadedFile] | None = None,
    staff_only: bool = False,
    grant: AssistanceGrant | None = None,
) -> CaseEvent:
    """A message (and files) from a party of the case (a helper's is recorded); staff may write notes only staff
    read."""
    case = Case.objects.select_for_update().select_related("worker").get(pk=case_id)
    party = case_party(user, case, grant)
    if party is None:
        raise PermissionDenied
    body = body.strip()
    if not body and not uploads:
        raise ValidationError(_("Write a message or add a file."), code="empty")
    if staff_only and party != "staff":
        raise PermissionDenied
    event = CaseEvent.objects.create(
        case=case, by=user, kind=CaseEvent.Kind.NOTE if staff_only else CaseEvent.Kind.MESSAGE, body=body[:2000]
    )
    if uploads:
        evidence_add(case=case, uploads=uploads, by=user)
    if grant is not None and case.worker.user_id != user.pk:
        assisted_action_record(
            grant=grant, action="rights.case_message", description=_("Message added to a case"), target=case
        )
    Case.objects.filter(pk=case.pk).update(updated_at=_now())
    return event
