"""Handlers the test worker process imports (via --include): evidence of consumption."""

from outbox.models import OutboxEvent
from outbox.registry import handles


@handles("test.ping")
def record_ping(event: OutboxEvent) -> None:
    """Does nothing itself: the Consumption row the outbox writes is the evidence."""
