"""Dispatch on other apps' pages: the worker home's trip card (the workers app may not import dispatch)."""

from django import template

from dispatch.selectors import worker_seat
from workers.models import Worker

register = template.Library()


@register.inclusion_tag("dispatch/_worker_trip.html")
def worker_trip(worker: Worker) -> dict[str, object]:
    """The worker's next trip: pickup place and time, seat, vehicle, and where it goes."""
    return {"seat": worker_seat(worker)}
