from datetime import date

import pytest
from django.utils import translation

from reference.models import MinimumWageTier, Region
from reference.selectors import (
    legal_minimum_wage,
    occupations_by_group,
    picker_counties,
    picker_prefectures,
    region_path,
    resolve_region,
)

pytestmark = pytest.mark.usefixtures("fixture_reference_data")

AFTER_2024_ADJUSTMENT = date(2025, 1, 1)


def _codes(regions: list[Region]) -> list[str]:
    return [region.code for region in regions]


def test_current_code_resolves_to_itself():
    assert resolve_region("110101").code == "110101"


def test_abolished_code_resolves_to_its_successor():
    assert resolve_region("110103").code == "110101"


def test_unknown_code_resolves_to_none():
    assert resolve_region("990101") is None


def test_abolished_code_without_successor_resolves_to_none():
    Region.objects.create(
        code="110199",
        name_zh="某区",
        name_pinyin="Mou Qu",
        level="county",
        parent_id="110000",
        valid_to=date(1990, 1, 1),
    )

    assert resolve_region("110199") is None


def test_successor_loop_resolves_to_none_instead_of_hanging():
    first = Region.objects.create(
        code="110197", name_zh="甲", name_pinyin="Jia", level="county", valid_to=date(1990, 1, 1)
    )
    second = Region.objects.create(
        code="110198", name_zh="乙", name_pinyin="Yi", level="county", valid_to=date(1990, 1, 1), successor=first
    )
    first.successor = second
    first.save()

    assert resolve_region("110197") is None


def test_region_path_runs_from_province_to_county():
    assert _codes(region_path(Region.objects.get(code="420102"))) == ["420000", "420100", "420102"]


def test_region_path_of_municipal_district_skips_the_prefecture():
    assert _codes(region_path(Region.objects.get(code="110101"))) == ["110000", "110101"]


def test_province_is_its_own_path():
    assert _codes(region_path(Region.objects.get(code="420000"))) == ["420000"]


def test_picker_offers_prefectures_and_directly_governed_counties_of_a_province():
    assert _codes(picker_prefectures(Region.objects.get(code="420000"))) == ["420100", "420500", "429004"]


def test_picker_offers_a_municipality_as_its_own_prefecture():
    assert _codes(picker_prefectures(Region.objects.get(code="110000"))) == ["110000"]


def test_picker_offers_only_current_counties():
    assert _codes(picker_counties(Region.objects.get(code="420500"))) == ["420502", "420581", "420582"]


def test_picker_offers_a_city_without_districts_as_its_own_county():
    assert _codes(picker_counties(Region.objects.get(code="441900"))) == ["441900"]


def test_picker_offers_a_directly_governed_county_as_its_own_county():
    assert _codes(picker_counties(Region.objects.get(code="429004"))) == ["429004"]


def test_picker_offers_the_districts_of_a_municipality():
    assert _codes(picker_counties(Region.objects.get(code="110000"))) == ["110101", "110102"]


@pytest.mark.parametrize(
    ("county_code", "expected", "why"),
    [
        ("420581", 1800, "county listed at tier 3, overriding its prefecture's tier 2"),
        ("420502", 1950, "county unlisted, prefecture 420500 listed at tier 2"),
        ("420102", 2210, "county unlisted, prefecture 420100 listed at tier 1"),
        ("429004", 1800, "directly governed county, unlisted: lowest tier"),
        ("429008", 1950, "abolished code resolved to 420582 under tier-2 prefecture"),
        ("110103", 2420, "abolished Beijing district resolved to 110101, 2023 standard"),
    ],
)
def test_legal_minimum_wage_uses_the_tier_of_county_then_prefecture_then_lowest(county_code, expected, why):
    assert legal_minimum_wage(county_code=county_code, on=AFTER_2024_ADJUSTMENT) == expected, why


def test_legal_minimum_wage_uses_the_standard_in_force_on_the_date():
    assert legal_minimum_wage(county_code="420102", on=date(2024, 11, 30)) == 2010
    assert legal_minimum_wage(county_code="420102", on=date(2024, 12, 1)) == 2210


def test_tier_adjusted_alone_changes_only_that_tier():
    # Fixture: tier 1 alone rises to 2300 on 2025-06-01, as Shenzhen does in Guangdong.
    assert legal_minimum_wage(county_code="420102", on=date(2025, 6, 1)) == 2300
    assert legal_minimum_wage(county_code="420502", on=date(2025, 6, 1)) == 1950
    assert legal_minimum_wage(county_code="429004", on=date(2025, 6, 1)) == 1800


def test_legal_minimum_wage_is_none_before_the_first_standard():
    assert legal_minimum_wage(county_code="420102", on=date(2021, 11, 30)) is None


def test_legal_minimum_wage_is_none_for_a_province_without_a_standard():
    assert legal_minimum_wage(county_code="440104", on=AFTER_2024_ADJUSTMENT) is None


def test_legal_minimum_wage_is_none_for_an_unknown_code():
    assert legal_minimum_wage(county_code="990101", on=AFTER_2024_ADJUSTMENT) is None


def test_tier_without_a_standard_falls_back_to_the_lowest_tier():
    MinimumWageTier.objects.create(region_id="420502", tier=4)

    assert legal_minimum_wage(county_code="420502", on=AFTER_2024_ADJUSTMENT) == 1800


def test_occupations_are_grouped_in_group_order_with_names_in_the_active_language():
    with translation.override("en"):
        groups = occupations_by_group()
        names = [(group.name, [occupation.name for occupation in group.occupations]) for group in groups]

    assert names == [
        ("Construction", ["Bricklayer", "Electrician"]),
        ("Manufacturing", ["Sewing machinist"]),
        ("Services", ["Courier"]),
    ]
    with translation.override("zh-hans"):
        assert occupations_by_group()[0].name == "建筑"
