"""Matching factories: runs, and offers that each hold a fresh seat of their posting."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from matching.models import MatchRun, Offer, Seat
from tests.jobs.factories import PostingFactory
from tests.workers.factories import WorkerProfileFactory


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
