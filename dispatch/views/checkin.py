"""Boarding check-in by staff: the page a worker's QR code opens, and one trip's boarding list on a phone.

Only bureau staff use these pages (anyone else gets a 403); a seat or trip
outside the staff member's region is a 404. Boarding goes through
`services.passenger_board`, which checks the region again and refuses trips
that are not boarding.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.models import User
from dispatch import services
from dispatch.forms import BoardForm, BoardingCodeForm
from dispatch.models import Passenger, Trip
from dispatch.selectors import trips_visible_to

BOARDING = (Trip.Status.PLANNED, Trip.Status.DEPARTED)


def _staff(request: HttpRequest) -> User:
    """The bureau staff member behind the request; PermissionDenied for anyone else."""
    user = request.user
    if not isinstance(user, User) or not user.is_bureau_staff:
        raise PermissionDenied
    return user


def _seat(staff: User, passenger: Passenger | None) -> Passenger:
    """The seat with what the page shows, if its trip is in the staff member's region; else a 404."""
    if passenger is None:
        raise Http404
    return get_object_or_404(
        Passenger.objects.select_related("trip__site", "trip__vehicle_type", "stop", "offer__worker").filter(
            trip__in=trips_visible_to(staff)
        ),
        pk=passenger.pk,
    )


def _board(request: HttpRequest, staff: User, offer_id: int) -> str | None:
    """Mark the seat on board and say so; returns the refusal instead when the service refuses."""
    started = timezone.now()
    try:
        passenger = services.passenger_board(staff=staff, offer_id=offer_id)
    except services.DispatchError as error:
        return str(error.messages[0])
    boarded_at = passenger.boarded_at or started  # the service sets it or refuses
    context = {"seat": passenger.seat, "time": time_format(timezone.localtime(boarded_at), "TIME_FORMAT")}
    if boarded_at < started:
        messages.info(request, _("Seat %(seat)s was already on board, since %(time)s.") % context)
    else:
        messages.success(request, _("Seat %(seat)s is on board, at %(time)s.") % context)
    return None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def board(request: HttpRequest, code: str) -> HttpResponse:
    """The seat a boarding code stands for: who, where, whether on board; POST marks it on board."""
    staff = _staff(request)
    passenger = _seat(staff, services.passenger_for_code(code))
    if request.method == "POST":
        refusal = _board(request, staff, passenger.offer_id)
        if refusal:
            messages.error(request, refusal)
        return redirect("dispatch:board", code=code)
    context = {
        "passenger": passenger,
        "trip": passenger.trip,
        "code": code,
        "boarding": passenger.trip.status in BOARDING,
    }
    return render(request, "dispatch/checkin/board.html", context)


def _board_typed(request: HttpRequest, staff: User, trip: Trip, form: BoardingCodeForm) -> bool:
    """Board the seat of a typed code on this trip; on a refusal the form carries the message."""
    passenger = services.passenger_for_code(form.cleaned_data["code"])
    if passenger is None or not trips_visible_to(staff).filter(pk=passenger.trip_id).exists():
        form.add_error("code", _("No seat in your region has this code. Check the code and type it again."))
        return False
    if passenger.trip_id != trip.pk:
        # Boarding a worker onto the wrong vehicle is worse than a second look at their seat.
        form.add_error(
            "code",
            _("This code is for seat %(seat)s on another trip (to %(site)s on %(day)s).")
            % {"seat": passenger.seat, "site": passenger.trip.site.name, "day": passenger.trip.travel_day.isoformat()},
        )
        return False
    refusal = _board(request, staff, passenger.offer_id)
    if refusal:
        form.add_error("code", refusal)
        return False
    return True


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def boarding(request: HttpRequest, trip_id: int) -> HttpResponse:
    """One trip's seats in pickup order, boarded or not; POST boards a row or a typed code."""
    staff = _staff(request)
    trip = get_object_or_404(trips_visible_to(staff).select_related("site", "vehicle_type"), pk=trip_id)
    code_form = BoardingCodeForm()
    if request.method == "POST" and "code" in request.POST:
        code_form = BoardingCodeForm(request.POST)
        if code_form.is_valid() and _board_typed(request, staff, trip, code_form):
            return redirect("dispatch:boarding", trip_id=trip.pk)
    elif request.method == "POST":
        row = BoardForm(request.POST)
        if not row.is_valid() or not trip.passengers.filter(offer_id=row.cleaned_data["offer"]).exists():
            raise Http404
        refusal = _board(request, staff, row.cleaned_data["offer"])
        if refusal:
            messages.error(request, refusal)
        return redirect("dispatch:boarding", trip_id=trip.pk)
    passengers = list(trip.passengers.select_related("stop", "offer__worker").order_by("stop__order", "seat"))
    context = {
        "trip": trip,
        "passengers": passengers,
        "on_board": sum(1 for passenger in passengers if passenger.boarded_at),
        "boarding": trip.status in BOARDING,
        "code_form": code_form,
    }
    return render(request, "dispatch/checkin/boarding.html", context)


urlpatterns = [
    path("trips/board/<str:code>/", board, name="board"),
    path("trips/<int:trip_id>/boarding/", boarding, name="boarding"),
]
