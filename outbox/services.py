"""Write events with business data; publish after commit; sweep what was left behind.

Delivery is at least once to the broker and at most once per handler: the
consumer records (event, handler) in the handler's own transaction under a
unique constraint, so a re-published event is skipped by handlers that have
already committed its effect.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from outbox.models import Consumption, OutboxEvent
from outbox.registry import handlers_for

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
# Leave fresh events to their own on-commit publish before the sweeper steps in.
SWEEP_GRACE = timedelta(seconds=10)
MAX_BACKOFF = timedelta(minutes=10)


def _now() -> datetime:
    return timezone.now()


def event_publish(*, topic: str, payload: dict[str, Any], key: str | None = None) -> OutboxEvent:
    """Record an event in the caller's transaction and send it to Celery once that commits.

    A `key` makes the write idempotent: a second event with the same key is not
    recorded again (the first is returned).
    """
    fields: dict[str, Any] = {"topic": topic, "payload": payload}
    if key is not None:
        fields["key"] = key
    try:
        with transaction.atomic():
            event = OutboxEvent.objects.create(**fields)
    except IntegrityError:
        return OutboxEvent.objects.get(key=key)
    transaction.on_commit(lambda: event_send(event_id=event.pk))
    return event


def event_send(*, event_id: int) -> bool:
    """Hand one event to the broker; on failure leave it for the sweeper. Never raises."""
    from outbox.tasks import deliver

    try:
        deliver.apply_async(args=[event_id], retry=False)
    except Exception as exc:
        _record_failure(event_id, exc)
        return False
    OutboxEvent.objects.filter(pk=event_id, published_at__isnull=True).update(published_at=_now())
    return True


def _record_failure(event_id: int, exc: Exception) -> None:
    logger.warning("outbox: event %s not published: %s", event_id, exc)
    event = OutboxEvent.objects.filter(pk=event_id).first()
    if event is None:
        return
    attempts = event.attempts + 1
    backoff = min(timedelta(seconds=2**attempts), MAX_BACKOFF)
    OutboxEvent.objects.filter(pk=event_id).update(
        attempts=attempts, available_at=_now() + backoff, last_error=f"{type(exc).__name__}: {exc}"[:1000]
    )


def events_sweep(*, limit: int = SWEEP_BATCH) -> int:
    """Re-publish due events; concurrent sweepers skip each other's rows. Returns how many went out."""
    sent = 0
    with transaction.atomic():
        due = list(
            OutboxEvent.objects.due(now=_now(), grace=SWEEP_GRACE)
            .select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("pk", flat=True)[:limit]
        )
        for event_id in due:
            sent += event_send(event_id=event_id)
    retention = timedelta(days=getattr(settings, "OUTBOX_RETENTION_DAYS", 30))
    OutboxEvent.objects.filter(published_at__lt=_now() - retention).delete()
    return sent


def event_consume(*, event_id: int) -> list[str]:
    """Run every handler of the event that has not already consumed it. Returns the handlers run."""
    event = OutboxEvent.objects.filter(pk=event_id).first()
    if event is None:
        return []
    ran = []
    for name, handler in handlers_for(event.topic).items():
        with transaction.atomic():
            try:
                with transaction.atomic():
                    Consumption.objects.create(event=event, handler=name)
            except IntegrityError:
                continue
            handler(event)
        ran.append(name)
    return ran
