"""One-time codes at the service level: issuing, checking, rate limits and their messages."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import is_password_usable

from accounts import services
from accounts.models import OneTimeCode, SmsMessage, User
from accounts.services import OtpError
from tests.accounts.conftest import refused_with, sent_code, wrong_code
from tests.accounts.factories import AgentFactory, StaffFactory, WorkerFactory

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
IP = "10.1.1.1"


def test_a_requested_code_has_six_digits_and_expires_after_the_ttl(clock):
    otp = services.otp_request(phone=PHONE, ip=IP)

    assert len(sent_code(PHONE)) == 6
    assert otp.created_at == clock.now
    assert otp.expires_at == clock.now + timedelta(minutes=5)
    assert SmsMessage.objects.get().kind == "login_code"
    assert "expires in 5 minutes" in SmsMessage.objects.get().body


def test_asking_again_supersedes_the_older_code(clock, monkeypatch):
    codes = iter(["111111", "222222"])
    monkeypatch.setattr(services, "_new_code", lambda: next(codes))
    services.otp_request(phone=PHONE, ip=IP)
    clock.advance(seconds=61)
    services.otp_request(phone=PHONE, ip=IP)

    assert OneTimeCode.objects.filter(superseded_at__isnull=True).count() == 1
    expected = "That code was replaced by a newer one. Enter the code from the latest message."
    with pytest.raises(OtpError, match=expected):
        services.otp_verify(phone=PHONE, code="111111")
    assert services.otp_verify(phone=PHONE, code="222222").phone == PHONE


def test_first_login_creates_a_worker_without_a_usable_password(clock):
    services.otp_request(phone=PHONE, ip=IP)

    user = services.otp_verify(phone=PHONE, code=sent_code(PHONE))

    assert user.role == User.Role.WORKER
    assert user.phone == PHONE
    assert user.username.startswith("w")
    assert not is_password_usable(user.password)
    assert user.preferred_language == "en"


def test_an_existing_user_is_logged_in_not_duplicated(clock):
    worker = WorkerFactory(phone=PHONE)
    services.otp_request(phone=PHONE, ip=IP)

    assert services.otp_verify(phone=PHONE, code=sent_code(PHONE)) == worker
    assert User.objects.count() == 1


def test_a_code_works_only_once(clock):
    services.otp_request(phone=PHONE, ip=IP)
    code = sent_code(PHONE)
    services.otp_verify(phone=PHONE, code=code)

    with refused_with(OtpError, "This code has already been used. Ask for a new code.") as refused:
        services.otp_verify(phone=PHONE, code=code)
    assert refused.value.code == "used"


def test_an_expired_code_is_refused_and_creates_no_user(clock):
    services.otp_request(phone=PHONE, ip=IP)
    clock.advance(minutes=5)

    with refused_with(OtpError, "This code has expired. Ask for a new code."):
        services.otp_verify(phone=PHONE, code=sent_code(PHONE))
    assert not User.objects.exists()


def test_a_code_one_second_before_expiry_still_works(clock):
    services.otp_request(phone=PHONE, ip=IP)
    clock.advance(minutes=4, seconds=59)

    assert services.otp_verify(phone=PHONE, code=sent_code(PHONE)).phone == PHONE


def test_wrong_codes_count_down_the_tries_left(clock):
    services.otp_request(phone=PHONE, ip=IP)
    bad = wrong_code(sent_code(PHONE))

    messages = []
    for _attempt in range(4):
        with pytest.raises(OtpError) as refused:
            services.otp_verify(phone=PHONE, code=bad)
        messages.append(refused.value.message)

    assert messages == [
        "Wrong code. You have 4 tries left.",
        "Wrong code. You have 3 tries left.",
        "Wrong code. You have 2 tries left.",
        "Wrong code. You have 1 try left.",
    ]
    assert OneTimeCode.objects.get().attempts == 4


def test_too_many_wrong_tries_burn_the_code_even_for_the_right_code(clock):
    services.otp_request(phone=PHONE, ip=IP)
    code = sent_code(PHONE)
    for _attempt in range(4):
        with pytest.raises(OtpError):
            services.otp_verify(phone=PHONE, code=wrong_code(code))

    burnt = "Too many wrong tries. This code no longer works; ask for a new one."
    with pytest.raises(OtpError, match=burnt):
        services.otp_verify(phone=PHONE, code=wrong_code(code))
    with pytest.raises(OtpError, match=burnt):
        services.otp_verify(phone=PHONE, code=code)
    assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_wrong_guess_stays_counted_after_the_refusal_is_raised(clock):
    services.otp_request(phone=PHONE, ip=IP)

    with pytest.raises(OtpError):
        services.otp_verify(phone=PHONE, code=wrong_code(sent_code(PHONE)))

    assert OneTimeCode.objects.get().attempts == 1


def test_verifying_without_any_code_sent_is_refused():
    with refused_with(OtpError, "No code has been sent to this number. Ask for a code first."):
        services.otp_verify(phone=PHONE, code="123456")


def test_an_invalid_phone_is_refused_and_nothing_is_stored_or_sent():
    with refused_with(OtpError, "Enter a mainland China mobile number: 11 digits starting with 1.") as refused:
        services.otp_request(phone="0755-1234567", ip=IP)

    assert refused.value.code == "invalid_phone"
    assert not OneTimeCode.objects.exists()
    assert not SmsMessage.objects.exists()


def test_a_consent_code_cannot_be_used_to_log_in(clock):
    agent = AgentFactory()
    services.assistance_code_request(actor=agent, worker_phone=PHONE, ip=IP)

    with refused_with(OtpError, "No code has been sent to this number. Ask for a code first."):
        services.otp_verify(phone=PHONE, code=sent_code(PHONE))
    assert not User.objects.filter(role=User.Role.WORKER).exists()


def test_staff_cannot_log_in_with_a_text_message_code(clock):
    StaffFactory(phone=PHONE)
    services.otp_request(phone=PHONE, ip=IP)

    with refused_with(OtpError, "Staff accounts log in with a password at the console."):
        services.otp_verify(phone=PHONE, code=sent_code(PHONE))


def test_a_switched_off_account_cannot_log_in(clock):
    WorkerFactory(phone=PHONE, is_active=False)
    services.otp_request(phone=PHONE, ip=IP)

    with refused_with(OtpError, "This account has been switched off. Contact your labour bureau."):
        services.otp_verify(phone=PHONE, code=sent_code(PHONE))


# Rate limits ------------------------------------------------------------------


def test_a_second_code_within_the_resend_gap_is_refused_with_the_seconds_left(clock):
    services.otp_request(phone=PHONE, ip=IP)
    clock.advance(seconds=15)

    with refused_with(OtpError, "Wait 45 seconds before asking for another code.") as refused:
        services.otp_request(phone=PHONE, ip=IP)

    assert refused.value.code == "resend_wait"
    assert OneTimeCode.objects.count() == 1
    assert SmsMessage.objects.count() == 1


def test_one_second_left_uses_the_singular(clock):
    services.otp_request(phone=PHONE, ip=IP)
    clock.advance(seconds=59)

    with refused_with(OtpError, "Wait 1 second before asking for another code."):
        services.otp_request(phone=PHONE, ip=IP)


def test_codes_per_number_per_hour_are_capped_across_networks(clock):
    for n in range(5):
        services.otp_request(phone=PHONE, ip=f"10.0.0.{n}")
        clock.advance(minutes=2)

    expected = "Too many codes were sent to this number in the last hour. Try again in 50 minutes."
    with pytest.raises(OtpError, match=expected) as refused:
        services.otp_request(phone=PHONE, ip="10.9.9.9")

    assert refused.value.code == "phone_limit"
    assert SmsMessage.objects.count() == 5
    clock.advance(minutes=50)
    services.otp_request(phone=PHONE, ip="10.9.9.9")
    assert SmsMessage.objects.count() == 6


def test_codes_per_network_per_hour_are_capped_across_numbers(clock, settings):
    settings.OTP_PER_IP_PER_HOUR = 3
    for n in range(3):
        services.otp_request(phone=f"1390000000{n}", ip=IP)

    expected = "Too many codes were asked for from this network in the last hour. Try again in 60 minutes."
    with pytest.raises(OtpError, match=expected) as refused:
        services.otp_request(phone="13900000009", ip=IP)

    assert refused.value.code == "ip_limit"
    assert SmsMessage.objects.count() == 3
    services.otp_request(phone="13900000009", ip="10.2.2.2")
    assert SmsMessage.objects.count() == 4


def test_rate_limits_are_counted_from_stored_rows_so_they_hold_across_processes(clock):
    # A code issued by another web process is just a row; nothing in memory is involved.
    OneTimeCode.objects.create(
        phone_hash=services.pii.keyed_hash(PHONE, purpose="phone"),
        code_hash="x" * 64,
        ip_hash="y" * 64,
        created_at=clock.now,
        expires_at=clock.now + timedelta(minutes=5),
    )

    with pytest.raises(OtpError) as refused:
        services.otp_request(phone=PHONE, ip=IP)
    assert refused.value.code == "resend_wait"


def test_purge_deletes_codes_older_than_a_day_and_keeps_the_rest(clock):
    services.otp_request(phone=PHONE, ip=IP)
    clock.advance(hours=23)
    services.otp_request(phone="13900000001", ip=IP)
    clock.advance(hours=1, seconds=1)

    assert services.otp_purge() == 1
    assert services.otp_purge() == 0
    assert OneTimeCode.objects.count() == 1
