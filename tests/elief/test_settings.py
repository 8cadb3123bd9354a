"""Configuration from the environment: defaults, and loud failures on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from elief import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("X_BOOL", "X_INT", "X_LIST", "X_TZ", "X_DB", "X_REDIS", "X_KEY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_it_returns_defaults_for_unset_and_empty_variables(clean_env):
    clean_env.setenv("X_LIST", "")
    assert env.env_bool("X_BOOL", True) is True
    assert env.env_int("X_INT", 8) == 8
    assert env.env_list("X_LIST", ["a"]) == ["a"]
    assert env.env_time_zone("X_TZ", "Europe/Brussels") == "Europe/Brussels"
    assert env.env_redis_url("X_REDIS") is None


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("On", True), ("0", False), ("no", False)]
)
def test_it_reads_booleans(clean_env, raw, expected):
    clean_env.setenv("X_BOOL", raw)
    assert env.env_bool("X_BOOL", not expected) is expected


@pytest.mark.parametrize(
    ("helper", "value", "message"),
    [
        (lambda: env.env_bool("X_BOOL", False), "maybe", "X_BOOL='maybe' is not a boolean"),
        (lambda: env.env_int("X_INT", 2, maximum=23), "24", "X_INT=24 must lie between 0 and 23"),
        (lambda: env.env_int("X_INT", 2), "two", "X_INT='two' is not a whole number"),
        (lambda: env.env_time_zone("X_TZ", "UTC"), "Europe/Antwerpen", "not a known time zone"),
        (lambda: env.env_redis_url("X_REDIS"), "localhost:6379", "must start with redis://"),
    ],
)
def test_it_names_the_variable_of_a_bad_value(clean_env, helper, value, message):
    name = message.split("=")[0] if "=" in message else None
    for variable in ("X_BOOL", "X_INT", "X_TZ", "X_REDIS"):
        clean_env.setenv(variable, value)
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(")):
        helper()
    assert name is None or name.startswith("X_")


def test_it_lists_comma_separated_hosts(clean_env):
    clean_env.setenv("X_LIST", " elief.be, www.elief.be ,")
    assert env.env_list("X_LIST", []) == ["elief.be", "www.elief.be"]


def test_it_parses_postgres_and_sqlite_urls(clean_env, tmp_path):
    clean_env.setenv("X_DB", "postgres://elief:pw@db:5433/elief")
    config = env.env_database("X_DB", tmp_path / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db", 5433, "elief")

    clean_env.delenv("X_DB")
    config = env.env_database("X_DB", tmp_path / "var" / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "var" / "x.sqlite3")
    assert (tmp_path / "var").is_dir()


def test_it_refuses_other_databases(clean_env, tmp_path):
    clean_env.setenv("X_DB", "mysql://root@localhost/elief")
    with pytest.raises(ImproperlyConfigured, match="X_DB must point to PostgreSQL"):
        env.env_database("X_DB", tmp_path / "x.sqlite3")


def test_it_keeps_a_generated_secret_key_across_restarts(clean_env, tmp_path):
    key_file = tmp_path / "secret-key"
    first = env.env_secret_key("X_KEY", key_file)
    assert len(first) >= 40
    assert env.env_secret_key("X_KEY", key_file) == first
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_it_refuses_a_short_secret_key(clean_env, tmp_path):
    clean_env.setenv("X_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32 characters"):
        env.env_secret_key("X_KEY", tmp_path / "k")


def _settings_in_subprocess(
    extra_env: dict[str, str], expression: str
) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DEBUG", "TIME_ZONE")
    }
    environment.update(extra_env)
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "elief.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_bad_value_stops_start_up_with_a_clear_message():
    result = _settings_in_subprocess({"DEBUG": "sometimes"}, "settings.DEBUG")
    assert result.returncode != 0
    assert "DEBUG='sometimes' is not a boolean; use true or false." in result.stderr


def test_celery_uses_redis_when_redis_url_is_set():
    result = _settings_in_subprocess(
        {"REDIS_URL": "redis://127.0.0.1:6379/3"},
        "settings.CELERY_BROKER_URL, settings.CELERY_RESULT_BACKEND",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "redis://127.0.0.1:6379/3 redis://127.0.0.1:6379/3"


def test_celery_falls_back_to_an_embedded_broker():
    result = _settings_in_subprocess(
        {}, "settings.CELERY_BROKER_URL, settings.TIME_ZONE, settings.LANGUAGE_CODE"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["filesystem://localhost/", "Europe/Brussels", "nl-be"]


def test_a_task_killed_mid_run_is_handed_out_again_within_minutes():
    # Acks late and requeued when the worker dies, and Redis hands the unacknowledged task
    # out again after the visibility timeout: minutes, not Redis's default hour.
    result = _settings_in_subprocess(
        {"REDIS_URL": "redis://127.0.0.1:6379/3"},
        "settings.CELERY_TASK_ACKS_LATE, settings.CELERY_TASK_REJECT_ON_WORKER_LOST, "
        "settings.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout']",
    )
    assert result.returncode == 0, result.stderr
    acks_late, reject_on_lost, timeout = result.stdout.split()
    assert (acks_late, reject_on_lost) == ("True", "True")
    assert 60 <= int(timeout) <= 15 * 60


def test_the_nightly_retry_waits_less_than_the_visibility_timeout():
    # A retry waiting longer than the visibility timeout would be delivered twice.
    from django.conf import settings

    from elief.celery import app
    from subsidies import tasks

    assert app.conf.task_acks_late
    assert tasks.nightly.acks_late
    assert tasks.nightly.retry_backoff_max < settings.CELERY_VISIBILITY_TIMEOUT_S
