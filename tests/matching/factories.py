"""Matching factories: runs, and offers that each hold a fresh seat of their posting."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from matching.models import MatchRun, Offer, Seat
from tests.jobs.factories import PostingFactory, occupation
from tests.workers.factories import WorkerProfileFactory
from workers.models import Cohort, CohortMember, Skill, Worker


class MatchRunFactory(DjangoModelFactory):
    class Meta:
        model = MatchRun

    trigger = MatchRun.Trigger.SCHEDULED
    status = MatchRun.Status.FINISHED
    finished_at = factory.LazyFunction(timezone.now)


def next_seat(offer: Offer) -> Seat:
    """The posting's next seat number, created: one seat per offer, as the matcher holds them."""
    return Seat.objects.create(posting=offer.posting, number=offer.posting.seats.count() + 1)


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    run = factory.SubFactory(MatchRunFactory)
    worker = factory.SubFactory(WorkerProfileFactory)
    posting = factory.SubFactory(PostingFactory)
    seat = factory.LazyAttribute(next_seat)
    status = Offer.Status.PROPOSED
    worker_score = 5050.0
    posting_score = 65.5
    worker_reasons = factory.LazyFunction(
        lambda: {"net_pay": 4750.0, "travel": 0.0, "preference": 250.0, "housing": 300.0, "standing": 0.0}
    )
    posting_reasons = factory.LazyFunction(
        lambda: {"experience": 60.0, "certificate": 30.0, "priority": 0.0, "cohort": 5.0, "seniority": 0.5}
    )
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=72))


def skilled(*, years: int = 3, trade: str = "electronics_assembler", **fields) -> Worker:
    """A signed-up worker with years of experience in one trade (electronics assembly by default)."""
    worker = WorkerProfileFactory(**fields)
    Skill.objects.create(worker=worker, occupation=occupation(trade), years=years)
    return worker


def cohort_of(*workers: Worker) -> Cohort:
    """A group whose members have all confirmed: they are matched together or not at all."""
    cohort = Cohort.objects.create(name="老乡", created_by=workers[0])
    for i, worker in enumerate(workers):
        CohortMember.objects.create(
            cohort=cohort, worker=worker, phone_hash=f"hash-{i}", status=CohortMember.Status.CONFIRMED
        )
    return cohort
