from celery import shared_task

from outbox import services


@shared_task(name="outbox.tasks.deliver", acks_late=True, bind=True, max_retries=5)
def deliver(self, event_id: int) -> list[str]:
    """Run the handlers of one outbox event; a failing handler retries with backoff."""
    try:
        return services.event_consume(event_id=event_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(2**self.request.retries * 5, 300)) from exc


@shared_task(name="outbox.tasks.sweep", acks_late=True)
def sweep() -> int:
    """Re-publish events whose on-commit publish did not reach the broker."""
    return services.events_sweep()
