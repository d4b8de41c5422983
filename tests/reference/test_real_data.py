"""The shipped files in reference/data/, loaded once per session."""

import csv
import re
from datetime import date, timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from reference.forms import RegionField
from reference.models import MinimumWage, Occupation, Region
from reference.selectors import (
    legal_minimum_wage,
    legal_minimum_wages,
    picker_counties,
    picker_prefectures,
    picker_provinces,
    resolve_region,
)
from reference.services import DEFAULT_DATA_DIR, reference_data_load

pytestmark = pytest.mark.usefixtures("real_reference_data")

MAINLAND_PROVINCES = 31
# Mainland China with its islands: Zengmu Ansha in the south, Mohe in the
# north, the Pamirs in the west, Fuyuan in the east.
LAT_RANGE = (3.8, 53.6)
LNG_RANGE = (73.4, 135.1)


class CountyForm(forms.Form):
    home = RegionField()


@pytest.mark.parametrize(("level", "minimum"), [("province", 34), ("prefecture", 333), ("county", 2840)])
def test_current_divisions_of_each_level_are_all_there(level, minimum):
    assert Region.objects.current().filter(level=level).count() >= minimum


def test_dongcheng_is_a_district_of_beijing():
    dongcheng = Region.objects.get(code="110101")

    assert (dongcheng.name_zh, dongcheng.level, dongcheng.parent_id) == ("东城区", "county", "110000")
    assert dongcheng.parent.name_zh == "北京市"


def test_chongwen_resolves_to_dongcheng():
    assert Region.objects.get(code="110103").is_current is False
    assert resolve_region("110103").code == "110101"


def test_every_abolished_code_has_a_current_successor():
    abolished = Region.objects.filter(valid_to__isnull=False)

    assert abolished.count() > 1000
    assert list(abolished.exclude(successor__valid_to__isnull=True, successor__isnull=False)) == []


def test_every_current_county_has_coordinates_inside_china():
    outside = [
        (code, lat, lng)
        for code, lat, lng in Region.objects.current().filter(level="county").values_list("code", "lat", "lng")
        if lat is None
        or lng is None
        or not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LNG_RANGE[0] <= lng <= LNG_RANGE[1])
    ]

    assert outside == []


def test_occupations_have_both_names_and_an_isco_unit_group():
    occupations = list(Occupation.objects.all())

    assert len(occupations) >= 150
    assert [o.code for o in occupations if not (o.name_zh and o.name_en and re.fullmatch(r"\d{4}", o.isco08))] == []


def test_every_mainland_province_has_a_minimum_wage():
    provinces = set(
        Region.objects.provinces().exclude(code__in=["710000", "810000", "820000"]).values_list("code", flat=True)
    )

    assert len(provinces) == MAINLAND_PROVINCES
    assert provinces - set(MinimumWage.objects.values_list("province_id", flat=True)) == set()


def test_shanghai_district_gets_the_latest_shanghai_tier_one_figure():
    with (DEFAULT_DATA_DIR / "minimum_wages.csv").open(encoding="utf-8-sig", newline="") as handle:
        shanghai = [row for row in csv.DictReader(handle) if row["province_code"] == "310000" and row["tier"] == "1"]
    latest = max(shanghai, key=lambda row: row["effective_from"])
    day_after = date.fromisoformat(latest["effective_from"]) + timedelta(days=1)

    assert legal_minimum_wage(county_code="310101", on=day_after) == int(latest["monthly_yuan"])


def test_a_county_of_every_mainland_province_has_a_legal_minimum_wage():
    counties = Region.objects.current().filter(level="county").exclude(code__regex=r"^(71|81|82)")
    first_per_province = {}
    for code in counties.values_list("code", flat=True):
        first_per_province.setdefault(code[:2], code)

    assert len(first_per_province) == MAINLAND_PROVINCES
    assert [
        c for c in first_per_province.values() if legal_minimum_wage(county_code=c, on=date(2026, 6, 1)) is None
    ] == []


def test_municipalities_offer_themselves_and_then_their_districts():
    for code in ("110000", "120000", "310000", "500000"):
        municipality = Region.objects.get(code=code)
        assert picker_prefectures(municipality) == [municipality]
        assert len(picker_counties(municipality)) >= 10, code


def test_hubei_offers_xiantao_beside_its_prefectures():
    offered = [region.code for region in picker_prefectures(Region.objects.get(code="420000"))]

    assert {"420100", "429004"} <= set(offered)


def test_children_endpoint_lists_dongcheng_under_beijing(client):
    response = client.get(reverse("reference:children"), {"parent": "110000", "lang": "en"})
    codes = {item["code"]: item["name"] for item in response.json()["results"]}

    assert codes["110101"] == "Dongcheng Qu"
    assert "110103" not in codes


def test_reloading_the_real_files_changes_nothing():
    report = reference_data_load(data_dir=DEFAULT_DATA_DIR)

    assert report.changed_anything is False


def test_shenzhen_keeps_its_own_tier_beside_the_later_guangdong_standard():
    # Guangdong's 2021 standard sets tiers 2-5; Shenzhen (tier 1) adjusts alone.
    on = date(2023, 1, 1)

    assert legal_minimum_wage(county_code="440304", on=on) == 2360
    assert legal_minimum_wage(county_code="440104", on=on) == 2300


def test_the_bulk_minimum_wage_lookup_answers_every_county_at_once():
    counties = set(Region.objects.current().filter(level=Region.Level.COUNTY).values_list("code", flat=True))

    bulk = legal_minimum_wages(county_codes=counties | {"710000"}, on=date(2026, 6, 1))
    earlier = legal_minimum_wages(county_codes={"440304", "440104"}, on=date(2023, 1, 1))

    assert earlier == {"440304": 2360, "440104": 2300}  # Shenzhen keeps its own tier
    assert bulk["710000"] is None  # no standard outside the mainland
    mainland = [code for code in counties if code[:2] not in {"71", "81", "82"}]
    assert all(bulk[code] for code in mainland)


def test_picker_leaves_out_divisions_outside_the_mainland():
    codes = {region.code for region in picker_provinces()}

    assert len(codes) == MAINLAND_PROVINCES
    assert codes.isdisjoint({"710000", "810000", "820000"})


def test_picker_for_the_largest_municipality_stays_small():
    # Chongqing's 38 districts and counties are the longest list in the data.
    form = CountyForm(data={"home_0": "500000"})

    with translation.override("en"):
        html = str(form["home"])

    assert html.count("<option") > 38
    assert len(html.encode()) < 6_000
