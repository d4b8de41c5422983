"""Real services for integration tests: PostgreSQL, Redis and Celery worker processes."""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent


def services_available() -> str | None:
    """None when PostgreSQL and Redis are configured and answer; else why not."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL is not PostgreSQL"
    if not settings.REDIS_URL:
        return "REDIS_URL is not set"
    parts = urlsplit(settings.REDIS_URL)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1).close()
    except OSError as exc:
        return f"Redis does not answer: {exc}"
    return None


def require_services() -> None:
    reason = services_available()
    if reason is None:
        return
    if os.environ.get("CHUNFENG_REQUIRE_SERVICES") == "1":
        pytest.fail(f"integration services required but absent: {reason}")
    pytest.skip(f"integration services absent: {reason}")


def redis_url_for(xdist_worker: str, base: str | None = None) -> str:
    """A Redis database of its own for each xdist worker, so parallel runs never share queues."""
    parts = urlsplit(base or settings.REDIS_URL)
    index = 15 - (int(xdist_worker[2:]) if xdist_worker.startswith("gw") else 0) % 8
    return urlunsplit(parts._replace(path=f"/{index}"))


def use_broker(url: str | None = None, backend: str | None = None) -> None:
    """Point this process's Celery app at another broker (Redis also for results); None restores settings."""
    app.conf.broker_url = url or settings.CELERY_BROKER_URL
    app.conf.result_backend = backend or url or settings.CELERY_RESULT_BACKEND
    # Drop pooled connections and the cached backend so the next call reconnects.
    app._after_fork()
    app._backend_cache = None
    app._local = threading.local()


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    broker_url: str
    log: Path


@contextmanager
def celery_worker(
    *,
    xdist_worker: str = "master",
    broker_url: str | None = None,
    wait: bool = True,
    env: dict | None = None,
    fresh: bool = True,
) -> Iterator[Worker]:
    """Start `celery worker` against the test database; stop it afterwards.

    `fresh` empties the broker first; a test of redelivery keeps what a killed worker left.
    """
    broker_url = broker_url or redis_url_for(xdist_worker)
    use_broker(broker_url)
    if wait and fresh:
        with app.connection_for_write() as conn:
            conn.default_channel.client.flushdb()
    log = Path(settings.VAR_DIR) / f"test-worker-{xdist_worker}-{os.getpid()}.log"
    env = (
        os.environ
        | {
            "DATABASE_URL": _database_url(),
            "REDIS_URL": broker_url,
            "DB_CONN_MAX_AGE": "0",
            "LOG_LEVEL": "WARNING",
        }
        | (env or {})
    )
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--include",
        "tests.integration.handlers",
        "--hostname",
        f"test-{xdist_worker}-{os.getpid()}@%h",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        worker = Worker(process=process, broker_url=broker_url, log=log)
        if wait:
            wait_for_worker(worker)
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        use_broker()


def wait_for_worker(worker: Worker, timeout: float = 30) -> None:
    """Block until the worker answers a ping task (a real round trip)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise RuntimeError(f"celery worker exited: {worker.log.read_text()[-2000:]}")
        try:
            if app.send_task("config.ping").get(timeout=2) == "pong":
                return
        except Exception:  # noqa: S112 - not up yet
            continue
    raise RuntimeError(f"celery worker did not answer in {timeout}s: {worker.log.read_text()[-2000:]}")


@contextmanager
def redis_server(port: int) -> Iterator[str]:
    """A private, throw-away redis-server on `port` (for broker-outage tests)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
