"""`make bench`: timings through the whole Django stack, one `name value` per line.

Seeds a throw-away test database (SQLite by default, or DATABASE_URL's server) with a
site of 60 children and 12 weeks of history, so it never touches the data of `make run`.
"""

import datetime as dt
import os
import random
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
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

ROUNDS = 30
CHILDREN = 60
HISTORY_WEEKS = 12


def p50_ms(call: Callable[[], object], rounds: int = ROUNDS) -> float:
    call()  # warm up templates and connections
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def next_open_day(site, day: dt.date) -> dt.date:
    while not site.is_open_on(day):
        day += dt.timedelta(days=1)
    return day


def seed(site, groups, children, today: dt.date) -> None:
    from planning.models import Booking, Shift, StaffMember

    rng = random.Random(2026)
    bookings = []
    days = site.open_days(today - dt.timedelta(weeks=HISTORY_WEEKS), today + dt.timedelta(days=14))
    for day in days:
        for index, child in enumerate(children):
            if rng.random() > 0.6:
                continue
            past = day < today
            outcome = "planned"
            if past:
                outcome = rng.choices(["present", "excused", "no_show"], [85, 8, 7])[0]
            bookings.append(
                Booking(
                    child=child,
                    group=groups[index % len(groups)],
                    date=day,
                    start=dt.time(8, 30),
                    end=dt.time(16, 30) if index % 3 else dt.time(12),
                    place_type="occasional" if index % 2 else "regular",
                    outcome=outcome,
                    arrived=dt.time(8, 35) if outcome == "present" else None,
                    left=dt.time(16, 20) if outcome == "present" else None,
                )
            )
    Booking.objects.bulk_create(bookings, batch_size=2000)
    staff = [StaffMember.objects.create(site=site, name=f"Begeleider {n}") for n in range(8)]
    Shift.objects.bulk_create(
        Shift(staff_member=member, date=day, start=dt.time(7, 30), end=dt.time(16))
        for member in staff
        for day in days
    )


def main() -> None:
    # No setup_test_environment(): its template instrumentation would slow every page
    # down in a way real requests never are.
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from elief.models import Role
        from families.models import Child
        from planning import services
        from tests.factories import (
            ChildFactory,
            FamilyFactory,
            GroupFactory,
            SiteFactory,
            UserFactory,
        )

        site = SiteFactory(name="Bench", licensed_places=45)
        groups = [
            GroupFactory(site=site, name=name, capacity=15)
            for name in ("Egeltjes", "Kikkers", "Vlinders")
        ]
        children = [ChildFactory(family=FamilyFactory(site=site)) for _ in range(CHILDREN)]
        today = next_open_day(site, timezone.localdate())
        seed(site, groups, children, today)

        coordinator = Client()
        coordinator.force_login(UserFactory(role=Role.COORDINATOR, sites=[site]))
        staff = Client()
        staff.force_login(UserFactory(role=Role.STAFF, sites=[site]))
        plan_url = f"{reverse('planning:dayplan_site', args=[site.pk])}?dag={today.isoformat()}"
        today_url = reverse("planning:today_site", args=[site.pk])

        def baseline() -> None:
            # The staff's home page: signed in, base layout and menu, next to no data (the
            # coordinator's has the look-ahead, measured as home).
            assert staff.get("/").status_code == 200

        def home() -> None:
            # The coordinator's home page with the look-ahead of the next ten open days.
            assert coordinator.get("/").status_code == 200

        def dayplan() -> None:
            assert coordinator.get(plan_url).status_code == 200

        def today_list() -> None:
            assert staff.get(today_url).status_code == 200

        with CaptureQueriesContext(connection) as queries:
            dayplan()
        dayplan_queries = len(queries.captured_queries)

        extra = [
            Child.objects.create(
                family=FamilyFactory(site=site),
                first_name=f"Nieuw{n}",
                last_name="Kind",
                birth_date=dt.date(2025, 1, 1),
            )
            for n in range(ROUNDS + 1)
        ]
        # Fresh days beyond the seeded ones, so each booking is accepted on its merits.
        future_days = site.open_days(today + dt.timedelta(days=21), today + dt.timedelta(days=42))
        pending = iter(enumerate(extra))

        def booking_create() -> None:
            index, child = next(pending)
            services.booking_create(
                origin="manual",
                child=child,
                group=groups[index % len(groups)],
                day=future_days[index % len(future_days)],
                start=dt.time(8, 30),
                end=dt.time(12),
                place_type="occasional",
                user=None,
            )

        reset_queries()
        print(f"baseline_ms_p50 {p50_ms(baseline):.2f}")
        print(f"home_ms_p50 {p50_ms(home):.2f}")
        print(f"dayplan_ms_p50 {p50_ms(dayplan):.2f}")
        print(f"dayplan_queries {dayplan_queries}")
        print(f"today_ms_p50 {p50_ms(today_list):.2f}")
        print(f"booking_create_ms_p50 {p50_ms(booking_create):.2f}")

        from benchmarks import subsidies

        for name, value in subsidies.run().items():
            print(f"{name} {value:.3f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
