"""Celery tasks for matching: ids in, one service call, safe to run twice.

Runs go to the "matching" queue and text messages to "notifications"
(config.settings.CELERY_TASK_ROUTES), so a long run never delays a message.
"""

from celery import shared_task
from django.db import DatabaseError

from matching.services import notifications, offers

_RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": 5, "retry_kwargs": {"max_retries": 5}}


@shared_task(name="matching.tasks.match_worker", acks_late=True, soft_time_limit=60, time_limit=90, **_RETRY)
def match_worker(worker_id: int) -> int | None:
    """Offer a worker (and their cohort) the best posting with free seats; nothing if they already hold an offer."""
    from matching.services import runs  # numpy and the engine load only where runs happen

    run = runs.run_for_worker(worker_id=worker_id)
    return run.offers_made if run else None


@shared_task(name="matching.tasks.match_posting", acks_late=True, soft_time_limit=120, time_limit=180, **_RETRY)
def match_posting(posting_id: int) -> int | None:
    """Offer a posting's free seats to workers still without an offer."""
    from matching.services import runs  # numpy and the engine load only where runs happen

    run = runs.run_for_posting(posting_id=posting_id)
    return run.offers_made if run else None


@shared_task(name="matching.tasks.match_graduate", acks_late=True, soft_time_limit=60, time_limit=90, **_RETRY)
def match_graduate(worker_id: int, course_id: int) -> int:
    """A graduate's new skill: a position kept for the course first, else any job that now fits."""
    from matching.services import runs

    made = sum(run.offers_made for run in runs.run_for_graduate(worker_id=worker_id, course_id=course_id))
    if not made:
        run = runs.run_for_worker(worker_id=worker_id)
        made = run.offers_made if run else 0
    return made


@shared_task(name="matching.tasks.full_run", acks_late=True, soft_time_limit=3000, time_limit=3300, **_RETRY)
def full_run(trigger: str = "scheduled", user_id: int | None = None) -> int:
    """Re-optimise every offer not yet accepted; skipped while another full run holds the lock."""
    from matching.services import runs  # numpy and the engine load only where runs happen

    run = runs.run_full(trigger=trigger, started_by_id=user_id)
    return run.pk


@shared_task(name="matching.tasks.expire_offers", acks_late=True, **_RETRY)
def expire_offers() -> int:
    """End offers not answered in time; their seats go back to matching."""
    return offers.offers_expire()


@shared_task(name="matching.tasks.remind_offers", acks_late=True, **_RETRY)
def remind_offers() -> int:
    """Text workers whose offers run out soon (once per offer)."""
    return offers.offers_remind()


@shared_task(name="matching.tasks.notify_offers", acks_late=True, **_RETRY)
def notify_offers(offer_ids: list[int], kind: str) -> int:
    """Text the workers of these offers: new, expiring, withdrawn or confirmed."""
    return notifications.offers_notify(offer_ids=offer_ids, kind=kind)
