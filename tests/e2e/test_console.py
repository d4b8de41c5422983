"""Bureau staff in the console: password log-in under the strict CSP, the SMS outbox readable."""

from playwright.sync_api import Page, expect

from accounts.sms import send_sms
from tests.accounts.factories import STAFF_PASSWORD, StaffFactory


def test_staff_log_in_and_read_the_sms_outbox_without_csp_violations(page: Page, live_server):
    StaffFactory(username="clerk", is_superuser=True, nationwide=True)
    send_sms(phone="13800138000", body="春风：您的登录验证码是123456。", kind="login_code")
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])

    page.goto("/console/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/console/accounts/smsmessage/")

    expect(page.get_by_text("138****8000")).to_be_visible()
    expect(page.get_by_text("13800138000")).to_have_count(0)
    assert violations == []


def test_staff_search_by_phone_keeps_the_number_out_of_the_address_bar(page: Page, live_server):
    StaffFactory(username="clerk", is_superuser=True, nationwide=True)
    send_sms(phone="13800138000", body="first", kind="login_code")
    send_sms(phone="13900139000", body="second", kind="login_code")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/console/login/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/console/accounts/smsmessage/")
    page.locator("#searchbar").fill("138 0013 8000")
    page.locator("#changelist-search input[type=submit]").click()

    expect(page.get_by_text("138****8000")).to_be_visible()
    expect(page.get_by_text("139****9000")).to_have_count(0)
    assert "0013" not in page.url
    assert "search=" in page.url
