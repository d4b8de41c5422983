"""An employer registers on a phone-sized screen, bureau staff verify it, and its job goes public."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import Page, expect

from jobs.models import Employer
from tests.accounts.factories import EmployerFactory as EmployerUserFactory
from tests.accounts.factories import StaffFactory, county
from tests.e2e.session import log_in
from tests.jobs.factories import uscc

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fixture_reference_data")]

YIDU = "420581"


def test_an_employer_registers_is_verified_by_staff_and_publishes_a_searchable_job(page: Page, live_server):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    code = uscc(7, region=YIDU)
    owner = EmployerUserFactory()
    log_in(page, live_server, owner)

    page.goto(f"{live_server.url}/employers/register/")
    page.get_by_label("Company name").fill("宜都华新电子有限公司")
    page.get_by_label("Unified social credit code").fill(code)
    # The picker script has taken over once its no-script refresh button is gone.
    expect(page.locator("[data-region-refresh]")).to_have_count(0)
    page.get_by_label("Province", exact=True).select_option("420000")
    page.get_by_label("City or prefecture", exact=True).select_option("420500")
    county_list = page.get_by_label("County or district", exact=True)
    expect(county_list.locator(f"option[value='{YIDU}']")).to_have_count(1)
    county_list.select_option(YIDU)
    page.get_by_label("Industry").select_option("manufacturing")
    page.get_by_label("Contact person").fill("陈经理")
    page.get_by_label("Contact mobile number").fill("13900139002")
    page.get_by_role("button", name="Register the company").click()

    expect(page.get_by_text("postings go public after the labour bureau verifies the company")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("宜都华新电子有限公司")
    expect(page.get_by_text("Waiting for the bureau")).to_be_visible()
    expect(page.get_by_role("link", name="Post a job")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    employer = Employer.objects.get(uscc=code)
    assert employer.region_id == YIDU

    staff = StaffFactory(home_region=county("420500"))
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="jobs", codename__in=("view_employer", "change_employer"))
    )
    page.context.clear_cookies()
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/console/jobs/employer/")
    page.get_by_role("row", name="宜都华新电子有限公司").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("verify")
    page.get_by_role("button", name="Run").click()

    expect(page.get_by_text("1 employer changed.")).to_be_visible()
    employer.refresh_from_db()
    assert employer.verification == Employer.Verification.VERIFIED
    assert employer.verified_by == staff

    page.context.clear_cookies()
    log_in(page, live_server, owner)
    publish_a_job(page, live_server)
    assert violations == []


def publish_a_job(page: Page, live_server) -> None:
    """As the logged-in owner: add a site, fill the offer sheet, publish, then find the job in public search."""
    page.goto(f"{live_server.url}/employer/sites/")
    page.get_by_label("Site name").fill("一号厂区")
    page.get_by_label("Address").fill("湖北省宜都市陆城街道园区路8号")
    # The picker script has taken over once its no-script refresh button is gone.
    expect(page.locator("[data-region-refresh]")).to_have_count(0)
    page.get_by_label("Province", exact=True).select_option("420000")
    page.get_by_label("City or prefecture", exact=True).select_option("420500")
    page.get_by_label("County or district", exact=True).select_option(YIDU)
    page.get_by_role("button", name="Add the site").click()

    page.goto(f"{live_server.url}/employer/postings/new/")
    page.locator("select[name=occupation]").select_option("sewing-machinist")
    page.locator("select[name=site]").select_option(label="一号厂区")
    fields = {
        "title": "缝纫工（包吃住）",
        "headcount": "30",
        "start_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "contract_months": "12",
        "wage_rate": "5600",
        "expected_monthly": "5600",
        "deduction_dormitory": "100",
        "deduction_meals": "200",
        "hours_per_day": "8",
        "days_per_week": "6",
        "contact_name": "陈经理",
        "contact_phone": "13900139002",
    }
    for name, value in fields.items():
        page.locator(f"[name={name}]").fill(value)
    page.locator("select[name=wage_type]").select_option("monthly")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Send for publishing").click()

    expect(page.get_by_text("The posting is published: workers can find it now.")).to_be_visible()
    page.goto(f"{live_server.url}/jobs/")
    expect(page.get_by_text("缝纫工（包吃住）")).to_be_visible()
    page.get_by_text("缝纫工（包吃住）").click()
    expect(page.get_by_text("5300 yuan a month after deductions")).to_be_visible()
