import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts import pii
from accounts.models import SmsMessage
from accounts.sms import ConsoleBackend, FileBackend, OutboxBackend, Sms, get_backend, send_sms

PHONE = "13812345678"

pytestmark = pytest.mark.django_db


def test_outbox_backend_keeps_the_message_with_an_encrypted_phone_and_its_keyed_hash():
    send_sms(phone=PHONE, body="Your code is 123456", kind="login_code")

    message = SmsMessage.objects.get()
    assert message.phone == PHONE
    assert message.phone_hash == pii.keyed_hash(PHONE, purpose="phone")
    assert message.masked_phone == "138****5678"
    assert (message.kind, message.body) == ("login_code", "Your code is 123456")


def test_outbox_backend_leaves_no_phone_digits_in_the_table():
    send_sms(phone=PHONE, body="hello", kind="notice")

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone_encrypted, phone_hash FROM accounts_smsmessage")
        stored = cursor.fetchone()
    assert all(PHONE not in column for column in stored)
    assert stored[0].startswith("gAAAA")  # a Fernet token


def test_send_sms_accepts_a_formatted_number_and_stores_it_normalised():
    send_sms(phone="+86 138-1234-5678", body="hello", kind="notice")

    assert SmsMessage.objects.get().phone == PHONE


def test_send_sms_refuses_an_invalid_number_and_sends_nothing():
    with pytest.raises(ValidationError):
        send_sms(phone="12345", body="hello", kind="notice")

    assert not SmsMessage.objects.exists()


def test_console_backend_prints_the_body_and_masked_phone_to_stdout(settings, capsys):
    settings.SMS_BACKEND = "accounts.sms.ConsoleBackend"

    send_sms(phone=PHONE, body="Your code is 654321", kind="login_code")

    printed = capsys.readouterr().out
    assert "Your code is 654321" in printed
    assert "138****5678" in printed
    assert PHONE not in printed
    assert not SmsMessage.objects.exists()


def test_console_backend_writes_to_a_given_stream():
    stream = io.StringIO()

    ConsoleBackend(stream=stream).send(Sms(phone=PHONE, body="hi", kind="notice"))

    assert "SMS notice to 138****5678" in stream.getvalue()


def test_file_backend_appends_each_message_to_the_day_file(settings):
    settings.SMS_BACKEND = "accounts.sms.FileBackend"

    send_sms(phone=PHONE, body="first message", kind="notice")
    send_sms(phone="13900000001", body="second message", kind="notice")

    files = list(settings.SMS_FILE_PATH.iterdir())
    assert len(files) == 1
    content = files[0].read_text(encoding="utf-8")
    assert content.index("first message") < content.index("second message")
    assert "139****0001" in content
    assert PHONE not in content
    assert not SmsMessage.objects.exists()


def test_get_backend_loads_the_class_named_by_the_dotted_path(settings):
    settings.SMS_BACKEND = "accounts.sms.FileBackend"

    assert isinstance(get_backend(), FileBackend)
    assert isinstance(get_backend("accounts.sms.OutboxBackend"), OutboxBackend)
