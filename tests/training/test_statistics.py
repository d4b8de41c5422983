"""Training statistics: enrolled, completed and certified per course type and home county, scoped by region,
and the console page with its CSV that a spreadsheet cannot run as formulas."""

import csv
import io
from datetime import date, datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from reference.models import Region
from tests.accounts.factories import StaffFactory, county
from tests.training.factories import CourseFactory, EnrollmentFactory
from tests.workers.factories import WorkerProfileFactory
from training.models import Course, Enrollment, TrainingCertificate
from training.selectors import training_statistics

pytestmark = pytest.mark.django_db

ZHENXIONG = "530627"
YIDU = "420581"
STATISTICS = reverse("admin:training_course_statistics")
START, END = date(2026, 3, 1), date(2026, 3, 31)


def at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=timezone.get_current_timezone())


def enrolment(course: Course, home: str, *, made: datetime, status: str = "enrolled", finished=None) -> Enrollment:
    worker = WorkerProfileFactory(hukou_county=county(home))
    return EnrollmentFactory(course=course, worker=worker, status=status, created_at=made, finished_at=finished)


def certify(enrollment: Enrollment) -> None:
    TrainingCertificate.objects.create(enrollment=enrollment, number=f"CF2026{enrollment.pk:08d}", level=5)


@pytest.fixture
def dataset() -> None:
    """Made and finished in March unless said: 4 upgrade (Zhenxiong 3, Yidu 1), 2 urgent (Yidu)."""
    upgrade = CourseFactory(type=Course.Type.UPGRADE)
    urgent = CourseFactory(type=Course.Type.URGENT)
    certify(enrolment(upgrade, ZHENXIONG, made=at(2), status="completed", finished=at(20)))
    enrolment(
        upgrade, ZHENXIONG, made=at(3), status="completed", finished=at(20)
    )  # a pass on a course without certificate
    enrolment(upgrade, ZHENXIONG, made=at(4), status="failed", finished=at(20))
    enrolment(upgrade, YIDU, made=at(5))
    enrolment(upgrade, YIDU, made=at(6), status="waitlisted")  # no place: not counted as enrolled
    certify(enrolment(urgent, YIDU, made=at(20, month=2), status="completed", finished=at(10)))  # made before March
    enrolment(urgent, YIDU, made=at(28), status="withdrawn", finished=at(29))  # had a place, then left
    enrolment(urgent, YIDU, made=at(2, month=4))  # after March


def test_the_statistics_count_per_course_type(dataset):
    stats = training_statistics(start=START, end=END)

    by_type = {row.key: (row.enrolled, row.completed, row.certified) for row in stats.by_type}
    assert by_type["upgrade"] == (4, 2, 1)
    assert by_type["urgent"] == (1, 1, 1)
    assert by_type["conversion"] == (0, 0, 0)
    assert (stats.total.enrolled, stats.total.completed, stats.total.certified) == (5, 3, 2)


def test_the_statistics_count_per_home_county(dataset):
    stats = training_statistics(start=START, end=END)

    assert {row.key: (row.enrolled, row.completed, row.certified) for row in stats.by_county} == {
        ZHENXIONG: (3, 2, 1),
        YIDU: (2, 1, 1),
    }


def test_a_region_keeps_only_workers_from_there(dataset):
    stats = training_statistics(start=START, end=END, region_code="420000")

    assert [row.key for row in stats.by_county] == [YIDU]
    assert (stats.total.enrolled, stats.total.completed, stats.total.certified) == (2, 1, 1)


def test_the_period_includes_its_last_day_and_nothing_after():
    course = CourseFactory()
    enrolment(course, YIDU, made=datetime(2026, 3, 31, 23, 30, tzinfo=timezone.get_current_timezone()))
    enrolment(course, YIDU, made=datetime(2026, 4, 1, 0, 0, tzinfo=timezone.get_current_timezone()))

    assert training_statistics(start=START, end=END).total.enrolled == 1


def _staff(client, region: str | None = None, **fields):
    user = StaffFactory(home_region=county(region) if region else None, **fields)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="training", codename="view_course"))
    client.force_login(user)
    return user


def test_the_console_page_shows_the_figures_of_the_clerks_region(client, dataset):
    _staff(client, "420000")

    response = client.get(STATISTICS, {"start": "2026-03-01", "end": "2026-03-31"})

    assert response.status_code == 200
    stats = response.context["stats"]
    assert [row.key for row in stats.by_county] == [YIDU]
    assert (stats.total.enrolled, stats.total.completed, stats.total.certified) == (2, 1, 1)


def test_the_console_page_defaults_to_this_year(client):
    _staff(client, nationwide=True)

    response = client.get(STATISTICS)

    today = timezone.localdate()
    assert (response.context["stats"].start, response.context["stats"].end) == (
        date(today.year, 1, 1),
        date(today.year, 12, 31),
    )


def test_staff_without_the_view_permission_get_403(client):
    client.force_login(StaffFactory(nationwide=True))

    assert client.get(STATISTICS).status_code == 403


def test_the_csv_escapes_cells_a_spreadsheet_would_run(client):
    course = CourseFactory(type=Course.Type.UPGRADE)
    county(ZHENXIONG)
    Region.objects.filter(code=ZHENXIONG).update(name_zh="=HYPERLINK(1)", name_pinyin="=HYPERLINK(1)")
    enrolment(course, ZHENXIONG, made=at(2))
    _staff(client, nationwide=True)

    response = client.get(STATISTICS, {"start": "2026-03-01", "end": "2026-03-31", "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["breakdown", "group", "enrolled", "completed", "certified"]
    assert ["home county", "'=HYPERLINK(1)", "1", "0", "0"] in rows
    assert ["course type", "Vocational skills upgrade", "1", "0", "0"] in rows
