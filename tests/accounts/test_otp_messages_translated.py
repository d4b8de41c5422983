"""Every refusal is written for the user, in English and in Chinese.

Each scenario brings the services to one refusal; both languages' exact texts
are checked against the compiled catalogue.
"""

import contextlib
from collections.abc import Callable

import pytest
from django.utils import translation

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


SCENARIOS: dict[str, tuple[Callable[[Clock], None], str, str]] = {
    "invalid_phone": (
        _invalid_phone,
        "Enter a mainland China mobile number: 11 digits starting with 1.",
        "请输入中国大陆手机号：以1开头的11位数字。",
    ),
    "resend_wait": (_resend_gap, "Wait 40 seconds before asking for another code.", "请等40秒后再获取验证码。"),
    "phone_limit": (
        _per_phone,
        "Too many codes were sent to this number in the last hour. Try again in 55 minutes.",
        "这个手机号1小时内获取验证码的次数太多，请55分钟后再试。",
    ),
    "ip_limit": (
        _per_ip,
        "Too many codes were asked for from this network in the last hour. Try again in 60 minutes.",
        "当前网络1小时内获取验证码的次数太多，请60分钟后再试。",
    ),
    "expired": (_expired, "This code has expired. Ask for a new code.", "验证码已过期，请重新获取。"),
    "used": (_used, "This code has already been used. Ask for a new code.", "这个验证码已经用过了，请重新获取。"),
    "wrong": (_wrong, "Wrong code. You have 4 tries left.", "验证码不对，还可以再试4次。"),
    "burnt": (
        _burnt,
        "Too many wrong tries. This code no longer works; ask for a new one.",
        "输错次数太多，这个验证码已失效，请重新获取。",
    ),
}


def _refusal(scenario: Callable[[Clock], None], clock: Clock) -> OtpError:
    with pytest.raises(OtpError) as refused:
        scenario(clock)
    return refused.value


@pytest.mark.parametrize("code", SCENARIOS)
def test_refusal_has_the_exact_english_message_and_a_machine_code(code, clock):
    scenario, english, _chinese = SCENARIOS[code]

    error = _refusal(scenario, clock)

    assert error.message == english
    assert error.code == code


@pytest.mark.parametrize("code", SCENARIOS)
def test_refusal_reads_in_chinese_for_a_chinese_user(code, clock):
    scenario, _english, chinese = SCENARIOS[code]

    with translation.override("zh-hans"):
        error = _refusal(scenario, clock)

    assert error.message == chinese
    assert error.code == code
