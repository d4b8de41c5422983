"""From the database to the arrays candidate generation and the engine work on.

Each loader reads a queryset's rows with `values_list` (no model instances) in
a handful of queries whatever the number of rows, and keeps the database ids
so results can be written back.
"""

from collections.abc import Iterable
from datetime import date

import numpy as np
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from jobs.models import Employer, JobPosting
from matching.candidates import PostingArrays, WorkerArrays
from matching.models import Reservation
from reference.selectors import legal_minimum_wages
from workers.models import Certificate, CohortMember, DestinationChoice, Skill, Worker

_EPOCH = date(1970, 1, 1).toordinal()
_NO_DAY_BEFORE = np.iinfo(np.int32).min
_NO_DAY_AFTER = np.iinfo(np.int32).max
_MODES: dict[str, int] = {
    Worker.Destinations.ANYWHERE: 0,
    Worker.Destinations.PROVINCES: 1,
    Worker.Destinations.LOCAL: 2,
}
_TRANSPORT: dict[str, int] = {
    JobPosting.Transport.NONE: 0,
    JobPosting.Transport.SUBSIDY: 1,
    JobPosting.Transport.POINT_TO_POINT: 2,
}
_LOCAL_KINDS = (JobPosting.Kind.WORK_FOR_RELIEF, JobPosting.Kind.PUBLIC_WELFARE)
ADULT_AGE = 16


def day_number(day: date | None, *, missing: int) -> int:
    """Days since 1970-01-01, or `missing` for an open bound."""
    return missing if day is None else day.toordinal() - _EPOCH


def _adult_from(birth: date | None) -> int:
    if birth is None:
        # Without a verified birth date nobody is matched (the age rule fails).
        return _NO_DAY_AFTER
    try:
        sixteenth = birth.replace(year=birth.year + ADULT_AGE)
    except ValueError:  # born on 29 February
        sixteenth = date(birth.year + ADULT_AGE, 3, 1)
    return day_number(sixteenth, missing=_NO_DAY_AFTER)


def _csr(owner_index: dict[int, int], rows: Iterable[tuple], width: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Group (owner_id, value, ...) rows by owner into CSR pointer + value columns."""
    grouped: list[tuple] = sorted((owner_index[row[0]], *row[1:]) for row in rows if row[0] in owner_index)
    n = len(owner_index)
    owners = np.fromiter((row[0] for row in grouped), dtype=np.int64, count=len(grouped))
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owners, minlength=n), out=ptr[1:])
    columns = [np.array([row[i] for row in grouped], dtype=np.int64) for i in range(1, width)]
    return ptr, columns


def matchable_workers() -> QuerySet[Worker]:
    """Workers the matcher may consider: signed up, not erased, looking for work or holding an unanswered offer."""
    return Worker.objects.active().filter(
        signup_step__gte=Worker.SignupStep.DONE,
        status__in=[Worker.Status.SEEKING, Worker.Status.OFFERED],
        birth_date__isnull=False,
        hukou_county__isnull=False,
    )


def open_postings(*, today: date) -> QuerySet[JobPosting]:
    """Postings the matcher may fill: public, not yet started, employer not blocked."""
    return (
        JobPosting.objects.public(today=today)
        .filter(start_date__gte=today)
        .exclude(employer__standing=Employer.Standing.BLOCKED)
    )


def load_workers(queryset: QuerySet[Worker]) -> tuple[WorkerArrays, np.ndarray]:
    """Arrays for the workers of `queryset`, in id order, and the database id of each dense cohort number."""
    rows = list(
        queryset.order_by("pk").values_list(
            "pk",
            "hukou_county_id",
            "hukou_county__lat",
            "hukou_county__lng",
            "destinations",
            "min_monthly_wage",
            "available_from",
            "available_to",
            "birth_date",
            "poor_labourer",
            "created_at",
        )
    )
    n = len(rows)
    subquery = queryset.values("pk")
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=n)
    index = {int(worker_id): i for i, worker_id in enumerate(ids)}
    county = np.fromiter((int(row[1]) for row in rows), dtype=np.int32, count=n)
    # Earlier registration ranks first; ties by id keep the order total.
    order = sorted(range(n), key=lambda i: (rows[i][10], rows[i][0]))
    registered_rank = np.empty(n, dtype=np.int32)
    registered_rank[order] = np.arange(n, dtype=np.int32)

    destination_provinces = np.full((n, 5), -1, dtype=np.int16)
    choices = _destination_rows(subquery)
    for worker_id, province, rank in choices:
        destination_provinces[index[worker_id], rank - 1] = int(province[:2])

    cohort = np.full(n, -1, dtype=np.int32)
    memberships = _membership_rows(subquery)
    for worker_id, cohort_id in memberships:
        cohort[index[worker_id]] = cohort_id
    # A cohort is the members being matched together now: those in this load,
    # numbered 0.. for the engine; `cohort_ids` maps the numbers back.
    grouped = cohort >= 0
    cohort_ids, dense = np.unique(cohort[grouped], return_inverse=True)
    cohort[grouped] = dense
    cohort_size = np.ones(n, dtype=np.int16)
    cohort_size[grouped] = np.bincount(dense, minlength=len(cohort_ids))[dense]

    skill_ptr, (skill_occupation, skill_years) = _csr(index, _skill_rows(subquery), 3)
    cert_ptr, (cert_occupation, cert_level) = _csr(index, _certificate_rows(subquery), 3)
    trainee_ptr = np.zeros(n + 1, dtype=np.int64)

    arrays = WorkerArrays(
        ids=ids,
        home_county=county,
        home_prefecture=county // 100,
        home_province=(county // 10000).astype(np.int16),
        home_lat=np.array([np.nan if row[2] is None else row[2] for row in rows], dtype=np.float32),
        home_lng=np.array([np.nan if row[3] is None else row[3] for row in rows], dtype=np.float32),
        destinations_mode=np.array([_MODES.get(row[4], 0) for row in rows], dtype=np.int8),
        destination_provinces=destination_provinces,
        min_wage=np.array([row[5] or 0 for row in rows], dtype=np.int32),
        available_from=np.array([day_number(row[6], missing=_NO_DAY_BEFORE) for row in rows], dtype=np.int32),
        available_to=np.array([day_number(row[7], missing=_NO_DAY_AFTER) for row in rows], dtype=np.int32),
        adult_from=np.array([_adult_from(row[8]) for row in rows], dtype=np.int32),
        priority=np.array([row[9] == Worker.PoorLabourer.VERIFIED for row in rows], dtype=bool),
        registered_rank=registered_rank,
        cohort=cohort,
        cohort_size=cohort_size,
        skill_ptr=skill_ptr,
        skill_occupation=skill_occupation.astype(np.int32),
        skill_years=skill_years.astype(np.int16),
        cert_ptr=cert_ptr,
        cert_occupation=cert_occupation.astype(np.int32),
        cert_level=cert_level.astype(np.int8),
        trainee_ptr=trainee_ptr,
        trainee_occupation=np.zeros(0, dtype=np.int32),
    )
    return arrays, cohort_ids


def load_postings(queryset: QuerySet[JobPosting], *, today: date, held: str) -> PostingArrays:
    """Arrays for the postings of `queryset`, in id order.

    `held` names the offers whose seats are taken: "seated" for an incremental
    run (every live offer keeps its seat), "committed" for a full run (offers
    still waiting for an answer are re-optimised, so their seats count as free).
    """
    statuses = {
        "seated": ["proposed", "accepted", "confirmed", "placed"],
        "committed": ["accepted", "confirmed", "placed"],
    }[held]
    reserved = Reservation.objects.filter(posting=OuterRef("pk")).values("posting").annotate(total=Sum("seats"))
    rows = list(
        queryset.order_by("pk")
        .annotate(
            taken=Count("offers", filter=Q(offers__status__in=statuses)),
            # Positions kept for a course's graduates and not yet offered to one stay out of general matching.
            kept=Coalesce(Subquery(reserved.values("total")), 0)
            - Count("offers", filter=Q(offers__status__in=statuses, offers__reservation__isnull=False)),
        )
        .values_list(
            "pk",
            "occupation_id",
            "county_id",
            "county__lat",
            "county__lng",
            "net_monthly",
            "expected_monthly",
            "start_date",
            "contract_months",
            "headcount",
            "taken",
            "housing_provided",
            "transport",
            "transport_subsidy",
            "employer__standing",
            "trainees_accepted",
            "years_required",
            "kind",
            "kept",
        )
    )
    n = len(rows)
    county = np.fromiter((int(row[2]) for row in rows), dtype=np.int32, count=n)
    minimums = legal_minimum_wages(county_codes={row[2] for row in rows}, on=today)
    return PostingArrays(
        ids=np.fromiter((row[0] for row in rows), dtype=np.int64, count=n),
        occupation=np.fromiter((row[1] for row in rows), dtype=np.int32, count=n),
        county=county,
        prefecture=county // 100,
        province=(county // 10000).astype(np.int16),
        lat=np.array([np.nan if row[3] is None else row[3] for row in rows], dtype=np.float32),
        lng=np.array([np.nan if row[4] is None else row[4] for row in rows], dtype=np.float32),
        net_monthly=np.array([row[5] for row in rows], dtype=np.int32),
        expected_monthly=np.array([row[6] for row in rows], dtype=np.int32),
        legal_minimum=np.array([minimums.get(row[2]) or 0 for row in rows], dtype=np.int32),
        start_day=np.array([day_number(row[7], missing=0) for row in rows], dtype=np.int32),
        contract_months=np.array([row[8] for row in rows], dtype=np.int16),
        seats=np.array([max(row[9] - row[10] - max(row[18], 0), 0) for row in rows], dtype=np.int32),
        housing=np.array([row[11] for row in rows], dtype=bool),
        transport=np.array([_TRANSPORT.get(row[12], 0) for row in rows], dtype=np.int8),
        transport_subsidy=np.array([row[13] for row in rows], dtype=np.int32),
        standing=np.array([row[14] == Employer.Standing.WATCH for row in rows], dtype=np.int8),
        trainees_accepted=np.array([row[15] for row in rows], dtype=bool),
        years_required=np.array([row[16] for row in rows], dtype=np.int16),
        local_only=np.array([row[17] in _LOCAL_KINDS for row in rows], dtype=bool),
    )


def _destination_rows(workers: QuerySet) -> list[tuple]:
    return list(DestinationChoice.objects.filter(worker__in=workers).values_list("worker_id", "province_id", "rank"))


def _membership_rows(workers: QuerySet) -> list[tuple]:
    confirmed = CohortMember.objects.filter(status=CohortMember.Status.CONFIRMED, worker__in=workers)
    return list(confirmed.values_list("worker_id", "cohort_id"))


def _skill_rows(workers: QuerySet) -> list[tuple]:
    return list(Skill.objects.filter(worker__in=workers).values_list("worker_id", "occupation_id", "years"))


def _certificate_rows(workers: QuerySet) -> list[tuple]:
    certificates = Certificate.objects.filter(occupation__isnull=False, worker__in=workers)
    return list(certificates.values_list("worker_id", "occupation_id", "level"))
