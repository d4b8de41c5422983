"""Monthly wage check-ins for placed workers, and the wage claim an unpaid month pre-fills.

Wages for a month are paid in the next one, so in each month a worker is
asked about the month before, for their latest placement, if they had arrived
by then. "Not paid" or a shortfall leads to a claim pre-filled from the
answers and the offer sheet (expected monthly pay before deductions).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AssistanceGrant, User
from accounts.services import assisted_action_record
from accounts.sms import send_sms
from matching.models import Offer
from rights.models import Case, CheckinPrompt, WageCheckin
from workers.models import Worker

_PROMPT = gettext_lazy(
    "Chunfeng: were you paid in full for %(month)s at %(employer)s? Answer on your Chunfeng home page; "
    "if not, the bureau helps you claim it."
)


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(today: date) -> date:
    return month_start(month_start(today) - timedelta(days=1))


@dataclass(frozen=True)
class DueCheckin:
    offer: Offer
    month: date
    expected: Decimal


def _latest_placement(worker: Worker, before: date) -> Offer | None:
    """The worker's latest placement that began before the given day."""
    return (
        Offer.objects.filter(worker=worker, status=Offer.Status.PLACED, closed_at__date__lt=before)
        .select_related("posting__employer", "posting__site")
        .order_by("-closed_at")
        .first()
    )


def checkin_due(*, worker: Worker, today: date | None = None) -> DueCheckin | None:
    """The month to ask the worker about now (last month, latest placement), or None when answered or not placed."""
    today = today or timezone.localdate()
    offer = _latest_placement(worker, month_start(today))
    month = previous_month(today)
    if offer is None or WageCheckin.objects.filter(offer=offer, month=month).exists():
        return None
    return DueCheckin(offer=offer, month=month, expected=Decimal(offer.posting.expected_monthly))


@transaction.atomic
def checkin_answer(
    *,
    worker: Worker,
    offer_id: int,
    month: date,
    answer: str,
    amount_paid: Decimal | None = None,
    by: User,
    grant: AssistanceGrant | None = None,
    today: date | None = None,
) -> WageCheckin:
    """Store the worker's answer for a month (a second answer replaces the first)."""
    today = today or timezone.localdate()
    offer = (
        Offer.objects.select_related("posting").filter(pk=offer_id, worker=worker, status=Offer.Status.PLACED).first()
    )
    if offer is None:
        raise PermissionDenied
    month = month_start(month)
    arrived = timezone.localtime(offer.closed_at).date() if offer.closed_at else today
    if month < month_start(arrived) or month >= month_start(today):
        raise ValidationError(_("Answer for a month you worked there that has ended."), code="month")
    if answer not in WageCheckin.Answer.values:
        raise ValidationError(_("Choose paid in full, paid in part, or not paid."), code="answer")
    expected = Decimal(offer.posting.expected_monthly)
    if answer == WageCheckin.Answer.PART:
        if amount_paid is None or amount_paid < 0:
            raise ValidationError({"amount_paid": _("Say how much you were paid, in yuan.")})
        if amount_paid >= expected:
            raise ValidationError(
                {
                    "amount_paid": _(
                        "That is the whole monthly pay on your offer sheet (%(expected)s yuan): choose “paid in full”."
                    )
                    % {"expected": expected}
                }
            )
    else:
        amount_paid = None
    checkin, _created = WageCheckin.objects.update_or_create(
        offer=offer,
        month=month,
        defaults={
            "answer": answer,
            "amount_paid": amount_paid,
            "expected": expected,
            "answered_at": timezone.now(),
            "answered_by": by,
        },
    )
    if grant is not None:
        assisted_action_record(
            grant=grant, action="rights.checkin", description=_("Wage check-in answered"), target=checkin
        )
    return checkin


@dataclass(frozen=True)
class ClaimDraft:
    offer: Offer
    period_start: date
    period_end: date
    amount: Decimal
    months: list[WageCheckin]


def claim_draft(*, worker: Worker, offer_id: int) -> ClaimDraft | None:
    """A wage claim pre-filled from the placement's short months not yet in a claim; None when there are none."""
    offer = (
        Offer.objects.select_related("posting__employer", "posting__site")
        .filter(pk=offer_id, worker=worker, status=Offer.Status.PLACED)
        .first()
    )
    if offer is None:
        raise PermissionDenied
    claimed = [
        (case.period_start, case.period_end)
        for case in Case.objects.filter(offer=offer, kind=Case.Kind.WAGES)
        if case.period_start and case.period_end
    ]
    short = [
        checkin
        for checkin in WageCheckin.objects.filter(offer=offer).exclude(answer=WageCheckin.Answer.PAID).order_by("month")
        if checkin.shortfall > 0 and not any(first <= checkin.month <= last for first, last in claimed)
    ]
    if not short:
        return None
    return ClaimDraft(
        offer=offer,
        period_start=short[0].month,
        period_end=short[-1].month,
        amount=sum((checkin.shortfall for checkin in short), Decimal("0")),
        months=short,
    )


def checkins_prompt(*, today: date | None = None) -> int:
    """Text every placed worker with an unanswered month once for that month; returns how many were texted."""
    today = today or timezone.localdate()
    month = previous_month(today)
    later = Offer.objects.filter(
        worker_id=OuterRef("worker_id"), status=Offer.Status.PLACED, closed_at__gt=OuterRef("closed_at")
    )
    latest = (
        Offer.objects.filter(status=Offer.Status.PLACED, closed_at__date__lt=month_start(today))
        .exclude(Exists(later))
        .exclude(wage_checkins__month=month)
        .select_related("worker__user", "posting__employer")
        .order_by("pk")
    )
    sent = 0
    for offer in latest.iterator(chunk_size=500):
        user = offer.worker.user
        if not user.phone_encrypted:
            continue
        try:
            with transaction.atomic():
                CheckinPrompt.objects.create(offer=offer, month=month)
        except IntegrityError:
            continue  # texted for this month already
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            body = str(_PROMPT) % {"month": month.strftime("%Y-%m"), "employer": offer.posting.employer.name}
        transaction.on_commit(partial(send_sms, phone=user.phone, body=body, kind="rights.checkin"))
        sent += 1
    return sent
