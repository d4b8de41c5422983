"""On the day: the boarding code, boarding, arrival at the gate, the offer sheet re-confirmed, reminders.

The boarding code a worker shows is the offer number with a keyed tag (seats
are renumbered by re-plans; the offer is not), short enough to type when a
camera fails. Staff of the region the trip starts or ends in
mark boarding; the employer of the site marks arrival, which places the worker
(or records a no-show) through the offer's own life cycle.
"""

from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AssistanceGrant, User
from accounts.selectors import staff_covering
from accounts.services import assisted_action_record
from accounts.sms import send_sms
from dispatch.models import Passenger, Trip
from dispatch.selectors import trips_visible_to
from dispatch.services.planning import DispatchError, passengers_text
from jobs.models import EmployerMember
from matching.models import Offer
from matching.services.offers import OfferError, offer_arrival
from workers.models import Worker

_SALT = "dispatch.boarding"
_TERMS_ALERT = gettext_lazy(
    "Chunfeng: a worker who arrived at %(site)s says the terms differ from the offer (trip %(trip)s): %(note)s"
)


def _tag(offer_id: int) -> str:
    return salted_hmac(_SALT, str(offer_id), algorithm="sha256").hexdigest()[:10]


def boarding_code(passenger: Passenger) -> str:
    """The code in the worker's boarding QR, short enough to type: the offer number and a keyed tag."""
    return f"{passenger.offer_id}-{_tag(passenger.offer_id)}"


def passenger_for_code(code: str) -> Passenger | None:
    """The seat a boarding code stands for; None for a forged or unknown code."""
    number, _dash, tag = code.strip().lower().partition("-")
    if not number.isdigit() or not constant_time_compare(tag, _tag(int(number))):
        return None
    return Passenger.objects.select_related("trip__site", "stop", "offer__worker").filter(offer_id=number).first()


@transaction.atomic
def passenger_board(*, staff: User, offer_id: int) -> Passenger:
    """Staff (or the driver they lent a device) mark a worker on board; marking twice changes nothing."""
    passenger = Passenger.objects.select_for_update().filter(offer_id=offer_id).first()
    if passenger is None or not trips_visible_to(staff).filter(pk=passenger.trip_id).exists():
        raise DispatchError(_("This worker has no seat on a trip in your region."), code="not_found")
    trip = Trip.objects.get(pk=passenger.trip_id)
    if trip.status not in (Trip.Status.PLANNED, Trip.Status.DEPARTED):
        raise DispatchError(_("This trip is not boarding: it has arrived or was cancelled."), code="not_boarding")
    if not Offer.objects.filter(pk=offer_id, status=Offer.Status.CONFIRMED).exists():
        raise DispatchError(_("This worker's offer is no longer confirmed; they cannot board."), code="not_confirmed")
    if passenger.boarded_at is None:
        passenger.boarded_at = timezone.now()
        passenger.boarded_by = staff
        passenger.save(update_fields=["boarded_at", "boarded_by"])
    return passenger


@transaction.atomic
def passenger_arrival(*, member: EmployerMember, offer_id: int, arrived: bool) -> Passenger:
    """The employer marks a rider at the gate: arrived (placed; the vehicle is in) or did not come (a no-show)."""
    passenger = (
        Passenger.objects.select_for_update()
        .filter(offer_id=offer_id, trip__site__employer_id=member.employer_id)
        .first()
    )
    if passenger is None:
        raise DispatchError(_("This worker is not on a trip to your sites."), code="not_found")
    if Trip.objects.filter(pk=passenger.trip_id, status=Trip.Status.CANCELLED).exists():
        raise DispatchError(_("This trip was cancelled."), code="cancelled")
    try:
        offer_arrival(member=member, offer_id=offer_id, arrived=arrived)
    except OfferError as error:
        raise DispatchError(error.messages[0], code="not_confirmed") from None
    if arrived:
        passenger.arrived_at = timezone.now()
        passenger.arrived_by = member.user
        passenger.save(update_fields=["arrived_at", "arrived_by"])
        Trip.objects.filter(pk=passenger.trip_id, status__in=[Trip.Status.PLANNED, Trip.Status.DEPARTED]).update(
            status=Trip.Status.ARRIVED
        )
    return passenger


@transaction.atomic
def passenger_terms(
    *, worker: Worker, as_offered: bool, note: str = "", grant: AssistanceGrant | None = None
) -> Passenger:
    """On arrival the worker (or a helper, recorded) re-confirms the offer sheet, or says what differs; a difference
    alerts both bureaus."""
    passenger = (
        Passenger.objects.select_for_update()
        .filter(offer__worker=worker, arrived_at__isnull=False)
        .order_by("-arrived_at")
        .first()
    )
    if passenger is None:
        raise DispatchError(_("The offer sheet is confirmed once you have arrived."), code="not_arrived")
    note = note.strip()
    if not as_offered and not note:
        raise DispatchError(_("Say what differs from the offer: the wage, the hours, the housing…"), code="no_note")
    passenger.terms_checked_at = timezone.now()
    passenger.terms_differ = not as_offered
    passenger.terms_note = "" if as_offered else note[:255]
    passenger.save(update_fields=["terms_checked_at", "terms_differ", "terms_note"])
    if grant is not None:
        assisted_action_record(
            grant=grant,
            action="trip.terms",
            description=_("Offer sheet confirmed on arrival") if as_offered else _("Terms reported as different"),
            target=passenger.offer,
        )
    if passenger.terms_differ:
        _alert_staff(passenger)
    return passenger


def _alert_staff(passenger: Passenger) -> None:
    trip = Trip.objects.select_related("site").get(pk=passenger.trip_id)
    home = passenger.offer.worker.hukou_county_id or ""
    staff = staff_covering(trip.site.county_id, home)
    for user in staff:
        if not user.phone_encrypted:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            body = str(_TERMS_ALERT) % {"site": trip.site.name, "trip": trip.pk, "note": passenger.terms_note[:60]}
        transaction.on_commit(partial(send_sms, phone=user.phone, body=body, kind="dispatch.terms_differ"))


@transaction.atomic
def travellers_remind(*, today: date | None = None) -> int:
    """Text the riders of tomorrow's planned trips once each; returns how many were reminded."""
    tomorrow = (today or timezone.localdate()) + timedelta(days=1)
    due = list(
        Passenger.objects.select_for_update(skip_locked=True)
        .filter(
            trip__travel_day=tomorrow,
            trip__status=Trip.Status.PLANNED,
            reminded_at__isnull=True,
            offer__status=Offer.Status.CONFIRMED,
        )
        .values_list("pk", "offer_id")
    )
    Passenger.objects.filter(pk__in=[pk for pk, _offer in due]).update(reminded_at=timezone.now())
    passengers_text([offer for _pk, offer in due], kind="reminder")
    return len(due)
