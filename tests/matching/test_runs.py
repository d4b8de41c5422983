"""Matching runs against the database: incremental and full, what they offer, keep and withdraw."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from jobs.models import Employer
from matching.locks import full_run_lock
from matching.models import MatchRun, Offer, Seat
from matching.services import runs
from matching.services.offers import offer_decline
from tests.accounts.factories import county
from tests.jobs.factories import PostingFactory, occupation
from tests.matching.factories import cohort_of, skilled
from workers.models import Certificate, DestinationChoice, Worker

pytestmark = pytest.mark.django_db


def test_a_new_worker_gets_the_best_paid_job_that_fits_with_the_reasons_kept():
    worker = skilled()
    PostingFactory(title="lower", expected_monthly=5000)
    best = PostingFactory(title="higher", expected_monthly=6200)

    run = runs.run_for_worker(worker_id=worker.pk)

    offer = Offer.objects.get(worker=worker)
    assert offer.posting == best
    assert offer.status == Offer.Status.PROPOSED
    assert offer.worker_reasons["net_pay"] == best.net_monthly
    assert offer.posting_reasons["experience"] == 30
    assert offer.seat.posting_id == best.pk
    assert offer.expires_at - offer.created_at == timedelta(hours=72)
    worker.refresh_from_db()
    assert worker.status == Worker.Status.OFFERED
    assert run.trigger == MatchRun.Trigger.WORKER
    assert (run.status, run.matched, run.offers_made) == (MatchRun.Status.FINISHED, 1, 1)
    assert set(run.durations) >= {"load", "generate", "solve", "write"}


def test_a_worker_without_the_trade_gets_no_offer():
    worker = skilled(trade="welder")
    PostingFactory()

    run = runs.run_for_worker(worker_id=worker.pk)

    assert run.matched == 0
    assert not Offer.objects.exists()


def test_a_worker_who_already_holds_an_offer_is_not_matched_again():
    worker = skilled()
    PostingFactory()
    runs.run_for_worker(worker_id=worker.pk)

    assert runs.run_for_worker(worker_id=worker.pk) is None
    assert Offer.objects.count() == 1


def test_a_posting_offers_its_seats_to_the_most_experienced_workers():
    novice, expert, middle = skilled(years=1), skilled(years=9), skilled(years=5)
    posting = PostingFactory(headcount=2)

    run = runs.run_for_posting(posting_id=posting.pk)

    assert set(Offer.objects.values_list("worker_id", flat=True)) == {expert.pk, middle.pk}
    assert run.seats_open == 2
    assert novice.offers.count() == 0
    assert Seat.objects.filter(posting=posting).count() == 2


def test_a_blocked_employer_posting_is_not_matched():
    worker = skilled()
    PostingFactory(employer__standing=Employer.Standing.BLOCKED)

    runs.run_for_worker(worker_id=worker.pk)

    assert not Offer.objects.exists()


def test_a_declined_job_is_not_offered_again():
    worker = skilled()
    first = PostingFactory(expected_monthly=6200)
    second = PostingFactory(expected_monthly=5000)
    runs.run_for_worker(worker_id=worker.pk)
    offer = Offer.objects.get(worker=worker, posting=first)
    worker.refresh_from_db()
    offer_decline(worker=worker, offer_id=offer.pk, reason=Offer.DeclineReason.PLACE)

    runs.run_for_worker(worker_id=worker.pk)

    assert Offer.objects.live().get(worker=worker).posting == second


def test_a_full_run_keeps_agreeing_offers_and_leaves_accepted_ones_alone():
    accepted_worker, waiting_worker = skilled(years=8), skilled(years=2)
    posting = PostingFactory(headcount=5)
    runs.run_for_posting(posting_id=posting.pk)
    accepted = Offer.objects.get(worker=accepted_worker)
    Offer.objects.filter(pk=accepted.pk).update(status=Offer.Status.ACCEPTED)

    run = runs.run_full(trigger=MatchRun.Trigger.MANUAL)

    assert run.offers_kept == 1
    assert run.offers_made == 0
    assert run.offers_withdrawn == 0
    assert Offer.objects.get(pk=accepted.pk).status == Offer.Status.ACCEPTED
    assert Offer.objects.get(worker=waiting_worker).status == Offer.Status.PROPOSED


def test_a_full_run_moves_a_waiting_offer_to_a_better_job_and_withdraws_the_old_one():
    worker = skilled()
    old = PostingFactory(expected_monthly=5000)
    runs.run_for_worker(worker_id=worker.pk)
    better = PostingFactory(expected_monthly=7000)

    run = runs.run_full()

    assert run.offers_withdrawn == 1
    assert Offer.objects.get(worker=worker, posting=old).withdraw_reason == Offer.WithdrawReason.REOPTIMISED
    assert Offer.objects.live().get(worker=worker).posting == better
    assert run.blocking_pairs == 0


def test_a_full_run_records_a_fairness_report():
    skilled(poor_labourer=Worker.PoorLabourer.VERIFIED)
    skilled()
    PostingFactory(headcount=1)

    run = runs.run_full()

    by_priority = {row["group"]: row for row in run.fairness if row["dimension"] == "priority"}
    assert by_priority["yes"]["matched"] == 1
    assert by_priority["no"]["matched"] == 0
    assert by_priority["yes"]["mean_net_pay"] > 0
    assert {row["dimension"] for row in run.fairness} == {"county", "gender", "age", "priority"}


@pytest.mark.django_db(transaction=True)
def test_a_second_full_run_while_one_holds_the_lock_is_recorded_as_skipped():
    # The lock belongs to a database session, so the holder runs in another thread (its own connection).
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with full_run_lock() as held:
                assert held
                taken.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(10)
        run = runs.run_full()
    finally:
        release.set()
        holder.join()

    assert run.status == MatchRun.Status.SKIPPED
    assert runs.run_full().status == MatchRun.Status.FINISHED


def test_a_cohort_gets_offers_at_one_posting_in_one_group():
    first, second = skilled(), skilled()
    cohort = cohort_of(first, second)
    PostingFactory(headcount=2)

    runs.run_for_worker(worker_id=first.pk)

    offers = list(Offer.objects.all())
    assert {offer.worker_id for offer in offers} == {first.pk, second.pk}
    assert len({offer.group for offer in offers}) == 1
    assert offers[0].group is not None
    assert {offer.cohort_id for offer in offers} == {cohort.pk}


def test_a_cohort_is_not_split_when_a_posting_has_one_seat():
    first, second = skilled(), skilled()
    cohort_of(first, second)
    PostingFactory(headcount=1)

    runs.run_for_worker(worker_id=first.pk)

    assert not Offer.objects.exists()


def test_a_posting_that_starts_before_the_worker_is_free_is_not_offered():
    worker = skilled(available_from=timezone.localdate() + timedelta(days=60))
    PostingFactory()

    runs.run_for_worker(worker_id=worker.pk)

    assert not Offer.objects.exists()


def test_a_worker_who_chose_provinces_is_offered_work_only_there():
    worker = skilled(destinations=Worker.Destinations.PROVINCES)
    DestinationChoice.objects.create(worker=worker, province=county("441900").parent, rank=1)
    PostingFactory(title="beijing", expected_monthly=9000, site__county=county("110101"))
    guangdong = PostingFactory(title="dongguan", expected_monthly=5200)

    runs.run_for_worker(worker_id=worker.pk)

    assert Offer.objects.get(worker=worker).posting == guangdong


def test_a_trainee_posting_is_offered_to_a_worker_certified_in_its_trade():
    worker = skilled(trade="welder")
    Certificate.objects.create(worker=worker, name="焊工证", occupation=occupation(), level=4)
    posting = PostingFactory(trainees_accepted=True)

    runs.run_for_worker(worker_id=worker.pk)

    offer = Offer.objects.get(worker=worker)
    assert offer.posting == posting
    assert offer.posting_reasons["experience"] == 0
    assert offer.posting_reasons["certificate"] == 20


def test_a_full_run_withdraws_waiting_offers_of_a_closed_posting_and_says_why():
    worker = skilled()
    posting = PostingFactory()
    runs.run_for_worker(worker_id=worker.pk)
    type(posting).objects.filter(pk=posting.pk).update(status="closed")

    run = runs.run_full()

    offer = Offer.objects.get(worker=worker)
    assert (offer.status, offer.withdraw_reason) == (Offer.Status.WITHDRAWN, Offer.WithdrawReason.POSTING_CLOSED)
    assert run.offers_withdrawn == 1
    worker.refresh_from_db()
    assert worker.status == Worker.Status.SEEKING


def test_a_full_run_leaves_alone_an_offer_made_after_it_loaded(monkeypatch):
    worker = skilled()
    PostingFactory()
    original = runs._write

    def newcomer_first(run, *args, **kwargs):
        # Between the full run's load and its write, an incremental run offers a newcomer a job.
        monkeypatch.setattr(runs, "_write", original)
        runs.run_for_worker(worker_id=skilled().pk)
        return original(run, *args, **kwargs)

    monkeypatch.setattr(runs, "_write", newcomer_first)
    run = runs.run_full()

    assert run.offers_withdrawn == 0
    assert Offer.objects.live().count() == 2
    assert Offer.objects.live().filter(worker=worker).exists()
