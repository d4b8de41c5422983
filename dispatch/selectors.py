"""Reads for dispatch: which trips a staff member may see and act on, and the seat a worker is shown."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import region_prefix
from dispatch.models import Passenger, Trip
from matching.models import Offer
from workers.models import Worker


def trips_visible_to(user: User) -> QuerySet[Trip]:
    """Trips to a site in the staff member's region or picking up there (all when nationwide)."""
    trips = Trip.objects.all()
    prefix = region_prefix(user)
    if prefix is None:
        return trips.none()
    if not prefix:
        return trips
    return trips.filter(
        Q(site__county__code__startswith=prefix) | Q(pk__in=Trip.objects.filter(stops__county__code__startswith=prefix))
    )


# An arrived trip stays on the worker's pages this long: time to re-confirm the offer sheet and see the answer.
ARRIVED_SHOWN = timedelta(days=30)


def worker_seat(worker: Worker) -> Passenger | None:
    """The worker's seat to show: the next trip of a confirmed offer, else one arrived in the last 30 days.

    Cancelled trips never count.
    """
    seats = (
        Passenger.objects.filter(offer__worker=worker)
        .exclude(trip__status=Trip.Status.CANCELLED)
        .select_related("trip__site", "trip__vehicle_type", "stop", "offer")
    )
    upcoming = (
        seats.filter(offer__status=Offer.Status.CONFIRMED, arrived_at__isnull=True)
        .order_by("trip__travel_day", "pk")
        .first()
    )
    if upcoming is not None:
        return upcoming
    return seats.filter(arrived_at__gte=timezone.now() - ARRIVED_SHOWN).order_by("-arrived_at", "-pk").first()
