"""The life of an offer: proposed → accepted / declined / expired → confirmed → placed or no-show.

Every change is a conditional UPDATE on rows locked first, so a click that
arrives after the state moved on (an accept after expiry, a confirm after a
withdrawal) changes nothing and says why. A cohort's offers share a group:
one member's decline, an expiry or a withdrawal ends every offer of the group
in the same transaction. Seats freed here are filled by the next run, which
is enqueued once the change commits.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AssistanceGrant
from accounts.services import assisted_action_record
from jobs.models import EmployerMember, JobPosting
from jobs.services.postings import posting_mark_filled
from matching.models import Offer
from outbox.services import event_publish
from workers.models import Worker

Status = Offer.Status
TOPIC_OFFER_CONFIRMED = "offer.confirmed"
TOPIC_OFFER_ENDED = "offer.ended"


def _now() -> datetime:
    """The current time; tests replace this seam to move the clock."""
    return timezone.now()


def answer_deadline(now: datetime) -> datetime:
    return now + timedelta(hours=settings.OFFER_ANSWER_HOURS)


class OfferError(ValidationError):
    """A refused change of an offer, with a message for the person who tried it."""


def _locked_group(offer: Offer) -> list[Offer]:
    """The offer and its group's other offers, locked, in id order (one lock order everywhere)."""
    rows = Offer.objects.select_for_update().order_by("pk")
    if offer.group is None:
        return list(rows.filter(pk=offer.pk))
    return list(rows.filter(group=offer.group))


def _own_offer(worker: Worker, offer_id: int) -> Offer:
    offer = Offer.objects.filter(pk=offer_id, worker=worker).first()
    if offer is None:
        raise PermissionDenied
    return offer


def _set_workers(worker_ids: Iterable[int], status: str) -> None:
    Worker.objects.filter(pk__in=list(worker_ids)).update(status=status, updated_at=_now())


def _rematch_postings(posting_ids: Iterable[int]) -> None:
    """After commit, let the freed seats go to the next workers in line."""
    from matching.tasks import match_posting

    for posting_id in sorted(set(posting_ids)):
        transaction.on_commit(partial(match_posting.delay, posting_id))


def _notify(offer_ids: list[int], kind: str) -> None:
    from matching.tasks import notify_offers

    if offer_ids:
        transaction.on_commit(lambda: notify_offers.delay(offer_ids, kind))


def _end(offers: list[Offer], status: str, *, reason: str = "", now: datetime) -> list[int]:
    """End the given live offers; return the ids that were still live (and so ended now)."""
    live = [offer.pk for offer in offers if offer.status in Offer.LIVE]
    fields: dict = {"status": status, "closed_at": now}
    if status == Status.WITHDRAWN:
        fields["withdraw_reason"] = reason
    Offer.objects.filter(pk__in=live).update(**fields)
    _set_workers((offer.worker_id for offer in offers if offer.pk in live), Worker.Status.SEEKING)
    _announce_ended(offer for offer in offers if offer.pk in live and offer.status == Status.CONFIRMED)
    return live


def _announce_ended(offers: Iterable[Offer]) -> None:
    """A confirmed offer that ends gives up its seat on a trip: dispatch re-plans once this commits."""
    for offer in offers:
        event_publish(topic=TOPIC_OFFER_ENDED, payload={"offer_id": offer.pk, "posting_id": offer.posting_id})


@transaction.atomic
def offer_accept(*, worker: Worker, offer_id: int, grant: AssistanceGrant | None = None) -> Offer:
    """The worker (or someone acting for them, recorded) says yes. Each cohort member answers for themself."""
    group = _locked_group(_own_offer(worker, offer_id))
    offer = next(item for item in group if item.pk == offer_id)
    now = _now()
    if offer.status != Status.PROPOSED:
        raise OfferError(
            _("This offer can no longer be accepted: it is %(status)s.")
            % {"status": offer.get_status_display().lower()},
            code="not_open",
        )
    if offer.expires_at <= now:
        raise OfferError(_("The time to answer this offer has run out."), code="expired")
    Offer.objects.filter(pk=offer.pk).update(status=Status.ACCEPTED, responded_at=now)
    offer.refresh_from_db()
    _record(grant, "offer.accept", _("Accepted the offer %(offer)s") % {"offer": offer.posting}, offer)
    return offer


@transaction.atomic
def offer_decline(*, worker: Worker, offer_id: int, reason: str, grant: AssistanceGrant | None = None) -> Offer:
    """The worker (or someone acting for them, recorded) says no; the seat goes back to matching.

    A cohort member's no ends the group's offers.
    """
    if reason not in Offer.DeclineReason.values:
        raise OfferError(_("Choose a reason from the list."), code="reason")
    group = _locked_group(_own_offer(worker, offer_id))
    offer = next(item for item in group if item.pk == offer_id)
    if offer.status not in (Status.PROPOSED, Status.ACCEPTED):
        raise OfferError(
            _("This offer can no longer be declined: it is %(status)s.")
            % {"status": offer.get_status_display().lower()},
            code="not_open",
        )
    now = _now()
    Offer.objects.filter(pk=offer.pk).update(
        status=Status.DECLINED, decline_reason=reason, responded_at=now, closed_at=now
    )
    _set_workers([offer.worker_id], Worker.Status.SEEKING)
    others = [item for item in group if item.pk != offer.pk]
    _notify(_end(others, Status.WITHDRAWN, reason=Offer.WithdrawReason.COHORT, now=now), "withdrawn")
    _rematch_postings([offer.posting_id])
    offer.refresh_from_db()
    _record(grant, "offer.decline", _("Declined the offer %(offer)s") % {"offer": offer.posting}, offer)
    return offer


def _record(grant: AssistanceGrant | None, action: str, description: str, offer: Offer) -> None:
    if grant is not None:
        assisted_action_record(grant=grant, action=action, description=description, target=offer)


def _employer_offer(member: EmployerMember, offer_id: int) -> Offer:
    offer = Offer.objects.filter(pk=offer_id, posting__employer_id=member.employer_id).first()
    if offer is None:
        raise PermissionDenied
    return offer


@transaction.atomic
def offer_confirm(*, member: EmployerMember, offer_id: int) -> Offer:
    """The employer confirms a worker who accepted: the worker is expected on the start date."""
    offer = Offer.objects.select_for_update().get(pk=_employer_offer(member, offer_id).pk)
    if offer.status != Status.ACCEPTED:
        raise OfferError(_("Only an offer the worker has accepted can be confirmed."), code="not_accepted")
    Offer.objects.filter(pk=offer.pk).update(status=Status.CONFIRMED, confirmed_at=_now())
    offer.refresh_from_db()
    _notify([offer.pk], "confirmed")
    # Dispatch plans the trip to the site from confirmed offers; it hears of this one once it commits.
    event_publish(topic=TOPIC_OFFER_CONFIRMED, payload={"offer_id": offer.pk, "posting_id": offer.posting_id})
    return offer


@transaction.atomic
def offer_arrival(*, member: EmployerMember, offer_id: int, arrived: bool) -> Offer:
    """The employer records whether a confirmed worker arrived: placed, or a no-show whose seat goes back."""
    offer = Offer.objects.select_for_update().get(pk=_employer_offer(member, offer_id).pk)
    if offer.status != Status.CONFIRMED:
        raise OfferError(_("Arrival can be recorded only for a confirmed offer."), code="not_confirmed")
    now = _now()
    if arrived:
        Offer.objects.filter(pk=offer.pk).update(status=Status.PLACED, closed_at=now)
        _set_workers([offer.worker_id], Worker.Status.EMPLOYED)
        JobPosting.objects.filter(pk=offer.posting_id).update(filled_count=F("filled_count") + 1)
        posting_mark_filled(posting=offer.posting)
    else:
        _no_show(offer, now=now)
    offer.refresh_from_db()
    return offer


def _no_show(offer: Offer, *, now: datetime) -> None:
    Offer.objects.filter(pk=offer.pk).update(status=Status.NO_SHOW, closed_at=now)
    _set_workers([offer.worker_id], Worker.Status.SEEKING)
    _rematch_postings([offer.posting_id])
    _announce_ended([offer])


@transaction.atomic
def offer_missed_trip(*, offer_id: int) -> Offer:
    """A confirmed worker did not board the trip to work (staff say so): a no-show whose seat goes back to matching.

    Who may say so is the caller's business (dispatch checks the staff member's region).
    """
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    if offer.status != Status.CONFIRMED:
        raise OfferError(_("Only a confirmed worker can miss the trip."), code="not_confirmed")
    _no_show(offer, now=_now())
    offer.refresh_from_db()
    return offer


@transaction.atomic
def offers_withdraw(*, offers: list[Offer], reason: str) -> list[int]:
    """Withdraw live offers (and their groups'); returns the ids ended. The workers are told."""
    groups = {offer.group for offer in offers if offer.group}
    rows = Offer.objects.select_for_update().order_by("pk")
    locked = list(rows.filter(pk__in=[offer.pk for offer in offers])) + list(
        rows.filter(group__in=groups).exclude(pk__in=[offer.pk for offer in offers])
    )
    ended = _end(locked, Status.WITHDRAWN, reason=reason, now=_now())
    _notify(ended, "withdrawn")
    return ended


@transaction.atomic
def offers_expire() -> int:
    """End offers not answered in time (whole groups), free their seats; returns how many ended."""
    now = _now()
    due = list(Offer.objects.select_for_update(skip_locked=True).filter(status=Status.PROPOSED, expires_at__lte=now))
    groups = {offer.group for offer in due if offer.group}
    if groups:
        due += list(
            Offer.objects.select_for_update(skip_locked=True)
            .filter(group__in=groups)
            .exclude(pk__in=[offer.pk for offer in due])
        )
    ended = _end(due, Status.EXPIRED, now=now)
    _rematch_postings(offer.posting_id for offer in due if offer.pk in ended)
    return len(ended)


@transaction.atomic
def offers_remind() -> int:
    """Text each worker whose offer runs out soon, once; returns how many were reminded."""
    now = _now()
    soon = now + timedelta(hours=settings.OFFER_REMIND_HOURS)
    due = list(
        Offer.objects.select_for_update(skip_locked=True)
        .filter(status=Status.PROPOSED, reminded_at__isnull=True, expires_at__gt=now, expires_at__lte=soon)
        .values_list("pk", flat=True)
    )
    Offer.objects.filter(pk__in=due).update(reminded_at=now)
    _notify(due, "expiring")
    return len(due)
