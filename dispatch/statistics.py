"""Transport statistics: workers carried, trips, seats and kilometres per month, origin and destination province.

A trip counts when it carried people (departed or arrived) and its travel day
lies in the period; a worker counts as transported once boarded. A region
keeps the trips to a site in it or picking up there, with all their riders,
as the trip board shows them (`dispatch.selectors.trips_visible_to`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat, Substr, TruncMonth
from django.utils.translation import gettext

from dispatch.models import Passenger, Stop, Trip
from reference.codes import scope_prefix
from reference.models import Region

CARRIED = (Trip.Status.DEPARTED, Trip.Status.ARRIVED)


@dataclass(frozen=True)
class TransportRow:
    """Figures for a group of trips; `seats` is the seats offered by their vehicles."""

    key: str
    label: str
    workers: int = 0
    trips: int = 0
    seats: int = 0
    km: int = 0

    @property
    def utilisation(self) -> float | None:
        """Workers carried per seat offered (0..1); None when no seat was offered."""
        return self.workers / self.seats if self.seats else None

    @property
    def utilisation_percent(self) -> int | None:
        """The utilisation rounded to a whole percent, for tables and CSV."""
        return None if self.utilisation is None else round(self.utilisation * 100)


@dataclass(frozen=True)
class OriginRow:
    """Workers picked up in a province and the trips calling there (a trip may call in several provinces)."""

    key: str
    label: str
    workers: int = 0
    trips: int = 0


@dataclass(frozen=True)
class MonthRow(TransportRow):
    month: date | None = None


@dataclass(frozen=True)
class TransportStatistics:
    start: date
    end: date
    region_code: str | None
    total: TransportRow
    by_month: tuple[MonthRow, ...] = ()
    by_origin: tuple[OriginRow, ...] = ()
    by_destination: tuple[TransportRow, ...] = ()


def _carried_trips(*, start: date, end: date, region_code: str | None) -> QuerySet[Trip]:
    trips = Trip.objects.filter(travel_day__gte=start, travel_day__lte=end, status__in=CARRIED)
    if region_code:
        prefix = scope_prefix(region_code)
        # pk__in rather than a join on stops: a trip with two stops in the region must count once.
        calling = Stop.objects.filter(county__code__startswith=prefix).values("trip_id")
        trips = trips.filter(Q(site__county__code__startswith=prefix) | Q(pk__in=calling))
    return trips


def _province(lookup: str) -> Concat:
    return Concat(Substr(lookup, 1, 2), Value("0000"), output_field=CharField())


def _trip_figures() -> dict[str, Any]:
    boarded = (
        Passenger.objects.filter(trip=OuterRef("pk"), boarded_at__isnull=False)
        .order_by()
        .values("trip")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "boarded": Coalesce(Subquery(boarded, output_field=IntegerField()), 0),
    }


def _sums() -> dict[str, Any]:
    return {
        "n_workers": Coalesce(Sum("boarded"), 0),
        "n_trips": Count("pk"),
        "n_seats": Coalesce(Sum("vehicle_type__seats"), 0),
        "n_km": Coalesce(Sum("km"), 0),
    }


def _transport_row(key: str, label: str, row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "workers": row["n_workers"],
        "trips": row["n_trips"],
        "seats": row["n_seats"],
        "km": row["n_km"],
    }


def _months_between(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (
            month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)
        )
    return months


def _province_names(codes: set[str]) -> dict[str, str]:
    return {code: str(region.name) for code, region in Region.objects.in_bulk(list(codes)).items()}


def transport_statistics(*, start: date, end: date, region_code: str | None) -> TransportStatistics:
    """Workers transported, trips, seats offered and km in start..end (both included), in total, per month,
    per origin province (the stop's) and per destination province (the site's); `region_code` None is national.
    """
    trips = _carried_trips(start=start, end=end, region_code=region_code).annotate(**_trip_figures()).order_by()
    total = trips.aggregate(**_sums())
    months = {
        row["month"]: row
        for row in trips.annotate(month=TruncMonth("travel_day")).values("month").annotate(**_sums()).order_by()
    }
    destinations = list(
        trips.annotate(province=_province("site__county_id")).values("province").annotate(**_sums()).order_by()
    )
    # One row per stop and rider: trips count distinct, riders only once boarded.
    origins = list(
        Stop.objects.filter(trip__in=trips.values("pk"))
        .annotate(province=_province("county_id"))
        .values("province")
        .annotate(
            n_trips=Count("trip_id", distinct=True),
            n_workers=Count("passengers", filter=Q(passengers__boarded_at__isnull=False)),
        )
        .order_by()
    )
    names = _province_names({row["province"] for row in destinations} | {row["province"] for row in origins})

    def label(code: str) -> str:
        return names.get(code, code)

    by_month: list[MonthRow] = []
    if months:
        # Months without trips between the first and the last stay in, so the chart shows the gap.
        empty = {"n_workers": 0, "n_trips": 0, "n_seats": 0, "n_km": 0}
        for month in _months_between(min(months), max(months)):
            key = f"{month:%Y-%m}"
            by_month.append(MonthRow(**_transport_row(key, key, months.get(month, empty)), month=month))
    return TransportStatistics(
        start=start,
        end=end,
        region_code=region_code,
        total=TransportRow(**_transport_row("", gettext("All"), total)),
        by_month=tuple(by_month),
        by_origin=tuple(
            OriginRow(key=row["province"], label=label(row["province"]), workers=row["n_workers"], trips=row["n_trips"])
            for row in sorted(origins, key=lambda row: row["province"])
        ),
        by_destination=tuple(
            TransportRow(**_transport_row(row["province"], label(row["province"]), row))
            for row in sorted(destinations, key=lambda row: row["province"])
        ),
    )


def transported_workers(*, start: date, end: date, region_code: str | None) -> int:
    """How many workers boarded a trip that travelled in start..end (both included), within the region if given."""
    trips = _carried_trips(start=start, end=end, region_code=region_code)
    return Passenger.objects.filter(trip__in=trips.values("pk"), boarded_at__isnull=False).count()
