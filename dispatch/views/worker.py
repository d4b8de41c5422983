"""The worker's trip page: pickup, seat, stops, the boarding QR code, and the offer sheet re-confirmed on arrival.

The page acts for the worker behind the request (workers.views.common.subject_for):
the worker, or an agent or staff member with an active assistance grant.
"""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from config.formtools import service_saved
from dispatch import services
from dispatch.forms import TermsForm
from dispatch.models import Passenger, Trip
from dispatch.selectors import worker_seat
from matching.models import Offer
from workers.views.common import subject_for

# Wide enough for a cheap phone camera at arm's length, narrow enough for a 320px screen inside a card.
QR_PIXELS = 250
QR_MIN_SCALE = 4


def boarding_qr(request: HttpRequest, passenger: Passenger) -> tuple[SafeString, str]:
    """The boarding QR as inline SVG for the staff check-in page, and the code to type when a camera fails."""
    code = services.boarding_code(passenger)
    qr = segno.make(request.build_absolute_uri(reverse("dispatch:board", args=[code])), error="m")
    width, _height = qr.symbol_size(scale=1)
    svg = qr.svg_inline(
        scale=max(QR_MIN_SCALE, QR_PIXELS // width),
        dark="#000",
        light="#fff",
        svgclass="boarding-qr",
        title=_("Boarding code for seat %(seat)s") % {"seat": passenger.seat},
    )
    # Safe to mark: segno writes only paths drawn from the URL's bits and escapes the title; no user text goes in.
    safe_svg = mark_safe(svg)  # noqa: S308
    return safe_svg, code


def _boarding_open(passenger: Passenger) -> bool:
    return (
        passenger.arrived_at is None
        and passenger.offer.status == Offer.Status.CONFIRMED
        and passenger.trip.status in (Trip.Status.PLANNED, Trip.Status.DEPARTED)
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_trip(request: HttpRequest) -> HttpResponse:
    """The worker's current seat with its QR code; after arrival, the offer sheet question (POST answers it)."""
    subject = subject_for(request)
    form = TermsForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and service_saved(
            form,
            services.passenger_terms,
            worker=subject.worker,
            grant=subject.grant,
            as_offered=form.as_offered,
            note=form.cleaned_data["note"],
        )
    ):
        if form.as_offered:
            messages.success(request, _("Thank you. You confirmed that the job is as in your offer."))
        else:
            messages.success(request, _("Thank you. The bureau has been told what differs and will contact you."))
        return redirect("dispatch:my_trip")
    seat = worker_seat(subject.worker)
    context: dict[str, object] = {"seat": seat, "form": form, "subject": subject}
    if seat is not None:
        context["stops"] = list(seat.trip.stops.order_by("order"))
        if _boarding_open(seat):
            context["qr_svg"], context["qr_code"] = boarding_qr(request, seat)
    return render(request, "dispatch/worker/my_trip.html", context)


urlpatterns = [
    path("trips/mine/", my_trip, name="my_trip"),
]
