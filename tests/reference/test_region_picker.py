import re

import pytest
from django import forms
from django.test import RequestFactory
from django.utils import translation

from reference.forms import REFRESH_FIELD, RegionField, RegionRefreshFormMixin, is_region_refresh
from reference.models import Region

pytestmark = pytest.mark.usefixtures("fixture_reference_data")


class CountyForm(RegionRefreshFormMixin, forms.Form):
    home = RegionField(label="Home county")


class CityForm(forms.Form):
    site = RegionField(label="City", level="prefecture")


class ProvinceForm(forms.Form):
    scope = RegionField(label="Province", level="province", required=False)


def _bound(*codes: str, form_class: type[forms.Form] = CountyForm, name: str = "home", **extra: str) -> forms.Form:
    data = {f"{name}_{index}": code for index, code in enumerate(codes)}
    return form_class(data={**data, **extra})


def _options(html: str, select_name: str) -> list[str]:
    """The non-empty option values of one select in rendered HTML."""
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {select_name}"
    return re.findall(r'<option value="(\d+)"', select.group(1))


def _selected(html: str, select_name: str) -> str | None:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {select_name}"
    chosen = re.search(r'<option value="(\d*)" selected>', select.group(1))
    return chosen.group(1) if chosen else None


def test_unbound_picker_lists_provinces_only_and_waits_for_the_rest():
    html = str(CountyForm()["home"])

    assert _options(html, "home_0") == ["110000", "420000", "440000"]
    assert _options(html, "home_1") == []
    assert _options(html, "home_2") == []
    assert re.search(r'<select name="home_2"[^>]*disabled', html)
    assert "Show the places in this province" in html


def test_each_select_has_a_label():
    html = str(CountyForm()["home"])

    for index in range(3):
        assert f'<label for="id_home_{index}">' in html
        assert f'id="id_home_{index}"' in html


def test_province_only_asks_for_a_prefecture_and_fills_that_list():
    form = _bound("420000")

    assert form.errors["home"] == ["Choose a prefecture."]
    html = str(form["home"])
    assert _options(html, "home_1") == ["420100", "420500", "429004"]
    assert _options(html, "home_2") == []
    assert "Show the places in this prefecture" in html


def test_prefecture_without_county_asks_for_a_county_and_fills_that_list():
    form = _bound("420000", "420500")

    assert form.errors["home"] == ["Choose a county."]
    assert _options(str(form["home"]), "home_2") == ["420502", "420581", "420582"]


def test_full_selection_returns_the_county():
    form = _bound("420000", "420500", "420581")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["home"] == Region.objects.get(code="420581")


def test_abolished_county_is_refused():
    form = _bound("420000", "420500", "429008")

    assert form.errors["home"] == ["Choose a county."]


def test_unknown_province_is_refused():
    assert _bound("990000", "990100", "990101").errors["home"] == ["Choose a province."]


def test_empty_required_picker_asks_for_a_province():
    assert CountyForm(data={}).errors["home"] == ["Choose a province."]


def test_changing_the_province_without_refresh_drops_the_old_choices():
    form = _bound("440000", "420500", "420581")

    assert form.errors["home"] == ["Choose a prefecture."]
    html = str(form["home"])
    assert _options(html, "home_1") == ["440100", "441900"]
    assert _options(html, "home_2") == []


def test_municipality_needs_no_prefecture_and_lists_its_districts_at_once():
    form = _bound("110000")

    assert form.errors["home"] == ["Choose a county."]
    html = str(form["home"])
    assert _options(html, "home_1") == ["110000"]
    assert _selected(html, "home_1") == "110000"
    assert _options(html, "home_2") == ["110101", "110102"]
    assert "Update the lists" in html


def test_municipal_district_is_a_valid_county():
    form = _bound("110000", "", "110101")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["home"].code == "110101"


def test_directly_governed_county_is_chosen_with_its_own_entry():
    form = _bound("420000", "429004")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["home"].code == "429004"


def test_city_without_districts_stands_for_its_own_county():
    form = _bound("440000", "441900")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["home"].code == "441900"


def test_prefecture_level_picker_has_two_selects_and_returns_the_prefecture():
    form = _bound("420000", "420500", form_class=CityForm, name="site")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["site"].code == "420500"
    assert "site_2" not in str(form["site"])


def test_prefecture_level_picker_takes_a_municipality_as_its_city():
    form = _bound("110000", form_class=CityForm, name="site")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["site"].code == "110000"


def test_prefecture_level_picker_asks_for_a_prefecture():
    assert _bound("420000", form_class=CityForm, name="site").errors["site"] == ["Choose a prefecture."]


def test_province_level_picker_has_one_select_and_no_refresh_button():
    form = _bound("420000", form_class=ProvinceForm, name="scope")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["scope"].code == "420000"
    html = str(form["scope"])
    assert "scope_1" not in html
    assert REFRESH_FIELD not in html


def test_optional_picker_left_empty_is_none():
    form = ProvinceForm(data={})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["scope"] is None


def test_initial_region_fills_all_three_lists():
    html = str(CountyForm(initial={"home": Region.objects.get(code="420581")})["home"])

    assert (_selected(html, "home_0"), _selected(html, "home_1"), _selected(html, "home_2")) == (
        "420000",
        "420500",
        "420581",
    )
    assert _options(html, "home_2") == ["420502", "420581", "420582"]


def test_initial_abolished_code_shows_its_successor():
    html = str(CountyForm(initial={"home": "110103"})["home"])

    assert _selected(html, "home_2") == "110101"


def test_initial_directly_governed_county_selects_itself_in_the_second_list():
    html = str(CountyForm(initial={"home": "429004"})["home"])

    assert (_selected(html, "home_1"), _selected(html, "home_2")) == ("429004", "429004")


def test_has_changed_compares_the_chosen_region():
    unchanged = CountyForm(
        initial={"home": Region.objects.get(code="420581")},
        data={"home_0": "420000", "home_1": "420500", "home_2": "420581"},
    )
    changed = CountyForm(initial={"home": "420581"}, data={"home_0": "420000", "home_1": "420500", "home_2": "420502"})

    assert unchanged.has_changed() is False
    assert changed.has_changed() is True


def test_option_names_follow_the_active_language():
    with translation.override("en"):
        english = str(_bound("420000")["home"])
    with translation.override("zh-hans"):
        chinese = str(_bound("420000")["home"])

    assert ">Wuhan Shi</option>" in english
    assert ">武汉市</option>" in chinese


def test_refresh_press_is_never_valid_and_shows_no_errors():
    form = _bound("420000", "420500", "420581", **{REFRESH_FIELD: "home"})

    assert form.is_valid() is False
    assert form.errors == {}
    assert _selected(str(form["home"]), "home_2") == "420581"


def test_is_region_refresh_reads_post_and_get():
    factory = RequestFactory()

    assert is_region_refresh(factory.post("/", {REFRESH_FIELD: "home"})) is True
    assert is_region_refresh(factory.get("/", {REFRESH_FIELD: "home"})) is True
    assert is_region_refresh(factory.post("/", {"home_0": "420000"})) is False


def test_widget_media_loads_the_script_deferred():
    media = str(CountyForm().media)

    assert "js/region-picker.js" in media
    assert "defer" in media
    assert "<script>" not in media


def test_rendered_picker_has_no_inline_script_or_style():
    html = str(_bound("420000", "420500")["home"])

    assert "<script" not in html
    assert "style=" not in html


def test_field_rejects_an_unknown_level():
    with pytest.raises(ValueError, match="level must be one of"):
        RegionField(level="village")
