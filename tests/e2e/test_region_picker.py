"""The picker in Chromium: lists fill without a round trip, and still work without script.

The shared `page` fixture browses in Chinese, so those tests find the selects
by name; the no-script test asks for English and finds them by label.
"""

import pytest
from playwright.sync_api import Page, expect

from reference.models import Region

pytestmark = [
    pytest.mark.urls("tests.reference.urls"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fixture_reference_data"),
]


def _option_count(page: Page, select_name: str) -> int:
    return page.locator(f"select[name={select_name}] option:not([value=''])").count()


def test_choosing_a_province_then_a_prefecture_fills_the_next_lists(page: Page):
    page.goto("/place/")
    expect(page.locator("[data-region-refresh]")).to_have_count(0)

    page.locator("select[name=home_0]").select_option("420000")
    expect(page.locator("select[name=home_1]").locator("option[value='429004']")).to_have_count(1)
    page.locator("select[name=home_1]").select_option("420500")
    county = page.locator("select[name=home_2]")
    expect(county.locator("option[value='420581']")).to_have_text("宜都市")
    expect(county).to_be_enabled()

    page.get_by_label("Name").fill("Li")
    county.select_option("420581")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("body")).to_have_text("Saved Li from 420581")


def test_choosing_a_municipality_lists_its_districts_at_once(page: Page):
    page.goto("/place/")

    page.locator("select[name=home_0]").select_option("110000")

    expect(page.locator("select[name=home_1]")).to_have_value("110000")
    county = page.locator("select[name=home_2]")
    expect(county.locator("option[value='110101']")).to_have_text("东城区")
    assert _option_count(page, "home_2") == Region.objects.current().filter(parent_id="110000").count()


def test_changing_the_province_empties_the_lists_below(page: Page):
    page.goto("/place/")
    page.locator("select[name=home_0]").select_option("420000")
    page.locator("select[name=home_1]").select_option("420500")
    expect(page.locator("select[name=home_2]")).to_be_enabled()

    page.locator("select[name=home_0]").select_option("440000")

    expect(page.locator("select[name=home_1]").locator("option[value='441900']")).to_have_count(1)
    expect(page.locator("select[name=home_2]")).to_be_disabled()


def test_picker_raises_no_content_security_policy_violation(page: Page):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto("/place/")
    page.locator("select[name=home_0]").select_option("110000")
    expect(page.locator("select[name=home_2]")).to_be_enabled()

    assert violations == []


def test_without_javascript_the_refresh_button_walks_down_the_lists(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/place/")
        page.get_by_label("Name").fill("Li")
        expect(page.get_by_label("City or prefecture", exact=True)).to_be_disabled()

        page.get_by_label("Province", exact=True).select_option("420000")
        page.get_by_role("button", name="Show the places in this province").click()
        page.get_by_label("City or prefecture", exact=True).select_option("420500")
        page.get_by_role("button", name="Show the places in this prefecture").click()
        page.get_by_label("County or district", exact=True).select_option("420581")
        page.get_by_role("button", name="Save").click()

        expect(page.locator("body")).to_have_text("Saved Li from 420581")
    finally:
        context.close()
