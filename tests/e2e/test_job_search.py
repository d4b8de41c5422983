"""The public job search in Chromium on a small phone: tick housing, see the right jobs, open one."""

import pytest
from playwright.sync_api import Page, expect

from tests.jobs.factories import PostingFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fixture_reference_data")]


def test_ticking_housing_keeps_the_jobs_with_a_bed_and_opens_one(page: Page):
    PostingFactory(title="包住电子厂普工", housing_provided=True, expected_monthly=6000)
    PostingFactory(title="不包住快递分拣员", housing_provided=False)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto("/jobs/")
    expect(page.locator(".job h2")).to_have_count(2)
    page.locator("input[name=housing]").check()
    page.locator("form[role=search] > button[type=submit]").click()

    expect(page.locator(".job h2")).to_have_text(["包住电子厂普工"])
    page.get_by_role("link", name="包住电子厂普工").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("包住电子厂普工")
    expect(page.locator("main")).to_contain_text("5550")
    assert violations == []
