"""The worker's home page and unemployment registration on a phone-sized screen."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.session import log_in
from tests.workers.factories import WorkerProfileFactory
from workers.models import UnemploymentRegistration, Worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fixture_reference_data")]


@pytest.fixture
def worker() -> Worker:
    return WorkerProfileFactory(real_name="张伟", user__phone="13812345678")


def test_the_home_page_shows_the_profile_summary_and_an_empty_offers_list(page: Page, live_server, worker):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, live_server, worker.user)

    page.goto("/workers/me/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 张伟")
    expect(page.get_by_text("No offers yet. When an employer's job fits you")).to_be_visible()
    details = page.locator("section", has=page.get_by_role("heading", name="My details"))
    expect(details).to_contain_text(worker.masked_id_number)
    expect(details).to_contain_text("138****5678")
    expect(details).to_contain_text("Yunnan Sheng Zhaotong Shi Zhenxiong Xian")
    expect(details).not_to_contain_text(worker.id_number)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    assert violations == []


def test_the_home_page_speaks_chinese_first(page: Page, live_server, worker):
    log_in(page, live_server, worker.user, language=None)

    response = page.goto("/workers/me/")

    assert response is not None
    assert "no-store" in response.headers["cache-control"]
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("section .empty").first).to_be_visible()


def test_a_migrant_registers_as_unemployed_where_they_work(page: Page, live_server, worker):
    log_in(page, live_server, worker.user)
    page.goto("/workers/me/")

    page.get_by_role("link", name="Register as unemployed").click()
    expect(page.get_by_text("You have not registered as unemployed.")).to_be_visible()
    # The picker script has taken over once its no-script refresh button is gone.
    expect(page.locator("[data-region-refresh]")).to_have_count(0)
    page.get_by_label("Province", exact=True).select_option("420000")
    page.get_by_label("City or prefecture", exact=True).select_option("420500")
    county = page.get_by_label("County or district", exact=True)
    expect(county.locator("option[value='420581']")).to_have_count(1)
    county.select_option("420581")
    page.get_by_label("I work or last worked here").check()
    page.get_by_label("Last employer (if any)").fill("宜都华新电子厂")
    page.get_by_role("button", name="Register", exact=True).click()

    expect(page.get_by_text("Your registration was sent to the bureau of that county.")).to_be_visible()
    registrations = page.locator("section", has=page.get_by_role("heading", name="My registrations"))
    expect(registrations).to_contain_text("Submitted")
    expect(registrations).to_contain_text("Hubei Sheng Yichang Shi Yidu Shi")
    registration = UnemploymentRegistration.objects.get(worker=worker)
    assert (registration.region_id, registration.basis) == ("420581", "workplace")
