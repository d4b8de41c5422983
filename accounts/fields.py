from typing import Any

from django.db import models

from accounts import pii


class EncryptedTextField(models.TextField):
    """Text stored as Fernet ciphertext; Python code sees plaintext.

    Not searchable or orderable in SQL by design: pair it with a keyed-hash
    column when lookups are needed.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return pii.encrypt(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return pii.decrypt(value)
