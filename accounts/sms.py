"""Pluggable SMS backends, chosen by settings.SMS_BACKEND like Django's e-mail backends.

A backend is a class with `send(message)`. A real gateway backend (Aliyun,
Tencent Cloud …) implements that one method; nothing else in the project
knows which backend is in use.
"""

import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts import pii


@dataclass(frozen=True)
class Sms:
    phone: str
    body: str
    kind: str


class BaseSmsBackend:
    def send(self, message: Sms) -> None:
        raise NotImplementedError


class OutboxBackend(BaseSmsBackend):
    """Keeps each message as an SmsMessage row, readable by staff in the console.

    For demos and tests only: codes are readable there, which is the point.
    """

    def send(self, message: Sms) -> None:
        from accounts.models import SmsMessage

        sms = SmsMessage(kind=message.kind, body=message.body)
        sms.phone_encrypted = message.phone
        sms.phone_hash = pii.keyed_hash(message.phone, purpose="phone")
        sms.save()


def _render(message: Sms) -> str:
    # Masked: development logs and files should not collect phone numbers.
    stamp = timezone.localtime().isoformat(timespec="seconds")
    return f"[{stamp}] SMS {message.kind} to {pii.mask_phone(message.phone)}\n{message.body}\n{'-' * 40}\n"


class ConsoleBackend(BaseSmsBackend):
    """Prints each message to standard output, for local development."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, message: Sms) -> None:
        # sys.stdout is looked up on each send so redirected output is honoured.
        stream = self.stream or sys.stdout
        stream.write(_render(message))
        stream.flush()


class FileBackend(BaseSmsBackend):
    """Appends each message to one file per day under settings.SMS_FILE_PATH."""

    _lock = threading.Lock()

    def send(self, message: Sms) -> None:
        directory = Path(settings.SMS_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"sms-{timezone.localdate():%Y-%m-%d}.log"
        # One write per message under a lock keeps records whole when threads
        # share the file; append mode does the same across processes.
        with self._lock, path.open("a", encoding="utf-8") as handle:
            handle.write(_render(message))


def get_backend(path: str | None = None) -> BaseSmsBackend:
    backend_class = import_string(path or settings.SMS_BACKEND)
    return backend_class()


def send_sms(*, phone: str, body: str, kind: str) -> None:
    """Send one text message to a mainland mobile number through the configured backend."""
    get_backend().send(Sms(phone=pii.normalize_phone(phone), body=body, kind=kind))
