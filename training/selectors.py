"""Training reads: a provider's courses with places taken, a course's roll, and the bureau's statistics."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from reference.codes import scope_prefix
from reference.models import Region
from training.models import Attendance, Course, Enrollment, Provider


def courses_for_provider(*, provider: Provider) -> QuerySet[Course]:
    """The provider's courses, newest start first, with places taken and the waiting list's length."""
    return (
        Course.objects.of_provider(provider.pk)
        .annotate(
            taken=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ENROLLED)),
            waiting=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.WAITLISTED)),
        )
        .order_by("-starts_on", "-id")
    )


def course_roll(*, course: Course) -> dict[str, Any]:
    """Who is on the course: holders of places, the waiting list in order, results, and attendance per session."""
    enrollments = list(
        course.enrollments.exclude(status=Enrollment.Status.WITHDRAWN)
        .select_related("worker__hukou_county", "certificate")
        .order_by("created_at", "id")
    )
    enrolled = [e for e in enrollments if e.status == Enrollment.Status.ENROLLED]
    present = set(
        Attendance.objects.filter(session__course=course, present=True).values_list("session_id", "enrollment_id")
    )
    sessions = [
        {"session": session, "rows": [(e, (session.pk, e.pk) in present) for e in enrolled]}
        for session in course.sessions.all()
    ]
    return {
        "enrolled": enrolled,
        "waiting": [e for e in enrollments if e.status == Enrollment.Status.WAITLISTED],
        "finished": [e for e in enrollments if e.status in (Enrollment.Status.COMPLETED, Enrollment.Status.FAILED)],
        "sessions": sessions,
    }


# Statistics ------------------------------------------------------------------------------


@dataclass
class StatisticsRow:
    key: str
    label: str
    enrolled: int = 0
    completed: int = 0
    certified: int = 0


@dataclass
class TrainingStatistics:
    start: date
    end: date
    by_type: list[StatisticsRow] = field(default_factory=list)
    by_county: list[StatisticsRow] = field(default_factory=list)
    total: StatisticsRow = field(default_factory=lambda: StatisticsRow(key="", label=""))


def _row(key: str, label: str, counts: dict[str, Any]) -> StatisticsRow:
    return StatisticsRow(
        key=key,
        label=label,
        enrolled=counts.get("enrolled", 0),
        completed=counts.get("completed", 0),
        certified=counts.get("certified", 0),
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def training_statistics(*, start: date, end: date, region_code: str | None = None) -> TrainingStatistics:
    """Enrolled, completed and certified counts per course type and per worker home county, for start..end.

    A worker counts as enrolled when the enrolment was made in the period and got a place (at once or
    from the waiting list, whatever happened after); completed when a pass was recorded in the period;
    certified when that pass also issued a certificate. `region_code` keeps only workers whose home
    (hukou) county lies within that region.
    """
    since, until = _day_start(start), _day_start(end + timedelta(days=1))
    made = Q(created_at__gte=since, created_at__lt=until, enrolled_at__isnull=False)
    passed = Q(status=Enrollment.Status.COMPLETED, finished_at__gte=since, finished_at__lt=until)
    rows = Enrollment.objects.filter(made | passed)
    if region_code:
        rows = rows.filter(worker__hukou_county__code__startswith=scope_prefix(region_code))
    counts = {
        "enrolled": Count("pk", filter=made),
        "completed": Count("pk", filter=passed),
        "certified": Count("pk", filter=passed & Q(certificate__isnull=False)),
    }
    stats = TrainingStatistics(start=start, end=end)
    by_type: dict[str, dict[str, Any]] = {
        row["course__type"]: dict(row) for row in rows.values("course__type").annotate(**counts)
    }
    for value, label in Course.Type.choices:
        stats.by_type.append(_row(value, str(label), by_type.get(value, {})))
    county = "worker__hukou_county_id"
    by_county: list[dict[str, Any]] = list(rows.values(county).annotate(**counts).order_by(county))
    names = Region.objects.in_bulk([row[county] for row in by_county if row[county]])
    for row in by_county:
        code: str = row[county] or ""
        place = str(names[code].name) if code in names else gettext("Home county not given")
        stats.by_county.append(_row(code, place, row))
    stats.total = StatisticsRow(
        key="",
        label=gettext("All"),
        enrolled=sum(row.enrolled for row in stats.by_type),
        completed=sum(row.completed for row in stats.by_type),
        certified=sum(row.certified for row in stats.by_type),
    )
    return stats
