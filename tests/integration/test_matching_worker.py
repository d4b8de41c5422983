"""Matching through the real pipeline: PostgreSQL, Redis, the outbox and `celery worker` processes."""

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from matching.models import MatchRun, Offer
from matching.services import offers, runs
from matching.tasks import full_run
from tests.jobs.factories import PostingFactory
from tests.matching.factories import skilled
from tests.services import celery_worker, require_services
from workers.services.profile import worker_changed_publish

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout}s")


def test_a_signed_up_worker_gets_an_offer_from_the_background_within_seconds(live_worker):
    posting = PostingFactory(headcount=3)
    worker = skilled()

    with transaction.atomic():
        worker_changed_publish(worker_id=worker.pk)
    started = time.monotonic()
    offer = _wait(lambda: Offer.objects.filter(worker=worker).first(), timeout=20, what="an offer")

    assert offer.posting_id == posting.pk
    assert time.monotonic() - started < 10
    # The offer commits before the run records its figures: wait for that too.
    finished = MatchRun.objects.filter(
        trigger=MatchRun.Trigger.WORKER, subject_id=worker.pk, status=MatchRun.Status.FINISHED
    )
    run = _wait(finished.first, timeout=10, what="the run's record")
    assert run.offers_made == 1


def test_a_killed_worker_mid_run_leaves_no_duplicate_offers_after_redelivery(worker_id):
    require_services()
    for _ in range(3):
        PostingFactory(headcount=40)
    workers = [skilled(years=i % 10) for i in range(60)]
    env = {"CELERY_VISIBILITY_TIMEOUT": "3"}

    with celery_worker(xdist_worker=worker_id, env=env) as first:
        full_run.delay("manual")
        _wait(lambda: MatchRun.objects.filter(status=MatchRun.Status.RUNNING).exists(), timeout=20, what="a run")
        first.process.kill()
        first.process.wait(timeout=10)
    with celery_worker(xdist_worker=worker_id, env=env, fresh=False):
        finished = _wait(
            lambda: MatchRun.objects.filter(status=MatchRun.Status.FINISHED).first(), timeout=60, what="redelivery"
        )

    live = Offer.objects.live()
    assert finished.matched == len(workers)
    assert live.count() == len(workers)
    assert live.values("worker").distinct().count() == len(workers)
    assert MatchRun.objects.filter(status=MatchRun.Status.RUNNING).count() == 0


def test_concurrent_runs_never_promise_more_seats_than_a_posting_has():
    require_services()
    posting = PostingFactory(headcount=5)
    workers = [skilled() for _ in range(20)]
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def match(worker_id: int) -> None:
        try:
            barrier.wait()
            runs.run_for_worker(worker_id=worker_id)
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=match, args=(worker.pk,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert errors == []
    assert Offer.objects.live().filter(posting=posting).count() == 5


def test_twenty_concurrent_accepts_of_one_offer_record_one_answer():
    require_services()
    PostingFactory(headcount=1)
    worker = skilled()
    runs.run_for_worker(worker_id=worker.pk)
    offer = Offer.objects.get(worker=worker)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def accept() -> None:
        try:
            barrier.wait()
            offers.offer_accept(worker=worker, offer_id=offer.pk)
            outcomes.append("accepted")
        except offers.OfferError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert outcomes.count("accepted") == 1
    assert outcomes.count("refused") == 19
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.ACCEPTED
