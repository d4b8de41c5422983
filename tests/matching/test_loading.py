"""From rows to arrays: what the loaders read, and the seats a posting still has."""

from datetime import date

import numpy as np
import pytest

from jobs.models import Employer
from matching.loading import ADULT_AGE, _adult_from, day_number, load_postings, load_workers, matchable_workers
from matching.models import Offer
from matching.services import runs
from tests.jobs.factories import PostingFactory, occupation
from tests.matching.factories import cohort_of, skilled
from workers.models import Certificate, DestinationChoice, Worker

pytestmark = pytest.mark.django_db
TODAY = date(2027, 2, 1)


def test_the_age_rule_counts_from_the_sixteenth_birthday_and_refuses_an_unknown_one():
    assert _adult_from(date(2008, 2, 29)) == day_number(date(2024, 2, 29), missing=0)
    assert _adult_from(date(2084, 2, 29)) == day_number(date(2100, 3, 1), missing=0)
    assert _adult_from(date(2009, 2, 28)) == day_number(date(2009 + ADULT_AGE, 2, 28), missing=0)
    assert _adult_from(None) == np.iinfo(np.int32).max


def test_workers_load_with_skills_certificates_choices_and_dense_cohorts():
    first = skilled(years=4, destinations=Worker.Destinations.PROVINCES)
    DestinationChoice.objects.create(worker=first, province_id=first.hukou_county_id[:2] + "0000", rank=2)
    Certificate.objects.create(worker=first, name="电工证", occupation=occupation("electrician"), level=3)
    second, third = skilled(), skilled()
    cohort = cohort_of(second, third)

    arrays, cohort_ids = load_workers(matchable_workers())

    assert list(arrays.ids) == sorted([first.pk, second.pk, third.pk])
    i = list(arrays.ids).index(first.pk)
    assert arrays.destinations_mode[i] == 1
    assert arrays.destination_provinces[i].tolist() == [-1, int(first.hukou_county_id[:2]), -1, -1, -1]
    assert arrays.skill_years[arrays.skill_ptr[i] : arrays.skill_ptr[i + 1]].tolist() == [4]
    assert arrays.cert_level[arrays.cert_ptr[i] : arrays.cert_ptr[i + 1]].tolist() == [3]
    assert arrays.cohort[i] == -1 and arrays.cohort_size[i] == 1
    grouped = arrays.cohort[arrays.cohort >= 0]
    assert grouped.tolist() == [0, 0]
    assert cohort_ids.tolist() == [cohort.pk]
    assert arrays.cohort_size[arrays.cohort >= 0].tolist() == [2, 2]
    assert arrays.home_county[i] == int(first.hukou_county_id)


def test_unfinished_sign_ups_and_erased_workers_are_not_matched():
    done = skilled()
    skilled(signup_step=Worker.SignupStep.WORK)
    gone = skilled()
    Worker.objects.filter(pk=gone.pk).update(deleted_at="2026-01-01T00:00:00Z")

    assert list(matchable_workers().values_list("pk", flat=True)) == [done.pk]


def test_a_posting_loads_with_the_seats_not_held_and_the_legal_minimum(fixture_reference_data):
    posting = PostingFactory(headcount=3, county_id="420102", employer__standing=Employer.Standing.WATCH)
    workers = [skilled(), skilled()]
    for worker in workers:
        runs.run_for_worker(worker_id=worker.pk)
    Offer.objects.filter(worker=workers[0]).update(status=Offer.Status.ACCEPTED)

    seated = load_postings(type(posting).objects.all(), today=TODAY, held="seated")
    committed = load_postings(type(posting).objects.all(), today=TODAY, held="committed")

    assert seated.seats.tolist() == [1]
    assert committed.seats.tolist() == [2]
    assert seated.standing.tolist() == [1]
    assert seated.legal_minimum[0] > 0
    assert np.isfinite(seated.lat[0])
