import re

from playwright.sync_api import Page, expect

from accounts import pii
from accounts.models import SmsMessage, User


def _english(page: Page, live_server) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def _last_code(phone: str) -> str:
    message = SmsMessage.objects.filter(phone_hash=pii.keyed_hash(phone, purpose="phone")).first()
    assert message is not None
    return re.search(r"\d{6}", message.body).group()


def test_a_worker_signs_up_with_phone_and_code_then_logs_out(page: Page, live_server):
    _english(page, live_server)
    page.goto("/")
    page.get_by_role("link", name="Sign up or log in with your phone").click()
    page.get_by_label("Mobile number").fill("138 0013 8555")
    page.get_by_role("button", name="Send me a code").click()

    expect(page.get_by_text("138****8555")).to_be_visible()
    code = _last_code("13800138555")
    page.get_by_label("Code from the text message").fill(code)
    page.get_by_role("button", name="Log in", exact=True).click()

    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert User.objects.filter(phone_hash=pii.keyed_hash("13800138555", purpose="phone"), role="worker").exists()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()


def test_a_malformed_phone_number_is_refused_next_to_the_field_and_kept(page: Page, live_server):
    _english(page, live_server)
    page.goto("/accounts/login/")
    page.get_by_label("Mobile number").fill("12345")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_text("Enter a mainland China mobile number: 11 digits starting with 1.")).to_be_visible()
    expect(page.get_by_label("Mobile number")).to_have_value("12345")
    assert SmsMessage.objects.count() == 0
