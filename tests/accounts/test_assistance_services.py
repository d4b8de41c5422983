"""Assisted access at the service level: who may act for whom, consent, and the audit trail."""

from datetime import timedelta

import pytest

from accounts import services
from accounts.models import AssistanceGrant, AssistedAction, OneTimeCode, SmsMessage, User
from accounts.services import AssistanceError, OtpError
from tests.accounts.conftest import refused_with, sent_code, wrong_code
from tests.accounts.factories import AgentFactory, EmployerFactory, StaffFactory, WorkerFactory, county

pytestmark = pytest.mark.django_db

IP = "10.3.3.3"
SMS = AssistanceGrant.ConsentMethod.SMS_CODE
FORM = AssistanceGrant.ConsentMethod.SIGNED_FORM


@pytest.fixture
def agent():
    return AgentFactory(home_region=county("511321"), first_name="小明", last_name="王")


@pytest.fixture
def worker():
    return WorkerFactory(phone="13700000001", home_region=county("511321"))


def _start_by_code(actor, phone):
    services.assistance_code_request(actor=actor, worker_phone=phone, ip=IP)
    return services.assistance_start(actor=actor, worker_phone=phone, consent_method=SMS, code=sent_code(phone))


def test_consent_code_goes_to_the_worker_and_names_the_agent(agent, worker, clock):
    services.assistance_code_request(actor=agent, worker_phone=worker.phone, ip=IP)

    message = SmsMessage.objects.get()
    assert message.phone == worker.phone
    assert message.kind == "consent_code"
    # In the worker's language (Chinese unless they chose English), not the agent's.
    assert "王小明申请代您办理业务" in message.body
    assert sent_code(worker.phone) in message.body


def test_grant_by_code_records_actor_worker_consent_and_start_time(agent, worker, clock):
    grant = _start_by_code(agent, worker.phone)

    assert (grant.actor, grant.worker) == (agent, worker)
    assert grant.consent_method == SMS
    assert grant.consent_reference == f"otp-{OneTimeCode.objects.get().pk}"
    assert grant.consent_statement.startswith("I agree that 王小明 may use Chunfeng for me")
    assert grant.started_at == clock.now
    assert grant.ended_at is None


def test_grant_needs_the_right_code_and_counts_wrong_ones(agent, worker, clock):
    services.assistance_code_request(actor=agent, worker_phone=worker.phone, ip=IP)

    with refused_with(OtpError, "Wrong code. You have 4 tries left."):
        services.assistance_start(
            actor=agent, worker_phone=worker.phone, consent_method=SMS, code=wrong_code(sent_code(worker.phone))
        )

    assert not AssistanceGrant.objects.exists()
    assert OneTimeCode.objects.get().attempts == 1


def test_grant_without_a_code_sent_is_refused(agent, worker):
    with refused_with(OtpError, "No code has been sent to this number. Ask for a code first."):
        services.assistance_start(actor=agent, worker_phone=worker.phone, consent_method=SMS, code="123456")
    assert not AssistanceGrant.objects.exists()


def test_a_consent_code_asked_for_by_one_agent_cannot_be_used_by_another(agent, worker, clock):
    other_agent = AgentFactory(home_region=county("511321"))
    services.assistance_code_request(actor=agent, worker_phone=worker.phone, ip=IP)

    with pytest.raises(OtpError):
        services.assistance_start(
            actor=other_agent, worker_phone=worker.phone, consent_method=SMS, code=sent_code(worker.phone)
        )
    assert not AssistanceGrant.objects.exists()


def test_a_login_code_is_not_consent(agent, worker, clock):
    services.otp_request(phone=worker.phone, ip=IP)

    with pytest.raises(OtpError):
        services.assistance_start(
            actor=agent, worker_phone=worker.phone, consent_method=SMS, code=sent_code(worker.phone)
        )


def test_grant_by_signed_form_records_the_form_number(agent, worker, clock):
    grant = services.assistance_start(
        actor=agent, worker_phone=worker.phone, consent_method=FORM, form_reference=" NB-2021-0042 "
    )

    assert grant.consent_method == FORM
    assert grant.consent_reference == "NB-2021-0042"
    assert not SmsMessage.objects.exists()


def test_signed_form_consent_needs_a_form_number(agent, worker):
    with refused_with(AssistanceError, "Enter the number printed on the signed consent form."):
        services.assistance_start(actor=agent, worker_phone=worker.phone, consent_method=FORM, form_reference="  ")
    assert not AssistanceGrant.objects.exists()


def test_an_unknown_consent_method_is_refused(agent, worker):
    with refused_with(AssistanceError, "Choose how the worker gave consent."):
        services.assistance_start(actor=agent, worker_phone=worker.phone, consent_method="verbal")


@pytest.mark.parametrize("persona", [WorkerFactory, EmployerFactory])
def test_only_agents_and_staff_may_act_for_a_worker(persona, worker):
    outsider = persona(home_region=county("511321"))

    with refused_with(AssistanceError, "Only village agents and bureau staff can act for a worker.") as refused:
        services.assistance_code_request(actor=outsider, worker_phone=worker.phone, ip=IP)

    assert refused.value.code == "not_assistant"
    assert not SmsMessage.objects.exists()
    with pytest.raises(AssistanceError):
        services.assistance_start(actor=outsider, worker_phone=worker.phone, consent_method=FORM, form_reference="F1")
    assert not AssistanceGrant.objects.exists()


def test_an_agent_outside_the_workers_region_is_refused_before_any_sms(worker):
    far_agent = AgentFactory(home_region=county("411521"))

    with refused_with(AssistanceError, "This worker lives outside the region you serve.") as refused:
        services.assistance_code_request(actor=far_agent, worker_phone=worker.phone, ip=IP)

    assert refused.value.code == "out_of_region"
    assert not SmsMessage.objects.exists()
    with pytest.raises(AssistanceError):
        services.assistance_start(actor=far_agent, worker_phone=worker.phone, consent_method=FORM, form_reference="F1")


def test_prefecture_staff_may_act_for_a_worker_in_one_of_its_counties(worker, clock):
    prefecture_staff = StaffFactory(home_region=county("511321").parent)

    grant = services.assistance_start(
        actor=prefecture_staff, worker_phone=worker.phone, consent_method=FORM, form_reference="F7"
    )

    assert grant.actor == prefecture_staff


def test_nationwide_staff_may_act_anywhere(worker, clock):
    staff = StaffFactory(home_region=county("411521"), nationwide=True)

    assert services.assistance_start(actor=staff, worker_phone=worker.phone, consent_method=FORM, form_reference="F8")


def test_a_number_without_an_account_gets_a_worker_account_on_consent(agent, clock):
    grant = _start_by_code(agent, "13600000002")

    assert grant.worker.role == User.Role.WORKER
    assert grant.worker.phone == "13600000002"
    assert grant.worker.home_region is None


def test_a_number_of_a_non_worker_account_is_refused(agent):
    employer = EmployerFactory(phone="13500000003")

    with refused_with(AssistanceError, "This number belongs to an account that is not a worker's."):
        services.assistance_check(actor=agent, worker_phone=employer.phone)


def test_an_agent_cannot_act_for_themselves():
    agent = AgentFactory(phone="13500000004")

    with refused_with(AssistanceError, "You cannot act for yourself."):
        services.assistance_check(actor=agent, worker_phone="13500000004")


def test_actions_are_recorded_against_the_grant_with_their_target(agent, worker, clock):
    grant = _start_by_code(agent, worker.phone)
    clock.advance(minutes=3)

    action = services.assisted_action_record(
        grant=grant, action="profile.update", description="Added welding skill", target=worker
    )

    assert action.grant == grant
    assert (action.action, action.description) == ("profile.update", "Added welding skill")
    assert (action.target_type, action.target_id) == ("accounts.user", str(worker.pk))
    assert action.created_at == clock.now


def test_no_action_can_be_recorded_once_the_grant_has_ended(agent, worker, clock):
    grant = _start_by_code(agent, worker.phone)
    services.assistance_end(grant=grant)

    with refused_with(AssistanceError, "This assistance has ended. Start it again to act for the worker."):
        services.assisted_action_record(grant=grant, action="offer.accept", description="Accepted offer")
    assert not AssistedAction.objects.exists()


@pytest.mark.parametrize("bad", ["", "Profile Update", "profile..update", "x" * 65])
def test_an_action_code_must_be_a_short_dotted_code(bad, agent, worker, clock):
    grant = _start_by_code(agent, worker.phone)

    with pytest.raises(ValueError, match="short dotted code"):
        services.assisted_action_record(grant=grant, action=bad, description="x")


def test_ending_a_grant_stamps_the_time_once(agent, worker, clock):
    grant = _start_by_code(agent, worker.phone)
    clock.advance(minutes=30)
    services.assistance_end(grant=grant)
    ended = grant.ended_at
    clock.advance(minutes=30)

    services.assistance_end(grant=grant)

    grant.refresh_from_db()
    assert ended == grant.ended_at == grant.started_at + timedelta(minutes=30)
