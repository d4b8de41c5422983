"""A posting's public offer sheet: everything a worker needs, the phone masked, nothing that is not public."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import Employer
from tests.jobs.factories import CampaignFactory, EmployerFactory, PostingFactory

pytestmark = pytest.mark.django_db


def _get(client, posting):
    return client.get(reverse("jobs:job_detail", args=[posting.pk]), HTTP_ACCEPT_LANGUAGE="en")


def test_the_offer_sheet_shows_pay_deductions_net_pay_conditions_and_the_workplace(client):
    posting = PostingFactory(
        expected_monthly=6000,
        deduction_dormitory=200,
        deduction_meals=300,
        deduction_other=100,
        deduction_other_note="work clothes",
        probation_months=2,
        overtime_rules="1.5x on weekdays",
        safety_equipment="gloves and goggles",
        transport="subsidy",
        transport_subsidy=400,
        campaign=CampaignFactory(name="Spring drive"),
    )

    content = _get(client, posting).content.decode()

    assert "5400 yuan a month after deductions" in content
    for text in ["work clothes", "1.5x on weekdays", "gloves and goggles", "400", "Spring drive", "Good standing"]:
        assert text in content
    assert posting.site.address in content


def test_the_offer_sheet_masks_the_contact_phone(client):
    posting = PostingFactory(contact_phone="13912345678")

    content = _get(client, posting).content.decode()

    assert "139****5678" in content
    assert "13912345678" not in content


@pytest.mark.parametrize("status", ["draft", "submitted", "filled", "closed", "expired"])
def test_a_posting_that_is_not_published_is_not_found(client, status):
    assert _get(client, PostingFactory(status=status)).status_code == 404


def test_a_blocked_employers_posting_is_not_found(client):
    posting = PostingFactory(employer=EmployerFactory(standing=Employer.Standing.BLOCKED))

    assert _get(client, posting).status_code == 404


def test_a_posting_past_its_expiry_date_is_not_found(client):
    posting = PostingFactory(expires_on=timezone.localdate() - timedelta(days=1))

    assert _get(client, posting).status_code == 404
