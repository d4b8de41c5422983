"""Outbox handlers: changes in lower apps become matching work.

Each handler enqueues its task inside the consuming transaction, not after
it: if the broker refuses, the handler fails, its consumption is not
recorded, and the outbox delivers the event again. A task that runs although
the consumption then failed to commit is harmless: runs are idempotent.
"""

from jobs.models import JobPosting
from matching.models import Offer
from matching.tasks import match_graduate, match_posting, match_worker
from outbox.models import OutboxEvent
from outbox.registry import handles


@handles("worker.changed")
def rematch_worker(event: OutboxEvent) -> None:
    worker_id = event.payload["worker_id"]
    if event.payload.get("reason") == "erased":
        from matching.services.offers import offers_withdraw

        live = list(Offer.objects.live().filter(worker_id=worker_id))
        offers_withdraw(offers=live, reason=Offer.WithdrawReason.WORKER_CHANGED)
        return
    match_worker.delay(worker_id)


@handles("posting.published")
@handles("posting.terms_changed")
def rematch_posting(event: OutboxEvent) -> None:
    match_posting.delay(event.payload["posting_id"])


@handles("employer.changed")
def rematch_employer(event: OutboxEvent) -> None:
    for posting_id in (
        JobPosting.objects.public().filter(employer_id=event.payload["employer_id"]).values_list("pk", flat=True)
    ):
        match_posting.delay(posting_id)


@handles("certificate.issued")
def offer_reserved_position(event: OutboxEvent) -> None:
    match_graduate.delay(event.payload["worker_id"], event.payload["course_id"])
