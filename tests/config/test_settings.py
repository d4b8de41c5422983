import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import env

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-with-plenty-of-entropy-0123456789abcdefghijkl",
    "FIELD_ENCRYPTION_KEYS": "field-key-2026",
    "PII_HASH_KEY": "hash-key-2026",
    "ALLOWED_HOSTS": "chunfeng.example.org",
    "HTTPS": "true",
}


def _run(*args: str, extra_env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    # The browser tests relax async safety in this process; a deployment never would.
    dropped = {*PRODUCTION, "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment |= {"CHUNFENG_VAR_DIR": str(tmp_path), **extra_env}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be one of true/false"),
        ("OTP_TTL_MINUTES", "five", "OTP_TTL_MINUTES must be a whole number"),
        ("OTP_TTL_MINUTES", "0", "OTP_TTL_MINUTES must be at least 1"),
        ("DATABASE_URL", "mysql://localhost/x", "DATABASE_URL must be a URL starting with postgres://"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must be a URL starting with redis://"),
        ("SMS_BACKEND", "smtp", "SMS_BACKEND must be one of"),
    ],
)
def test_a_malformed_variable_stops_start_up_naming_it(variable, value, message, tmp_path):
    result = _run("-c", "import config.settings", extra_env={variable: value}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", extra_env=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_insists_on_real_secrets(tmp_path):
    production_without_keys = {k: v for k, v in PRODUCTION.items() if k not in {"PII_HASH_KEY"}}
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        extra_env=production_without_keys,
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "PII_HASH_KEY" in result.stderr


def test_nothing_set_means_sqlite_and_the_filesystem_broker(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'])"
    )
    result = _run(
        "-c",
        f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup(); {code}",
        extra_env={"REDIS_URL": ""},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://localhost/",
        "django.core.cache.backends.filebased.FileBasedCache",
    ]
    assert (tmp_path / "secret_key.txt").stat().st_mode & 0o077 == 0


def test_one_redis_url_feeds_broker_results_and_cache(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.CELERY_BROKER_URL, s.CELERY_RESULT_BACKEND, s.CACHES['default']['LOCATION'])"
    )
    result = _run(
        "-c",
        f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup(); {code}",
        extra_env={"REDIS_URL": "redis://127.0.0.1:6379/3"},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://127.0.0.1:6379/3"] * 3


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example , b.example,, ")
    assert env.env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_blank_values_fall_back_to_the_default(monkeypatch):
    monkeypatch.setenv("OTP_TTL_MINUTES", "   ")
    assert env.env_int("OTP_TTL_MINUTES", 5) == 5


@pytest.mark.parametrize(
    ("reader", "value", "message"),
    [
        (lambda: env.env_bool("FLAG", False), "perhaps", "FLAG must be one of true/false"),
        (lambda: env.env_int("COUNT", 1, minimum=1), "1.5", "COUNT must be a whole number"),
        (lambda: env.env_int("COUNT", 1, minimum=1), "-3", "COUNT must be at least 1"),
        (lambda: env.env_float("COUNT", 1.0, minimum=0.1), "fast", "COUNT must be a number"),
        (lambda: env.env_float("COUNT", 1.0, minimum=0.1), "0", "COUNT must be a number of at least 0.1"),
        (lambda: env.env_float("COUNT", 1.0, minimum=0.1), "nan", "COUNT must be a number of at least 0.1"),
        (lambda: env.env_choice("MODE", "a", ["a", "b"]), "c", "MODE must be one of a, b"),
        (lambda: env.env_url("URL", schemes=("redis",)), "redis:/x", "URL must be a URL starting with redis://"),
    ],
)
def test_each_reader_refuses_a_malformed_value_naming_the_variable(monkeypatch, reader, value, message):
    for name in ("FLAG", "COUNT", "MODE", "URL"):
        monkeypatch.setenv(name, value)
    with pytest.raises(env.EnvError, match=message):
        reader()


@pytest.mark.parametrize(("value", "expected"), [("YES", True), ("off", False), ("1", True), (" 0 ", False)])
def test_booleans_accept_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("FLAG", value)
    assert env.env_bool("FLAG", not expected) is expected


def test_unset_variables_give_their_defaults(monkeypatch):
    for name in ("FLAG", "COUNT", "MODE", "URL", "TEXT"):
        monkeypatch.delenv(name, raising=False)
    assert env.env_bool("FLAG", True) is True
    assert env.env_int("COUNT", 7) == 7
    assert env.env_float("COUNT", 1.1) == 1.1
    assert env.env_choice("MODE", "b", ["a", "b"]) == "b"
    assert env.env_url("URL", schemes=("redis",)) is None
    assert env.env_str("TEXT", "fallback") == "fallback"


def test_postgresql_connections_plan_for_ssd_reads_and_the_cost_can_be_set(tmp_path):
    code = "import config.settings as s; print(s.DATABASES['default']['OPTIONS']['options'])"
    url = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x"}

    default = _run("-c", code, extra_env=url, tmp_path=tmp_path)
    chosen = _run("-c", code, extra_env={**url, "DB_RANDOM_PAGE_COST": "2"}, tmp_path=tmp_path)

    assert default.stdout.strip() == "-c random_page_cost=1.1"
    assert chosen.stdout.strip() == "-c random_page_cost=2.0"
