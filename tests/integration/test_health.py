import pytest

pytestmark = [pytest.mark.integration]


def test_health_is_ok_with_postgres_redis_and_a_live_worker(client, live_worker):
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": True, "detail": "postgresql"}
    assert checks["broker"] == {"ok": True, "detail": "redis"}
    assert checks["worker"] == {"ok": True, "detail": "pong"}
