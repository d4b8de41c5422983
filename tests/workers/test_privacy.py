"""The worker's own data: a full download, and erasure that keeps only anonymous statistics."""

import json
import re
from datetime import date

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import pii
from accounts import services as accounts_services
from accounts.assistance import SESSION_KEY
from accounts.models import AssistanceGrant, OneTimeCode, SmsMessage, User
from accounts.sms import send_sms
from outbox.models import OutboxEvent
from reference.models import Occupation
from tests.accounts.factories import AgentFactory, RegionFactory, county
from tests.workers.factories import WorkerProfileFactory
from workers.models import (
    Certificate,
    Cohort,
    CohortMember,
    DestinationChoice,
    Skill,
    UnemploymentRegistration,
    Worker,
)
from workers.services.privacy import worker_erase

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("workers:export")
DELETE_URL = reverse("workers:delete")
PHONE = "13812345678"


@pytest.fixture
def worker(client) -> Worker:
    worker = WorkerProfileFactory(user__phone=PHONE, real_name="张伟", birth_date=date(1990, 3, 7))
    client.force_login(worker.user)
    return worker


@pytest.fixture
def full_worker(worker) -> Worker:
    """A worker with something in every part of the profile."""
    welder = Occupation.objects.create(
        code="test-welder",
        name_zh="焊工",
        name_en="Welder",
        group_code="manufacturing",
        group_zh="制造",
        group_en="Manufacturing",
        isco08="7212",
    )
    Skill.objects.create(worker=worker, occupation=welder, years=6)
    Certificate.objects.create(worker=worker, name="焊工职业资格证书", occupation=welder, level=4)
    DestinationChoice.objects.create(worker=worker, province=RegionFactory(code="440000"), rank=1)
    cohort = Cohort.objects.create(name="张家兄弟", created_by=worker)
    _member(cohort, "13900002222")
    UnemploymentRegistration.objects.create(worker=worker, region=county("420581"), basis="workplace")
    grant = accounts_services.assistance_start(
        actor=AgentFactory(first_name="芳", last_name="王"),
        worker_phone=PHONE,
        consent_method="signed_form",
        form_reference="F-2026-001",
    )
    accounts_services.assisted_action_record(grant=grant, action="profile.update", description="Updated the skills")
    worker.consent_processing_at = worker.consent_sharing_at = worker.created_at
    worker.consent_version = "2026-1"
    worker.save()
    return worker


def _member(cohort: Cohort, phone: str, **fields) -> CohortMember:
    member = CohortMember(cohort=cohort, phone_encrypted=phone, phone_hash=pii.keyed_hash(phone, purpose="phone"))
    for name, value in fields.items():
        setattr(member, name, value)
    member.save()
    return member


def act_for(client: Client, worker: Worker) -> None:
    agent = AgentFactory(home_region=county("530627"))
    grant = accounts_services.assistance_start(
        actor=agent, worker_phone=worker.user.phone, consent_method="signed_form", form_reference="F-3"
    )
    client.force_login(agent)
    session = client.session
    session[SESSION_KEY] = grant.pk
    session.save()


def raw_row(table: str, pk: int) -> dict[str, object]:
    """The row as stored, bypassing the fields' decryption."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} WHERE id = %s", [pk])  # noqa: S608
        columns = [column[0] for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


# Download -------------------------------------------------------------------------


def test_the_download_page_offers_a_post_button_not_a_link(client, worker):
    html = client.get(EXPORT_URL).content.decode()

    assert f'<form method="post" action="{EXPORT_URL}">' in html
    assert "no-store" in client.get(EXPORT_URL)["Cache-Control"]


def test_the_download_is_a_json_attachment_never_stored_by_caches(client, worker):
    response = client.post(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert re.fullmatch(
        r'attachment; filename="chunfeng-my-data-\d{4}-\d{2}-\d{2}\.json"', response["Content-Disposition"]
    )
    assert "no-store" in response["Cache-Control"]


def test_the_download_holds_every_section_with_the_id_and_phone_in_full(client, full_worker):
    data = json.loads(client.post(EXPORT_URL).content)

    assert data["account"]["phone"] == PHONE
    assert data["profile"]["id_number"] == full_worker.id_number
    assert data["profile"]["real_name"] == "张伟"
    assert data["profile"]["hukou_county"]["code"] == "530627"
    assert data["consent"]["text_version"] == "2026-1"
    assert data["consent"]["processing_at"] is not None
    assert data["skills"] == [{"occupation": "Welder", "occupation_code": "test-welder", "years": 6}]
    assert data["certificates"][0]["name"] == "焊工职业资格证书"
    assert data["destinations"][0]["province"]["code"] == "440000"
    assert data["cohorts"]["groups_started"][0]["group"] == "张家兄弟"
    assert data["unemployment_registrations"][0]["county"]["code"] == "420581"
    assisted = data["assisted_access"][0]
    assert (assisted["acting_person"], assisted["consent_reference"]) == ("王芳", "F-2026-001")
    assert assisted["actions"][0]["description"] == "Updated the skills"


def test_other_peoples_numbers_in_the_download_stay_masked(client, full_worker):
    data = json.loads(client.post(EXPORT_URL).content)

    members = data["cohorts"]["groups_started"][0]["members"]
    assert members == [{"phone": "139****2222", "status": "Invited"}]
    assert "13900002222" not in json.dumps(data)


def test_the_download_holds_only_the_workers_own_data(client, worker):
    other = WorkerProfileFactory(real_name="王芳")
    UnemploymentRegistration.objects.create(worker=other, region=county("411521"), basis="workplace")

    text = client.post(EXPORT_URL).content.decode()

    assert "王芳" not in text
    assert other.id_number not in text
    assert "411521" not in text


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", [EXPORT_URL, DELETE_URL])
def test_an_agent_acting_for_the_worker_may_not_download_or_delete(client, worker, method, url):
    act_for(client, worker)

    response = getattr(client, method)(url, {"confirm": "on"})

    assert response.status_code == 403
    worker.refresh_from_db()
    assert worker.deleted_at is None


# Erasure: the page ----------------------------------------------------------------


def test_the_delete_page_says_what_is_erased_and_what_is_kept(client, worker):
    html = client.get(DELETE_URL).content.decode()

    assert "What is erased" in html
    assert "What is kept, without your name" in html
    assert 'name="confirm"' in html


def test_deleting_needs_the_confirmation_box(client, worker):
    response = client.post(DELETE_URL, {})

    assert response.status_code == 200
    assert "Tick the box to confirm that you want to delete your account." in response.content.decode()
    worker.refresh_from_db()
    assert worker.deleted_at is None
    assert worker.real_name == "张伟"


def test_deleting_erases_and_logs_the_worker_out(client, worker):
    response = client.post(DELETE_URL, {"confirm": "on"}, follow=True)

    assert response.redirect_chain[0] == (reverse("home"), 302)
    assert not get_user(client).is_authenticated
    assert "Your account has been deleted and your personal details erased." in response.content.decode()
    worker.refresh_from_db()
    assert worker.deleted_at is not None


# Erasure: what goes and what stays ------------------------------------------------------


def test_erasure_leaves_no_personal_field_in_the_stored_rows(full_worker):
    full_worker.current_county = county("420581")
    full_worker.save()
    user_id = full_worker.user_id

    worker_erase(worker=full_worker)

    worker_row = raw_row("workers_worker", full_worker.pk)
    assert worker_row["real_name"] == ""
    assert worker_row["id_number_encrypted"] == ""
    assert worker_row["id_number_hash"] is None
    assert worker_row["current_county_id"] is None
    user_row = raw_row("accounts_user", user_id)
    assert user_row["phone_encrypted"] == ""
    assert user_row["phone_hash"] is None
    assert (user_row["first_name"], user_row["last_name"], user_row["email"]) == ("", "", "")
    assert user_row["username"] == f"deleted-{user_id}"
    assert not user_row["is_active"]
    assert not User.objects.get(pk=user_id).has_usable_password()


def test_erasure_keeps_the_fields_statistics_count(full_worker):
    full_worker.status = Worker.Status.EMPLOYED
    full_worker.poor_labourer = Worker.PoorLabourer.VERIFIED
    full_worker.save()

    worker_erase(worker=full_worker)

    full_worker.refresh_from_db()
    assert full_worker.hukou_county_id == "530627"
    assert full_worker.birth_date == date(1990, 1, 1)
    assert full_worker.education == Worker.Education.JUNIOR
    assert full_worker.status == Worker.Status.EMPLOYED
    assert full_worker.poor_labourer == Worker.PoorLabourer.VERIFIED
    assert full_worker.skills.count() == 1
    assert full_worker.destination_choices.count() == 1
    assert full_worker.unemployment_registrations.count() == 1
    assert AssistanceGrant.objects.filter(worker_id=full_worker.user_id).count() == 1


def test_erasure_takes_the_worker_out_of_groups_and_wipes_the_phone_from_invitations(worker):
    own_group = Cohort.objects.create(name="同村", created_by=WorkerProfileFactory())
    joined = _member(own_group, PHONE, worker=worker, status=CohortMember.Status.CONFIRMED)
    other_group = Cohort.objects.create(name="李家", created_by=WorkerProfileFactory())
    pending = _member(other_group, PHONE)
    erased_earlier = _member(other_group, "13900003333", status=CohortMember.Status.LEFT)
    erased_earlier.phone_encrypted, erased_earlier.phone_hash = "", f"erased-{erased_earlier.pk}"
    erased_earlier.save()

    worker_erase(worker=worker)

    joined.refresh_from_db()
    pending.refresh_from_db()
    assert joined.status == CohortMember.Status.LEFT
    assert pending.status == CohortMember.Status.DECLINED
    for member in (joined, pending):
        row = raw_row("workers_cohortmember", member.pk)
        assert row["phone_encrypted"] == ""
        assert row["phone_hash"] != pii.keyed_hash(PHONE, purpose="phone")


def test_erasure_deletes_the_text_messages_and_codes_of_that_phone_only(worker):
    send_sms(phone=PHONE, body="Chunfeng: your login code is 123456.", kind="login_code")
    send_sms(phone="13900004444", body="Chunfeng: your login code is 654321.", kind="login_code")
    accounts_services.otp_request(phone=PHONE, ip="10.0.0.1")

    worker_erase(worker=worker)

    assert not SmsMessage.objects.filter(phone_hash=pii.keyed_hash(PHONE, purpose="phone")).exists()
    assert not OneTimeCode.objects.filter(phone_hash=pii.keyed_hash(PHONE, purpose="phone")).exists()
    assert SmsMessage.objects.filter(phone_hash=pii.keyed_hash("13900004444", purpose="phone")).count() == 1


def test_erasure_ends_any_open_assistance_for_the_worker(worker):
    grant = accounts_services.assistance_start(
        actor=AgentFactory(), worker_phone=PHONE, consent_method="signed_form", form_reference="F-4"
    )

    worker_erase(worker=worker)

    grant.refresh_from_db()
    assert grant.ended_at is not None


def test_erasure_tells_matching_to_drop_the_worker(worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        worker_erase(worker=worker)

    event = OutboxEvent.objects.get()
    assert (event.topic, event.payload["worker_id"]) == ("worker.changed", worker.pk)
    assert len(callbacks) == 1


def test_erasing_twice_changes_nothing_more(worker):
    first = worker_erase(worker=worker)
    second = worker_erase(worker=worker)

    assert second.deleted_at == first.deleted_at
    assert OutboxEvent.objects.count() == 1


def test_logging_in_again_with_the_number_makes_a_new_empty_account(worker):
    old_user_id = worker.user_id
    worker_erase(worker=worker)

    accounts_services.otp_request(phone=PHONE, ip="10.0.0.2")
    body = SmsMessage.objects.get(phone_hash=pii.keyed_hash(PHONE, purpose="phone")).body
    user = accounts_services.otp_verify(phone=PHONE, code=re.search(r"\d{6}", body).group())

    assert user.pk != old_user_id
    assert not Worker.objects.filter(user=user).exists()
    assert Worker.objects.get(pk=worker.pk).user_id == old_user_id
    old = User.objects.get(pk=old_user_id)
    assert (old.is_active, old.phone_hash) == (False, None)


def test_an_erased_account_cannot_use_a_session_it_still_holds(client, worker):
    worker_erase(worker=worker)

    response = client.get(reverse("workers:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
