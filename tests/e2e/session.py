"""Log a browser in without the phone-code flow (which has its own test)."""

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

from accounts.models import User


def log_in(page: Page, live_server, user: User, *, language: str | None = "en") -> None:
    """Give the browser the session a real log-in would leave, replacing any earlier one."""
    client = Client()
    client.force_login(user)
    cookies = [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}]
    if language:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    page.context.clear_cookies()
    page.context.add_cookies([cookie | {"url": live_server.url} for cookie in cookies])
