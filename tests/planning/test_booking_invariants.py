"""One set of booking invariants, whatever the path: no path stores a live booking on a
closed day or outside the opening hours (a property, checked with hypothesis)."""

import contextlib
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elief.models import ClosingDay
from families import services as family_services
from planning import services
from planning.importing import COLUMNS, plan_import
from planning.models import Booking, Origin
from planning.regular import regular_bookings_sync
from tests.factories import ChildFactory, FamilyFactory, GroupFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)
CLOSING_DAY = dt.date(2026, 11, 25)  # a Wednesday
OPENS, CLOSES = dt.time(7, 30), dt.time(18)

# Any day of three weeks (weekends and the closing day included), any quarter of an hour.
days = st.integers(min_value=0, max_value=20).map(lambda n: MONDAY + dt.timedelta(days=n))
times = st.integers(min_value=0, max_value=95).map(lambda q: dt.time(q // 4, q % 4 * 15))
PATHS = ["create", "urgent", "move", "restore", "follow_plan", "care_plan", "import"]


@pytest.fixture
def world(site):
    ClosingDay.objects.create(site=site, date=CLOSING_DAY, reason="Pedagogische studiedag")
    group = GroupFactory(site=site, name="Vlinders", capacity=18, occasional_places=10)
    return site, group


def _child(site):
    return ChildFactory(family=FamilyFactory(site=site))


def _valid_booking(group, child) -> Booking:
    return services.booking_create(
        child=child,
        group=group,
        day=MONDAY,
        start=dt.time(9),
        end=dt.time(12),
        place_type="occasional",
        user=None,
        origin=Origin.MANUAL,
        check_acceptance=False,
    )


def _try_path(path: str, site, group, day: dt.date, start: dt.time, end: dt.time) -> None:
    child = _child(site)
    if path in ("create", "urgent"):
        services.booking_create(
            child=child,
            group=group,
            day=day,
            start=start,
            end=end,
            place_type="urgent" if path == "urgent" else "occasional",
            user=None,
            override_reason="Moeder start vandaag",
            origin=Origin.MANUAL,
        )
    elif path == "move":
        booking = _valid_booking(group, child)
        services.booking_move(
            booking=booking,
            version=booking.version,
            user=None,
            group=group,
            day=day,
            start=start,
            end=end,
            override_reason="Op vraag van de moeder",
        )
    elif path == "restore":
        # A cancelled booking whose day closed since, or whose times the site no longer
        # holds: an undo puts back only what the invariants allow.
        booking = Booking.objects.create(
            child=child, group=group, date=day, start=dt.time(0), end=dt.time(23, 45),
            place_type="occasional", outcome="cancelled",
        )  # fmt: skip
        if end > start:
            Booking.objects.filter(pk=booking.pk).update(start=start, end=end)
        booking.refresh_from_db()
        services.booking_restore(booking=booking, version=booking.version, user=None)
    elif path == "follow_plan":
        booking = _valid_booking(group, child)
        services.booking_follow_plan(booking=booking, user=None, group=group, start=start, end=end)
    elif path == "care_plan":
        plan = family_services.care_plan_create(
            child=child, kind="regular", start=MONDAY, end=None,
            pattern={day.isoweekday() if day.isoweekday() < 6 else 1: (dt.time(9), dt.time(12))},
        )  # fmt: skip
        # The plan's times as the admin could leave them: the sync must not book them.
        if end > start:
            plan.days.update(start=start, end=end)
        regular_bookings_sync(plan=plan, until=day, today=MONDAY)
    elif path == "import":
        row = {
            "site": site.name, "group": group.name, "family_ref": child.family.reference,
            "child_ref": f"K-{child.pk}", "first_name": "Amal", "last_name": "Bouzid",
            "birth_date": "2025-03-14", "date": day.isoformat(), "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}", "place_type": "occasional", "outcome": "planned",
        }  # fmt: skip
        header = ",".join(COLUMNS)
        plan_import(text=header + "\n" + ",".join(row.get(c, "") for c in COLUMNS) + "\n")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=st.sampled_from(PATHS), day=days, start=times, end=times)
def test_no_path_stores_a_booking_outside_the_opening_hours_or_on_a_closed_day(
    world, path, day, start, end
):
    site, group = world
    # A refusal (ValidationError, with its message) is what a path must do with a bad day.
    with contextlib.suppress(ValidationError), transaction.atomic():
        _try_path(path, site, group, day, start, end)
    for booking in Booking.objects.exclude(outcome="cancelled"):
        assert site.is_open_on(booking.date), (path, booking.date)
        assert OPENS <= booking.start < booking.end <= CLOSES, (path, booking.start, booking.end)


@pytest.mark.parametrize("path", PATHS)
def test_every_path_books_a_valid_day(world, path):
    """The property above is not empty: each path does book within the rules."""
    site, group = world
    before = Booking.objects.exclude(outcome="cancelled").count()
    _try_path(path, site, group, dt.date(2026, 11, 30), dt.time(9), dt.time(12))
    assert Booking.objects.exclude(outcome="cancelled").count() > before
