"""Cohorts: start a group, invite by phone with a text message, answer, leave; one open group per worker."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import pii
from accounts import services as accounts_services
from accounts.models import AssistedAction, SmsMessage
from outbox.models import OutboxEvent
from tests.accounts.factories import AgentFactory, WorkerFactory, county
from tests.workers.factories import WorkerProfileFactory
from workers.models import Cohort, CohortMember
from workers.services import cohorts

pytestmark = pytest.mark.django_db

INVITEE_PHONE = "13712345678"


@pytest.fixture
def eager():
    # Committed events go to Celery; run them in-process instead of a broker.
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def creator():
    return WorkerProfileFactory(real_name="张伟", user__phone="13800138000")


@pytest.fixture
def cohort(creator):
    return cohorts.cohort_create(worker=creator, name="Zhang family")


def _codes(refused: pytest.ExceptionInfo) -> dict[str, list[str | None]]:
    return {field: [e.code for e in errors] for field, errors in refused.value.error_dict.items()}


def _invite(cohort, inviter, phone=INVITEE_PHONE):
    return cohorts.cohort_member_invite(cohort=cohort, inviter=inviter, phone=phone)


def _messages_to(phone: str) -> list[SmsMessage]:
    return list(SmsMessage.objects.filter(phone_hash=pii.keyed_hash(phone, purpose="phone")))


def test_the_creator_is_a_confirmed_member_from_the_start(creator, cohort):
    member = cohort.members.get()

    assert (member.worker, member.status) == (creator, CohortMember.Status.CONFIRMED)
    assert member.masked_phone == "138****8000"
    assert list(cohort.confirmed_workers()) == [creator]


def test_an_invitation_is_texted_on_commit_in_chinese_naming_family_name_and_masked_phone(
    cohort, creator, settings, django_capture_on_commit_callbacks, eager
):
    settings.SITE_URL = "https://chunfeng.example.cn/"
    with django_capture_on_commit_callbacks(execute=True):
        member = _invite(cohort, creator)

    (message,) = _messages_to(INVITEE_PHONE)
    assert message.kind == "cohort_invite"
    assert "张" in message.body
    assert "张伟" not in message.body
    assert "138****8000" in message.body
    assert f"https://chunfeng.example.cn/workers/groups/invitations/{member.pk}/" in message.body
    assert member.status == CohortMember.Status.INVITED
    assert member.worker is None


def test_the_text_message_waits_for_the_commit(cohort, creator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _invite(cohort, creator)

    assert not SmsMessage.objects.exists()
    assert len(callbacks) == 1


def test_the_invitation_is_written_in_the_invitees_own_language_when_they_chose_one(
    cohort, creator, django_capture_on_commit_callbacks, eager
):
    WorkerFactory(phone=INVITEE_PHONE, preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        _invite(cohort, creator)

    assert _messages_to(INVITEE_PHONE)[0].body.startswith("Chunfeng: 张 (138****8000) invites you")


def _full_width(digits: str) -> str:
    return "".join(chr(ord(digit) + 0xFEE0) for digit in digits)


@pytest.mark.parametrize("typed", ["+86 137 1234 5678", "0086-137-1234-5678", _full_width(INVITEE_PHONE)])
def test_a_phone_with_country_code_spaces_or_full_width_digits_is_accepted(cohort, creator, typed):
    member = _invite(cohort, creator, phone=typed)

    assert member.phone_hash == pii.keyed_hash(INVITEE_PHONE, purpose="phone")


@pytest.mark.parametrize("typed", ["12345", "23712345678", "+1 415 555 0100"])
def test_a_phone_that_is_not_a_mainland_mobile_is_refused(cohort, creator, typed):
    with pytest.raises(ValidationError) as refused:
        _invite(cohort, creator, phone=typed)

    assert _codes(refused) == {"phone": ["invalid_phone"]}
    assert refused.value.error_dict["phone"][0].messages == [
        "Enter a mainland China mobile number: 11 digits starting with 1."
    ]


def test_inviting_oneself_is_refused(cohort, creator):
    with pytest.raises(ValidationError) as refused:
        _invite(cohort, creator, phone="138 0013 8000")

    assert _codes(refused) == {"phone": ["self"]}


def test_the_same_number_cannot_be_invited_twice(cohort, creator):
    _invite(cohort, creator)

    with pytest.raises(ValidationError) as refused:
        _invite(cohort, creator)

    assert _codes(refused) == {"phone": ["already_invited"]}


def test_a_group_holds_at_most_ten_people(cohort, creator):
    for n in range(1, 10):
        _invite(cohort, creator, phone=f"1370000000{n}")

    with pytest.raises(ValidationError) as refused:
        _invite(cohort, creator, phone="13700000010")

    assert _codes(refused) == {"phone": ["cohort_full"]}
    assert cohort.members.count() == 10


def test_only_a_confirmed_member_can_invite(cohort):
    outsider = WorkerProfileFactory()

    with pytest.raises(ValidationError) as refused:
        _invite(cohort, outsider)

    assert _codes(refused) == {"__all__": ["not_a_member"]}


def test_the_invitee_confirms_and_every_member_is_rematched(cohort, creator):
    member = _invite(cohort, creator)
    invitee = WorkerProfileFactory(user__phone=INVITEE_PHONE)

    cohorts.cohort_invitation_answer(member=member, worker=invitee, accept=True)

    member.refresh_from_db()
    assert (member.worker, member.status) == (invitee, CohortMember.Status.CONFIRMED)
    assert member.responded_at is not None
    assert set(cohort.confirmed_workers()) == {creator, invitee}
    changed = OutboxEvent.objects.filter(topic="worker.changed").values_list("payload__worker_id", flat=True)
    assert {creator.pk, invitee.pk} <= set(changed)


def test_the_invitee_can_decline(cohort, creator):
    member = _invite(cohort, creator)
    invitee = WorkerProfileFactory(user__phone=INVITEE_PHONE)

    cohorts.cohort_invitation_answer(member=member, worker=invitee, accept=False)

    member.refresh_from_db()
    assert (member.worker, member.status) == (None, CohortMember.Status.DECLINED)


def test_nobody_but_the_owner_of_the_invited_number_can_answer(cohort, creator):
    member = _invite(cohort, creator)
    stranger = WorkerProfileFactory(user__phone="13900000999")

    with pytest.raises(PermissionDenied):
        cohorts.cohort_invitation_answer(member=member, worker=stranger, accept=True)

    assert CohortMember.objects.get(pk=member.pk).status == CohortMember.Status.INVITED


def test_an_answered_invitation_cannot_be_answered_again(cohort, creator):
    member = _invite(cohort, creator)
    invitee = WorkerProfileFactory(user__phone=INVITEE_PHONE)
    cohorts.cohort_invitation_answer(member=member, worker=invitee, accept=False)

    with pytest.raises(ValidationError) as refused:
        cohorts.cohort_invitation_answer(member=member, worker=invitee, accept=True)

    assert _codes(refused) == {"__all__": ["answered"]}


def test_a_worker_in_one_group_must_leave_it_before_joining_another(cohort, creator):
    invitee = WorkerProfileFactory(user__phone=INVITEE_PHONE)
    cohorts.cohort_create(worker=invitee, name="Shiban carpenters")
    member = _invite(cohort, creator)

    with pytest.raises(ValidationError) as refused:
        cohorts.cohort_invitation_answer(member=member, worker=invitee, accept=True)

    assert _codes(refused) == {"__all__": ["in_another_group"]}
    assert "Leave it first" in refused.value.error_dict["__all__"][0].messages[0]
    assert CohortMember.objects.get(pk=member.pk).status == CohortMember.Status.INVITED


def test_a_worker_in_a_group_cannot_start_a_second_one(cohort, creator):
    with pytest.raises(ValidationError) as refused:
        cohorts.cohort_create(worker=creator, name="Another")

    assert _codes(refused) == {"__all__": ["in_another_group"]}
    assert Cohort.objects.count() == 1


def test_a_group_needs_a_name(creator):
    with pytest.raises(ValidationError) as refused:
        cohorts.cohort_create(worker=creator, name="   ")

    assert _codes(refused) == {"name": ["cohort_name"]}


def test_a_member_may_leave_and_may_be_invited_again(cohort, creator):
    member = _invite(cohort, creator)
    invitee = WorkerProfileFactory(user__phone=INVITEE_PHONE)
    cohorts.cohort_invitation_answer(member=member, worker=invitee, accept=True)

    cohorts.cohort_leave(member=member, worker=invitee)
    again = _invite(cohort, creator)

    assert again.pk == member.pk
    assert (again.status, again.worker) == (CohortMember.Status.INVITED, None)
    assert list(cohort.confirmed_workers()) == [creator]


def test_someone_else_cannot_take_a_member_out(cohort, creator):
    stranger = WorkerProfileFactory()

    with pytest.raises(ValidationError):
        cohorts.cohort_leave(member=cohort.members.get(), worker=stranger)

    assert cohort.members.get().status == CohortMember.Status.CONFIRMED


@pytest.mark.parametrize(
    ("name", "family"),
    [("张伟", "张"), ("欧阳娜娜", "欧阳"), ("司马光", "司马"), ("买买提·艾力", "买买提"), ("", "")],
)
def test_the_family_name_is_read_as_people_say_it(name, family):
    assert cohorts.family_name(name) == family


def test_an_agent_acting_for_the_worker_leaves_a_record_of_each_group_action(creator):
    agent = AgentFactory(home_region=county("530627"))
    grant = accounts_services.assistance_start(
        actor=agent, worker_phone=creator.user.phone, consent_method="signed_form", form_reference="NB-3"
    )

    cohort = cohorts.cohort_create(worker=creator, name="Zhang family", grant=grant)
    cohorts.cohort_member_invite(cohort=cohort, inviter=creator, phone=INVITEE_PHONE, grant=grant)

    actions = list(AssistedAction.objects.filter(grant=grant).order_by("pk"))
    assert [a.action for a in actions] == ["cohort.create", "cohort.invite"]
    assert actions[1].description == "Invited 137****5678 into the group Zhang family"
    assert INVITEE_PHONE not in actions[1].description
