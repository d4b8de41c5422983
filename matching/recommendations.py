"""Skill gaps: occupations that open jobs want and a worker (or a county's workers) cannot do yet.

Reads only. Demand is what published postings still need: open positions
(people needed minus positions filled) of postings that have not started.
Every figure comes from aggregate queries (values/annotate), so the cost
grows with the number of occupations and counties, not of postings.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import Greatest, RowNumber

from jobs.filters import code_range
from jobs.models import JobPosting
from reference.models import Occupation, Region
from training.models import Course
from workers.models import Skill, Worker

COURSES_PER_GAP = 3
# A county "lacks" an occupation when fewer than this share of its seeking workers hold it.
SCARCE_SHARE = 0.10

_OPEN = Greatest(F("headcount") - F("filled_count"), Value(0))


@dataclass(frozen=True)
class Gap:
    """An occupation the worker lacks, what the open jobs in it offer, and courses that teach it."""

    occupation: Occupation
    open_positions: int
    mean_net_pay: int
    weight: int
    courses: list[Course] = field(default_factory=list)


@dataclass(frozen=True)
class CountyGap:
    occupation: Occupation
    open_positions: int
    holders: int
    holder_share: float


@dataclass(frozen=True)
class CountyGaps:
    """A home county, its seeking workers and the occupations they lack, most-demanded first."""

    county: Region
    seekers: int
    gaps: list[CountyGap]


def open_demand(*, today: date) -> QuerySet[JobPosting]:
    """Public postings that have not started and still need people."""
    return JobPosting.objects.public(today=today).filter(start_date__gte=today).annotate(open=_OPEN).filter(open__gt=0)


def _within(code: str) -> Q:
    """Rows whose county lies in the division `code`, as a range on the code an index can serve."""
    low, high = code_range(code)
    return Q(county_id__gte=low, county_id__lte=high)


def _destination_filter(worker: Worker) -> Q | None:
    """Where the worker will work, as a filter on the posting's county; None when nowhere is known."""
    if worker.destinations == Worker.Destinations.ANYWHERE:
        return Q()
    if worker.destinations == Worker.Destinations.LOCAL:
        if not worker.hukou_county_id:
            return None
        return _within(worker.hukou_county_id[:4] + "00")
    provinces = list(worker.destination_choices.values_list("province_id", flat=True))
    if not provinces:
        return None
    where = Q()
    for province in provinces:
        where |= _within(province)
    return where


def courses_near(*, occupation_ids: list[int], home_county: str | None, today: date) -> dict[int, list[Course]]:
    """Up to three open courses per occupation: in person in the home prefecture, then the home
    province, then online; soonest first within each. In-person courses further away are left out.
    """
    if not occupation_ids:
        return {}
    online = Q(format=Course.Format.ONLINE)
    if home_county:
        prefecture = _within(home_county[:4] + "00")
        near = online | _within(home_county[:2] + "0000")
        nearness: Case | Value = Case(
            When(online, then=Value(2)),
            When(prefecture, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    else:
        near, nearness = online, Value(2, output_field=IntegerField())
    order = [F("nearness").asc(), F("starts_on").asc(), F("id").asc()]
    ranked = (
        Course.objects.open_for_enrolment(today=today)
        .filter(near, occupation_id__in=occupation_ids)
        .annotate(nearness=nearness)
        .annotate(row=Window(RowNumber(), partition_by=[F("occupation_id")], order_by=order))
        .filter(row__lte=COURSES_PER_GAP)
        .select_related("provider", "county")
        .order_by("occupation_id", *order)
    )
    by_occupation: dict[int, list[Course]] = defaultdict(list)
    for course in ranked:
        by_occupation[course.occupation_id].append(course)
    return by_occupation


def skill_gaps_for(worker: Worker, *, today: date, limit: int = 5) -> list[Gap]:
    """Occupations open jobs in the worker's destinations need and the worker lacks, with courses.

    Ranked by the sum over those postings of open positions times net monthly
    pay (how much work, and how well paid, a course would open up); ties go
    to more positions, then the occupation code. The mean net pay is weighted
    by open positions.
    """
    where = _destination_filter(worker)
    if where is None:
        return []
    rows = list(
        open_demand(today=today)
        .filter(where)
        .exclude(occupation_id__in=Skill.objects.filter(worker=worker).values("occupation_id"))
        .values("occupation_id")
        .annotate(positions=Sum("open"), weight=Sum(F("open") * F("net_monthly")))
        .order_by("-weight", "-positions", "occupation__code")[:limit]
    )
    if not rows:
        return []
    ids = [row["occupation_id"] for row in rows]
    occupations = Occupation.objects.in_bulk(ids)
    courses = courses_near(occupation_ids=ids, home_county=worker.hukou_county_id, today=today)
    return [
        Gap(
            occupation=occupations[row["occupation_id"]],
            open_positions=row["positions"],
            mean_net_pay=round(row["weight"] / row["positions"]),
            weight=row["weight"],
            courses=courses.get(row["occupation_id"], []),
        )
        for row in rows
    ]


def skill_gaps_by_county(*, region_code: str | None, today: date, limit: int = 10) -> list[CountyGaps]:
    """For each home county of seeking workers in the region, up to `limit` occupations they lack.

    A deliberate simplification, for the bureau's planning of courses:
    - demand is the open positions of an occupation nationally (public
      postings not yet started), not only in the destinations the county's
      workers chose;
    - a county lacks an occupation when fewer than SCARCE_SHARE (10 %) of its
      seeking workers list it among their skills;
    - a county's gaps are the occupations it lacks, ranked by national open
      positions, then occupation code.
    Counties come with the most seeking workers first, then by code;
    `region_code` None means every county.
    """
    seekers = Worker.objects.active().filter(status=Worker.Status.SEEKING, hukou_county__isnull=False)
    if region_code:
        low, high = code_range(region_code)
        seekers = seekers.filter(hukou_county_id__gte=low, hukou_county_id__lte=high)
    per_county = list(seekers.values("hukou_county_id").annotate(n=Count("id")).order_by("-n", "hukou_county_id"))
    if not per_county:
        return []
    demand = list(
        open_demand(today=today)
        .values("occupation_id")
        .annotate(positions=Sum("open"))
        .order_by("-positions", "occupation__code")
    )
    holders: dict[tuple[str, int], int] = {
        (row["worker__hukou_county_id"], row["occupation_id"]): row["n"]
        for row in Skill.objects.filter(worker__in=seekers)
        .values("worker__hukou_county_id", "occupation_id")
        .annotate(n=Count("worker_id", distinct=True))
    }
    occupations = Occupation.objects.in_bulk([row["occupation_id"] for row in demand])
    counties = Region.objects.in_bulk([row["hukou_county_id"] for row in per_county])
    result = []
    for row in per_county:
        code, total = row["hukou_county_id"], row["n"]
        gaps: list[CountyGap] = []
        for wanted in demand:
            held = holders.get((code, wanted["occupation_id"]), 0)
            if held < SCARCE_SHARE * total:
                gaps.append(
                    CountyGap(
                        occupation=occupations[wanted["occupation_id"]],
                        open_positions=wanted["positions"],
                        holders=held,
                        holder_share=held / total,
                    )
                )
                if len(gaps) == limit:
                    break
        result.append(CountyGaps(county=counties[code], seekers=total, gaps=gaps))
    return result
