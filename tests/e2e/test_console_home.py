"""A clerk starts the day on the console's home: verifies the waiting employer from its card, and the home and the
statistics dashboard show the change; the same home in Chinese."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from console.roles import CLERK_GROUP, roles_sync
from jobs.models import Employer
from tests.accounts.factories import StaffFactory, county
from tests.e2e.session import log_in
from tests.jobs.factories import EmployerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def card(page: Page, key: str):
    return page.locator(f'[data-decision="{key}"]')


def test_a_clerk_verifies_an_employer_from_the_home_and_sees_the_home_update(page: Page, live_server):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    waiting = EmployerFactory(
        name="东莞长安精密五金厂", region=county("441900"), verification=Employer.Verification.PENDING
    )
    EmployerFactory(name="南部县外的工厂", region=county("511321"), verification=Employer.Verification.PENDING)
    roles_sync()
    clerk = StaffFactory(home_region=county("441900"))
    clerk.groups.add(Group.objects.get(name=CLERK_GROUP))
    log_in(page, live_server, clerk, language="en")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/console/")
    expect(card(page, "employers").locator(".count")).to_have_text("1")
    card(page, "employers").get_by_role("link").click()
    expect(page.get_by_text("南部县外的工厂")).to_have_count(0)
    page.get_by_role("row", name="东莞长安精密五金厂").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label="Verify employer")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("1 employer changed")

    waiting.refresh_from_db()
    assert (waiting.verification, waiting.verified_by) == (Employer.Verification.VERIFIED, clerk)
    page.get_by_role("link", name="Today").click()
    expect(card(page, "employers").locator(".count")).to_have_text("0")
    expect(card(page, "employers")).to_contain_text("Nothing waiting")

    # The dashboard opens from the console's navigation, with this region's figures and the change in the history.
    page.get_by_role("link", name="Statistics").click()
    expect(page.get_by_role("heading", name="Registered migrant workers")).to_be_visible()
    page.goto(f"{live_server.url}/console/jobs/employer/{waiting.pk}/history/")
    expect(page.get_by_text(clerk.username).first).to_be_visible()

    # The same home in Chinese.
    log_in(page, live_server, clerk, language="zh-hans")
    page.goto(f"{live_server.url}/console/")
    expect(page).to_have_title("今日待办 | 春风管理后台")
    assert violations == []
