"""An employer's candidates page: who is offered, why, and confirming and recording arrival."""

import html

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobs.models import EmployerMember, JobPosting
from matching.models import Offer
from tests.jobs.factories import MemberFactory, PostingFactory
from tests.matching.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client: Client) -> EmployerMember:
    member = MemberFactory()
    client.force_login(member.user)
    return member


@pytest.fixture
def posting(member) -> JobPosting:
    return PostingFactory(employer=member.employer, headcount=5)


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def candidates_url(posting: JobPosting) -> str:
    return reverse("matching:candidates", args=[posting.pk])


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/employer/postings/1/candidates/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_employer_sees_the_candidates_of_an_own_posting_with_reasons(client, posting):
    offer = OfferFactory(posting=posting, worker__real_name="王建国", worker__user__phone="13811112222")

    page = text(client.get(candidates_url(posting)))

    assert "王**" in page
    assert "Waiting for the worker" in page
    assert "6 years of experience" in page
    assert "Senior certificate" in page
    assert "Comes with a group from home" in page
    assert "36 years old" in page
    assert "Zhenxiong Xian" in page
    assert "王建国" not in page
    assert "13811112222" not in page
    assert offer.worker.id_number not in page


def test_without_offers_the_page_says_the_matcher_proposes_workers(client, posting):
    page = text(client.get(candidates_url(posting)))

    assert "No candidates yet: the matcher proposes workers who fit this job automatically" in page
    assert reverse("matching:reservations", args=[posting.pk]) in client.get(candidates_url(posting)).content.decode()


def test_another_employers_posting_is_not_found(client, member):
    assert client.get(candidates_url(PostingFactory())).status_code == 404


def test_an_accepted_offer_shows_a_confirm_button_and_is_confirmed(client, posting, django_capture_on_commit_callbacks):
    offer = OfferFactory(posting=posting, status=Offer.Status.ACCEPTED)
    confirm = reverse("matching:offer_confirm", args=[offer.pk])
    assert confirm in text(client.get(candidates_url(posting)))

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(confirm, follow=True)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.CONFIRMED
    assert response.redirect_chain[-1][0] == candidates_url(posting)
    assert "Confirmed." in messages_of(response)[0]


def test_confirming_an_offer_the_worker_has_not_accepted_is_refused(client, posting):
    offer = OfferFactory(posting=posting)

    response = client.post(reverse("matching:offer_confirm", args=[offer.pk]), follow=True)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.PROPOSED
    assert messages_of(response) == ["Only an offer the worker has accepted can be confirmed."]


def test_arrival_yes_places_the_worker_and_fills_a_position(client, posting, django_capture_on_commit_callbacks):
    offer = OfferFactory(posting=posting, status=Offer.Status.CONFIRMED)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("matching:offer_arrival", args=[offer.pk]), {"arrived": "yes"}, follow=True)

    offer.refresh_from_db()
    posting.refresh_from_db()
    assert offer.status == Offer.Status.PLACED
    assert posting.filled_count == 1
    assert "the worker arrived" in messages_of(response)[0]


def test_arrival_no_records_a_no_show(client, posting, django_capture_on_commit_callbacks):
    offer = OfferFactory(posting=posting, status=Offer.Status.CONFIRMED)

    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("matching:offer_arrival", args=[offer.pk]), {"arrived": "no"})

    offer.refresh_from_db()
    posting.refresh_from_db()
    assert offer.status == Offer.Status.NO_SHOW
    assert posting.filled_count == 0


def test_arrival_without_an_answer_changes_nothing(client, posting):
    offer = OfferFactory(posting=posting, status=Offer.Status.CONFIRMED)

    response = client.post(reverse("matching:offer_arrival", args=[offer.pk]), {"arrived": "maybe"}, follow=True)

    offer.refresh_from_db()
    assert offer.status == Offer.Status.CONFIRMED
    assert messages_of(response) == ["Say whether the worker arrived."]


def test_another_employers_offer_is_not_found(client, member):
    offer = OfferFactory(status=Offer.Status.ACCEPTED)

    assert client.post(reverse("matching:offer_confirm", args=[offer.pk])).status_code == 404
    assert client.post(reverse("matching:offer_arrival", args=[offer.pk]), {"arrived": "yes"}).status_code == 404
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED


def test_the_dashboard_counts_offers_per_posting_without_a_query_per_row(client, member):
    first = PostingFactory(employer=member.employer, headcount=5, title="甲")
    OfferFactory(posting=first)
    OfferFactory(posting=first)
    dashboard = reverse("jobs:employer_dashboard")
    client.get(dashboard)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        page = text(client.get(dashboard))
    for title in ("乙", "丙", "丁"):
        OfferFactory(posting=PostingFactory(employer=member.employer, title=title))
    with CaptureQueriesContext(connection) as four:
        client.get(dashboard)

    assert "<td>2</td>" in page and "<td>3</td>" in page  # two offered, three still open
    assert len(four.captured_queries) == len(one.captured_queries)
