"""Read configuration from the environment.

Each helper returns the documented default when the variable is unset or empty, and
raises ImproperlyConfigured naming the variable when its value cannot be used, so a
typo fails at start-up instead of somewhere at run time.
"""

import os
import secrets
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def env_str(name: str, default: str) -> str:
    return _raw(name) or default


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use true or false.")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 65535) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if not minimum <= number <= maximum:
        raise ImproperlyConfigured(f"{name}={number} must lie between {minimum} and {maximum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_site_url(name: str, default: str) -> str:
    """The address the site is reached at, for links in mail: scheme and host, no slash."""
    value = env_str(name, default).rstrip("/")
    scheme, _, rest = value.partition("://")
    if scheme not in {"http", "https"} or not rest or "/" in rest:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an address such as https://elief.example.org."
        )
    return value


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}={value!r} is not a known time zone.") from None
    return value


def env_database(name: str, default_sqlite: Path, *, statement_timeout_ms: int = 0) -> dict:
    """Django's DATABASES entry; statement_timeout_ms (PostgreSQL, 0 = none) stops a
    runaway query on the server even after its client has gone."""
    value = _raw(name)
    if value is None:
        default_sqlite.parent.mkdir(parents=True, exist_ok=True)
        value = f"sqlite:///{default_sqlite}"
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} cannot be used: {error}") from None
    engine = config.get("ENGINE", "")
    if engine not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(
            f"{name} must point to PostgreSQL (postgres://…) or SQLite (sqlite:///…)."
        )
    if engine.endswith("sqlite3"):
        # Short transactions and a busy timeout let the web server and the worker share
        # the embedded database file without "database is locked" errors.
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        config.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            }
        )
    elif statement_timeout_ms:
        # Sent with the connection's start-up packet: no extra query per request.
        options = config.setdefault("OPTIONS", {})
        options["options"] = (
            f"{options.get('options', '')} -c statement_timeout={statement_timeout_ms}".strip()
        )
    return config


def env_redis_url(name: str) -> str | None:
    value = _raw(name)
    if value is not None and not value.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"{name}={value!r} must start with redis:// or rediss://.")
    return value


def env_secret_key(name: str, fallback_file: Path) -> str:
    """The key from the environment; else one made once and kept in a file.

    Production sets SECRET_KEY (docker-compose.yml requires it); a laptop running
    `make run` gets a random key that survives restarts, so sessions stay valid.
    """
    value = _raw(name)
    if value is not None:
        if len(value) < 32:
            raise ImproperlyConfigured(f"{name} must be at least 32 characters long.")
        return value
    if fallback_file.exists():
        return fallback_file.read_text().strip()
    fallback_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fallback_file.write_text(key)
    fallback_file.chmod(0o600)
    return key


def env_email_address(name: str, default: str) -> str:
    value = env_str(name, default)
    # "Elief <planning@elief.be>" is allowed: check the address between the brackets.
    address = value.rsplit("<", 1)[-1].rstrip(">").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an e-mail address.") from None
    return value


def env_mailer(prefix: str, *, debug: bool) -> dict:
    """One entry of Django's MAILERS, from <prefix>HOST, <prefix>PORT, ….

    Without a host, development prints mail on the console; production hands it to a
    relay on localhost:25 rather than printing password-reset links into the log.
    Credentials or a port without a host are a typo that would go unnoticed.
    """
    host = _raw(f"{prefix}HOST")
    names = [f"{prefix}{name}" for name in ("PORT", "HOST_USER", "HOST_PASSWORD", "USE_TLS")]
    names.append(f"{prefix}USE_SSL")
    if host is None:
        stray = [name for name in names if _raw(name) is not None]
        if stray:
            raise ImproperlyConfigured(f"{', '.join(stray)} set without {prefix}HOST.")
        if debug:
            return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "localhost", "port": 25, "timeout": 20},
        }
    # STARTTLS (the default) or TLS from the first byte, never both.
    use_ssl = env_bool(f"{prefix}USE_SSL", False)
    use_tls = env_bool(f"{prefix}USE_TLS", not use_ssl)
    if use_tls and use_ssl:
        raise ImproperlyConfigured(f"{prefix}USE_TLS and {prefix}USE_SSL exclude each other.")
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": host,
            "port": env_int(f"{prefix}PORT", 465 if use_ssl else 587, minimum=1),
            "username": env_str(f"{prefix}HOST_USER", ""),
            "password": env_str(f"{prefix}HOST_PASSWORD", ""),
            "use_tls": use_tls,
            "use_ssl": use_ssl,
            "timeout": 20,
        },
    }
