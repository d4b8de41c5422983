"""Builders for dispatch tests: county coordinates, and workers matched, accepted and confirmed on a posting."""

from matching.models import Offer
from matching.services import offers, runs
from tests.accounts.factories import county
from tests.jobs.factories import MemberFactory
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
