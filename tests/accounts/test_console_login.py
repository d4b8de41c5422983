"""Staff log in with a password at /console/login/, guarded by django-axes."""

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from tests.accounts.factories import STAFF_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:login")
LOCKED = "<h1>Account locked</h1>"


@pytest.fixture
def staff():
    return StaffFactory(username="clerk")


def _attempt(client, password, ip="10.4.4.4"):
    return client.post(f"{URL}?next=/console/", {"username": "clerk", "password": password}, REMOTE_ADDR=ip)


def test_the_right_password_logs_staff_in(client, staff):
    response = _attempt(client, STAFF_PASSWORD)

    assert response.status_code == 302
    assert get_user(client) == staff


def test_four_wrong_passwords_do_not_lock_the_account(client, staff):
    for _n in range(4):
        assert _attempt(client, "wrong-password").status_code == 200

    assert _attempt(client, STAFF_PASSWORD).status_code == 302


def test_five_wrong_passwords_lock_the_account_on_that_network(client, staff):
    responses = [_attempt(client, "wrong-password") for _n in range(5)]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert LOCKED in responses[-1].content.decode()
    locked_out = _attempt(client, STAFF_PASSWORD)
    assert locked_out.status_code == 429
    assert LOCKED in locked_out.content.decode()
    assert not get_user(client).is_authenticated


def test_a_lockout_on_one_network_leaves_others_able_to_log_in(client, staff):
    for _n in range(5):
        _attempt(client, "wrong-password")

    assert _attempt(client, STAFF_PASSWORD, ip="10.5.5.5").status_code == 302


def test_the_accounts_lockout_page_explains_the_lockout_in_the_users_language(client, staff):
    for _n in range(5):
        response = _attempt(client, "wrong-password")

    html = response.content.decode()
    assert response.status_code == 429
    assert "<h1>Account locked</h1>" in html
    assert "blocked for 30 minutes" in html
    assert '<html lang="en">' in html
