"""The life of an offer, and the promises the database keeps whatever the services do."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import SmsMessage
from matching.models import Offer, Seat
from matching.services import notifications, offers, runs
from outbox.models import OutboxEvent
from tests.jobs.factories import MemberFactory, PostingFactory
from tests.matching.factories import cohort_of, skilled
from workers.models import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered():
    worker = skilled()
    PostingFactory(headcount=3)
    runs.run_for_worker(worker_id=worker.pk)
    worker.refresh_from_db()
    return worker, Offer.objects.get(worker=worker)


def _move_clock(monkeypatch, delta: timedelta) -> None:
    later = timezone.now() + delta
    monkeypatch.setattr(offers, "_now", lambda: later)


def test_accepting_an_offer_records_the_answer(offered):
    worker, offer = offered

    accepted = offers.offer_accept(worker=worker, offer_id=offer.pk)

    assert accepted.status == Offer.Status.ACCEPTED
    assert accepted.responded_at is not None


def test_nobody_can_answer_another_workers_offer(offered):
    _worker, offer = offered
    stranger = skilled()

    with pytest.raises(PermissionDenied):
        offers.offer_accept(worker=stranger, offer_id=offer.pk)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PROPOSED


def test_an_offer_past_its_deadline_cannot_be_accepted(offered, monkeypatch):
    worker, offer = offered
    _move_clock(monkeypatch, timedelta(hours=73))

    with pytest.raises(offers.OfferError, match="time to answer"):
        offers.offer_accept(worker=worker, offer_id=offer.pk)
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PROPOSED


def test_declining_needs_a_reason_from_the_list(offered):
    worker, offer = offered

    with pytest.raises(offers.OfferError, match="reason"):
        offers.offer_decline(worker=worker, offer_id=offer.pk, reason="because")
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PROPOSED


def test_declining_frees_the_seat_and_the_worker_seeks_again(offered, django_capture_on_commit_callbacks):
    worker, offer = offered

    with django_capture_on_commit_callbacks() as callbacks:
        offers.offer_decline(worker=worker, offer_id=offer.pk, reason=Offer.DeclineReason.PAY)

    offer.refresh_from_db()
    worker.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (Offer.Status.DECLINED, "pay")
    assert worker.status == Worker.Status.SEEKING
    assert not Offer.objects.seated().filter(seat=offer.seat).exists()
    assert len(callbacks) == 1  # the posting is matched again once the decline commits


def test_one_member_declining_withdraws_the_whole_group():
    first, second = skilled(), skilled()
    cohort_of(first, second)
    PostingFactory(headcount=2)
    runs.run_for_worker(worker_id=first.pk)
    mine = Offer.objects.get(worker=first)

    offers.offer_decline(worker=first, offer_id=mine.pk, reason=Offer.DeclineReason.FAMILY)

    other = Offer.objects.get(worker=second)
    assert other.status == Offer.Status.WITHDRAWN
    assert other.withdraw_reason == Offer.WithdrawReason.COHORT


def test_offers_expire_after_the_deadline_and_only_then(offered, monkeypatch):
    _worker, offer = offered
    assert offers.offers_expire() == 0

    _move_clock(monkeypatch, timedelta(hours=72, seconds=1))
    assert offers.offers_expire() == 1

    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.EXPIRED
    assert offers.offers_expire() == 0


def test_a_reminder_goes_out_once_when_the_deadline_is_near(offered, monkeypatch, django_capture_on_commit_callbacks):
    _worker, offer = offered
    assert offers.offers_remind() == 0

    _move_clock(monkeypatch, timedelta(hours=61))
    with django_capture_on_commit_callbacks() as callbacks:
        assert offers.offers_remind() == 1
    assert offers.offers_remind() == 0
    assert Offer.objects.get(pk=offer.pk).reminded_at is not None
    assert len(callbacks) == 1


def test_the_employer_confirms_an_accepted_offer_and_records_arrival(offered):
    worker, offer = offered
    member = MemberFactory(employer=offer.posting.employer)
    offers.offer_accept(worker=worker, offer_id=offer.pk)

    offers.offer_confirm(member=member, offer_id=offer.pk)
    placed = offers.offer_arrival(member=member, offer_id=offer.pk, arrived=True)

    assert placed.status == Offer.Status.PLACED
    assert OutboxEvent.objects.filter(topic=offers.TOPIC_OFFER_CONFIRMED, payload__offer_id=offer.pk).count() == 1
    placed.posting.refresh_from_db()
    assert placed.posting.filled_count == 1
    worker.refresh_from_db()
    assert worker.status == Worker.Status.EMPLOYED


def test_a_no_show_frees_the_seat(offered):
    worker, offer = offered
    member = MemberFactory(employer=offer.posting.employer)
    offers.offer_accept(worker=worker, offer_id=offer.pk)
    offers.offer_confirm(member=member, offer_id=offer.pk)

    offers.offer_arrival(member=member, offer_id=offer.pk, arrived=False)

    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.NO_SHOW
    assert not Offer.objects.seated().filter(seat=offer.seat).exists()


def test_an_employer_cannot_confirm_an_offer_the_worker_has_not_accepted(offered):
    _worker, offer = offered
    member = MemberFactory(employer=offer.posting.employer)

    with pytest.raises(offers.OfferError, match="accepted"):
        offers.offer_confirm(member=member, offer_id=offer.pk)


def test_another_employer_cannot_touch_the_offer(offered):
    _worker, offer = offered

    with pytest.raises(PermissionDenied):
        offers.offer_confirm(member=MemberFactory(), offer_id=offer.pk)


def test_the_database_refuses_a_second_live_offer_for_a_worker(offered):
    worker, offer = offered
    seat = Seat.objects.exclude(pk=offer.seat_id).filter(posting=offer.posting).first()

    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(
            worker=worker,
            posting=offer.posting,
            seat=seat,
            worker_score=1,
            posting_score=1,
            expires_at=offer.expires_at,
        )


def test_the_database_refuses_a_second_offer_for_a_seat(offered):
    _worker, offer = offered
    other = skilled()

    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(
            worker=other,
            posting=offer.posting,
            seat=offer.seat,
            worker_score=1,
            posting_score=1,
            expires_at=offer.expires_at,
        )


def test_a_new_offer_is_texted_to_the_worker_in_their_language(offered):
    worker, offer = offered
    worker.user.preferred_language = "zh-hans"
    worker.user.save()

    assert notifications.offers_notify(offer_ids=[offer.pk], kind="new") == 1

    message = SmsMessage.objects.get()
    assert message.kind == "offer.new"
    assert message.body.startswith(f"春风：{offer.posting.employer.name}向您发出")
    assert f"/offers/{offer.pk}/" in message.body
