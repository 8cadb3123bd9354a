"""Regular care plans generate their planned bookings, and follow the plan when it changes."""

import datetime as dt

import pytest
from django.utils import timezone

from elief.models import ClosingDay
from families import services as family_services
from families.models import CarePlan
from planning import services, tasks
from planning.models import Booking, BookingChange
from planning.regular import regular_bookings_sync
from tests.factories import ChildFactory, FamilyFactory, GroupFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)
FOUR_WEEKS = dt.timedelta(weeks=4)
FULL_DAY = (dt.time(8, 30), dt.time(16))
MORNING = (dt.time(8, 30), dt.time(12, 30))


@pytest.fixture
def groups(site):
    # Vlinders has the most regular places: a child without bookings goes there.
    return {
        "Bijtjes": GroupFactory(site=site, name="Bijtjes", regular_places=4),
        "Vlinders": GroupFactory(site=site, name="Vlinders", regular_places=8),
    }


@pytest.fixture
def child(site):
    return ChildFactory(family=FamilyFactory(site=site), first_name="Nour")


def _plan(child, pattern=None, start=dt.date(2026, 11, 2), end=None, kind="regular"):
    return family_services.care_plan_create(
        child=child, kind=kind, start=start, end=end, pattern=pattern or {1: FULL_DAY, 3: MORNING}
    )


def _dates(child, **filters) -> list[dt.date]:
    """The days the child is booked on: a day the plan dropped is cancelled, not gone."""
    live = child.bookings.exclude(outcome="cancelled").filter(**filters)
    return list(live.order_by("date").values_list("date", flat=True))


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


def test_a_regular_plan_books_its_pattern_on_the_open_days_of_four_weeks(child, groups):
    plan = _plan(child)
    result = regular_bookings_sync(plan=plan, until=MONDAY + FOUR_WEEKS, today=MONDAY)
    # Mondays and Wednesdays from Mon 23 Nov up to and including Mon 21 Dec 2026.
    assert _dates(child) == [
        d(11, 23), d(11, 25), d(11, 30), d(12, 2), d(12, 7),
        d(12, 9), d(12, 14), d(12, 16), d(12, 21),
    ]  # fmt: skip
    assert len(result.created) == 9 and result.removed == []
    monday, wednesday = child.bookings.get(date=d(11, 23)), child.bookings.get(date=d(11, 25))
    assert (monday.start, monday.end, wednesday.start, wednesday.end) == (*FULL_DAY, *MORNING)
    assert set(
        child.bookings.values_list("place_type", "outcome", "care_plan", "group", "origin")
    ) == {("regular", "planned", plan.pk, groups["Vlinders"].pk, "care_plan")}
    assert BookingChange.objects.filter(action="created").count() == 9


def test_bookings_skip_closing_days_and_stop_at_the_end_of_the_plan(site, child, groups):
    ClosingDay.objects.create(site=site, date=d(12, 2), reason="Pedagogische studiedag")
    plan = _plan(child, end=d(12, 10))
    regular_bookings_sync(plan=plan, until=MONDAY + FOUR_WEEKS, today=MONDAY)
    assert _dates(child) == [d(11, 23), d(11, 25), d(11, 30), d(12, 7), d(12, 9)]


def test_christmas_and_new_year_are_no_care_days(child, groups):
    today = d(12, 21)
    plan = _plan(child, pattern={5: FULL_DAY})
    regular_bookings_sync(plan=plan, until=today + FOUR_WEEKS, today=today)
    # Fridays 25 Dec and 1 Jan are public holidays.
    assert _dates(child) == [d(1, 8, 2027), d(1, 15, 2027)]


def test_a_changed_plan_drops_the_future_days_it_no_longer_has(site, child, groups, coordinator):
    plan = _plan(child)
    regular_bookings_sync(plan=plan, until=MONDAY + FOUR_WEEKS, today=MONDAY)
    before = dict(child.bookings.values_list("date", "pk"))
    Booking.objects.filter(child=child, date=d(11, 25)).update(
        outcome="present", arrived=dt.time(8, 40), left=dt.time(12, 20)
    )
    ClosingDay.objects.create(site=site, date=d(12, 28), reason="Brugdag")
    plan.refresh_from_db()
    family_services.care_plan_change(
        plan=plan,
        version=plan.version,
        user=coordinator,
        requested_by="mama",
        requested_on=d(12, 4),
        kind="regular",
        start=plan.start,
        end=None,
        pattern={1: FULL_DAY},  # Wednesday removed
    )

    today = d(12, 7)
    result = regular_bookings_sync(plan=plan, until=today + FOUR_WEEKS, today=today)

    # Future Wednesdays 9 and 16 Dec go; the past stays, present or still planned.
    assert [booking.date for booking in result.removed] == [d(12, 9), d(12, 16)]
    assert set(
        BookingChange.objects.filter(booking__in=result.removed).values_list("action", flat=True)
    ) == {"created", "plan_removed"}
    assert _dates(child) == [
        d(11, 23), d(11, 25), d(11, 30), d(12, 2),
        d(12, 7), d(12, 14), d(12, 21), d(1, 4, 2027),
    ]  # fmt: skip
    assert [booking.date for booking in result.created] == [d(1, 4, 2027)]  # 28 Dec is closed
    assert child.bookings.get(date=d(11, 25)).outcome == "present"
    assert child.bookings.get(date=d(12, 2)).outcome == "planned"
    kept = dict(child.bookings.values_list("date", "pk"))
    assert all(kept[day] == before[day] for day in (d(12, 7), d(12, 14), d(12, 21)))


def test_running_it_twice_creates_nothing_new(child, groups):
    plan = _plan(child)
    until = MONDAY + FOUR_WEEKS
    regular_bookings_sync(plan=plan, until=until, today=MONDAY)
    pks = set(child.bookings.values_list("pk", flat=True))
    again = regular_bookings_sync(plan=plan, until=until, today=MONDAY)
    assert (again.created, again.changed, again.removed) == ([], [], [])
    assert set(child.bookings.values_list("pk", flat=True)) == pks
    assert BookingChange.objects.count() == len(pks)


def test_days_someone_decided_about_are_left_alone(child, groups, coordinator):
    plan = _plan(child)
    until = MONDAY + FOUR_WEEKS
    regular_bookings_sync(plan=plan, until=until, today=MONDAY)
    # The family cancelled 30 Nov; the coordinator moved 2 Dec to Thursday 3 Dec.
    services.booking_cancel(booking=child.bookings.get(date=d(11, 30)), version=1, user=coordinator)
    wednesday = child.bookings.get(date=d(12, 2))
    Booking.objects.filter(pk=wednesday.pk).update(date=d(12, 3), version=2)
    BookingChange.objects.create(
        booking=wednesday, user=coordinator, action="moved", before={"date": "2026-12-02"}
    )

    result = regular_bookings_sync(plan=plan, until=until, today=MONDAY)

    assert (result.created, result.removed) == ([], [])
    assert child.bookings.get(date=d(11, 30)).outcome == "cancelled"
    assert not child.bookings.filter(date=d(12, 2)).exists()
    assert child.bookings.get(date=d(12, 3)).pk == wednesday.pk


def test_a_day_booked_by_hand_is_not_booked_twice(child, groups, coordinator):
    services.booking_create(
        child=child,
        group=groups["Bijtjes"],
        day=d(11, 30),
        start=dt.time(9),
        end=dt.time(12),
        place_type="occasional",
        user=coordinator,
        origin="manual",
        check_acceptance=False,
    )
    plan = _plan(child)
    regular_bookings_sync(plan=plan, until=MONDAY + FOUR_WEEKS, today=MONDAY)
    assert child.bookings.filter(date=d(11, 30)).count() == 1
    # The group of the child's most recent booking.
    assert set(child.bookings.values_list("group", flat=True)) == {groups["Bijtjes"].pk}
    # The hand-made booking is not the plan's: changing the plan leaves it.
    plan.days.all().delete()
    plan.days.create(weekday=3, start=MORNING[0], end=MORNING[1])
    regular_bookings_sync(plan=plan, until=MONDAY + FOUR_WEEKS, today=MONDAY)
    assert child.bookings.get(date=d(11, 30)).place_type == "occasional"


def test_new_times_reach_the_bookings_nobody_touched(child, groups, coordinator):
    plan = _plan(child)
    until = MONDAY + FOUR_WEEKS
    regular_bookings_sync(plan=plan, until=until, today=MONDAY)
    touched = child.bookings.get(date=d(12, 7))
    services.booking_set_place_type(
        booking=touched, version=1, user=coordinator, place_type="regular"
    )
    plan.days.filter(weekday=1).update(start=dt.time(9), end=dt.time(15))
    regular_bookings_sync(plan=plan, until=until, today=MONDAY)
    mondays = child.bookings.filter(date__week_day=2).exclude(pk=touched.pk)
    assert set(mondays.values_list("start", "end")) == {(dt.time(9), dt.time(15))}
    touched.refresh_from_db()
    assert (touched.start, touched.end) == FULL_DAY
    assert child.bookings.count() == 9


def test_a_plan_that_is_no_longer_regular_drops_its_future_bookings(child, groups, coordinator):
    plan = _plan(child)
    regular_bookings_sync(plan=plan, until=MONDAY + FOUR_WEEKS, today=MONDAY)
    CarePlan.objects.filter(pk=plan.pk).update(kind="occasional")
    result = regular_bookings_sync(plan=plan, until=d(12, 14), today=d(12, 7))
    assert len(result.removed) == 5
    assert _dates(child) == [d(11, 23), d(11, 25), d(11, 30), d(12, 2)]


def test_an_occasional_plan_books_nothing(child, groups):
    plan = _plan(child, kind="occasional")
    result = regular_bookings_sync(plan=plan, until=MONDAY + FOUR_WEEKS, today=MONDAY)
    assert result.created == [] and not child.bookings.exists()


def test_the_plan_is_synced_once_after_the_commit(
    child, groups, coordinator, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    pattern = {1: FULL_DAY, 3: MORNING}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        plan = family_services.care_plan_create(
            child=child, kind="regular", start=today, end=None, pattern=pattern
        )
    assert len(callbacks) == 1
    expected = [
        day
        for day in child.family.site.open_days(today, today + FOUR_WEEKS)
        if day.isoweekday() in pattern
    ]
    assert _dates(child) == expected

    plan.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        family_services.care_plan_change(
            plan=plan,
            version=plan.version,
            user=coordinator,
            requested_by="papa",
            requested_on=today,
            kind="regular",
            start=today,
            end=None,
            pattern={1: FULL_DAY},
        )
    assert len(callbacks) == 1
    assert _dates(child) == [day for day in expected if day.isoweekday() == 1]


def test_deleting_a_plan_cancels_its_future_bookings(child, groups):
    today = timezone.localdate()
    plan = _plan(child, start=today - dt.timedelta(days=14))
    regular_bookings_sync(plan=plan, until=today + FOUR_WEEKS, today=today)
    assert child.bookings.exists()
    plan.delete()
    assert _dates(child) == []
    assert (
        not child.bookings.filter(changes__action="plan_removed")
        .exclude(outcome="cancelled")
        .exists()
    )


def test_the_nightly_task_extends_every_regular_plan(site, groups):
    today = timezone.localdate()
    children = [ChildFactory(family=FamilyFactory(site=site)) for _ in range(3)]
    _plan(children[0], start=today - dt.timedelta(days=30))
    _plan(children[1], start=today + dt.timedelta(days=7), pattern={2: FULL_DAY})
    _plan(children[2], start=today - dt.timedelta(days=30), kind="occasional")
    created = tasks.regular_bookings_extend()
    horizon = today + FOUR_WEEKS
    first = [day for day in site.open_days(today, horizon) if day.isoweekday() in (1, 3)]
    second = [
        day
        for day in site.open_days(today + dt.timedelta(days=7), horizon)
        if day.isoweekday() == 2
    ]
    assert _dates(children[0]) == first
    assert _dates(children[1]) == second
    assert not children[2].bookings.exists()
    assert created == len(first) + len(second)
    assert tasks.regular_bookings_extend() == 0


@pytest.mark.parametrize("plans", [1, 4])
def test_the_sync_needs_a_fixed_number_of_queries(site, groups, plans, django_assert_num_queries):
    plan = _plan(ChildFactory(family=FamilyFactory(site=site)))
    for _ in range(plans - 1):  # other plans of the site change nothing for this one
        _plan(ChildFactory(family=FamilyFactory(site=site)))
    # Each of the 9 new days goes through booking_create (the invariants and the
    # acceptance rule on the day's figures): a fixed number per day, none per other plan.
    with django_assert_num_queries(102):
        regular_bookings_sync(plan=plan, until=MONDAY + FOUR_WEEKS, today=MONDAY)
