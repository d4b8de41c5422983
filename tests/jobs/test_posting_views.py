"""The offer-sheet pages: the form, sending for publishing, closing, and who may open them."""

import html
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs.models import Employer, EmployerMember, JobPosting
from outbox.models import OutboxEvent
from tests.jobs.factories import MemberFactory, PostingFactory, SiteFactory, occupation
from tests.test_page_weight import BUDGET, page_weight

pytestmark = pytest.mark.django_db

CREATE = reverse("jobs:posting_create")


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def logged_in(client: Client, **employer_fields) -> EmployerMember:
    member = MemberFactory(**{f"employer__{name}": value for name, value in employer_fields.items()})
    client.force_login(member.user)
    return member


def form_data(member: EmployerMember, **overrides: str) -> dict[str, str]:
    site = member.employer.sites.first() or SiteFactory(employer=member.employer)
    return {
        "occupation": occupation().code,
        "title": "电子厂普工",
        "kind": "regular",
        "site": str(site.pk),
        "headcount": "30",
        "start_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "contract_months": "12",
        "wage_type": "monthly",
        "wage_rate": "5200",
        "expected_monthly": "5,200",
        "overtime_rules": "",
        "probation_months": "",
        "deduction_dormitory": "150",
        "deduction_meals": "300",
        "deduction_other": "",
        "deduction_other_note": "",
        "housing_provided": "on",
        "meals_provided": "on",
        "transport": "p2p",
        "transport_subsidy": "",
        "skills_required": "",
        "years_required": "",
        "certificate_required": "",
        "training_offered": "",
        "hours_per_day": "8",
        "days_per_week": "6",
        "safety_equipment": "",
        "description": "",
        "contact_name": "陈经理",
        "contact_phone": "139 0013 9002",
    } | overrides


# Who may open the pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        CREATE,
        "/employer/postings/1/edit/",
        "/employer/postings/1/close/",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("action", ["posting_edit", "posting_close"])
def test_another_employers_posting_is_not_found(client, action):
    logged_in(client)
    other = PostingFactory()

    assert client.get(reverse(f"jobs:{action}", args=[other.pk])).status_code == 404


def test_another_employers_posting_cannot_be_submitted_or_closed(client):
    logged_in(client)
    other = PostingFactory(status=JobPosting.Status.DRAFT)

    assert client.post(reverse("jobs:posting_submit", args=[other.pk])).status_code == 404
    assert client.post(reverse("jobs:posting_close", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.status == JobPosting.Status.DRAFT


def test_submit_answers_only_post(client):
    member = logged_in(client)
    posting = PostingFactory(employer=member.employer, status=JobPosting.Status.DRAFT)
    assert client.get(reverse("jobs:posting_submit", args=[posting.pk])).status_code == 405


# The form -------------------------------------------------------------------------------


def test_without_a_site_the_page_sends_the_employer_to_add_one(client):
    logged_in(client)

    page = text(client.get(CREATE))

    assert "Add your company's sites first." in page
    assert reverse("jobs:employer_sites") in page


def test_the_form_states_the_deduction_share_limit(client):
    member = logged_in(client)
    SiteFactory(employer=member.employer)
    occupation()

    page = text(client.get(CREATE))

    assert "within 30% of the expected monthly pay" in page
    assert '<optgroup label="Manufacturing">' in page


def test_an_employer_saves_a_draft_and_lands_on_its_page(client):
    member = logged_in(client)

    response = client.post(CREATE, form_data(member))

    posting = JobPosting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:posting_edit", args=[posting.pk])
    assert posting.status == JobPosting.Status.DRAFT
    assert posting.expected_monthly == 5200
    assert posting.probation_months == 0
    assert posting.contact_phone == "13900139002"
    page = text(client.get(response["Location"]))
    assert "Status: Draft" in page
    assert "Net monthly pay, as saved: 4750 yuan" in page


def test_a_monthly_wage_fills_the_expected_pay_when_left_empty(client):
    member = logged_in(client)

    client.post(CREATE, form_data(member, wage_rate="5300", expected_monthly=""))

    assert JobPosting.objects.get().expected_monthly == 5300


def test_a_piece_rate_without_expected_pay_is_refused_next_to_the_field(client):
    member = logged_in(client)

    page = text(client.post(CREATE, form_data(member, wage_type="piece", wage_rate="0.8", expected_monthly="")))

    assert "With a piece or hourly rate, say what a worker can expect to earn in a normal month." in page
    assert not JobPosting.objects.exists()


def test_refusals_show_next_to_their_fields_and_keep_what_was_typed(client):
    member = logged_in(client)

    page = text(client.post(CREATE, form_data(member, headcount="5001", skills_required="限男性，能吃苦")))

    assert "A posting is for 1 to 5,000 people." in page
    assert "A job may not be limited by gender, ethnicity or where a worker's hukou is: “限男性”." in page
    assert 'value="5001"' in page
    assert "限男性，能吃苦" in page
    assert not JobPosting.objects.exists()


def test_flags_are_shown_as_a_notice_after_saving(client):
    member = logged_in(client)

    response = client.post(CREATE, form_data(member, deduction_other="50", deduction_other_note="工装费"))

    page = text(client.get(response["Location"]))
    assert "The bureau will look at:" in page
    assert "the bureau checks that the worker pays nothing: “工装费”." in page


def test_sending_a_draft_publishes_it_for_a_verified_employer(client, django_capture_on_commit_callbacks):
    member = logged_in(client)
    client.post(CREATE, form_data(member))
    posting = JobPosting.objects.get()

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("jobs:posting_submit", args=[posting.pk]), follow=True)

    assert "The posting is published: workers can find it now." in text(response)
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.PUBLISHED
    assert OutboxEvent.objects.get().topic == "posting.published"


def test_sending_a_draft_of_a_pending_employer_waits_for_the_bureau(client):
    member = logged_in(client, verification=Employer.Verification.PENDING)
    client.post(CREATE, form_data(member))
    posting = JobPosting.objects.get()

    page = text(client.post(reverse("jobs:posting_submit", args=[posting.pk]), follow=True))

    assert "The posting is sent to the bureau, which checks it before it goes public." in page
    assert "Status: Waiting for the bureau" in page


def test_a_refused_submission_shows_why(client):
    member = logged_in(client)
    posting = PostingFactory(
        employer=member.employer,
        status=JobPosting.Status.DRAFT,
        start_date=timezone.localdate() - timedelta(days=2),
    )

    page = text(client.post(reverse("jobs:posting_submit", args=[posting.pk]), follow=True))

    assert "The start date has already passed." in page
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.DRAFT


def test_closing_asks_first_then_closes(client):
    member = logged_in(client)
    posting = PostingFactory(employer=member.employer)
    url = reverse("jobs:posting_close", args=[posting.pk])

    assert "it cannot be opened again" in text(client.get(url))
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.PUBLISHED

    page = text(client.post(url, follow=True))

    assert "The posting is closed." in page
    assert "This posting can no longer be changed." in page
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.CLOSED


def test_a_terms_change_on_a_published_posting_from_the_form_is_announced(client, django_capture_on_commit_callbacks):
    member = logged_in(client, standing=Employer.Standing.WATCH)
    posting = PostingFactory(employer=member.employer, site=SiteFactory(employer=member.employer))
    data = form_data(member, wage_rate="5600", expected_monthly="5600")

    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("jobs:posting_edit", args=[posting.pk]), data)

    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.SUBMITTED
    event = OutboxEvent.objects.get()
    assert event.topic == "posting.terms_changed"
    assert "expected_monthly" in event.payload["fields"]


# Weight and queries ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_form_page_weighs_under_60_kb_with_every_occupation(language, real_reference_data):
    client = Client(headers={"accept-language": language})
    member = logged_in(client)
    posting = PostingFactory(employer=member.employer, status=JobPosting.Status.DRAFT)
    posting.review_flags = [{"code": "fee_wording", "field": "description", "message": "x" * 200}]
    posting.save()

    total, sizes = page_weight(client, reverse("jobs:posting_edit", args=[posting.pk]))

    assert total < BUDGET, sizes


def test_the_form_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    member = logged_in(client)
    posting = PostingFactory(employer=member.employer, status=JobPosting.Status.DRAFT)
    for _n in range(5):
        SiteFactory(employer=member.employer)

    with django_assert_max_num_queries(10):
        text(client.get(reverse("jobs:posting_edit", args=[posting.pk])))
