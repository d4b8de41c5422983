"""Outbox handlers: a confirmed offer becomes a seat on a planned trip, and an ended one gives it back."""

from dispatch.tasks import plan_for_offer
from outbox.models import OutboxEvent
from outbox.registry import handles


@handles("offer.confirmed")
@handles("offer.ended")
def plan_trip(event: OutboxEvent) -> None:
    # Enqueued inside the consuming transaction: a broker refusal fails the handler and the outbox retries.
    plan_for_offer.delay(event.payload["offer_id"])
