"""Every refusal is written for the user in English and goes through gettext for zh-hans.

Each scenario brings the services to one refusal. The English run checks the
exact text; the zh-hans run uses a stand-in catalogue (the .po files are
written separately) to show the message is looked up, not hard-coded.
"""

import contextlib
from collections.abc import Callable

import pytest

from accounts import services
from accounts.services import OtpError
from tests.accounts.conftest import Clock, sent_code, wrong_code

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
IP = "10.1.1.1"


def _invalid_phone(clock: Clock) -> None:
    services.otp_request(phone="12345", ip=IP)


def _resend_gap(clock: Clock) -> None:
    services.otp_request(phone=PHONE, ip=IP)
    clock.advance(seconds=20)
    services.otp_request(phone=PHONE, ip=IP)


def _per_phone(clock: Clock) -> None:
    for _n in range(5):
        services.otp_request(phone=PHONE, ip=IP)
        clock.advance(minutes=1)
    services.otp_request(phone=PHONE, ip=IP)


def _per_ip(clock: Clock) -> None:
    for n in range(20):
        services.otp_request(phone=f"139000000{n:02d}", ip=IP)
    services.otp_request(phone=PHONE, ip=IP)


def _expired(clock: Clock) -> None:
    services.otp_request(phone=PHONE, ip=IP)
    clock.advance(minutes=6)
    services.otp_verify(phone=PHONE, code=sent_code(PHONE))


def _used(clock: Clock) -> None:
    services.otp_request(phone=PHONE, ip=IP)
    services.otp_verify(phone=PHONE, code=sent_code(PHONE))
    services.otp_verify(phone=PHONE, code=sent_code(PHONE))


def _wrong(clock: Clock) -> None:
    services.otp_request(phone=PHONE, ip=IP)
    services.otp_verify(phone=PHONE, code=wrong_code(sent_code(PHONE)))


def _burnt(clock: Clock) -> None:
    services.otp_request(phone=PHONE, ip=IP)
    for _n in range(4):
        with contextlib.suppress(OtpError):
            services.otp_verify(phone=PHONE, code=wrong_code(sent_code(PHONE)))
    services.otp_verify(phone=PHONE, code=wrong_code(sent_code(PHONE)))


SCENARIOS: dict[str, tuple[Callable[[Clock], None], str]] = {
    "invalid_phone": (_invalid_phone, "Enter a mainland China mobile number: 11 digits starting with 1."),
    "resend_wait": (_resend_gap, "Wait 40 seconds before asking for another code."),
    "phone_limit": (
        _per_phone,
        "Too many codes were sent to this number in the last hour. Try again in 55 minutes.",
    ),
    "ip_limit": (
        _per_ip,
        "Too many codes were asked for from this network in the last hour. Try again in 60 minutes.",
    ),
    "expired": (_expired, "This code has expired. Ask for a new code."),
    "used": (_used, "This code has already been used. Ask for a new code."),
    "wrong": (_wrong, "Wrong code. You have 4 tries left."),
    "burnt": (_burnt, "Too many wrong tries. This code no longer works; ask for a new one."),
}


def _refusal(scenario: Callable[[Clock], None], clock: Clock) -> OtpError:
    with pytest.raises(OtpError) as refused:
        scenario(clock)
    return refused.value


@pytest.mark.parametrize("code", SCENARIOS)
def test_refusal_has_the_exact_english_message_and_a_machine_code(code, clock):
    scenario, english = SCENARIOS[code]

    error = _refusal(scenario, clock)

    assert error.message == english
    assert error.code == code


@pytest.mark.parametrize("code", SCENARIOS)
def test_refusal_in_zh_hans_is_looked_up_by_its_english_msgid(code, clock, zh_catalog):
    scenario, english = SCENARIOS[code]

    error = _refusal(scenario, clock)

    assert error.message != english
    assert error.message.startswith("[zh] ")
    looked_up = [msgid for msgid in zh_catalog if msgid.startswith(english.split(" ")[0])]
    assert any(_fills_to(msgid, english) for msgid in looked_up)


def _fills_to(msgid: str, english: str) -> bool:
    """Whether msgid, with its placeholders filled, reads as the English message."""
    for value in range(0, 100):
        if msgid % {"seconds": value, "minutes": value, "tries": value} == english:
            return True
    return msgid == english
