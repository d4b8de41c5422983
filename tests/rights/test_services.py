"""Rights services: check-ins pre-fill claims, cases move only where they may, standing follows the cases."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AssistedAction, SmsMessage
from accounts.services import assistance_start
from jobs.models import Employer
from rights import services
from rights.models import Case, CaseEvent, WageCheckin
from rights.services.checkins import checkins_prompt
from tests.accounts.factories import AgentFactory, StaffFactory, county
from tests.rights.factories import case_for, placed

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 15)
ARRIVED = datetime(2026, 8, 20, 9, tzinfo=UTC)


def test_an_unpaid_month_prefills_a_claim_from_the_offer_sheet():
    offer = placed(arrived=ARRIVED)
    worker = offer.worker
    services.checkin_answer(
        worker=worker,
        offer_id=offer.pk,
        month=date(2026, 9, 1),
        answer="part",
        amount_paid=Decimal("3000"),
        by=worker.user,
        today=TODAY,
    )
    services.checkin_answer(
        worker=worker, offer_id=offer.pk, month=date(2026, 10, 1), answer="unpaid", by=worker.user, today=TODAY
    )

    draft = services.claim_draft(worker=worker, offer_id=offer.pk)

    assert (draft.period_start, draft.period_end) == (date(2026, 9, 1), date(2026, 10, 1))
    assert draft.amount == Decimal("2200") + Decimal("5200")


def test_a_part_payment_must_be_less_than_the_offer_sheet():
    offer = placed(arrived=ARRIVED)
    with pytest.raises(ValidationError) as error:
        services.checkin_answer(
            worker=offer.worker,
            offer_id=offer.pk,
            month=date(2026, 10, 1),
            answer="part",
            amount_paid=Decimal("5200"),
            by=offer.worker.user,
            today=TODAY,
        )
    assert "paid in full" in str(error.value)
    assert not WageCheckin.objects.exists()


def test_the_month_asked_about_is_last_month_until_answered():
    offer = placed(arrived=ARRIVED)
    due = services.checkin_due(worker=offer.worker, today=TODAY)
    assert (due.offer, due.month, due.expected) == (offer, date(2026, 10, 1), Decimal("5200"))

    services.checkin_answer(
        worker=offer.worker, offer_id=offer.pk, month=due.month, answer="paid", by=offer.worker.user, today=TODAY
    )

    assert services.checkin_due(worker=offer.worker, today=TODAY) is None


def test_filing_a_claim_puts_it_with_both_bureaus_and_a_deadline():
    offer = placed()

    case = services.case_file(
        worker=offer.worker,
        employer=offer.posting.employer,
        kind="wages",
        description="十月工资没有发",
        amount_claimed=Decimal("5200"),
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 1),
        offer=offer,
        by=offer.worker.user,
    )

    assert (case.sending_region_id, case.receiving_region_id) == ("530627", offer.posting.site.county_id)
    assert case.status == Case.Status.RECEIVED and case.stage_due > case.created_at
    assert CaseEvent.objects.get(case=case).status_to == Case.Status.RECEIVED


def test_a_wage_claim_needs_the_months_and_the_amount():
    offer = placed()
    with pytest.raises(ValidationError) as error:
        services.case_file(
            worker=offer.worker, employer=offer.posting.employer, kind="wages", description="x", by=offer.worker.user
        )
    assert set(error.value.message_dict) == {"amount_claimed", "period_start"}
    assert not Case.objects.exists()


def test_staff_of_either_county_move_a_case_and_others_may_not():
    case = case_for(placed())
    sending = StaffFactory(home_region=county("530627"))
    outsider = StaffFactory(home_region=county("110101"))

    with pytest.raises(PermissionDenied):
        services.case_move(staff=outsider, case_id=case.pk, to="assigned")
    services.case_move(staff=sending, case_id=case.pk, to="assigned")
    with pytest.raises(ValidationError, match="cannot go to"):
        services.case_move(staff=sending, case_id=case.pk, to="recovered")

    case.refresh_from_db()
    assert (case.status, case.assigned_to) == (Case.Status.ASSIGNED, sending)


def test_a_recovery_needs_the_amount_and_a_past_day_and_counts_for_the_standing():
    case = case_for(placed())
    staff = StaffFactory(home_region=county("530627"))
    for to in ("assigned", "investigating"):
        services.case_move(staff=staff, case_id=case.pk, to=to)
    with pytest.raises(ValidationError, match="how much"):
        services.case_move(staff=staff, case_id=case.pk, to="recovered", recovery="full")

    services.case_move(
        staff=staff,
        case_id=case.pk,
        to="recovered",
        recovery="full",
        recovered_amount=Decimal("5200"),
        recovered_on=timezone.localdate() - timedelta(days=1),
    )

    case.refresh_from_db()
    assert case.substantiated and case.recovered_amount == Decimal("5200")
    report = services.employer_standing_compute(employer_id=case.employer_id)
    assert (report.recovered, report.standing) == (1, Employer.Standing.GOOD)


def test_two_open_substantiated_claims_block_the_employer_unless_staff_decided():
    first = placed()
    employer = first.posting.employer
    second = placed(posting=first.posting)
    for offer in (first, second):
        case_for(offer, status=Case.Status.MEDIATION, substantiated=True)

    services.employer_standing_refresh(employer_id=employer.pk)

    employer.refresh_from_db()
    assert employer.standing == Employer.Standing.BLOCKED
    assert employer.standing_reasons == [["open_cases", 2]]

    Employer.objects.filter(pk=employer.pk).update(standing=Employer.Standing.GOOD, standing_by_staff=True)
    services.employer_standing_refresh(employer_id=employer.pk)
    employer.refresh_from_db()
    assert employer.standing == Employer.Standing.GOOD


def test_each_placed_worker_is_asked_once_a_month_about_their_latest_placement(django_capture_on_commit_callbacks):
    offer = placed(arrived=ARRIVED)
    answered = placed(arrived=ARRIVED)
    services.checkin_answer(
        worker=answered.worker,
        offer_id=answered.pk,
        month=date(2026, 10, 1),
        answer="paid",
        by=answered.worker.user,
        today=TODAY,
    )
    for user in (offer.worker.user, answered.worker.user):
        user.preferred_language = "en"
        user.save()

    with django_capture_on_commit_callbacks(execute=True):
        first = checkins_prompt(today=TODAY)
        again = checkins_prompt(today=TODAY)

    assert (first, again) == (1, 0)
    [text] = SmsMessage.objects.filter(kind="rights.checkin")
    assert text.phone == offer.worker.user.phone and "2026-10" in text.body


def test_a_helper_writes_on_the_workers_case_only_under_a_grant_and_it_is_recorded():
    case = case_for(placed())
    worker_user = case.worker.user
    agent = AgentFactory(home_region=county("530627"))
    with pytest.raises(PermissionDenied):
        services.case_message(user=agent, case_id=case.pk, body="我替他补充一下")
    grant = assistance_start(
        actor=agent, worker_phone=worker_user.phone, consent_method="signed_form", form_reference="B"
    )

    services.case_message(user=agent, case_id=case.pk, body="我替他补充一下", grant=grant)

    assert CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.MESSAGE).by == agent
    assert AssistedAction.objects.get().action == "rights.case_message"
