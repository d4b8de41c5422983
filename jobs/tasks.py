"""Celery tasks for job postings: thin wrappers around one service call each."""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from jobs.services.postings import postings_expire


@shared_task(
    name="jobs.tasks.expire_postings",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_kwargs={"max_retries": 3, "countdown": 60},
)
def expire_postings() -> int:
    """Expire published postings past their expiry date; running it twice expires nothing more."""
    return postings_expire(today=timezone.localdate())
