"""Liveness of the parts a request depends on: database, broker, worker."""

from typing import TypedDict

from django.db import connection

from config.celery import app


class Part(TypedDict):
    ok: bool
    detail: str


def database() -> Part:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "detail": type(exc).__name__}
    return {"ok": True, "detail": connection.vendor}


def broker() -> Part:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {"ok": False, "detail": type(exc).__name__}
    return {"ok": True, "detail": app.conf.broker_url.split("://", 1)[0]}


def worker() -> Part:
    """At least one worker answers a broadcast ping.

    A control ping is answered by the worker's own consumer, so a worker busy
    with a long task still counts as alive; a ping *task* would queue behind it.
    """
    try:
        replies = app.control.ping(timeout=2.0, limit=1)
    except Exception as exc:
        return {"ok": False, "detail": type(exc).__name__}
    if not replies:
        return {"ok": False, "detail": "no worker answered"}
    return {"ok": True, "detail": "pong"}


def run_all() -> dict[str, Part]:
    report: dict[str, Part] = {"database": database(), "broker": broker()}
    report["worker"] = worker() if report["broker"]["ok"] else {"ok": False, "detail": "broker down"}
    return report
