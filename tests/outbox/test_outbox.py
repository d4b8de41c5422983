from datetime import timedelta

import pytest
from django.db import transaction

from outbox import services
from outbox.models import Consumption, OutboxEvent
from outbox.registry import handles, unregister

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    seen: list[int] = []

    @handles("test.unit")
    def handler(event):
        seen.append(event.pk)

    yield seen
    unregister("test.unit", handler)


@pytest.fixture
def eager(settings):
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_rollback_leaves_no_event_and_nothing_to_publish(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        services.event_publish(topic="test.unit", payload={"n": 1})
        raise RuntimeError("business failure")
    assert OutboxEvent.objects.count() == 0
    assert callbacks == []


def test_committed_event_is_published_once_and_consumed(eager, calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = services.event_publish(topic="test.unit", payload={"n": 1})
    event.refresh_from_db()
    assert event.published_at is not None
    assert calls == [event.pk]
    assert Consumption.objects.filter(event=event).count() == 1


def test_a_redelivered_event_is_not_handled_twice(calls):
    event = OutboxEvent.objects.create(topic="test.unit", payload={})
    first = services.event_consume(event_id=event.pk)
    second = services.event_consume(event_id=event.pk)
    assert len(first) == 1
    assert second == []
    assert calls == [event.pk]


def test_a_failing_handler_leaves_the_event_unconsumed_for_a_retry():
    attempts: list[int] = []

    @handles("test.flaky")
    def flaky(event):
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("downstream not ready")

    try:
        event = OutboxEvent.objects.create(topic="test.flaky", payload={})
        with pytest.raises(ValueError):
            services.event_consume(event_id=event.pk)
        assert not Consumption.objects.filter(event=event).exists()
        assert len(services.event_consume(event_id=event.pk)) == 1
        assert Consumption.objects.filter(event=event).count() == 1
    finally:
        unregister("test.flaky", flaky)


def test_the_same_key_records_one_event(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = services.event_publish(topic="test.unit", payload={"n": 1}, key="worker.changed:7:v3")
        second = services.event_publish(topic="test.unit", payload={"n": 2}, key="worker.changed:7:v3")
    assert first.pk == second.pk
    assert OutboxEvent.objects.count() == 1
    assert len(callbacks) == 1


def test_broker_failure_leaves_the_event_for_the_sweeper(settings, django_capture_on_commit_callbacks):
    from tests.services import free_port, use_broker

    use_broker(f"redis://127.0.0.1:{free_port()}/0")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            event = services.event_publish(topic="test.unit", payload={})
    finally:
        use_broker()
    event.refresh_from_db()
    assert event.published_at is None
    assert event.attempts == 1
    assert "Error" in event.last_error
    assert event.available_at > event.created_at


def test_sweep_republishes_due_events_and_skips_fresh_ones(eager, calls, monkeypatch):
    now = services._now()
    old = OutboxEvent.objects.create(topic="test.unit", payload={}, created_at=now - timedelta(minutes=5))
    fresh = OutboxEvent.objects.create(topic="test.unit", payload={}, created_at=now)
    backing_off = OutboxEvent.objects.create(
        topic="test.unit", payload={}, created_at=now - timedelta(minutes=5), available_at=now + timedelta(minutes=1)
    )
    assert services.events_sweep() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    backing_off.refresh_from_db()
    assert old.published_at is not None
    assert fresh.published_at is None
    assert backing_off.published_at is None
    assert calls == [old.pk]


def test_sweep_purges_events_published_long_ago():
    long_ago = services._now() - timedelta(days=40)
    OutboxEvent.objects.create(topic="test.unit", payload={}, created_at=long_ago, published_at=long_ago)
    kept = OutboxEvent.objects.create(topic="test.unit", payload={}, published_at=services._now())
    services.events_sweep()
    assert list(OutboxEvent.objects.values_list("pk", flat=True)) == [kept.pk]
