"""Posting services: saving drafts, the lifecycle, the bureau's decisions and changes to published terms."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jobs.models import Employer, EmployerMember, JobPosting, Site
from jobs.services.postings import (
    posting_approve,
    posting_close,
    posting_mark_filled,
    posting_save,
    posting_submit,
    postings_expire,
)
from jobs.tasks import expire_postings
from outbox import services as outbox_services
from outbox.models import OutboxEvent
from tests.accounts.factories import StaffFactory, county
from tests.jobs.factories import EmployerFactory, MemberFactory, PostingFactory, SiteFactory, occupation

pytestmark = pytest.mark.django_db

DONGGUAN = "441900"
NANBU = "511321"


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """Event ids handed to the broker once their transaction commits."""
    ids: list[int] = []
    monkeypatch.setattr(outbox_services, "event_send", lambda *, event_id: ids.append(event_id) or True)
    return ids


def member_of(**employer_fields: Any) -> EmployerMember:
    return MemberFactory(employer=EmployerFactory(**employer_fields))


def site_of(member: EmployerMember) -> Site:
    return SiteFactory(employer=member.employer)


def offer(**overrides: Any) -> dict[str, Any]:
    """What the form hands the service for a fair offer sheet."""
    return {
        "occupation": occupation(),
        "kind": JobPosting.Kind.REGULAR,
        "title": "电子厂普工",
        "headcount": 30,
        "start_date": timezone.localdate() + timedelta(days=14),
        "contract_months": 12,
        "wage_type": JobPosting.WageType.MONTHLY,
        "wage_rate": Decimal("5200"),
        "expected_monthly": 5200,
        "overtime_rules": "加班按1.5倍工资",
        "probation_months": 1,
        "deduction_dormitory": 150,
        "deduction_meals": 300,
        "deduction_other": 0,
        "deduction_other_note": "",
        "housing_provided": True,
        "meals_provided": True,
        "transport": JobPosting.Transport.POINT_TO_POINT,
        "transport_subsidy": 0,
        "skills_required": "",
        "years_required": 0,
        "certificate_required": "",
        "trainees_accepted": True,
        "training_offered": "岗前培训三天",
        "hours_per_day": Decimal("8"),
        "days_per_week": 6,
        "safety_equipment": "防静电服、手套",
        "description": "",
        "contact_name": "陈经理",
        "contact_phone": "13900139002",
        **overrides,
    }


def draft(member: EmployerMember, **overrides: Any) -> JobPosting:
    return posting_save(member=member, data=offer(**overrides), site=site_of(member))


# Saving --------------------------------------------------------------------------------


def test_saving_creates_a_draft_with_the_sites_county():
    member = member_of()
    site = SiteFactory(employer=member.employer, county=county(NANBU))

    posting = posting_save(member=member, data=offer(), site=site)

    assert posting.status == JobPosting.Status.DRAFT
    assert posting.county_id == NANBU
    assert posting.employer == member.employer
    assert posting.created_by == member.user
    assert posting.contact_phone == "13900139002"
    assert posting.review_flags == []


def test_a_refusal_is_keyed_by_the_field_and_nothing_is_saved():
    member = member_of()

    with pytest.raises(ValidationError) as caught:
        draft(member, headcount=0, description="入职交押金")

    assert caught.value.message_dict == {
        "headcount": ["A posting is for 1 to 5,000 people."],
        "description": ["Workers may not be charged for a job or made to hand over their ID card: “押金”."],
    }
    assert not JobPosting.objects.exists()


def test_flags_are_stored_with_the_draft():
    posting = draft(member_of(), deduction_other_note="工装费", deduction_other=50)

    assert [flag["code"] for flag in posting.review_flags] == ["fee_wording"]


def test_a_site_of_another_employer_is_refused():
    member = member_of()
    with pytest.raises(ValidationError) as caught:
        posting_save(member=member, data=offer(), site=SiteFactory())
    assert caught.value.message_dict == {"site": ["Choose one of your company's sites."]}


def test_a_wrong_contact_phone_is_refused_next_to_its_field():
    with pytest.raises(ValidationError) as caught:
        draft(member_of(), contact_phone="12345")
    assert list(caught.value.message_dict) == ["contact_phone"]


def test_another_employers_member_cannot_edit_a_posting():
    posting = draft(member_of())
    outsider = member_of()
    with pytest.raises(PermissionDenied):
        posting_save(member=outsider, posting=posting, data=offer(), site=site_of(outsider))


# Lifecycle -----------------------------------------------------------------------------


def test_a_verified_employer_in_good_standing_publishes_at_once(sent, django_capture_on_commit_callbacks):
    member = member_of()
    posting = draft(member)

    with django_capture_on_commit_callbacks(execute=True):
        posting = posting_submit(member=member, posting=posting)

    assert posting.status == JobPosting.Status.PUBLISHED
    assert posting.published_at is not None
    assert posting.expires_on == posting.start_date + timedelta(days=30)
    event = OutboxEvent.objects.get()
    assert (event.topic, event.payload) == ("posting.published", {"posting_id": posting.pk})
    assert sent == [event.pk]


def test_a_flagged_posting_goes_to_staff_even_for_a_verified_employer():
    member = member_of()
    posting = posting_submit(member=member, posting=draft(member, description="体检费从工资扣"))

    assert posting.status == JobPosting.Status.SUBMITTED
    assert posting.submitted_at is not None
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize(
    "employer_fields",
    [
        {"verification": Employer.Verification.PENDING},
        {"standing": Employer.Standing.WATCH},
    ],
)
def test_an_employer_not_verified_or_not_in_good_standing_goes_to_staff(employer_fields):
    member = member_of(**employer_fields)
    posting = posting_submit(member=member, posting=draft(member))
    assert posting.status == JobPosting.Status.SUBMITTED


def test_submitting_reruns_the_rules_and_a_refusal_blocks():
    member = member_of()
    posting = draft(member)
    JobPosting.objects.filter(pk=posting.pk).update(start_date=timezone.localdate() - timedelta(days=1))

    with pytest.raises(ValidationError) as caught:
        posting_submit(member=member, posting=posting)

    assert caught.value.message_dict == {"start_date": ["The start date has already passed."]}
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.DRAFT


def test_only_a_draft_can_be_submitted():
    member = member_of()
    posting = PostingFactory(employer=member.employer)
    with pytest.raises(ValidationError, match="Only a draft can be sent"):
        posting_submit(member=member, posting=posting)


def test_staff_of_the_sites_region_approve_and_publish(sent, django_capture_on_commit_callbacks):
    member = member_of(verification=Employer.Verification.VERIFIED, standing=Employer.Standing.WATCH)
    posting = posting_submit(member=member, posting=draft(member))
    staff = StaffFactory(home_region=county(DONGGUAN))

    with django_capture_on_commit_callbacks(execute=True):
        posting = posting_approve(posting=posting, staff=staff, approve=True, note="")

    assert posting.status == JobPosting.Status.PUBLISHED
    assert posting.approved_by == staff
    assert OutboxEvent.objects.get().topic == "posting.published"
    assert len(sent) == 1


def test_staff_out_of_region_cannot_approve():
    member = member_of(standing=Employer.Standing.WATCH)
    posting = posting_submit(member=member, posting=draft(member))

    with pytest.raises(PermissionDenied):
        posting_approve(posting=posting, staff=StaffFactory(home_region=county(NANBU)), approve=True, note="")

    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.SUBMITTED


def test_a_posting_of_an_unverified_employer_is_not_published():
    member = member_of(verification=Employer.Verification.PENDING)
    posting = posting_submit(member=member, posting=draft(member))
    staff = StaffFactory(home_region=county(DONGGUAN))

    with pytest.raises(ValidationError, match="Verify the employer before publishing its postings"):
        posting_approve(posting=posting, staff=staff, approve=True, note="")


def test_a_rejection_returns_the_posting_to_draft_with_the_note():
    member = member_of()
    posting = posting_submit(member=member, posting=draft(member, description="体检费从工资扣"))
    staff = StaffFactory(home_region=county(DONGGUAN))

    posting = posting_approve(posting=posting, staff=staff, approve=False, note="体检费由公司承担，请改正")

    assert posting.status == JobPosting.Status.DRAFT
    assert posting.review_flags[0] == {"code": "staff_note", "field": "", "message": "体检费由公司承担，请改正"}


def test_a_rejection_needs_a_note():
    member = member_of(standing=Employer.Standing.WATCH)
    posting = posting_submit(member=member, posting=draft(member))
    with pytest.raises(ValidationError, match="Say what the employer must change"):
        posting_approve(posting=posting, staff=StaffFactory(home_region=county(DONGGUAN)), approve=False, note=" ")


def test_the_bureaus_note_stays_through_edits_until_the_next_submission():
    member = member_of()
    posting = posting_submit(member=member, posting=draft(member, description="体检费从工资扣"))
    posting = posting_approve(
        posting=posting, staff=StaffFactory(home_region=county(DONGGUAN)), approve=False, note="请改正"
    )

    posting = posting_save(member=member, posting=posting, data=offer(), site=posting.site)
    assert [flag["code"] for flag in posting.review_flags] == ["staff_note"]

    posting = posting_submit(member=member, posting=posting)
    assert posting.status == JobPosting.Status.PUBLISHED
    assert posting.review_flags == []


def test_closing_a_published_posting():
    member = member_of()
    posting = PostingFactory(employer=member.employer)

    posting = posting_close(member=member, posting=posting)

    assert posting.status == JobPosting.Status.CLOSED
    assert posting.closed_at is not None
    with pytest.raises(ValidationError, match="This posting is already closed or expired"):
        posting_close(member=member, posting=posting)


def test_a_closed_posting_can_no_longer_be_changed():
    member = member_of()
    posting = PostingFactory(employer=member.employer, status=JobPosting.Status.CLOSED)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        posting_save(member=member, posting=posting, data=offer(), site=posting.site)


def test_a_posting_is_filled_once_every_position_is_taken():
    posting = PostingFactory(headcount=2, filled_count=1)
    assert posting_mark_filled(posting=posting) is False

    JobPosting.objects.filter(pk=posting.pk).update(filled_count=2)
    assert posting_mark_filled(posting=posting) is True
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.FILLED


def test_expiry_closes_published_postings_past_their_date_only():
    today = timezone.localdate()
    old = PostingFactory(expires_on=today - timedelta(days=1))
    current = PostingFactory(expires_on=today)
    closed = PostingFactory(expires_on=today - timedelta(days=1), status=JobPosting.Status.CLOSED)

    assert postings_expire(today=today) == 1
    assert postings_expire(today=today) == 0

    statuses = dict(JobPosting.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "expired", current.pk: "published", closed.pk: "closed"}


def test_the_expiry_task_calls_the_service():
    PostingFactory(expires_on=timezone.localdate() - timedelta(days=3))
    assert expire_postings() == 1


# Changes to a published posting --------------------------------------------------------


def published(member: EmployerMember) -> JobPosting:
    return posting_submit(member=member, posting=draft(member))


def test_a_pay_change_resubmits_and_announces_the_changed_terms(sent, django_capture_on_commit_callbacks):
    member = member_of(standing=Employer.Standing.WATCH)
    posting = posting_submit(member=member, posting=draft(member))
    posting = posting_approve(posting=posting, staff=StaffFactory(home_region=county(DONGGUAN)), approve=True, note="")
    OutboxEvent.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        posting = posting_save(
            member=member,
            posting=posting,
            data=offer(expected_monthly=4800, wage_rate=Decimal("4800"), deduction_meals=400),
            site=posting.site,
        )

    assert posting.status == JobPosting.Status.SUBMITTED
    event = OutboxEvent.objects.get()
    assert event.topic == "posting.terms_changed"
    assert event.payload == {
        "posting_id": posting.pk,
        "fields": ["deduction_meals", "expected_monthly", "wage_rate"],
    }
    assert sent == [event.pk]


def test_a_terms_change_by_an_auto_approved_employer_stays_published_and_is_announced(
    django_capture_on_commit_callbacks,
):
    member = member_of()
    posting = published(member)
    OutboxEvent.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        posting = posting_save(
            member=member, posting=posting, data=offer(hours_per_day=Decimal("9")), site=posting.site
        )

    assert posting.status == JobPosting.Status.PUBLISHED
    assert OutboxEvent.objects.get().payload["fields"] == ["hours_per_day"]


def test_a_change_to_the_contact_only_changes_nothing_else(django_capture_on_commit_callbacks):
    member = member_of(standing=Employer.Standing.WATCH)
    posting = posting_submit(member=member, posting=draft(member))
    posting = posting_approve(posting=posting, staff=StaffFactory(home_region=county(DONGGUAN)), approve=True, note="")
    OutboxEvent.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        posting = posting_save(
            member=member,
            posting=posting,
            data=offer(contact_name="李主管", contact_phone="13800138000"),
            site=posting.site,
        )

    assert posting.status == JobPosting.Status.PUBLISHED
    assert posting.contact_phone == "13800138000"
    assert not OutboxEvent.objects.exists()


def test_new_fee_wording_on_a_published_posting_sends_it_back_to_staff_without_a_terms_event():
    member = member_of()
    posting = published(member)
    OutboxEvent.objects.all().delete()

    posting = posting_save(member=member, posting=posting, data=offer(description="工装费自理"), site=posting.site)

    assert posting.status == JobPosting.Status.SUBMITTED
    assert not OutboxEvent.objects.exists()
