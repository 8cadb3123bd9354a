"""Timings of the subsidies app on 20 sites with a year of bookings.

`run()` expects Django set up on a throw-away database (benchmarks/__main__.py creates the
test database); it seeds with bulk_create, times, and rolls everything back, so the
database is left as it was found.

- report_month_s: the month's `report` rows and summary of every one of the 20 sites,
  computed from the bookings (what `report --site S --month M [--summary]` does);
- nightly_s: one night of the nightly job for all sites (median of three runs; running it
  again overwrites the same rows).
"""

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

SITES = 20
GROUPS = ("Egeltjes", "Kikkers", "Vlinders")
CHILDREN_PER_GROUP = 16
DAYS_BACK = 365
ROUNDS = 3


class _Rollback(Exception):
    pass


def _median_s(call: Callable[[], object], rounds: int = ROUNDS) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def seed(today: dt.date) -> list:
    """20 sites of three groups with schemes, 48 children each, a year of bookings
    (about 190 000)."""
    from elief.models import Site, SiteSettings
    from families.models import Child, Family
    from planning.models import Group
    from subsidies.models import PlaceAssignment, Scheme, SchemeRate

    rng = random.Random(2026)
    first = today - dt.timedelta(days=DAYS_BACK)
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
    midyear = today - dt.timedelta(days=DAYS_BACK // 2)
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
    bookings = []
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
                # The first nine children have regular places, the others occasional ones;
                # one in four of those comes as an urgent request.
                place_type = (
                    "regular" if index < 9 else "urgent" if index % 4 == 0 else "occasional"
                )
                full_day = index % 3 != 0
                bookings.append(
                    (
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
                )
    _insert_bookings(bookings)
    return sites


def _insert_bookings(rows: list[tuple]) -> None:
    """The year of bookings in one executemany: bulk_create spends ~0.2 ms of Python per
    row, which for 190 000 bookings would make the seed, not the figures, the benchmark."""
    from django.db import connection
    from django.utils import timezone

    from planning.models import Booking

    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    columns = [
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
        "created_at",
        "updated_at",
        "version",
    ]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        ops.quote_name(Booking._meta.db_table),
        ", ".join(ops.quote_name(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    values = [
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
            now,
            now,
            1,
        )
        for child, group, day, start, end, place_type, outcome, arrived, left in rows
    ]
    with connection.cursor() as cursor:
        for begin in range(0, len(values), 10000):
            cursor.executemany(sql, values[begin : begin + 10000])


def run() -> dict[str, float]:
    from django.db import transaction
    from django.utils import timezone

    from subsidies import selectors, services
    from subsidies.rules import month_bounds

    today = timezone.localdate()
    results: dict[str, float] = {}
    try:
        with transaction.atomic():
            sites = seed(today)
            month_start, month_end = month_bounds(selectors.add_months(today.replace(day=1), -1))

            def report_month() -> None:
                for site in sites:
                    selectors.group_days(site=site, start=month_start, end=month_end)
                    selectors.monthly_summary(site=site, start=month_start, end=month_end)

            def nightly() -> None:
                services.nightly_run(day=today - dt.timedelta(days=1))

            results["report_month_s"] = _median_s(report_month)
            results["nightly_s"] = _median_s(nightly)
            raise _Rollback
    except _Rollback:
        pass
    return results


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elief.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for name, value in run().items():
            print(f"{name} {value:.3f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
