"""Phone login end to end through the views, reading codes from the outbox backend."""

import re

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from accounts.models import OneTimeCode, SmsMessage, User
from tests.accounts.conftest import sent_code, wrong_code
from tests.accounts.factories import WorkerFactory

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
URL = reverse("accounts:login")


def _send(client, phone=PHONE, **extra):
    return client.post(URL, {"action": "send", "phone": phone, **extra})


def _verify(client, code, phone=PHONE, **extra):
    return client.post(URL, {"action": "verify", "step": "code", "phone": phone, "code": code, **extra})


def _field_error(html: str) -> str:
    match = re.search(r'<ul class="errorlist" id="id_\w+_error"><li>(.*?)</li>', html)
    return match.group(1) if match else ""


def test_step_one_asks_for_a_phone_with_the_numeric_keypad(client):
    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_phone">Mobile number:</label>' in html
    phone_input = re.search(r"<input[^>]*name=\"phone\"[^>]*>", html).group(0)
    for attribute in ('type="tel"', 'inputmode="numeric"', 'autocomplete="tel"', "required"):
        assert attribute in phone_input


def test_the_login_page_has_no_inline_script_or_style(client):
    html = client.get(URL).content.decode()

    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert " style=" not in html
    assert "<style" not in html


def test_sending_a_code_shows_step_two_with_the_masked_phone(client):
    response = _send(client, phone="138 1234 5678")

    html = response.content.decode()
    assert response.status_code == 200
    assert "A code was sent by text message to <strong>138****5678</strong>." in html
    code_input = re.search(r"<input[^>]*name=\"code\"[^>]*>", html).group(0)
    assert 'inputmode="numeric"' in code_input
    assert 'autocomplete="one-time-code"' in code_input
    assert 'name="action" value="send"' in html
    assert SmsMessage.objects.get().phone == PHONE


def test_the_right_code_logs_a_new_worker_in_and_goes_home(client):
    _send(client)

    response = _verify(client, sent_code(PHONE))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = get_user(client)
    assert user.is_authenticated
    assert user.role == User.Role.WORKER
    assert user.phone == PHONE


def test_an_existing_worker_logs_in_to_their_own_account(client):
    worker = WorkerFactory(phone=PHONE)
    _send(client)

    _verify(client, sent_code(PHONE))

    assert get_user(client) == worker
    assert User.objects.count() == 1


def test_login_returns_to_a_safe_next_page(client):
    next_url = reverse("accounts:assist_start")
    _send(client, next=next_url)

    response = _verify(client, sent_code(PHONE), next=next_url)

    assert response["Location"] == next_url


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_login_ignores_a_next_page_on_another_site(client, unsafe):
    _send(client)

    response = _verify(client, sent_code(PHONE), next=unsafe)

    assert response["Location"] == reverse("home")


def test_the_next_page_is_carried_from_the_link_into_both_steps(client):
    next_url = reverse("accounts:assist_start")

    first = client.get(URL, {"next": next_url}).content.decode()
    second = _send(client, next=next_url).content.decode()

    assert f'name="next" value="{next_url}"' in first
    assert f'name="next" value="{next_url}"' in second


def test_a_wrong_code_shows_the_tries_left_next_to_the_field_and_keeps_what_was_typed(client):
    _send(client)
    bad = wrong_code(sent_code(PHONE))

    response = _verify(client, bad)

    html = response.content.decode()
    assert _field_error(html) == "Wrong code. You have 4 tries left."
    assert f'value="{bad}"' in html
    assert 'aria-invalid="true"' in html
    assert not get_user(client).is_authenticated


def test_too_many_wrong_codes_burn_the_code(client):
    _send(client)
    code = sent_code(PHONE)
    for _n in range(5):
        response = _verify(client, wrong_code(code))

    assert _field_error(response.content.decode()) == (
        "Too many wrong tries. This code no longer works; ask for a new one."
    )
    response = _verify(client, code)
    assert "no longer works" in _field_error(response.content.decode())
    assert not User.objects.exists()


def test_an_expired_code_is_refused_and_no_account_is_made(client, clock):
    _send(client)
    clock.advance(minutes=5, seconds=1)

    response = _verify(client, sent_code(PHONE))

    assert _field_error(response.content.decode()) == "This code has expired. Ask for a new code."
    assert not User.objects.exists()
    assert not get_user(client).is_authenticated


def test_a_used_code_cannot_log_in_again(client):
    _send(client)
    code = sent_code(PHONE)
    _verify(client, code)
    client.post(reverse("accounts:logout"))

    response = _verify(client, code)

    assert _field_error(response.content.decode()) == "This code has already been used. Ask for a new code."
    assert not get_user(client).is_authenticated


def test_a_malformed_code_is_refused_without_using_up_a_try(client):
    _send(client)

    response = _verify(client, "12ab")

    assert _field_error(response.content.decode()) == "Enter the 6 digits from the text message."
    assert OneTimeCode.objects.get().attempts == 0


def test_an_invalid_phone_is_refused_next_to_the_field_and_nothing_is_sent(client):
    response = _send(client, phone="1381234")

    html = response.content.decode()
    assert _field_error(html) == "Enter a mainland China mobile number: 11 digits starting with 1."
    assert 'value="1381234"' in html
    assert not SmsMessage.objects.exists()
    assert not OneTimeCode.objects.exists()


def test_send_again_within_the_gap_stays_on_step_two_and_keeps_the_typed_code(client, clock):
    _send(client)
    clock.advance(seconds=10)

    response = client.post(URL, {"action": "send", "step": "code", "phone": PHONE, "code": "12"})

    html = response.content.decode()
    assert response.status_code == 429
    assert '<ul class="errorlist" id="resend-error" role="alert"><li>Wait 50 seconds' in html
    assert 'name="code" value="12"' in html
    assert SmsMessage.objects.count() == 1


def test_send_again_after_the_gap_sends_a_new_code_and_retires_the_old_one(client, clock):
    _send(client)
    first_message = SmsMessage.objects.get()
    clock.advance(seconds=61)

    response = client.post(URL, {"action": "send", "step": "code", "phone": PHONE, "code": ""})

    assert response.status_code == 200
    assert SmsMessage.objects.count() == 2
    assert OneTimeCode.objects.filter(superseded_at__isnull=False).count() == 1
    assert SmsMessage.objects.exclude(pk=first_message.pk).get().kind == "login_code"


def test_the_number_limit_shows_when_to_try_again(client, clock):
    for _n in range(5):
        _send(client)
        clock.advance(minutes=1, seconds=1)

    response = _send(client)

    assert response.status_code == 429
    assert _field_error(response.content.decode()) == (
        "Too many codes were sent to this number in the last hour. Try again in 55 minutes."
    )
    assert SmsMessage.objects.count() == 5


def test_the_network_limit_is_per_client_address(client, settings):
    settings.OTP_PER_IP_PER_HOUR = 2
    client.post(URL, {"action": "send", "phone": "13900000001"}, REMOTE_ADDR="10.0.0.7")
    client.post(URL, {"action": "send", "phone": "13900000002"}, REMOTE_ADDR="10.0.0.7")

    refused = client.post(URL, {"action": "send", "phone": "13900000003"}, REMOTE_ADDR="10.0.0.7")
    allowed = client.post(URL, {"action": "send", "phone": "13900000003"}, REMOTE_ADDR="10.0.0.8")

    assert refused.status_code == 429
    assert _field_error(refused.content.decode()) == (
        "Too many codes were asked for from this network in the last hour. Try again in 60 minutes."
    )
    assert allowed.status_code == 200
    assert SmsMessage.objects.count() == 3


def test_code_guesses_from_one_network_are_throttled(client, settings):
    settings.OTP_PER_IP_PER_HOUR = 1
    settings.OTP_MAX_ATTEMPTS = 2
    _send(client)
    code = sent_code(PHONE)
    _verify(client, wrong_code(code))
    _verify(client, wrong_code(code))

    response = _verify(client, code)

    assert response.status_code == 429
    assert _field_error(response.content.decode()) == "Too many tries from this network. Try again later."
    assert not get_user(client).is_authenticated


def test_use_a_different_number_goes_back_to_step_one_with_the_number_filled_in(client):
    response = client.post(URL, {"action": "change", "phone": PHONE})

    html = response.content.decode()
    assert 'name="phone" value="13812345678"' in html
    assert 'type="tel"' in html
    assert 'autocomplete="one-time-code"' not in html


def test_a_tampered_hidden_phone_returns_to_step_one(client):
    response = _verify(client, "123456", phone="not-a-phone")

    html = response.content.decode()
    assert 'type="tel"' in html
    assert 'autocomplete="one-time-code"' not in html


def test_a_logged_in_user_visiting_login_is_sent_on(client):
    client.force_login(WorkerFactory())

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_logout_needs_post(client):
    client.force_login(WorkerFactory())

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not get_user(client).is_authenticated
