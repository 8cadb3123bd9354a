import os
import shutil

import pytest

from elief import calendar
from elief.models import Role
from tests.factories import GroupFactory, SiteFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to
# run from such a thread unless told that the test owns it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    # The live server answers from its own thread; a persistent connection there would
    # outlive the test database and block dropping it on PostgreSQL.
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _plain_static_storage(settings) -> None:
    # Production serves hashed files from collectstatic's manifest; tests render
    # templates without running collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_collection_modifyitems(config, items) -> None:
    if os.path.exists(CHROMIUM):
        return
    reason = (
        f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
        "(make test does so when run as root)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# The shared fixtures: a site, its group and its coordinator. A test file that needs them
# otherwise (other opening days, a smaller group) defines its own, which takes precedence.


@pytest.fixture
def no_public_holidays(monkeypatch) -> None:
    """No Belgian public holiday on any day: for tests about a feature of "today and the
    coming days", which would otherwise find the site closed when run on 1 January."""
    monkeypatch.setattr(calendar, "_belgian_holidays", lambda year: {})


@pytest.fixture
def site():
    return SiteFactory(name="Elief")


@pytest.fixture
def group(site):
    return GroupFactory(site=site, name="Vlinders")


@pytest.fixture
def coordinator(site):
    return UserFactory(role=Role.COORDINATOR, sites=[site])
