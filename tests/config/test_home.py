import pytest

from tests.accounts.factories import EmployerFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def test_visitors_see_the_front_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/accounts/login/"' in response.content


def test_a_logged_in_worker_goes_to_their_own_page(client):
    client.force_login(WorkerFactory())
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/workers/me/"


def test_other_roles_stay_on_the_front_page(client):
    client.force_login(EmployerFactory())
    assert client.get("/").status_code == 200


def test_the_front_page_leads_to_the_job_search(client):
    response = client.get("/")
    assert b'href="/jobs/"' in response.content
