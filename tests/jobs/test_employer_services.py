"""Employer services: credit-code rules, registration, members and sites, and the bureau's decisions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import pii
from accounts.models import User
from jobs.models import Employer, EmployerMember, Site
from jobs.services.employers import (
    employer_register,
    employer_standing_set,
    employer_verify,
    member_add,
    member_remove,
    site_add,
)
from outbox import services as outbox_services
from outbox.models import OutboxEvent
from tests.accounts.factories import EmployerFactory as EmployerUserFactory
from tests.accounts.factories import StaffFactory, WorkerFactory, county
from tests.jobs.factories import EmployerFactory, MemberFactory, uscc

pytestmark = pytest.mark.django_db

YIDU = "420581"
NANBU = "511321"
WRONG_FORMAT = "Enter the 18-character unified social credit code shown on the business licence."
WRONG_CHECK = "This credit code does not add up: check each character against the business licence."
DUPLICATE = "This credit code is already registered. Ask the company's owner on Chunfeng to add you as a member."


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """Event ids handed to the broker once their transaction commits."""
    ids: list[int] = []
    monkeypatch.setattr(outbox_services, "event_send", lambda *, event_id: ids.append(event_id) or True)
    return ids


def register(user: User | None = None, **overrides) -> Employer:
    fields = {
        "user": user or EmployerUserFactory(),
        "name": "宜都华新电子有限公司",
        "uscc": uscc(7, region=YIDU),
        "region": county(YIDU),
        "industry": Employer.Industry.MANUFACTURING,
        "contact_name": "陈经理",
        "contact_phone": "139 0013 9002",
    } | overrides
    return employer_register(**fields)


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return list(error.value.messages)


# Registration ---------------------------------------------------------------------


def test_registering_makes_the_user_owner_of_a_pending_company_with_the_phone_normalised():
    user = EmployerUserFactory()

    employer = register(user)

    assert employer.verification == Employer.Verification.PENDING
    assert employer.contact_phone == "13900139002"
    assert EmployerMember.objects.get(employer=employer).user == user
    assert EmployerMember.objects.get(employer=employer).role == EmployerMember.Role.OWNER


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91420581", WRONG_FORMAT),  # too short
        ("91420581000000007X1", WRONG_FORMAT),  # too long
        ("9A4205810000000070", WRONG_FORMAT),  # a letter among the first eight characters
        ("91420581000000007I", WRONG_FORMAT),  # I is not in the code's alphabet
    ],
)
def test_a_credit_code_of_the_wrong_length_or_format_is_refused(code, message):
    with pytest.raises(ValidationError) as error:
        register(uscc=code)

    assert messages_of(error) == [message]
    assert not Employer.objects.exists()


def test_a_credit_code_with_a_wrong_check_character_is_refused():
    good = uscc(7, region=YIDU)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")

    with pytest.raises(ValidationError) as error:
        register(uscc=bad)

    assert messages_of(error) == [WRONG_CHECK]


def test_a_full_width_credit_code_with_spaces_and_lower_case_is_accepted():
    good = uscc(7, region=YIDU)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in good.lower())

    employer = register(uscc=f" {full_width[:6]} {full_width[6:]} ")

    assert employer.uscc == good


def test_a_duplicate_credit_code_is_refused_without_naming_the_holder():
    EmployerFactory(name="宜都华新电子有限公司", uscc=uscc(7, region=YIDU))

    with pytest.raises(ValidationError) as error:
        register(name="另一家公司")

    assert messages_of(error) == [DUPLICATE]
    assert "华新" not in str(error.value)
    assert Employer.objects.count() == 1


def test_a_worker_account_cannot_register_a_company():
    with pytest.raises(ValidationError) as error:
        register(WorkerFactory())

    assert error.value.code == "not_employer"
    assert not Employer.objects.exists()


def test_a_member_of_one_company_cannot_register_another():
    member = MemberFactory()

    with pytest.raises(ValidationError):
        register(member.user)


# Sites and members ----------------------------------------------------------------


def test_owners_and_recruiters_add_sites_to_their_own_company():
    recruiter = MemberFactory(role=EmployerMember.Role.RECRUITER)

    site = site_add(member=recruiter, name=" 二号厂区 ", address="宜都市陆城街道", county=county(YIDU))

    assert (site.employer, site.name) == (recruiter.employer, "二号厂区")


def test_the_owner_adds_a_new_phone_as_an_employer_account():
    owner = MemberFactory()

    added = member_add(owner=owner, phone="13712345678", role=EmployerMember.Role.RECRUITER)

    assert added.employer == owner.employer
    assert added.user.role == User.Role.EMPLOYER
    assert added.user.phone_hash == pii.keyed_hash("13712345678", purpose="phone")
    assert not added.user.has_usable_password()


def test_the_owner_adds_an_existing_employer_account_by_its_phone():
    owner = MemberFactory()
    existing = EmployerUserFactory(phone="13712345678")

    added = member_add(owner=owner, phone="137-1234-5678", role=EmployerMember.Role.OWNER)

    assert (added.user, added.role) == (existing, EmployerMember.Role.OWNER)


def test_a_recruiter_cannot_add_members():
    recruiter = MemberFactory(role=EmployerMember.Role.RECRUITER)

    with pytest.raises(PermissionDenied):
        member_add(owner=recruiter, phone="13712345678", role=EmployerMember.Role.RECRUITER)


def test_a_worker_or_another_companys_member_cannot_be_added():
    owner = MemberFactory()
    WorkerFactory(phone="13712345678")
    elsewhere = MemberFactory()

    with pytest.raises(ValidationError) as worker_error:
        member_add(owner=owner, phone="13712345678", role=EmployerMember.Role.RECRUITER)
    with pytest.raises(ValidationError) as other_error:
        member_add(owner=owner, phone=elsewhere.user.phone, role=EmployerMember.Role.RECRUITER)

    assert worker_error.value.code == "not_employer"
    assert other_error.value.code == "other_employer"
    assert EmployerMember.objects.filter(employer=owner.employer).count() == 1


def test_the_last_owner_cannot_be_removed_but_a_recruiter_can():
    owner = MemberFactory()
    recruiter = MemberFactory(employer=owner.employer, role=EmployerMember.Role.RECRUITER)

    member_remove(owner=owner, member=recruiter)
    with pytest.raises(ValidationError) as error:
        member_remove(owner=owner, member=owner)

    assert error.value.code == "last_owner"
    assert list(EmployerMember.objects.all()) == [owner]


def test_an_owner_cannot_remove_a_member_of_another_company():
    owner, stranger = MemberFactory(), MemberFactory(role=EmployerMember.Role.RECRUITER)

    with pytest.raises(PermissionDenied):
        member_remove(owner=owner, member=stranger)


# The bureau's decisions -----------------------------------------------------------


def test_staff_of_the_region_verify_a_company():
    employer = EmployerFactory(region=county(YIDU), verification=Employer.Verification.PENDING)
    staff = StaffFactory(home_region=county("420000"))

    employer_verify(employer=employer, staff=staff, verified=True, note="")

    employer.refresh_from_db()
    assert employer.is_verified
    assert employer.verified_by == staff
    assert employer.verified_at is not None


def test_staff_outside_the_region_may_not_verify():
    employer = EmployerFactory(region=county(YIDU), verification=Employer.Verification.PENDING)
    staff = StaffFactory(home_region=county(NANBU))

    with pytest.raises(PermissionDenied):
        employer_verify(employer=employer, staff=staff, verified=True, note="")

    employer.refresh_from_db()
    assert employer.verification == Employer.Verification.PENDING


def test_a_rejection_needs_a_note():
    employer = EmployerFactory(region=county(YIDU), verification=Employer.Verification.PENDING)
    staff = StaffFactory(home_region=county(YIDU))

    with pytest.raises(ValidationError) as error:
        employer_verify(employer=employer, staff=staff, verified=False, note="  ")
    employer_verify(employer=employer, staff=staff, verified=False, note="营业执照已注销")

    assert error.value.code == "note_required"
    employer.refresh_from_db()
    assert (employer.verification, employer.verification_note) == (Employer.Verification.REJECTED, "营业执照已注销")


@pytest.mark.parametrize("standing", [Employer.Standing.WATCH, Employer.Standing.BLOCKED])
def test_watch_and_blocked_need_a_note(standing):
    employer = EmployerFactory(region=county(YIDU))
    staff = StaffFactory(home_region=county(YIDU))

    with pytest.raises(ValidationError) as error:
        employer_standing_set(employer=employer, staff=staff, standing=standing, note="")
    employer_standing_set(employer=employer, staff=staff, standing=standing, note="两起欠薪投诉")

    assert error.value.code == "note_required"
    employer.refresh_from_db()
    assert (employer.standing, employer.standing_set_by) == (standing, staff)


def test_good_standing_needs_no_note_and_out_of_region_staff_may_not_set_it():
    employer = EmployerFactory(region=county(YIDU), standing=Employer.Standing.WATCH)

    with pytest.raises(PermissionDenied):
        employer_standing_set(
            employer=employer, staff=StaffFactory(home_region=county(NANBU)), standing="good", note=""
        )
    employer_standing_set(employer=employer, staff=StaffFactory(home_region=county(YIDU)), standing="good", note="")

    employer.refresh_from_db()
    assert employer.standing == Employer.Standing.GOOD


def test_a_decision_tells_matching_once_it_commits(sent, django_capture_on_commit_callbacks):
    employer = EmployerFactory(region=county(YIDU), verification=Employer.Verification.PENDING)
    staff = StaffFactory(home_region=county(YIDU))

    with django_capture_on_commit_callbacks(execute=True):
        employer_verify(employer=employer, staff=staff, verified=True, note="")
        employer_standing_set(employer=employer, staff=staff, standing="watch", note="投诉")
        assert sent == []

    events = list(OutboxEvent.objects.order_by("pk"))
    assert [event.topic for event in events] == ["employer.changed", "employer.changed"]
    assert all(event.payload["employer_id"] == employer.pk for event in events)
    assert sent == [event.pk for event in events]


def test_a_decision_rolled_back_leaves_no_event(sent, django_capture_on_commit_callbacks):
    employer = EmployerFactory(region=county(YIDU), verification=Employer.Verification.PENDING)
    staff = StaffFactory(home_region=county(YIDU))

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        employer_verify(employer=employer, staff=staff, verified=True, note="")
        raise RuntimeError("the surrounding work failed")

    assert not OutboxEvent.objects.exists()
    assert sent == []


def test_a_site_in_a_prefecture_with_counties_is_refused():
    member = MemberFactory()
    prefecture = county(YIDU).parent

    with pytest.raises(ValidationError):
        site_add(member=member, name="工地", address="宜昌", county=prefecture)

    assert not Site.objects.exists()
