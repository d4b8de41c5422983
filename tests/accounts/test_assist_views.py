"""Assisted access through the views: personas, the two steps, the session grant."""

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory
from django.urls import reverse

from accounts import services
from accounts.assistance import SESSION_KEY, current_assistance
from accounts.models import AssistanceGrant, SmsMessage
from tests.accounts.conftest import sent_code, wrong_code
from tests.accounts.factories import AgentFactory, EmployerFactory, WorkerFactory, county

pytestmark = pytest.mark.django_db

URL = reverse("accounts:assist_start")
END_URL = reverse("accounts:assist_end")
WORKER_PHONE = "13700000001"


@pytest.fixture
def agent(client):
    agent = AgentFactory(home_region=county("511321"))
    client.force_login(agent)
    return agent


@pytest.fixture
def worker():
    return WorkerFactory(phone=WORKER_PHONE, home_region=county("511321"))


def _ask(client, method="sms_code", phone=WORKER_PHONE):
    return client.post(URL, {"action": "send", "worker_phone": phone, "consent_method": method})


def _consent(client, **fields):
    data = {"action": "start", "step": "consent", "worker_phone": WORKER_PHONE, "consent_method": "sms_code"}
    return client.post(URL, data | fields)


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


@pytest.mark.parametrize("persona", [WorkerFactory, EmployerFactory])
def test_workers_and_employers_are_forbidden(client, persona, worker):
    client.force_login(persona())

    assert client.get(URL).status_code == 403
    assert _ask(client).status_code == 403
    assert client.post(END_URL).status_code == 403
    assert not SmsMessage.objects.exists()


def test_an_agent_signs_a_worker_in_with_the_code_read_out(client, agent, worker):
    step_two = _ask(client)
    html = step_two.content.decode()
    assert "137****0001" in html
    assert "Read this statement to the worker" in html

    response = _consent(client, code=sent_code(WORKER_PHONE), agreed="on")

    assert response.status_code == 302
    grant = AssistanceGrant.objects.get()
    assert (grant.actor, grant.worker) == (agent, worker)
    assert client.session[SESSION_KEY] == grant.pk
    assert get_user(client) == agent
    page = client.get(URL).content.decode()
    assert "You are now acting for 137****0001." in page
    assert "Acting for 137****0001 since" in page


def test_consent_must_be_confirmed_with_the_checkbox(client, agent, worker):
    _ask(client)

    response = _consent(client, code=sent_code(WORKER_PHONE))

    assert "This field is required." in response.content.decode()
    assert not AssistanceGrant.objects.exists()


def test_a_wrong_consent_code_is_shown_next_to_the_code_field(client, agent, worker):
    _ask(client)

    response = _consent(client, code=wrong_code(sent_code(WORKER_PHONE)), agreed="on")

    html = response.content.decode()
    assert '<ul class="errorlist" id="id_code_error"><li>Wrong code. You have 4 tries left.</li></ul>' in html
    assert not AssistanceGrant.objects.exists()


def test_signed_form_consent_skips_the_text_message(client, agent, worker):
    step_two = _ask(client, method="signed_form").content.decode()
    assert 'name="form_reference"' in step_two
    assert 'name="code"' not in step_two

    _consent(client, consent_method="signed_form", form_reference="NB-0042", agreed="on")

    assert AssistanceGrant.objects.get().consent_reference == "NB-0042"
    assert not SmsMessage.objects.exists()


def test_an_agent_from_another_region_is_refused_next_to_the_phone(client, worker):
    client.force_login(AgentFactory(home_region=county("411521")))

    response = _ask(client)

    html = response.content.decode()
    assert '<ul class="errorlist" id="id_worker_phone_error"><li>This worker lives outside' in html
    assert not SmsMessage.objects.exists()


def test_ending_assistance_stamps_the_grant_and_clears_the_session(client, agent, worker):
    grant = services.assistance_start(
        actor=agent, worker_phone=WORKER_PHONE, consent_method="signed_form", form_reference="F1"
    )
    session = client.session
    session[SESSION_KEY] = grant.pk
    session.save()

    response = client.post(END_URL)

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.ended_at is not None
    assert SESSION_KEY not in client.session


def test_logging_out_ends_the_assistance(client, agent, worker):
    _ask(client)
    _consent(client, code=sent_code(WORKER_PHONE), agreed="on")

    client.post(reverse("accounts:logout"))

    assert AssistanceGrant.objects.get().ended_at is not None


def _request_with(user, grant_id):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {SESSION_KEY: grant_id}
    return request


def test_current_assistance_returns_the_active_grant_of_the_session_user(agent, worker):
    grant = services.assistance_start(
        actor=agent, worker_phone=WORKER_PHONE, consent_method="signed_form", form_reference="F1"
    )

    assert current_assistance(_request_with(agent, grant.pk)) == grant


def test_current_assistance_ignores_a_grant_held_by_someone_else(agent, worker):
    grant = services.assistance_start(
        actor=agent, worker_phone=WORKER_PHONE, consent_method="signed_form", form_reference="F1"
    )
    request = _request_with(AgentFactory(home_region=county("511321")), grant.pk)

    assert current_assistance(request) is None
    assert SESSION_KEY not in request.session


def test_current_assistance_ignores_an_ended_grant(agent, worker):
    grant = services.assistance_start(
        actor=agent, worker_phone=WORKER_PHONE, consent_method="signed_form", form_reference="F1"
    )
    services.assistance_end(grant=grant)

    assert current_assistance(_request_with(agent, grant.pk)) is None


def test_current_assistance_ignores_a_grant_once_the_actor_is_no_longer_an_agent(agent, worker):
    grant = services.assistance_start(
        actor=agent, worker_phone=WORKER_PHONE, consent_method="signed_form", form_reference="F1"
    )
    agent.role = agent.Role.WORKER
    agent.save()

    assert current_assistance(_request_with(agent, grant.pk)) is None


def test_starting_for_a_second_worker_ends_the_first_grant(client, agent, worker):
    _ask(client, method="signed_form")
    _consent(client, consent_method="signed_form", form_reference="F1", agreed="on")
    WorkerFactory(phone="13700000002", home_region=county("511321"))

    _consent(client, consent_method="signed_form", form_reference="F2", agreed="on", worker_phone="13700000002")

    first, second = AssistanceGrant.objects.order_by("pk")
    assert first.ended_at is not None
    assert second.ended_at is None
    assert client.session[SESSION_KEY] == second.pk


def test_consent_code_guesses_from_one_network_are_throttled(client, agent, worker, settings):
    settings.OTP_PER_IP_PER_HOUR = 1
    settings.OTP_MAX_ATTEMPTS = 1
    _ask(client)
    _consent(client, code=wrong_code(sent_code(WORKER_PHONE)), agreed="on")

    response = _consent(client, code=sent_code(WORKER_PHONE), agreed="on")

    assert response.status_code == 429
    assert "Too many tries from this network. Try again later." in response.content.decode()
    assert not AssistanceGrant.objects.exists()


def test_every_page_shows_whom_the_agent_is_acting_for(client, agent, worker):
    _consent(client, consent_method="signed_form", form_reference="NB-7", agreed="on")
    assert AssistanceGrant.objects.filter(ended_at__isnull=True).count() == 1

    html = client.get("/").content.decode()

    assert f"You are acting for {worker.masked_phone}" in html
    assert 'action="/accounts/assist/end/"' in html


def test_no_banner_without_an_active_grant(client, agent):
    html = client.get("/").content.decode()

    assert "You are acting for" not in html
    assert "Act for a worker" in html
