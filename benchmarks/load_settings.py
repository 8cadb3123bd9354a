"""Settings of the gunicorn that `make load` starts: production's (DEBUG off, cached
templates), reached over plain HTTP on 127.0.0.1, with static files from the finders
(production's manifest needs a collectstatic the load test has no use for)."""

from elief.settings import *  # noqa: F403
from elief.settings import STORAGES

ALLOWED_HOSTS = ["127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
