import pytest
from django.test import Client
from django.urls import reverse

from reference.views import CHILDREN_MAX_AGE

pytestmark = pytest.mark.usefixtures("fixture_reference_data")


def _children(client, **params):
    response = client.get(reverse("reference:children"), params)
    assert response.status_code == 200
    return response


def _codes(response) -> list[str]:
    return [item["code"] for item in response.json()["results"]]


def test_children_of_a_municipality_are_its_current_districts():
    response = _children(Client(headers={"accept-language": "zh-hans"}), parent="110000")

    assert _codes(response) == ["110101", "110102"]
    assert response.json()["results"][0] == {"code": "110101", "name": "东城区", "level": "county"}


def test_children_carry_their_level_so_the_script_can_spot_municipalities(client):
    levels = {item["code"]: item["level"] for item in _children(client, parent="420000").json()["results"]}

    assert levels == {"420100": "prefecture", "420500": "prefecture", "429004": "county"}


def test_without_a_parent_the_provinces_are_listed(client):
    assert _codes(_children(client)) == ["110000", "420000", "440000"]


def test_names_follow_the_lang_parameter(client):
    english = _children(client, parent="110000", lang="en").json()["results"][0]["name"]
    chinese = _children(client, parent="110000", lang="zh-hans").json()["results"][0]["name"]

    assert (english, chinese) == ("Dongcheng Qu", "东城区")


def test_names_follow_the_browser_language_without_a_lang_parameter(client):
    response = client.get(reverse("reference:children"), {"parent": "110000"}, headers={"accept-language": "en"})

    assert response.json()["results"][0]["name"] == "Dongcheng Qu"
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("parent", ["999999", "110101", "abc", "1100000"])
def test_unknown_or_childless_parent_gives_an_empty_list(client, parent):
    assert _children(client, parent=parent).json()["results"] == []


def test_response_may_be_cached_for_a_day(client):
    cache_control = _children(client, parent="110000", lang="en")["Cache-Control"]

    assert "public" in cache_control
    assert f"max-age={CHILDREN_MAX_AGE}" in cache_control


def test_post_is_refused(client):
    assert client.post(reverse("reference:children"), {"parent": "110000"}).status_code == 405
