"""Provider pages: registration, the dashboard, courses, sessions, attendance and results, and who may see what."""

import html
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.accounts.factories import EmployerFactory as EmployerUserFactory
from tests.accounts.factories import UserFactory, WorkerFactory
from tests.jobs.factories import uscc
from tests.training.factories import (
    YIDU,
    CourseFactory,
    EnrollmentFactory,
    ProviderFactory,
    ProviderMemberFactory,
    SessionFactory,
)
from tests.workers.factories import WorkerProfileFactory
from training.models import Attendance, Course, Enrollment, Provider, ProviderMember, Session
from workers.models import Certificate

pytestmark = pytest.mark.django_db

REGISTER = reverse("training:provider_register")
DASHBOARD = reverse("training:provider_dashboard")
COURSE_NEW = reverse("training:course_create")


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def logged_in(client: Client, **provider_fields) -> ProviderMember:
    member = ProviderMemberFactory(provider=ProviderFactory(**provider_fields))
    client.force_login(member.user)
    return member


def register_form(**overrides) -> dict[str, str]:
    return {
        "name": "宜都市职业技术学校",
        "kind": Provider.Kind.SCHOOL,
        "uscc": uscc(7, region=YIDU),
        "region_0": "420000",
        "region_1": "420500",
        "region_2": YIDU,
        "address": "宜都市陆城街道园林大道1号",
        "contact_name": "王老师",
        "contact_phone": "13900139003",
    } | overrides


def course_form(**overrides) -> dict[str, str]:
    starts = timezone.localdate() + timedelta(days=20)
    return {
        "title": "电工上岗培训",
        "type": Course.Type.UPGRADE,
        "occupation": "electrician",
        "certificate_level": "5",
        "format": Course.Format.IN_PERSON,
        "county_0": "420000",
        "county_1": "420500",
        "county_2": YIDU,
        "venue": "实训楼",
        "hours": "40",
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=5)).isoformat(),
        "capacity": "30",
        "fee": "1,200",
        "subsidy": "1200",
        "language": "普通话",
        "description": "",
    } | overrides


# Registration ---------------------------------------------------------------------


@pytest.mark.usefixtures("fixture_reference_data")
def test_a_new_account_registers_a_provider_and_waits_for_the_bureau(client):
    user = UserFactory(role=User.Role.PROVIDER)
    client.force_login(user)

    response = client.post(REGISTER, register_form(), follow=True)

    page = text(response)
    assert response.redirect_chain[-1][0] == DASHBOARD
    assert "Waiting for the bureau" in page
    provider = Provider.objects.get()
    assert (provider.region_id, provider.verification) == (YIDU, Provider.Verification.PENDING)
    assert ProviderMember.objects.get().user == user


@pytest.mark.usefixtures("fixture_reference_data")
def test_a_bad_credit_code_shows_the_translated_error_and_saves_nothing(client):
    client.force_login(UserFactory(role=User.Role.PROVIDER))
    code = uscc(7, region=YIDU)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")

    page = text(client.post(REGISTER, register_form(uscc=wrong)))
    with_chinese = Client(headers={"accept-language": "zh-hans"})
    with_chinese.force_login(User.objects.get())
    chinese = html.unescape(with_chinese.post(REGISTER, register_form(uscc=wrong)).content.decode())

    assert "This credit code does not add up" in page
    assert "This credit code does not add up" not in chinese
    assert not Provider.objects.exists()
    assert not ProviderMember.objects.exists()


@pytest.mark.usefixtures("fixture_reference_data")
def test_a_worker_with_a_profile_cannot_register_a_provider_with_the_same_account(client):
    worker = WorkerProfileFactory()
    client.force_login(worker.user)

    page = text(client.post(REGISTER, register_form()))

    assert "Only a training-provider account can register a provider." in page
    assert not Provider.objects.exists()
    assert User.objects.get(pk=worker.user.pk).role == User.Role.WORKER


# Dashboard ------------------------------------------------------------------------


def test_the_dashboard_of_a_provider_without_courses_shows_the_empty_state(client):
    logged_in(client)

    page = text(client.get(DASHBOARD))

    assert "No courses yet." in page
    assert "Add a course" in page


def test_the_dashboard_shows_places_taken_and_the_waiting_list(client):
    member = logged_in(client)
    course = CourseFactory(provider=member.provider, title="叉车司机培训", capacity=2)
    EnrollmentFactory.create_batch(2, course=course)
    EnrollmentFactory(course=course, status=Enrollment.Status.WAITLISTED)

    page = text(client.get(DASHBOARD))

    assert "叉车司机培训" in page
    assert "2 / 2" in page
    assert "<td>1</td>" in page


def test_a_provider_account_without_a_membership_is_sent_to_register(client):
    client.force_login(UserFactory(role=User.Role.PROVIDER))

    assert client.get(DASHBOARD)["Location"] == REGISTER


def test_a_rejected_provider_reads_the_bureaus_note(client):
    logged_in(client, verification=Provider.Verification.REJECTED, verification_note="办学许可证已过期")

    page = text(client.get(DASHBOARD))

    assert "The bureau's note: 办学许可证已过期" in page


# Courses --------------------------------------------------------------------------


@pytest.mark.usefixtures("fixture_reference_data")
def test_a_member_adds_a_course_as_a_draft(client):
    member = logged_in(client)

    response = client.post(COURSE_NEW, course_form())

    course = Course.objects.get()
    assert response["Location"] == reverse("training:provider_course", args=[course.pk])
    assert (course.provider, course.status, course.county_id, course.fee) == (
        member.provider,
        Course.Status.DRAFT,
        YIDU,
        1200,
    )
    assert (course.occupation.code, course.certificate_level) == ("electrician", 5)


@pytest.mark.usefixtures("fixture_reference_data")
def test_an_in_person_course_without_a_county_shows_the_error_by_the_field_and_saves_nothing(client):
    logged_in(client)

    response = client.post(COURSE_NEW, course_form(county_0="", county_1="", county_2=""))

    page = text(response)
    assert "Say in which county an in-person course takes place." in page
    assert response.context["form"].errors["county"] == ["Say in which county an in-person course takes place."]
    assert not Course.objects.exists()


@pytest.mark.usefixtures("fixture_reference_data")
def test_a_course_without_a_certificate_keeps_the_level_empty(client):
    logged_in(client)

    client.post(COURSE_NEW, course_form(certificate_level="", format=Course.Format.ONLINE))

    course = Course.objects.get()
    assert (course.certificate_level, course.county) == (None, None)


@pytest.mark.usefixtures("fixture_reference_data")
def test_editing_a_course_keeps_its_values_and_saves_the_change(client):
    member = logged_in(client)
    course = CourseFactory(provider=member.provider, county=None, format=Course.Format.ONLINE, capacity=20)
    url = reverse("training:course_edit", args=[course.pk])

    assert text(client.get(url)).count('value="20"') == 1
    client.post(url, course_form(capacity="25", occupation="electrician"))

    course.refresh_from_db()
    assert (course.capacity, course.county_id) == (25, YIDU)


def test_a_verified_provider_publishes_a_draft(client):
    member = logged_in(client)
    course = CourseFactory(provider=member.provider, status=Course.Status.DRAFT)

    page = text(client.post(reverse("training:course_publish", args=[course.pk]), follow=True))

    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED
    assert "The course is open for enrolment." in page


def test_publishing_is_refused_while_the_provider_is_not_verified(client):
    member = logged_in(client, verification=Provider.Verification.PENDING)
    course = CourseFactory(provider=member.provider, status=Course.Status.DRAFT)

    page = text(client.post(reverse("training:course_publish", args=[course.pk]), follow=True))

    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT
    assert "Courses go public once the labour bureau has verified your organisation." in page


# Sessions, attendance and results ---------------------------------------------------


def test_a_member_adds_a_session(client):
    member = logged_in(client)
    course = CourseFactory(provider=member.provider)
    url = reverse("training:provider_course", args=[course.pk])

    response = client.post(
        url, {"day": course.starts_on.isoformat(), "starts": "09:00", "ends": "12:00", "topic": "安全用电"}
    )

    session = Session.objects.get()
    assert response["Location"] == url
    assert (session.course, session.topic) == (course, "安全用电")
    assert timezone.localtime(session.starts_at).hour == 9
    assert session.ends_at - session.starts_at == timedelta(hours=3)


def test_a_session_that_ends_before_it_starts_is_refused_on_the_form(client):
    member = logged_in(client)
    course = CourseFactory(provider=member.provider)

    page = text(
        client.post(
            reverse("training:provider_course", args=[course.pk]),
            {"day": course.starts_on.isoformat(), "starts": "12:00", "ends": "09:00"},
        )
    )

    assert "A session must end after it starts." in page
    assert not Session.objects.exists()


def test_the_course_page_shows_enrolees_masked_with_home_county_and_the_waiting_list_in_order(client):
    member = logged_in(client)
    course = CourseFactory(provider=member.provider, capacity=1)
    worker = WorkerProfileFactory(real_name="张伟强", user__phone="13712345678")
    EnrollmentFactory(course=course, worker=worker)
    now = timezone.now()
    EnrollmentFactory(course=course, status=Enrollment.Status.WAITLISTED, worker__real_name="赵六", created_at=now)
    EnrollmentFactory(
        course=course,
        status=Enrollment.Status.WAITLISTED,
        worker__real_name="钱七",
        created_at=now - timedelta(hours=1),
    )

    page = text(client.get(reverse("training:provider_course", args=[course.pk])))

    assert "张**" in page
    assert "张伟强" not in page
    assert worker.hukou_county.name in page
    for secret in ("13712345678", worker.id_number):
        assert secret not in page
    assert page.index("钱**") < page.index("赵**")


def test_attendance_is_saved_for_ticked_and_unticked_workers(client):
    member = logged_in(client)
    course = CourseFactory(provider=member.provider)
    session = SessionFactory(course=course)
    here, away = EnrollmentFactory.create_batch(2, course=course)

    response = client.post(
        reverse("training:session_attendance", args=[course.pk, session.pk]), {"present": [str(here.pk)]}
    )

    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("enrollment_id", "present")) == {here.pk: True, away.pk: False}


def test_the_course_page_ticks_the_workers_recorded_present(client):
    member = logged_in(client)
    course = CourseFactory(provider=member.provider)
    session = SessionFactory(course=course, topic="安全用电")
    here, away = EnrollmentFactory.create_batch(2, course=course)
    Attendance.objects.create(session=session, enrollment=here, present=True)
    Attendance.objects.create(session=session, enrollment=away, present=False)

    page = text(client.get(reverse("training:provider_course", args=[course.pk])))

    assert "安全用电" in page
    assert f'value="{here.pk}" id="present-{session.pk}-{here.pk}" checked' in page
    assert f'value="{away.pk}" id="present-{session.pk}-{away.pk}">' in page


def test_a_pass_completes_the_enrolment_with_a_certificate_on_the_workers_profile(client):
    member = logged_in(client)
    course = CourseFactory(provider=member.provider, certificate_level=4)
    enrollment = EnrollmentFactory(course=course)

    page = text(
        client.post(
            reverse("training:enrollment_result", args=[course.pk, enrollment.pk]), {"score": "85"}, follow=True
        )
    )

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.score) == (Enrollment.Status.COMPLETED, 85)
    certificate = Certificate.objects.get(worker=enrollment.worker)
    assert (certificate.level, certificate.occupation) == (4, course.occupation)
    assert "The result is saved: passed." in page
    assert enrollment.certificate.number in page


def test_a_score_below_the_pass_mark_fails_without_a_certificate(client):
    member = logged_in(client)
    course = CourseFactory(provider=member.provider)
    enrollment = EnrollmentFactory(course=course)

    client.post(reverse("training:enrollment_result", args=[course.pk, enrollment.pk]), {"score": "59"})

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.FAILED
    assert not Certificate.objects.exists()


def test_a_score_above_100_is_refused_and_changes_nothing(client):
    member = logged_in(client)
    course = CourseFactory(provider=member.provider)
    enrollment = EnrollmentFactory(course=course)

    page = text(
        client.post(
            reverse("training:enrollment_result", args=[course.pk, enrollment.pk]), {"score": "101"}, follow=True
        )
    )

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ENROLLED
    assert "less than or equal to 100" in page


# Who may see what -------------------------------------------------------------------


@pytest.mark.parametrize("url", [DASHBOARD, COURSE_NEW, REGISTER])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", [WorkerFactory, EmployerUserFactory])
def test_workers_and_employers_get_403_on_provider_pages(client, persona):
    course = CourseFactory()
    client.force_login(persona())

    assert client.get(DASHBOARD).status_code == 403
    assert client.get(COURSE_NEW).status_code == 403
    assert client.get(reverse("training:provider_course", args=[course.pk])).status_code == 403


def test_a_provider_sees_only_its_own_courses_on_the_dashboard(client):
    member = logged_in(client)
    CourseFactory(provider=member.provider, title="本校电工班")
    CourseFactory(title="别校焊工班")

    page = text(client.get(DASHBOARD))

    assert "本校电工班" in page
    assert "别校焊工班" not in page


def test_another_providers_course_session_and_enrolment_answer_404(client):
    logged_in(client)
    other = CourseFactory()
    session = SessionFactory(course=other)
    enrollment = EnrollmentFactory(course=other)

    assert client.get(reverse("training:provider_course", args=[other.pk])).status_code == 404
    assert client.get(reverse("training:course_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("training:course_publish", args=[other.pk])).status_code == 404
    attendance = reverse("training:session_attendance", args=[other.pk, session.pk])
    assert client.post(attendance, {"present": [str(enrollment.pk)]}).status_code == 404
    result = reverse("training:enrollment_result", args=[other.pk, enrollment.pk])
    assert client.post(result, {"score": "90"}).status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ENROLLED
    assert not Attendance.objects.exists()


def test_an_enrolment_of_another_course_cannot_be_assessed_through_ones_own_course(client):
    member = logged_in(client)
    mine = CourseFactory(provider=member.provider)
    theirs = EnrollmentFactory()

    response = client.post(reverse("training:enrollment_result", args=[mine.pk, theirs.pk]), {"score": "90"})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Enrollment.Status.ENROLLED
