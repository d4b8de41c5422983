import pytest

from reference.codes import contains, is_mainland, scope_prefix


@pytest.mark.parametrize(("code", "prefix"), [("420000", "42"), ("420500", "4205"), ("420581", "420581")])
def test_scope_prefix_keeps_the_digits_that_name_the_division(code, prefix):
    assert scope_prefix(code) == prefix


def test_a_province_contains_its_counties_but_not_another_provinces():
    assert contains("420000", "420581") is True
    assert contains("420500", "420581") is True
    assert contains("420100", "420581") is False
    assert contains("440000", "420581") is False


@pytest.mark.parametrize(
    ("code", "mainland"), [("110101", True), ("650000", True), ("810000", False), ("710000", False)]
)
def test_taiwan_hong_kong_and_macao_are_outside_the_mainland(code, mainland):
    assert is_mainland(code) is mainland
