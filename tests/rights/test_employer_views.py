"""The employer's case pages: only the company's own cases, never staff notes, and an answer with evidence."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Employer, EmployerMember
from matching.models import Offer
from rights.models import Case, CaseEvent, Evidence
from tests.jobs.factories import MemberFactory
from tests.rights.factories import case_for, placed
from tests.test_page_weight import BUDGET, page_weight

pytestmark = pytest.mark.django_db

CASES = reverse("rights:employer_cases")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def offer() -> Offer:
    offer = placed()
    offer.worker.real_name = "王建国"
    offer.worker.save(update_fields=["real_name"])
    return offer


@pytest.fixture
def case(offer) -> Case:
    return case_for(offer)


@pytest.fixture
def member(client, offer) -> EmployerMember:
    member = MemberFactory(employer=offer.posting.employer)
    client.force_login(member.user)
    return member


def _page(case: Case) -> str:
    return reverse("rights:employer_case", args=[case.pk])


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_employer_sees_its_cases_with_the_worker_masked_and_not_another_employers(client, member, case):
    other = case_for(placed(), amount_claimed=9999)

    page = _text(client.get(CASES))

    assert f'href="{_page(case)}"' in page
    assert "王**" in page
    assert "王建国" not in page
    assert "5200" in page
    assert "Unpaid wages" in page
    assert f'href="{_page(other)}"' not in page
    assert "9999" not in page


def test_another_employers_case_is_a_404(client, member):
    other = case_for(placed())

    assert client.get(_page(other)).status_code == 404
    assert client.post(_page(other), {"body": "不是我们的工人"}).status_code == 404
    assert not CaseEvent.objects.filter(case=other, kind=CaseEvent.Kind.MESSAGE).exists()


def test_a_worker_may_not_open_the_employer_case_pages(client, offer, case):
    client.force_login(offer.worker.user)

    assert client.get(CASES).status_code == 403
    assert client.get(_page(case)).status_code == 403


def test_no_cases_shows_the_empty_state(client, member):
    page = _text(client.get(CASES))

    assert "No worker has filed a claim or dispute against the company." in page


def test_the_list_pages_by_twenty(client, member, offer):
    for _ in range(21):
        case_for(offer)

    first, second = _text(client.get(CASES)), _text(client.get(CASES, {"page": 2}))

    assert "Page 1 of 2" in first
    assert len(re.findall(r'href="/employer/cases/\d+/"', first)) == 20
    assert len(re.findall(r'href="/employer/cases/\d+/"', second)) == 1


def test_the_list_shows_the_companys_standing_in_words(client, member, offer):
    Employer.objects.filter(pk=offer.posting.employer_id).update(
        standing=Employer.Standing.WATCH, standing_reasons=[["open_cases", 2]]
    )

    page = _text(client.get(CASES))

    assert "Under watch — 2 claims by workers that the bureau found well founded are still open." in page


def test_the_case_page_shows_steps_and_messages_but_never_staff_notes(client, member, case):
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.STATUS, status_to=Case.Status.RECEIVED)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.MESSAGE, by=case.worker.user, body="老板说下个月再发")
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE, body="工头电话打不通，先别告诉企业")

    page = _text(client.get(_page(case)))

    assert "老板说下个月再发" in page
    assert "The worker" in page
    assert "Status: Received" in page
    assert "十月工资没有发" in page
    assert "工头电话打不通" not in page
    assert "王建国" not in page


def test_a_reply_with_a_message_and_a_png_is_kept_on_the_case(client, member, case):
    upload = SimpleUploadedFile("pay-slip.png", PNG, content_type="image/png")

    response = client.post(_page(case), {"body": "十月工资已于11月5日转账", "evidence": [upload]})

    assert response.status_code == 302
    message = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.MESSAGE)
    assert (message.by, message.body) == (member.user, "十月工资已于11月5日转账")
    evidence = Evidence.objects.get(case=case)
    assert (evidence.name, evidence.content_type, evidence.uploaded_by) == ("pay-slip.png", "image/png", member.user)
    page = _text(client.get(_page(case)))
    assert f'href="{reverse("rights:evidence", args=[evidence.pk])}"' in page
    assert "Your company" in page


def test_an_empty_reply_shows_the_error_and_keeps_nothing(client, member, case):
    response = client.post(_page(case), {"body": "   "})

    assert "Write a message or add a file." in _text(response)
    assert not CaseEvent.objects.filter(case=case).exists()
    assert not Evidence.objects.exists()


def test_a_refused_file_keeps_the_message_on_the_form_and_stores_nothing(client, member, case):
    upload = SimpleUploadedFile("pay-slip.php.png", PNG, content_type="image/png")

    page = _text(client.post(_page(case), {"body": "工资单见附件", "evidence": [upload]}))

    assert "Give the file a simple name with one extension" in page
    assert "工资单见附件</textarea>" in page
    assert not CaseEvent.objects.filter(case=case).exists()
    assert not Evidence.objects.exists()


def test_the_case_page_weighs_under_the_budget(client, member, case):
    total, sizes = page_weight(client, _page(case))

    assert total < BUDGET, sizes


def test_the_company_pages_link_to_the_cases(client, member):
    page = _text(client.get(reverse("jobs:employer_dashboard")))

    assert f'href="{CASES}"' in page
