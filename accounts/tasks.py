"""Celery tasks for accounts: thin wrappers around one service call each."""

from celery import shared_task
from django.db import DatabaseError

from accounts import services


@shared_task(
    name="accounts.tasks.purge_expired_codes",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_kwargs={"max_retries": 3, "countdown": 60},
)
def purge_expired_codes() -> int:
    """Delete one-time codes older than a day; running it twice deletes nothing more."""
    return services.otp_purge()
