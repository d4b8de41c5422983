"""Employer pages for dispatch: the trips coming to the company's sites, and the check-in at the gate.

The company is the request's (jobs.views.common); a trip to another
employer's site is a 404. Riders appear by masked name, seat and pickup
county only.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.pii import mask_name
from dispatch import services
from dispatch.models import Passenger, Trip
from jobs.models import EmployerMember
from jobs.views.common import membership_for
from matching.forms import ArrivalForm
from matching.models import Offer

# Trips the gate may still be checking riders off: on the way, or in since yesterday.
_AT_THE_GATE = [Trip.Status.PLANNED, Trip.Status.DEPARTED, Trip.Status.ARRIVED]


@dataclass(frozen=True)
class ArrivalDay:
    day: date
    trips: list[Trip]
    workers: int
    arrived: int


@login_required
@never_cache
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    """Trips to the employer's sites arriving from yesterday on (a late bus is checked in the next morning), by day."""
    member = membership_for(request)
    trips = (
        Trip.objects.filter(
            site__employer_id=member.employer_id,
            status__in=_AT_THE_GATE,
            arrival_at__date__gte=timezone.localdate() - timedelta(days=1),
        )
        .select_related("site", "vehicle_type")
        .annotate(
            riders=Count("passengers"), arrived=Count("passengers", filter=Q(passengers__arrived_at__isnull=False))
        )
        .order_by("arrival_at", "pk")
    )
    days: dict[date, list[Trip]] = defaultdict(list)
    for trip in trips:
        days[timezone.localtime(trip.arrival_at).date()].append(trip)
    arrivals = [
        ArrivalDay(
            day=day,
            trips=rows,
            workers=sum(t.riders for t in rows),  # type: ignore[attr-defined]
            arrived=sum(t.arrived for t in rows),  # type: ignore[attr-defined]
        )
        for day, rows in days.items()
    ]
    return render(request, "dispatch/employer/incoming.html", {"employer": member.employer, "arrivals": arrivals})


@dataclass(frozen=True)
class Rider:
    passenger: Passenger
    name: str
    county: str
    boarded: bool
    arrived: bool
    no_show: bool
    can_mark: bool


def _trip_for(request: HttpRequest, trip_id: int) -> tuple[EmployerMember, Trip]:
    """The request's membership and a trip to one of its employer's sites; any other trip is a 404."""
    member = membership_for(request)
    trips = Trip.objects.select_related("site", "vehicle_type")
    return member, get_object_or_404(trips, pk=trip_id, site__employer_id=member.employer_id)


def _rider(passenger: Passenger, *, open_trip: bool) -> Rider:
    status = passenger.offer.status
    return Rider(
        passenger=passenger,
        name=mask_name(passenger.offer.worker.real_name),
        county=passenger.stop.county.name,
        boarded=passenger.boarded_at is not None,
        arrived=passenger.arrived_at is not None,
        no_show=status == Offer.Status.NO_SHOW,
        can_mark=open_trip and passenger.arrived_at is None and status == Offer.Status.CONFIRMED,
    )


@login_required
@never_cache
@require_GET
def trip_detail(request: HttpRequest, trip_id: int) -> HttpResponse:
    """One trip to the employer's site: when it comes, where it picks up, and each rider to check in at the gate."""
    member, trip = _trip_for(request, trip_id)
    open_trip = trip.status in _AT_THE_GATE
    passengers = trip.passengers.select_related("stop__county", "offer__worker").order_by("seat")
    riders = [_rider(passenger, open_trip=open_trip) for passenger in passengers] if open_trip else []
    context = {
        "employer": member.employer,
        "trip": trip,
        "open_trip": open_trip,
        "stops": trip.stops.select_related("county").order_by("order"),
        "riders": riders,
        "arrived": sum(rider.arrived for rider in riders),
        "arrival_yes": ArrivalForm.YES,
        "arrival_no": ArrivalForm.NO,
    }
    return render(request, "dispatch/employer/trip.html", context)


@login_required
@require_POST
def trip_arrival(request: HttpRequest, trip_id: int, offer_id: int) -> HttpResponse:
    """Record at the gate that a rider of the trip arrived or did not come; a refusal changes nothing."""
    member, trip = _trip_for(request, trip_id)
    if trip.status not in _AT_THE_GATE:
        raise Http404
    passenger = get_object_or_404(Passenger.objects.select_related("offer__worker"), trip=trip, offer_id=offer_id)
    form = ArrivalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the worker arrived."))
        return redirect("dispatch:employer_trip", trip_id=trip.pk)
    try:
        services.passenger_arrival(member=member, offer_id=passenger.offer_id, arrived=form.has_arrived)
    except services.DispatchError as error:
        messages.error(request, error.messages[0])
    else:
        name = mask_name(passenger.offer.worker.real_name)
        if form.has_arrived:
            messages.success(request, _("Recorded: %(name)s arrived and started work.") % {"name": name})
        else:
            messages.success(
                request, _("Recorded: %(name)s did not come. The place goes back to matching.") % {"name": name}
            )
    return redirect("dispatch:employer_trip", trip_id=trip.pk)


urlpatterns = [
    path("employer/trips/", incoming, name="incoming"),
    path("employer/trips/<int:trip_id>/", trip_detail, name="employer_trip"),
    path("employer/trips/<int:trip_id>/riders/<int:offer_id>/arrival/", trip_arrival, name="employer_trip_arrival"),
]
