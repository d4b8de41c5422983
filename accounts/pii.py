"""Personal data helpers: normalise, hash for lookup, encrypt at rest, mask on screen.

Phones and resident ID numbers are stored twice: as ciphertext (readable only
with FIELD_ENCRYPTION_KEYS) and as a keyed hash (PII_HASH_KEY) that supports
uniqueness and exact lookup without keeping the plaintext in any index.
"""

import base64
import hashlib
import hmac
import re
import unicodedata
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"1[3-9]\d{9}")


def normalize_phone(value: str) -> str:
    """A mainland mobile number as 11 digits; raises ValidationError otherwise."""
    # NFKC turns the full-width digits of Chinese input methods into ASCII.
    digits = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", value or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _MOBILE.fullmatch(digits):
        raise ValidationError(
            _("Enter a mainland China mobile number: 11 digits starting with 1."), code="invalid_phone"
        )
    return digits


def mask_phone(phone: str) -> str:
    """138****5678: enough to recognise one's own number, not to call it."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_name(name: str) -> str:
    """张** for 张伟 or 张伟强: the surname to address the person by; the stars hide even the length."""
    name = (name or "").strip()
    return f"{name[0]}**" if name else "—"


def mask_id_number(number: str) -> str:
    """Region and check digit visible, birth date and sequence hidden."""
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:3]}{'*' * (len(number) - 7)}{number[-4:]}"


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of a normalised value; the purpose keeps phone and ID hashes apart."""
    key = f"{settings.PII_HASH_KEY}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _fernet_key(secret: str) -> bytes:
    digest = hashlib.sha256(f"chunfeng-field-encryption:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def cipher() -> MultiFernet:
    """The newest key encrypts; every configured key decrypts (key rotation)."""
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Encrypted value cannot be read with the configured FIELD_ENCRYPTION_KEYS") from exc
