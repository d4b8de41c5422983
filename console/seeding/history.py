"""What happened after the placements (trips, wage check-ins, cases) and the answers of the current season."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from console.seeding.base import (
    BATCH,
    World,
    month_back,
    seeded_offers,
)
from dispatch.models import Passenger, Stop, Trip, VehicleType
from dispatch.services.planning import group_plan, travel_day_for
from jobs.models import JobPosting
from matching.models import MatchRun, Offer
from reference.models import Region
from rights.models import Case, CaseEvent, WageCheckin
from workers.models import Worker

# History after the workers: trips that arrived, wage check-ins, cases --------------------------------------


def _km(a: Region, b: Region) -> float:
    if None in (a.lat, a.lng, b.lat, b.lng):
        return 1500.0
    lat1, lng1, lat2, lng2 = map(math.radians, (a.lat, a.lng, b.lat, b.lng))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h)) * 1.25  # roads wind: a quarter longer than the great circle


def history_trips_create(world: World) -> None:
    """Point-to-point trips for past placements: one vehicle per full load of a site and start day, all arrived."""
    vehicle = VehicleType.objects.filter(active=True).order_by("-seats").first() or VehicleType.objects.create(
        name="大型客车（53座）", seats=53, cost_per_km=Decimal("7.20"), speed_kmh=70
    )
    rows = (
        Offer.objects.filter(seeded_offers(), status=Offer.Status.PLACED, posting__transport="p2p")
        .order_by("posting__site_id", "posting__start_date", "worker__hukou_county_id", "pk")
        .values_list(
            "pk", "posting__site_id", "posting__site__county_id", "posting__start_date", "worker__hukou_county_id"
        )
    )
    load: list[tuple[int, str]] = []
    key: tuple[int, date, str] | None = None
    trips = passengers = 0
    for offer_id, site_id, site_county, start, home in rows.iterator(chunk_size=BATCH):
        if (site_id, start, site_county) != key or len(load) >= vehicle.seats:
            if load and key:
                passengers += _arrived_trip(world, vehicle, key, load)
                trips += 1
            key, load = (site_id, start, site_county), []
        load.append((offer_id, home))
    if load and key:
        passengers += _arrived_trip(world, vehicle, key, load)
        trips += 1
    world.counts["past trips (arrived)"] = trips
    world.counts["past passengers (boarded and arrived)"] = passengers


def _arrived_trip(world: World, vehicle: VehicleType, key: tuple[int, date, str], load: list[tuple[int, str]]) -> int:
    site_id, start, site_county = key
    travel_day = start - timedelta(days=2)
    departure = world.at(travel_day, hour=6)
    homes = sorted({home for _offer, home in load})
    destination = world.regions.get(site_county)
    km = max((_km(world.regions[h], destination) for h in homes if h in world.regions and destination), default=1500)
    hours = km / vehicle.speed_kmh + len(homes)
    trip = Trip.objects.create(
        site_id=site_id,
        travel_day=travel_day,
        vehicle_type=vehicle,
        status=Trip.Status.ARRIVED,
        departure_at=departure,
        arrival_at=departure + timedelta(hours=hours),
        km=round(km),
        contact_name="带队干部",
        created_at=departure - timedelta(days=7),
    )
    stops = Stop.objects.bulk_create(
        [
            Stop(
                trip=trip,
                order=order,
                county_id=home,
                place=world.regions[home].name_zh + "汽车站" if home in world.regions else home,
                pickup_at=departure + timedelta(hours=order - 1),
            )
            for order, home in enumerate(homes, start=1)
        ]
    )
    stop_of = {stop.county_id: stop for stop in stops}
    Passenger.objects.bulk_create(
        [
            Passenger(
                trip=trip,
                stop=stop_of[home],
                offer_id=offer_id,
                seat=seat,
                boarded_at=stop_of[home].pickup_at + timedelta(minutes=world.rng.randint(-20, 10)),
                boarded_by=world.staff,
                arrived_at=trip.arrival_at,
                terms_checked_at=trip.arrival_at + timedelta(hours=1),
            )
            for seat, (offer_id, home) in enumerate(load, start=1)
        ]
    )
    return len(load)


@dataclass
class _Unpaid:
    offer_id: int
    worker_id: int
    user_id: int
    employer_id: int
    home: str
    site: str
    month: date
    expected: int


def wage_checkins_create(world: World) -> list[_Unpaid]:
    """The last three months' answers of everyone still at work; a few unpaid (at least two, for the cases)."""
    rng = world.rng
    rows = (
        Offer.objects.filter(seeded_offers(), status=Offer.Status.PLACED, worker__status=Worker.Status.EMPLOYED)
        .order_by("pk")
        .values_list(
            "pk",
            "worker_id",
            "worker__user_id",
            "posting__employer_id",
            "worker__hukou_county_id",
            "posting__county_id",
            "posting__start_date",
            "posting__expected_monthly",
        )
    )
    unpaid: list[_Unpaid] = []
    batch: list[WageCheckin] = []
    for offer_id, worker_id, user_id, employer_id, home, site, start, expected in rows.iterator(chunk_size=BATCH):
        for back in (3, 2, 1):
            month = month_back(world.today, back)
            if month <= start:
                continue
            roll = rng.random()
            force = back == 1 and len(unpaid) < 2
            answer = "unpaid" if force or roll < 0.015 else ("part" if roll < 0.045 else "paid")
            paid = {"paid": expected, "part": expected * rng.choice([5, 6, 7]) // 10, "unpaid": None}[answer]
            batch.append(
                WageCheckin(
                    offer_id=offer_id,
                    month=month,
                    answer=answer,
                    amount_paid=paid,
                    expected=expected,
                    answered_at=world.at(month_back(world.today, back - 1) + timedelta(days=rng.randint(4, 12))),
                    answered_by_id=user_id,
                )
            )
            if answer == "unpaid":
                unpaid.append(_Unpaid(offer_id, worker_id, user_id, employer_id, home, site, month, expected))
        if len(batch) >= BATCH:
            WageCheckin.objects.bulk_create(batch)
            world.counts["wage check-ins"] += len(batch)
            batch = []
    WageCheckin.objects.bulk_create(batch)
    world.counts["wage check-ins"] += len(batch)
    return unpaid


_CASE_PATHS: tuple[tuple[str, list[str]], ...] = (
    ("recovered", ["assigned", "investigating", "mediation", "recovered"]),
    ("investigating", ["assigned", "investigating"]),
    ("mediation", ["assigned", "investigating", "mediation"]),
    ("recovered_part", ["assigned", "investigating", "recovered"]),
    ("received", []),
)


def cases_create(world: World, unpaid: list[_Unpaid]) -> None:
    """Wage claims from unpaid months: the first recovered in full, the next under investigation, and so on."""
    wanted = max(2, world.counts["workers"] // 2000)
    for n, claim in enumerate(unpaid[:wanted]):
        name, path = _CASE_PATHS[n % len(_CASE_PATHS)]
        filed = world.at(claim.month + timedelta(days=40), hour=10)
        filed = min(filed, world.now - timedelta(days=len(path) + 1))
        recovered = path[-1:] == ["recovered"]
        amount = Decimal(claim.expected)
        case = Case.objects.create(
            kind=Case.Kind.WAGES,
            worker_id=claim.worker_id,
            employer_id=claim.employer_id,
            offer_id=claim.offer_id,
            sending_region_id=claim.home,
            receiving_region_id=claim.site,
            period_start=claim.month,
            period_end=claim.month,
            amount_claimed=amount,
            description="上月工资未按时发放，多次询问未果。",
            status=path[-1] if path else Case.Status.RECEIVED,
            substantiated=bool(path[2:]),
            assigned_to=world.staff if path else None,
            stage_due=None if recovered else world.now + timedelta(days=5),
            recovery=(Case.Recovery.FULL if name == "recovered" else Case.Recovery.PARTIAL) if recovered else "",
            recovered_amount=(amount if name == "recovered" else amount / 2) if recovered else Decimal("0"),
            recovered_on=(filed + timedelta(days=len(path))).date() if recovered else None,
            filed_by_id=claim.user_id,
            created_at=filed,
            closed_at=filed + timedelta(days=len(path)) if recovered else None,
        )
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case=case,
                    at=filed + timedelta(days=step),
                    by=world.staff,
                    kind=CaseEvent.Kind.STATUS,
                    status_from=(["received", *path])[step - 1],
                    status_to=status,
                )
                for step, status in enumerate(path, start=1)
            ]
        )
        world.counts["rights cases"] += 1
        world.counts["rights cases recovered"] += recovered


# The current season: answers to the run's offers, trips for the confirmed ones --------------------------------


def offers_answer(world: World, run: MatchRun) -> None:
    """Workers answer the run's offers: accepted, confirmed by the employer, declined, expired, or still waiting."""
    rng = world.rng
    ids = list(Offer.objects.filter(seeded_offers(), run=run).order_by("pk").values_list("pk", "worker_id"))
    fates: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pair in ids:
        fate = rng.choices(["accepted", "confirmed", "declined", "expired", "proposed"], weights=[25, 35, 10, 10, 20])
        fates[fate[0]].append(pair)
    now = world.now

    def update(fate: str, **fields) -> None:
        pairs = fates[fate]
        for start in range(0, len(pairs), BATCH):
            Offer.objects.filter(pk__in=[pk for pk, _w in pairs[start : start + BATCH]]).update(**fields)
            if fate in ("declined", "expired"):
                Worker.objects.filter(pk__in=[w for _pk, w in pairs[start : start + BATCH]]).update(
                    status=Worker.Status.SEEKING
                )
        world.counts[f"offers {fate}"] = len(pairs)

    update("accepted", status=Offer.Status.ACCEPTED, responded_at=now)
    update("confirmed", status=Offer.Status.CONFIRMED, responded_at=now, confirmed_at=now)
    update(
        "declined",
        status=Offer.Status.DECLINED,
        decline_reason=Offer.DeclineReason.FAMILY,
        responded_at=now,
        closed_at=now,
    )
    # An expired offer was made before the answer time ran out.
    update(
        "expired",
        status=Offer.Status.EXPIRED,
        created_at=now - timedelta(days=4),
        expires_at=now - timedelta(days=1),
        closed_at=now - timedelta(days=1),
    )
    world.counts["offers proposed"] = len(fates["proposed"])


def trips_plan(world: World) -> None:
    """The dispatch planner, group by group, for every confirmed offer."""
    groups = set()
    rows = Offer.objects.filter(status=Offer.Status.CONFIRMED, posting__transport="p2p").values_list(
        "posting__site_id", "posting__start_date"
    )
    for site_id, start in rows.distinct():
        groups.add((site_id, travel_day_for(JobPosting(start_date=start))))
    for site_id, travel_day in sorted(groups):
        group_plan(site_id=site_id, travel_day=travel_day)
    world.counts["trips planned"] = Trip.objects.filter(status=Trip.Status.PLANNED).count()
