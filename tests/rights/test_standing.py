"""Employer standing from cases and retention, and what it does: rank in matching, new postings, staff alerts."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import SmsMessage
from jobs.models import Employer, JobPosting
from jobs.services.postings import posting_submit
from matching.loading import load_postings, open_postings
from matching.models import Offer
from rights import services
from rights.models import Case
from tests.accounts.factories import StaffFactory, county
from tests.jobs.factories import MemberFactory, PostingFactory
from tests.matching.factories import OfferFactory
from tests.rights.factories import case_for, placed
from workers.models import Worker

pytestmark = pytest.mark.django_db


def test_a_recovery_and_an_arbitration_put_the_employer_under_watch():
    offer = placed()
    employer = offer.posting.employer
    case_for(offer, status=Case.Status.RECOVERED, substantiated=True, recovered_on=timezone.localdate())

    assert services.employer_standing_compute(employer_id=employer.pk).standing == Employer.Standing.GOOD

    case_for(placed(posting=offer.posting), status=Case.Status.INVESTIGATING, substantiated=True)
    report = services.employer_standing_compute(employer_id=employer.pk)

    assert (report.standing, report.reasons) == (Employer.Standing.WATCH, [["open_cases", 1], ["recovered", 1]])


def test_few_workers_kept_for_ninety_days_put_the_employer_under_watch():
    first = placed(arrived=timezone.now() - timedelta(days=120))
    posting = first.posting
    others = [placed(posting=posting, arrived=timezone.now() - timedelta(days=100)) for _ in range(4)]
    # Three of the five left: back home, or placed again elsewhere later.
    Worker.objects.filter(pk__in=[others[0].worker_id, others[1].worker_id]).update(status=Worker.Status.BACK_HOME)
    OfferFactory(worker=others[2].worker, status=Offer.Status.PLACED, closed_at=timezone.now() - timedelta(days=10))

    report = services.employer_standing_compute(employer_id=posting.employer_id)

    assert report.retention == {30: 40, 90: 40, 180: None}
    assert (report.standing, report.reasons) == (Employer.Standing.WATCH, [["retention_30", 40], ["retention", 40]])


def test_a_large_recovery_weighs_more_than_a_small_one():
    offer = placed()
    case_for(offer, status=Case.Status.RECOVERED, recovered_on=timezone.localdate(), recovered_amount=60000)

    report = services.employer_standing_compute(employer_id=offer.posting.employer_id)

    assert (report.standing, report.reasons) == (
        Employer.Standing.WATCH,
        [["recovered", 1], ["recovered_amount", 60000]],
    )


def test_retention_needs_five_arrivals_old_enough():
    offer = placed(arrived=timezone.now() - timedelta(days=120))
    Worker.objects.filter(pk=offer.worker_id).update(status=Worker.Status.BACK_HOME)

    assert services.employer_standing_compute(employer_id=offer.posting.employer_id).retention_percent is None


def test_a_blocked_employer_leaves_matching_and_cannot_send_a_posting_and_staff_are_told(
    django_capture_on_commit_callbacks,
):
    offer = placed()
    employer = offer.posting.employer
    accepted = OfferFactory(posting=offer.posting, status=Offer.Status.ACCEPTED)
    clerk = StaffFactory(home_region=county(employer.region_id), phone="13800000021", preferred_language="en")
    open_posting = PostingFactory(employer=employer, site=offer.posting.site)
    draft = PostingFactory(employer=employer, site=offer.posting.site, status=JobPosting.Status.DRAFT)
    for _ in range(2):
        case_for(placed(posting=offer.posting), status=Case.Status.MEDIATION, substantiated=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.employer_standing_refresh(employer_id=employer.pk)

    assert Employer.objects.get(pk=employer.pk).standing == Employer.Standing.BLOCKED
    assert not open_postings(today=timezone.localdate()).filter(pk=open_posting.pk).exists()
    assert Offer.objects.get(pk=accepted.pk).status == Offer.Status.ACCEPTED
    [alert] = SmsMessage.objects.filter(kind="rights.blocked")
    assert alert.phone == clerk.phone and "1 accepted offers" in alert.body
    with pytest.raises(ValidationError, match="blocked new postings"):
        posting_submit(member=MemberFactory(employer=employer), posting=draft)
    assert JobPosting.objects.get(pk=draft.pk).status == JobPosting.Status.DRAFT


def test_a_watched_employer_ranks_lower_in_matching():
    offer = placed()
    employer = offer.posting.employer
    case_for(offer, status=Case.Status.INVESTIGATING, substantiated=True)
    case_for(placed(posting=offer.posting), status=Case.Status.RECOVERED, recovered_on=timezone.localdate())

    services.employer_standing_refresh(employer_id=employer.pk)

    arrays = load_postings(JobPosting.objects.filter(pk=offer.posting_id), today=timezone.localdate(), held="seated")
    assert Employer.objects.get(pk=employer.pk).standing == Employer.Standing.WATCH
    assert arrays.standing.tolist() == [1]
