"""The figures about workers, counted by the worker's home county: registered, out at work, transported, trained,
poor labourers, local employment and wages recovered."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext

from console.statistics.base import Change, Row, home_in, months_before, province_names, province_of, until, within
from dispatch.models import Passenger, Stop, Trip
from dispatch.statistics import CARRIED
from jobs.models import JobPosting
from matching.models import Offer
from reference.codes import scope_prefix
from rights.statistics import wages_recovered
from training.models import Course, Enrollment
from workers.models import Worker

LOCAL_KINDS = (
    JobPosting.Kind.WORK_FOR_RELIEF,
    JobPosting.Kind.PUBLIC_WELFARE,
    JobPosting.Kind.ECOMMERCE,
    JobPosting.Kind.ENTREPRENEURSHIP,
)


# 1. Registered migrant workers -----------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    end: date
    previous_end: date
    change: Change


def _registered_on(day: date) -> Q:
    moment = until(day)
    return Q(created_at__lt=moment) & (Q(deleted_at__isnull=True) | Q(deleted_at__gte=moment))


def registered_workers(*, start: date, end: date, region_code: str | None) -> Registered:
    """Workers signed up (sign-up finished) and not erased at the end of the period, and the same at the end minus
    three months. `start` only keeps the signature of the other figures."""
    previous_end = months_before(end, 3)
    row = Worker.objects.filter(home_in(region_code), signup_step=Worker.SignupStep.DONE).aggregate(
        current=Count("pk", filter=_registered_on(end)),
        previous=Count("pk", filter=_registered_on(previous_end)),
    )
    return Registered(end=end, previous_end=previous_end, change=Change(row["current"], row["previous"]))


# 2. Out at work now ----------------------------------------------------------------------


@dataclass(frozen=True)
class OutAtWork:
    total: int
    poor_labourers: int
    by_province: tuple[Row, ...]


def current_placements() -> QuerySet[Offer]:
    """Each employed worker's latest placement: the offer they arrived on and have not left for another."""
    later = Offer.objects.filter(
        worker_id=OuterRef("worker_id"), status=Offer.Status.PLACED, closed_at__gt=OuterRef("closed_at")
    )
    return Offer.objects.filter(status=Offer.Status.PLACED, worker__status=Worker.Status.EMPLOYED).exclude(
        Exists(later)
    )


def out_at_work(*, start: date, end: date, region_code: str | None) -> OutAtWork:
    """Workers out at work today (employed, on their latest placement), by the site's province; the period does
    not change it. Also how many of them are verified poor labourers."""
    rows = list(
        current_placements()
        .filter(home_in(region_code, "worker__"))
        .annotate(province=province_of("posting__county_id"))
        .values("province")
        .annotate(
            n=Count("pk"),
            poor=Count("pk", filter=Q(worker__poor_labourer=Worker.PoorLabourer.VERIFIED)),
        )
        .order_by("province")
    )
    names = province_names({row["province"] for row in rows})
    return OutAtWork(
        total=sum(row["n"] for row in rows),
        poor_labourers=sum(row["poor"] for row in rows),
        by_province=tuple(
            Row(str(row["province"]), names.get(row["province"], str(row["province"])), row["n"]) for row in rows
        ),
    )


# 3. Transported point-to-point -----------------------------------------------------------


@dataclass(frozen=True)
class MonthTransport:
    key: str
    label: str
    workers: int
    trips: int


@dataclass(frozen=True)
class Transported:
    workers: int
    trips: int
    by_month: tuple[MonthTransport, ...]


def transported(*, start: date, end: date, region_code: str | None) -> Transported:
    """Workers who boarded and trips that set off in the period, per month (as dispatch.statistics
    .transport_statistics counts them): trips to a site in the region or picking up there. Only the total and the
    months are counted here, in two grouped queries, not the per-trip subquery and the province breakdowns."""
    trips = Trip.objects.filter(travel_day__gte=start, travel_day__lte=end, status__in=CARRIED)
    if region_code:
        prefix = scope_prefix(region_code)
        calling = Stop.objects.filter(county__code__startswith=prefix).values("trip_id")
        trips = trips.filter(Q(site__county__code__startswith=prefix) | Q(pk__in=calling))
    trip_months = dict(
        trips.annotate(month=TruncMonth("travel_day")).values("month").annotate(n=Count("pk")).values_list("month", "n")
    )
    rider_months = dict(
        Passenger.objects.filter(trip__in=trips.values("pk"), boarded_at__isnull=False)
        .annotate(month=TruncMonth("trip__travel_day"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    by_month = []
    if trip_months:
        # Months without trips between the first and the last stay in, so the chart shows the gap.
        month, last = min(trip_months).replace(day=1), max(trip_months)
        while month <= last:
            key = f"{month:%Y-%m}"
            by_month.append(MonthTransport(key, key, rider_months.get(month, 0), trip_months.get(month, 0)))
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return Transported(
        workers=sum(row.workers for row in by_month), trips=sum(row.trips for row in by_month), by_month=tuple(by_month)
    )


# 4. Trained ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainedRow:
    key: str
    label: str
    enrolled: int
    completed: int
    certified: int


@dataclass(frozen=True)
class Trained:
    total: TrainedRow
    by_type: tuple[TrainedRow, ...]


def trained(*, start: date, end: date, region_code: str | None) -> Trained:
    """Enrolled, completed and certified per course type (as training.selectors.training_statistics counts them),
    by the worker's home county; one grouped query, without that page's per-county breakdown."""
    made = within("created_at", start, end) & Q(enrolled_at__isnull=False)
    passed = within("finished_at", start, end) & Q(status=Enrollment.Status.COMPLETED)
    counts: dict[str, Any] = {
        row["course__type"]: row
        for row in Enrollment.objects.filter(made | passed, home_in(region_code, "worker__"))
        .values("course__type")
        .annotate(
            enrolled=Count("pk", filter=made),
            completed=Count("pk", filter=passed),
            certified=Count("pk", filter=passed & Q(certificate__isnull=False)),
        )
        .order_by()
    }
    by_type = tuple(
        TrainedRow(
            value,
            str(label),
            counts.get(value, {}).get("enrolled", 0),
            counts.get(value, {}).get("completed", 0),
            counts.get(value, {}).get("certified", 0),
        )
        for value, label in Course.Type.choices
    )
    total = TrainedRow(
        "",
        gettext("All"),
        sum(row.enrolled for row in by_type),
        sum(row.completed for row in by_type),
        sum(row.certified for row in by_type),
    )
    return Trained(total=total, by_type=by_type)


# 5. Registered poor labourers out at work ------------------------------------------------


@dataclass(frozen=True)
class PoorLabourers:
    previous_start: date
    previous_end: date
    change: Change


def poor_labourers_out(*, start: date, end: date, region_code: str | None) -> PoorLabourers:
    """Verified poor labourers who arrived at work (a placement) in the period, against the same period a year
    earlier; each worker once however many placements."""
    previous_start, previous_end = months_before(start, 12), months_before(end, 12)
    now, before = within("closed_at", start, end), within("closed_at", previous_start, previous_end)
    row = Offer.objects.filter(
        now | before,
        home_in(region_code, "worker__"),
        status=Offer.Status.PLACED,
        worker__poor_labourer=Worker.PoorLabourer.VERIFIED,
    ).aggregate(
        current=Count("worker_id", distinct=True, filter=now),
        previous=Count("worker_id", distinct=True, filter=before),
    )
    return PoorLabourers(
        previous_start=previous_start, previous_end=previous_end, change=Change(row["current"], row["previous"])
    )


# 6. Local employment ---------------------------------------------------------------------


@dataclass(frozen=True)
class LocalEmployment:
    total: int
    by_kind: tuple[Row, ...]


def local_employment(*, start: date, end: date, region_code: str | None) -> LocalEmployment:
    """Workers who arrived in the period at a work-for-relief, public-welfare, e-commerce or entrepreneurship
    posting, per kind, by the worker's home county."""
    counts = dict(
        Offer.objects.filter(
            within("closed_at", start, end),
            home_in(region_code, "worker__"),
            status=Offer.Status.PLACED,
            posting__kind__in=LOCAL_KINDS,
        )
        .values("posting__kind")
        .annotate(n=Count("pk"))
        .values_list("posting__kind", "n")
        .order_by()
    )
    rows = tuple(Row(str(kind), str(kind.label or kind), counts.get(kind, 0)) for kind in LOCAL_KINDS)
    return LocalEmployment(total=sum(row.count for row in rows), by_kind=rows)


# 9. Wages recovered ----------------------------------------------------------------------


@dataclass(frozen=True)
class Wages:
    amount: Decimal
    workers: int


def wages(*, start: date, end: date, region_code: str | None) -> Wages:
    """Unpaid wages recovered in the period and the workers helped (rights.statistics.wages_recovered)."""
    amount, workers = wages_recovered(start=start, end=end, region_code=region_code)
    return Wages(amount=amount, workers=workers)
