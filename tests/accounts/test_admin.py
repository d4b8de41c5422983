"""The console pages for accounts: masked phones, no ciphertext or hashes, read-only logs."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts import pii, services
from accounts.models import AssistanceGrant, SmsMessage, User
from accounts.sms import send_sms
from tests.accounts.factories import StaffFactory, WorkerFactory, county

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    admin = StaffFactory(is_superuser=True, nationwide=True)
    client.force_login(admin)
    return admin


def _grant_permissions(user: User, *codenames: str) -> None:
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames))


def test_user_list_shows_masked_phones_and_never_ciphertext_or_hashes(client, superuser):
    worker = WorkerFactory(phone="13812345678")

    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert "138****5678" in html
    assert "13812345678" not in html
    assert worker.phone_hash not in html
    assert "gAAAA" not in html


def test_user_change_page_shows_the_masked_phone_only(client, superuser):
    worker = WorkerFactory(phone="13812345678")

    html = client.get(reverse("admin:accounts_user_change", args=[worker.pk])).content.decode()

    assert "138****5678" in html
    assert "13812345678" not in html
    assert worker.phone_hash not in html
    assert "gAAAA" not in html


def test_user_list_finds_a_worker_by_full_phone_number_without_putting_it_in_the_url(client, superuser):
    WorkerFactory(phone="13812345678", username="findme")
    WorkerFactory(phone="13900000000", username="other")

    posted = client.post(reverse("admin:accounts_user_search"), {"term": "138 1234 5678"})
    html = client.get(posted["Location"]).content.decode()

    assert posted.status_code == 302
    assert "1234" not in posted["Location"]
    assert "findme" in html
    assert "other" not in html


def test_a_phone_in_the_query_string_searches_nothing(client, superuser):
    WorkerFactory(phone="13812345678", username="findme")
    WorkerFactory(phone="13900000000", username="other")

    html = client.get(reverse("admin:accounts_user_changelist"), {"q": "13812345678"}).content.decode()

    assert "findme" in html
    assert "other" in html


def test_a_search_token_from_another_session_finds_nothing(client, superuser):
    WorkerFactory(phone="13812345678", username="findme")
    WorkerFactory(phone="13900000000", username="other")
    posted = client.post(reverse("admin:accounts_user_search"), {"term": "13812345678"})
    client.logout()
    client.force_login(superuser)

    html = client.get(posted["Location"]).content.decode()

    assert "other" in html


def _change_data(user: User, **overrides: str) -> dict[str, str]:
    data = {
        "username": user.username,
        "role": user.role,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": "",
        "preferred_language": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }
    return data | overrides


def test_setting_a_phone_in_the_console_stores_it_encrypted_and_hashed(client, superuser):
    worker = WorkerFactory(phone="13812345678")

    response = client.post(
        reverse("admin:accounts_user_change", args=[worker.pk]), _change_data(worker, new_phone="139-0000-1111")
    )

    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.phone == "13900001111"
    assert worker.phone_hash == pii.keyed_hash("13900001111", purpose="phone")


def test_leaving_the_new_phone_empty_keeps_the_current_number(client, superuser):
    worker = WorkerFactory(phone="13812345678")

    client.post(reverse("admin:accounts_user_change", args=[worker.pk]), _change_data(worker, new_phone=""))

    worker.refresh_from_db()
    assert worker.phone == "13812345678"


def test_the_console_refuses_a_phone_another_account_uses(client, superuser):
    WorkerFactory(phone="13900001111")
    worker = WorkerFactory(phone="13812345678")

    response = client.post(
        reverse("admin:accounts_user_change", args=[worker.pk]), _change_data(worker, new_phone="13900001111")
    )

    assert "Another account already uses this number." in response.content.decode()
    worker.refresh_from_db()
    assert worker.phone == "13812345678"


def test_regional_staff_see_only_workers_of_their_region(client):
    clerk = StaffFactory(home_region=county("511321"))
    _grant_permissions(clerk, "view_user")
    client.force_login(clerk)
    WorkerFactory(username="local", home_region=county("511321"))
    WorkerFactory(username="faraway", home_region=county("411521"))

    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert ">local<" in html
    assert ">faraway<" not in html


def test_sms_list_is_newest_first_with_masked_phones(client, superuser):
    send_sms(phone="13812345678", body="older message", kind="notice")
    send_sms(phone="13900000001", body="newer message", kind="login_code")

    html = client.get(reverse("admin:accounts_smsmessage_changelist")).content.decode()

    assert html.index("newer message") < html.index("older message")
    assert "138****5678" in html
    assert "13812345678" not in html
    assert "gAAAA" not in html
    assert "Login codes are readable here" in html


def test_sms_messages_cannot_be_added_changed_or_deleted(client, superuser):
    send_sms(phone="13812345678", body="hello", kind="notice")
    message = SmsMessage.objects.get()

    assert client.get(reverse("admin:accounts_smsmessage_add")).status_code == 403
    assert (
        client.post(reverse("admin:accounts_smsmessage_delete", args=[message.pk]), {"post": "yes"}).status_code == 403
    )
    assert SmsMessage.objects.filter(pk=message.pk).exists()


def test_assistance_grants_are_read_only_and_show_their_actions(client, superuser):
    agent = StaffFactory(home_region=county("511321"))
    grant = services.assistance_start(
        actor=agent, worker_phone="13812345678", consent_method="signed_form", form_reference="NB-1"
    )
    services.assisted_action_record(grant=grant, action="profile.update", description="Added skills")

    html = client.get(reverse("admin:accounts_assistancegrant_change", args=[grant.pk])).content.decode()

    assert "NB-1" in html
    assert "Added skills" in html
    assert "138****5678" in html
    assert client.get(reverse("admin:accounts_assistancegrant_add")).status_code == 403
    assert (
        client.post(reverse("admin:accounts_assistancegrant_delete", args=[grant.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AssistanceGrant.objects.filter(pk=grant.pk).exists()


def test_adding_a_user_in_the_console_sets_the_phone_through_set_phone(client, superuser):
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "agent-li", "role": "agent", "new_phone": "+86 13700001234", "usable_password": "false"},
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    created = User.objects.get(username="agent-li")
    assert created.role == User.Role.AGENT
    assert created.phone == "13700001234"
    assert created.phone_hash == pii.keyed_hash("13700001234", purpose="phone")
    assert not created.has_usable_password()


def test_a_staff_region_is_chosen_with_the_picker_not_a_list_of_every_division(client, superuser):
    clerk = StaffFactory(username="clerk", home_region=county("530627"))
    county("511321")

    html = client.get(reverse("admin:accounts_user_change", args=[clerk.pk])).content.decode()

    assert 'name="home_region_0"' in html
    assert 'name="home_region_2"' in html
    # Only the lists under the chosen places: Yunnan's counties, not Sichuan's.
    assert 'value="530627" selected' in html
    assert 'value="511321"' not in html


@pytest.mark.parametrize(("codes", "expected"), [(["510000", "", ""], "510000"), (["510000", "511300", ""], "511300")])
def test_a_staff_region_may_be_a_province_or_a_prefecture(client, superuser, codes, expected):
    clerk = StaffFactory(username="clerk", home_region=county("530627"))
    for code in ("511321", "511302", "510104"):
        county(code)
    picked = {f"home_region_{i}": code for i, code in enumerate(codes)}

    response = client.post(
        reverse("admin:accounts_user_change", args=[clerk.pk]), _change_data(clerk, is_staff="on", **picked)
    )

    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.home_region_id == expected
