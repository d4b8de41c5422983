"""An unpaid month becomes a tracked case in two taps, and a clerk of the home county records the recovery."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import Page, expect

from rights.models import Case
from tests.accounts.factories import StaffFactory, county
from tests.e2e.session import log_in
from tests.rights.factories import placed

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_reports_an_unpaid_month_and_staff_record_the_recovery(page: Page, live_server):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    offer = placed(arrived=timezone.now() - timedelta(days=70))
    worker = offer.worker

    # Two taps: "Not paid" on the home page, then "Send my claim" on the claim it filled in.
    log_in(page, live_server, worker.user, language="zh-hans")
    page.goto(f"{live_server.url}/workers/me/")
    page.get_by_role("button", name="未发放").click()
    expect(page.get_by_text("5200", exact=False).first).to_be_visible()
    page.get_by_role("button", name="提交我的投诉").click()
    case = Case.objects.get(worker=worker)
    assert (case.status, case.amount_claimed, case.offer) == (Case.Status.RECEIVED, Decimal("5200"), offer)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"

    # A clerk of the worker's home county works the case in the console, up to the recovery.
    clerk = StaffFactory(home_region=county("530627"))
    clerk.user_permissions.add(*Permission.objects.filter(content_type__app_label="rights"))
    log_in(page, live_server, clerk, language="en")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/console/rights/case/{case.pk}/change/")
    page.get_by_role("button", name="Move to “Assigned”").click()
    page.get_by_role("button", name="Move to “Investigating”").click()
    recovered = page.locator("form", has=page.get_by_role("button", name="Move to “Recovered”"))
    recovered.get_by_label("In full").check()
    recovered.get_by_label("Amount recovered (yuan)").fill("5200")
    recovered.get_by_label("Paid on").fill(timezone.localdate().isoformat())
    recovered.get_by_role("button", name="Move to “Recovered”").click()
    expect(page.get_by_text("Recovered", exact=False).first).to_be_visible()

    case.refresh_from_db()
    assert (case.status, case.recovered_amount, case.assigned_to) == (Case.Status.RECOVERED, Decimal("5200"), clerk)

    # The worker sees where the case stands.
    log_in(page, live_server, worker.user, language="zh-hans")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_text("已追回").first).to_be_visible()
    assert violations == []
