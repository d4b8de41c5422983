"""Training services: places and the waiting list, results, certificates, and what matching hears."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import User
from matching.models import Offer, Reservation
from matching.services import runs
from outbox.models import OutboxEvent
from tests.accounts.factories import StaffFactory, UserFactory, county
from tests.jobs.factories import PostingFactory, occupation
from tests.matching.factories import skilled
from tests.training.factories import course_of, provider_member
from training import services
from training.models import Course, Enrollment, Provider
from workers.models import Certificate, Skill

pytestmark = pytest.mark.django_db


def test_a_bad_credit_code_registers_nothing():
    with pytest.raises(services.TrainingError, match="credit code"):
        services.provider_register(
            user=UserFactory(role=User.Role.PROVIDER),
            name="x",
            kind=Provider.Kind.SCHOOL,
            uscc="91530627000000001X",
            region=county("530627"),
            address="x",
            contact_name="x",
            contact_phone="13700137001",
        )
    assert not Provider.objects.exists()


def test_an_unverified_provider_cannot_publish_a_course():
    member = provider_member(verified=False)

    with pytest.raises(services.TrainingError, match="verified"):
        course_of(member)
    assert not Course.objects.filter(status=Course.Status.PUBLISHED).exists()


def test_an_in_person_course_needs_a_county_and_a_subsidy_within_the_fee():
    member = provider_member()

    with pytest.raises(services.TrainingError) as refused:
        course_of(member, county=None, subsidy=900)

    assert set(refused.value.message_dict) == {"county", "subsidy"}
    assert not Course.objects.exists()


def test_places_go_first_come_and_then_the_waiting_list():
    course = course_of(provider_member(), capacity=1)
    first, second = skilled(), skilled()

    a = services.enrollment_create(worker=first, course=course)
    b = services.enrollment_create(worker=second, course=course)

    assert (a.status, b.status) == (Enrollment.Status.ENROLLED, Enrollment.Status.WAITLISTED)
    with pytest.raises(services.TrainingError, match="already"):
        services.enrollment_create(worker=first, course=course)


def test_a_withdrawal_gives_the_place_to_the_first_on_the_waiting_list(settings):
    course = course_of(provider_member(), capacity=1)
    first, second, third = skilled(), skilled(), skilled()
    held = services.enrollment_create(worker=first, course=course)
    waiting = services.enrollment_create(worker=second, course=course)
    later = services.enrollment_create(worker=third, course=course)

    services.enrollment_withdraw(worker=first, enrollment_id=held.pk)

    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == Enrollment.Status.ENROLLED
    assert later.status == Enrollment.Status.WAITLISTED


def test_nobody_withdraws_another_workers_enrolment():
    course = course_of(provider_member())
    mine = services.enrollment_create(worker=skilled(), course=course)

    with pytest.raises(PermissionDenied):
        services.enrollment_withdraw(worker=skilled(), enrollment_id=mine.pk)


def test_a_pass_adds_certificate_and_skill_and_tells_matching_once():
    member = provider_member()
    course = course_of(member, trade="injection_moulder")
    worker = skilled()
    enrollment = services.enrollment_create(worker=worker, course=course)

    done = services.enrollment_complete(member=member, enrollment=enrollment, score=82)

    assert done.status == Enrollment.Status.COMPLETED
    assert done.certificate.level == 5
    assert Certificate.objects.get(worker=worker, occupation__code="injection_moulder").level == 5
    assert Skill.objects.get(worker=worker, occupation__code="injection_moulder").years == 0
    event = OutboxEvent.objects.get(topic=services.TOPIC_CERTIFICATE_ISSUED)
    assert event.payload == {"worker_id": worker.pk, "course_id": course.pk, "occupation_id": course.occupation_id}


def test_a_fail_adds_nothing_to_the_profile():
    member = provider_member()
    course = course_of(member, trade="injection_moulder")
    worker = skilled()
    enrollment = services.enrollment_create(worker=worker, course=course)

    done = services.enrollment_complete(member=member, enrollment=enrollment, score=40)

    assert done.status == Enrollment.Status.FAILED
    assert not Skill.objects.filter(worker=worker, occupation__code="injection_moulder").exists()
    assert not OutboxEvent.objects.filter(topic=services.TOPIC_CERTIFICATE_ISSUED).exists()


def test_a_provider_cannot_record_results_for_another_providers_course():
    course = course_of(provider_member())
    enrollment = services.enrollment_create(worker=skilled(), course=course)
    other = provider_member(code="511321")

    with pytest.raises(PermissionDenied):
        services.enrollment_complete(member=other, enrollment=enrollment, score=90)


def test_only_staff_of_the_providers_region_verify_it():
    member = provider_member(verified=False)

    with pytest.raises(PermissionDenied):
        services.provider_verify(
            staff=StaffFactory(home_region=county("511321")), provider=member.provider, verified=True
        )
    verified = services.provider_verify(
        staff=StaffFactory(home_region=county("530627")), provider=member.provider, verified=True
    )
    assert verified.is_verified


def test_a_graduate_gets_the_position_kept_for_the_course_through_the_matcher():
    member = provider_member()
    course = course_of(member, trade="injection_moulder")
    posting = PostingFactory(occupation=occupation("injection_moulder"), headcount=3, expected_monthly=6000)
    Reservation.objects.create(course=course, posting=posting, seats=1)
    other = skilled(trade="injection_moulder", years=10)
    graduate = skilled(trade="welder")
    enrollment = services.enrollment_create(worker=graduate, course=course)
    services.enrollment_complete(member=member, enrollment=enrollment, score=75)

    before = runs.run_for_posting(posting_id=Reservation.objects.get().posting_id)
    assert before.seats_open == 2  # one position is kept for the course's graduates
    Offer.objects.all().delete()
    [run] = runs.run_for_graduate(worker_id=graduate.pk, course_id=course.pk)
    general = runs.run_for_posting(posting_id=posting.pk)

    offer = Offer.objects.get(worker=graduate)
    assert (offer.posting, offer.reservation.course) == (posting, course)
    assert run.offers_made == 1
    assert Offer.objects.get(worker=other).reservation is None
    assert general.seats_open == 2
    assert runs.run_for_graduate(worker_id=graduate.pk, course_id=course.pk) == []
