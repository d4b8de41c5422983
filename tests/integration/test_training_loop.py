"""The training loop through the real pipeline: a worker lacks a skill, trains, passes, and is matched."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from matching.models import Offer, Reservation
from matching.services import runs
from tests.integration.test_matching_worker import _wait
from tests.jobs.factories import PostingFactory, occupation
from tests.matching.factories import skilled
from tests.services import require_services
from tests.training.factories import course_of, provider_member
from training import services
from training.models import Enrollment

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_who_lacks_the_skill_trains_passes_and_gets_an_offer_from_the_background(live_worker):
    posting = PostingFactory(occupation=occupation("injection_moulder"), headcount=2)
    worker = skilled(trade="welder")
    assert runs.run_for_worker(worker_id=worker.pk).matched == 0
    member = provider_member()
    course = course_of(member, trade="injection_moulder")
    enrollment = services.enrollment_create(worker=worker, course=course)

    with transaction.atomic():
        services.enrollment_complete(member=member, enrollment=enrollment, score=88)

    offer = _wait(lambda: Offer.objects.filter(worker=worker).first(), timeout=20, what="an offer")
    assert offer.posting_id == posting.pk
    assert offer.posting_reasons["certificate"] > 0


def test_a_graduate_fills_the_position_kept_for_the_course_before_anything_else(live_worker):
    better = PostingFactory(occupation=occupation("injection_moulder"), headcount=5, expected_monthly=8000)
    kept = PostingFactory(occupation=occupation("injection_moulder"), headcount=5, expected_monthly=5000)
    member = provider_member()
    course = course_of(member, trade="injection_moulder")
    Reservation.objects.create(course=course, posting=kept, seats=1)
    worker = skilled(trade="welder")
    enrollment = services.enrollment_create(worker=worker, course=course)

    with transaction.atomic():
        services.enrollment_complete(member=member, enrollment=enrollment, score=70)

    offer = _wait(lambda: Offer.objects.filter(worker=worker).first(), timeout=20, what="an offer")
    assert offer.posting_id == kept.pk != better.pk
    assert offer.reservation.course_id == course.pk


def test_twenty_workers_enrolling_at_once_never_overfill_a_course():
    require_services()
    course = course_of(provider_member(), capacity=5)
    workers = [skilled() for _ in range(20)]
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def enrol(worker) -> None:
        try:
            barrier.wait()
            services.enrollment_create(worker=worker, course=course)
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert errors == []
    statuses = list(Enrollment.objects.filter(course=course).values_list("status", flat=True))
    assert statuses.count(Enrollment.Status.ENROLLED) == 5
    assert statuses.count(Enrollment.Status.WAITLISTED) == 15
