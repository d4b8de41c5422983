"""`make run`'s path end to end: SQLite, embedded broker, web + worker + beat under honcho."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.services import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("quickstart")]


def _manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _get(url: str, language: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})  # noqa: S310 - local server
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_zero_setup_stack_serves_both_languages_with_a_live_worker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"CHUNFENG_VAR_DIR": str(tmp_path / "var"), "PORT": str(free_port()), "SMS_BACKEND": ""}
    _manage("migrate", "--no-input", "-v0", env=env)
    _manage("load_reference_data", "-v0", env=env)
    _manage("collectstatic", "--no-input", "-v0", env=env)
    assert "created" in _manage("load_demo_data", env=env)
    assert "0 record(s) created" in _manage("load_demo_data", env=env)

    honcho = subprocess.Popen(
        [str(Path(sys.executable).with_name("honcho")), "--procfile", "Procfile", "start"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        deadline = time.monotonic() + 90
        status, body = 0, ""
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"{base}/health/", "en")
            except OSError:
                status = 0
            if status == 200:
                break
            time.sleep(1)
        assert status == 200, body
        assert '"worker": {"ok": true, "detail": "pong"}' in body

        # A task round-trips through the embedded broker and the file result backend.
        ping = subprocess.run(
            [sys.executable, "-c", "from config.celery import ping; print(ping.delay().get(timeout=20))"],
            cwd=ROOT,
            env=env | {"DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert ping.stdout.strip() == "pong", ping.stderr

        status, chinese = _get(f"{base}/", "zh-CN,zh;q=0.9")
        assert status == 200
        assert '<html lang="zh-hans">' in chinese
        assert "家门口的好工作" in chinese
        status, english = _get(f"{base}/", "en-US,en;q=0.9")
        assert '<html lang="en">' in english
        assert "Jobs that come to your county" in english
        status, css = _get(f"{base}/static/css/site.css", "en")
        assert "--green" in css
        assert status == 200
    finally:
        os.killpg(honcho.pid, 15)
        honcho.wait(timeout=30)
