"""Timings of the subsidies app on 20 sites with one year (demo) or five years (large) of
bookings.

`seed()` and `run()` expect Django set up on a throw-away database (benchmarks/__main__.py
creates the test database, and drops it afterwards).

- report_year_s: a year of `report` rows of every one of the 20 sites, computed from the
  bookings (what `report --site S --from D --to D` does);
- absences_year_s: the absences of every month of the year of the 20 sites, by when they
  were reported, and the places refilled (what the nightly counts for the board);
- nightly_year_s: the nightly job catching up a year for all 20 sites (the snapshots stop a
  year back), then one ordinary night (nightly_s), which recomputes the last week.
"""

import datetime as dt
import itertools
import random
import statistics
import time
from collections.abc import Callable, Iterable
from decimal import Decimal

SITES = 20
GROUPS = ("Egeltjes", "Kikkers", "Vlinders")
CHILDREN_PER_GROUP = 16
ROUNDS = 3


def _median_s(call: Callable[[], object], rounds: int = ROUNDS) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def seed(today: dt.date, *, years: int = 1) -> list:
    """20 sites of three groups with schemes, 48 children each, and `years` of bookings
    (about 190 000 a year)."""
    from elief.models import Site, SiteSettings
    from families.models import Child, Family
    from planning.models import Group
    from subsidies.models import PlaceAssignment, Scheme, SchemeRate

    rng = random.Random(2026)
    first = today - dt.timedelta(days=365 * years)
    Site.objects.bulk_create(
        Site(name=f"Bench vestiging {n:02d}", licensed_places=45) for n in range(SITES)
    )
    sites = list(Site.objects.filter(name__startswith="Bench vestiging ").order_by("name"))
    SiteSettings.objects.bulk_create(SiteSettings(site=site, valid_from=first) for site in sites)
    Group.objects.bulk_create(
        Group(
            site=site,
            name=name,
            capacity=15,
            regular_places=9,
            occasional_places=6,
            urgent_reserve=1,
        )
        for site in sites
        for name in GROUPS
    )
    groups = list(Group.objects.filter(site__in=sites).order_by("site", "name"))
    Scheme.objects.bulk_create(
        Scheme(site=site, name=name, kind="per_place_day", category=category)
        for site in sites
        for name, category in (("Trap 2B", "trap2b"), ("Trap 3", "trap3"))
    )
    schemes = {(s.site_id, s.name): s for s in Scheme.objects.filter(site__in=sites)}
    midyear = today - dt.timedelta(days=365 * years // 2)
    SchemeRate.objects.bulk_create(
        SchemeRate(scheme=scheme, valid_from=valid_from, rate_eur=Decimal(rate))
        for scheme in schemes.values()
        for valid_from, rate in (
            (first, "28.40" if scheme.name == "Trap 2B" else "33.76"),
            (midyear, "28.97" if scheme.name == "Trap 2B" else "34.43"),
        )
    )
    PlaceAssignment.objects.bulk_create(
        PlaceAssignment(
            scheme=schemes[(group.site_id, name)],
            group=group,
            place_type=place_type,
            valid_from=first,
            places=places,
        )
        for group in groups
        for name, place_type, places in (
            ("Trap 2B", "regular", group.regular_places),
            ("Trap 3", "occasional", group.occasional_places),
        )
    )
    Family.objects.bulk_create(
        Family(site=group.site, reference=f"B{group.pk}-{n}", vulnerable=rng.random() < 0.6)
        for group in groups
        for n in range(CHILDREN_PER_GROUP)
    )
    families = list(Family.objects.filter(site__in=sites).order_by("pk"))
    Child.objects.bulk_create(
        Child(family=family, first_name="Kind", last_name=family.reference, birth_date=first)
        for family in families
    )
    children = {
        c.family.reference: c
        for c in Child.objects.filter(family__in=families).select_related("family")
    }
    days = {site.pk: site.open_days(first, today - dt.timedelta(days=1)) for site in sites}

    def bookings():
        for group in groups:
            kids = [children[f"B{group.pk}-{n}"] for n in range(CHILDREN_PER_GROUP)]
            for day in days[group.site_id]:
                for index, child in enumerate(kids):
                    if rng.random() > 0.8:
                        continue
                    outcome = rng.choices(
                        ["present", "excused", "no_show", "cancelled"], [85, 6, 5, 4]
                    )[0]
                    present = outcome == "present"
                    # The first nine children have regular places, the others occasional
                    # ones; one in four of those comes as an urgent request.
                    place_type = (
                        "regular" if index < 9 else "urgent" if index % 4 == 0 else "occasional"
                    )
                    full_day = index % 3 != 0
                    yield (
                        child.pk,
                        group.pk,
                        day,
                        dt.time(8, 30),
                        dt.time(16, 30) if full_day else dt.time(12),
                        place_type,
                        outcome,
                        dt.time(8, 35) if present else None,
                        (dt.time(16, 20) if full_day else dt.time(11, 50)) if present else None,
                    )

    insert_bookings(bookings())
    return sites


BOOKING_COLUMNS = (
    "child_id",
    "group_id",
    "date",
    "start",
    "end",
    "place_type",
    "outcome",
    "arrived",
    "left",
    "settling_in",
    "override_reason",
    "origin",
    "created_at",
    "updated_at",
    "version",
)


def insert_bookings(rows: Iterable[tuple]) -> int:
    """Bookings (child, group, date, start, end, place type, outcome, arrived, left) in
    bulk: COPY on PostgreSQL, executemany in batches elsewhere. bulk_create spends ~0.2 ms
    of Python per row, which for a million bookings would make the seed, not the figures,
    the benchmark. Returns the number of rows."""
    from django.db import connection
    from django.utils import timezone

    from planning.models import Booking

    ops = connection.ops
    table = ops.quote_name(Booking._meta.db_table)
    columns = ", ".join(ops.quote_name(column) for column in BOOKING_COLUMNS)
    count = 0
    if connection.vendor == "postgresql":
        now = timezone.now()
        with connection.cursor() as cursor:
            # A million rows take longer than the web's statement timeout allows a page.
            cursor.execute("SET statement_timeout = 0")
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row((*row, False, "", "import", now, now, 1))
                count += 1
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
        return count
    now = ops.adapt_datetimefield_value(timezone.now())
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        table, columns, ", ".join(["%s"] * len(BOOKING_COLUMNS))
    )
    with connection.cursor() as cursor:
        for batch in itertools.batched(rows, 10000):
            cursor.executemany(
                sql,
                [
                    (
                        child,
                        group,
                        ops.adapt_datefield_value(day),
                        ops.adapt_timefield_value(start),
                        ops.adapt_timefield_value(end),
                        place_type,
                        outcome,
                        ops.adapt_timefield_value(arrived),
                        ops.adapt_timefield_value(left),
                        False,
                        "",
                        "import",
                        now,
                        now,
                        1,
                    )
                    for child, group, day, start, end, place_type, outcome, arrived, left in batch
                ],
            )
            count += len(batch)
    return count


def run(sites: list) -> dict[str, float]:
    """The figures over the seeded `sites` (their bookings end yesterday)."""
    from django.utils import timezone

    from subsidies import rules, selectors, services
    from subsidies.models import DaySnapshot, SchemeDaySnapshot

    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    year_ago = today - dt.timedelta(days=365)
    results: dict[str, float] = {}

    def report_year() -> None:
        for site in sites:
            selectors.group_days(site=site, start=year_ago, end=yesterday)

    results["report_year_s"] = _median_s(report_year, rounds=1)

    def absences_year() -> None:
        # What the nightly catch-up counts into the month snapshots for the board.
        throughs = [
            min(rules.month_bounds(month)[1], yesterday)
            for month in rules.months_in(year_ago, yesterday)
        ]
        for site in sites:
            selectors.absences_counted(site=site, throughs=throughs)

    results["absences_year_s"] = _median_s(absences_year)

    def nightly_year() -> None:
        # The snapshots stop a year back: the night catches up every day since.
        DaySnapshot.objects.filter(group__site__in=sites).delete()
        SchemeDaySnapshot.objects.filter(group__site__in=sites).delete()
        for site in sites:
            # A week, so that it holds an open day whatever the weekday a year ago.
            services.snapshots_store(site=site, start=year_ago - dt.timedelta(days=6), end=year_ago)
        start = time.perf_counter()
        services.nightly_run(today=today)
        return time.perf_counter() - start

    results["nightly_year_s"] = nightly_year()
    results["nightly_s"] = _median_s(lambda: services.nightly_run(today=today))
    return results


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elief.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        years = 5 if os.environ.get("BENCH_SIZE") == "large" else 1
        seeded = seed(timezone.localdate(), years=years)
        for name, value in run(seeded).items():
            print(f"{name} {value:.3f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
