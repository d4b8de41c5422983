"""Events from lower apps become matching work: the outbox handlers, with tasks run in-process."""

import pytest
from django.db import transaction

from config.celery import app
from jobs.services.postings import TOPIC_PUBLISHED
from matching.models import MatchRun, Offer
from outbox.models import OutboxEvent
from outbox.services import event_consume, event_publish
from tests.jobs.factories import PostingFactory
from tests.matching.factories import skilled
from workers.services.privacy import TOPIC_WORKER_CHANGED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_in_process():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _consume(topic: str, payload: dict) -> list[str]:
    with transaction.atomic():
        event = event_publish(topic=topic, payload=payload)
    return event_consume(event_id=OutboxEvent.objects.get(pk=event.pk).pk)


def test_a_changed_worker_is_matched():
    worker = skilled()
    PostingFactory()

    ran = _consume(TOPIC_WORKER_CHANGED, {"worker_id": worker.pk})

    assert ran == ["matching.handlers.rematch_worker"]
    assert Offer.objects.filter(worker=worker).exists()
    assert MatchRun.objects.get().subject_id == worker.pk


def test_an_erased_worker_loses_their_live_offers():
    worker = skilled()
    PostingFactory()
    _consume(TOPIC_WORKER_CHANGED, {"worker_id": worker.pk})

    _consume(TOPIC_WORKER_CHANGED, {"worker_id": worker.pk, "reason": "erased"})

    offer = Offer.objects.get(worker=worker)
    assert (offer.status, offer.withdraw_reason) == (Offer.Status.WITHDRAWN, Offer.WithdrawReason.WORKER_CHANGED)


def test_a_published_posting_is_offered_to_waiting_workers():
    worker = skilled()
    posting = PostingFactory()

    _consume(TOPIC_PUBLISHED, {"posting_id": posting.pk})

    assert Offer.objects.get().worker == worker
    assert MatchRun.objects.get().trigger == MatchRun.Trigger.POSTING


def test_an_event_handled_once_is_not_handled_again():
    worker = skilled()
    PostingFactory()
    with transaction.atomic():
        event = event_publish(topic=TOPIC_WORKER_CHANGED, payload={"worker_id": worker.pk})

    assert event_consume(event_id=event.pk) == ["matching.handlers.rematch_worker"]
    assert event_consume(event_id=event.pk) == []
    assert MatchRun.objects.count() == 1
