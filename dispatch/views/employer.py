"""Employer pages for dispatch: the trips coming to the company's sites and the arrivals expected each day."""

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dispatch.models import Trip
from jobs.views.common import membership_for


@login_required
@never_cache
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    """Planned and travelling trips to the employer's sites from today on, grouped by arrival day."""
    member = membership_for(request)
    trips = (
        Trip.objects.filter(
            site__employer_id=member.employer_id,
            status__in=[Trip.Status.PLANNED, Trip.Status.DEPARTED],
            arrival_at__date__gte=timezone.localdate(),
        )
        .select_related("site", "vehicle_type")
        .annotate(riders=Count("passengers"))
        .order_by("arrival_at", "pk")
    )
    days: dict = defaultdict(list)
    for trip in trips:
        days[timezone.localtime(trip.arrival_at).date()].append(trip)
    arrivals = [{"day": day, "trips": rows, "workers": sum(t.riders for t in rows)} for day, rows in days.items()]
    return render(request, "dispatch/employer/incoming.html", {"employer": member.employer, "arrivals": arrivals})


urlpatterns = [
    path("employer/trips/", incoming, name="incoming"),
]
