"""Who may open the sign-up pages: the worker, or an agent or clerk acting under a grant; nobody else."""

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.assistance import SESSION_KEY
from tests.accounts.factories import AgentFactory, EmployerFactory, StaffFactory, WorkerFactory, county
from tests.workers.factories import WorkerProfileFactory
from workers.models import Worker
from workers.services import cohorts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_reference_data")]

STEP_URLS = [
    reverse(name)
    for name in (
        "workers:signup",
        "workers:signup_identity",
        "workers:signup_home",
        "workers:signup_work",
        "workers:signup_group",
        "workers:signup_poor_labourer",
    )
]


@pytest.fixture
def invitation():
    creator = WorkerProfileFactory(real_name="张伟")
    cohort = cohorts.cohort_create(worker=creator, name="Zhang family")
    return cohorts.cohort_member_invite(cohort=cohort, inviter=creator, phone="13712345678")


@pytest.mark.parametrize("url", STEP_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_anonymous_visitors_following_an_invitation_are_sent_to_log_in(client, invitation):
    url = reverse("workers:cohort_invitation", args=[invitation.pk])

    assert client.get(url)["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("persona", [EmployerFactory, AgentFactory, StaffFactory])
@pytest.mark.parametrize("url", STEP_URLS)
def test_employers_and_agents_or_staff_without_a_grant_are_forbidden(client, persona, url):
    client.force_login(persona())

    assert client.get(url).status_code == 403
    assert client.post(url, {"real_name": "X"}).status_code == 403
    assert not Worker.objects.exists()


def test_an_agent_with_a_grant_sees_the_workers_profile_and_not_their_own(client):
    WorkerFactory(phone="13700000001", home_region=county("511321"))
    worker = WorkerProfileFactory(user__phone="13700000002", real_name="陈红", hukou_county=county("511321"))
    agent = AgentFactory(home_region=county("511321"))
    grant = accounts_services.assistance_start(
        actor=agent, worker_phone=worker.user.phone, consent_method="signed_form", form_reference="NB-9"
    )
    client.force_login(agent)
    session = client.session
    session[SESSION_KEY] = grant.pk
    session.save()

    page = client.get(reverse("workers:signup_identity")).content.decode()

    assert 'value="陈红"' in page
    assert "You are acting for 137****0002" in page


def test_a_worker_only_ever_sees_their_own_profile(client):
    WorkerProfileFactory(real_name="王建国")
    me = WorkerProfileFactory(real_name="李秀英")
    client.force_login(me.user)

    page = client.get(reverse("workers:signup_identity")).content.decode()

    assert 'value="李秀英"' in page
    assert "王建国" not in page


def test_a_third_person_cannot_see_or_answer_someone_elses_invitation(client, invitation):
    client.force_login(WorkerProfileFactory(user__phone="13900000999").user)
    url = reverse("workers:cohort_invitation", args=[invitation.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "accept"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == invitation.Status.INVITED


def test_an_unknown_invitation_is_not_found(client):
    client.force_login(WorkerProfileFactory().user)

    assert client.get(reverse("workers:cohort_invitation", args=[999999])).status_code == 404
