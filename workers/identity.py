"""Resident ID numbers (居民身份证号码): clean, check and read with python-stdnum's cn.ric.

Each failed check has its own message so a worker (or the agent beside them)
knows which part to look at again.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

MINIMUM_AGE = 16


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date

    @property
    def gender(self) -> str:
        """The 17th digit is odd for men and even for women (GB 11643)."""
        return gender_of(self.number)


def gender_of(number: str) -> str:
    return "male" if int(number[16]) % 2 else "female"


def clean_id_number(raw: str) -> str:
    """Full-width digits and a lower-case x, as Chinese keyboards type them, become the standard form."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(text.split()).replace("-", "").upper()


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _place_code_known(code: str, *, since: int) -> bool:
    """Whether the code named a county in or after the birth year.

    cn.ric.get_birth_place wants the code in force in the birth year, but a
    number is assigned at first registration, which can come years later (and
    after a re-coding): a code that existed at any time since birth is accepted.
    """
    info = dict(numdb.get("cn/loc").info(code)[-1:])
    counties = next(iter(info.values()), {}).get("county", "")
    for county in filter(None, counties.split(",")):
        if not county.startswith("["):
            return True
        span = county[1:].split("]")[0]
        end = span.split("-")[1]
        if not end or int(end) >= since:
            return True
    return False


def id_number_check(raw: str, *, today: date) -> IdNumber:
    """A valid 18-character ID number of someone aged 16 or over; ValidationError naming the fault otherwise."""
    number = clean_id_number(raw)
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID number has 18 characters: 17 digits, then a digit or X."), code="id_format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(
            _("This ID number is not valid: a digit may be mistyped. Check it against the ID card."),
            code="id_checksum",
        )
    try:
        birth_date = ric.get_birth_date(number)
    except InvalidComponent:
        raise ValidationError(
            _("The birth date in this ID number (digits 7 to 14) is not a real date."), code="id_birth_date"
        ) from None
    if birth_date > today:
        raise ValidationError(_("The birth date in this ID number is in the future."), code="id_birth_date")
    if not _place_code_known(number[:6], since=birth_date.year):
        raise ValidationError(
            _("The first six digits of this ID number are not a known place code."), code="id_birth_place"
        )
    if age_on(birth_date, today) < MINIMUM_AGE:
        raise ValidationError(
            _(
                "Chunfeng can only register people aged 16 or over: employing children under 16 is against "
                "the law. Please come back when you are 16."
            ),
            code="under_16",
        )
    return IdNumber(number=number, birth_date=birth_date)
