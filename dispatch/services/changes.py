"""Staff changes to planned trips: move workers, change the vehicle, cancel, depart, mark a no-show.

Each change takes the group's planning lock, goes through the planner's hand
changes (capacity holds; times follow), pins the trips it touched so that
later re-plans keep them as staff set them, is recorded as a `TripChange`, and
texts the workers whose pickup or seat changed. Only staff whose region the
trip starts or ends in may change it.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from dispatch import planner
from dispatch.models import Passenger, Trip, TripChange, VehicleType
from dispatch.selectors import trips_visible_to
from dispatch.services.planning import DispatchError, Group, group_load, group_plan
from matching.services.offers import OfferError, offer_missed_trip


def _visible_trip(staff: User, trip_id: int) -> Trip:
    trip = trips_visible_to(staff).filter(pk=trip_id).first()
    if trip is None:
        raise DispatchError(_("There is no such trip in your region."), code="not_found")
    return trip


def _planned_group(staff: User, trip_id: int) -> tuple[Group, int]:
    """The trip's group, locked and loaded, and the trip's index in it; refuses trips that left or were cancelled."""
    trip = _visible_trip(staff, trip_id)
    group = group_load(trip.site_id, trip.travel_day)
    row = next((row for row in group.rows if row.pk == trip.pk), None)
    if row is None or row.status != Trip.Status.PLANNED:
        raise DispatchError(_("Only a planned trip can be changed; this one has left or was cancelled."), code="fixed")
    return group, group.rows.index(row)


def _record(trip: Trip, staff: User, action: str, detail: str) -> None:
    TripChange.objects.create(trip=trip, by=staff, action=action, detail=detail[:255])


def _pin(*trips: Trip) -> None:
    Trip.objects.filter(pk__in=[trip.pk for trip in trips]).update(pinned=True)


@transaction.atomic
def passenger_move(*, staff: User, offer_id: int, trip_id: int) -> list[int]:
    """Move a worker (with their whole cohort) to another planned trip of the same site and day; returns the offers
    moved."""
    passenger = Passenger.objects.select_related("trip", "offer").filter(offer_id=offer_id).first()
    if passenger is None:
        raise DispatchError(_("This worker has no seat to move."), code="no_seat")
    group, source = _planned_group(staff, passenger.trip_id)
    target = next((i for i, row in enumerate(group.rows) if row.pk == trip_id), None)
    visible = trips_visible_to(staff).filter(pk=trip_id).exists()
    if target is None or target == source or group.rows[target].status != Trip.Status.PLANNED or not visible:
        raise DispatchError(_("Choose another planned trip to the same site on the same day."), code="bad_target")
    cohort = passenger.offer.group
    moving = [
        offer
        for offer in group.trips[source].seats
        if offer == offer_id or (cohort and group.offers.get(offer) and group.offers[offer].group == cohort)
    ]
    try:
        out, into = planner.move(group.trips[source], group.trips[target], moving, group.places, group.kinds)
    except ValueError:
        raise DispatchError(_("The other trip has too few free seats."), code="full") from None
    group.write({source: out, target: into})
    _pin(group.rows[source], group.rows[target])
    detail = _("Offers %(offers)s moved from trip %(source)s to trip %(target)s.") % {
        "offers": ", ".join(f"#{offer}" for offer in moving),
        "source": group.rows[source].pk,
        "target": group.rows[target].pk,
    }
    for row in (group.rows[source], group.rows[target]):
        _record(row, staff, TripChange.Action.MOVED, detail)
    return moving


@transaction.atomic
def trip_change_vehicle(*, staff: User, trip_id: int, vehicle_type_id: int) -> Trip:
    """Put a planned trip on another vehicle type (times follow its speed); the riders must fit."""
    group, index = _planned_group(staff, trip_id)
    vehicle = VehicleType.objects.filter(pk=vehicle_type_id, active=True).first()
    if vehicle is None:
        raise DispatchError(_("Choose a vehicle type in use."), code="bad_vehicle")
    if vehicle not in group.vehicles:
        group.vehicles.append(vehicle)
        group.kinds.append(
            planner.VehicleType(vehicle.name, vehicle.seats, float(vehicle.cost_per_km), float(vehicle.speed_kmh))
        )
    row = group.rows[index]
    before = row.vehicle_type.name
    try:
        changed = planner.change_vehicle(group.trips[index], group.vehicles.index(vehicle), group.places, group.kinds)
    except ValueError:
        raise DispatchError(
            _("A %(vehicle)s has %(seats)s seats, too few for the %(riders)s workers on this trip.")
            % {"vehicle": vehicle.name, "seats": vehicle.seats, "riders": group.trips[index].load},
            code="too_small",
        ) from None
    group.write({index: changed})
    _pin(row)
    _record(row, staff, TripChange.Action.VEHICLE, f"{before} → {vehicle.name}")
    row.refresh_from_db()
    return row


@transaction.atomic
def trip_cancel(*, staff: User, trip_id: int, reason: str) -> Trip:
    """Cancel a planned trip (the vehicle fell through); its workers are seated again by a re-plan and told."""
    reason = reason.strip()
    if not reason:
        raise DispatchError(_("Say why the trip is cancelled."), code="no_reason")
    group, index = _planned_group(staff, trip_id)
    row = group.rows[index]
    Trip.objects.filter(pk=row.pk).update(status=Trip.Status.CANCELLED, cancelled_reason=reason[:255])
    _record(row, staff, TripChange.Action.CANCELLED, reason)
    # The riders keep their old seats until the re-plan seats them again, so that they are told of a change.
    group_plan(site_id=row.site_id, travel_day=row.travel_day)
    Passenger.objects.filter(trip=row).delete()
    row.refresh_from_db()
    return row


@transaction.atomic
def trip_depart(*, staff: User, trip_id: int) -> Trip:
    """The vehicle left: the trip is on the road and never changes again."""
    trip = _visible_trip(staff, trip_id)
    updated = Trip.objects.filter(pk=trip.pk, status=Trip.Status.PLANNED).update(status=Trip.Status.DEPARTED)
    if not updated:
        raise DispatchError(_("Only a planned trip can depart."), code="not_planned")
    riders = Passenger.objects.filter(trip=trip)
    boarded = riders.filter(boarded_at__isnull=False).count()
    _record(
        trip,
        staff,
        TripChange.Action.DEPARTED,
        _("%(boarded)s of %(riders)s workers on board.") % {"boarded": boarded, "riders": riders.count()},
    )
    trip.refresh_from_db()
    return trip


@transaction.atomic
def passenger_no_show(*, staff: User, offer_id: int) -> None:
    """A worker did not come to the pickup of a planned trip: the offer is a no-show and the seat goes back."""
    passenger = Passenger.objects.select_related("trip").filter(offer_id=offer_id).first()
    if passenger is None:
        raise DispatchError(_("This worker has no seat on a trip."), code="no_seat")
    trip = _visible_trip(staff, passenger.trip_id)
    if trip.status != Trip.Status.PLANNED or passenger.boarded_at:
        raise DispatchError(
            _("Only a worker not yet on board a planned trip can be marked as not coming."), code="fixed"
        )
    try:
        offer_missed_trip(offer_id=offer_id)
    except OfferError as error:
        raise DispatchError(error.messages[0], code="not_confirmed") from None
    # The offer's end re-plans the group once this commits and frees the seat.
    _record(trip, staff, TripChange.Action.NO_SHOW, _("Offer #%(offer)s did not board.") % {"offer": offer_id})
