"""An employer keeps positions of a posting for a course's graduates (order-based training)."""

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from matching.models import Reservation
from matching.services.reservations import ReservationError, reservation_set
from tests.jobs.factories import MemberFactory, PostingFactory, occupation
from tests.training.worker_helpers import course
from tests.workers.factories import WorkerProfileFactory
from training.models import Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    member = MemberFactory()
    client.force_login(member.user)
    return member


@pytest.fixture
def posting(member):
    return PostingFactory(employer=member.employer, headcount=5, title="电子厂普工")


def url(posting) -> str:
    return reverse("matching:reservations", args=[posting.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_an_employer_keeps_two_of_five_positions_for_a_course(client, posting, member):
    target = course(title="电子产品装配工培训班")

    response = client.post(url(posting), {"course": target.pk, "seats": 2}, follow=True)

    reservation = Reservation.objects.get()
    assert (reservation.posting, reservation.course, reservation.seats) == (posting, target, 2)
    assert reservation.created_by == member.user
    page = html.unescape(response.content.decode())
    assert "电子产品装配工培训班" in page
    assert "free to keep: 3" in page


def test_choosing_the_same_course_again_changes_how_many_positions_it_keeps(client, posting):
    target = course()
    Reservation.objects.create(posting=posting, course=target, seats=2)

    client.post(url(posting), {"course": target.pk, "seats": 5})

    assert Reservation.objects.get().seats == 5


def test_keeping_more_positions_than_are_free_is_refused(client, posting):
    Reservation.objects.create(posting=posting, course=course(), seats=2)
    posting.filled_count = 1
    posting.save(update_fields=["filled_count"])
    other = course(type=Course.Type.TARGETED)

    response = client.post(url(posting), {"course": other.pk, "seats": 3}, follow=True)

    assert Reservation.objects.filter(course=other).count() == 0
    assert "Only 2 positions of this job are free to keep for a course." in messages_of(response)


def test_a_course_teaching_another_occupation_that_is_not_targeted_cannot_be_chosen(client, posting):
    course(title="装配工班")
    unrelated = course(trade=occupation("cook"))

    response = client.post(url(posting), {"course": unrelated.pk, "seats": 1})

    assert response.status_code == 200
    assert not Reservation.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_the_service_refuses_a_course_that_does_not_train_for_the_job(posting, member):
    with pytest.raises(ReservationError, match="a targeted course or one teaching its occupation"):
        reservation_set(member=member, posting=posting, course=course(trade=occupation("cook")), seats=1)

    assert not Reservation.objects.exists()


def test_the_service_refuses_another_employers_posting(member):
    with pytest.raises(PermissionDenied):
        reservation_set(member=member, posting=PostingFactory(), course=course(), seats=1)


def test_a_draft_course_cannot_be_chosen(client, posting):
    draft = course(status=Course.Status.DRAFT)

    client.post(url(posting), {"course": draft.pk, "seats": 1})

    assert not Reservation.objects.exists()


def test_removing_a_reservation_frees_its_positions(client, posting):
    reservation = Reservation.objects.create(posting=posting, course=course(), seats=2)

    client.post(reverse("matching:reservation_delete", args=[posting.pk, reservation.pk]))

    assert not Reservation.objects.exists()


def test_another_employers_posting_is_not_found(client, member):
    theirs = PostingFactory(headcount=5)
    kept = Reservation.objects.create(posting=theirs, course=course(), seats=1)

    assert client.get(url(theirs)).status_code == 404
    assert client.post(url(theirs), {"course": kept.course_id, "seats": 3}).status_code == 404
    assert client.post(reverse("matching:reservation_delete", args=[theirs.pk, kept.pk])).status_code == 404
    assert Reservation.objects.get().seats == 1


def test_workers_cannot_reach_the_page(client, posting):
    client.force_login(WorkerProfileFactory().user)

    assert client.get(url(posting)).status_code == 403
