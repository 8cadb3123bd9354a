"""Settings of Elief: one module, configured by environment variables.

| variable       | default                            |
|----------------|------------------------------------|
| SECRET_KEY     | a random key kept in var/secret-key |
| DEBUG          | false                              |
| ALLOWED_HOSTS  | localhost,127.0.0.1 (comma-separated) |
| DATABASE_URL   | sqlite:///var/elief.sqlite3        |
| REDIS_URL      | unset: embedded broker in var/celery |
| TIME_ZONE      | Europe/Brussels                    |
| NIGHTLY_HOUR   | 2 (hour of the nightly work, local time) |

The README's "Configuration" table lists every variable.
"""

import os
from pathlib import Path

from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from elief.env import (
    env_bool,
    env_database,
    env_email_address,
    env_int,
    env_list,
    env_mailer,
    env_redis_url,
    env_secret_key,
    env_site_url,
    env_str,
    env_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret_key("SECRET_KEY", VAR_DIR / "secret-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "elief",
    "families",
    "planning",
    "referrals",
    "subsidies",
    "parents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "elief.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "elief.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages, so a timed-out user learns why the sign-in page is back.
    "elief.middleware.SessionTimeoutMiddleware",
    # Every page needs a signed-in user unless its view says otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "elief.urls"
WSGI_APPLICATION = "elief.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "elief.context_processors.navigation",
            ],
        },
    },
]

# PostgreSQL ends a statement that runs longer than this (0: never), even when the
# browser that asked for it has long gone. The Celery worker raises it for the nightly
# work (elief/celery.py).
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 30_000, maximum=86_400_000)
DB_WORKER_STATEMENT_TIMEOUT_MS = env_int(
    "DB_WORKER_STATEMENT_TIMEOUT_MS", 600_000, maximum=86_400_000
)
DATABASES = {
    "default": env_database(
        "DATABASE_URL", VAR_DIR / "elief.sqlite3", statement_timeout_ms=DB_STATEMENT_TIMEOUT_MS
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "elief.User"
# Django's password check, throttled against guessing (elief/throttle.py).
AUTHENTICATION_BACKENDS = ["elief.throttle.ThrottledModelBackend"]
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5, minimum=1)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20, minimum=1)
LOGIN_COOLDOWN_SECONDS = 60 * env_int("LOGIN_COOLDOWN_MINUTES", 15, minimum=1, maximum=1440)
PASSWORD_RESETS_PER_ADDRESS = 5
PASSWORD_RESETS_PER_EMAIL = 3
PASSWORD_RESET_WINDOW_SECONDS = 60 * 60
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The parent pages speak the families' languages; the staff's pages stay Dutch or English,
# so these are not in LANGUAGES (the footer's switch would offer them).
PARENT_LANGUAGES = [
    ("nl-be", "Nederlands"),
    ("fr", "Français"),
    ("en", "English"),
    ("ar", "العربية"),
    ("tr", "Türkçe"),
    ("pl", "Polski"),
    ("uk", "Українська"),
]
# A family's personal link stops working this many days after it was made.
PARENT_LINK_DAYS = env_int("PARENT_LINK_DAYS", 183, minimum=1, maximum=3660)
# Wrong parent links from one address before a cool-down (LOGIN_COOLDOWN_MINUTES).
PARENT_LINK_FAILURES_PER_ADDRESS = env_int("PARENT_LINK_FAILURES_PER_ADDRESS", 20, minimum=1)
# Where text messages go: a dotted path to a class of parents/sms.py's interface.
SMS_BACKEND = env_str("SMS_BACKEND", "parents.sms.LogBackend")
# The hour of the evening reminder of tomorrow's bookings (0–23).
PARENT_REMINDER_HOUR = env_int("PARENT_REMINDER_HOUR", 18, maximum=23)
# One date style per language, named in templates ("SHORT_DAY_FORMAT": "do 3 dec").
FORMAT_MODULE_PATH = ["elief.formats"]
TIME_ZONE = env_time_zone("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Sessions end with the browser and after a working day at the latest; the staff's
# shared tablet also signs out after a while without a request (elief/middleware.py).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * 60 * env_int("SESSION_MAX_HOURS", 10, minimum=1, maximum=24)
STAFF_IDLE_TIMEOUT_SECONDS = 60 * env_int("STAFF_IDLE_MINUTES", 30, minimum=1, maximum=1440)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# In production a TLS-terminating proxy stands in front (README, docker-compose.yml).
# Each of these can be turned off for a trial over plain HTTP. `make run` (DEBUG) and
# the test suite, whose client and live server speak plain HTTP, start with them off;
# pytest announces itself in PYTEST_VERSION.
HTTPS_ONLY = not DEBUG and "PYTEST_VERSION" not in os.environ
BEHIND_PROXY = env_bool("BEHIND_PROXY", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS_ONLY)
# The health check of docker-compose asks over plain HTTP from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
ONE_YEAR = 60 * 60 * 24 * 365
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", ONE_YEAR if HTTPS_ONLY else 0, maximum=2 * ONE_YEAR
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The flag alone submits nothing: the owner of the domain decides at hstspreload.org.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
X_FRAME_OPTIONS = "DENY"

# Scripts only from our own origin or with the nonce of the page; htmx runs without
# eval (see the htmx-config meta tag in base.html). Inline style attributes stay allowed:
# bars and markers (day plan, social mix, reports) get their width from the data.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Login throttling shares its counts between web replicas: Redis when REDIS_URL is
# set, else a table in the database (`manage.py createcachetable`, run by `make run`,
# the container's start and the test database's creation).
REDIS_URL = env_redis_url("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "elief_cache"}
    )
}

# Password-reset mail through EMAIL_HOST; without it see env_mailer.
MAILERS = {"default": env_mailer("EMAIL_", debug=DEBUG)}
DEFAULT_FROM_EMAIL = env_email_address("DEFAULT_FROM_EMAIL", "Elief <planning@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mail is read outside any request: its links need the address the site is reached at.
SITE_URL = env_site_url("SITE_URL", "http://127.0.0.1:8000")

# Celery: Redis when REDIS_URL is set; otherwise a broker on the file system that
# needs no server, so `make run` works on a bare machine.
CELERY_DIR = VAR_DIR / "celery"
# Tasks are acknowledged when done (acks late): a task whose worker is killed mid-run goes
# back to the queue. Redis hands it out again once the visibility timeout has passed (an
# hour by default); ten minutes is well above a night's work (seconds) yet takes a killed
# task up again within minutes. A task running or waiting for its retry longer than this
# would be delivered twice, which the tasks allow: they are idempotent, and their retry
# countdown stays below it (subsidies.tasks).
CELERY_VISIBILITY_TIMEOUT_S = 600
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT_S}
else:
    # The host is unused; naming it keeps kombu from warning that none was supplied.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_RESULT_BACKEND = f"file://{CELERY_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "control_folder": str(CELERY_DIR / "control"),
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
NIGHTLY_HOUR = env_int("NIGHTLY_HOUR", 2, maximum=23)
CELERY_BEAT_SCHEDULE = {
    # The previous day's occupancy and subsidy loss, and any day a missed night left out.
    "subsidies-nightly": {
        "task": "subsidies.tasks.nightly",
        "schedule": crontab(hour=NIGHTLY_HOUR, minute=0),
    },
    # Regular care plans keep four weeks of planned bookings ahead.
    "planning-regular-bookings": {
        "task": "planning.tasks.regular_bookings_extend",
        "schedule": crontab(hour=NIGHTLY_HOUR, minute=15),
    },
    # Families that left longer ago than their site's retention period are erased.
    "families-retention": {
        "task": "families.tasks.retention_erase",
        "schedule": crontab(hour=NIGHTLY_HOUR, minute=30),
    },
    # Parents hear of tomorrow's bookings the evening before, with a tap to confirm.
    "parents-reminders": {
        "task": "parents.tasks.reminders_send",
        "schedule": crontab(hour=PARENT_REMINDER_HOUR, minute=0),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_on_one_line": {"()": "elief.log_filters.ForbiddenOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print each of its messages a second time.
        "django": {"handlers": []},
        # A 403 is one line with path and user id, not a traceback.
        "django.request": {"filters": ["forbidden_on_one_line"]},
    },
}
