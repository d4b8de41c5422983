"""Celery tasks for rights: the monthly wage check-in texts, and standings refreshed as retention ages."""

from celery import shared_task

from jobs.models import Employer
from rights.services import employer_standing_refresh
from rights.services.checkins import checkins_prompt


@shared_task(name="rights.tasks.prompt_checkins", acks_late=True, soft_time_limit=1800, time_limit=1900)
def prompt_checkins() -> int:
    """Text each placed worker once a month about last month's pay (a texted month is not texted again)."""
    return checkins_prompt()


@shared_task(name="rights.tasks.refresh_standings", acks_late=True, soft_time_limit=1800, time_limit=1900)
def refresh_standings() -> int:
    """Re-compute the standing of every employer with placements or cases (retention changes with time alone)."""
    ids = Employer.objects.filter(verification=Employer.Verification.VERIFIED).values_list("pk", flat=True)
    for employer_id in ids.iterator():
        employer_standing_refresh(employer_id=employer_id)
    return len(ids)
