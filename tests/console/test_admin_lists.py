"""Console lists staff search and filter: offers by number, providers by name or credit code, courses and
enrolments by title, workers by the day they signed up; each inside the staff member's region."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.admin import CappedPaginator
from console.roles import CLERK_GROUP, roles_sync
from tests.accounts.factories import StaffFactory, county
from tests.matching.factories import OfferFactory
from tests.training.factories import CourseFactory, EnrollmentFactory, ProviderFactory
from tests.workers.factories import WorkerProfileFactory
from workers.models import Worker

pytestmark = pytest.mark.django_db

YIDU = "420581"


def listed(client, model: str, **query) -> list:
    response = client.get(reverse(f"admin:{model}_changelist"), query)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.fixture
def clerk(client):
    roles_sync()
    staff = StaffFactory(home_region=None, nationwide=True)
    staff.groups.add(Group.objects.get(name=CLERK_GROUP))
    client.force_login(staff)
    return staff


def test_an_offer_is_found_by_its_number_and_by_its_postings_title(client, clerk):
    wanted, other = OfferFactory(), OfferFactory()

    assert listed(client, "matching_offer", q=str(wanted.pk)) == [wanted]
    assert set(listed(client, "matching_offer", q="电子厂")) == {wanted, other}


def test_a_provider_is_found_by_words_of_its_name_or_its_full_credit_code(client, clerk):
    school = ProviderFactory(name="宜都市烹饪职业学校")
    ProviderFactory()

    assert listed(client, "training_provider", q="烹饪") == [school]
    assert listed(client, "training_provider", q=school.uscc) == [school]
    assert listed(client, "training_provider", q=school.uscc[:10]) == []


def test_courses_and_enrolments_are_found_by_the_course_title(client, clerk):
    welding = CourseFactory(title="焊工培训班", county=county(YIDU))
    CourseFactory(county=county(YIDU))
    enrolment = EnrollmentFactory(course=welding)

    assert listed(client, "training_course", q="焊工") == [welding]
    assert listed(client, "training_enrollment", q="焊工") == [enrolment]


def test_workers_are_filtered_by_the_day_they_signed_up_without_a_date_hierarchy(client, clerk):
    new = WorkerProfileFactory()
    old = WorkerProfileFactory()
    Worker.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    # As the filter's own "Past 7 days" link gives it: midnight, in the local time zone.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    since = str(midnight - timedelta(days=6))

    assert listed(client, "workers_worker", created_at__gte=since) == [new]
    assert client.get(reverse("admin:workers_worker_changelist")).context["cl"].date_hierarchy is None


def test_a_big_list_stops_counting_at_its_cap_and_says_so(client, clerk, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 2)
    for _ in range(3):
        WorkerProfileFactory()

    page = client.get(reverse("admin:workers_worker_changelist")).content.decode()

    assert "More than 2 workers: filter the list to count them" in page
    assert len(listed(client, "workers_worker")) == 3


def test_a_list_within_the_cap_gives_its_exact_count(client, clerk, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 2)
    WorkerProfileFactory()
    WorkerProfileFactory()

    response = client.get(reverse("admin:workers_worker_changelist"))

    assert response.context["cl"].result_count == 2
    assert "More than" not in response.content.decode()
