import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_explained_in_the_users_language(client):
    response = client.get("/no-such-page/", headers={"accept-language": "en"})
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b'href="/"' in response.content


def test_a_server_error_page_needs_no_database_or_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "12333" in html
    assert "{%" not in html


def test_the_error_page_is_served_on_an_unhandled_exception(settings):
    settings.ROOT_URLCONF = "tests.config.broken_urls"
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "12333" in response.content.decode()
