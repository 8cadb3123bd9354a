"""`make bench`: timings through the whole Django stack, one `name value` per line.

Runs against a throw-away test database (SQLite by default, or DATABASE_URL's server),
so it never touches the data of `make run`.
"""

import os
import statistics
import time
import warnings
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elief.settings")

import django  # noqa: E402

django.setup()
# Static files come from the finders here; collectstatic's folder is for production.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROUNDS = 50


def p50_ms(call: Callable[[], object], rounds: int = ROUNDS) -> float:
    call()  # warm up templates and connections
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from elief.models import Role, Site
        from tests.factories import GroupFactory, SiteFactory, UserFactory

        site: Site = SiteFactory(name="Bench")
        for index in range(3):
            GroupFactory(site=site, name=f"Groep {index}")
        client = Client()
        client.force_login(UserFactory(role=Role.COORDINATOR, sites=[site]))

        def health() -> None:
            assert client.get("/health/").status_code == 200

        def baseline() -> None:
            # The home page: signed in, base layout and menu, next to no data.
            assert client.get("/").status_code == 200

        print(f"health_ms_p50 {p50_ms(health):.2f}")
        print(f"baseline_ms_p50 {p50_ms(baseline):.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
