"""An employer's standing in plain words, shown to workers on the posting page and on their offers."""

import html

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from jobs.models import Employer
from jobs.templatetags.standing import reason_words
from matching.models import Offer
from tests.jobs.factories import EmployerFactory, PostingFactory
from tests.matching.factories import OfferFactory
from tests.workers.factories import WorkerProfileFactory

pytestmark = pytest.mark.django_db


def _line(employer: Employer) -> str:
    rendered = Template("{% load standing %}{% employer_standing employer %}").render(Context({"employer": employer}))
    return " ".join(html.unescape(strip_tags(rendered)).split())


def _watched(**fields) -> Employer:
    values = {"standing": Employer.Standing.WATCH, "standing_reasons": [["open_cases", 2], ["retention", 40]]}
    return EmployerFactory(**(values | fields))


@pytest.mark.parametrize(
    ("reasons", "words"),
    [
        ([["open_cases", 1]], "1 claim by workers that the bureau found well founded is still open"),
        ([["open_cases", 3]], "3 claims by workers that the bureau found well founded are still open"),
        ([["arbitration", 1]], "1 case went to labour arbitration in the last year"),
        ([["arbitration", 2]], "2 cases went to labour arbitration in the last year"),
        ([["recovered", 1]], "the bureau had to recover unpaid wages in 1 case in the last year"),
        ([["recovered", 4]], "the bureau had to recover unpaid wages in 4 cases in the last year"),
        ([["retention", 40]], "only 40% of workers placed there stayed 90 days"),
    ],
)
def test_each_reason_is_put_in_plain_words(reasons, words):
    line = _line(EmployerFactory.build(standing=Employer.Standing.WATCH, standing_reasons=reasons))

    assert line.endswith(f"Under watch — {words}.")


def test_several_reasons_make_one_sentence():
    line = _line(_watched())

    assert line.endswith(
        "Under watch — 2 claims by workers that the bureau found well founded are still open; "
        "only 40% of workers placed there stayed 90 days."
    )


def test_a_blocked_employer_says_so_with_its_reasons():
    line = _line(EmployerFactory.build(standing=Employer.Standing.BLOCKED, standing_reasons=[["arbitration", 3]]))

    assert line.endswith("Blocked — 3 cases went to labour arbitration in the last year.")


def test_good_standing_is_short_and_carries_no_reasons():
    line = _line(EmployerFactory.build(standing=Employer.Standing.GOOD, standing_reasons=[["recovered", 1]]))

    assert line.endswith("Good standing")
    assert "recover" not in line


def test_a_standing_staff_decided_shows_their_note_instead_of_the_computed_reasons():
    employer = _watched(standing_by_staff=True, standing_note="Two dormitory complaints under review.")

    line = _line(employer)

    assert line.endswith("Under watch — the bureau decided this: Two dormitory complaints under review.")
    assert "claims" not in line


def test_unknown_reason_codes_are_left_out():
    line = _line(EmployerFactory.build(standing=Employer.Standing.WATCH, standing_reasons=[["weather", 3], "bad"]))

    assert line.endswith("Under watch")


def test_the_marker_is_beside_the_words_not_instead_of_them():
    rendered = Template("{% load standing %}{% employer_standing employer %}").render(Context({"employer": _watched()}))

    assert '<span aria-hidden="true">⚠</span>' in rendered
    assert "Under watch" in rendered


def test_the_line_reads_in_chinese_with_the_numbers():
    with translation.override("zh-hans"):
        line = _line(_watched())

    assert "2" in line
    assert "40%" in line
    assert "Under watch" not in line
    assert "well founded" not in line
    assert "stayed 90 days" not in line


@pytest.fixture
def watched_offer(client) -> Offer:
    worker = WorkerProfileFactory()
    client.force_login(worker.user)
    return OfferFactory(worker=worker, posting=PostingFactory(employer=_watched()))


def _text(response) -> str:
    assert response.status_code == 200
    return " ".join(html.unescape(response.content.decode()).split())


def test_the_public_posting_page_shows_a_watched_employers_standing_and_why(client):
    posting = PostingFactory(employer=_watched())

    page = _text(client.get(reverse("jobs:job_detail", args=[posting.pk])))

    assert "Under watch — 2 claims by workers that the bureau found well founded are still open" in page


def test_the_workers_offer_page_shows_the_employers_standing(client, watched_offer):
    page = _text(client.get(reverse("matching:offer", args=[watched_offer.pk])))

    assert "Under watch — 2 claims by workers" in page
    assert "only 40% of workers placed there stayed 90 days" in page


def test_the_workers_offer_list_shows_each_standing_without_a_query_per_offer(
    client, watched_offer, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as one_offer:
        client.get(reverse("matching:offers"))
    for standing in [Employer.Standing.GOOD, Employer.Standing.WATCH, Employer.Standing.GOOD]:
        employer = EmployerFactory(standing=standing, standing_reasons=[["recovered", 2]])
        # A worker holds one live offer at a time; the others ended.
        OfferFactory(
            worker=watched_offer.worker, posting=PostingFactory(employer=employer), status=Offer.Status.DECLINED
        )

    with django_assert_max_num_queries(len(one_offer)):
        page = _text(client.get(reverse("matching:offers")))

    assert page.count("Under watch —") == 2
    assert page.count("Good standing") == 2


def test_the_standing_word_reads_in_chinese_already():
    with translation.override("zh-hans"):
        line = _line(EmployerFactory.build(standing=Employer.Standing.WATCH, standing_reasons=[]))

    assert line.endswith("关注")


def test_the_first_month_half_a_year_and_a_large_recovery_read_in_words():
    words = reason_words([["retention_30", 60], ["retention_180", 25], ["recovered_amount", 60000]])

    assert words == [
        "only 60% of workers placed there stayed the first month",
        "only 25% of workers placed there stayed half a year",
        "60,000 yuan of unpaid wages had to be recovered in the last year",
    ]
