import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts import pii, services
from accounts.models import OneTimeCode, User
from accounts.selectors import user_get_by_phone
from tests.accounts.conftest import sent_code
from tests.accounts.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c != " " else c for c in text)


def _raw_row(sql: str, params: list) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_user_phone_is_stored_as_ciphertext_and_keyed_hash_only():
    user = WorkerFactory(phone="13812345678")

    row = _raw_row("SELECT * FROM accounts_user WHERE id = %s", [user.pk])

    assert not any("13812345678" in str(value) for value in row)
    assert not any("12345678" in str(value) for value in row)
    user.refresh_from_db()
    assert user.phone == "13812345678"
    assert user.phone_hash == pii.keyed_hash("13812345678", purpose="phone")


def test_user_is_found_by_phone_through_the_keyed_hash():
    user = WorkerFactory(phone="13812345678")

    assert user_get_by_phone(phone="13812345678") == user
    assert user_get_by_phone(phone="13812345679") is None


def test_phone_hash_depends_on_the_secret_key(settings):
    before = pii.keyed_hash("13812345678", purpose="phone")
    settings.PII_HASH_KEY = "another-key"

    assert pii.keyed_hash("13812345678", purpose="phone") != before


def test_user_is_shown_by_masked_phone_not_by_number():
    user = WorkerFactory(phone="13812345678")

    assert user.masked_phone == "138****5678"
    assert str(user) == "138****5678"
    assert User(username="nophone").masked_phone == ""


def test_login_code_is_stored_only_as_a_keyed_hash():
    otp = services.otp_request(phone="13812345678", ip="10.0.0.1")
    code = sent_code("13812345678")

    row = _raw_row("SELECT * FROM accounts_onetimecode WHERE id = %s", [otp.pk])

    assert not any(code in str(value) for value in row)
    assert not any("13812345678" in str(value) for value in row)
    assert "10.0.0.1" not in str(row)
    assert OneTimeCode.objects.get(pk=otp.pk).matches(code)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        # Full-width forms, as Chinese input methods type them.
        (_full_width("13800138000"), "13800138000"),
        (_full_width("+86 138 0013 8000"), "13800138000"),
    ],
)
def test_phone_numbers_are_normalised_from_common_spellings(raw, normalized):
    assert pii.normalize_phone(raw) == normalized


@pytest.mark.parametrize("raw", ["", "12800138000", "1380013800", "138001380001", "+1 415 555 0100", "abc"])
def test_non_mainland_mobile_numbers_are_refused(raw):
    with pytest.raises(ValidationError) as refused:
        pii.normalize_phone(raw)
    assert refused.value.code == "invalid_phone"


def test_id_numbers_are_masked_keeping_region_and_check_digit_only():
    assert pii.mask_id_number("11010119900307803X") == "110***********803X"


def test_a_rotated_key_still_decrypts_what_the_old_key_wrote(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["key-2025"]
    token = pii.encrypt("13800138000")
    settings.FIELD_ENCRYPTION_KEYS = ["key-2026", "key-2025"]
    assert pii.decrypt(token) == "13800138000"
    assert pii.decrypt(pii.encrypt("13800138000")) == "13800138000"
    settings.FIELD_ENCRYPTION_KEYS = ["key-2026"]
    with pytest.raises(ValueError, match="FIELD_ENCRYPTION_KEYS"):
        pii.decrypt(token)
