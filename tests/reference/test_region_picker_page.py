"""The no-JavaScript flow: a page posts back to itself until every list is filled."""

import re

import pytest

from reference.forms import REFRESH_FIELD

pytestmark = [pytest.mark.urls("tests.reference.urls"), pytest.mark.usefixtures("fixture_reference_data")]


@pytest.fixture
def client(client):
    # The assertions read the English msgids; Chinese is the site default.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _option_values(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {select_name}"
    return re.findall(r'<option value="(\d+)"', select.group(1))


def test_page_loads_the_picker_script_from_static_files(client):
    html = client.get("/place/").content.decode()

    assert re.search(r'<script src="/static/js/region-picker\.js" defer></script>', html)


def test_refresh_after_choosing_a_province_lists_its_prefectures_and_saves_nothing(client):
    response = client.post("/place/", {"name": "Li", "home_0": "420000", REFRESH_FIELD: "home"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Saved" not in html
    assert _option_values(html, "home_1") == ["420100", "420500", "429004"]
    assert 'class="errorlist"' not in html


def test_refresh_after_choosing_a_prefecture_lists_its_counties(client):
    response = client.post("/place/", {"name": "Li", "home_0": "420000", "home_1": "420500", REFRESH_FIELD: "home"})

    assert _option_values(response.content.decode(), "home_2") == ["420502", "420581", "420582"]


def test_refresh_with_a_complete_choice_still_saves_nothing(client):
    response = client.post(
        "/place/", {"name": "Li", "home_0": "420000", "home_1": "420500", "home_2": "420581", REFRESH_FIELD: "home"}
    )

    assert "Saved" not in response.content.decode()


def test_saving_with_only_a_province_asks_for_a_prefecture_with_the_list_filled(client):
    html = client.post("/place/", {"name": "Li", "home_0": "420000"}).content.decode()

    assert "Choose a prefecture." in html
    assert _option_values(html, "home_1") == ["420100", "420500", "429004"]


def test_saving_a_complete_choice_returns_the_county(client):
    response = client.post("/place/", {"name": "Li", "home_0": "420000", "home_1": "420500", "home_2": "420581"})

    assert response.content.decode() == "Saved Li from 420581"


def test_saving_a_municipal_district_after_one_refresh(client):
    refreshed = client.post("/place/", {"name": "Wang", "home_0": "110000", REFRESH_FIELD: "home"}).content.decode()
    assert _option_values(refreshed, "home_2") == ["110101", "110102"]

    saved = client.post("/place/", {"name": "Wang", "home_0": "110000", "home_1": "110000", "home_2": "110102"})

    assert saved.content.decode() == "Saved Wang from 110102"


def test_page_with_a_bound_picker_stays_small(client):
    response = client.post("/place/", {"name": "Li", "home_0": "420000", "home_1": "420500", REFRESH_FIELD: "home"})

    assert len(response.content) < 6_000
