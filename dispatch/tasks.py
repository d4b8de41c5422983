"""Celery tasks for dispatch: ids in, one service call, safe to run twice."""

from datetime import date

from celery import shared_task
from django.db import DatabaseError

from dispatch import services

# A planning task holds a group's lock briefly; a database hiccup is retried, a second run changes nothing.
PLANNING = {
    "acks_late": True,
    "soft_time_limit": 120,
    "time_limit": 180,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_kwargs": {"max_retries": 5},
}


@shared_task(name="dispatch.tasks.plan_for_offer", **PLANNING)
def plan_for_offer(offer_id: int) -> int | None:
    """Re-plan the trips of the offer's site and travel day (it was confirmed or ended); returns the trips changed."""
    group = services.offer_group(offer_id)
    if group is None:
        return None
    site_id, travel_day = group
    return services.group_plan(site_id=site_id, travel_day=travel_day).changed


@shared_task(name="dispatch.tasks.plan_group", **PLANNING)
def plan_group(site_id: int, travel_day: str) -> int:
    """Re-plan the trips of one site and travel day (staff asked for a window); returns the trips changed."""
    return services.group_plan(site_id=site_id, travel_day=date.fromisoformat(travel_day)).changed


@shared_task(name="dispatch.tasks.remind_travellers", acks_late=True, soft_time_limit=300, time_limit=360)
def remind_travellers() -> int:
    """Text tomorrow's riders their pickup once each (a reminded seat is not texted again)."""
    return services.travellers_remind()
