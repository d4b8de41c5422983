"""A trip's manifest: rows with masked names, and its CSV (no phones, no ID numbers)."""

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from accounts.pii import mask_name
from config.exports import csv_download
from dispatch.models import Passenger, Trip

# The manifest -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestRow:
    """One seat of a trip as staff and the driver see it: the worker's name masked."""

    offer_id: int
    seat: int
    stop_order: int
    place: str
    pickup_at: datetime
    name: str
    boarded_at: datetime | None
    arrived_at: datetime | None
    terms_differ: bool
    terms_note: str


def manifest_rows(trip: Trip) -> list[ManifestRow]:
    """The trip's seats in seat order, each worker by a masked name only."""
    passengers = Passenger.objects.filter(trip=trip).select_related("stop", "offer__worker").order_by("seat")
    return [
        ManifestRow(
            offer_id=passenger.offer_id,
            seat=passenger.seat,
            stop_order=passenger.stop.order,
            place=passenger.stop.place,
            pickup_at=passenger.stop.pickup_at,
            name=mask_name(passenger.offer.worker.real_name),
            boarded_at=passenger.boarded_at,
            arrived_at=passenger.arrived_at,
            terms_differ=passenger.terms_differ,
            terms_note=passenger.terms_note,
        )
        for passenger in passengers
    ]


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def manifest_csv(trip: Trip, rows: list[ManifestRow]) -> HttpResponse:
    return csv_download(
        f"manifest-trip-{trip.pk}-{trip.travel_day:%Y%m%d}.csv",
        [
            gettext("trip"),
            gettext("site"),
            gettext("travel day"),
            pgettext("in a vehicle", "seat"),
            gettext("pickup place"),
            gettext("pickup time"),
            gettext("worker"),
            gettext("boarded at"),
            gettext("arrived at"),
        ],
        (
            (
                trip.pk,
                trip.site.name,
                f"{trip.travel_day:%Y-%m-%d}",
                row.seat,
                row.place,
                _local(row.pickup_at),
                row.name,
                _local(row.boarded_at),
                _local(row.arrived_at),
            )
            for row in rows
        ),
    )
