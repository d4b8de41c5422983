"""The pages a worker uses on the way to work and after: every control labelled and big enough to tap on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from dispatch import services
from dispatch.models import Passenger
from tests.dispatch.factories import confirmed
from tests.e2e.session import log_in
from tests.e2e.test_accessibility import CONTROLS
from tests.matching.factories import skilled
from tests.rights.factories import placed

pytestmark = pytest.mark.django_db(transaction=True)


def assert_tappable(page: Page) -> None:
    controls = page.locator(CONTROLS)
    assert controls.count() > 0
    for index in range(controls.count()):
        control = controls.nth(index)
        box = control.bounding_box()
        assert box is not None
        name = control.evaluate("el => el.outerHTML.slice(0, 80)")
        assert box["height"] >= 44, f"{name} is {box['height']} px tall"
        if control.evaluate("el => el.tagName") in {"INPUT", "SELECT", "TEXTAREA"}:
            assert control.evaluate("el => el.labels.length") > 0, f"{name} has no label"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"


def test_the_trip_page_with_its_boarding_code(page: Page, live_server, posting):
    [offer] = confirmed(posting, [skilled()])
    services.group_plan(site_id=posting.site_id, travel_day=posting.start_date - timedelta(days=2))
    assert Passenger.objects.filter(offer=offer).exists()
    log_in(page, live_server, offer.worker.user, language="zh-hans")

    page.goto(f"{live_server.url}/trips/mine/")

    assert page.locator("svg.boarding-qr").count() == 1
    assert_tappable(page)


def test_the_home_page_asking_about_last_months_pay(page: Page, live_server):
    offer = placed(arrived=timezone.now() - timedelta(days=70))
    log_in(page, live_server, offer.worker.user, language="zh-hans")

    page.goto(f"{live_server.url}/workers/me/")

    assert page.locator("#checkin-amount").count() == 1
    assert_tappable(page)
