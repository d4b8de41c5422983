"""Builders for dispatch tests: county coordinates, and workers matched, accepted and confirmed on a posting."""

from datetime import timedelta

from django.utils import timezone

from dispatch.models import Stop, Trip, VehicleType
from matching.models import Offer
from matching.services import offers, runs
from tests.accounts.factories import county
from tests.jobs.factories import MemberFactory, SiteFactory
from workers.models import Worker


def coordinates(code: str, lat: float, lng: float) -> None:
    """Give a county the coordinates the planner measures distances from."""
    region = county(code)
    type(region).objects.filter(code=code).update(lat=lat, lng=lng)


def confirmed(posting, workers: list[Worker]) -> list[Offer]:
    """Match the workers to the posting; each accepts and the employer confirms."""
    member = MemberFactory(employer=posting.employer)
    for worker in workers:
        runs.run_for_worker(worker_id=worker.pk)
    made = list(Offer.objects.filter(posting=posting, worker__in=workers))
    for offer in made:
        offers.offer_accept(worker=offer.worker, offer_id=offer.pk)
        offers.offer_confirm(member=member, offer_id=offer.pk)
    return made


def hand_trip(*, to: str = "441900", origins: tuple[str, ...] = ("530627",), **fields) -> Trip:
    """A trip written as rows (no planning), to a site in county `to`, with a pickup in each origin county."""
    departs = timezone.now() + timedelta(days=5)
    values = {
        "site": SiteFactory(county=county(to)),
        "travel_day": timezone.localdate(departs),
        "vehicle_type": VehicleType.objects.order_by("seats").first(),
        "departure_at": departs,
        "arrival_at": departs + timedelta(hours=20),
        "km": 1500,
        **fields,
    }
    trip = Trip.objects.create(**values)
    for order, code in enumerate(origins, start=1):
        Stop.objects.create(trip=trip, order=order, county=county(code), place=f"{code} 客运站", pickup_at=departs)
    return trip
