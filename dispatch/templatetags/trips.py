"""Dispatch on other apps' pages: the worker home's trip card (the workers app may not import dispatch)."""

from django import template

from dispatch.models import Passenger, Trip
from workers.models import Worker

register = template.Library()


@register.inclusion_tag("dispatch/_worker_trip.html")
def worker_trip(worker: Worker) -> dict[str, object]:
    """The worker's next trip: pickup place and time, seat, vehicle, and where it goes."""
    seat = (
        Passenger.objects.filter(offer__worker=worker, offer__status="confirmed")
        .exclude(trip__status=Trip.Status.CANCELLED)
        .select_related("trip__site", "trip__vehicle_type", "stop")
        .order_by("trip__travel_day")
        .first()
    )
    return {"seat": seat}
