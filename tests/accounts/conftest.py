"""Fixtures for accounts tests: a movable clock, English by default, codes read from the outbox."""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts import pii, services
from accounts.models import SmsMessage

_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@pytest.fixture(autouse=True)
def _accounts_settings(settings):
    # Pinned so an environment variable on a developer machine cannot change the expected messages.
    settings.OTP_TTL = timedelta(minutes=5)
    settings.OTP_MAX_ATTEMPTS = 5
    settings.OTP_RESEND_SECONDS = 60
    settings.OTP_PER_PHONE_PER_HOUR = 5
    settings.OTP_PER_IP_PER_HOUR = 20
    # A private in-memory cache: view throttles must not leak between tests or test runs.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"accounts-{uuid.uuid4()}"}
    }


class Clock:
    """Stands in for accounts.services._now; advance() moves time forward."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock(timezone.now())
    monkeypatch.setattr(services, "_now", fake)
    return fake


@contextmanager
def refused_with(error_type: type[Exception], message: str) -> Iterator[pytest.ExceptionInfo]:
    """Like pytest.raises, but the message must match exactly, not as a pattern."""
    with pytest.raises(error_type) as info:
        yield info
    assert str(info.value) == message


def sent_code(phone: str) -> str:
    """The code in the newest message the outbox backend kept for phone."""
    message = (
        SmsMessage.objects.filter(phone_hash=pii.keyed_hash(pii.normalize_phone(phone), purpose="phone"))
        .order_by("-id")
        .first()
    )
    assert message is not None, f"no SMS was sent to {phone}"
    match = _CODE.search(message.body)
    assert match is not None, f"no code in {message.body!r}"
    return match.group(1)


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"
