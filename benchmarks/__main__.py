"""`make bench`: timings through the whole Django stack, one `name value` per line, and
the number of queries of each page or action as `name_queries N`.

Seeds a throw-away test database (SQLite by default, or DATABASE_URL's server), so it never
touches the data of `make run`: 20 sites with one year of bookings (about 190 000), or with
BENCH_SIZE=large five years (about a million, PostgreSQL recommended); and next to them the
measured site of 60 children with 12 weeks of history.
"""

import datetime as dt
import os
import random
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

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

from elief.models import Site  # noqa: E402
from families.models import Child  # noqa: E402
from planning.models import Group  # noqa: E402

ROUNDS = 30
CHILDREN = 60
SIZES = {"demo": 1, "large": 5}  # years of bookings of the 20 sites
HISTORY_WEEKS = 12


def count_queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries.captured_queries)


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


def configure() -> None:
    """Settings for timing on a throw-away database through the test client."""
    # No setup_test_environment(): its template instrumentation would slow every page
    # down in a way real requests never are.
    settings.ALLOWED_HOSTS = ["testserver"]
    # The test client speaks plain HTTP; without DEBUG every page would redirect to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def bench_size() -> str:
    size = os.environ.get("BENCH_SIZE") or "demo"
    if size not in SIZES:
        raise SystemExit(f"BENCH_SIZE must be one of {', '.join(SIZES)}, not {size!r}")
    return size


@dataclass
class Seeded:
    bench_sites: list
    site: Site
    groups: list[Group]
    children: list[Child]
    today: dt.date


def seed_all(size: str) -> Seeded:
    """The 20 sites of the subsidies' timings and the measured site of 60 children."""
    from benchmarks import subsidies
    from planning.models import Booking
    from tests.factories import ChildFactory, FamilyFactory, GroupFactory, SiteFactory

    started = time.perf_counter()
    bench_sites = subsidies.seed(timezone.localdate(), years=SIZES[size])
    print(f"bookings {Booking.objects.count()}")
    print(f"seed_s {time.perf_counter() - started:.1f}")

    site = SiteFactory(name="Bench", licensed_places=45)
    groups = [
        GroupFactory(site=site, name=name, capacity=15)
        for name in ("Egeltjes", "Kikkers", "Vlinders")
    ]
    children = [ChildFactory(family=FamilyFactory(site=site)) for _ in range(CHILDREN)]
    today = next_open_day(site, timezone.localdate())
    seed(site, groups, children, today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Seeded(bench_sites, site, groups, children, today)


def main() -> None:
    configure()
    size = bench_size()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from benchmarks import subsidies
        from elief.models import Role
        from planning import services
        from planning.models import Booking
        from tests.factories import FamilyFactory, UserFactory

        seeded = seed_all(size)
        bench_sites, site, groups = seeded.bench_sites, seeded.site, seeded.groups
        children, today = seeded.children, seeded.today

        coordinator = Client()
        coordinator.force_login(UserFactory(role=Role.COORDINATOR, sites=[site]))
        staff = Client()
        staff.force_login(UserFactory(role=Role.STAFF, sites=[site]))
        board = Client()
        board.force_login(UserFactory(role=Role.BOARD))
        plan_url = f"{reverse('planning:dayplan_site', args=[site.pk])}?dag={today.isoformat()}"
        week_url = f"{reverse('planning:week', args=[site.pk])}?dag={today.isoformat()}"
        today_url = reverse("planning:today_site", args=[site.pk])
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        report_url = f"{reverse('subsidies:report')}?maand={last_month:%Y-%m}"

        def get(client: Client, url: str) -> Callable[[], None]:
            def call() -> None:
                assert client.get(url).status_code == 200, url

            return call

        # The staff's home page: signed in, base layout and menu, next to no data (the
        # coordinator's has the look-ahead, measured as home).
        pages = {
            "baseline": get(staff, "/"),
            "home": get(coordinator, "/"),
            "dayplan": get(coordinator, plan_url),
            "today": get(staff, today_url),
            "week": get(coordinator, week_url),
        }

        extra = [
            Child.objects.create(
                family=FamilyFactory(site=site),
                first_name=f"Nieuw{n}",
                last_name="Kind",
                birth_date=dt.date(2025, 1, 1),
            )
            for n in range(ROUNDS + 3)
        ]
        # Fresh days beyond the seeded ones, so each booking is accepted on its merits.
        future_days = site.open_days(today + dt.timedelta(days=21), today + dt.timedelta(days=42))
        pending = iter(enumerate(extra[1:]))

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

        # A full day: the group's capacity booked, so one more booking is refused (and
        # nothing is written: the same refusal can be timed again and again).
        full_day = site.open_days(today + dt.timedelta(days=50), today + dt.timedelta(days=60))[0]
        Booking.objects.bulk_create(
            Booking(
                child=child,
                group=groups[0],
                date=full_day,
                start=dt.time(8, 30),
                end=dt.time(16, 30),
                place_type="occasional",
            )
            for child in children[: groups[0].capacity + 2]
        )

        def booking_refused() -> None:
            try:
                services.booking_create(
                    origin="manual",
                    child=extra[0],
                    group=groups[0],
                    day=full_day,
                    start=dt.time(8, 30),
                    end=dt.time(16, 30),
                    place_type="occasional",
                    user=None,
                )
            except services.BookingRefused:
                return
            raise AssertionError("the booking on a full day was accepted")

        # The same two bookings made on the day plan under htmx: the service and the
        # answer, the group's card with the totals and the hour strip out of band. The
        # accepted ones go to the seeded days ahead, one fresh child each, so each card
        # has a full day's rows; those days are past the overbooking limit already, so
        # they are booked with a reason.
        fresh = [
            Child.objects.create(
                family=FamilyFactory(site=site),
                first_name=f"Vers{n}",
                last_name="Kind",
                birth_date=dt.date(2025, 1, 1),
            )
            for n in range(ROUNDS + 3)
        ]
        seeded_days = site.open_days(today + dt.timedelta(days=1), today + dt.timedelta(days=14))
        posted = iter(enumerate(fresh))

        def post_booking(group, child, day: dt.date, reason: str = "") -> str:
            url = f"{reverse('planning:booking_add', args=[group.pk])}?dag={day.isoformat()}"
            response = coordinator.post(
                url,
                {
                    f"g{group.pk}-child": child.pk,
                    f"g{group.pk}-start": "08:30",
                    f"g{group.pk}-end": "12:00",
                    f"g{group.pk}-place_type": "occasional",
                    f"g{group.pk}-override_reason": reason,
                },
                headers={"hx-request": "true"},
            )
            assert response.status_code == 200, url
            return response.content.decode()

        def booking_post() -> None:
            index, child = next(posted)
            day = seeded_days[index % len(seeded_days)]
            body = post_booking(groups[index % len(groups)], child, day, "Opleiding")
            assert "refusal" not in body and "geboekt" in body

        def booking_post_refused() -> None:
            assert "refusal" in post_booking(groups[0], extra[0], full_day)

        reset_queries()
        for name, call in pages.items():
            queries = count_queries(call)
            print(f"{name}_ms_p50 {p50_ms(call):.2f}")
            print(f"{name}_queries {queries}")
        queries = count_queries(booking_create)
        print(f"booking_create_ms_p50 {p50_ms(booking_create):.2f}")
        print(f"booking_create_queries {queries}")
        queries = count_queries(booking_refused)
        print(f"booking_refused_ms_p50 {p50_ms(booking_refused):.2f}")
        print(f"booking_refused_queries {queries}")
        for name, call in (
            ("booking_post", booking_post),
            ("booking_post_refused", booking_post_refused),
        ):
            queries = count_queries(call)
            print(f"{name}_ms_p50 {p50_ms(call):.2f}")
            print(f"{name}_queries {queries}")

        for name, value in subsidies.run(bench_sites).items():
            print(f"{name} {value:.3f}")

        # The board's report of last month over every site, from the snapshots the
        # nightly runs above stored.
        report = get(board, report_url)
        queries = count_queries(report)
        print(f"board_report_ms_p50 {p50_ms(report, rounds=10):.2f}")
        print(f"board_report_queries {queries}")

        from benchmarks import parents

        parents.bench()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
