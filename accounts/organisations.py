"""Identifiers of organisations that register on Chunfeng: employers and training providers."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_code
from stdnum.exceptions import InvalidChecksum


def clean_uscc(value: str) -> str:
    """A unified social credit code in its 18-character form; ValidationError naming the fault otherwise."""
    # NFKC turns full-width letters and digits typed with Chinese input methods into ASCII.
    code = "".join(unicodedata.normalize("NFKC", value or "").split()).replace("-", "").upper()
    try:
        return uscc_code.validate(code)
    except InvalidChecksum:
        raise ValidationError(
            _("This credit code does not add up: check each character against the business licence."),
            code="uscc_checksum",
        ) from None
    except Exception:
        raise ValidationError(
            _("Enter the 18-character unified social credit code shown on the business licence."),
            code="uscc_format",
        ) from None
