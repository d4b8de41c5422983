from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.workers.factories import id_number
from workers.identity import clean_id_number, id_number_check

TODAY = date(2026, 11, 29)


def _refusal(raw: str) -> str:
    with pytest.raises(ValidationError) as refused:
        id_number_check(raw, today=TODAY)
    return refused.value.code


def test_a_valid_number_gives_the_birth_date():
    checked = id_number_check(id_number(born=date(1988, 2, 29)), today=TODAY)
    assert checked.birth_date == date(1988, 2, 29)


def test_full_width_digits_spaces_and_lower_case_x_are_accepted():
    number = next(id_number(sequence=n) for n in range(1, 999) if id_number(sequence=n).endswith("X"))
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + " x"
    assert clean_id_number(typed) == number
    assert id_number_check(typed, today=TODAY).number == number


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("53062719900307001", "id_format"),
        ("5306271990030700AX", "id_format"),
        (id_number()[:-1] + ("0" if id_number()[-1] != "0" else "1"), "id_checksum"),
        (id_number(born=date(2011, 1, 1)), "under_16"),
    ],
)
def test_malformed_or_underage_numbers_are_refused_with_their_own_reason(raw, code):
    assert _refusal(raw) == code


def test_an_impossible_birth_date_is_refused():
    body = "53062719900230001"  # 30 February
    assert _refusal(body + ric_digit(body)) == "id_birth_date"


def test_a_future_birth_date_is_refused():
    body = "53062720300101001"
    assert _refusal(body + ric_digit(body)) == "id_birth_date"


def test_an_unknown_place_code_is_refused():
    body = "99999919900307001"
    assert _refusal(body + ric_digit(body)) == "id_birth_place"


def test_turning_16_today_is_old_enough_and_tomorrow_is_not():
    assert id_number_check(id_number(born=date(2010, 11, 29)), today=TODAY).birth_date == date(2010, 11, 29)
    assert _refusal(id_number(born=date(2010, 11, 30))) == "under_16"


def ric_digit(body: str) -> str:
    from stdnum.cn import ric

    return ric.calc_check_digit(body + "0")
