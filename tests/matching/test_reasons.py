"""The matcher's score components read as plain lines, in English here (translated elsewhere)."""

import pytest

from matching.reasons import offer_posting_lines, offer_worker_lines, posting_reason_lines, worker_reason_lines
from tests.accounts.factories import county
from tests.jobs.factories import PostingFactory, SiteFactory
from tests.matching.factories import OfferFactory


@pytest.mark.parametrize(
    ("reasons", "line"),
    [
        ({"net_pay": 4296.0}, "About 4,300 yuan a month after deductions"),
        ({"housing": 300.0}, "Housing provided: worth about 300 yuan a month"),
        ({"travel": -45.3}, "Trip cost about 45 yuan a month over the contract"),
        ({"travel": 0.0}, "The trip costs you nothing"),
        ({"preference": 250.0}, "You chose Guangdong"),
        ({"preference": 300.0}, "Close to home: in your home prefecture"),
        ({"standing": -500.0}, "Employer on the bureau's watch list"),
    ],
)
def test_each_worker_component_gives_its_line(reasons, line):
    assert worker_reason_lines(reasons, province="Guangdong") == [line]


def test_home_prefecture_in_a_chosen_province_gives_both_lines():
    lines = worker_reason_lines({"preference": 550.0}, province="Hubei")

    assert lines == ["Close to home: in your home prefecture", "You chose Hubei"]


def test_a_chosen_province_without_a_name_still_reads():
    assert worker_reason_lines({"preference": 50.0}) == ["A province you chose"]


def test_zero_bonuses_and_unknown_components_give_no_line():
    assert worker_reason_lines({"preference": 0.0, "housing": 0.0, "standing": 0.0, "mystery": 9.0}) == []


@pytest.mark.parametrize(
    ("reasons", "line"),
    [
        ({"experience": 60.0}, "Welder: 6 years of experience"),
        ({"experience": 10.0}, "Welder: 1 year of experience"),
        ({"experience": 100.0}, "Welder: 10 years of experience or more"),
        ({"certificate": 50.0}, "Senior technician certificate"),
        ({"certificate": 40.0}, "Technician certificate"),
        ({"certificate": 30.0}, "Senior certificate"),
        ({"certificate": 20.0}, "Intermediate certificate"),
        ({"certificate": 10.0}, "Junior certificate"),
        ({"certificate": 5.0}, "A certificate in this trade"),
        ({"priority": 30.0}, "Registered poor labourer (priority)"),
        ({"cohort": 5.0}, "Comes with a group from home"),
    ],
)
def test_each_posting_component_gives_its_line(reasons, line):
    assert posting_reason_lines(reasons, occupation="Welder") == [line]


def test_experience_without_an_occupation_still_reads():
    assert posting_reason_lines({"experience": 30.0}) == ["3 years of experience"]


def test_no_experience_and_the_seniority_tie_breaker_give_no_line():
    assert posting_reason_lines({"experience": 0.0, "certificate": 0.0, "seniority": 0.9}) == []


@pytest.mark.django_db
def test_an_offers_lines_name_the_postings_province_and_trade():
    site = SiteFactory(county=county("440307"))
    offer = OfferFactory(posting=PostingFactory(site=site, employer=site.employer))

    assert "You chose Guangdong Sheng" in offer_worker_lines(offer)
    assert "Electronics assembler: 6 years of experience" in offer_posting_lines(offer)
