import pytest

pytestmark = pytest.mark.django_db


def test_health_names_the_worker_when_no_worker_answers(client, settings, tmp_path):
    from tests.services import use_broker

    use_broker("filesystem://localhost/", backend=f"file://{tmp_path}")
    try:
        response = client.get("/health/")
    finally:
        use_broker()
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False


def test_health_names_the_broker_when_it_is_unreachable(client):
    from tests.services import free_port, use_broker

    use_broker(f"redis://127.0.0.1:{free_port()}/0")
    try:
        response = client.get("/health/")
    finally:
        use_broker()
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False, "detail": "OperationalError"}
    assert response.json()["checks"]["worker"]["detail"] == "broker down"
