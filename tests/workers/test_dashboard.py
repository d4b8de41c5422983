"""The worker's home page: who may see it, what each status says, empty states, invitations, audit trail."""

import html
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import pii, services
from accounts.assistance import SESSION_KEY
from accounts.models import AssistanceGrant, User
from reference.models import Occupation
from tests.accounts.factories import (
    AgentFactory,
    EmployerFactory,
    RegionFactory,
    StaffFactory,
    WorkerFactory,
    county,
)
from tests.workers.factories import WorkerProfileFactory
from workers.models import Certificate, Cohort, CohortMember, DestinationChoice, Skill, Worker

pytestmark = pytest.mark.django_db

URL = reverse("workers:dashboard")
PERSONAL_URLS = [URL, reverse("workers:unemployment"), reverse("workers:export"), reverse("workers:delete")]


@pytest.fixture
def worker(client) -> Worker:
    worker = WorkerProfileFactory(user__phone="13812345678", real_name="张伟")
    client.force_login(worker.user)
    return worker


def page(client: Client, url: str = URL) -> str:
    """The page's text with HTML entities decoded, so apostrophes read as typed."""
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def occupation(code: str = "test-welder", name_en: str = "Welder") -> Occupation:
    # Test-only codes: the real occupation list may already be loaded by another test in this process.
    return Occupation.objects.get_or_create(
        code=code,
        defaults={
            "name_zh": "焊工",
            "name_en": name_en,
            "group_code": "manufacturing",
            "group_zh": "制造",
            "group_en": "Manufacturing",
            "isco08": "7212",
        },
    )[0]


def act_for(client: Client, actor: User, worker: Worker) -> AssistanceGrant:
    """Log actor in, acting for worker under a signed-form grant, as the assist page would leave the session."""
    grant = services.assistance_start(
        actor=actor, worker_phone=worker.user.phone, consent_method="signed_form", form_reference="F-2026-001"
    )
    client.force_login(actor)
    session = client.session
    session[SESSION_KEY] = grant.pk
    session.save()
    return grant


def invite(cohort_name: str, phone: str) -> CohortMember:
    inviter = WorkerProfileFactory(real_name="李强")
    cohort = Cohort.objects.create(name=cohort_name, created_by=inviter)
    member = CohortMember(cohort=cohort, phone_encrypted=phone, phone_hash=pii.keyed_hash(phone, purpose="phone"))
    member.save()
    return member


# Who may see the page -------------------------------------------------------------


@pytest.mark.parametrize("url", PERSONAL_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("persona", [EmployerFactory, AgentFactory, StaffFactory])
@pytest.mark.parametrize("url", PERSONAL_URLS)
def test_employers_and_helpers_without_a_grant_are_forbidden(client, persona, url):
    WorkerProfileFactory()
    client.force_login(persona())

    assert client.get(url).status_code == 403


def test_no_worker_page_takes_a_worker_id_in_its_address():
    # Whose page it is comes from the login or the assistance grant, never from the URL.
    for url in PERSONAL_URLS:
        assert not any(ch.isdigit() for ch in url), url


def test_a_worker_sees_their_own_page_and_not_another_workers(client, worker):
    other = WorkerProfileFactory(real_name="王芳", user__phone="13900001111")

    text = page(client)

    assert "张伟" in text
    assert "王芳" not in text
    assert other.masked_id_number not in text
    assert "139****1111" not in text


@pytest.mark.parametrize("step", [Worker.SignupStep.IDENTITY, Worker.SignupStep.WORK, Worker.SignupStep.POOR_LABOURER])
def test_a_worker_who_has_not_finished_sign_up_is_sent_to_sign_up(client, step):
    worker = WorkerProfileFactory(signup_step=step)
    client.force_login(worker.user)

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("workers:signup")


def test_a_new_account_without_a_profile_is_sent_to_sign_up(client):
    client.force_login(WorkerFactory())

    response = client.get(URL)

    assert response["Location"] == reverse("workers:signup")


@pytest.mark.parametrize("url", PERSONAL_URLS)
def test_personal_pages_are_never_stored_by_browsers_or_proxies(client, worker, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


# What the page says ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Worker.Status.SEEKING, "You are looking for work."),
        (Worker.Status.OFFERED, "An employer has offered you a job."),
        (Worker.Status.TRAVELLING, "You are on your way to work."),
        (Worker.Status.EMPLOYED, "You are at work."),
        (Worker.Status.BACK_HOME, "You are back home."),
    ],
)
def test_each_status_is_said_in_plain_words_with_what_happens_next(client, worker, status, words):
    worker.status = status
    worker.save()

    text = page(client)

    assert words in text
    assert str(Worker.Status(status).label) in text


def test_offers_trip_and_courses_show_clear_empty_states(client, worker):
    text = page(client)

    assert (
        "No offers yet. When an employer's job fits you, it appears here with the wage, housing and "
        "transport written down." in text
    )
    assert "No trip booked." in text
    assert "No courses recommended yet." in text
    assert "Nobody has acted for you." in text


def test_the_profile_summary_masks_the_id_and_phone_and_links_to_each_step(client, worker):
    text = page(client)

    assert worker.masked_id_number in text
    assert worker.id_number not in text
    assert "138****5678" in text
    assert "13812345678" not in text
    assert "Yunnan Sheng Zhaotong Shi Zhenxiong Xian" in text
    for step in ["signup_identity", "signup_home", "signup_work", "signup_group", "signup_poor_labourer"]:
        assert f'href="{reverse(f"workers:{step}")}"' in text


def test_the_profile_summary_lists_skills_destinations_wage_and_dates(client, worker):
    Skill.objects.create(worker=worker, occupation=occupation(), years=6)
    Certificate.objects.create(worker=worker, name="焊工职业资格证书", level=Certificate.Level.FOUR)
    DestinationChoice.objects.create(worker=worker, province=RegionFactory(code="440000"), rank=1)
    worker.destinations = Worker.Destinations.PROVINCES
    worker.min_monthly_wage = 5200
    worker.available_from = date(2027, 2, 20)
    worker.save()

    text = page(client)

    assert "Welder, 6 years" in text
    assert "焊工职业资格证书 (Level 4 (intermediate))" in text
    assert "<li>Guangdong Sheng</li>" in text
    assert "5200 yuan" in text
    assert "From 02/20/2027" in text


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Worker.PoorLabourer.NO, "Not declared."),
        (Worker.PoorLabourer.DECLARED, "The bureau is checking this; until it has, it gives no priority."),
        (Worker.PoorLabourer.VERIFIED, "You get priority when jobs are matched."),
    ],
)
def test_the_poor_labourer_status_is_said_in_plain_words(client, worker, status, words):
    worker.poor_labourer = status
    worker.save()

    assert words in page(client)


def test_a_rejected_declaration_shows_the_bureaus_note(client, worker):
    worker.poor_labourer = Worker.PoorLabourer.REJECTED
    worker.poor_labourer_note = "建档立卡名单中未找到本户"
    worker.save()

    text = page(client)

    assert "The bureau could not confirm that your household is registered as poor" in text
    assert "The bureau's note: 建档立卡名单中未找到本户" in text


# Invitations and the audit trail ------------------------------------------------------


def test_open_invitations_to_the_workers_phone_are_listed_with_a_link(client, worker):
    mine = invite("张家兄弟", "13812345678")
    invite("别人的组", "13700000009")
    answered = invite("已回复的组", "13812345678")
    answered.status = CohortMember.Status.DECLINED
    answered.save()

    text = page(client)

    assert "李强 invites you to the group “张家兄弟”" in text
    assert reverse("workers:cohort_invitation", args=[mine.pk]) in text
    assert "别人的组" not in text
    assert "已回复的组" not in text


def test_without_invitations_the_section_is_left_out(client, worker):
    invite("别人的组", "13700000009")

    assert "Invitations to go together" not in page(client)


def test_the_worker_sees_every_action_done_in_their_name(client, worker):
    agent = AgentFactory(first_name="芳", last_name="王")
    grant = services.assistance_start(
        actor=agent, worker_phone=worker.user.phone, consent_method="signed_form", form_reference="F-7"
    )
    services.assisted_action_record(grant=grant, action="profile.update", description="Updated the skills")
    services.assisted_action_record(grant=grant, action="unemployment.register", description="Registered in Yidu")

    text = page(client)

    assert "王芳" in text
    assert "Village agent" in text
    assert "Updated the skills" in text
    assert "Registered in Yidu" in text
    assert "Your consent: Signed paper form" in text


def test_actions_for_other_workers_are_not_shown(client, worker):
    other = WorkerProfileFactory()
    grant = services.assistance_start(
        actor=AgentFactory(), worker_phone=other.user.phone, consent_method="signed_form", form_reference="F-8"
    )
    services.assisted_action_record(grant=grant, action="profile.update", description="Someone else's change")

    text = page(client)

    assert "Someone else" not in text
    assert "Nobody has acted for you." in text


def test_an_agent_with_a_grant_sees_the_workers_page_but_no_download_or_delete(client, worker):
    act_for(client, AgentFactory(home_region=county("530627")), worker)

    text = page(client)

    assert "张伟" in text
    assert "You are acting for 138****5678" in text
    assert reverse("workers:unemployment") in text
    assert reverse("workers:export") not in text
    assert reverse("workers:delete") not in text


def test_the_owner_sees_links_to_download_and_delete(client, worker):
    text = page(client)

    assert f'href="{reverse("workers:export")}"' in text
    assert f'href="{reverse("workers:delete")}"' in text


def test_the_page_costs_the_same_queries_however_much_the_worker_has(client, worker):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    few = queries()
    for n, name in enumerate(["Welder", "Mason", "Cook"], start=1):
        Skill.objects.create(worker=worker, occupation=occupation(f"test-{name.lower()}", name), years=n)
    for n in range(3):
        invite(f"组{n}", "13812345678")
    grant = services.assistance_start(
        actor=AgentFactory(), worker_phone=worker.user.phone, consent_method="signed_form", form_reference="F-9"
    )
    for n in range(4):
        services.assisted_action_record(grant=grant, action="profile.update", description=f"change {n}")

    assert queries() == few
