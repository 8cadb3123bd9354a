"""Production settings pass Django's deployment checks; each HTTPS guard can be turned off."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from elief import env

ROOT = Path(__file__).resolve().parents[2]
EMAIL_VARIABLES = (
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
)


def _production(**extra: str) -> dict[str, str]:
    """Only what a production deployment must set, nothing of this test run."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(64)[:50],
        "ALLOWED_HOSTS": "elief.example.org",
        **extra,
    }


def _run(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(environment: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return _run({**environment, "DJANGO_SETTINGS_MODULE": "elief.settings"}, "-c", code)


def test_the_deployment_checks_pass_with_only_the_required_variables():
    result = _run(_production(), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_enforces_https_behind_the_proxy():
    result = _settings(
        _production(),
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS,"
        " settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_PROXY_SSL_HEADER,"
        " settings.SESSION_COOKIE_SECURE",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("True 31536000 True ('HTTP_X_FORWARDED_PROTO', 'https') True")


def test_each_https_guard_can_be_turned_off_for_a_plain_http_trial():
    result = _settings(
        _production(
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            BEHIND_PROXY="false",
            SECURE_COOKIES="false",
        ),
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS,"
        " settings.SECURE_PROXY_SSL_HEADER, settings.SESSION_COOKIE_SECURE",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False 0 None False"


def test_debug_and_the_test_suite_speak_plain_http(settings):
    result = _settings(
        {**_production(), "DEBUG": "true"},
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS",
    )
    assert result.stdout.strip() == "False 0", result.stderr
    # This very run: the test client and the live server answer over HTTP.
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SECURE_HSTS_SECONDS == 0


def test_sessions_and_statements_get_limits_by_default():
    result = _settings(
        _production(DATABASE_URL="postgres://elief:pw@db:5432/elief"),
        "settings.SESSION_EXPIRE_AT_BROWSER_CLOSE, settings.SESSION_COOKIE_AGE,"
        " settings.STAFF_IDLE_TIMEOUT_SECONDS, settings.DATABASES['default']['OPTIONS']",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True 36000 1800 {'options': '-c statement_timeout=30000'}"


def test_a_bad_security_value_stops_start_up():
    result = _settings(_production(LOGIN_FAILURES_PER_ACCOUNT="five"), "1")
    assert result.returncode != 0
    assert "LOGIN_FAILURES_PER_ACCOUNT='five' is not a whole number." in result.stderr


@pytest.fixture
def no_email_env(monkeypatch):
    for name in EMAIL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_a_host_development_prints_mail_and_production_uses_a_local_relay(
    no_email_env,
):
    assert env.env_mailer("EMAIL_", debug=True) == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    # Printing would put password-reset links in the production log.
    assert env.env_mailer("EMAIL_", debug=False) == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "localhost", "port": 25, "timeout": 20},
    }


def test_mail_goes_through_smtp_with_starttls_by_default(no_email_env):
    no_email_env.setenv("EMAIL_HOST", "smtp.example.org")
    no_email_env.setenv("EMAIL_HOST_USER", "planning")
    no_email_env.setenv("EMAIL_HOST_PASSWORD", "pw")
    mailer = env.env_mailer("EMAIL_", debug=False)
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "smtp.example.org",
        "port": 587,
        "username": "planning",
        "password": "pw",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 20,
    }


def test_implicit_tls_takes_its_own_port(no_email_env):
    no_email_env.setenv("EMAIL_HOST", "smtp.example.org")
    no_email_env.setenv("EMAIL_USE_SSL", "true")
    options = env.env_mailer("EMAIL_", debug=False)["OPTIONS"]
    assert (options["port"], options["use_tls"], options["use_ssl"]) == (465, False, True)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"EMAIL_HOST_USER": "planning"}, "EMAIL_HOST_USER set without EMAIL_HOST"),
        (
            {"EMAIL_HOST": "smtp", "EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"},
            "EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other",
        ),
        ({"EMAIL_HOST": "smtp", "EMAIL_PORT": "smtp"}, "EMAIL_PORT='smtp' is not a whole"),
    ],
)
def test_a_bad_mail_setting_names_the_variable(no_email_env, variables, message):
    for name, value in variables.items():
        no_email_env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        env.env_mailer("EMAIL_", debug=False)


def test_the_sender_must_be_an_address(monkeypatch):
    monkeypatch.setenv("X_FROM", "Elief <planning@elief.example.org>")
    assert env.env_email_address("X_FROM", "x@y.z") == "Elief <planning@elief.example.org>"
    monkeypatch.setenv("X_FROM", "planning at elief")
    with pytest.raises(ImproperlyConfigured, match="X_FROM='planning at elief' is not an e-mail"):
        env.env_email_address("X_FROM", "x@y.z")
