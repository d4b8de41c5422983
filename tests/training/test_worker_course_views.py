"""A worker's course pages: the list, a course's page, enrolling and withdrawing, my courses, the home card."""

import html
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.assistance import SESSION_KEY
from accounts.models import AssistedAction, User
from matching.models import Reservation
from tests.accounts.factories import AgentFactory, EmployerFactory, county
from tests.jobs.factories import PostingFactory
from tests.training.worker_helpers import course, trade
from tests.workers.factories import WorkerProfileFactory
from training.models import Course, Enrollment, Session, TrainingCertificate
from workers.models import Worker

pytestmark = pytest.mark.django_db

COURSES = reverse("training:course_list")
MINE = reverse("training:my_courses")


@pytest.fixture
def worker(client) -> Worker:
    worker = WorkerProfileFactory(user__phone="13812345678", real_name="张伟")
    client.force_login(worker.user)
    return worker


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def enrol(client: Client, target: Course):
    return client.post(reverse("training:course_enrol", args=[target.pk]), follow=True)


def act_for(client: Client, actor: User, worker: Worker) -> None:
    grant = services.assistance_start(
        actor=actor, worker_phone=worker.user.phone, consent_method="signed_form", form_reference="F-2026-002"
    )
    client.force_login(actor)
    session = client.session
    session[SESSION_KEY] = grant.pk
    session.save()


# The list -----------------------------------------------------------------------------


def test_the_list_shows_open_courses_with_places_left_and_the_fee_after_subsidy(client):
    shown = course(title="焊工培训班", capacity=2, fee=1500, subsidy=1200, living_allowance=True)
    Enrollment.objects.create(course=shown, worker=WorkerProfileFactory(), status=Enrollment.Status.ENROLLED)
    course(title="草稿课程", status=Course.Status.DRAFT)
    course(title="已开课", days=-1)

    page = text(client.get(COURSES))

    assert "焊工培训班" in page
    assert "300 yuan after the subsidy" in page
    assert "Places left" in page and "<dd>1</dd>" in page
    assert "Level 5 (junior)" in page
    assert "living allowance" in page
    assert "草稿课程" not in page
    assert "已开课" not in page


def test_the_list_filters_by_format_and_by_the_province_of_the_county(client):
    course(title="线上电商课", format=Course.Format.ONLINE)
    course(title="宜都面授课")
    course(title="昭通面授课", county=county("530602"))

    online = text(client.get(COURSES, {"format": "online"}))
    yunnan = text(client.get(COURSES, {"province": "530000"}))

    assert "线上电商课" in online and "宜都面授课" not in online
    assert "昭通面授课" in yunnan and "宜都面授课" not in yunnan and "线上电商课" not in yunnan


def test_the_list_pages_by_twenty(client):
    for n in range(21):
        course(title=f"课程{n:02d}", days=10 + n)

    first = text(client.get(COURSES))
    second = text(client.get(COURSES, {"page": 2}))

    assert "课程00" in first and "课程20" not in first
    assert "课程20" in second


def test_without_open_courses_the_list_says_so(client):
    assert "No course open for enrolment matches these choices." in text(client.get(COURSES))


# A course's page ------------------------------------------------------------------------


def test_the_course_page_shows_the_schedule_and_the_jobs_kept_for_graduates(client):
    shown = course(title="焊工培训班")
    start = timezone.now() + timedelta(days=14)
    Session.objects.create(course=shown, starts_at=start, ends_at=start + timedelta(hours=3), topic="安全操作规程")
    posting = PostingFactory(title="船厂焊工", employer__name="江南造船厂")
    Reservation.objects.create(course=shown, posting=posting, seats=4)

    page = text(client.get(reverse("training:course_detail", args=[shown.pk])))

    assert "安全操作规程" in page
    assert "江南造船厂" in page and "船厂焊工" in page
    assert "4 positions kept" in page
    assert "Log in to enrol" in page


def test_a_draft_course_is_not_found(client):
    draft = course(status=Course.Status.DRAFT)

    assert client.get(reverse("training:course_detail", args=[draft.pk])).status_code == 404


# Enrolling and withdrawing ------------------------------------------------------------------


def test_a_worker_who_enrols_gets_a_place(client, worker):
    target = course()

    response = enrol(client, target)

    enrollment = Enrollment.objects.get(worker=worker, course=target)
    assert enrollment.status == Enrollment.Status.ENROLLED
    assert any("You have a place on this course." in message for message in messages_of(response))
    assert "Withdraw from this course" in text(response)


def test_a_second_worker_on_a_one_place_course_goes_to_the_waiting_list(client, worker):
    target = course(capacity=1)
    first = WorkerProfileFactory()
    Enrollment.objects.create(course=target, worker=first, status=Enrollment.Status.ENROLLED)

    response = enrol(client, target)

    assert Enrollment.objects.get(worker=worker, course=target).status == Enrollment.Status.WAITLISTED
    assert any("You are number 1 on the waiting list" in message for message in messages_of(response))
    assert "number 1 in line" in text(response)


def test_withdrawing_gives_the_place_to_the_first_worker_waiting(client, worker):
    target = course(capacity=1)
    enrol(client, target)
    waiting = WorkerProfileFactory()
    client.force_login(waiting.user)
    enrol(client, target)
    client.force_login(worker.user)
    mine = Enrollment.objects.get(worker=worker, course=target)

    response = client.post(reverse("training:enrollment_withdraw", args=[mine.pk]), follow=True)

    assert Enrollment.objects.get(pk=mine.pk).status == Enrollment.Status.WITHDRAWN
    assert Enrollment.objects.get(worker=waiting, course=target).status == Enrollment.Status.ENROLLED
    assert any("You have left this course." in message for message in messages_of(response))


def test_enrolling_on_a_closed_course_is_refused_with_a_message(client, worker):
    target = course(status=Course.Status.CLOSED)

    response = enrol(client, target)

    assert not Enrollment.objects.filter(course=target).exists()
    assert "This course is not taking enrolments." in messages_of(response)


def test_another_workers_enrolment_cannot_be_withdrawn(client, worker):
    target = course()
    other = Enrollment.objects.create(course=target, worker=WorkerProfileFactory(), status=Enrollment.Status.ENROLLED)

    response = client.post(reverse("training:enrollment_withdraw", args=[other.pk]))

    assert response.status_code == 404
    assert Enrollment.objects.get(pk=other.pk).status == Enrollment.Status.ENROLLED


def test_an_employer_cannot_enrol(client):
    client.force_login(EmployerFactory())
    target = course()

    assert client.post(reverse("training:course_enrol", args=[target.pk])).status_code == 403
    assert not Enrollment.objects.exists()


def test_an_agent_with_a_grant_enrols_the_worker_and_it_is_recorded(client, worker):
    agent = AgentFactory()
    act_for(client, agent, worker)
    target = course(title="焊工培训班")

    enrol(client, target)

    enrollment = Enrollment.objects.get(course=target)
    assert (enrollment.worker, enrollment.enrolled_by) == (worker, agent)
    action = AssistedAction.objects.get()
    assert (action.action, action.grant.actor, action.target_id) == ("training.enrol", agent, str(enrollment.pk))


# My courses and the home card ----------------------------------------------------------------


def test_my_courses_lists_status_score_and_certificate_number(client, worker):
    passed = Enrollment.objects.create(
        course=course(title="焊工培训班"), worker=worker, status=Enrollment.Status.COMPLETED, score=87
    )
    TrainingCertificate.objects.create(enrollment=passed, number="CF202600000042", level=5)
    Enrollment.objects.create(course=course(title="电工培训班"), worker=worker, status=Enrollment.Status.WAITLISTED)
    Enrollment.objects.create(course=course(title="别人的课"), worker=WorkerProfileFactory(), status="enrolled")

    page = text(client.get(MINE))

    assert "焊工培训班" in page and "Completed and passed" in page
    assert "Assessment score: 87" in page
    assert "Certificate number: CF202600000042" in page
    assert "电工培训班" in page and "On the waiting list" in page
    assert "别人的课" not in page


def test_the_home_card_shows_an_enrolled_course_with_its_dates(client, worker):
    target = course(title="焊工培训班", days=30)
    Enrollment.objects.create(course=target, worker=worker, status=Enrollment.Status.ENROLLED)

    page = text(client.get(reverse("workers:dashboard")))

    assert "焊工培训班" in page
    assert target.starts_on.strftime("%m/%d/%Y") in page
    assert reverse("training:course_detail", args=[target.pk]) in page
    assert reverse("matching:skill_gaps") in page
    assert "No courses recommended yet." not in page


def test_the_home_card_recommends_the_course_for_the_best_paid_missing_trade(client, worker):
    welder = trade("welder", "Welder")
    PostingFactory(occupation=welder, headcount=12)
    target = course(trade=welder, title="线上焊工班", format=Course.Format.ONLINE)

    page = text(client.get(reverse("workers:dashboard")))

    assert "12 open jobs as Welder" in page
    assert reverse("training:course_detail", args=[target.pk]) in page
