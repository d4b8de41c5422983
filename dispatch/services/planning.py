"""Planning trips from confirmed offers, one (site, travel day) group at a time.

A group is re-planned whenever one of its offers is confirmed or ends:
`dispatch.planner.replan` changes only the trips it must, trips on the road
never change, and the rows written here mirror its result. A trip staff
changed by hand (pinned) is kept as they set it, except that ended offers give
their seats back. One writer per group at a time: a transaction advisory lock
on PostgreSQL (SQLite's IMMEDIATE transactions serialise writers anyway);
staff changes (`dispatch.services.changes`) take the same lock.
"""

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.sms import send_sms
from dispatch import planner
from dispatch.models import Passenger, PickupPoint, Stop, Trip, VehicleType
from jobs.models import JobPosting, Site
from matching.models import Offer
from reference.models import Region

# Vehicles leave the first pickup early in the morning of the travel day.
DEPARTURE = time(6, 0)
_LOCK_SPACE = 0x44 << 56  # "D": keeps these keys apart from matching's advisory locks

# What each text says; the worker's language is chosen when it is sent.
_TEXTS = {
    "booked": _(
        "Chunfeng: your trip to %(site)s is booked. Pickup: %(place)s at %(time)s, seat %(seat)s. Bring your ID card."
    ),
    "changed": _("Chunfeng: your trip to %(site)s has changed. Pickup: %(place)s at %(time)s, seat %(seat)s."),
    "reminder": _(
        "Chunfeng: you travel to %(site)s tomorrow. Pickup: %(place)s at %(time)s, seat %(seat)s. "
        "Bring your ID card and show your boarding code."
    ),
}


@dataclass(frozen=True)
class GroupReport:
    trips: int
    changed: int
    passengers: int
    lower_bound: int


def travel_day_for(posting: JobPosting) -> date:
    """The departure day that carries a worker starting on the posting's start date.

    Vehicles leave every DISPATCH_POOL_DAYS days (counted from the calendar's first day, so every
    process agrees); a worker takes the last departure at least DISPATCH_LEAD_DAYS before the start.
    """
    latest = posting.start_date - timedelta(days=settings.DISPATCH_LEAD_DAYS)
    return latest - timedelta(days=latest.toordinal() % settings.DISPATCH_POOL_DAYS)


def _start_days(travel_day: date) -> tuple[date, date]:
    """The first and last start dates whose workers travel on this departure day."""
    if travel_day.toordinal() % settings.DISPATCH_POOL_DAYS:
        raise ValueError(f"{travel_day} is not a departure day")
    first = travel_day + timedelta(days=settings.DISPATCH_LEAD_DAYS)
    return first, first + timedelta(days=settings.DISPATCH_POOL_DAYS - 1)


@dataclass
class Group:
    """One site and travel day as the planner sees it: the rows and the arrays built from them."""

    site: Site
    travel_day: date
    offers: dict[int, Offer]
    rows: list[Trip]  # not cancelled, in id order; planner trip i is rows[i]
    vehicles: list[VehicleType]
    counties: list[Region]
    pickup_points: dict[str, PickupPoint]  # county code → where vehicles call there (else the county seat)
    passengers: planner.Passengers
    places: planner.Places
    kinds: list[planner.VehicleType]
    trips: list[planner.Trip]
    seats_before: dict[int, tuple[int, int, datetime]]  # offer → (trip, seat, pickup time)

    def index_of(self, trip_id: int) -> int:
        return next(i for i, row in enumerate(self.rows) if row.pk == trip_id)

    def write(self, changed: dict[int, planner.Trip]) -> None:
        """Mirror the given planner trips (by index; new ones past the rows) and text whoever's seat is new or moved."""
        departure = timezone.make_aware(datetime.combine(self.travel_day, DEPARTURE))
        written = [
            _write(self.rows[index] if index < len(self.rows) else None, trip, group=self, departure=departure)
            for index, trip in sorted(changed.items())
        ]
        after = _seats_of(trips={row.pk for row in self.rows} | {row.pk for row in written}, offers=set(self.offers))
        before = self.seats_before
        passengers_text([offer for offer in after if offer not in before and offer in self.offers], kind="booked")
        passengers_text([offer for offer, seat in after.items() if before.get(offer, seat) != seat], kind="changed")


def _seats_of(*, trips: set[int], offers: set[int]) -> dict[int, tuple[int, int, datetime]]:
    """Where the given trips' riders and the given offers sit: offer → (trip, seat, pickup time)."""
    rows = Passenger.objects.filter(Q(trip_id__in=trips) | Q(offer_id__in=offers)).values_list(
        "offer_id", "trip_id", "seat", "stop__pickup_at"
    )
    return {offer: (trip, seat, pickup) for offer, trip, seat, pickup in rows}


def group_lock(site_id: int, travel_day: date) -> None:
    """Hold the group's planning lock until the transaction ends (PostgreSQL; a no-op elsewhere)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_SPACE | (site_id << 24) | travel_day.toordinal()])


def group_load(site_id: int, travel_day: date) -> Group:
    """Lock the group and read it: confirmed offers, live trips, vehicle types and places, as planner input."""
    group_lock(site_id, travel_day)
    site = Site.objects.select_related("county").get(pk=site_id)
    offers = [
        offer
        for offer in Offer.objects.filter(
            status=Offer.Status.CONFIRMED, posting__site_id=site_id, posting__start_date__range=_start_days(travel_day)
        )
        .select_related("worker__hukou_county")
        .order_by("pk")
        if offer.worker.hukou_county_id
    ]
    rows = list(
        Trip.objects.filter(site_id=site_id, travel_day=travel_day)
        .exclude(status=Trip.Status.CANCELLED)
        .prefetch_related("stops__county", "passengers")
        .order_by("pk")
    )
    vehicles = list(VehicleType.objects.filter(active=True) | VehicleType.objects.filter(trips__in=rows))
    vehicles = sorted(set(vehicles), key=lambda v: (v.seats, v.pk))
    homes: set[Region] = {offer.worker.hukou_county for offer in offers if offer.worker.hukou_county}
    counties = sorted(homes | {stop.county for trip in rows for stop in trip.stops.all()}, key=lambda r: r.code)
    origin_of = {region.code: i for i, region in enumerate(counties)}
    # A county's first pickup point by name is where vehicles call; staff name more than one only as alternatives.
    points: dict[str, PickupPoint] = {}
    for point in PickupPoint.objects.filter(county__in=counties).order_by("county_id", "name"):
        points.setdefault(point.county_id, point)
    where = [points.get(region.code) or region for region in counties]
    group_of: dict[uuid.UUID, int] = {}
    passengers = planner.Passengers(
        id=np.array([offer.pk for offer in offers], dtype=np.int64),
        origin=np.array([origin_of[offer.worker.hukou_county_id or ""] for offer in offers], dtype=np.int64),
        cohort=np.array(
            [group_of.setdefault(offer.group, len(group_of)) if offer.group else -1 for offer in offers],
            dtype=np.int64,
        ),
        site=np.zeros(len(offers), dtype=np.int64),
        window=np.zeros(len(offers), dtype=np.int64),
    )
    places = planner.Places(
        origin_lat=np.array([place.lat or 0.0 for place in where]),
        origin_lng=np.array([place.lng or 0.0 for place in where]),
        origin_prefecture=np.array([int(region.code[:4]) for region in counties], dtype=np.int64),
        site_lat=np.array([site.county.lat or 0.0]),
        site_lng=np.array([site.county.lng or 0.0]),
    )
    vehicle_index = {v.pk: i for i, v in enumerate(vehicles)}
    return Group(
        site=site,
        travel_day=travel_day,
        offers={offer.pk: offer for offer in offers},
        rows=rows,
        vehicles=vehicles,
        counties=counties,
        pickup_points=points,
        passengers=passengers,
        places=places,
        kinds=[planner.VehicleType(v.name, v.seats, float(v.cost_per_km), float(v.speed_kmh)) for v in vehicles],
        trips=[_as_planned(trip, origin_of, vehicle_index) for trip in rows],
        seats_before=_seats_of(trips={row.pk for row in rows}, offers={offer.pk for offer in offers}),
    )


@transaction.atomic
def group_plan(*, site_id: int, travel_day: date) -> GroupReport:
    """Bring the trips of one site and travel day in line with its confirmed offers; idempotent."""
    group = group_load(site_id, travel_day)
    previous = list(group.trips)
    changed: dict[int, planner.Trip] = {}
    for index, row in enumerate(group.rows):
        if not row.pinned or row.is_fixed:
            continue
        # A trip staff set by hand keeps its riders; only ended offers give their seats back.
        gone = [offer for offer in previous[index].seats if offer not in group.offers]
        if gone:
            previous[index] = changed[index] = planner.drop(previous[index], gone, group.places, group.kinds)
        previous[index] = _fixed(previous[index])
    result = planner.replan(
        previous,
        group.passengers,
        group.places,
        group.kinds,
        detour_factor=settings.DISPATCH_DETOUR_PERCENT / 100,
        max_stops=settings.DISPATCH_MAX_STOPS,
    )
    changed |= {index: result.trips[index] for index in result.changed}
    group.write(changed)
    largest = max((v.seats for v in group.vehicles), default=1)
    return GroupReport(
        trips=sum(1 for trip in result.trips if not trip.cancelled),
        changed=len(changed),
        passengers=len(group.offers),
        lower_bound=-(-len(group.offers) // largest),
    )


def _fixed(trip: planner.Trip) -> planner.Trip:
    """The planner keeps a departed trip as it is; a pinned one is handed over the same way."""
    if trip.cancelled:
        return trip
    return dataclasses.replace(trip, departed=True)


def _as_planned(trip: Trip, origin_of: dict[str, int], vehicle_index: dict[int, int]) -> planner.Trip:
    stops = sorted(trip.stops.all(), key=lambda stop: stop.order)
    riders: dict[int, list[int]] = {stop.pk: [] for stop in stops}
    seats = {}
    for passenger in trip.passengers.all():
        riders[passenger.stop_id].append(passenger.offer_id)
        seats[passenger.offer_id] = passenger.seat
    hours = (trip.arrival_at - trip.departure_at).total_seconds() / 3600
    return planner.Trip(
        site=0,
        window=0,
        vehicle=vehicle_index[trip.vehicle_type_id],
        stops=[
            planner.Stop(
                origin=origin_of[stop.county_id],
                passengers=riders[stop.pk],
                offset_hours=(stop.pickup_at - trip.departure_at).total_seconds() / 3600,
            )
            for stop in stops
        ],
        km=float(trip.km),
        hours=hours,
        seats=seats,
        departed=trip.is_fixed,
    )


def _write(row: Trip | None, planned: planner.Trip, *, group: Group, departure: datetime) -> Trip:
    """Mirror one planned trip into its rows (a new trip when `row` is None); returns the trip."""
    if planned.cancelled:
        if row is None:
            raise ValueError("the planner cancels only trips it was given")
        Passenger.objects.filter(trip=row).delete()
        Trip.objects.filter(pk=row.pk).update(
            status=Trip.Status.CANCELLED, cancelled_reason=gettext("Nobody left to carry on this trip.")
        )
        return row
    fields = {
        "vehicle_type": group.vehicles[planned.vehicle],
        "departure_at": departure,
        "arrival_at": departure + timedelta(hours=planned.hours),
        "km": round(planned.km),
    }
    if row is None:
        row = Trip.objects.create(site=group.site, travel_day=group.travel_day, **fields)
    else:
        Trip.objects.filter(pk=row.pk).update(**fields)
        Passenger.objects.filter(trip=row).delete()
        Stop.objects.filter(trip=row).delete()
    # A passenger whose offer moved from another trip of the group lets go of that seat first.
    Passenger.objects.filter(offer_id__in=list(planned.seats)).exclude(trip=row).delete()
    for order, planned_stop in enumerate(planned.stops, start=1):
        county = group.counties[planned_stop.origin]
        point = group.pickup_points.get(county.code)
        stop = Stop.objects.create(
            trip=row,
            order=order,
            county=county,
            pickup_point=point,
            place=point.name if point else county.name_zh,
            pickup_at=departure + timedelta(hours=planned_stop.offset_hours),
        )
        Passenger.objects.bulk_create(
            Passenger(trip=row, stop=stop, offer_id=offer_id, seat=planned.seats[offer_id])
            for offer_id in planned_stop.passengers
        )
    return row


def passengers_text(offer_ids: list[int], *, kind: str) -> None:
    """After commit, tell each worker their trip: booked, changed or tomorrow, with pickup place, time and seat."""
    if not offer_ids:
        return
    for passenger in Passenger.objects.filter(offer_id__in=offer_ids).select_related(
        "trip__site", "stop", "offer__worker__user"
    ):
        user = passenger.offer.worker.user
        if not user.phone_encrypted:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            body = str(_TEXTS[kind]) % {
                "site": passenger.trip.site.name,
                "place": passenger.stop.place,
                "time": timezone.localtime(passenger.stop.pickup_at).strftime("%m-%d %H:%M"),
                "seat": passenger.seat,
            }
        transaction.on_commit(partial(send_sms, phone=user.phone, body=body, kind=f"dispatch.{kind}"))


WINDOW_MAX_DAYS = 31


def window_groups(*, prefix: str, start: date, end: date) -> list[tuple[int, date]]:
    """The (site, travel day) groups departing from `start` to `end` with a site or a rider's home in the region.

    A group is anything a re-plan would touch: confirmed offers due to travel in the window,
    and planned trips (which a re-plan may empty). `prefix` is a region code prefix ("" for all).
    """
    first_start = start + timedelta(days=settings.DISPATCH_LEAD_DAYS)
    last_start = end + timedelta(days=settings.DISPATCH_LEAD_DAYS + settings.DISPATCH_POOL_DAYS - 1)
    offers = Offer.objects.filter(status=Offer.Status.CONFIRMED, posting__start_date__range=(first_start, last_start))
    trips = Trip.objects.filter(status=Trip.Status.PLANNED, travel_day__range=(start, end))
    if prefix:
        offers = offers.filter(
            Q(posting__site__county__code__startswith=prefix) | Q(worker__hukou_county__code__startswith=prefix)
        )
        trips = trips.filter(Q(site__county__code__startswith=prefix) | Q(stops__county__code__startswith=prefix))
    groups = {(site_id, day) for site_id, day in trips.values_list("site_id", "travel_day").distinct()}
    for posting in JobPosting.objects.filter(pk__in=offers.values("posting_id")).only("site_id", "start_date"):
        day = travel_day_for(posting)
        if start <= day <= end:
            groups.add((posting.site_id, day))
    return sorted(groups)


def window_replan(*, prefix: str, start: date, end: date) -> int:
    """Queue a re-plan of every group departing in the window inside the region; returns how many were queued.

    Each group is planned by its own task, under its own lock, after the caller's transaction commits.
    """
    if end < start or (end - start).days >= WINDOW_MAX_DAYS:
        raise DispatchError(
            _("Choose a window of at most %(days)s days that does not end before it starts.")
            % {"days": WINDOW_MAX_DAYS},
            code="window",
        )
    from dispatch.tasks import plan_group

    groups = window_groups(prefix=prefix, start=start, end=end)
    for site_id, day in groups:
        transaction.on_commit(partial(plan_group.delay, site_id, day.isoformat()))
    return len(groups)


def offer_group(offer_id: int) -> tuple[int, date] | None:
    """The (site, travel day) group of an offer; None when there is no such offer."""
    offer = Offer.objects.select_related("posting").filter(pk=offer_id).first()
    if offer is None:
        return None
    return offer.posting.site_id, travel_day_for(offer.posting)


class DispatchError(ValidationError):
    """A refused change to a trip or a seat, with a message for the person who tried it."""
