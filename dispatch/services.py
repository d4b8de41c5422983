"""Planning trips from confirmed offers, one (site, travel day) group at a time.

A group is re-planned whenever one of its offers is confirmed (later: cancelled
or a no-show): `dispatch.planner.replan` changes only the trips it must, trips
already on the road never change, and the rows written here mirror its result.
One planner per group at a time: a transaction advisory lock on PostgreSQL
(SQLite's IMMEDIATE transactions serialise writers anyway).
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.sms import send_sms
from dispatch import planner
from dispatch.models import Passenger, Stop, Trip, VehicleType
from jobs.models import JobPosting, Site
from matching.models import Offer
from reference.models import Region

# Vehicles leave the first pickup early in the morning of the travel day.
DEPARTURE = time(6, 0)
_LOCK_SPACE = 0x44 << 56  # "D": keeps these keys apart from matching's advisory locks


@dataclass(frozen=True)
class GroupReport:
    trips: int
    changed: int
    passengers: int
    lower_bound: int


def travel_day_for(posting: JobPosting) -> date:
    """The day a worker travels to start on the posting's start date."""
    return posting.start_date - timedelta(days=settings.DISPATCH_LEAD_DAYS)


def _lock(site_id: int, travel_day: date) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_SPACE | (site_id << 24) | travel_day.toordinal()])


def _offers(site_id: int, travel_day: date) -> list[Offer]:
    start = travel_day + timedelta(days=settings.DISPATCH_LEAD_DAYS)
    return list(
        Offer.objects.filter(status=Offer.Status.CONFIRMED, posting__site_id=site_id, posting__start_date=start)
        .select_related("worker__hukou_county")
        .order_by("pk")
    )


@transaction.atomic
def group_plan(*, site_id: int, travel_day: date) -> GroupReport:
    """Bring the trips of one site and travel day in line with its confirmed offers; idempotent."""
    _lock(site_id, travel_day)
    site = Site.objects.select_related("county").get(pk=site_id)
    offers = [offer for offer in _offers(site_id, travel_day) if offer.worker.hukou_county_id]
    trips = list(
        Trip.objects.filter(site_id=site_id, travel_day=travel_day)
        .exclude(status=Trip.Status.CANCELLED)
        .prefetch_related("stops", "passengers")
        .order_by("pk")
    )
    vehicles = list(VehicleType.objects.filter(active=True) | VehicleType.objects.filter(trips__in=trips))
    vehicles = sorted(set(vehicles), key=lambda v: (v.seats, v.pk))
    homes: set[Region] = {offer.worker.hukou_county for offer in offers if offer.worker.hukou_county}
    counties = sorted(homes | {stop.county for trip in trips for stop in trip.stops.all()}, key=lambda r: r.code)
    origin_of = {region.code: i for i, region in enumerate(counties)}
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
        origin_lat=np.array([region.lat or 0.0 for region in counties]),
        origin_lng=np.array([region.lng or 0.0 for region in counties]),
        origin_prefecture=np.array([int(region.code[:4]) for region in counties], dtype=np.int64),
        site_lat=np.array([site.county.lat or 0.0]),
        site_lng=np.array([site.county.lng or 0.0]),
    )
    kinds = [planner.VehicleType(v.name, v.seats, float(v.cost_per_km), float(v.speed_kmh)) for v in vehicles]
    vehicle_index = {v.pk: i for i, v in enumerate(vehicles)}
    previous = [_as_planned(trip, origin_of, vehicle_index) for trip in trips]
    result = planner.replan(
        previous,
        passengers,
        places,
        kinds,
        detour_factor=settings.DISPATCH_DETOUR_PERCENT / 100,
        max_stops=settings.DISPATCH_MAX_STOPS,
    )
    offers_by_id = {offer.pk: offer for offer in offers}
    told: list[int] = []
    for index in sorted(result.changed):
        planned = result.trips[index]
        row = trips[index] if index < len(trips) else None
        told += _write(
            row, planned, site=site, travel_day=travel_day, counties=counties, vehicles=vehicles, offers=offers_by_id
        )
    live = [trip for trip in result.trips if not trip.cancelled]
    _text(told, kind="booked")
    return GroupReport(
        trips=len(live),
        changed=len(result.changed),
        passengers=len(offers),
        lower_bound=-(-len(offers) // max((v.seats for v in vehicles), default=1)),
    )


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


def _write(row, planned: planner.Trip, *, site, travel_day, counties, vehicles, offers) -> list[int]:
    """Mirror one planned trip into its rows; returns the offers whose seat is new or moved."""
    departure = timezone.make_aware(datetime.combine(travel_day, DEPARTURE))
    if planned.cancelled:
        if row is not None:
            Passenger.objects.filter(trip=row).delete()
            Trip.objects.filter(pk=row.pk).update(
                status=Trip.Status.CANCELLED, cancelled_reason=_("Nobody left to carry on this trip.")
            )
        return []
    before = {} if row is None else dict(Passenger.objects.filter(trip=row).values_list("offer_id", "seat"))
    fields = {
        "vehicle_type": vehicles[planned.vehicle],
        "departure_at": departure,
        "arrival_at": departure + timedelta(hours=planned.hours),
        "km": round(planned.km),
    }
    if row is None:
        row = Trip.objects.create(site=site, travel_day=travel_day, **fields)
    else:
        Trip.objects.filter(pk=row.pk).update(**fields)
        Passenger.objects.filter(trip=row).delete()
        Stop.objects.filter(trip=row).delete()
    # A passenger whose offer moved from another trip of the group lets go of that seat first.
    Passenger.objects.filter(offer_id__in=list(planned.seats)).exclude(trip=row).delete()
    for order, planned_stop in enumerate(planned.stops, start=1):
        county = counties[planned_stop.origin]
        stop = Stop.objects.create(
            trip=row,
            order=order,
            county=county,
            place=county.name_zh,
            pickup_at=departure + timedelta(hours=planned_stop.offset_hours),
        )
        Passenger.objects.bulk_create(
            Passenger(trip=row, stop=stop, offer_id=offer_id, seat=planned.seats[offer_id])
            for offer_id in planned_stop.passengers
        )
    return [offer_id for offer_id, seat in planned.seats.items() if before.get(offer_id) != seat and offer_id in offers]


def _text(offer_ids: list[int], *, kind: str) -> None:
    """After commit, tell each worker their trip, pickup place and time."""
    for passenger in Passenger.objects.filter(offer_id__in=offer_ids).select_related(
        "trip__site", "stop", "offer__worker__user"
    ):
        user = passenger.offer.worker.user
        if not user.phone_encrypted:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            body = _(
                "Chunfeng: your trip to %(site)s is booked. Pickup: %(place)s at %(time)s, seat %(seat)s. "
                "Bring your ID card."
            ) % {
                "site": passenger.trip.site.name,
                "place": passenger.stop.place,
                "time": timezone.localtime(passenger.stop.pickup_at).strftime("%m-%d %H:%M"),
                "seat": passenger.seat,
            }
        transaction.on_commit(partial(send_sms, phone=user.phone, body=body, kind=f"dispatch.{kind}"))


def offer_group(offer_id: int) -> tuple[int, date] | None:
    """The (site, travel day) group of an offer; None when there is no such offer."""
    offer = Offer.objects.select_related("posting").filter(pk=offer_id).first()
    if offer is None:
        return None
    return offer.posting.site_id, travel_day_for(offer.posting)
