"""The outbox against real PostgreSQL, Redis and a `celery worker` process."""

import time
from datetime import timedelta

import pytest
from django.db import transaction

from outbox import services
from outbox.models import Consumption, OutboxEvent
from tests.services import celery_worker, free_port, redis_server, require_services, use_broker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_for_consumption(event: OutboxEvent, timeout: float = 20) -> Consumption:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        consumption = Consumption.objects.filter(event=event).first()
        if consumption is not None:
            return consumption
        time.sleep(0.1)
    raise AssertionError(f"event {event.pk} was not consumed within {timeout}s")


def test_a_committed_event_reaches_the_worker_and_is_handled_once(live_worker):
    with transaction.atomic():
        event = services.event_publish(topic="test.ping", payload={"hello": "春风"})
    consumption = _wait_for_consumption(event)
    assert consumption.handler == "tests.integration.handlers.record_ping"
    # A second publication (as a sweeper would do) is skipped by the handler.
    services.event_send(event_id=event.pk)
    time.sleep(1.5)
    assert Consumption.objects.filter(event=event).count() == 1


def test_a_rolled_back_event_never_reaches_the_worker(live_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.event_publish(topic="test.ping", payload={})
        raise RuntimeError("rollback")
    committed = services.event_publish(topic="test.ping", payload={"after": True})
    _wait_for_consumption(committed)
    assert OutboxEvent.objects.count() == 1
    assert Consumption.objects.count() == 1


def test_with_the_broker_down_the_write_succeeds_and_the_event_goes_out_later(worker_id, monkeypatch):
    require_services()
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    use_broker(broker)
    try:
        started = time.monotonic()
        with transaction.atomic():
            event = services.event_publish(topic="test.ping", payload={"outage": True})
        assert time.monotonic() - started < 5, "publishing must not hang while the broker is down"
        event.refresh_from_db()
        assert event.published_at is None
        assert event.attempts == 1
        with redis_server(port), celery_worker(xdist_worker=worker_id, broker_url=broker):
            # The sweeper's clock moves past the back-off, as the beat schedule would.
            later = services._now() + timedelta(minutes=1)
            monkeypatch.setattr(services, "_now", lambda: later)
            assert services.events_sweep() == 1
            _wait_for_consumption(event)
        event.refresh_from_db()
        assert event.published_at is not None
    finally:
        use_broker()
